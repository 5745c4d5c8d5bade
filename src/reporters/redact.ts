// Secrets must never reach output or report files. Known values (the client secret) are replaced wherever they
// appear; shapes that carry secrets (bearer tokens, token responses, form-encoded secrets) are masked by pattern.

const patterns: [RegExp, string][] = [
  [/(Bearer\s+)(?!\$SCALEKIT_ACCESS_TOKEN)[A-Za-z0-9._~+/=-]{8,}/g, '$1[REDACTED]'],
  [/("(?:access_token|id_token|refresh_token|client_secret|plain_secret)"\s*:\s*")[^"]*(")/g, '$1[REDACTED]$2'],
  [/((?:^|[?&\s])client_secret=)(?!\$SCALEKIT_CLIENT_SECRET)[^&\s"']*/g, '$1[REDACTED]'],
  [/(whsec_)[A-Za-z0-9+/=]{8,}/g, '$1[REDACTED]'],
];

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

  /** Redacts every string inside a JSON-compatible value. */
  redactDeep<T>(value: T): T {
    return JSON.parse(this.redact(JSON.stringify(value))) as T;
  }

  /** Routes everything this process writes to stdout and stderr through `redact`. */
  guardProcessOutput(): () => void {
    const restore: (() => void)[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: unknown, ...rest: unknown[]) =>
        original(
          typeof chunk === 'string'
            ? this.redact(chunk)
            : chunk instanceof Uint8Array
              ? this.redact(Buffer.from(chunk).toString('utf8'))
              : (chunk as string),
          ...(rest as []),
        )) as typeof stream.write;
      restore.push(() => {
        stream.write = original;
      });
    }
    return () => {
      for (const undo of restore) undo();
    };
  }
}
