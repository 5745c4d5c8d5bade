// Browser steps shared by the authorize, code-exchange, logout and runtime-template suites: a registered callback
// with a scripted login, authorization with PKCE, the code exchange, a sign-in, the back-channel receiver and
// organisations for templates. They drive the target; src/checks/redirects.ts decides.
import { createHash } from 'node:crypto';
import { checkStatus } from '../../../src/checks/http.js';
import {
  type CodeRedirectRule,
  codeExchangedForToken,
  codeRedirectedTo,
  type ExpectedRefusal,
  type ReceivedLogoutNotice,
  readSignedInSession,
  redirectParameter,
  type SignInRule,
} from '../../../src/checks/redirects.js';
import type { ScriptedLogin } from '../../../src/client/control-hooks.js';
import type { Exchange } from '../../../src/client/transport.js';
import { navigate, oauthClient, postForm } from '../../../src/harness/browser.js';
import { assertConforms, exchangeOf, requireHook, type Target } from '../../../src/harness/index.js';
import { targetWait } from '../../../src/harness/target.js';
import type { RuleId } from '../../../src/rules/catalogue.js';
import { type Receiver, startReceiver } from '../../../src/webhooks/receiver.js';

export interface Flow {
  client: { id: string; secret?: string };
  callback: string;
  email: string;
}

/** A registered callback (valid in both kinds) and, when `login` is given, a scripted login decision. */
export async function prepareFlow(
  target: Target,
  skip: (note?: string) => never,
  login?: Omit<ScriptedLogin, 'email'>,
): Promise<Flow> {
  await requireHook(target, 'redirects', skip);
  if (login) await requireHook(target, 'login', skip);
  const callback = `https://app-${target.runTag}.example.com/oauth/callback`;
  await target.hooks.requireRedirects('callback', [callback]);
  const email = `${target.runTag}@example.com`;
  if (login) await target.hooks.login({ email, ...login });
  return { client: await oauthClient(target), callback, email };
}

export const authorizeRequest = (flow: Flow, redirectUri: string | undefined, extra: Record<string, string> = {}) => ({
  response_type: 'code',
  client_id: flow.client.id,
  redirect_uri: redirectUri,
  scope: 'openid profile email',
  state: 'st-0',
  ...extra,
});

/** What an authorize request with an unregistered redirect_uri must get, as the profile says (G-02). */
export function unregisteredRefusal(
  target: Target,
  offending: string | undefined,
  registered: readonly string[],
  error?: string,
): ExpectedRefusal {
  const { unregisteredOutcome, unregisteredStatus } = target.profile.redirects;
  return { offending, registered, outcome: unregisteredOutcome, statuses: unregisteredStatus, error };
}

/** What a logout with an unregistered post_logout_redirect_uri must get, as the profile says (G-25). */
export function postLogoutRefusal(target: Target, offending: string, registered: readonly string[]): ExpectedRefusal {
  const { postLogoutRejection, unregisteredStatus } = target.profile.redirects;
  const outcome = postLogoutRejection === 'errorPage' ? 'errorPage' : 'defaultRedirect';
  return { offending, registered, outcome, statuses: unregisteredStatus };
}

export interface Grant {
  code: string;
  verifier: string;
  redirectUri: string;
}

/** An approved authorization with PKCE; the code, or the test fails on `rule` with what came back instead. */
export async function authorizationCode(
  target: Target,
  flow: Flow,
  rule: CodeRedirectRule,
  extra: Record<string, string> = {},
): Promise<Grant> {
  const verifier = target.faker.string.alphanumeric(64);
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const redirectUri = extra.redirect_uri ?? flow.callback;
  const exchange = await navigate(target, '/oauth/authorize', {
    ...authorizeRequest(flow, redirectUri),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
  assertConforms(codeRedirectedTo(rule, exchange, redirectUri));
  return { code: redirectParameter(exchange, 'code') ?? '', verifier, redirectUri };
}

export function exchangeCode(target: Target, flow: Flow, grant: Grant): Promise<Exchange> {
  return postForm(target, '/oauth/token', {
    grant_type: 'authorization_code',
    code: grant.code,
    redirect_uri: grant.redirectUri,
    client_id: flow.client.id,
    client_secret: flow.client.secret,
    code_verifier: grant.verifier,
  });
}

/** A completed sign-in: the ID token and the session it names, or the test fails on `rule`. */
export async function signIn(target: Target, flow: Flow, rule: SignInRule, extra: Record<string, string> = {}) {
  const grant = await authorizationCode(target, flow, rule, extra);
  const exchange = await exchangeCode(target, flow, grant);
  assertConforms(codeExchangedForToken(rule, exchange));
  const session = readSignedInSession(rule, exchange);
  if (session.problem) assertConforms(session.problem);
  return { idToken: session.idToken ?? '', sessionId: session.sessionId ?? '' };
}

/**
 * A receiver on 127.0.0.1 (the webhooks one: its port and public URL come from the profile) registered as the
 * environment's back-channel logout URL for the length of `body` (EPT-012).
 */
export async function withBackChannelReceiver(
  target: Target,
  skip: (note?: string) => never,
  body: (receiver: Receiver) => Promise<void>,
) {
  const { receiverPort, receiverPublicUrl } = target.profile.webhooks;
  const receiver = await startReceiver({ port: receiverPort });
  try {
    const url = receiverPublicUrl ?? `${receiver.url}/logout`;
    const registered = await target.hooks.registerRedirects('back_channel_logout', [url]);
    // A production environment refuses a loopback URL: a tunnel (webhooks.receiverPublicUrl) is needed then.
    if (!registered.accepted) {
      skip(
        `precondition not met: the target refused ${url} as a back-channel logout URL; set webhooks.receiverPublicUrl`,
      );
    }
    await body(receiver);
  } finally {
    await target.hooks.registerRedirects('back_channel_logout', []);
    await receiver.close();
  }
}

/** What reached the receiver within the profile's back-channel wait (G-27): the first notice, or none. */
export async function logoutNotices(
  target: Target,
  receiver: Receiver,
): Promise<{ received: ReceivedLogoutNotice[]; waitMs: number }> {
  const waitMs = target.profile.redirects.backChannelLogoutWaitMs;
  const received = await receiver.waitForAttempts(1, targetWait(target, waitMs)).catch(() => receiver.attempts());
  return { received, waitMs };
}

/** Creates an organisation for the test (deleted by `deleteOrganizations`); its ID, or the test fails on `rule`. */
export async function createOrganization(
  target: Target,
  rule: RuleId,
  cleanup: string[],
  fields: { slug?: string; external_id?: string; metadata?: Record<string, string> },
) {
  const { exchange, data } = await exchangeOf(target, () =>
    target.api.POST('/api/v1/organizations', { body: { display_name: `Templates ${target.runTag}`, ...fields } }),
  );
  assertConforms(checkStatus(rule, exchange, 201));
  const id = data?.organization?.id ?? '';
  cleanup.push(id);
  return id;
}

export async function deleteOrganizations(target: Target, ids: string[]) {
  for (const id of ids) await target.api.DELETE('/api/v1/organizations/{id}', { params: { path: { id } } });
}
