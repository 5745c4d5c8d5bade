import { describe, expect, it } from 'vitest';
import {
  allowlistHoldsExactly,
  allowlistKeepsEvery,
  authorizationErrorDocumented,
  backChannelLogoutPosted,
  batchWithInvalidUriRefused,
  codeExchangedForToken,
  codeExchangeRefused,
  codeRedirectedTo,
  deniedLoginReturnsAccessDenied,
  invalidRequestErrorReported,
  logoutAnswered,
  noCodeOrTokenIssued,
  notRedirectedToRefusedUri,
  organizationCreated,
  postLogoutRedirectedTo,
  type RegistrationAnswer,
  type RegistrationCase,
  readSignedInSession,
  redirectParameter,
  redirectUrisAreStringArrays,
  refusalNamesOracleRules,
  refusalNamingTally,
  refusedAsProfileSays,
  refusedWithoutRedirect,
  registrationAgreesWithOracle,
  sentTo,
  sessionEndedByLogout,
  slugCleared,
  slugKept,
  stateReturnedUnchanged,
} from '../../src/checks/redirects.js';
import { type RecordedOptions, recorded } from '../support/exchanges.js';

// Recorded exchanges, built by hand: a target's answer as the browser or the client saw it.
const base = 'https://env.example.test';
const callback = 'https://app.example.com/oauth/callback';
const signedOut = 'https://app.example.com/signed-out';

/** An answer to an authorization request unless told otherwise. */
const answer = (status: number, options: RecordedOptions = {}) =>
  recorded(status, { url: `${base}/oauth/authorize?client_id=skc_1&redirect_uri=x`, ...options });

const redirect = (location: string, status = 302) => answer(status, { location });
const errorPage = (status = 400) => answer(status, { body: '<p>invalid redirect_uri</p>', contentType: 'text/html' });
const json = (status: number, value: unknown) => answer(status, { body: value });

/** A JWT with the given claims; unsigned, since the checks here read the claims only. */
const jwt = (claims: Record<string, unknown>) =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('reading where an answer sends the browser', () => {
  it('resolves a relative Location against the request and reads its parameters', () => {
    expect(sentTo(redirect('/login?x=1'))).toBe(`${base}/login?x=1`);
    expect(sentTo(redirect('myapp://cb?code=1'))).toBe('myapp://cb?code=1');
    expect(sentTo(errorPage())).toBeUndefined();
    expect(redirectParameter(redirect(`${callback}?code=abc&state=a%2Bb`), 'state')).toBe('a+b');
    expect(redirectParameter(errorPage(), 'code')).toBeNull();
  });
});

