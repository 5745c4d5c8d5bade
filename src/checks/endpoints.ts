import { createLocalJWKSet, decodeJwt, type JSONWebKeySet, type JWTPayload, jwtVerify } from 'jose';
import type { Exchange } from '../client/transport.js';
import { splitUri } from '../oracles/redirect-uri.js';
import { type Failure, failure } from './failure.js';
import { answerPreview, parseJsonBody } from './http.js';
import { sentTo } from './redirects.js';
import { readJwks } from './tokens.js';

// Checks on the endpoints an application hosts and the clients it is (EPT-002, EPT-003, EPT-004, EPT-013): where the
// target sends the browser on the occasions that start a login at the app's initiate-login route, what the app gets
// back from /oauth/authorize when it forwards what came, the IdP-initiated login token, and a public client's code
// flow. Pure functions over recorded exchanges and token strings: the suites drive the target, these judge. A
// Location may carry an invitation token, a code or a JWT, so failures name its parameters, never their values.

const isRedirect = (exchange: Exchange) => exchange.status >= 300 && exchange.status < 400;
const withoutQueryOrFragment = (uri: string) => uri.replace(/[?#].*$/s, '');
const queryOf = (uri: string) => new URLSearchParams(splitUri(uri).query ?? '');

/** The names of the parameters on a URI's query, in order, each once. */
export function parameterNames(uri: string): string[] {
  return [...new Set(queryOf(uri).keys())];
}

/** An answer as a failure shows it: where it sends the browser, with parameter names but no values. */
function describeRedirect(exchange: Exchange): string {
  const to = sentTo(exchange);
  if (to === undefined) return answerPreview(exchange);
  const names = parameterNames(to);
  const error = queryOf(to).get('error');
  const shown = names.length === 0 ? '' : ` with parameters ${names.join(', ')}`;
  return `${exchange.status} to ${withoutQueryOrFragment(to)}${shown}${error === null ? '' : ` (error=${error})`}`;
}

// --- the initiate-login endpoint (EPT-002, EPT-003) --------------------------------------------------------------

/**
 * EPT-002 decides this; the tests of EPT-003 and EPT-004 need it too, since the app's route only gets what the
 * browser brings there.
 */
export type InitiateLoginRule = 'EPT-002' | 'EPT-003' | 'EPT-004';

/**
 * The answer sends the browser to the registered initiate-login URI: a redirect whose Location is that URI, its own
 * query kept, with whatever parameters the target appends (G-26: any names are accepted) and no fragment.
 */
export function sentToInitiateLogin(
  rule: InitiateLoginRule,
  exchange: Exchange,
  initiateLoginUri: string,
): Failure | undefined {
  const to = sentTo(exchange);
  const expected = `a redirect to ${initiateLoginUri}, parameters appended`;
  if (!isRedirect(exchange) || to === undefined || to.includes('#')) {
    return failure(rule, 'redirect to the initiate-login URI', expected, describeRedirect(exchange), exchange);
  }
  const registeredQuery = queryOf(initiateLoginUri);
  const received = queryOf(to);
  const kept = [...registeredQuery].every(([name, value]) => received.getAll(name).includes(value));
  if (withoutQueryOrFragment(to) !== withoutQueryOrFragment(initiateLoginUri) || !kept) {
    return failure(rule, 'redirect to the initiate-login URI', expected, describeRedirect(exchange), exchange);
  }
  return undefined;
}

/** The rules whose tests need the app's callback to get a code: EPT-003 after forwarding, EPT-013 for a public client. */
export type CallbackCodeRule = 'EPT-003' | 'EPT-013';

/**
 * The authorization request was taken: a 302 to exactly `callback` with a code, no error, and the state as sent
 * (RFC 6749 §4.1.2).
 */
export function callbackGotCode(
  rule: CallbackCodeRule,
  exchange: Exchange,
  callback: string,
  state: string,
): Failure | undefined {
  const to = sentTo(exchange);
  const expected = `302 to ${callback} with a code and state=${JSON.stringify(state)}`;
  if (exchange.status !== 302 || to === undefined || to.includes('#') || withoutQueryOrFragment(to) !== callback) {
    return failure(rule, 'authorization answer', expected, describeRedirect(exchange), exchange);
  }
  const query = queryOf(to);
  if (query.has('error') || !query.get('code')) {
    return failure(rule, 'authorization answer', expected, describeRedirect(exchange), exchange);
  }
  const returned = query.get('state');
  if (returned !== state) {
    const got = returned === null ? 'no state' : `state=${JSON.stringify(returned)}`;
    return failure(rule, 'state returned unchanged', `state=${JSON.stringify(state)}`, got, exchange);
  }
  return undefined;
}

// --- IdP-initiated login (EPT-004) -------------------------------------------------------------------------------

/**
 * The IdP-initiated login lands on the initiate-login URI with `idp_initiated_login`; the token, or the failure.
 * An `error_description` instead is a failure here: the test asked for a login the target can start.
 */
export function idpInitiatedLoginToken(
  rule: 'EPT-004',
  exchange: Exchange,
  initiateLoginUri: string,
): { token: string; problem?: undefined } | { token?: undefined; problem: Failure } {
  const wrongPlace = sentToInitiateLogin(rule, exchange, initiateLoginUri);
  if (wrongPlace) return { problem: wrongPlace };
  const token = queryOf(sentTo(exchange) ?? '').get('idp_initiated_login');
  if (token) return { token };
  return {
    problem: failure(
      rule,
      'idp_initiated_login parameter',
      `${initiateLoginUri}?idp_initiated_login=<JWT>`,
      describeRedirect(exchange),
      exchange,
    ),
  };
}

/**
 * The `jwks_uri` of the discovery document (OpenID Connect Discovery §3), where the keys that sign the token are
 * published, on the environment's own origin (the docs' `/keys`); the path to read it at. A discovery answer without
 * one fails, it never skips the verification.
 */
export function jwksPathOf(
  rule: 'EPT-004',
  exchange: Exchange,
  environmentUrl: string,
): { path: string; problem?: undefined } | { path?: undefined; problem: Failure } {
  const body = parseJsonBody(exchange);
  const uri = body.ok ? (body.value as { jwks_uri?: unknown } | null)?.jwks_uri : undefined;
  if (exchange.status === 200 && typeof uri === 'string' && URL.canParse(uri)) {
    const url = new URL(uri);
    const base = new URL(environmentUrl);
    const prefix = base.pathname.replace(/\/$/, '');
    if (url.origin === base.origin && url.pathname.startsWith(prefix)) {
      return { path: `${url.pathname.slice(prefix.length)}${url.search}` };
    }
  }
  return {
    problem: failure(
      rule,
      'jwks_uri in the discovery document',
      `200 with a jwks_uri under ${environmentUrl}`,
      answerPreview(exchange),
      exchange,
    ),
  };
}

/** The JWKS the token is verified with, held as TOK-011 holds /keys; a failure is EPT-004's, since it cannot verify. */
export function keySetOf(
  rule: 'EPT-004',
  exchange: Exchange,
): { jwks: JSONWebKeySet; problem?: undefined } | { jwks?: undefined; problem: Failure } {
  const read = readJwks('TOK-011', exchange);
  return read.problem ? { problem: { ...read.problem, rule } } : { jwks: read.jwks };
}

/** The claims an IdP-initiated login token carries (the SDK's IdpInitiatedLoginClaims). */
export interface IdpInitiatedLoginClaims {
  organization_id?: string;
  connection_id?: string;
  login_hint?: string;
  relay_state?: string;
}

/** The target's clock, in milliseconds, and the skew allowed either way, to judge exp and nbf on. */
export interface VerificationClock {
  now: number;
  skewSeconds: number;
}

async function verified(token: string, jwks: JSONWebKeySet, clock: VerificationClock): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
    currentDate: new Date(clock.now),
    clockTolerance: clock.skewSeconds,
  });
  return payload;
}

