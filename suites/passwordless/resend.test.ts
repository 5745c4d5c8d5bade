// POST /api/v1/passwordless/email/resend and the per-address send limit: a resend's answer and new expiry
// (PWL-009), a regenerated code replacing the old one (PWL-010), and the third send or resend within a minute
// refused until the target's clock has moved on (PWL-011).
import { describe } from 'vitest';
import { checkStatus } from '../../src/checks/http.js';
import { resendRenewsExpiry, type SendAnswer } from '../../src/checks/passwordless.js';
import { assertConforms, requireHook, test } from '../../src/harness/index.js';
import {
  addressFor,
  codeIn,
  latestEmail,
  operations,
  refused,
  resendEmail,
  sendAnswerOf,
  sendEmail,
  sendOk,
  verifyEmail,
  withSettings,
  withSteadyClock,
} from './support/flows.js';

describe('POST /api/v1/passwordless/email/resend', () => {
  test('a resend is answered 200 in the send response shape, with a new expiry', {
    tags: ['PWL-009'],
  }, async ({ target }) => {
    const email = addressFor(target, 'resend');
    const sent = await sendOk(target, 'PWL-009', { email });
    const clocked = await target.hooks.has('clock');
    if (clocked) await target.hooks.advanceClock(30_000);
    const { exchange } = await resendEmail(target, sent.authRequestId);
    const read = sendAnswerOf(target, 'PWL-009', exchange, operations.resend);
    assertConforms(read.problem);
    // Without a clock hook the two sends may share a second, so only "not earlier" can be asked.
    assertConforms(resendRenewsExpiry('PWL-009', sent, read.answer as SendAnswer, clocked ? 30 : 0, exchange));
  });

  test('after a resend with new credentials, the earlier code no longer verifies and the new one does', {
    tags: ['PWL-010'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    const email = addressFor(target, 'regenerate');
    const { sent, oldCode, exchange } = await withSettings(target, { regenerate_on_resend: true }, async () => {
      const sent = await sendOk(target, 'PWL-010', { email, expires_in: 3600 });
      const oldCode = codeIn(await latestEmail(target, email));
      return { sent, oldCode, exchange: (await resendEmail(target, sent.authRequestId)).exchange };
    });
    if (oldCode === undefined) return skip('precondition not met: the email carries no verification code');
    const read = sendAnswerOf(target, 'PWL-010', exchange, operations.resend);
    assertConforms(read.problem);
    // C-20: a resend may answer a new auth_request_id; verify with the one it returned.
    const authRequestId = read.answer?.authRequestId ?? sent.authRequestId;
    const newCode = codeIn(await latestEmail(target, email));
    if (newCode === undefined || newCode === oldCode) {
      return skip(
        'precondition not met: the resend emailed the same code (regenerate on resend is off on the target, and it ' +
          'has no passwordless hook to turn it on)',
      );
    }
    const verifyFailureStatus = target.profile.passwordless.verifyFailureStatus;
    const old = await verifyEmail(target, { auth_request_id: authRequestId, code: oldCode });
    assertConforms(refused(target, 'PWL-010', old.exchange, verifyFailureStatus, operations.verify));
    const fresh = await verifyEmail(target, { auth_request_id: authRequestId, code: newCode });
    assertConforms(checkStatus('PWL-010', fresh.exchange, 200));
  });
});

describe('send rate limit', () => {
  test('a third send or resend to one address within a minute is refused with 429', {
    tags: ['PWL-011'],
  }, async ({ target }) => {
    const { sendRateLimitStatus, sendsPerMinute } = target.profile.passwordless;
    await withSteadyClock(target, 60_000, async (round) => {
      const email = addressFor(target, `rate-${round}`);
      const first = await sendOk(target, 'PWL-011', { email });
      for (let sent = 1; sent < sendsPerMinute; sent += 1) {
        const again = await resendEmail(target, first.authRequestId);
        const problem = checkStatus('PWL-011', again.exchange, 200);
        if (problem) return problem;
      }
      const send = await sendEmail(target, { email });
      const resend = await resendEmail(target, first.authRequestId);
      return (
        refused(target, 'PWL-011', send.exchange, sendRateLimitStatus, operations.send) ??
        refused(target, 'PWL-011', resend.exchange, sendRateLimitStatus, operations.resend)
      );
    });
  });

  test('once the target’s clock has moved 60 seconds, the same address can be sent to again', {
    tags: ['PWL-011'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'clock', skip);
    const { sendRateLimitStatus, sendsPerMinute } = target.profile.passwordless;
    const email = addressFor(target, 'rate-window');
    for (let sent = 0; sent < sendsPerMinute; sent += 1) await sendOk(target, 'PWL-011', { email });
    const limited = await sendEmail(target, { email });
    assertConforms(refused(target, 'PWL-011', limited.exchange, sendRateLimitStatus, operations.send));
    await target.hooks.advanceClock(60_000);
    await sendOk(target, 'PWL-011', { email });
  });
});
