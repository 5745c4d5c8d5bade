import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, type JWTPayload, jwtVerify } from 'jose';
import type { Exchange } from '../client/transport.js';
import { type Failure, failure } from './failure.js';
import { answerPreview, bodyPreview, checkStatus, parseJsonBody } from './http.js';
import { redirectParameter } from './redirects.js';

// Checks on the tokens a target issues and the keys it publishes (TOK-001, TOK-003, TOK-005, TOK-011). Pure functions
// over recorded exchanges and token strings: the suites collect, these judge. Each check's rule parameter lists the
// rules it may decide, so a rule ID leads here through the types. A token is judged on the target's clock, which the
// caller passes in, so a clock the `clock` hook moved is no surprise.

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The JWKS a `/keys` answer carries: 200, a JSON object with a non-empty `keys` array of JWKs (RFC 7517 §5), one of
 * them an RSA key that may sign (RS256). Any other answer is a failure, never a reason to skip the verification.
 * The content type is not judged: the rule names the document, not its media type.
 */
export function readJwks(
  rule: 'TOK-011',
  exchange: Exchange,
): { jwks: JSONWebKeySet; problem?: undefined } | { jwks?: undefined; problem: Failure } {
  const status = checkStatus(rule, exchange, 200);
  if (status) return { problem: status };
  const expected = 'a JSON Web Key Set {"keys": [...]} with an RSA signing key';
  let body: unknown;
  try {
    body = JSON.parse(exchange.responseBody);
  } catch {
    const type = exchange.responseHeaders['content-type'] ?? '(no content type)';
    return {
      problem: failure(rule, 'JWKS at /keys', expected, `${type}: ${bodyPreview(exchange.responseBody)}`, exchange),
    };
  }
  const keys = isObject(body) ? body.keys : undefined;
  const wrong = !Array.isArray(keys)
    ? 'no "keys" array'
    : keys.length === 0
      ? 'an empty "keys" array'
      : !keys.every((k) => isObject(k) && typeof k.kty === 'string')
        ? 'a key without "kty"'
        : !keys.some((k) => k.kty === 'RSA' && (k.use ?? 'sig') === 'sig' && (k.alg ?? 'RS256') === 'RS256')
          ? 'no RSA key for RS256 signatures'
          : undefined;
  if (wrong) {
    return {
      problem: failure(rule, 'JWKS at /keys', expected, `${wrong}: ${bodyPreview(exchange.responseBody)}`, exchange),
    };
  }
  return { jwks: body as unknown as JSONWebKeySet };
}

/** What a token must say of itself: who issued it, for whom, and the target's clock with the skew allowed. */
export interface TokenExpectations {
  /** The environment URL; a trailing slash on either side is ignored. */
  issuer: string;
  /** The client the token was issued to: `aud` must contain it (a string or an array). */
  clientId: string;
  /** The target's now, in milliseconds. */
  now: number;
  skewSeconds: number;
}

const withoutSlash = (url: string) => url.replace(/\/$/, '');

/**
 * TOK-011 on one token: an RS256 JWS that verifies with the JWKS, whose `iss` is the environment URL, whose `aud`
 * contains the client ID, with an `exp` still ahead and an `iat` not ahead of the target's clock (both give or take
 * the skew). `what` names the token in the failure ("access token", "ID token").
 */
export async function checkJwt(
  rule: 'TOK-011',
  what: string,
  token: unknown,
  jwks: JSONWebKeySet,
  expected: TokenExpectations,
  exchange?: Exchange,
): Promise<Failure[]> {
  if (typeof token !== 'string' || token === '') {
    return [failure(rule, what, 'a JWT', token === undefined ? 'none' : JSON.stringify(token), exchange)];
  }
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch (error) {
    return [failure(rule, `${what} header`, 'a compact JWS', (error as Error).message, exchange)];
  }
  if (alg !== 'RS256') return [failure(rule, `${what} alg`, 'RS256', JSON.stringify(alg), exchange)];
  let payload: JWTPayload;
  try {
    // jose checks the signature, and exp and nbf against the given clock with the tolerance.
    ({ payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      algorithms: ['RS256'],
      currentDate: new Date(expected.now),
      clockTolerance: expected.skewSeconds,
    }));
  } catch (error) {
    return [
      failure(
        rule,
        `${what} signature and dates`,
        `an RS256 JWT verified by /keys, in date at ${new Date(expected.now).toISOString()} on the target's clock`,
        (error as Error).message,
        exchange,
      ),
    ];
  }
  const now = expected.now / 1000;
  const audience = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const wrong = [
    ...(withoutSlash(String(payload.iss ?? '')) === withoutSlash(expected.issuer)
      ? []
      : [`iss ${JSON.stringify(payload.iss)} (expected ${withoutSlash(expected.issuer)})`]),
    ...(audience.includes(expected.clientId)
      ? []
      : [`aud ${JSON.stringify(payload.aud)} (expected to contain ${expected.clientId})`]),
    ...(typeof payload.exp === 'number' ? [] : [`exp ${JSON.stringify(payload.exp)}`]),
    ...(typeof payload.iat !== 'number'
      ? [`iat ${JSON.stringify(payload.iat)}`]
      : payload.iat > now + expected.skewSeconds
        ? [`iat ${payload.iat} is ${Math.round(payload.iat - now)} s ahead of the target's clock`]
        : []),
  ];
  return wrong.length === 0
    ? []
    : [
        failure(
          rule,
          `${what} claims`,
          'iss the environment URL, aud with the client ID, exp ahead and iat not ahead of the target clock',
          wrong.join('; '),
          exchange,
        ),
      ];
}

