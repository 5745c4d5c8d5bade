// The lifecycle of an auth-log entry, driven through the target's own OAuth flow (ALG-002 to ALG-005): an
// authorize request creates an INITIATED entry, which is PENDING once the user has signed in and the code is on its
// way back, becomes SUCCESS with the code exchange, and ends FAILED when the login is denied.
// Needs the `redirects` and `login` control hooks; whether a flow is logged at all and how long an entry takes to
// appear are profile settings (G-18: authLogs.loggedFlows, authLogs.pollTimeoutMs). Entries are found by an
// email unique to the test, so entries other tests and files left on the target never count.
import { describe } from 'vitest';
import { type AuthLogItem, authLogQuery, fetchAuthLogPage } from '../../fixtures/builders/auth-log-entries.js';
import {
  approvalReturnedCode,
  entryReachedStatus,
  oneNewInitiatedEntry,
  signedInEntryNamesUserAndClient,
} from '../../src/checks/auth-logs.js';
import { authorizeWithPkce, navigate, oauthClient, redeemCode } from '../../src/harness/browser.js';
import {
  assertConforms,
  assertPrecondition,
  pollUntil,
  requireHook,
  type Target,
  test,
} from '../../src/harness/index.js';
import { targetIdle, waitBudgetMs } from '../../src/harness/target.js';
import type { RuleId } from '../../src/rules/catalogue.js';

let flows = 0;

/** Scripts a login for a fresh email and sends the authorize request (with PKCE); the answer and what to exchange. */
async function authorize(target: Target, skip: (note?: string) => never, decision: 'approve' | 'deny') {
  await requireHook(target, 'redirects', skip);
  await requireHook(target, 'login', skip);
  if (!target.profile.authLogs.loggedFlows.includes('authorization-code'))
    skip('precondition not met: the profile says authorization-code logins are not logged (authLogs.loggedFlows)');
  flows += 1;
  const callback = `https://app-${target.runTag}.example.com/oauth/callback`;
  await target.hooks.requireRedirects('callback', [callback]);
  const email = `${target.runTag}-flow${flows}@example.test`;
  await target.hooks.login({ email, decision });
  return { email, callback, ...(await authorizeWithPkce(target, callback, `st-${flows}`)) };
}

/** How long an entry may take to appear (G-18), never less than a request's timeout. */
const pollBudgetMs = (target: Target) => waitBudgetMs(target, target.profile.authLogs.pollTimeoutMs);

/** Polls the log for the entries of `email` until `done` holds or the profile's deadline passes (G-18). */
async function pollEntries(target: Target, email: string, done: (items: AuthLogItem[]) => boolean, rule: RuleId) {
  const read = async () => {
    const { page, problem } = await fetchAuthLogPage(target, authLogQuery({ email }, 10), rule);
    assertConforms(problem);
    return page;
  };
  return pollUntil(read, (page) => done(page.items), pollBudgetMs(target), targetIdle(target));
}

/** The IDs of the INITIATED entries of a client, newest first (the first page is enough: nothing older matters). */
async function initiatedIds(target: Target, clientId: string): Promise<Set<string>> {
  const query = authLogQuery({ clientId, statuses: ['INITIATED'] }, 50);
  const { page, problem } = await fetchAuthLogPage(target, query, 'ALG-002');
  assertConforms(problem);
  return new Set(page.items.map((i) => i.auth_request_id ?? ''));
}

describe('auth-log entries follow the OAuth flow', () => {
  test('an authorize request the user has not yet signed in to creates an INITIATED entry for the client', {
    tags: ['ALG-002'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'redirects', skip);
    await requireHook(target, 'login', skip);
    if (!(await target.hooks.clearLogin())) {
      skip(
        'precondition not met: the login hook cannot be cleared (DELETE /_conformance/v1/login), so every ' +
          'authorize request completes at once; the signed-in half of the flow is checked by the PENDING test',
      );
    }
    flows += 1;
    const callback = `https://app-${target.runTag}.example.com/oauth/callback`;
    await target.hooks.requireRedirects('callback', [callback]);
    const client = await oauthClient(target);
    const before = await initiatedIds(target, client.id);
    const exchange = await navigate(target, '/oauth/authorize', {
      response_type: 'code',
      client_id: client.id,
      redirect_uri: callback,
      scope: 'openid',
      state: `st-${flows}`,
    });
    // The login page, not a redirect: nobody has signed in.
    if (exchange.status >= 300 && exchange.status < 400) {
      skip(`precondition not met: the authorize request redirected (${exchange.status}) with no login scripted`);
    }
    const fresh = await pollUntil(
      async () => [...(await initiatedIds(target, client.id))].filter((id) => !before.has(id)),
      (ids) => ids.length > 0,
      pollBudgetMs(target),
      targetIdle(target),
    );
    assertConforms(oneNewInitiatedEntry('ALG-002', fresh, client.id, pollBudgetMs(target), target.exchanges.at(-1)));
  });

  test('once the user has signed in and the code is on its way back, the entry is PENDING until the exchange', {
    tags: ['ALG-003'],
  }, async ({ target, skip }) => {
    const flow = await authorize(target, skip, 'approve');
    assertConforms(approvalReturnedCode('ALG-003', flow.exchange, flow.code));
    const page = await pollEntries(target, flow.email, (items) => items.some((i) => i.status === 'PENDING'), 'ALG-003');
    assertConforms(entryReachedStatus('ALG-003', page, flow.email, pollBudgetMs(target)));
  });

  test('the entry of a signed-in flow names the user and the client', { tags: ['ALG-002'] }, async ({
    target,
    skip,
  }) => {
    const flow = await authorize(target, skip, 'approve');
    const page = await pollEntries(target, flow.email, (items) => items.length > 0, 'ALG-002');
    // Before the code exchange the flow has not finished: INITIATED, or PENDING once the user has signed in.
    assertConforms(
      ...signedInEntryNamesUserAndClient('ALG-002', page, flow.email, flow.client.id, pollBudgetMs(target)),
    );
  });

  test('after the code exchange the entry becomes SUCCESS', { tags: ['ALG-004'] }, async ({ target, skip }) => {
    const flow = await authorize(target, skip, 'approve');
    assertConforms(approvalReturnedCode('ALG-004', flow.exchange, flow.code));
    const token = await redeemCode(target, flow, flow.callback);
    assertPrecondition('the code exchange', token, 200);
    const page = await pollEntries(
      target,
      flow.email,
      (items) => items.length > 0 && items.every((i) => i.status === 'SUCCESS'),
      'ALG-004',
    );
    assertConforms(entryReachedStatus('ALG-004', page, flow.email, pollBudgetMs(target)));
  });

  test('a denied login ends FAILED', { tags: ['ALG-005'] }, async ({ target, skip }) => {
    const flow = await authorize(target, skip, 'deny');
    const page = await pollEntries(target, flow.email, (items) => items.some((i) => i.status === 'FAILED'), 'ALG-005');
    assertConforms(entryReachedStatus('ALG-005', page, flow.email, pollBudgetMs(target)));
  });
});
