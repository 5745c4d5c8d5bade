// The session list's filters, the one place the spec states filter semantics (OAS-008): several filter.status
// values are OR-ed, and filter.end_time must follow filter.start_time. Sessions cannot be created through the API,
// so a fresh user signs in three times through the target's own OAuth flow (the `redirects` and `login` hooks),
// one session is revoked, and the list is read with each filter.
import { decodeJwt } from 'jose';
import { describe } from 'vitest';
import { checkStatus } from '../../src/checks/http.js';
import { sessionsListedExactly } from '../../src/checks/sessions.js';
import { authorizeWithPkce, redeemCode } from '../../src/harness/browser.js';
import { assertConforms, exchangeOf, requireHook, type Target, test } from '../../src/harness/index.js';

const listPath = '/api/v1/users/{user_id}/sessions';

/** One sign-in through authorize and the code exchange; the signed-in user's ID (the ID token's `sub`). */
async function signIn(target: Target, email: string, callback: string, n: number): Promise<string | undefined> {
  await target.hooks.login({ email, decision: 'approve' });
  const flow = await authorizeWithPkce(target, callback, `sessions-${n}`);
  if (!flow.code) return undefined;
  const token = await redeemCode(target, flow, callback);
  try {
    const idToken = (JSON.parse(token.responseBody) as { id_token?: string }).id_token;
    return idToken ? String(decodeJwt(idToken).sub ?? '') || undefined : undefined;
  } catch {
    // Not JSON, or not a JWT: no user to name, and the caller skips.
    return undefined;
  }
}

let users = 0;

/** A fresh user with three sessions, the first revoked; skips when the flow cannot make them. */
async function userWithSessions(target: Target, skip: (note?: string) => never) {
  await requireHook(target, 'redirects', skip);
  await requireHook(target, 'login', skip);
  const callback = `https://app-${target.runTag}.example.com/oauth/callback`;
  await target.hooks.requireRedirects('callback', [callback]);
  users += 1;
  const email = `${target.runTag}-sessions${users}@example.test`;
  let userId: string | undefined;
  for (let n = 1; n <= 3; n += 1) userId = (await signIn(target, email, callback, n)) ?? userId;
  if (!userId) skip('precondition not met: the sign-in flow gave no ID token to name the user by');
  const all = await exchangeOf(target, () => target.api.GET(listPath, { params: { path: { user_id: userId } } }));
  assertConforms(checkStatus('OAS-008', all.exchange, 200));
  const ids = (all.data?.sessions ?? []).map((s) => s.session_id ?? '');
  if (ids.length !== 3) skip(`precondition not met: three sign-ins left ${ids.length} session(s), not 3`);
  const [revoked = '', ...active] = ids;
  const revoke = await exchangeOf(target, () =>
    target.api.POST('/api/v1/sessions/{session_id}/revoke', { params: { path: { session_id: revoked } } }),
  );
  assertConforms(checkStatus('OAS-008', revoke.exchange, 200));
  return { userId, revoked, active };
}

describe('session list filters', () => {
  test('several filter.status values are OR-ed: active and revoked together list both', {
    tags: ['OAS-008'],
  }, async ({ target, skip }) => {
    const { userId, revoked, active } = await userWithSessions(target, skip);
    const list = (status: string[]) =>
      exchangeOf(target, () =>
        target.api.GET(listPath, { params: { path: { user_id: userId }, query: { 'filter.status': status } } }),
      );
    const onlyActive = await list(['active']);
    const onlyRevoked = await list(['revoked']);
    const both = await list(['active', 'revoked']);
    assertConforms(
      checkStatus('OAS-008', onlyActive.exchange, 200),
      checkStatus('OAS-008', onlyRevoked.exchange, 200),
      checkStatus('OAS-008', both.exchange, 200),
    );
    assertConforms(
      sessionsListedExactly('OAS-008', 'sessions with filter.status=active', active, onlyActive.exchange),
      sessionsListedExactly('OAS-008', 'sessions with filter.status=revoked', [revoked], onlyRevoked.exchange),
      sessionsListedExactly(
        'OAS-008',
        'sessions with filter.status=active and revoked (OR)',
        [revoked, ...active],
        both.exchange,
      ),
    );
  });

  test('filter.end_time before filter.start_time is refused with 400', { tags: ['OAS-008'] }, async ({
    target,
    skip,
  }) => {
    const { userId } = await userWithSessions(target, skip);
    const start = new Date(Date.UTC(2026, 0, 2));
    const answer = await exchangeOf(target, () =>
      target.api.GET(listPath, {
        params: {
          path: { user_id: userId },
          query: {
            'filter.start_time': start.toISOString(),
            'filter.end_time': new Date(start.getTime() - 3_600_000).toISOString(),
          },
        },
      }),
    );
    assertConforms(checkStatus('OAS-008', answer.exchange, 400));
  });
});
