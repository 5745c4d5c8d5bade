import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from '../../generated/openapi.js';
import type { Clock } from '../clock.js';
import { type ClientCredentials, TokenSession } from './oauth.js';
import { createTransport, type Exchange, type Transport } from './transport.js';

export type ApiClient = Client<paths>;

/** How a client authenticates: the normal client-credentials flow, no header at all, or a fixed bearer value. */
export type AuthMode =
  | { kind: 'client-credentials'; session: TokenSession }
  | { kind: 'none' }
  | { kind: 'bearer'; token: string };

export interface ApiClientOptions {
  baseUrl: string;
  auth: AuthMode;
  timeoutMs: number;
  record?: (exchange: Exchange) => void;
  fetch?: typeof fetch;
}

/**
 * Adds the bearer token, and on a 401 fetches a fresh token and retries once: a token can be revoked or expire
 * early on the server, and one refresh tells that apart from a server that rejects every token.
 */
export function clientCredentialsMiddleware(session: TokenSession, transport: Transport): Middleware {
  const originals = new Map<string, Request>();
  return {
    async onRequest({ request, id }) {
      originals.set(id, request.clone());
      request.headers.set('authorization', `Bearer ${await session.token()}`);
      return request;
    },
    async onResponse({ response, id }) {
      const original = originals.get(id);
      originals.delete(id);
      if (response.status !== 401 || !original) return response;
      session.invalidate();
      const retry = new Request(original, { headers: new Headers(original.headers) });
      retry.headers.set('authorization', `Bearer ${await session.token()}`);
      return transport(retry);
    },
    onError({ id }) {
      originals.delete(id);
    },
  };
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const transport = createTransport({
    timeoutMs: options.timeoutMs,
    ...(options.record ? { record: options.record } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: transport });
  const { auth } = options;
  if (auth.kind === 'client-credentials') client.use(clientCredentialsMiddleware(auth.session, transport));
  if (auth.kind === 'bearer') {
    client.use({
      onRequest({ request }) {
        request.headers.set('authorization', `Bearer ${auth.token}`);
        return request;
      },
    });
  }
  return client;
}

export function createTokenSession(options: {
  baseUrl: string;
  credentials: ClientCredentials;
  timeoutMs: number;
  clock: Clock;
  record?: (exchange: Exchange) => void;
  fetch?: typeof fetch;
}): TokenSession {
  return new TokenSession({
    baseUrl: options.baseUrl,
    credentials: options.credentials,
    clock: options.clock,
    transport: createTransport({
      timeoutMs: options.timeoutMs,
      ...(options.record ? { record: options.record } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
  });
}
