// The token endpoint every target has (TOK-001, TOK-003, TOK-005, TOK-011): a form-encoded client-credentials
// request issues a Bearer token with its lifetime and scope, and only for the right client credentials; the token
// is an RS256 JWT that verifies against the target's own JWKS at /keys, naming the target as issuer and the client
// in its audience, in date on the target's clock; so is the ID token of a sign-in; and once the token has expired
// on the target's clock (the clock hook moves it), the API refuses it.
import type { JSONWebKeySet } from 'jose';
import { describe } from 'vitest';
import type { Failure } from '../../src/checks/failure.js';
import { checkStatus, parseJsonBody } from '../../src/checks/http.js';
import {
  checkJwt,
  checkTokenRefused,
  readJwks,
  signInIssuedCode,
  type TokenExpectations,
  tokenIssued,
  tokenIssuedWithLifetime,
  tokenResponseComplete,
} from '../../src/checks/tokens.js';
import { authorizeWithPkce, navigate, postForm, redeemCode } from '../../src/harness/browser.js';
import { assertConforms, exchangeOf, requireHook, type Target, test } from '../../src/harness/index.js';
import { targetNow } from '../../src/harness/target.js';

/** Clock skew allowed between the suite and a live target when judging iat and exp. */
const skewSeconds = 30;

/**
 * A token request with the run's client credentials, changed by `fields` (undefined leaves a field out); the body
 * as JSON.
 */
async function requestToken(target: Target, fields: Record<string, string | undefined> = {}) {
  const exchange = await postForm(target, '/oauth/token', {
    grant_type: 'client_credentials',
    client_id: target.credentials.clientId,
    client_secret: target.credentials.clientSecret,
    ...fields,
  });
  const body = parseJsonBody(exchange);
  return { exchange, body: body.ok ? ((body.value ?? {}) as Record<string, unknown>) : undefined };
}

/** The JWKS at /keys, held to TOK-011: an answer that is not one fails, it never skips the verification. */
async function keysOf(target: Target): Promise<JSONWebKeySet> {
  const { jwks, problem } = readJwks('TOK-011', await navigate(target, '/keys', {}));
  assertConforms(problem);
  // assertConforms has thrown unless there is a JWKS.
  return jwks as JSONWebKeySet;
}

/** What every token of the target must say: issued by the environment URL, for `clientId`, now on its clock. */
async function expectations(target: Target, clientId: string): Promise<TokenExpectations> {
  return { issuer: target.baseUrl, clientId, now: await targetNow(target), skewSeconds };
}

describe('POST /oauth/token', () => {
  test('a form-encoded client-credentials request issues a token, with or without the optional scope', {
    tags: ['TOK-001'],
  }, async ({ target }) => {
    // The spec's oauth2 scheme has an empty scope list: an empty scope is the one every target must take.
    for (const extra of [{}, { scope: '' }] as Record<string, string>[]) {
      const { exchange } = await requestToken(target, extra);
      assertConforms(tokenIssued('TOK-001', exchange));
    }
  });

  test('a wrong or missing client_secret, or an unknown client_id, is refused with an OAuth error and no token', {
    tags: ['TOK-001'],
  }, async ({ target }) => {
    const { clientId, clientSecret } = target.credentials;
    const cases: [string, Record<string, string | undefined>][] = [
      ['a wrong client_secret', { client_secret: `${clientSecret}${target.faker.string.alphanumeric(8)}` }],
      ['no client_secret', { client_secret: undefined }],
      ['an unknown client_id', { client_id: `${clientId}-${target.runTag}-unknown` }],
    ];
    const failures: (Failure | undefined)[] = [];
    for (const [what, fields] of cases) {
      const { exchange } = await requestToken(target, fields);
      failures.push(checkTokenRefused('TOK-001', what, exchange));
    }
    assertConforms(...failures);
  });

  test('the token response has access_token, token_type Bearer, a positive expires_in and scope', {
    tags: ['TOK-003'],
  }, async ({ target }) => {
    const { exchange } = await requestToken(target);
    assertConforms(tokenResponseComplete('TOK-003', exchange));
  });

  test('the token is an RS256 JWT that verifies with the JWKS at /keys, issued by the target for the client', {
    tags: ['TOK-011'],
  }, async ({ target }) => {
    const { exchange, body } = await requestToken(target);
    assertConforms(checkStatus('TOK-011', exchange, 200));
    const jwks = await keysOf(target);
    const expected = await expectations(target, target.credentials.clientId);
    assertConforms(...(await checkJwt('TOK-011', 'access token', body?.access_token, jwks, expected, exchange)));
  });

  test('a sign-in issues an ID token and an access token that verify with /keys, for the client, in date', {
    tags: ['TOK-011'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'redirects', skip);
    await requireHook(target, 'login', skip);
    const callback = `https://app-${target.runTag}.example.com/oauth/callback`;
    await target.hooks.requireRedirects('callback', [callback]);
    await target.hooks.login({ email: `${target.runTag}-tokens@example.test`, decision: 'approve' });
    const flow = await authorizeWithPkce(target, callback, `tokens-${target.runTag}`);
    // The hooks scripted an approved sign-in: a target that does not complete it fails here, it does not skip.
    assertConforms(signInIssuedCode('TOK-011', flow.exchange));
    const exchange = await redeemCode(target, flow, callback);
    assertConforms(checkStatus('TOK-011', exchange, 200));
    const body = parseJsonBody(exchange);
    const tokens = (body.ok ? (body.value ?? {}) : {}) as Record<string, unknown>;
    const jwks = await keysOf(target);
    // The scope asked for openid: the answer carries an ID token (OIDC Core §3.1.3.3).
    const expected = await expectations(target, flow.client.id);
    assertConforms(
      ...(await checkJwt('TOK-011', 'ID token', tokens.id_token, jwks, expected, exchange)),
      ...(await checkJwt('TOK-011', 'access token of the sign-in', tokens.access_token, jwks, expected, exchange)),
    );
  });
});

describe('a client-credentials token on the REST API', () => {
  // Last in the file: the clock only moves forward, and everything after it runs a day later on the target.
  test('once the token has expired on the target clock, an authenticated read with it is refused with 401', {
    tags: ['TOK-005'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'clock', skip);
    const { exchange, body } = await requestToken(target);
    assertConforms(tokenIssuedWithLifetime('TOK-005', exchange));
    const expiresIn = Number(body?.expires_in);
    const client = target.withBearer(String(body?.access_token));
    const read = () => exchangeOf(target, () => client.GET('/api/v1/organizations', {}));
    // The same read while the token is fresh, so the 401 below can only be its expiry.
    assertConforms(checkStatus('TOK-005', (await read()).exchange, 200));
    // Past expires_in, and past any leeway a server gives for clock skew (five minutes is the common ceiling).
    await target.hooks.advanceClock(expiresIn * 1000 + 5 * 60_000);
    assertConforms(checkStatus('TOK-005', (await read()).exchange, 401));
  });
});