/**
 * EPT-004: the token verifies with the target's keys (signature, and exp and nbf on its clock), and carries each of
 * `given` as a claim of the same name and value.
 */
export async function idpInitiatedLoginVerified(
  rule: 'EPT-004',
  token: string,
  jwks: JSONWebKeySet,
  given: IdpInitiatedLoginClaims,
  clock: VerificationClock,
  exchange?: Exchange,
): Promise<Failure[]> {
  let payload: JWTPayload;
  try {
    payload = await verified(token, jwks, clock);
  } catch (error) {
    return [
      failure(
        rule,
        'idp_initiated_login signature',
        `a JWT verified by the target's published keys, in date at ${new Date(clock.now).toISOString()} on its clock`,
        (error as Error).message,
        exchange,
      ),
    ];
  }
  const wrong = Object.entries(given)
    .filter(([name, value]) => value !== undefined && payload[name] !== value)
    .map(([name, value]) => `${name} ${JSON.stringify(payload[name])} (expected ${JSON.stringify(value)})`);
  if (wrong.length === 0) return [];
  return [
    failure(
      rule,
      'idp_initiated_login claims',
      'organization_id, connection_id, login_hint and relay_state as given',
      wrong.join('; '),
      exchange,
    ),
  ];
}

/** The token with one claim changed after signing: its header and signature kept, its payload re-encoded. */
export function tamperedToken(token: string): string {
  const [header, , signature] = token.split('.');
  const claims = decodeJwt(token);
  const changed = { ...claims, organization_id: `${String(claims.organization_id ?? 'org')}_tampered` };
  return [header, Buffer.from(JSON.stringify(changed)).toString('base64url'), signature].join('.');
}

