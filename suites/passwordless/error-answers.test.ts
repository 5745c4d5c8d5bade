// The 400 and 429 answers the docs promise for send, resend and verify, which the spec does not declare: each is
// recorded as drift rather than failed, and must still carry the ErrorInfo body the spec's other errors have
// (PWL-017, C-18).
import { describe } from 'vitest';
import type { PasswordlessOperation } from '../../src/checks/passwordless.js';
import { undeclaredErrorHasErrorInfo } from '../../src/checks/passwordless.js';
import type { Exchange } from '../../src/client/transport.js';
import { assertConforms, test } from '../../src/harness/index.js';
import { addressFor, operations, refused, resendEmail, sendEmail, sendOk, verifyEmail } from './support/flows.js';

describe('statuses the docs promise and the spec does not declare', () => {
  test('the documented 400 and 429 answers are recorded as drift, not failures, and carry an ErrorInfo body', {
    tags: ['PWL-017'],
  }, async ({ target }) => {
    const { sendRateLimitStatus, sendsPerMinute, verifyFailureStatus } = target.profile.passwordless;
    const email = addressFor(target, 'drift');
    const sent = await sendOk(target, 'PWL-017', { email, expires_in: 3600 });
    const answers: [PasswordlessOperation, Exchange, number][] = [];
    const badVariable = await sendEmail(target, {
      email: addressFor(target, 'drift-variable'),
      // Deliberately not a string: the typed body forbids it (TPL-008).
      template_variables: { count: 3 as unknown as string },
    });
    answers.push([operations.send, badVariable.exchange, target.profile.emailTemplates.nonStringValueStatus]);
    const badCode = await verifyEmail(target, { auth_request_id: sent.authRequestId, code: 'not-a-code' });
    answers.push([operations.verify, badCode.exchange, verifyFailureStatus]);
    for (let more = 1; more < sendsPerMinute; more += 1) await resendEmail(target, sent.authRequestId);
    const limited = await sendEmail(target, { email });
    answers.push([operations.send, limited.exchange, sendRateLimitStatus]);

    for (const [operation, exchange, status] of answers) {
      assertConforms(refused(target, 'PWL-017', exchange, status, operation));
      assertConforms(undeclaredErrorHasErrorInfo('PWL-017', exchange, target.schemas));
    }
  });
});
