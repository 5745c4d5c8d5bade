import { createHash } from 'node:crypto';
import { ScalekitClient } from '@scalekit-sdk/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { loginScript, redirectRegistry } from '../../src/mock/control-state.js';
import { type ServedMock, serveMock } from '../../src/mock/http-server.js';
import { createMock, type Mock } from '../../src/mock/index.js';

// The official Node SDK against the mock served on a loopback port: the login flow an application built on the SDK
// runs (authorize URL, code exchange, token validation, logout URL) must work unchanged. The SDK checks token
// expiry against the wall clock, so the mock runs on the system clock here.

const credentials = { clientId: 'skc_sdk_interop', clientSecret: 'sdk-secret-123' };
const redirectUri = 'http://localhost:3000/auth/callback';
const postLogoutUri = 'http://localhost:3000/signed-out';
const email = 'grace@example.com';

let mock: Mock;
let served: ServedMock;
let sdk: ScalekitClient;

beforeAll(async () => {
  mock = createMock({ clock: systemClock, credentials, seed: 11 });
  served = await serveMock(mock);
  sdk = new ScalekitClient(served.url, credentials.clientId, credentials.clientSecret);
});
afterAll(() => served.close());
beforeEach(() => {
  mock.state.reset();
  redirectRegistry(mock.state).callback = [redirectUri];
  redirectRegistry(mock.state).post_logout = [postLogoutUri];
  loginScript(mock.state).current = { email, decision: 'approve' };
});

/** What a browser does with the SDK's authorization URL: follow it to the callback, without following that. */
async function callbackQuery(authorizationUrl: string): Promise<URLSearchParams> {
  const response = await fetch(authorizationUrl, { redirect: 'manual' });
  expect(response.status).toBe(302);
  const location = response.headers.get('location') ?? '';
  expect(location.startsWith(`${redirectUri}?`)).toBe(true);
  return new URL(location).searchParams;
}

describe('@scalekit-sdk/node against the served mock', () => {
  it('builds an authorization URL the mock accepts, and gets the state back unchanged', async () => {
    const url = sdk.getAuthorizationUrl(redirectUri, { state: 'csrf-9f8e7d', scopes: ['openid', 'profile', 'email'] });
    expect(url.startsWith(`${served.url}/oauth/authorize?`)).toBe(true);
    const query = await callbackQuery(url);
    expect(query.get('state')).toBe('csrf-9f8e7d');
    expect(query.get('code')).toBeTruthy();
  });

  it('exchanges the code with authenticateWithCode and gets the user from the ID token', async () => {
    const url = sdk.getAuthorizationUrl(redirectUri, {
      state: 'csrf-1',
      nonce: 'nonce-1',
      scopes: ['openid', 'profile', 'email'],
    });
    const code = (await callbackQuery(url)).get('code') ?? '';
    const result = await sdk.authenticateWithCode(code, redirectUri);
    expect(result.user.email).toBe(email);
    expect(result.user.id).toMatch(/^usr_/);
    expect(result.idToken).toEqual(expect.any(String));
    expect(result.expiresIn).toBe(86_399);
    const claims = await sdk.validateToken<{ nonce?: string; email?: string }>(result.idToken, {
      issuer: served.url,
      audience: [credentials.clientId],
    });
    expect(claims).toMatchObject({ nonce: 'nonce-1', email });
  });

  it('validates the access token against /keys, with and without issuer and audience', async () => {
    const code = (await callbackQuery(sdk.getAuthorizationUrl(redirectUri, { state: 's' }))).get('code') ?? '';
    const { accessToken } = await sdk.authenticateWithCode(code, redirectUri);
    expect(await sdk.validateAccessToken(accessToken)).toBe(true);
    expect(await sdk.validateAccessToken(accessToken, { issuer: served.url, audience: [credentials.clientId] })).toBe(
      true,
    );
    expect(await sdk.validateAccessToken(accessToken, { issuer: 'https://elsewhere.example.com' })).toBe(false);
    expect(await sdk.validateAccessToken(accessToken, { audience: ['skc_someone_else'] })).toBe(false);
    const [header, payload, signature] = accessToken.split('.');
    const tampered = `${header}.${payload}.${signature?.startsWith('A') ? 'B' : 'A'}${signature?.slice(1)}`;
    expect(await sdk.validateAccessToken(tampered)).toBe(false);
  });

  it('exchanges a PKCE code when given the code verifier', async () => {
    const codeVerifier = 'sdk-interop-verifier-0123456789-abcdefghijklmnop';
    const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
    const url = sdk.getAuthorizationUrl(redirectUri, { state: 's', codeChallenge, codeChallengeMethod: 'S256' });
    const code = (await callbackQuery(url)).get('code') ?? '';
    await expect(sdk.authenticateWithCode(code, redirectUri, { codeVerifier: `${codeVerifier}x` })).rejects.toThrow();
    const result = await sdk.authenticateWithCode(code, redirectUri, { codeVerifier });
    expect(result.user.email).toBe(email);
  });

  it('fails authenticateWithCode for a reused code and for another redirect URI', async () => {
    const code = (await callbackQuery(sdk.getAuthorizationUrl(redirectUri, { state: 's' }))).get('code') ?? '';
    await expect(sdk.authenticateWithCode(code, `${redirectUri}/`)).rejects.toThrow();
    await sdk.authenticateWithCode(code, redirectUri);
    await expect(sdk.authenticateWithCode(code, redirectUri)).rejects.toThrow();
  });

  it('gets a client-credentials token the SDK validates, and that the REST API accepts', async () => {
    const accessToken = await sdk.getClientAccessToken();
    expect(await sdk.validateAccessToken(accessToken, { issuer: served.url, audience: [credentials.clientId] })).toBe(
      true,
    );
    const response = await fetch(`${served.url}/api/v1/logs/authentication/requests`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(response.status).toBe(200);
  });

  it('builds a logout URL the mock redirects to the registered post-logout URL with the state', async () => {
    const code = (await callbackQuery(sdk.getAuthorizationUrl(redirectUri, { state: 's' }))).get('code') ?? '';
    const { idToken } = await sdk.authenticateWithCode(code, redirectUri);
    const logoutUrl = sdk.getLogoutUrl({ idTokenHint: idToken, postLogoutRedirectUri: postLogoutUri, state: 'bye' });
    const response = await fetch(logoutUrl, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${postLogoutUri}?state=bye`);
    const refused = sdk.getLogoutUrl({ postLogoutRedirectUri: 'http://localhost:3000/elsewhere', state: 'bye' });
    const refusal = await fetch(refused, { redirect: 'manual' });
    expect(refusal.status).toBe(400);
    expect(refusal.headers.get('location')).toBeNull();
  });
});