/**
 * The verification the suite relies on is real: the same token with a claim changed after signing is refused for its
 * signature (not for a date or a missing key, which would say nothing about the signature).
 */
export async function tamperedTokenRefused(
  rule: 'EPT-004',
  token: string,
  jwks: JSONWebKeySet,
  clock: VerificationClock,
): Promise<Failure | undefined> {
  try {
    await verified(tamperedToken(token), jwks, clock);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return undefined;
    return failure(
      rule,
      'tampered idp_initiated_login refused',
      'a signature verification failure',
      `${String(code ?? 'an error')}: ${(error as Error).message}`,
    );
  }
  return failure(
    rule,
    'tampered idp_initiated_login refused',
    'a signature verification failure',
    'the token verified with organization_id changed after signing',
  );
}

// --- public clients (EPT-013) ------------------------------------------------------------------------------------

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** EPT-013: a public client's code, redeemed with its verifier and no secret, gets 200 with an access_token. */
export function publicClientTokensIssued(rule: 'EPT-013', exchange: Exchange): Failure | undefined {
  const body = parseJsonBody(exchange);
  const token = body.ok && isObject(body.value) ? body.value.access_token : undefined;
  if (exchange.status === 200 && typeof token === 'string' && token !== '') return undefined;
  return failure(
    rule,
    'code exchange without a client secret',
    '200 with an access_token (PKCE stands in for the secret)',
    answerPreview(exchange),
    exchange,
  );
}

/** EPT-013: a public client's code redeemed without the code_verifier is refused: a 4xx, an OAuth error, no token. */
export function codeWithoutVerifierRefused(rule: 'EPT-013', exchange: Exchange): Failure | undefined {
  const body = parseJsonBody(exchange);
  const value = body.ok && isObject(body.value) ? body.value : {};
  const refused = exchange.status >= 400 && exchange.status < 500 && typeof value.error === 'string';
  if (refused && value.access_token === undefined) return undefined;
  return failure(
    rule,
    'code exchange without the code_verifier',
    '4xx with an OAuth error such as invalid_grant, and no token',
    answerPreview(exchange),
    exchange,
  );
}
