import type { Clock } from '../clock.js';
import type { Transport } from './transport.js';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** Why a token could not be had; the CLI turns each kind into its own one-line message. */
export type TokenFailureKind = 'unreachable' | 'rejected' | 'malformed';

export class TokenError extends Error {
  readonly kind: TokenFailureKind;
  readonly status: number | undefined;
  readonly oauthError: string | undefined;
  constructor(kind: TokenFailureKind, message: string, status?: number, oauthError?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TokenError';
    this.kind = kind;
    this.status = status;
    this.oauthError = oauthError;
  }
}

export interface TokenSessionOptions {
  baseUrl: string;
  credentials: ClientCredentials;
  transport: Transport;
  clock: Clock;
  /** Refresh this long before the token's stated expiry. */
  refreshBeforeExpiryMs?: number;
}

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4) against `<target>/oauth/token`, form-encoded, with the token kept
 * until shortly before it expires. Concurrent callers share one request.
 */
export class TokenSession {
  readonly #options: TokenSessionOptions;
  #cached: { token: string; refreshAt: number } | undefined;
  #pending: Promise<string> | undefined;
  /** How many tokens were fetched; tests use it to prove caching and refresh. */
  fetchCount = 0;

  constructor(options: TokenSessionOptions) {
    this.#options = options;
  }

  get tokenUrl(): string {
    return new URL('/oauth/token', this.#options.baseUrl).toString();
  }

  async token(): Promise<string> {
    const now = this.#options.clock.now();
    if (this.#cached && now < this.#cached.refreshAt) return this.#cached.token;
    this.#pending ??= this.#fetchToken().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** Forget the cached token (after a 401), so the next call fetches a new one. */
  invalidate(): void {
    this.#cached = undefined;
  }

  async #fetchToken(): Promise<string> {
    const { credentials, transport, clock } = this.#options;
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    });
    let response: Response;
    try {
      response = await transport(
        new Request(this.tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body,
        }),
      );
    } catch (error) {
      // The cause's text rides in the message: a property's or a serialised error may keep nothing else of it.
      const why = error instanceof Error ? error.message : String(error);
      throw new TokenError('unreachable', `cannot reach ${this.tokenUrl} (${why})`, undefined, undefined, {
        cause: error,
      });
    }
    this.fetchCount += 1;
    const text = await response.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const oauthError = typeof json?.error === 'string' ? json.error : undefined;
      throw new TokenError(
        'rejected',
        `${this.tokenUrl} refused the client credentials (HTTP ${response.status}${oauthError ? `, ${oauthError}` : ''})`,
        response.status,
        oauthError,
      );
    }
    const token = json?.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new TokenError(
        'malformed',
        `${this.tokenUrl} answered ${response.status} without an access_token`,
        response.status,
      );
    }
    const expiresIn = Number(json?.expires_in);
    const lifetimeMs = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : 60_000;
    const margin = Math.min(this.#options.refreshBeforeExpiryMs ?? 60_000, lifetimeMs / 2);
    this.#cached = { token, refreshAt: clock.now() + lifetimeMs - margin };
    return token;
  }
}