describe('refusals (RDR-001, RDR-002, RDR-017, RDR-019, EPT-005, RDT-005..RDT-007)', () => {
  const offending = 'https://evil.example.net/cb';

  it('passes an error page, and a redirect to the target itself', () => {
    expect(notRedirectedToRefusedUri('RDR-001', errorPage(), offending, [callback])).toBeUndefined();
    expect(notRedirectedToRefusedUri('RDR-001', redirect('/error?e=1'), offending, [callback])).toBeUndefined();
    // The offending URI on the target's own origin: a redirect to the target's error page is no leak.
    expect(notRedirectedToRefusedUri('RDR-002', redirect('/error'), `${base}/cb`, [])).toBeUndefined();
  });

  it('fails a redirect to the refused URI, to its origin, or to another registered URI instead', () => {
    const titles = [
      notRedirectedToRefusedUri('RDR-001', redirect(`${offending}?code=1`), offending, [callback]),
      notRedirectedToRefusedUri('RDR-001', redirect('https://evil.example.net/other'), offending, [callback]),
      notRedirectedToRefusedUri('EPT-005', redirect(`${callback}?code=1`), undefined, [callback]),
    ].map((f) => `${f?.rule} ${f?.title}`);
    expect(titles).toEqual([
      'RDR-001 redirect to a refused URI',
      'RDR-001 redirect to the origin of a refused URI',
      'EPT-005 silent fallback to another registered URI',
    ]);
  });

  it('judges the refusal by the profile: error page, redirect with an error, or a default redirect', () => {
    expect(refusedAsProfileSays('RDR-002', errorPage(400), 'errorPage', [400, 404])).toBeUndefined();
    expect(refusedAsProfileSays('RDR-002', errorPage(500), 'errorPage', [400, 404])?.rule).toBe('RDR-002');
    expect(refusedAsProfileSays('RDR-002', redirect('/error'), 'errorPage', [400])?.rule).toBe('RDR-002');

    const withError = redirect('/error?error=invalid_redirect_uri');
    expect(refusedAsProfileSays('RDR-001', withError, 'redirectWithError', [], 'invalid_redirect_uri')).toBe(undefined);
    expect(refusedAsProfileSays('RDR-001', withError, 'redirectWithError', [], 'invalid_request')?.rule).toBe(
      'RDR-001',
    );
    expect(refusedAsProfileSays('RDR-001', errorPage(), 'redirectWithError', [])?.rule).toBe('RDR-001');

    expect(refusedAsProfileSays('RDR-019', redirect('/'), 'defaultRedirect', [])).toBeUndefined();
    expect(refusedAsProfileSays('RDR-019', errorPage(400), 'defaultRedirect', [])).toBeUndefined();
    expect(refusedAsProfileSays('RDR-019', errorPage(500), 'defaultRedirect', [])?.rule).toBe('RDR-019');
  });

  it('reports the first half of a refusal that fails, and nothing for a good refusal', () => {
    const expected = { offending, registered: [callback], outcome: 'errorPage' as const, statuses: [400] };
    expect(refusedWithoutRedirect('RDT-006', errorPage(400), expected)).toBeUndefined();
    expect(refusedWithoutRedirect('RDT-006', redirect(offending), expected)?.title).toBe('redirect to a refused URI');
    expect(refusedWithoutRedirect('RDT-006', errorPage(404), expected)?.title).toBe('refusal');
  });
});

