// POST /api/v1/passwordless/email/send: the answer's shape (PWL-001, PWL-006), the expiry it promises on the
// target's clock (PWL-002, PWL-006) and the template enum (PWL-004).
import { describe } from 'vitest';
import {
  defaultExpiresInApplied,
  expiresAtFollowsExpiresIn,
  requestedExpiresInApplied,
  type SendAnswer,
} from '../../src/checks/passwordless.js';
import { assertConforms, test } from '../../src/harness/index.js';
import {
  addressFor,
  operations,
  refused,
  type SendBody,
  sendAnswerOf,
  sendEmail,
  sendOk,
  targetNow,
} from './support/flows.js';

const unknownNow = 'precondition not met: no clock hook and no Date header, so the target’s now is unknown';

describe('POST /api/v1/passwordless/email/send', () => {
  test('a send with only an email address is answered 200 with a send response', { tags: ['PWL-001'] }, async ({
    target,
  }) => {
    const { exchange } = await sendEmail(target, { email: addressFor(target, 'only-email') });
    assertConforms(sendAnswerOf(target, 'PWL-001', exchange, operations.send).problem);
  });

  test('without expires_in, expires_in is 300 and expires_at is 300 seconds after the target’s now', {
    tags: ['PWL-002'],
  }, async ({ target, skip }) => {
    const expected = target.profile.passwordless.defaultExpiresIn;
    const before = await targetNow(target);
    const { exchange } = await sendEmail(target, { email: addressFor(target, 'default-expiry') });
    const read = sendAnswerOf(target, 'PWL-002', exchange, operations.send);
    assertConforms(read.problem);
    const answer = read.answer as SendAnswer;
    assertConforms(defaultExpiresInApplied('PWL-002', answer, expected, exchange));
    const after = await targetNow(target, exchange);
    if (after === undefined) return skip(unknownNow);
    assertConforms(
      expiresAtFollowsExpiresIn('PWL-002', answer, expected, { before: before ?? after, after }, exchange),
    );
  });

  test('the send response has auth_request_id, expires_at in Unix seconds, expires_in and passwordless_type, with expires_at − now ≈ expires_in', {
    tags: ['PWL-006'],
  }, async ({ target, skip }) => {
    for (const [label, expiresIn] of [
      ['expiry-600', 600],
      ['expiry-3600', 3600],
    ] as const) {
      const before = await targetNow(target);
      const { exchange } = await sendEmail(target, { email: addressFor(target, label), expires_in: expiresIn });
      const read = sendAnswerOf(target, 'PWL-006', exchange, operations.send);
      assertConforms(read.problem);
      const answer = read.answer as SendAnswer;
      const after = await targetNow(target, exchange);
      if (after === undefined) return skip(unknownNow);
      assertConforms(
        requestedExpiresInApplied('PWL-006', answer, expiresIn, exchange),
        expiresAtFollowsExpiresIn('PWL-006', answer, answer.expiresIn, { before: before ?? after, after }, exchange),
      );
    }
  });

  test('template SIGNIN is accepted, and values outside the enum (UNSPECIFIED, LOGIN, signin) are refused with 400', {
    tags: ['PWL-004'],
  }, async ({ target }) => {
    await sendOk(target, 'PWL-004', { email: addressFor(target, 'template-signin'), template: 'SIGNIN' });
    for (const value of ['UNSPECIFIED', 'LOGIN', 'signin']) {
      // Deliberately outside the enum: the typed body forbids these values.
      const template = value as unknown as SendBody['template'];
      const { exchange } = await sendEmail(target, { email: addressFor(target, `template-${value}`), template });
      assertConforms(refused(target, 'PWL-004', exchange, 400, operations.send));
    }
  });
});
