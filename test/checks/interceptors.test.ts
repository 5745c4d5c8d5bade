import { describe, expect, it } from 'vitest';
import {
  customClaimsInAccessToken,
  flowAllowed,
  flowStopped,
  genericMessagePattern,
  type InterceptorCall,
  interceptorCalled,
  interceptorCalledWith,
  interceptorCallSigned,
  interceptorNotCalled,
  messageShown,
  visibleText,
} from '../../src/checks/interceptors.js';
import { recorded } from '../support/exchanges.js';

// Recorded interceptor calls and flow answers, built by hand: what the suite's receiver and client saw.

const base = 'https://env.example.test';
const callback = 'https://app.example.com/oauth/callback';
const generic =
  'The request could not be completed due to a policy restriction. Please contact support for assistance.';

const signedHeaders = {
  'content-type': 'application/json',
  'interceptor-id': 'itc_1',
  'interceptor-timestamp': '1767225600',
  'interceptor-signature': 'v1,abc=',
};

const call = (payload: unknown, headers: Record<string, string> = signedHeaders): InterceptorCall => ({
  method: 'POST',
  headers,
  body: typeof payload === 'string' ? payload : JSON.stringify(payload),
});

const authorizeAnswer = (status: number, options: { location?: string; body?: string } = {}) =>
  recorded(status, {
    url: `${base}/oauth/authorize?client_id=skc_1&redirect_uri=${encodeURIComponent(callback)}`,
    ...(options.location ? { location: options.location } : {}),
    ...(options.body ? { body: options.body, contentType: 'text/html' } : {}),
  });
const page = (text: string, status = 403) =>
  authorizeAnswer(status, { body: `<!doctype html><html><body><h1>Blocked</h1><p>${text}</p></body></html>` });
const withCode = authorizeAnswer(302, { location: `${callback}?code=c0de&state=s1` });

/** A JWT with the given claims; unsigned, since the checks read the claims only. */
const jwt = (claims: Record<string, unknown>) =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
const tokenAnswer = (claims: Record<string, unknown>) =>
  recorded(200, {
    method: 'POST',
    url: `${base}/oauth/token`,
    body: { access_token: jwt(claims), token_type: 'Bearer' },
  });

describe('WHS-008: interceptor calls are signed under interceptor-* headers', () => {
  it('passes a call with the three headers that verifies', () => {
    expect(interceptorCallSigned('WHS-008', 'PRE_SIGNUP', [call({})], { valid: true })).toBeUndefined();
  });

  it('fails when no call arrived', () => {
    expect(interceptorCallSigned('WHS-008', 'PRE_SIGNUP', [], undefined)).toMatchObject({
      rule: 'WHS-008',
      received: 'no call',
    });
  });

  it('fails a call signed under the webhook header names, saying which are missing', () => {
    const webhookNamed = call(
      {},
      { 'webhook-id': 'itc_1', 'webhook-timestamp': '1767225600', 'webhook-signature': 'v1,abc=' },
    );
    const found = interceptorCallSigned('WHS-008', 'PRE_M2M_TOKEN_CREATION', [webhookNamed], {
      valid: false,
      message: 'missing interceptor-id',
    });
    expect(found?.received).toBe('missing interceptor-id, interceptor-timestamp, interceptor-signature');
    expect(found?.details?.[1]).toContain('webhook-id: present');
  });

  it('fails a call whose signature does not verify, with the verifier’s reason', () => {
    const found = interceptorCallSigned('WHS-008', 'PRE_SIGNUP', [call({})], {
      valid: false,
      message: 'interceptor-timestamp is 400 s behind the target’s clock (tolerance 300 s)',
    });
    expect(found?.received).toContain('400 s behind');
  });
});

