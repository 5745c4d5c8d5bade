// Requests to the surfaces outside the OpenAPI spec (/oauth/authorize, /oauth/token, /oidc/logout), made the way a
// browser or an OAuth client makes them, through the run's recording transport so failures can replay them.
import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import { inject } from 'vitest';
import { createTransport, type Exchange } from '../client/transport.js';
import type { Target } from './target.js';

function transportFor(target: Target) {
  return createTransport({ timeoutMs: inject('conformance').timeoutMs, record: (e) => target.exchanges.push(e) });
}

function lastExchange(target: Target): Exchange {
  const exchange = target.exchanges.at(-1);
  if (!exchange) throw new Error('the call made no HTTP request');
  return exchange;
}

/** A GET as a browser navigation sends it, redirects not followed, so the Location stays visible. */
export async function navigate(
  target: Target,
  path: string,
  params: Record<string, string | undefined>,
): Promise<Exchange> {
  const url = new URL(`${target.baseUrl.replace(/\/$/, '')}${path}`);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.append(name, value);
  await transportFor(target)(new Request(url, { redirect: 'manual', headers: { accept: 'text/html' } }));
  return lastExchange(target);
}

/** A form-encoded POST, as an OAuth client sends to the token endpoint. */
export async function postForm(
  target: Target,
  path: string,
  fields: Record<string, string | undefined>,
): Promise<Exchange> {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.append(name, value);
  await transportFor(target)(
    new Request(`${target.baseUrl.replace(/\/$/, '')}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form,
    }),
  );
  return lastExchange(target);
}

/** The client the run authenticates as; authorize and token requests use it as the OAuth client. */
export async function oauthClient(target: Target): Promise<{ id: string; secret?: string }> {
  const run = inject('conformance').target;
  if (run.kind === 'url') return { id: run.clientId, secret: run.clientSecret };
  // The in-process mock makes up its credentials per file; its access tokens name the client.
  const claims = decodeJwt(await target.tokens.token());
  return { id: typeof claims.client_id === 'string' ? claims.client_id : '' };
}

/**
 * An authorization-code request with PKCE (S256) for the run's client, as a browser sends it; the answer's code
 * (empty when none came back) and what the token request needs.
 */
export async function authorizeWithPkce(target: Target, callback: string, state: string) {
  const client = await oauthClient(target);
  const verifier = target.faker.string.alphanumeric(64);
  const exchange = await navigate(target, '/oauth/authorize', {
    response_type: 'code',
    client_id: client.id,
    redirect_uri: callback,
    scope: 'openid profile email',
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const code = new URL(exchange.responseHeaders.location ?? '', exchange.url).searchParams.get('code') ?? '';
  return { client, verifier, exchange, code };
}

/** The token request that redeems an authorization code from `authorizeWithPkce`. */
export function redeemCode(
  target: Target,
  flow: { client: { id: string; secret?: string }; verifier: string; code: string },
  callback: string,
): Promise<Exchange> {
  return postForm(target, '/oauth/token', {
    grant_type: 'authorization_code',
    code: flow.code,
    redirect_uri: callback,
    client_id: flow.client.id,
    client_secret: flow.client.secret,
    code_verifier: flow.verifier,
  });
}
