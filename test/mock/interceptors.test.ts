import { decodeJwt } from 'jose';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { loginScript, redirectRegistry } from '../../src/mock/control-state.js';
import type { FaultId } from '../../src/mock/faults.js';
import { createMock, type Mock } from '../../src/mock/index.js';
import { genericInterceptorMessage, interceptorRegistry } from '../../src/mock/interceptors.js';
import type { InterceptorTrigger } from '../../src/protocol/control-hooks.js';
import { type Answer, type Receiver, startReceiver } from '../../src/webhooks/receiver.js';
import { tamperedVariants, verifyAttempt } from '../../src/webhooks/verify.js';
import { exchangeCode, postToken } from '../support/token.js';

// The mock's auth-flow interceptors (WHS-008, OTH-001..OTH-003, OTH-005), driven in-process through msw, with the
// suite's receiver as the interceptor on a real socket. The mock's clock is a manual one: a silent interceptor times
// out only when the test moves it, as the clock hook does.

const origin = 'http://mock.test';
const credentials = { clientId: 'skc_1234567890', clientSecret: 'secret-123' };
const callback = 'https://app.example.com/auth/callback';
const secret = `whsec_${Buffer.from('interceptor-secret-0123456789').toString('base64')}`;
const timeoutMs = 3_000;

const server = setupServer();
let clock: ManualClock;
let mock: Mock;
let receiver: Receiver;
let emails = 0;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
afterEach(() => receiver.close());

function start(faults: FaultId[] = []) {
  clock = new ManualClock(Date.UTC(2026, 0, 1, 9));
  mock = createMock({ clock, credentials, seed: 7, faults });
  server.resetHandlers(...mock.handlers);
  redirectRegistry(mock.state).callback = [callback];
}

beforeEach(async () => {
  start();
  receiver = await startReceiver({ path: '/interceptors' });
});

function intercept(trigger: InterceptorTrigger, failPolicy: 'allow' | 'block' = 'allow') {
  interceptorRegistry(mock.state)[trigger] = {
    url: receiver.url,
    secret,
    timeout_ms: timeoutMs,
    fail_policy: failPolicy,
  };
}

const answer = (value: unknown): Answer => ({ status: 200, body: JSON.stringify(value) });

/** An approved sign-in of a fresh email (or the given one), as the `login` hook scripts it. */
async function signIn(email = `user${++emails}@example.test`, scope = 'openid') {
  loginScript(mock.state).current = { email, decision: 'approve' };
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: credentials.clientId,
    redirect_uri: callback,
    scope,
    state: 's1',
  });
  const response = await fetch(`${origin}/oauth/authorize?${query}`, { redirect: 'manual' });
  const location = response.headers.get('location');
  const code = location ? new URL(location).searchParams.get('code') : null;
  return { status: response.status, code, text: await response.text(), email };
}

const token = (fields: Record<string, string>) => postToken(origin, fields);

const redeem = (code: string) => exchangeCode(origin, credentials, code, callback);