describe('OTH-001: the call at each trigger carries the documented payload', () => {
  const email = 'ada@example.test';

  it('passes PRE_SIGNUP naming the email in interceptor_context.user_email or data.user.email', () => {
    const subject = { trigger: 'PRE_SIGNUP' as const, email };
    expect(interceptorCalledWith('OTH-001', [call({ interceptor_context: { user_email: email } })], subject)).toBe(
      undefined,
    );
    const inData = call({ interceptor_context: {}, data: { user: { email: 'ADA@example.test' } } });
    expect(interceptorCalledWith('OTH-001', [inData], subject)).toBeUndefined();
  });

  it('fails PRE_SIGNUP naming another email, no call, or a body without interceptor_context', () => {
    const subject = { trigger: 'PRE_SIGNUP' as const, email };
    const other = call({ interceptor_context: { user_email: 'bob@example.test' } });
    expect(interceptorCalledWith('OTH-001', [other], subject)?.received).toBe('"bob@example.test"');
    expect(interceptorCalledWith('OTH-001', [], subject)?.received).toBe('no call');
    expect(interceptorCalledWith('OTH-001', [call({ user_email: email })], subject)?.received).toContain(
      'without an interceptor_context',
    );
    expect(interceptorCalledWith('OTH-001', [call('not json')], subject)?.received).toContain('without a JSON');
  });

  it('judges PRE_SESSION_CREATION on interceptor_context.user_id', () => {
    const withUser = call({ interceptor_context: { user_id: 'usr_1' } });
    expect(interceptorCalledWith('OTH-001', [withUser], { trigger: 'PRE_SESSION_CREATION' })).toBeUndefined();
    expect(
      interceptorCalledWith('OTH-001', [withUser], { trigger: 'PRE_SESSION_CREATION', userId: 'usr_2' }),
    ).toMatchObject({ rule: 'OTH-001' });
    const withoutUser = call({ interceptor_context: { user_email: email } });
    expect(interceptorCalledWith('OTH-001', [withoutUser], { trigger: 'PRE_SESSION_CREATION' })).toMatchObject({
      received: 'null',
    });
  });

  it('wants the invited email and the organization, or the client, named in the payload', () => {
    const invitation = { trigger: 'PRE_USER_INVITATION' as const, email, organizationId: 'org_1' };
    const named = call({ interceptor_context: { user_email: email, organization_id: 'org_1' } });
    expect(interceptorCalledWith('OTH-001', [named], invitation)).toBeUndefined();
    const noOrganization = call({ interceptor_context: { user_email: email } });
    expect(interceptorCalledWith('OTH-001', [noOrganization], invitation)?.received).toBe('none of org_1');
    const m2m = { trigger: 'PRE_M2M_TOKEN_CREATION' as const, clientId: 'm2morg_1' };
    expect(interceptorCalledWith('OTH-001', [call({ interceptor_context: { client_id: 'm2morg_1' } })], m2m)).toBe(
      undefined,
    );
    expect(interceptorCalledWith('OTH-001', [call({ interceptor_context: {} })], m2m)).toMatchObject({
      rule: 'OTH-001',
    });
  });

  it('fails a call where the trigger’s moment is not, and passes none', () => {
    expect(interceptorNotCalled('OTH-001', 'PRE_SIGNUP', [], 'a returning user’s sign-in')).toBeUndefined();
    expect(interceptorNotCalled('OTH-001', 'PRE_SIGNUP', [call({})], 'a returning user’s sign-in')).toMatchObject({
      received: '1 call(s)',
    });
  });

  it('holds a test of the answer to a call having been made', () => {
    expect(interceptorCalled('OTH-002', 'PRE_SESSION_CREATION', [call({})])).toBeUndefined();
    expect(interceptorCalled('OTH-005', 'PRE_SESSION_CREATION', [])).toMatchObject({ rule: 'OTH-005' });
  });
});

describe('OTH-001, OTH-002: the flow goes on or stops', () => {
  it('takes a redirect with a code, a token, a 2xx for a flow that went on', () => {
    expect(flowAllowed('OTH-001', 'browser', withCode, 'ALLOW')).toBeUndefined();
    expect(flowAllowed('OTH-002', 'token', tokenAnswer({ sub: 'm2morg_1' }), 'a timeout')).toBeUndefined();
    expect(flowAllowed('OTH-001', 'api', recorded(201, { body: { user: {} } }), 'ALLOW')).toBeUndefined();
  });

  it('fails a flow that should have gone on but stopped', () => {
    expect(flowAllowed('OTH-001', 'browser', page(generic), 'ALLOW')?.expected).toBe(
      'a redirect back to the app with a code',
    );
    expect(flowAllowed('OTH-002', 'token', recorded(403, { body: { error: 'access_denied' } }), 'x')).toMatchObject({
      rule: 'OTH-002',
    });
  });

  it('takes a page, a redirect without a code, a 4xx for a flow that stopped', () => {
    expect(flowStopped('OTH-001', 'browser', page('No.'), 'DENY')).toBeUndefined();
    const withError = authorizeAnswer(302, { location: `${callback}?error=access_denied&state=s1` });
    expect(flowStopped('OTH-001', 'browser', withError, 'DENY')).toBeUndefined();
    expect(flowStopped('OTH-002', 'token', recorded(403, { body: { error: 'access_denied' } }), 'x')).toBeUndefined();
    expect(flowStopped('OTH-001', 'api', recorded(403, { body: { error_code: 'PERMISSION_DENIED' } }), 'x')).toBe(
      undefined,
    );
  });

  it('fails a flow that went on, or broke with a 5xx, where it should have stopped', () => {
    expect(flowStopped('OTH-001', 'browser', withCode, 'DENY')?.received).toContain('302 to');
    expect(flowStopped('OTH-002', 'token', tokenAnswer({}), 'a timeout under fail_policy block')).toMatchObject({
      rule: 'OTH-002',
    });
    expect(flowStopped('OTH-001', 'api', recorded(500, { body: 'boom' }), 'DENY')).toMatchObject({ rule: 'OTH-001' });
    expect(flowStopped('OTH-001', 'api', recorded(201, { body: {} }), 'DENY')).toMatchObject({ rule: 'OTH-001' });
  });
});

