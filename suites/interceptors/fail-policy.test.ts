// When an interceptor gives no decision (OTH-002, OTH-003): a call that times out, or an answer that is no decision,
// is a failed call, and the registered fail policy decides: `allow` lets the flow go on, `block` stops it and shows
// the generic policy-restriction message, as does a DENY without error.message. Checked on a sign-in
// (PRE_SESSION_CREATION), where the target shows its own page. The timeout passes on the target's clock (the `clock`
// hook), never in real time: the receiver holds the call unanswered, the test moves the clock past the registered
// timeout, and the target must then give up on its interceptor.
import { describe } from 'vitest';
import { flowAllowed, flowStopped, interceptorCalled, messageShown } from '../../src/checks/interceptors.js';
import { assertConforms, requireHook, test } from '../../src/harness/index.js';
import {
  deny,
  freshEmail,
  intercepting,
  malformedAnswers,
  notJson,
  pastTheTimeout,
  prepareSignIn,
  requireInterceptors,
  signIn,
} from './support/flows.js';

describe('interceptor fail policy', () => {
  test('a call that times out: fail_policy block stops the sign-in, allow lets it go on', {
    tags: ['OTH-002'],
  }, async ({ target, skip }) => {
    await requireInterceptors(target, skip);
    await requireHook(target, 'clock', skip);
    for (const policy of ['block', 'allow'] as const) {
      const { calls, result } = await intercepting(target, skip, 'PRE_SESSION_CREATION', policy, async (session) =>
        pastTheTimeout(target, session, await prepareSignIn(target, skip, freshEmail(target))),
      );
      const why = `a timeout under fail_policy ${policy}`;
      assertConforms(interceptorCalled('OTH-002', 'PRE_SESSION_CREATION', calls));
      assertConforms(
        policy === 'block'
          ? flowStopped('OTH-002', 'browser', result.exchange, why)
          : flowAllowed('OTH-002', 'browser', result.exchange, why),
      );
    }
  });

  test('an answer that is no decision is a failed call: under block each stops the sign-in, under allow it goes on', {
    tags: ['OTH-002'],
  }, async ({ target, skip }) => {
    await requireInterceptors(target, skip);
    for (const { what, answer } of malformedAnswers) {
      await intercepting(target, skip, 'PRE_SESSION_CREATION', 'block', async ({ receiver }) => {
        receiver.script([answer]);
        const flow = await signIn(target, skip, freshEmail(target));
        assertConforms(interceptorCalled('OTH-002', 'PRE_SESSION_CREATION', receiver.attempts()));
        assertConforms(flowStopped('OTH-002', 'browser', flow.exchange, `${what} under fail_policy block`));
      });
    }
    await intercepting(target, skip, 'PRE_SESSION_CREATION', 'allow', async ({ receiver }) => {
      receiver.script([notJson.answer]);
      const flow = await signIn(target, skip, freshEmail(target));
      assertConforms(interceptorCalled('OTH-002', 'PRE_SESSION_CREATION', receiver.attempts()));
      assertConforms(flowAllowed('OTH-002', 'browser', flow.exchange, `${notJson.what} under fail_policy allow`));
    });
  });

  test('a DENY without error.message shows the generic policy-restriction message', {
    tags: ['OTH-003'],
  }, async ({ target, skip }) => {
    await intercepting(target, skip, 'PRE_SESSION_CREATION', 'allow', async ({ receiver }) => {
      receiver.script([deny()]);
      const flow = await signIn(target, skip, freshEmail(target));
      assertConforms(interceptorCalled('OTH-003', 'PRE_SESSION_CREATION', receiver.attempts()));
      assertConforms(messageShown('OTH-003', flow.exchange, 'generic'));
    });
  });

  test('a call that times out under fail_policy block shows the generic policy-restriction message', {
    tags: ['OTH-003'],
  }, async ({ target, skip }) => {
    await requireInterceptors(target, skip);
    await requireHook(target, 'clock', skip);
    const { calls, result } = await intercepting(target, skip, 'PRE_SESSION_CREATION', 'block', async (session) =>
      pastTheTimeout(target, session, await prepareSignIn(target, skip, freshEmail(target))),
    );
    assertConforms(interceptorCalled('OTH-003', 'PRE_SESSION_CREATION', calls));
    assertConforms(messageShown('OTH-003', result.exchange, 'generic'));
  });
});
