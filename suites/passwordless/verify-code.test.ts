// POST /api/v1/passwordless/email/verify with an emailed code: the state round trip (PWL-008), the answer's fields
// (PWL-013), code and auth_request_id both required (PWL-012), and the limit on wrong attempts (PWL-014).
import { describe } from 'vitest';
import { checkStatus } from '../../src/checks/http.js';
import { verifyAnswerMatchesRequest, verifyReturnsState } from '../../src/checks/passwordless.js';
import { assertConforms, requireHook, test } from '../../src/harness/index.js';
import {
  addressFor,
  codeIn,
  latestEmail,
  operations,
  refused,
  sendOk,
  verifiedFlow,
  verifyEmail,
  withSteadyClock,
  wrongCode,
} from './support/flows.js';

describe('POST /api/v1/passwordless/email/verify with a code', () => {
  test('the state given on send comes back unchanged from verify', { tags: ['PWL-008'] }, async ({ target, skip }) => {
    const flow = await verifiedFlow(target, 'PWL-008', 'state', skip);
    assertConforms(verifyReturnsState('PWL-008', flow.exchange, flow.state));
  });

  test('the verify response has the email, template and passwordless_type of the request, valid against the schema', {
    tags: ['PWL-013'],
  }, async ({ target, skip }) => {
    const flow = await verifiedFlow(target, 'PWL-013', 'verify-shape', skip);
    const request = {
      email: flow.email,
      template: 'SIGNIN' as const,
      passwordless_type: flow.sent.type,
      state: flow.state,
    };
    assertConforms(verifyAnswerMatchesRequest('PWL-013', flow.exchange, target.schemas, request));
  });

  test('verifying a code needs both code and auth_request_id', { tags: ['PWL-012'] }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    const email = addressFor(target, 'verify-needs-both');
    const sent = await sendOk(target, 'PWL-012', { email, expires_in: 3600 });
    const code = codeIn(await latestEmail(target, email));
    if (code === undefined) return skip('precondition not met: the email carries no verification code');
    const status = target.profile.passwordless.verifyFailureStatus;
    const codeOnly = await verifyEmail(target, { code });
    assertConforms(refused(target, 'PWL-012', codeOnly.exchange, status, operations.verify));
    const idOnly = await verifyEmail(target, { auth_request_id: sent.authRequestId });
    assertConforms(refused(target, 'PWL-012', idOnly.exchange, status, operations.verify));
    const both = await verifyEmail(target, { auth_request_id: sent.authRequestId, code });
    assertConforms(checkStatus('PWL-012', both.exchange, 200));
  });

  test('after 5 wrong codes, a 6th attempt within ten minutes gets 429 even with the right code', {
    tags: ['PWL-014'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    const { attemptsPerWindow, attemptWindowMs, verifyFailureStatus } = target.profile.passwordless;
    await withSteadyClock(target, attemptWindowMs, async (round) => {
      const email = addressFor(target, `attempts-${round}`);
      const sent = await sendOk(target, 'PWL-014', { email, expires_in: 3600 });
      const code = codeIn(await latestEmail(target, email));
      if (code === undefined) return skip('precondition not met: the email carries no verification code');
      for (let attempt = 1; attempt <= attemptsPerWindow; attempt += 1) {
        const wrong = await verifyEmail(target, { auth_request_id: sent.authRequestId, code: wrongCode(code) });
        const context = `wrong code number ${attempt}`;
        const problem = refused(target, 'PWL-014', wrong.exchange, verifyFailureStatus, operations.verify, context);
        if (problem) return problem;
      }
      const right = await verifyEmail(target, { auth_request_id: sent.authRequestId, code });
      return refused(target, 'PWL-014', right.exchange, 429, operations.verify);
    });
  });
});