async function api(method: string, path: string, body?: unknown) {
  const { json } = await token({
    grant_type: 'client_credentials',
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
  });
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${String(json.access_token)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function organizationClient() {
  const organization = await api('POST', '/api/v1/organizations', { display_name: 'Interceptors' });
  const organizationId = String((organization.json.organization as { id: string }).id);
  const created = await api('POST', `/api/v1/organizations/${organizationId}/clients`, { name: 'm2m' });
  const clientId = String((created.json.client as { client_id: string }).client_id);
  return { organizationId, clientId, secret: String(created.json.plain_secret) };
}

const bodyOf = (n = 0) => JSON.parse(receiver.attempts()[n]?.body ?? 'null') as Record<string, unknown>;

describe('sign-in triggers', () => {
  it('calls PRE_SIGNUP on a first sign-in only, then PRE_SESSION_CREATION, each signed under interceptor-*', async () => {
    intercept('PRE_SIGNUP');
    intercept('PRE_SESSION_CREATION');
    receiver.setDefault(answer({ decision: 'ALLOW' }));
    const first = await signIn();
    expect(first.code).toBeTruthy();
    const [signup, session] = receiver.attempts();
    expect(bodyOf(0)).toMatchObject({
      trigger: 'PRE_SIGNUP',
      environment_id: mock.state.environmentId,
      interceptor_context: { user_email: first.email, ip_address: '127.0.0.1' },
      data: { user: { email: first.email } },
    });
    expect(bodyOf(1)).toMatchObject({
      trigger: 'PRE_SESSION_CREATION',
      interceptor_context: { user_email: first.email },
    });
    expect(String((bodyOf(1).interceptor_context as { user_id: string }).user_id)).toMatch(/^usr_/);
    for (const call of [signup, session]) {
      expect(call?.headers['content-type']).toBe('application/json');
      expect(call?.headers['webhook-signature']).toBeUndefined();
      expect(call && verifyAttempt(call, secret, { now: clock.now(), scheme: 'interceptor' })).toMatchObject({
        valid: true,
      });
    }
    receiver.clear();
    receiver.setDefault(answer({ decision: 'ALLOW' }));
    await signIn(first.email);
    expect(receiver.attempts().map((a) => JSON.parse(a.body).trigger)).toEqual(['PRE_SESSION_CREATION']);
  });

  it('signs a call the suite’s verifier accepts, and none of its tampered variants', async () => {
    intercept('PRE_SIGNUP');
    receiver.setDefault(answer({ decision: 'ALLOW' }));
    await signIn();
    const [call] = receiver.attempts();
    if (!call) throw new Error('no call');
    const variants = tamperedVariants(call, secret, { scheme: 'interceptor' });
    expect(variants.map((v) => v.name)).toEqual(
      expect.arrayContaining(['body changed by one byte', 'interceptor-signature missing']),
    );
    for (const variant of variants) {
      const verdict = verifyAttempt(variant.attempt, secret, { now: clock.now(), scheme: 'interceptor' });
      expect(verdict.valid, variant.name).toBe(variant.expect === 'valid');
      if (!verdict.valid) expect(verdict.reason, variant.name).toBe(variant.reason);
    }
    // Under the webhook names it is no interceptor call.
    expect(verifyAttempt(call, secret, { now: clock.now() })).toMatchObject({ valid: false, reason: 'missing-header' });
  });

  it('stops a denied sign-up on its page with the interceptor’s message, creating no user and logging FAILED', async () => {
    intercept('PRE_SIGNUP');
    receiver.script([answer({ decision: 'DENY', error: { message: "Sign-ups from O'Hara & co are closed." } })]);
    const denied = await signIn();
    expect(denied.status).toBe(403);
    expect(denied.code).toBeNull();
    expect(denied.text).toContain('Sign-ups from O&#39;Hara &#38; co are closed.');
    const users = await api('GET', '/api/v1/users?page_size=100');
    expect(JSON.stringify(users.json)).not.toContain(denied.email);
    expect(mock.state.authRequests.at(-1)?.status).toBe('FAILED');
  });

  it('shows the generic message on a DENY without error.message', async () => {
    intercept('PRE_SESSION_CREATION');
    receiver.script([answer({ decision: 'DENY' })]);
    const denied = await signIn();
    expect(denied.status).toBe(403);
    expect(denied.text).toContain(genericInterceptorMessage);
  });

  it('puts the claims of an ALLOW under custom_claims in the access token, and again on refresh', async () => {
    const claims = { plan: 'pro', features: ['analytics'], iss: 'not-the-issuer' };
    intercept('PRE_SESSION_CREATION');
    receiver.script([answer({ decision: 'ALLOW', response: { claims } })]);
    const flow = await signIn(undefined, 'openid offline_access');
    const first = await redeem(flow.code ?? '');
    expect(first.status).toBe(200);
    expect(decodeJwt(String(first.json.access_token))).toMatchObject({ custom_claims: claims, iss: origin });
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: String(first.json.refresh_token),
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    });
    expect(decodeJwt(String(refreshed.json.access_token)).custom_claims).toEqual(claims);
  });
});

describe('timeouts and the fail policy, on the mock clock', () => {
  /** Starts a sign-in, waits for its call, moves the mock's clock past the timeout as the clock hook does. */
  async function timedOut() {
    receiver.setDefault({ hang: true });
    const flow = signIn();
    await receiver.waitForAttempts(1);
    clock.advance(timeoutMs + 1);
    return flow;
  }

  it('under block, a call that times out on the mock clock stops the sign-in with the generic message', async () => {
    intercept('PRE_SESSION_CREATION', 'block');
    const denied = await timedOut();
    expect(denied.status).toBe(403);
    expect(denied.text).toContain(genericInterceptorMessage);
  });

  it('under allow lets the sign-in go on', async () => {
    intercept('PRE_SESSION_CREATION', 'allow');
    expect((await timedOut()).code).toBeTruthy();
  });

  it('counts an answer that is no decision as a failed call', async () => {
    intercept('PRE_SESSION_CREATION', 'block');
    for (const given of [
      { status: 200, body: 'ALLOW' },
      answer({ decision: 'allow' }),
      answer({ decision: 'ALLOW', response: { claims: ['x'] } }),
      { status: 500, body: JSON.stringify({ decision: 'ALLOW' }) },
    ]) {
      receiver.script([given]);
      expect((await signIn()).status, JSON.stringify(given)).toBe(403);
    }
    intercept('PRE_SESSION_CREATION', 'allow');
    receiver.script([{ status: 200, body: 'ALLOW' }]);
    expect((await signIn()).code).toBeTruthy();
  });
});