describe('authorization answers (RDR-002, EPT-005, EPT-006, EPT-008, EPT-009)', () => {
  it('passes a 302 to exactly the registered URI with a code, and fails anything else', () => {
    expect(codeRedirectedTo('RDR-002', redirect(`${callback}?code=abc&state=s`), callback)).toBeUndefined();
    for (const bad of [
      redirect(`${callback}?code=abc`, 303),
      redirect(`${callback}/?code=abc`),
      redirect(`${callback}#code=abc`),
      redirect(`${callback}?state=s`),
      errorPage(),
    ]) {
      expect(codeRedirectedTo('RDR-002', bad, callback)?.rule).toBe('RDR-002');
    }
  });

  it('passes a state that comes back as sent, and fails one changed or left out', () => {
    const state = 'st/8+z= &ü?#';
    const sent = `${callback}?code=1&state=${encodeURIComponent(state)}`;
    expect(stateReturnedUnchanged('EPT-006', redirect(sent), state)).toBeUndefined();
    expect(stateReturnedUnchanged('EPT-006', redirect(`${callback}?code=1&state=a+b`), 'a+b')?.received).toBe(
      'state="a b"',
    );
    expect(stateReturnedUnchanged('EPT-011', redirect(signedOut), 'bye')?.received).toMatch(/^no state/);
    expect(stateReturnedUnchanged('EPT-008', errorPage(), 'x')?.rule).toBe('EPT-008');
  });

  it('fails a code or token anywhere the browser is sent after an invalid request', () => {
    expect(noCodeOrTokenIssued('EPT-005', errorPage())).toBeUndefined();
    expect(noCodeOrTokenIssued('EPT-005', redirect(`${callback}?error=unsupported_response_type`))).toBeUndefined();
    expect(noCodeOrTokenIssued('EPT-005', redirect(`${callback}?code=abc`))?.received).toMatch(/^code in /);
    expect(noCodeOrTokenIssued('EPT-008', redirect(`${callback}#access_token=t`))?.rule).toBe('EPT-008');
  });

  it('wants a 4xx or a redirect carrying error for an invalid request', () => {
    expect(invalidRequestErrorReported('EPT-005', errorPage(400))).toBeUndefined();
    expect(invalidRequestErrorReported('EPT-005', redirect(`${callback}?error=invalid_request`))).toBeUndefined();
    expect(invalidRequestErrorReported('EPT-005', redirect(`${callback}#error=invalid_request`))).toBeUndefined();
    for (const bad of [redirect(`${callback}?code=1`), answer(200, { body: '<p>sign in</p>' }), errorPage(500)]) {
      expect(invalidRequestErrorReported('EPT-005', bad)?.rule).toBe('EPT-005');
    }
  });

  it('passes documented error codes, in a redirect or a JSON body, and fails others', () => {
    expect(authorizationErrorDocumented('EPT-009', redirect(`${callback}?error=access_denied`))).toBeUndefined();
    expect(authorizationErrorDocumented('EPT-009', json(400, { error: 'invalid_redirect_uri' }))).toBeUndefined();
    // An HTML page is for people: no code to judge.
    expect(authorizationErrorDocumented('EPT-009', errorPage())).toBeUndefined();
    expect(authorizationErrorDocumented('EPT-009', redirect(`${callback}?error=bad_request`))?.received).toBe(
      'error=bad_request',
    );
    expect(authorizationErrorDocumented('EPT-009', json(400, { error: 'oops' }))?.rule).toBe('EPT-009');
  });

  it('wants a denied login back on the callback with access_denied and a description', () => {
    const denied = `${callback}?error=access_denied&error_description=User+denied&state=s`;
    expect(deniedLoginReturnsAccessDenied('EPT-008', redirect(denied), callback)).toBeUndefined();
    for (const bad of [
      redirect(`${callback}?error=access_denied&state=s`),
      redirect(`https://other.example.com/cb?error=access_denied&error_description=x`),
      redirect(`${callback}?error=login_required&error_description=x`),
      answer(200, { body: '<p>denied</p>' }),
    ]) {
      expect(deniedLoginReturnsAccessDenied('EPT-008', bad, callback)?.rule).toBe('EPT-008');
    }
  });
});

describe('the code at POST /oauth/token (EPT-007)', () => {
  const tokens = { access_token: 'at', token_type: 'Bearer', id_token: jwt({ sid: 'ses_1', sub: 'usr_1' }) };

  it('passes a 200 with an access token, and fails a refusal or an empty token', () => {
    expect(codeExchangedForToken('EPT-007', json(200, tokens))).toBeUndefined();
    for (const bad of [
      json(400, { error: 'invalid_grant' }),
      json(200, { access_token: '' }),
      answer(200, { body: 'ok', contentType: 'text/plain' }),
    ]) {
      expect(codeExchangedForToken('EPT-007', bad)?.rule).toBe('EPT-007');
    }
  });

  it('passes a second or late exchange refused with an OAuth error, and fails one that succeeds', () => {
    expect(codeExchangeRefused('EPT-007', json(400, { error: 'invalid_grant' }))).toBeUndefined();
    for (const bad of [json(200, tokens), json(500, { error: 'server_error' }), json(400, { error_code: 'X' })]) {
      expect(codeExchangeRefused('EPT-007', bad)?.rule).toBe('EPT-007');
    }
  });

  it('reads the session an ID token names, and fails a token without sid', () => {
    expect(readSignedInSession('EPT-010', json(200, tokens))).toEqual({ idToken: tokens.id_token, sessionId: 'ses_1' });
    for (const bad of [
      json(200, { access_token: 'at' }),
      json(200, { ...tokens, id_token: jwt({ sub: 'usr_1' }) }),
      json(200, { ...tokens, id_token: 'not-a-jwt' }),
    ]) {
      expect(readSignedInSession('EPT-010', bad).problem?.title).toBe('ID token');
    }
  });
});