describe('OTH-001, OTH-003: the message shown on a stopped flow', () => {
  it('reads a page’s text with its character references decoded', () => {
    expect(visibleText('<p>Sign-ups from C&#244;te d&#x27;Ivoire &amp; co &lt;b&gt;</p>')).toBe(
      "Sign-ups from Côte d'Ivoire & co <b>",
    );
  });

  it('finds the interceptor’s message on the page, in an error_description or a JSON error', () => {
    const message = "Sign-ups from Côte d'Ivoire are restricted (x1).";
    const escaped = message.replace("'", '&#39;').replace('ô', '&#244;');
    expect(messageShown('OTH-001', page(escaped), message)).toBeUndefined();
    const redirect = authorizeAnswer(302, {
      location: `${callback}?error=access_denied&error_description=${encodeURIComponent(message)}`,
    });
    expect(messageShown('OTH-001', redirect, message)).toBeUndefined();
    const token = recorded(403, { body: { error: 'access_denied', error_description: message } });
    expect(messageShown('OTH-001', token, message)).toBeUndefined();
    const errorInfo = recorded(403, { body: { error_code: 'X', localized_message_info: { message } } });
    expect(messageShown('OTH-001', errorInfo, message)).toBeUndefined();
  });

  it('fails a page without the message, or a flow that went on', () => {
    expect(messageShown('OTH-001', page('Access denied.'), 'Not from here.')?.received).toContain('Access denied.');
    expect(messageShown('OTH-003', withCode, 'generic')).toMatchObject({ rule: 'OTH-003' });
  });

  it('takes the generic message with "support" or a support email, and nothing else', () => {
    expect(messageShown('OTH-003', page(generic), 'generic')).toBeUndefined();
    const withEmail = generic.replace('contact support', 'contact support@yourapp.com');
    expect(messageShown('OTH-003', page(withEmail), 'generic')).toBeUndefined();
    expect(genericMessagePattern.test('The request could not be completed.')).toBe(false);
    expect(messageShown('OTH-003', page('Access denied.'), 'generic')).toMatchObject({
      rule: 'OTH-003',
      title: 'generic message',
    });
  });
});

describe('OTH-005: claims under custom_claims in the access token', () => {
  const claims = { plan: 'pro', features: ['analytics', 'sso'], org_role: 'admin' };

  it('passes the claims under custom_claims, in any key order', () => {
    const reordered = { org_role: 'admin', features: ['analytics', 'sso'], plan: 'pro' };
    expect(customClaimsInAccessToken('OTH-005', tokenAnswer({ sub: 'usr_1', custom_claims: reordered }), claims)).toBe(
      undefined,
    );
  });

  it('fails claims at the top level, saying so, and claims changed or missing', () => {
    const topLevel = customClaimsInAccessToken('OTH-005', tokenAnswer({ sub: 'usr_1', ...claims }), claims);
    expect(topLevel?.received).toBe('no custom_claims');
    expect(topLevel?.details?.[0]).toContain('plan, features, org_role');
    const changed = tokenAnswer({ custom_claims: { ...claims, features: ['analytics'] } });
    expect(customClaimsInAccessToken('OTH-005', changed, claims)).toMatchObject({ rule: 'OTH-005' });
    expect(
      customClaimsInAccessToken('OTH-005', recorded(400, { body: { error: 'invalid_grant' } }), claims),
    ).toMatchObject({ title: 'access token' });
  });
});
