// Interceptor calls are signed as webhook deliveries are (WHS-008): Standard Webhooks, under interceptor-id,
// interceptor-timestamp and interceptor-signature, with the secret registered for the interceptor, verified against
// the target's clock (300 s tolerance). One call per trigger, each reached by its own flow.
//
// That a tampered body, timestamp or signature fails the suite's verifier (the tampering proof) is the harness's to
// show, on calls the mock signs: test/mock/interceptors.test.ts. No server can fail it, so it is no test here.
import { describe } from 'vitest';
import { interceptorCallSigned } from '../../src/checks/interceptors.js';
import { type InterceptorTrigger, interceptorTriggers } from '../../src/client/control-hooks.js';
import { assertConforms, test } from '../../src/harness/index.js';
import { targetNow } from '../../src/harness/target.js';
import { verifyAttempt } from '../../src/webhooks/verify.js';
import { allow, intercepting, reachTrigger } from './support/flows.js';

describe('interceptor call signatures', () => {
  for (const trigger of interceptorTriggers as readonly InterceptorTrigger[]) {
    test(`the ${trigger} call carries interceptor-id, -timestamp and -signature and verifies with the registered secret`, {
      tags: ['WHS-008'],
    }, async ({ target, skip }) => {
      await intercepting(target, skip, trigger, 'allow', async ({ receiver, secret }) => {
        receiver.setDefault(allow());
        await reachTrigger(target, skip, trigger, 'WHS-008');
        const calls = receiver.attempts();
        const [call] = calls;
        const verdict = call
          ? verifyAttempt(call, secret, { now: await targetNow(target), scheme: 'interceptor' })
          : undefined;
        assertConforms(interceptorCallSigned('WHS-008', trigger, calls, verdict));
      });
    });
  }
});