describe('logout (EPT-010, EPT-011, EPT-012, RDR-018, RDT-007)', () => {
  it('passes a redirect to exactly the post-logout URI, and fails another URI or no redirect', () => {
    expect(postLogoutRedirectedTo('EPT-011', redirect(`${signedOut}?state=bye`), signedOut)).toBeUndefined();
    expect(postLogoutRedirectedTo('RDR-018', redirect(`${signedOut}/two`), signedOut)?.rule).toBe('RDR-018');
    expect(postLogoutRedirectedTo('RDT-007', answer(200, { body: '<p>bye</p>' }), signedOut)?.title).toBe(
      'templated post-logout redirect',
    );
  });

  it('wants the logout answered without an error, and the session active before and ended after', () => {
    expect(logoutAnswered('EPT-010', redirect(signedOut))).toBeUndefined();
    expect(logoutAnswered('EPT-010', answer(200, { body: '<p>signed out</p>' }))).toBeUndefined();
    expect(logoutAnswered('EPT-010', errorPage(400))?.rule).toBe('EPT-010');
    const read = json(200, { status: 'revoked' });
    expect(sessionEndedByLogout('EPT-010', 'active', 'revoked', read)).toBeUndefined();
    expect(sessionEndedByLogout('EPT-010', 'active', 'active', read)?.received).toBe('active before, active after');
    expect(sessionEndedByLogout('EPT-010', undefined, 'revoked', read)?.rule).toBe('EPT-010');
  });

  it('wants the back-channel notice as a POST, and fails a GET or nothing', () => {
    const cause = answer(302, { location: signedOut, url: `${base}/oidc/logout?id_token_hint=x` });
    const posted = [{ method: 'POST', path: '/logout' }];
    expect(backChannelLogoutPosted('EPT-012', 'a sign-out', posted, 5000, cause)).toBeUndefined();
    expect(
      backChannelLogoutPosted('EPT-012', 'a sign-out', [{ method: 'GET', path: '/logout?logout_token=t' }], 5000, cause)
        ?.received,
    ).toBe('GET /logout');
    expect(backChannelLogoutPosted('EPT-012', 'an admin revoke', [], 5000, cause)?.received).toBe('nothing');
  });
});

