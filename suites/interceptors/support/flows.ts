// The flows that reach each interceptor trigger (OTH-001): a first sign-in through /oauth/authorize (PRE_SIGNUP, then
// PRE_SESSION_CREATION) with the `login` hook scripted, an invitation to an organization through the API
// (PRE_USER_INVITATION), and a client-credentials token for an organization's M2M client (PRE_M2M_TOKEN_CREATION);
// and the answers the suite's receiver gives the target.
import { decodeJwt } from 'jose';
import { withOrganization } from '../../../fixtures/builders/organizations.js';
import type { InterceptorTrigger } from '../../../src/client/control-hooks.js';
import type { Exchange } from '../../../src/client/transport.js';
import { authorizeWithPkce, postForm, redeemCode } from '../../../src/harness/browser.js';
import { assertPrecondition, exchangeOf, requireHook, type Target } from '../../../src/harness/index.js';
import { waitBudgetMs } from '../../../src/harness/target.js';
import { callsDuring, type InterceptorSession, withInterceptor } from '../../../src/harness/webhooks.js';
import type { RuleId } from '../../../src/rules/catalogue.js';
import type { Answer, DeliveryAttempt } from '../../../src/webhooks/receiver.js';

type Skip = (note?: string) => never;

// --- what the interceptor answers (OTH-001: HTTP 200 for DENY as well, as the docs' samples do) --------------------

const json = (value: unknown): Answer => ({ status: 200, body: JSON.stringify(value) });
export const allow = (): Answer => json({ decision: 'ALLOW' });
export const allowWithClaims = (claims: Record<string, unknown>): Answer =>
  json({ decision: 'ALLOW', response: { claims } });
export const deny = (message?: string): Answer =>
  json(message === undefined ? { decision: 'DENY' } : { decision: 'DENY', error: { message } });
/** Answers that carry no decision: each counts as a failed call, which the fail policy decides (OTH-002). */
export const notJson = {
  what: 'a body that is not JSON',
  answer: { status: 200, body: 'ALLOW', contentType: 'text/plain' },
};
export const malformedAnswers: { what: string; answer: Answer }[] = [
  notJson,
  { what: 'a decision outside ALLOW and DENY', answer: json({ decision: 'MAYBE' }) },
  { what: 'a 503 status', answer: { status: 503, body: JSON.stringify({ decision: 'ALLOW' }) } },
];

/** A message like the docs' examples, unique to the test, so the page can only show it because the target read it. */
export function denialMessage(target: Target): string {
  return `Sign-ups from ${target.faker.location.country()} are restricted (${target.faker.string.alphanumeric(8)}).`;
}

/** The hooks every interceptor test needs; the flows ask for their own. */
export async function requireInterceptors(target: Target, skip: Skip): Promise<void> {
  await requireHook(target, 'interceptors', skip);
}

/** A fresh email for a first sign-in: the user does not exist yet, so PRE_SIGNUP applies. */
let emails = 0;
export function freshEmail(target: Target): string {
  emails += 1;
  return `${target.runTag}-itc${emails}@example.test`;
}

// --- sign-in through /oauth/authorize -----------------------------------------------------------------------------

export interface SignIn {
  /** The authorize request's answer: a redirect with a code when the flow went on. */
  exchange: Exchange;
  code: string;
  /** Redeems the code (PKCE), for the access token. */
  redeem(): Promise<Exchange>;
}

let flows = 0;

/**
 * Registers the callback and scripts the login as `email`, then returns the authorize request to send: started by
 * the test, so it can run while the test moves the target's clock. Its answer is found by its own state among the
 * file's exchanges, since hook requests may be answered while it waits.
 */
export async function prepareSignIn(target: Target, skip: Skip, email: string): Promise<() => Promise<SignIn>> {
  await requireHook(target, 'redirects', skip);
  await requireHook(target, 'login', skip);
  const callback = `https://app-${target.runTag}.example.com/oauth/callback`;
  await target.hooks.requireRedirects('callback', [callback]);
  await target.hooks.login({ email, decision: 'approve' });
  return async () => {
    flows += 1;
    const state = `itc-${flows}`;
    const flow = await authorizeWithPkce(target, callback, state);
    const exchange =
      target.exchanges.findLast(
        (e) => e.url.includes('/oauth/authorize') && new URL(e.url).searchParams.get('state') === state,
      ) ?? flow.exchange;
    const code = new URL(exchange.responseHeaders.location ?? '', exchange.url).searchParams.get('code') ?? '';
    return { exchange, code, redeem: () => redeemCode(target, { ...flow, code }, callback) };
  };
}

