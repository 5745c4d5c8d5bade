// GET /oidc/logout against the post-logout allowlist: never a redirect to an unregistered URI (RDR-019, EPT-011),
// the registered ones with the state (EPT-011, RDR-018), the session ended (EPT-010), and the back-channel logout
// URL told of a sign-out and of an admin revoke (EPT-012).
import { describe } from 'vitest';
import type { Failure } from '../../src/checks/failure.js';
import { checkStatus } from '../../src/checks/http.js';
import {
  allowlistKeepsEvery,
  backChannelLogoutPosted,
  logoutAnswered,
  postLogoutRedirectedTo,
  refusedWithoutRedirect,
  sessionEndedByLogout,
  stateReturnedUnchanged,
} from '../../src/checks/redirects.js';
import { navigate } from '../../src/harness/browser.js';
import { assertConforms, exchangeOf, test } from '../../src/harness/index.js';
import { splitUri } from '../../src/oracles/redirect-uri.js';
import { logoutNotices, postLogoutRefusal, prepareFlow, signIn, withBackChannelReceiver } from './support/flows.js';

describe('GET /oidc/logout', () => {
  test('a post_logout_redirect_uri that is not registered is never redirected to', {
    tags: ['RDR-019', 'EPT-011'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip);
    const registered = `https://app-${target.runTag}.example.com/signed-out`;
    await target.hooks.requireRedirects('post_logout', [registered]);
    const host = splitUri(registered).host ?? '';
    const failures: (Failure | undefined)[] = [];
    for (const uri of [
      registered.replace(host, `other-${host}`),
      `${registered}/`,
      `${registered}?next=1`,
      registered.replace(/^https:/, 'http:'),
      flow.callback,
    ]) {
      const exchange = await navigate(target, '/oidc/logout', { post_logout_redirect_uri: uri, state: 'bye' });
      failures.push(refusedWithoutRedirect('RDR-019', exchange, postLogoutRefusal(target, uri, [registered])));
    }
    assertConforms(...failures);
  });

  test('a registered post_logout_redirect_uri gets a redirect to it with the state', {
    tags: ['EPT-011'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const registered = `https://app-${target.runTag}.example.com/signed-out`;
    await target.hooks.requireRedirects('post_logout', [registered]);
    const { idToken } = await signIn(target, flow, 'EPT-011');
    const exchange = await navigate(target, '/oidc/logout', {
      id_token_hint: idToken,
      post_logout_redirect_uri: registered,
      state: 'bye/1+2',
    });
    assertConforms(
      postLogoutRedirectedTo('EPT-011', exchange, registered) ?? stateReturnedUnchanged('EPT-011', exchange, 'bye/1+2'),
    );
  });

  test('logging out by browser navigation with id_token_hint ends the session', {
    tags: ['EPT-010'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const registered = `https://app-${target.runTag}.example.com/signed-out`;
    await target.hooks.requireRedirects('post_logout', [registered]);
    const { idToken, sessionId } = await signIn(target, flow, 'EPT-010');
    const session = () =>
      exchangeOf(target, () =>
        target.api.GET('/api/v1/sessions/{session_id}', { params: { path: { session_id: sessionId } } }),
      );
    const before = await session();
    assertConforms(checkStatus('EPT-010', before.exchange, 200));
    const logout = await navigate(target, '/oidc/logout', {
      id_token_hint: idToken,
      post_logout_redirect_uri: registered,
    });
    const after = await session();
    assertConforms(logoutAnswered('EPT-010', logout), checkStatus('EPT-010', after.exchange, 200));
    assertConforms(sessionEndedByLogout('EPT-010', before.data?.status, after.data?.status, after.exchange));
  });

  test('a sign-out at /oidc/logout is told to the registered back-channel logout URL with a POST', {
    tags: ['EPT-012'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    await withBackChannelReceiver(target, skip, async (receiver) => {
      const { idToken } = await signIn(target, flow, 'EPT-012');
      const logout = await navigate(target, '/oidc/logout', { id_token_hint: idToken });
      const { received, waitMs } = await logoutNotices(target, receiver);
      assertConforms(backChannelLogoutPosted('EPT-012', 'a sign-out at /oidc/logout', received, waitMs, logout));
    });
  });

  test('a session an admin revokes through the API is told to the back-channel logout URL too', {
    tags: ['EPT-012'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    await withBackChannelReceiver(target, skip, async (receiver) => {
      const { sessionId } = await signIn(target, flow, 'EPT-012');
      const revoked = await exchangeOf(target, () =>
        target.api.POST('/api/v1/sessions/{session_id}/revoke', { params: { path: { session_id: sessionId } } }),
      );
      assertConforms(checkStatus('EPT-012', revoked.exchange, 200));
      const { received, waitMs } = await logoutNotices(target, receiver);
      assertConforms(
        backChannelLogoutPosted('EPT-012', 'a session revoked by an admin', received, waitMs, revoked.exchange),
      );
    });
  });

  test('several post-logout URLs can be registered and each one is used at logout', {
    tags: ['RDR-018'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const registered = ['one', 'two', 'three'].map((n) => `https://app-${target.runTag}.example.com/signed-out/${n}`);
    await target.hooks.requireRedirects('post_logout', registered);
    const listed = await exchangeOf(target, async () => ({ uris: await target.hooks.redirects('post_logout') }));
    assertConforms(allowlistKeepsEvery('RDR-018', registered, listed.uris, listed.exchange));
    for (const uri of registered) {
      const { idToken } = await signIn(target, flow, 'RDR-018');
      const exchange = await navigate(target, '/oidc/logout', {
        id_token_hint: idToken,
        post_logout_redirect_uri: uri,
      });
      assertConforms(postLogoutRedirectedTo('RDR-018', exchange, uri));
    }
  });
});
