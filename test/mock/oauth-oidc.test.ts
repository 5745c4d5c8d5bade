import { createHash } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { loginScript, redirectRegistry } from '../../src/mock/control-state.js';
import { authorizationCodeLifetimeMs } from '../../src/mock/handlers/oauth.js';
import { createMock, type Mock } from '../../src/mock/index.js';
import type { EmittedEvent } from '../../src/mock/state.js';
import { readSpecFile } from '../../src/spec/document.js';
import { SchemaRegistry } from '../../src/spec/schemas.js';
import { exchangeCode, postToken } from '../support/token.js';

// The mock's OAuth 2.0 / OIDC surface (target contract part 1; rules RDR-001/002/019, EPT-005..008/010/011/013,
// TOK-001..003/011), driven in-process through msw.

const specPath = process.env.SCALEKIT_OPENAPI;
if (!specPath) throw new Error('set SCALEKIT_OPENAPI to the spec file before running these tests');
const { document } = readSpecFile(specPath);
const registry = new SchemaRegistry(document);

const origin = 'http://mock.test';
const credentials = { clientId: 'skc_1234567890', clientSecret: 'secret-123' };
const callback = 'https://app.example.com/auth/callback';
const postLogout = 'https://app.example.com/signed-out';
const email = 'ada@example.com';
// Characters that URL encoding must round-trip for the state to come back unchanged (EPT-006).
const oauthState = 'st/8+z= &ü?#';
const verifier = `${'v'.repeat(20)}-._~0123456789abcdefghijklmnop`;
const s256 = (text: string) => createHash('sha256').update(text).digest('base64url');

const server = setupServer();
let clock: ManualClock;
let mock: Mock;
let events: EmittedEvent[];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
beforeEach(() => {
  clock = new ManualClock(Date.UTC(2026, 0, 1, 9));
  mock = createMock({ clock, credentials, seed: 7 });
  server.resetHandlers(...mock.handlers);
  redirectRegistry(mock.state).callback = [callback, 'myapp://callback'];
  redirectRegistry(mock.state).post_logout = [postLogout];
  events = [];
  mock.state.onEvent((event) => events.push(event));
});

// --- helpers ------------------------------------------------------------------------------------------------

function authorizeUrl(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.append(name, value);
  return `${origin}/oauth/authorize?${query}`;
}

const validAuthorize = (extra: Record<string, string | undefined> = {}) => ({
  response_type: 'code',
  client_id: credentials.clientId,
  redirect_uri: callback,
  scope: 'openid profile email',
  state: oauthState,
  ...extra,
});

async function authorize(params: Record<string, string | undefined>, accept?: string) {
  const response = await fetch(authorizeUrl(params), {
    redirect: 'manual',
    ...(accept ? { headers: { accept } } : {}),
  });
  const location = response.headers.get('location');
  return { response, location, query: location ? new URL(location).searchParams : undefined };
}

function scriptLogin(decision: 'approve' | 'deny', organizationId?: string) {
  loginScript(mock.state).current = { email, decision, ...(organizationId ? { organization_id: organizationId } : {}) };
}

/** A fresh code from an approved login. */
async function approvedCode(extra: Record<string, string | undefined> = {}): Promise<string> {
  scriptLogin('approve');
  const { response, query } = await authorize(validAuthorize(extra));
  expect(response.status).toBe(302);
  const code = query?.get('code');
  if (!code) throw new Error(`no code in the redirect (status ${response.status})`);
  return code;
}

const token = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  postToken(origin, fields, headers);

const exchange = (code: string, extra: Record<string, string> = {}) =>
  exchangeCode(origin, credentials, code, callback, extra);

const clientCredentials = () =>
  token({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret });

async function jwks() {
  return (await (await fetch(`${origin}/keys`)).json()) as JSONWebKeySet;
}

const currentDate = () => new Date(mock.state.clock.now());