/**
 * TOK-001 on a token request with wrong or missing client credentials: refused with 400 or 401 and an OAuth error
 * body (RFC 6749 §5.2), and no token in it. `what` says which credentials were wrong.
 */
export function checkTokenRefused(rule: 'TOK-001', what: string, exchange: Exchange): Failure | undefined {
  let body: unknown;
  try {
    body = JSON.parse(exchange.responseBody);
  } catch {
    body = undefined;
  }
  const error = isObject(body) ? body.error : undefined;
  const token = isObject(body) ? (body.access_token ?? body.id_token) : undefined;
  if ((exchange.status === 400 || exchange.status === 401) && typeof error === 'string' && token === undefined) {
    return undefined;
  }
  return failure(
    rule,
    `token request with ${what}`,
    '400 or 401 with an OAuth error such as invalid_client, and no token',
    answerPreview(exchange),
    exchange,
  );
}

// --- the token response ------------------------------------------------------------------------------------------

/** The JSON object a token response carries; empty when it carries none (a wrong content type, not JSON, null). */
function tokenResponseOf(exchange: Exchange): Record<string, unknown> {
  const body = parseJsonBody(exchange);
  return body.ok && isObject(body.value) ? body.value : {};
}

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** TOK-001: a token request answers 200 with a non-empty `access_token`. */
export function tokenIssued(rule: 'TOK-001', exchange: Exchange): Failure | undefined {
  const status = checkStatus(rule, exchange, 200);
  if (status) return status;
  if (isNonEmptyString(tokenResponseOf(exchange).access_token)) return undefined;
  return failure(rule, 'token response', 'an access_token', bodyPreview(exchange.responseBody), exchange);
}

/**
 * TOK-003: a client-credentials token response answers 200 with `access_token`, `token_type` "Bearer", a positive
 * integer `expires_in` and a `scope` string (an empty one counts: the spec's oauth2 scheme declares no scopes).
 */
export function tokenResponseComplete(rule: 'TOK-003', exchange: Exchange): Failure | undefined {
  const status = checkStatus(rule, exchange, 200);
  if (status) return status;
  const body = tokenResponseOf(exchange);
  const wrong = [
    ...(typeof body.access_token === 'string' ? [] : ['access_token']),
    ...(body.token_type === 'Bearer' ? [] : [`token_type ${JSON.stringify(body.token_type)}`]),
    ...(Number.isInteger(body.expires_in) && Number(body.expires_in) > 0
      ? []
      : [`expires_in ${JSON.stringify(body.expires_in)}`]),
    ...(typeof body.scope === 'string' ? [] : ['scope']),
  ];
  if (wrong.length === 0) return undefined;
  return failure(
    rule,
    'token response',
    'access_token, token_type "Bearer", expires_in > 0 and scope',
    `missing or wrong: ${wrong.join(', ')}`,
    exchange,
  );
}

/**
 * TOK-005's premise: a token that can expire, i.e. 200 with a non-empty `access_token` and an `expires_in` above
 * zero, so the test can move the target's clock past it.
 */
export function tokenIssuedWithLifetime(rule: 'TOK-005', exchange: Exchange): Failure | undefined {
  const status = checkStatus(rule, exchange, 200);
  if (status) return status;
  const body = tokenResponseOf(exchange);
  const expiresIn = Number(body.expires_in);
  if (isNonEmptyString(body.access_token) && Number.isFinite(expiresIn) && expiresIn > 0) return undefined;
  return failure(
    rule,
    'token response',
    'an access_token and expires_in > 0',
    `access_token ${isNonEmptyString(body.access_token) ? 'present' : 'missing'}, expires_in ${JSON.stringify(body.expires_in ?? null)}`,
    exchange,
  );
}

/**
 * TOK-011's premise for the tokens of a sign-in: the hooks scripted an approved sign-in, so /oauth/authorize sends
 * the browser back with a `code`. A target that does not fails the rule; the test never skips.
 */
export function signInIssuedCode(rule: 'TOK-011', exchange: Exchange): Failure | undefined {
  if (redirectParameter(exchange, 'code')) return undefined;
  return failure(
    rule,
    'sign-in',
    'a redirect to the callback with a code',
    `${exchange.status} ${exchange.responseHeaders.location ?? bodyPreview(exchange.responseBody)}`,
    exchange,
  );
}
