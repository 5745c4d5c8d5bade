import { exportJWK, generateKeyPair, type JSONWebKeySet, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  callbackGotCode,
  codeWithoutVerifierRefused,
  idpInitiatedLoginToken,
  idpInitiatedLoginVerified,
  jwksPathOf,
  keySetOf,
  parameterNames,
  publicClientTokensIssued,
  sentToInitiateLogin,
  tamperedToken,
  tamperedTokenRefused,
} from '../../src/checks/endpoints.js';
import { type RecordedOptions, recorded } from '../support/exchanges.js';

// Recorded exchanges, built by hand: the hooks' redirects, /oauth/authorize and /oauth/token as a target answers them.
const base = 'https://env.example.test';
const initiateLogin = 'https://app.example.test/login';
const callback = 'https://app.example.test/callback';

const hookAnswer = (status: number, options: RecordedOptions = {}) =>
  recorded(status, { method: 'POST', url: `${base}/_conformance/v1/initiate-login`, ...options });
const authorizeAnswer = (location?: string, status = 302) =>
  recorded(status, { url: `${base}/oauth/authorize?client_id=skc_1`, ...(location ? { location } : {}) });
const tokenAnswer = (status: number, body: unknown) =>
  recorded(status, { method: 'POST', url: `${base}/oauth/token`, body });

describe('sentToInitiateLogin (EPT-002)', () => {
  it('accepts the registered URI with any parameters appended, or none', () => {
    for (const location of [
      `${initiateLogin}?iss=${encodeURIComponent(base)}&login_hint=a%40b.test`,
      `${initiateLogin}?invitation_token=inv_1&organization_id=org_1&anything=else`,
      initiateLogin,
    ]) {
      expect(sentToInitiateLogin('EPT-002', hookAnswer(302, { location }), initiateLogin)).toBeUndefined();
    }
    expect(sentToInitiateLogin('EPT-002', hookAnswer(303, { location: `${initiateLogin}?x=1` }), initiateLogin)).toBe(
      undefined,
    );
  });

  it('keeps a query the registered URI has of its own', () => {
    const registered = `${initiateLogin}?tenant=a`;
    const kept = hookAnswer(302, { location: `${registered}&iss=x` });
    const dropped = hookAnswer(302, { location: `${initiateLogin}?iss=x` });
    expect(sentToInitiateLogin('EPT-002', kept, registered)).toBeUndefined();
    expect(sentToInitiateLogin('EPT-002', dropped, registered)?.rule).toBe('EPT-002');
  });

  it('fails the callback, another path, a fragment, and an answer that sends the browser nowhere', () => {
    const wrong = [
      hookAnswer(302, { location: `${callback}?iss=x&invitation_token=inv_secret` }),
      hookAnswer(302, { location: `${initiateLogin}/?iss=x` }),
      hookAnswer(302, { location: `${initiateLogin}#iss=x` }),
      hookAnswer(200, { body: { location: initiateLogin } }),
    ];
    for (const exchange of wrong) {
      const found = sentToInitiateLogin('EPT-003', exchange, initiateLogin);
      expect(found?.rule).toBe('EPT-003');
      expect(found?.title).toBe('redirect to the initiate-login URI');
      // Parameter names are shown, never their values: a value may be an invitation token.
      expect(JSON.stringify(found)).not.toContain('inv_secret');
    }
  });

  it('names the parameters of a Location once each, in order', () => {
    expect(parameterNames(`${initiateLogin}?iss=a&login_hint=b&iss=c`)).toEqual(['iss', 'login_hint']);
    expect(parameterNames(initiateLogin)).toEqual([]);
  });
});

