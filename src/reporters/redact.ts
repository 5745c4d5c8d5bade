// Secrets must never reach output or report files. Known values (the client secret) are replaced wherever they
// appear; shapes that carry secrets (JWTs, bearer tokens, token fields, codes, cookies, form-encoded secrets) are
// masked by pattern, by `redactShapes`, the one place those shapes live. Shapes are matched so that a value cut
// short by a preview (an unterminated `"access_token":"eyJ…`) is masked too, and so that a replay line's shell
// variables (`$SCALEKIT_CLIENT_SECRET`, `"$SCALEKIT_ACCESS_TOKEN"`) are left as they are.

const masked = '[REDACTED]';
/** A shell variable a replay line uses in place of a secret, possibly just after a closing or opening quote. */
const variable = `['"]*\\$SCALEKIT_[A-Z_]+`;
/** JSON fields and form or query parameters whose value is a secret. */
const secretNames = 'access_token|id_token|refresh_token|client_secret|plain_secret|logout_token|id_token_hint';
const secretParameters = `${secretNames}|code`;

const shapes: [RegExp, string][] = [
  [new RegExp(`(Bearer\\s+)(?!${variable}|\\[REDACTED\\])[A-Za-z0-9._~+/=-]{8,}`, 'g'), `$1${masked}`],
  // A JWT, whole or cut short: base64url of a JSON object starts `eyJ`; then up to two more dot-separated segments.
  [/eyJ[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]*){0,2}/g, masked],
  // A token field in JSON text, plain or escaped inside a JSON string, ending at its closing quote or wherever the
  // text was cut (the value never spans whitespace, so a cut value does not swallow what follows it).
  [
    new RegExp(`(\\\\*"(?:${secretNames})\\\\*"\\s*:\\s*\\\\*")(?!\\[REDACTED\\])(?:[^"\\\\\\s]|\\\\(?!\\\\*"))+`, 'g'),
    `$1${masked}`,
  ],
  // Secret headers as JSON fields: the whole value goes.
  [
    /(\\*"(?:authorization|proxy-authorization|cookie|set-cookie)\\*"\s*:\s*\\*")(?!\[REDACTED\])(?:[^"\\]|\\(?!\\*"))+/gi,
    `$1${masked}`,
  ],
  // Form bodies, query strings and redirect URLs: `client_secret=…`, `id_token_hint=…`, an authorization `code=…`.
  [
    new RegExp(`((?:^|[?&#\\s'"])(?:${secretParameters})=)(?!${variable}|\\[REDACTED\\])[^&#\\s"']+`, 'g'),
    `$1${masked}`,
  ],
  // Secret headers as text (`Authorization: Basic …`, `Cookie: sid=…`, `Set-Cookie: …`), to the end of the line or
  // the quote that closes a curl argument. A bearer value was masked above and keeps its scheme.
  [
    new RegExp(
      `(\\b(?:authorization|proxy-authorization|cookie|set-cookie):)(?![ \\t]*(?:Bearer\\s+)?(?:${variable}|\\[REDACTED\\]))([ \\t]*)[^\\r\\n'"]+`,
      'gi',
    ),
    `$1$2${masked}`,
  ],
  [/(whsec_)(?!\[REDACTED\])[A-Za-z0-9+/=_-]{6,}/g, `$1${masked}`],
];

/** Masks every secret-carrying shape in `text`. Pure and idempotent: masking masked text changes nothing. */
export function redactShapes(text: string): string {
  let out = text;
  for (const [pattern, replacement] of shapes) out = out.replace(pattern, replacement);
  return out;
}

const secretFields = new Set([
  'access_token',
  'id_token',
  'refresh_token',
  'client_secret',
  'plain_secret',
  'logout_token',
  'id_token_hint',
]);

export class Redactor {
  readonly #secrets: string[] = [];
  constructor(secrets: readonly (string | undefined)[] = []) {
    for (const secret of secrets) this.addSecret(secret);
  }

  addSecret(secret: string | undefined): void {
    // Very short values would mask ordinary words; credentials are never that short.
    if (typeof secret === 'string' && secret.length >= 6 && !this.#secrets.includes(secret)) this.#secrets.push(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join('[REDACTED]');
    return redactShapes(out);
  }

  /** Redacts every string (keys included) inside a JSON-compatible value; numbers and booleans stay as they are. */
  redactDeep<T>(value: T): T {
    const walk = (item: unknown): unknown => {
      if (typeof item === 'string') return this.redact(item);
      if (Array.isArray(item)) return item.map(walk);
      if (item && typeof item === 'object') {
        return Object.fromEntries(
          Object.entries(item).map(([key, child]) => [
            this.redact(key),
            secretFields.has(key) && typeof child === 'string' ? '[REDACTED]' : walk(child),
          ]),
        );
      }
      return item;
    };
    return walk(value) as T;
  }

  /** Routes everything this process writes to stdout and stderr through `redact`; returns the undo. */
  guardProcessOutput(): () => void {
    const restore: (() => void)[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      // Keep the unbound original, so undoing puts back exactly what was there.
      const original = stream.write;
      const redacted = function (this: typeof stream, chunk: unknown, ...rest: unknown[]) {
        const text =
          typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : chunk;
        return (original as (...args: unknown[]) => boolean).call(
          stream,
          typeof text === 'string' ? redactor.redact(text) : text,
          ...rest,
        );
      };
      const redactor = this;
      stream.write = redacted as typeof stream.write;
      restore.push(() => {
        if (stream.write === redacted) stream.write = original;
      });
    }
    return () => {
      for (const undo of restore) undo();
    };
  }
}
