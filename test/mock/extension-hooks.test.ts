import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { type ServedMock, serveMock } from '../../src/mock/http-server.js';
import { createMock, type Mock } from '../../src/mock/index.js';
import { clientCredentialsToken } from '../support/token.js';

// The shapes of the issue-20 extension hooks on the standalone mock (RUNNING.md, part 2): initiate-login,
// interceptors, public-clients and rate-limit. What the suites do with them is in suites/; here, only the contract:
// each answer, and each refusal of a body outside it. Redirecting answers are read, never followed.

const credentials = { clientId: 'skc_extension_hooks', clientSecret: 'extension-hooks-secret' };
let mock: Mock;
let served: ServedMock;
let token: string;

async function call(method: string, path: string, body?: unknown, bearer: string | null = token) {
  const response = await fetch(`${served.url}/_conformance/v1${path}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    location: response.headers.get('location'),
    json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

beforeAll(async () => {
  mock = createMock({ clock: new ManualClock(Date.UTC(2026, 5, 1, 12)), credentials, seed: 20 });
  served = await serveMock(mock);
  token = await clientCredentialsToken(served.url, credentials);
});
beforeEach(async () => {
  await call('POST', '/reset');
});
afterAll(() => served.close());

const secret = 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=';

describe('the issue-20 extension hooks of the standalone mock', () => {
  it('are listed by discover and refused without the bearer token', async () => {
    const hooks = (await call('GET', '')).json?.hooks;
    expect(hooks).toEqual(expect.arrayContaining(['initiate-login', 'interceptors', 'public-clients', 'rate-limit']));
    for (const [method, path] of [
      ['POST', '/initiate-login'],
      ['PUT', '/interceptors/PRE_SIGNUP'],
      ['POST', '/public-clients'],
      ['PUT', '/rate-limit'],
    ] as const) {
      expect((await call(method, path, {}, null)).status, `${method} ${path}`).toBe(401);
    }
  });

  it('initiate-login redirects to the registered initiate-login URI; an invitation token is taken back by authorize', async () => {
    expect((await call('POST', '/initiate-login', { scenario: 'invitation' })).status).toBe(400);
    await call('PUT', '/redirects/initiate_login', { uris: ['https://app.example.test/login'] });
    await call('PUT', '/redirects/callback', { uris: ['https://app.example.test/callback'] });
    expect((await call('POST', '/initiate-login', { scenario: 'lost_password' })).status).toBe(400);
    expect((await call('POST', '/initiate-login', { scenario: 'invitation', organization_id: 'org_0' })).status).toBe(
      404,
    );

    const expired = await call('POST', '/initiate-login', {
      scenario: 'expired_transaction',
      email: 'ada@example.com',
    });
    expect(expired.status).toBe(302);
    const expiredAt = new URL(expired.location ?? '');
    expect(`${expiredAt.origin}${expiredAt.pathname}`).toBe('https://app.example.test/login');
    expect(expiredAt.searchParams.get('iss')).toBe(served.url);
    expect(expiredAt.searchParams.has('login_hint')).toBe(false);
    expect(expired.json).toEqual({ location: expired.location });

    const invited = await call('POST', '/initiate-login', { scenario: 'invitation', email: 'ada@example.com' });
    const params = new URL(invited.location ?? '').searchParams;
    expect(params.get('login_hint')).toBe('ada@example.com');
    const invitation = params.get('invitation_token') ?? '';
    expect(invitation).toMatch(/^inv_/);

    await call('PUT', '/login', { email: 'ada@example.com', decision: 'approve' });
    const authorize = (extra: Record<string, string>) =>
      fetch(
        `${served.url}/oauth/authorize?${new URLSearchParams({
          client_id: credentials.clientId,
          redirect_uri: 'https://app.example.test/callback',
          response_type: 'code',
          scope: 'openid',
          state: 's1',
          ...extra,
        })}`,
        { redirect: 'manual' },
      );
    const forwarded = new URL((await authorize({ invitation_token: invitation })).headers.get('location') ?? '');
    expect(forwarded.searchParams.get('code')).toBeTruthy();
    expect(forwarded.searchParams.get('state')).toBe('s1');
    const unknown = new URL((await authorize({ invitation_token: 'inv_forged' })).headers.get('location') ?? '');
    expect(unknown.searchParams.get('error')).toBe('invalid_request');
  });

  it('interceptors registers per trigger without echoing the secret, and refuses what is outside the shape', async () => {
    const registration = { url: 'http://127.0.0.1:9/intercept', secret, timeout_ms: 4000, fail_policy: 'block' };
    expect(await call('PUT', '/interceptors/PRE_SIGNUP', registration)).toMatchObject({
      status: 200,
      json: { trigger: 'PRE_SIGNUP', url: registration.url, timeout_ms: 4000, fail_policy: 'block' },
    });
    expect(JSON.stringify((await call('PUT', '/interceptors/PRE_SIGNUP', registration)).json)).not.toContain(secret);
    expect((await call('PUT', '/interceptors/POST_SIGNUP', registration)).status).toBe(404);
    for (const bad of [
      { ...registration, url: 'ftp://127.0.0.1/x' },
      { ...registration, secret: 'plain-secret' },
      { ...registration, timeout_ms: 0 },
      { ...registration, fail_policy: 'retry' },
    ]) {
      expect((await call('PUT', '/interceptors/PRE_SIGNUP', bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect(await call('PUT', '/interceptors/PRE_M2M_TOKEN_CREATION', { url: registration.url, secret })).toMatchObject({
      status: 200,
      json: { timeout_ms: 5000, fail_policy: 'allow' },
    });
    // Read back with its secret (a run puts the owners' interceptor back with it), null once removed.
    expect(await call('GET', '/interceptors/PRE_SIGNUP')).toEqual({
      status: 200,
      location: null,
      json: { interceptor: registration },
    });
    expect((await call('GET', '/interceptors/POST_SIGNUP')).status).toBe(404);
    expect((await call('DELETE', '/interceptors/PRE_SIGNUP')).status).toBe(204);
    expect((await call('DELETE', '/interceptors/PRE_SIGNUP')).status).toBe(404);
    expect((await call('GET', '/interceptors/PRE_SIGNUP')).json).toEqual({ interceptor: null });
  });

  it('public-clients makes a client with no secret that needs PKCE, and deletes it', async () => {
    expect((await call('POST', '/public-clients', { type: 'web', redirect_uris: ['myapp://cb'] })).status).toBe(400);
    expect((await call('POST', '/public-clients', { type: 'spa', redirect_uris: ['/relative'] })).status).toBe(400);
    const created = await call('POST', '/public-clients', {
      type: 'native',
      redirect_uris: ['http://127.0.0.1:8765/callback', 'myapp://callback'],
    });
    expect(created.status).toBe(201);
    const clientId = String(created.json?.client_id);
    expect(created.json).toEqual({
      client_id: clientId,
      type: 'native',
      redirect_uris: ['http://127.0.0.1:8765/callback', 'myapp://callback'],
    });
    const authorize = (redirectUri: string, pkce: boolean) =>
      fetch(
        `${served.url}/oauth/authorize?${new URLSearchParams({
          client_id: clientId,
          redirect_uri: redirectUri,
          response_type: 'code',
          scope: 'openid',
          ...(pkce
            ? { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }
            : {}),
        })}`,
        { redirect: 'manual' },
      );
    await call('PUT', '/login', { email: 'ada@example.com', decision: 'approve' });
    // Another loopback port is the same callback for a native app; another path or host is not.
    const otherPort = new URL((await authorize('http://127.0.0.1:49152/callback', true)).headers.get('location') ?? '');
    expect(otherPort.searchParams.get('code')).toBeTruthy();
    expect((await authorize('http://127.0.0.1:49152/other', true)).status).toBe(400);
    const withoutPkce = new URL((await authorize('myapp://callback', false)).headers.get('location') ?? '');
    expect(withoutPkce.searchParams.get('error')).toBe('invalid_request');
    expect((await call('DELETE', `/public-clients/${clientId}`)).status).toBe(204);
    expect((await call('DELETE', `/public-clients/${clientId}`)).status).toBe(404);
  });

  it('rate-limit takes a positive whole number per minute and is removed by DELETE', async () => {
    for (const per_minute of [0, 1.5, '5', 100_001]) {
      expect((await call('PUT', '/rate-limit', { per_minute })).status, String(per_minute)).toBe(400);
    }
    expect(await call('PUT', '/rate-limit', { per_minute: 5 })).toMatchObject({ status: 200, json: { per_minute: 5 } });
    expect((await call('DELETE', '/rate-limit')).status).toBe(204);
  });
});