function expectNoViolations(schema: unknown, value: unknown, what: string) {
  const violations = registry.validate(schema, value);
  expect(violations, `${what}: ${JSON.stringify(violations)}`).toEqual([]);
}

function expectValidEvents() {
  for (const event of events) {
    const webhook = document.webhooks?.[event.type] as
      | { post: { requestBody: { content: { 'application/json': { schema: unknown } } } } }
      | undefined;
    expect(webhook, `webhook ${event.type} in the spec`).toBeDefined();
    expectNoViolations(webhook?.post.requestBody.content['application/json'].schema, event.payload, event.type);
  }
}

const authLogSchema = { $ref: '#/components/schemas/auditlogsAuthLogRequest' };

// --- discovery and keys --------------------------------------------------------------------------------------

describe('OIDC discovery and JWKS', () => {
  it('serves the OpenID configuration with every URL on the request origin', async () => {
    const response = await fetch(`${origin}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const config = (await response.json()) as Record<string, unknown>;
    expect(config).toMatchObject({
      issuer: origin,
      authorization_endpoint: `${origin}/oauth/authorize`,
      token_endpoint: `${origin}/oauth/token`,
      jwks_uri: `${origin}/keys`,
      end_session_endpoint: `${origin}/oidc/logout`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256', 'plain'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(config.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'client_credentials', 'refresh_token']),
    );
    expect(config.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']));
  });

  it('follows the origin the request came to', async () => {
    const config = (await (await fetch('http://other.test/.well-known/openid-configuration')).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    expect(config.issuer).toBe('http://other.test');
    expect(config.jwks_uri).toBe('http://other.test/keys');
  });

  it('publishes one public RS256 signing key with a kid and no private parts (TOK-011)', async () => {
    const { keys } = await jwks();
    expect(keys).toHaveLength(1);
    const [key] = keys;
    expect(key).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: expect.any(String) });
    for (const privatePart of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(privatePart);
  });

  it('keeps its key across reset, so tokens issued before it still verify', async () => {
    const before = (await clientCredentials()).json.access_token as string;
    mock.state.reset();
    const keySet = createLocalJWKSet(await jwks());
    await expect(jwtVerify(before, keySet, { currentDate: currentDate() })).resolves.toBeDefined();
  });
});

// --- client credentials --------------------------------------------------------------------------------------

describe('POST /oauth/token, client_credentials (TOK-001, TOK-003, TOK-011)', () => {
  it('issues an RS256 JWT with iss = origin, aud containing the client id and exp/iat from the mock clock', async () => {
    const { status, json, headers } = await clientCredentials();
    expect(status).toBe(200);
    expect(json).toMatchObject({ token_type: 'Bearer', expires_in: 86_399, scope: '' });
    expect(headers.get('cache-control')).toBe('no-store');
    const accessToken = json.access_token as string;
    expect(decodeProtectedHeader(accessToken)).toMatchObject({ alg: 'RS256', kid: (await jwks()).keys[0]?.kid });
    const { payload } = await jwtVerify(accessToken, createRemoteJWKSet(new URL(`${origin}/keys`)), {
      issuer: origin,
      audience: credentials.clientId,
      currentDate: currentDate(),
    });
    const iat = Math.floor(clock.now() / 1000);
    expect(payload).toMatchObject({ iat, exp: iat + 86_399, sub: credentials.clientId });
  });

  it('is accepted by the REST API until it expires on the mock clock', async () => {
    const accessToken = (await clientCredentials()).json.access_token as string;
    const list = () =>
      fetch(`${origin}/api/v1/logs/authentication/requests`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect((await list()).status).toBe(200);
    clock.advance(86_399 * 1000);
    expect((await list()).status).toBe(401);
  });

  it('accepts client credentials sent with HTTP Basic (RFC 6749 §2.3.1)', async () => {
    const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
    const { status } = await token({ grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
    expect(status).toBe(200);
  });

  it('refuses a wrong secret with 401 invalid_client', async () => {
    const { status, json } = await token({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: 'wrong',
    });
    expect(status).toBe(401);
    expect(json.error).toBe('invalid_client');
  });

  it('refuses a JSON body and an unknown grant type with RFC 6749 errors', async () => {
    const json = await fetch(`${origin}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
    const unknown = await token({ grant_type: 'password', client_id: credentials.clientId });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toBe('unsupported_grant_type');
  });
});

// --- authorize -----------------------------------------------------------------------------------------------

describe('GET /oauth/authorize redirect_uri validation (RDR-001, RDR-002)', () => {
  const refused: [string, string | undefined][] = [
    ['an unregistered URI', 'https://evil.example.com/auth/callback'],
    ['a trailing slash added', `${callback}/`],
    ['a query added', `${callback}?next=/home`],
    ['the scheme changed', callback.replace('https:', 'http:')],
    ['a port added', callback.replace('app.example.com', 'app.example.com:443')],
    ['the host in upper case', callback.replace('app.example.com', 'APP.example.com')],
    ['a fragment added', `${callback}#x`],
    ['a prefix of the registered URI', 'https://app.example.com/auth'],
    ['no redirect_uri', undefined],
    ['an empty redirect_uri', ''],
  ];
  for (const [what, redirectUri] of refused) {
    it(`answers ${what} with a 400 error page and no Location`, async () => {
      scriptLogin('approve');
      const { response, location } = await authorize(validAuthorize({ redirect_uri: redirectUri }));
      expect(response.status).toBe(400);
      expect(location).toBeNull();
      expect(await response.text()).toContain('invalid_redirect_uri');
      expect(mock.state.authRequests).toEqual([]);
    });
  }

  it('answers JSON to a client that asks for it', async () => {
    const { response, location } = await authorize(
      validAuthorize({ redirect_uri: `${callback}/` }),
      'application/json',
    );
    expect(response.status).toBe(400);
    expect(location).toBeNull();
    expect(await response.json()).toMatchObject({ error: 'invalid_redirect_uri' });
  });

  it('refuses the redirect_uri given twice, even when both copies are registered', async () => {
    scriptLogin('approve');
    const url = `${authorizeUrl(validAuthorize())}&redirect_uri=${encodeURIComponent(callback)}`;
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('does not redirect for an unknown or missing client_id', async () => {
    scriptLogin('approve');
    for (const clientId of ['skc_other', undefined]) {
      const { response, location } = await authorize(validAuthorize({ client_id: clientId }));
      expect(response.status).toBe(400);
      expect(location).toBeNull();
      expect(await response.text()).toContain('invalid_client');
    }
  });

  it('accepts a registered custom-scheme URI exactly', async () => {
    scriptLogin('approve');
    const { response, location } = await authorize(validAuthorize({ redirect_uri: 'myapp://callback' }));
    expect(response.status).toBe(302);
    expect(location?.startsWith('myapp://callback?code=')).toBe(true);
  });
});

describe('GET /oauth/authorize outcomes (EPT-005, EPT-006, EPT-008)', () => {
  it('redirects an approved login to the registered URI with a code and the state unchanged', async () => {
    scriptLogin('approve');
    const { response, location, query } = await authorize(validAuthorize());
    expect(response.status).toBe(302);
    expect(location?.startsWith(`${callback}?`)).toBe(true);
    expect(query?.get('code')).toMatch(/^\S{20,}$/);
    expect(query?.get('state')).toBe(oauthState);
    expect(query?.has('error')).toBe(false);
  });

  it('omits state from the redirect when the request had none', async () => {
    scriptLogin('approve');
    const { query } = await authorize(validAuthorize({ state: undefined }));
    expect(query?.has('state')).toBe(false);
    expect(query?.get('code')).toBeTruthy();
  });

  it('redirects a denied login with error=access_denied, a description and the state unchanged', async () => {
    scriptLogin('deny');
    const { response, query } = await authorize(validAuthorize());
    expect(response.status).toBe(302);
    expect(query?.get('error')).toBe('access_denied');
    expect(query?.get('error_description')).toBeTruthy();
    expect(query?.get('state')).toBe(oauthState);
    expect(query?.has('code')).toBe(false);
  });

  it('shows a login page, without redirecting, when no login is scripted', async () => {
    const { response, location } = await authorize(validAuthorize());
    expect(response.status).toBe(200);
    expect(location).toBeNull();
    expect(response.headers.get('content-type')).toContain('text/html');
  });

  it('answers prompt=none without a scripted login with error=login_required', async () => {
    const { response, query } = await authorize(validAuthorize({ prompt: 'none' }));
    expect(response.status).toBe(302);
    expect(query?.get('error')).toBe('login_required');
    expect(query?.get('state')).toBe(oauthState);
  });

  const redirectedErrors: [string, Record<string, string | undefined>, string][] = [
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
    ['no response_type', { response_type: undefined }, 'invalid_request'],
    [
      'an unknown code_challenge_method',
      { code_challenge: s256(verifier), code_challenge_method: 'S512' },
      'invalid_request',
    ],
    ['a code_challenge_method without a challenge', { code_challenge_method: 'S256' }, 'invalid_request'],
    ['a too short code_challenge', { code_challenge: 'short', code_challenge_method: 'plain' }, 'invalid_request'],
    ['an unknown prompt', { prompt: 'always' }, 'invalid_request'],
    ['an unknown provider', { provider: 'myspace' }, 'invalid_request'],
  ];
  for (const [what, params, error] of redirectedErrors) {
    it(`redirects ${what} back with error=${error} once the redirect_uri is trusted`, async () => {
      scriptLogin('approve');
      const { response, location, query } = await authorize(validAuthorize(params));
      expect(response.status).toBe(302);
      expect(location?.startsWith(`${callback}?`)).toBe(true);
      expect(query?.get('error')).toBe(error);
      expect(query?.get('state')).toBe(oauthState);
      expect(query?.has('code')).toBe(false);
    });
  }
});

// --- authorization code exchange -----------------------------------------------------------------------------

describe('POST /oauth/token, authorization_code (EPT-007, EPT-013, TOK-011)', () => {
  it('exchanges a code for an access token and an ID token with the documented claims', async () => {
    const code = await approvedCode({ nonce: 'n-0S6_WzA2Mj' });
    const { status, json } = await exchange(code);
    expect(status).toBe(200);
    expect(json).toMatchObject({ token_type: 'Bearer', expires_in: 86_399, scope: 'openid profile email' });
    expect(json).not.toHaveProperty('refresh_token');
    const keySet = createLocalJWKSet(await jwks());
    const options = { issuer: origin, audience: credentials.clientId, currentDate: currentDate() };
    const idToken = await jwtVerify(json.id_token as string, keySet, options);
    const iat = Math.floor(clock.now() / 1000);
    expect(idToken.payload).toMatchObject({ email, nonce: 'n-0S6_WzA2Mj', iat, exp: iat + 86_399 });
    expect(idToken.payload.sub).toMatch(/^usr_/);
    const accessToken = await jwtVerify(json.access_token as string, keySet, options);
    expect(accessToken.payload.sub).toBe(idToken.payload.sub);
    expect(accessToken.payload.sid).toMatch(/^ses_/);
  });

  it('gives the same subject to the same email on a second login', async () => {
    const first = (await exchange(await approvedCode())).json.id_token as string;
    const second = (await exchange(await approvedCode())).json.id_token as string;
    const keySet = createLocalJWKSet(await jwks());
    const sub = async (jwt: string) => (await jwtVerify(jwt, keySet, { currentDate: currentDate() })).payload.sub;
    expect(await sub(second)).toBe(await sub(first));
  });

  it('issues no ID token without the openid scope', async () => {
    const { status, json } = await exchange(await approvedCode({ scope: 'profile email' }));
    expect(status).toBe(200);
    expect(json).not.toHaveProperty('id_token');
    expect(json.access_token).toEqual(expect.any(String));
  });

  it('does not accept a user access token on the management API', async () => {
    const accessToken = (await exchange(await approvedCode())).json.access_token as string;
    const response = await fetch(`${origin}/api/v1/logs/authentication/requests`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(response.status).toBe(401);
  });

  it('redeems a code once: a second exchange is invalid_grant', async () => {
    const code = await approvedCode();
    expect((await exchange(code)).status).toBe(200);
    const again = await exchange(code);
    expect(again.status).toBe(400);
    expect(again.json.error).toBe('invalid_grant');
  });

  it('accepts a code until 10 minutes have passed on the mock clock', async () => {
    const code = await approvedCode();
    clock.advance(authorizationCodeLifetimeMs - 1000);
    expect((await exchange(code)).status).toBe(200);
  });

  it('refuses a code after 10 minutes and 1 second with invalid_grant', async () => {
    const code = await approvedCode();
    clock.advance(authorizationCodeLifetimeMs + 1000);
    const { status, json } = await exchange(code);
    expect(status).toBe(400);
    expect(json.error).toBe('invalid_grant');
  });

  it('refuses a redirect_uri that differs from the one used at authorize', async () => {
    const code = await approvedCode();
    const { status, json } = await exchange(code, { redirect_uri: 'myapp://callback' });
    expect(status).toBe(400);
    expect(json.error).toBe('invalid_grant');
    // A failed attempt does not use the code up.
    expect((await exchange(code)).status).toBe(200);
  });

  it('refuses an unknown code, and a missing code or redirect_uri', async () => {
    expect((await exchange('no-such-code')).json.error).toBe('invalid_grant');
    const missing = await token({
      grant_type: 'authorization_code',
      code: 'x',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toBe('invalid_request');
  });

  it('refuses a wrong client secret or client id with 401 invalid_client', async () => {
    const code = await approvedCode();
    expect(await exchange(code, { client_secret: 'wrong' })).toMatchObject({
      status: 401,
      json: { error: 'invalid_client' },
    });
    expect(await exchange(code, { client_id: 'skc_other' })).toMatchObject({
      status: 401,
      json: { error: 'invalid_client' },
    });
  });

  const publicClient = (code: string, extra: Record<string, string>) =>
    token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: callback,
      client_id: credentials.clientId,
      ...extra,
    });

  it('exchanges a PKCE S256 code with the code_verifier and no client secret', async () => {
    const code = await approvedCode({ code_challenge: s256(verifier), code_challenge_method: 'S256' });
    const { status, json } = await publicClient(code, { code_verifier: verifier });
    expect(status).toBe(200);
    expect(json.id_token).toEqual(expect.any(String));
  });

  it('exchanges a PKCE plain code, the method defaulting to plain when absent', async () => {
    for (const method of ['plain', undefined]) {
      const code = await approvedCode({ code_challenge: verifier, code_challenge_method: method });
      expect((await publicClient(code, { code_verifier: verifier })).status).toBe(200);
    }
  });

  it('refuses a wrong or missing code_verifier with invalid_grant', async () => {
    const code = await approvedCode({ code_challenge: s256(verifier), code_challenge_method: 'S256' });
    for (const extra of [{ code_verifier: `${verifier}x` }, { code_verifier: s256(verifier) }, {}] as Record<
      string,
      string
    >[]) {
      const { status, json } = await publicClient(code, extra);
      expect(status).toBe(400);
      expect(json.error).toBe('invalid_grant');
    }
  });

  it('refuses the S256 challenge itself sent as a plain verifier', async () => {
    const code = await approvedCode({ code_challenge: s256(verifier), code_challenge_method: 'S256' });
    expect((await publicClient(code, { code_verifier: s256(verifier) })).json.error).toBe('invalid_grant');
  });

  it('refuses a code_verifier for a code issued without a challenge', async () => {
    const code = await approvedCode();
    const { status, json } = await exchange(code, { code_verifier: verifier });
    expect(status).toBe(400);
    expect(json.error).toBe('invalid_grant');
  });

  it('requires the client secret for a code issued without PKCE', async () => {
    const code = await approvedCode();
    const { status, json } = await publicClient(code, {});
    expect(status).toBe(401);
    expect(json.error).toBe('invalid_client');
  });
});

describe('POST /oauth/token, refresh_token', () => {
  it('issues a refresh token for offline_access that works once (rotation)', async () => {
    const code = await approvedCode({ scope: 'openid email offline_access' });
    const first = await exchange(code);
    const refreshToken = first.json.refresh_token as string;
    expect(refreshToken).toEqual(expect.any(String));
    const refresh = (value: string) =>
      token({
        grant_type: 'refresh_token',
        refresh_token: value,
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
      });
    const refreshed = await refresh(refreshToken);
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.access_token).toEqual(expect.any(String));
    expect(refreshed.json.refresh_token).not.toBe(refreshToken);
    expect((await refresh(refreshToken)).json.error).toBe('invalid_grant');
  });

  it('revokes the refresh token when its code is presented again', async () => {
    const code = await approvedCode({ scope: 'openid offline_access' });
    const refreshToken = (await exchange(code)).json.refresh_token as string;
    expect((await exchange(code)).json.error).toBe('invalid_grant');
    const { status, json } = await token({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    });
    expect(status).toBe(400);
    expect(json.error).toBe('invalid_grant');
  });
});

// --- auth log and events -------------------------------------------------------------------------------------

describe('auth-log entries of the authorize flow', () => {
  it('records PENDING once the signed-in user is sent back with a code, and SUCCESS once it is exchanged', async () => {
    const code = await approvedCode({ organization_id: 'org_1234567890123456' });
    expect(mock.state.authRequests).toHaveLength(1);
    const [entry] = mock.state.authRequests;
    expect(entry).toMatchObject({
      status: 'PENDING',
      client_id: credentials.clientId,
      email,
      timestamp: new Date(clock.now()).toISOString(),
      environment_id: mock.state.environmentId,
      organization_id: 'org_1234567890123456',
      workflow: 'sso',
    });
    expect(entry?.auth_request_id).toMatch(/^ar_/);
    expectNoViolations(authLogSchema, entry, 'PENDING entry');
    await exchange(code);
    expect(entry?.status).toBe('SUCCESS');
    expectNoViolations(authLogSchema, entry, 'SUCCESS entry');
  });

  it('records FAILED for a denied login', async () => {
    scriptLogin('deny');
    await authorize(validAuthorize());
    expect(mock.state.authRequests.map((e) => e.status)).toEqual(['FAILED']);
    expectNoViolations(authLogSchema, mock.state.authRequests[0], 'FAILED entry');
  });

  it('lists the entries through GET /api/v1/logs/authentication/requests with a status filter', async () => {
    scriptLogin('deny');
    await authorize(validAuthorize());
    await exchange(await approvedCode());
    const accessToken = (await clientCredentials()).json.access_token as string;
    const specPath = '/api/v1/logs/authentication/requests';
    for (const status of ['SUCCESS', 'FAILED']) {
      const response = await fetch(`${origin}${specPath}?status=${status}`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { authRequests?: { status: string; email?: string }[] };
      expectNoViolations(registry.responseSchema(specPath, 'get', 200), body, `list ${status}`);
      expect(body.authRequests?.map((e) => [e.status, e.email])).toEqual([[status, email]]);
    }
  });

  it('records an entry without an email for the login page', async () => {
    await authorize(validAuthorize());
    const [entry] = mock.state.authRequests;
    expect(entry?.status).toBe('INITIATED');
    expect(entry).not.toHaveProperty('email');
    expectNoViolations(authLogSchema, entry, 'login-page entry');
  });
});

describe('webhook events of login and logout', () => {
  it('emits user.login on an approved login and user.logout when the ID token ends the session', async () => {
    const idToken = (await exchange(await approvedCode(), {})).json.id_token as string;
    expect(events.map((e) => e.type)).toEqual(['user.login']);
    const response = await fetch(`${origin}/oidc/logout?id_token_hint=${idToken}`, { redirect: 'manual' });
    expect(response.status).toBe(200);
    expect(events.map((e) => e.type)).toEqual(['user.login', 'user.logout']);
    const [login, logout] = events;
    expect(logout?.payload.data).toMatchObject({
      user: { email },
      user_session: { status: 'LOGOUT', logout_at: new Date(clock.now()).toISOString() },
    });
    expect(login?.payload.data).toMatchObject({ user: { id: expect.stringMatching(/^usr_/) } });
    expectValidEvents();
    // The session is over: a second logout emits nothing more.
    await fetch(`${origin}/oidc/logout?id_token_hint=${idToken}`, { redirect: 'manual' });
    expect(events).toHaveLength(2);
  });

  it('puts a scripted organization on the event envelope and the session', async () => {
    scriptLogin('approve', 'org_1234567890123456');
    await authorize(validAuthorize());
    expect(events[0]?.payload.organization_id).toBe('org_1234567890123456');
    expect(events[0]?.payload.data).toMatchObject({
      user_session: { organization_id: 'org_1234567890123456', authenticated_organizations: ['org_1234567890123456'] },
    });
    expectValidEvents();
  });

  it('emits nothing for a denied login', async () => {
    scriptLogin('deny');
    await authorize(validAuthorize());
    expect(events).toEqual([]);
  });
});

// --- logout --------------------------------------------------------------------------------------------------

describe('GET /oidc/logout (EPT-010, EPT-011, RDR-019)', () => {
  const logout = (params: Record<string, string>) =>
    fetch(`${origin}/oidc/logout?${new URLSearchParams(params)}`, { redirect: 'manual' });

  it('redirects to a registered post-logout URL with the state appended', async () => {
    const response = await logout({ post_logout_redirect_uri: postLogout, state: oauthState });
    expect(response.status).toBe(302);
    const location = response.headers.get('location') ?? '';
    expect(location.startsWith(`${postLogout}?`)).toBe(true);
    expect(new URL(location).searchParams.get('state')).toBe(oauthState);
  });

  it('redirects to the exact registered URL when no state is given', async () => {
    const response = await logout({ post_logout_redirect_uri: postLogout });
    expect(response.headers.get('location')).toBe(postLogout);
  });

  for (const [what, uri] of [
    ['an unregistered URL', 'https://evil.example.com/signed-out'],
    ['a trailing slash added', `${postLogout}/`],
    ['the scheme changed', postLogout.replace('https:', 'http:')],
    ['a registered callback URL', callback],
  ] as const) {
    it(`refuses ${what} with a 400 page and no Location`, async () => {
      const response = await logout({ post_logout_redirect_uri: uri, state: oauthState });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('invalid_redirect_uri');
    });
  }

  it('shows a signed-out page without post_logout_redirect_uri', async () => {
    const response = await logout({});
    expect(response.status).toBe(200);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('signed out');
  });

  it('refuses an id_token_hint it did not sign', async () => {
    const forged = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.`;
    const response = await logout({ id_token_hint: forged, post_logout_redirect_uri: postLogout });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('accepts an expired ID token as the hint', async () => {
    const idToken = (await exchange(await approvedCode())).json.id_token as string;
    clock.advance(2 * 86_400 * 1000);
    const response = await logout({ id_token_hint: idToken, post_logout_redirect_uri: postLogout });
    expect(response.status).toBe(302);
  });
});