/** The `sub` of the access token a token answer carries; undefined when it carries no JWT to read it from. */
export function tokenSubject(exchange: Exchange): string | undefined {
  try {
    const { access_token: token } = JSON.parse(exchange.responseBody) as { access_token?: unknown };
    return typeof token === 'string' ? decodeJwt(token).sub : undefined;
  } catch {
    return undefined;
  }
}

/** Signs in as `email` and waits for the answer. */
export async function signIn(target: Target, skip: Skip, email: string): Promise<SignIn> {
  return (await prepareSignIn(target, skip, email))();
}

/**
 * Runs a flow whose request the target holds while its interceptor does not answer, then moves the target's clock
 * past the registered timeout once the call has arrived (the `clock` hook: no real-time wait). The calls, and the
 * flow's answer once the target has given up on its interceptor.
 */
export async function pastTheTimeout<T>(
  target: Target,
  session: InterceptorSession,
  start: () => Promise<T>,
): Promise<{ calls: DeliveryAttempt[]; result: T }> {
  session.receiver.setDefault({ hang: true });
  const flow = start();
  const calls = await callsDuring(session.receiver, flow, 1, waitBudgetMs(target));
  // Only a call that is waiting can time out; a flow that ended first is judged as it is.
  if (calls.length > 0) await target.hooks.advanceClock(session.timeoutMs + 1_000);
  return { calls, result: await flow };
}

// --- an invitation through the API --------------------------------------------------------------------------------

/** Invites `email` to the organization through the API: a new user and a membership with an invitation email. */
export async function invite(target: Target, organizationId: string, email: string): Promise<Exchange> {
  const { exchange } = await exchangeOf(target, () =>
    target.api.POST('/api/v1/organizations/{organization_id}/users', {
      params: { path: { organization_id: organizationId }, query: { send_invitation_email: true } },
      body: { email },
    }),
  );
  return exchange;
}

// --- a token for an organization's M2M client ---------------------------------------------------------------------

export interface OrganizationClient {
  organizationId: string;
  clientId: string;
  secret: string;
}

/** Creates an organization with an M2M client for `body`, and deletes the organization (and the client) after it. */
export async function withOrganizationClient(
  target: Target,
  rule: RuleId,
  body: (client: OrganizationClient) => Promise<void>,
): Promise<void> {
  await withOrganization(target, rule, async (organizationId) => {
    const created = await exchangeOf(target, () =>
      target.api.POST('/api/v1/organizations/{organization_id}/clients', {
        params: { path: { organization_id: organizationId } },
        body: { name: `interceptors ${target.runTag}` },
      }),
    );
    assertPrecondition('creating an organization client', created.exchange, 201);
    await body({
      organizationId,
      clientId: created.data?.client?.client_id ?? '',
      secret: created.data?.plain_secret ?? '',
    });
  });
}

/** A client-credentials token request as the organization's client. */
export function m2mToken(target: Target, client: OrganizationClient): Promise<Exchange> {
  return postForm(target, '/oauth/token', {
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: client.secret,
  });
}

/** `withInterceptor` after checking that the target has the hook. */
export async function intercepting<T>(
  target: Target,
  skip: Skip,
  trigger: InterceptorTrigger,
  failPolicy: 'allow' | 'block',
  body: (session: InterceptorSession) => Promise<T>,
): Promise<T> {
  await requireInterceptors(target, skip);
  return withInterceptor(target, trigger, { failPolicy }, body);
}

/**
 * Runs the flow that reaches `trigger` once, with whatever the receiver is scripted to answer: a first sign-in for
 * the sign-in triggers, an invitation to a new organization, a token for a new organization's M2M client. Its answer.
 */
export async function reachTrigger(
  target: Target,
  skip: Skip,
  trigger: InterceptorTrigger,
  rule: RuleId,
): Promise<Exchange | undefined> {
  let answer: Exchange | undefined;
  switch (trigger) {
    case 'PRE_SIGNUP':
    case 'PRE_SESSION_CREATION':
      return (await signIn(target, skip, freshEmail(target))).exchange;
    case 'PRE_USER_INVITATION':
      await withOrganization(target, rule, async (organizationId) => {
        answer = await invite(target, organizationId, freshEmail(target));
      });
      return answer;
    case 'PRE_M2M_TOKEN_CREATION':
      await withOrganizationClient(target, rule, async (client) => {
        answer = await m2mToken(target, client);
      });
      return answer;
  }
}
