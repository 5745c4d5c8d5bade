import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWTPayload, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
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
import { recorded } from '../support/exchanges.js';

const issuer = 'https://env.example.test';
const clientId = 'skc_123';
const now = Date.parse('2026-05-21T12:00:00Z');
const expected: TokenExpectations = { issuer, clientId, now, skewSeconds: 30 };
const seconds = Math.floor(now / 1000);

/** A /keys answer. */
const exchangeOf = (status: number, body: string, contentType?: string) =>
  recorded(status, { url: `${issuer}/keys`, body, contentType });

let jwks: JSONWebKeySet;
let sign: (claims: JWTPayload, alg?: string) => Promise<string>;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig', alg: 'RS256' }] };
  sign = (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
});

const good = (): JWTPayload => ({ iss: issuer, aud: [clientId], iat: seconds - 10, exp: seconds + 3600 });
const problemsOf = async (claims: JWTPayload) => await checkJwt('TOK-011', 'token', await sign(claims), jwks, expected);

describe('token checks', () => {
  it('reads a JWKS, and fails a /keys answer that is not one instead of skipping it (TOK-011)', () => {
    expect(readJwks('TOK-011', exchangeOf(200, JSON.stringify(jwks))).problem).toBeUndefined();
    for (const bad of [
      exchangeOf(200, '-----BEGIN PUBLIC KEY-----\nMIIB...\n-----END PUBLIC KEY-----\n', 'application/x-pem-file'),
      exchangeOf(200, '<!doctype html><p>keys</p>', 'text/html'),
      exchangeOf(200, '{"keys": []}'),
      exchangeOf(200, '{"public_key": "abc"}'),
      exchangeOf(200, '{"keys": [{"kty": "EC", "crv": "P-256"}]}'),
      exchangeOf(500, '{}'),
    ]) {
      expect(readJwks('TOK-011', bad).problem?.rule).toBe('TOK-011');
    }
  });

  it('passes a token with every claim right, aud as a string or an array', async () => {
    expect(await problemsOf(good())).toEqual([]);
    expect(await problemsOf({ ...good(), aud: clientId })).toEqual([]);
  });

  it('names each wrong claim: iss, aud, exp, iat', async () => {
    const titles = async (claims: JWTPayload) => (await problemsOf(claims)).map((f) => `${f.title}: ${f.received}`);
    expect(await titles({ ...good(), iss: 'https://other.example.test' })).toEqual([
      expect.stringMatching(/^token claims: iss/),
    ]);
    expect(await titles({ ...good(), aud: 'env_123' })).toEqual([expect.stringMatching(/^token claims: aud/)]);
    expect(await titles({ ...good(), exp: undefined })).toEqual([expect.stringMatching(/^token claims: exp/)]);
    expect(await titles({ ...good(), iat: undefined })).toEqual([expect.stringMatching(/^token claims: iat/)]);
    expect(await titles({ ...good(), iat: seconds + 120 })).toEqual([expect.stringMatching(/ahead of the target/)]);
    // Expired on the target's clock, beyond the skew.
    expect(await titles({ ...good(), exp: seconds - 60 })).toEqual([
      expect.stringMatching(/^token signature and dates/),
    ]);
  });

  it('fails a token another key signed, an unsigned one, and one that is not a JWT', async () => {
    const other = await generateKeyPair('RS256');
    const foreign = await new SignJWT(good()).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(other.privateKey);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(good())).toString('base64url')}.`;
    for (const token of [foreign, unsigned, 'not-a-jwt', undefined]) {
      expect((await checkJwt('TOK-011', 'token', token, jwks, expected)).map((f) => f.rule)).toEqual(['TOK-011']);
    }
  });

  it('accepts a refused token request only as 400 or 401 with an OAuth error and no token (TOK-001)', () => {
    expect(checkTokenRefused('TOK-001', 'a wrong secret', exchangeOf(401, '{"error":"invalid_client"}'))).toBe(
      undefined,
    );
    expect(checkTokenRefused('TOK-001', 'no secret', exchangeOf(400, '{"error":"invalid_request"}'))).toBe(undefined);
    for (const bad of [
      exchangeOf(200, '{"access_token":"x","token_type":"Bearer"}'),
      exchangeOf(401, '{"error_code":"UNAUTHENTICATED"}'),
      exchangeOf(500, '{"error":"server_error"}'),
      exchangeOf(401, 'Unauthorized', 'text/plain'),
    ]) {
      expect(checkTokenRefused('TOK-001', 'a wrong secret', bad)?.rule).toBe('TOK-001');
    }
  });

  const tokenAnswer = (fields: Record<string, unknown>, status = 200) => exchangeOf(status, JSON.stringify(fields));
  const complete = { access_token: 'eyJ.a.b', token_type: 'Bearer', expires_in: 3600, scope: '' };

  it('passes a token response with an access_token, and fails one without or with another status (TOK-001)', () => {
    expect(tokenIssued('TOK-001', tokenAnswer(complete))).toBeUndefined();
    for (const bad of [
      tokenAnswer({ ...complete, access_token: '' }),
      tokenAnswer({ token_type: 'Bearer' }),
      tokenAnswer(complete, 400),
      exchangeOf(200, JSON.stringify(complete), 'text/html'),
    ]) {
      expect(tokenIssued('TOK-001', bad)?.rule).toBe('TOK-001');
    }
  });

  it('passes a complete token response and names each missing or wrong field (TOK-003)', () => {
    expect(tokenResponseComplete('TOK-003', tokenAnswer(complete))).toBeUndefined();
    expect(tokenResponseComplete('TOK-003', tokenAnswer(complete, 401))?.title).toBe('status code');
    for (const [field, value] of [
      ['access_token', undefined],
      ['token_type', 'bearer'],
      ['expires_in', 0],
      ['expires_in', '3600'],
      ['scope', undefined],
    ] as const) {
      const problem = tokenResponseComplete('TOK-003', tokenAnswer({ ...complete, [field]: value }));
      expect(problem?.rule).toBe('TOK-003');
      expect(problem?.received).toContain(field);
    }
  });

  it('passes a token with a lifetime, and fails one without a token or a positive expires_in (TOK-005)', () => {
    expect(tokenIssuedWithLifetime('TOK-005', tokenAnswer(complete))).toBeUndefined();
    for (const bad of [
      tokenAnswer({ ...complete, expires_in: undefined }),
      tokenAnswer({ ...complete, expires_in: 0 }),
      tokenAnswer({ ...complete, access_token: undefined }),
      tokenAnswer(complete, 500),
    ]) {
      expect(tokenIssuedWithLifetime('TOK-005', bad)?.rule).toBe('TOK-005');
    }
  });

  it('passes a sign-in that redirects with a code, and fails one that does not (TOK-011)', () => {
    const redirect = (location?: string) =>
      recorded(302, { url: `${issuer}/oauth/authorize?client_id=skc_1`, location });
    expect(signInIssuedCode('TOK-011', redirect('https://app.example.com/cb?code=abc&state=s'))).toBeUndefined();
    for (const bad of [
      redirect('https://app.example.com/cb?error=access_denied'),
      redirect(`${issuer}/login?auth_request_id=1`),
      redirect(),
    ]) {
      expect(signInIssuedCode('TOK-011', bad)?.rule).toBe('TOK-011');
    }
  });
});