describe('callbackGotCode (EPT-003, EPT-013)', () => {
  it('accepts a 302 to exactly the callback with a code and the state as sent', () => {
    const good = authorizeAnswer(`${callback}?code=c1&state=invite%2B1`);
    expect(callbackGotCode('EPT-003', good, callback, 'invite+1')).toBeUndefined();
    const custom = authorizeAnswer('myapp://callback?code=c1&state=s');
    expect(callbackGotCode('EPT-013', custom, 'myapp://callback', 's')).toBeUndefined();
  });

  it('fails an error on the callback, a missing code, another state, another URI and an error page', () => {
    const cases: [ReturnType<typeof authorizeAnswer>, string][] = [
      [authorizeAnswer(`${callback}?error=invalid_request&state=s`), 'authorization answer'],
      [authorizeAnswer(`${callback}?code=c1&error=access_denied&state=s`), 'authorization answer'],
      [authorizeAnswer(`${callback}?state=s`), 'authorization answer'],
      [authorizeAnswer(`${callback}?code=c1&state=t`), 'state returned unchanged'],
      [authorizeAnswer(`${callback}?code=c1`), 'state returned unchanged'],
      [authorizeAnswer(`${callback}/other?code=c1&state=s`), 'authorization answer'],
      [authorizeAnswer(`${callback}?code=c1&state=s`, 303), 'authorization answer'],
      [authorizeAnswer(undefined, 400), 'authorization answer'],
    ];
    for (const [exchange, title] of cases) {
      const found = callbackGotCode('EPT-003', exchange, callback, 's');
      expect(found?.title).toBe(title);
      expect(found?.rule).toBe('EPT-003');
    }
    expect(
      callbackGotCode('EPT-013', authorizeAnswer(`${callback}?error=invalid_request&state=s`), callback, 's'),
    ).toMatchObject({ rule: 'EPT-013', received: expect.stringContaining('error=invalid_request') });
  });
});

describe('public client token requests (EPT-013)', () => {
  it('a code redeemed with the verifier and no secret must get a token', () => {
    expect(
      publicClientTokensIssued('EPT-013', tokenAnswer(200, { access_token: 'at', token_type: 'Bearer' })),
    ).toBeUndefined();
    for (const exchange of [
      tokenAnswer(401, { error: 'invalid_client', error_description: 'client_secret is required' }),
      tokenAnswer(200, { access_token: '' }),
      tokenAnswer(200, ['not', 'an', 'object']),
      recorded(200, { body: '<p>signed in</p>', contentType: 'text/html' }),
    ]) {
      expect(publicClientTokensIssued('EPT-013', exchange)?.rule).toBe('EPT-013');
    }
  });

  it('a code redeemed without the verifier must be refused with an OAuth error and no token', () => {
    expect(codeWithoutVerifierRefused('EPT-013', tokenAnswer(400, { error: 'invalid_grant' }))).toBeUndefined();
    expect(codeWithoutVerifierRefused('EPT-013', tokenAnswer(401, { error: 'invalid_client' }))).toBeUndefined();
    for (const exchange of [
      tokenAnswer(200, { access_token: 'at' }),
      tokenAnswer(400, { error: 'invalid_grant', access_token: 'at' }),
      tokenAnswer(400, { message: 'no' }),
      tokenAnswer(500, { error: 'server_error' }),
    ]) {
      expect(codeWithoutVerifierRefused('EPT-013', exchange)?.rule).toBe('EPT-013');
    }
  });
});