describe('API triggers', () => {
  it('calls PRE_USER_INVITATION before an invitation; a DENY refuses it with 403 and creates nobody', async () => {
    const { organizationId } = await organizationClient();
    intercept('PRE_USER_INVITATION');
    receiver.script([answer({ decision: 'DENY', error: { message: 'No invitations today.' } })]);
    const path = `/api/v1/organizations/${organizationId}/users`;
    const denied = await api('POST', path, { email: 'invitee@example.test' });
    expect(denied).toMatchObject({
      status: 403,
      json: { error_code: 'PERMISSION_DENIED', localized_message_info: { message: 'No invitations today.' } },
    });
    expect(bodyOf(0)).toMatchObject({
      trigger: 'PRE_USER_INVITATION',
      interceptor_context: { user_email: 'invitee@example.test', organization_id: organizationId },
    });
    receiver.setDefault(answer({ decision: 'ALLOW' }));
    const invited = await api('POST', path, { email: 'invitee@example.test' });
    expect(invited.status).toBe(201);
    // Sending the invitation again is intercepted too.
    const userId = String((invited.json.user as { id: string }).id);
    receiver.script([answer({ decision: 'DENY' })]);
    const resent = await api('PATCH', `/api/v1/invites/organizations/${organizationId}/users/${userId}/resend`, {});
    expect(resent).toMatchObject({
      status: 403,
      json: { localized_message_info: { message: genericInterceptorMessage } },
    });
    // No invitation, no call.
    const before = receiver.attempts().length;
    expect((await api('POST', `${path}?send_invitation_email=false`, { email: 'member@example.test' })).status).toBe(
      201,
    );
    expect(receiver.attempts()).toHaveLength(before);
  });

  it('calls PRE_M2M_TOKEN_CREATION for an organization client’s token only; a DENY answers 403 access_denied', async () => {
    const client = await organizationClient();
    intercept('PRE_M2M_TOKEN_CREATION');
    receiver.script([answer({ decision: 'ALLOW' }), answer({ decision: 'DENY', error: { message: 'Not now.' } })]);
    const fields = { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret };
    const allowed = await token(fields);
    expect(allowed.status).toBe(200);
    expect(decodeJwt(String(allowed.json.access_token))).toMatchObject({
      sub: client.clientId,
      oid: client.organizationId,
    });
    expect(bodyOf(0)).toMatchObject({ interceptor_context: { client_id: client.clientId } });
    expect(await token(fields)).toMatchObject({
      status: 403,
      json: { error: 'access_denied', error_description: 'Not now.' },
    });
    expect((await token({ ...fields, client_secret: 'wrong' })).status).toBe(401);
    // The environment's own API client is no M2M client of an organization: its tokens are not intercepted.
    const calls = receiver.attempts().length;
    await api('GET', '/api/v1/organizations');
    expect(receiver.attempts()).toHaveLength(calls);
  });
});

describe('seeded faults', () => {
  it('interceptors.webhook-headers signs under the webhook header names', async () => {
    start(['interceptors.webhook-headers']);
    intercept('PRE_SIGNUP');
    receiver.setDefault(answer({ decision: 'ALLOW' }));
    await signIn();
    const [call] = receiver.attempts();
    expect(call?.headers['interceptor-signature']).toBeUndefined();
    expect(call && verifyAttempt(call, secret, { now: clock.now() })).toMatchObject({ valid: true });
  });

  it('interceptors.deny-ignored carries on after a DENY, and only after a DENY', async () => {
    start(['interceptors.deny-ignored']);
    intercept('PRE_SESSION_CREATION', 'block');
    receiver.script([answer({ decision: 'DENY', error: { message: 'No.' } }), { status: 200, body: 'x' }]);
    expect((await signIn()).code).toBeTruthy();
    expect((await signIn()).status).toBe(403);
  });

  it('interceptors.block-fails-open lets a failed call through under block', async () => {
    start(['interceptors.block-fails-open']);
    intercept('PRE_SESSION_CREATION', 'block');
    receiver.script([{ status: 200, body: 'x' }, answer({ decision: 'DENY' })]);
    expect((await signIn()).code).toBeTruthy();
    expect((await signIn()).text).toContain(genericInterceptorMessage);
  });

  it('interceptors.generic-message-wrong shows "Access denied." instead of the generic message', async () => {
    start(['interceptors.generic-message-wrong']);
    intercept('PRE_SESSION_CREATION', 'block');
    receiver.script([
      answer({ decision: 'DENY' }),
      { status: 200, body: 'x' },
      answer({ decision: 'DENY', error: { message: 'Own.' } }),
    ]);
    for (const shown of ['Access denied.', 'Access denied.', 'Own.']) {
      const denied = await signIn();
      expect(denied.text).toContain(shown);
      expect(denied.text).not.toContain(genericInterceptorMessage);
    }
  });

  it('interceptors.claims-top-level spreads the claims over the access token', async () => {
    start(['interceptors.claims-top-level']);
    intercept('PRE_SESSION_CREATION');
    receiver.script([answer({ decision: 'ALLOW', response: { claims: { plan: 'pro', sub: 'forged' } } })]);
    const flow = await signIn();
    const claims = decodeJwt(String((await redeem(flow.code ?? '')).json.access_token));
    expect(claims).toMatchObject({ plan: 'pro' });
    expect(claims.sub).toMatch(/^usr_/);
    expect(claims).not.toHaveProperty('custom_claims');
  });
});
