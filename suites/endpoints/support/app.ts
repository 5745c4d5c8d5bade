// The suite playing the application: its registered URIs (put back afterwards), its initiate-login route forwarding
// what the browser brought to /oauth/authorize, and a public client's PKCE flow. They drive the target;
// src/checks/endpoints.ts decides. The app is never hosted: the hooks hand back the Location the browser would follow.
import { createHash } from 'node:crypto';
import type { RedirectType } from '../../../src/client/control-hooks.js';
import type { Exchange } from '../../../src/client/transport.js';
import { navigate, postForm } from '../../../src/harness/browser.js';
import type { Target } from '../../../src/harness/index.js';
import { splitUri } from '../../../src/oracles/redirect-uri.js';

/** The app's callback and initiate-login route, on a host of the run's own (valid in both environment kinds). */
export function appUris(target: Target) {
  const origin = `https://app-${target.runTag}.example.test`;
  return { callback: `${origin}/callback`, initiateLogin: `${origin}/login` };
}

/**
 * Registers `uris` for the length of `body` and puts back what each type held before, however the body ends: the
 * allowlists are environment-wide.
 */
export async function withRegistrations(
  target: Target,
  uris: Partial<Record<RedirectType, string[]>>,
  body: () => Promise<void>,
): Promise<void> {
  const earlier = new Map<RedirectType, string[]>();
  try {
    for (const [type, list] of Object.entries(uris) as [RedirectType, string[]][]) {
      earlier.set(type, await target.hooks.redirects(type));
      await target.hooks.requireRedirects(type, list);
    }
    await body();
  } finally {
    for (const [type, list] of earlier) await target.hooks.registerRedirects(type, list);
  }
}

/** What the app's own authorization request carries, whatever came with the browser. */
export interface AppAuthorization {
  client_id: string;
  redirect_uri: string;
  state: string;
}

/**
 * The app's initiate-login route as the docs ask for it: every parameter the browser brought (each name once, the
 * last value) forwarded to /oauth/authorize, with the app's own client_id, redirect_uri, response_type, scope and
 * state over any of the same name.
 */
export function forwardToAuthorize(target: Target, arrived: string, own: AppAuthorization): Promise<Exchange> {
  const brought = Object.fromEntries(new URLSearchParams(splitUri(arrived).query ?? ''));
  return navigate(target, '/oauth/authorize', {
    ...brought,
    response_type: 'code',
    scope: 'openid profile email',
    ...own,
  });
}

/** A PKCE pair (RFC 7636, S256) from the run's seeded faker. */
export function pkce(target: Target) {
  const verifier = target.faker.string.alphanumeric(64);
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A public client's authorization request with PKCE (S256), as the app's browser or system browser sends it. */
export async function authorizePublic(target: Target, clientId: string, redirectUri: string, state: string) {
  const { verifier, challenge } = pkce(target);
  const exchange = await navigate(target, '/oauth/authorize', {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const location = exchange.responseHeaders.location ?? '';
  const code = new URLSearchParams(splitUri(location).query ?? '').get('code') ?? '';
  return { exchange, code, verifier };
}

/** The public client's token request: no client secret; the verifier unless it is left out on purpose. */
export function redeemPublic(
  target: Target,
  clientId: string,
  grant: { code: string; redirectUri: string; verifier?: string },
): Promise<Exchange> {
  return postForm(target, '/oauth/token', {
    grant_type: 'authorization_code',
    code: grant.code,
    redirect_uri: grant.redirectUri,
    client_id: clientId,
    code_verifier: grant.verifier,
  });
}