describe('registration through the redirects hook (RDR-003..RDR-017, EPT-001, RDT-002..RDT-004)', () => {
  const hook = answer(200, { method: 'PUT', url: `${base}/conformance/redirects/callback`, body: '{}' });
  const query: RegistrationCase = { uri: 'https://app.example.com/cb?next=1', kind: 'production', type: 'callback' };
  const plain: RegistrationCase = { uri: 'https://app.example.com/cb', kind: 'production', type: 'callback' };
  const accepted: RegistrationAnswer = { accepted: true };
  const refused = (uri: string, rules: string[]): RegistrationAnswer => ({
    accepted: false,
    rejected: [{ uri, rules }],
  });

  it('passes an answer the oracle agrees with: accepted when valid, refused with an entry when not', () => {
    expect(registrationAgreesWithOracle('RDR-003', plain, [], accepted, hook)).toBeUndefined();
    expect(registrationAgreesWithOracle('RDR-008', query, ['RDR-008'], refused(query.uri, []), hook)).toBeUndefined();
  });

  it('fails an invalid URI accepted, a valid one refused, and a refusal without an entry for the URI', () => {
    expect(registrationAgreesWithOracle('RDR-008', query, ['RDR-008'], accepted, hook)?.expected).toBe(
      'refused for RDR-008: callback "https://app.example.com/cb?next=1" in production',
    );
    expect(registrationAgreesWithOracle('RDR-004', plain, [], refused(plain.uri, ['RDR-004']), hook)?.received).toBe(
      'refused naming RDR-004',
    );
    expect(
      registrationAgreesWithOracle('RDR-008', query, ['RDR-008'], refused('https://other.example.com', []), hook)
        ?.title,
    ).toBe('rejected list');
  });

  it('notes a refusal naming other rules than the oracle, and stays silent when it names none', () => {
    expect(refusalNamesOracleRules('RDR-008', query, ['RDR-008'], refused(query.uri, ['RDR-008']), hook)).toBe(
      undefined,
    );
    expect(refusalNamesOracleRules('RDR-008', query, ['RDR-008'], refused(query.uri, []), hook)).toBeUndefined();
    const mismatch = refusalNamesOracleRules('RDR-008', query, ['RDR-008'], refused(query.uri, ['RDR-009']), hook);
    expect([mismatch?.expected, mismatch?.received]).toEqual(['RDR-008', 'RDR-009']);
  });

  it('counts the naming mismatches only when some were left out', () => {
    expect(refusalNamingTally('RDR-007', { refusals: 3, distinct: 3, shown: 3 })).toBeUndefined();
    expect(refusalNamingTally('RDR-007', { refusals: 40, distinct: 25, shown: 20 })?.received).toBe(
      '40 refusals named other rules, 25 distinct; 20 shown',
    );
  });

  it('wants each allowlist to hold exactly what was registered for it (RDR-017)', () => {
    const read = json(200, {});
    expect(allowlistHoldsExactly('RDR-017', 'callback allowlist', ['a', 'b'], ['b', 'a'], read)).toBeUndefined();
    expect(allowlistHoldsExactly('RDR-017', 'callback allowlist', ['a', 'b'], ['a', 'b', 'c'], read)?.received).toBe(
      'a b c',
    );
    expect(allowlistHoldsExactly('RDR-017', 'callback allowlist', ['a'], [], read)?.received).toBe('(none)');
  });

  it('wants a batch with an invalid URI refused as a whole (RDR-017)', () => {
    expect(batchWithInvalidUriRefused('RDR-017', query.uri, refused(query.uri, []), hook)).toBeUndefined();
    expect(batchWithInvalidUriRefused('RDR-017', query.uri, accepted, hook)?.title).toBe('refused batch');
  });

  it('wants every post-logout URL registered together kept (RDR-018)', () => {
    const read = json(200, {});
    expect(allowlistKeepsEvery('RDR-018', ['a', 'b'], ['b', 'a'], read)).toBeUndefined();
    expect(allowlistKeepsEvery('RDR-018', ['a', 'b', 'c'], ['a'], read)?.received).toBe('a');
  });
});

describe('REST fields (RDR-020, RDT-009..RDT-012)', () => {
  it('passes redirect_uris absent or an array of strings, and fails any other shape', () => {
    const read = json(200, {});
    expect(redirectUrisAreStringArrays('RDR-020', read, [{}, { redirect_uris: ['https://a'] }])).toBeUndefined();
    expect(redirectUrisAreStringArrays('RDR-020', read, [{ redirect_uris: 'https://a,https://b' }])?.received).toBe(
      '"https://a,https://b"',
    );
    expect(redirectUrisAreStringArrays('RDR-020', read, [{ redirect_uris: [1] }])?.rule).toBe('RDR-020');
  });

  it('wants an organisation created with 201 and an ID', () => {
    expect(organizationCreated('RDT-009', json(201, { organization: { id: 'org_1' } }), 'org_1')).toBeUndefined();
    expect(organizationCreated('RDT-009', json(400, { error_code: 'INVALID' }), undefined)?.title).toBe('status code');
    expect(organizationCreated('RDT-011', json(201, { organization: {} }), undefined)?.title).toBe('organization id');
  });

  it('wants the slug kept as given, and cleared by ""', () => {
    const read = json(200, {});
    expect(slugKept('RDT-009', 'auth.acme.example.com', 'auth.acme.example.com', read)).toBeUndefined();
    expect(slugKept('RDT-010', 'keep-1', 'Keep-1', read)?.received).toBe('"Keep-1"');
    expect(slugCleared('RDT-010', [undefined, ''], read)).toBeUndefined();
    expect(slugCleared('RDT-010', ['', 'clear-1'], read)?.received).toBe('"clear-1"');
  });
});
