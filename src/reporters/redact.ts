// Secrets must never reach output or report files. Known values (the client secret) are replaced wherever they
// appear; shapes that carry secrets (bearer tokens, token responses, form-encoded secrets) are masked by pattern.

const patterns: [RegExp, string][] = [
  [/(Bearer\s+)(?!\$SCALEKIT_ACCESS_TOKEN)[A-Za-z0-9._~+/=-]{8,}/g, '$1[REDACTED]'],
  [
    /(\\?"(?:access_token|id_token|refresh_token|client_secret|plain_secret)\\?"\s*:\s*\\?")(?:[^"\\]|\\(?!"))*(\\?")/g,
    '$1[REDACTED]$2',
  ],
  [/((?:^|[?&\s])client_secret=)(?!\$SCALEKIT_CLIENT_SECRET)[^&\s"']*/g, '$1[REDACTED]'],
  [/(whsec_)[A-Za-z0-9+/=]{8,}/g, '$1[REDACTED]'],
];

const secretFields = new Set(['access_token', 'id_token', 'refresh_token', 'client_secret', 'plain_secret']);

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
    for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement);
    return out;
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