describe('IdP-initiated login (EPT-004)', () => {
  const now = Date.UTC(2026, 5, 1, 12);
  const clock = { now, skewSeconds: 30 };
  const given = {
    organization_id: 'org_1',
    connection_id: 'conn_1',
    login_hint: 'ada@example.test',
    relay_state: '/d',
  };
  let jwks: JSONWebKeySet;
  let foreignJwks: JSONWebKeySet;
  let sign: (claims: Record<string, unknown>, exp?: number) => Promise<string>;

  beforeAll(async () => {
    const ours = await generateKeyPair('RS256', { extractable: true });
    const theirs = await generateKeyPair('RS256', { extractable: true });
    jwks = { keys: [{ ...(await exportJWK(ours.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
    foreignJwks = { keys: [{ ...(await exportJWK(theirs.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
    const iat = Math.floor(now / 1000);
    sign = (claims, exp = iat + 300) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'JWT' })
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(ours.privateKey);
  });

  it('reads the token off a redirect to the initiate-login URI, and fails anything else', () => {
    const good = hookAnswer(302, { location: `${initiateLogin}?idp_initiated_login=eyJ.x.y` });
    expect(idpInitiatedLoginToken('EPT-004', good, initiateLogin)).toEqual({ token: 'eyJ.x.y' });
    const errored = hookAnswer(302, { location: `${initiateLogin}?error_description=no+connection` });
    expect(idpInitiatedLoginToken('EPT-004', errored, initiateLogin).problem?.title).toBe(
      'idp_initiated_login parameter',
    );
    const elsewhere = hookAnswer(302, { location: `${callback}?idp_initiated_login=eyJ.x.y` });
    expect(idpInitiatedLoginToken('EPT-004', elsewhere, initiateLogin).problem).toMatchObject({
      rule: 'EPT-004',
      title: 'redirect to the initiate-login URI',
    });
  });

  it('takes the jwks_uri of the discovery document on the environment, and fails one elsewhere or none', () => {
    const discovery = (body: unknown, status = 200) => recorded(status, { url: `${base}/.well-known/x`, body });
    expect(jwksPathOf('EPT-004', discovery({ jwks_uri: `${base}/keys` }), base)).toEqual({ path: '/keys' });
    expect(jwksPathOf('EPT-004', discovery({ jwks_uri: `${base}/env/keys?v=1` }), `${base}/env/`)).toEqual({
      path: '/keys?v=1',
    });
    for (const exchange of [
      discovery({ jwks_uri: 'https://elsewhere.example.test/keys' }),
      discovery({ issuer: base }),
      discovery({ jwks_uri: `${base}/keys` }, 404),
      recorded(200, { body: '<html></html>', contentType: 'text/html' }),
    ]) {
      expect(jwksPathOf('EPT-004', exchange, base).problem?.rule).toBe('EPT-004');
    }
  });

  it('holds the key set as /keys is held, failing EPT-004', () => {
    expect(keySetOf('EPT-004', recorded(200, { body: jwks })).jwks).toEqual(jwks);
    expect(keySetOf('EPT-004', recorded(200, { body: { keys: [] } })).problem?.rule).toBe('EPT-004');
  });

  it('a token signed by the published keys carrying the given claims passes', async () => {
    const token = await sign({ ...given, iss: base, aud: ['skc_1'] });
    expect(await idpInitiatedLoginVerified('EPT-004', token, jwks, given, clock)).toEqual([]);
  });

  it('fails a token signed by a key the set does not publish, an expired one, and other claims', async () => {
    const token = await sign(given);
    const foreign = await idpInitiatedLoginVerified('EPT-004', token, foreignJwks, given, clock);
    expect(foreign).toMatchObject([{ rule: 'EPT-004', title: 'idp_initiated_login signature' }]);
    const expired = await sign(given, Math.floor(now / 1000) - 120);
    expect(await idpInitiatedLoginVerified('EPT-004', expired, jwks, given, clock)).toMatchObject([
      { title: 'idp_initiated_login signature' },
    ]);
    const wrong = await sign({ ...given, relay_state: '/other', connection_id: undefined });
    const [found] = await idpInitiatedLoginVerified('EPT-004', wrong, jwks, given, clock);
    expect(found?.title).toBe('idp_initiated_login claims');
    expect(found?.received).toContain('relay_state "/other"');
    expect(found?.received).toContain('connection_id undefined');
    // A failure never carries the token.
    expect(JSON.stringify(found)).not.toContain(wrong);
  });

  it('a claim changed after signing is refused for its signature; a refusal for another reason fails', async () => {
    const token = await sign(given);
    expect(tamperedToken(token).split('.')[2]).toBe(token.split('.')[2]);
    expect(tamperedToken(token)).not.toBe(token);
    expect(await tamperedTokenRefused('EPT-004', token, jwks, clock)).toBeUndefined();
    // An unsigned token stands in for a verification that takes anything: jose refuses it, but not for its signature.
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`;
    expect(await tamperedTokenRefused('EPT-004', unsigned, jwks, clock)).toMatchObject({
      rule: 'EPT-004',
      expected: 'a signature verification failure',
    });
  });
});
