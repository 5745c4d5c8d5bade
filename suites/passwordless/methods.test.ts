// The environment's passwordless method and what a send emails for it: passwordless_type and a code, a link or
// both (PWL-007), the 6-digit code (PWL-007), and the magic link built on magiclink_auth_uri (PWL-005). The method
// is set through the `passwordless` hook where the target has it.
import { describe } from 'vitest';
import {
  codeHasSixDigits,
  emailMatchesMethod,
  magicLinkCarriesToken,
  passwordlessTypeIsMethod,
  refusedWithClientError,
} from '../../src/checks/passwordless.js';
import { passwordlessTypes } from '../../src/client/control-hooks.js';
import { assertConforms, requireHook, test } from '../../src/harness/index.js';
import {
  addressFor,
  latestEmail,
  magicLinkUriFor,
  operations,
  refused,
  sendEmail,
  sendOk,
  withSettings,
} from './support/flows.js';

describe('the passwordless method', () => {
  test('passwordless_type follows the environment’s method, and the email carries a code, a link or both to match', {
    tags: ['PWL-007'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'passwordless', skip);
    const emailed = await target.hooks.has('email');
    for (const type of passwordlessTypes) {
      const email = addressFor(target, `method-${type}`);
      const { answer, exchange } = await withSettings(target, { type }, async () => ({
        answer: await sendOk(target, 'PWL-007', { email, magiclink_auth_uri: magicLinkUriFor(target) }),
        // The send, not the hook call that puts the settings back, is what a replay repeats.
        exchange: target.exchanges.at(-1),
      }));
      assertConforms(passwordlessTypeIsMethod('PWL-007', answer, type, exchange));
      if (!emailed) continue;
      assertConforms(emailMatchesMethod('PWL-007', type, await latestEmail(target, email), exchange));
    }
  });

  test('an emailed verification code has 6 digits', { tags: ['PWL-007'] }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    const email = addressFor(target, 'six-digits');
    const answer = await sendOk(target, 'PWL-007', { email });
    if (answer.type === 'LINK') return skip('precondition not met: the target’s passwordless method is LINK (no code)');
    const message = await latestEmail(target, email);
    assertConforms(codeHasSixDigits('PWL-007', message, target.exchanges.at(-1)));
  });
});

describe('magic links', () => {
  test('with magiclink_auth_uri, the emailed link is that URI with a link_token query parameter', {
    tags: ['PWL-005'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    const email = addressFor(target, 'magic-link');
    const magicLinkUri = magicLinkUriFor(target);
    const answer = await withSettings(target, { type: 'LINK_OTP' }, () =>
      sendOk(target, 'PWL-005', { email, magiclink_auth_uri: magicLinkUri }),
    );
    const message = await latestEmail(target, email);
    const usesLink = answer.type === 'LINK' || answer.type === 'LINK_OTP';
    if (!message?.link && !usesLink) {
      return skip(
        `precondition not met: the target's passwordless method is ${answer.type}, which emails no magic link, ` +
          'and the target has no passwordless hook to change it',
      );
    }
    assertConforms(magicLinkCarriesToken('PWL-005', message, magicLinkUri, answer.type, target.exchanges.at(-1)));
  });

  test('a link method refuses a send without magiclink_auth_uri', { tags: ['PWL-005'] }, async ({ target, skip }) => {
    const { probe, exchange } = await withSettings(target, { type: 'LINK' }, async () => ({
      probe: await sendOk(target, 'PWL-005', {
        email: addressFor(target, 'link-probe'),
        magiclink_auth_uri: magicLinkUriFor(target),
      }),
      exchange: (await sendEmail(target, { email: addressFor(target, 'link-without-uri') })).exchange,
    }));
    if (probe.type === 'OTP') {
      return skip('precondition not met: the target’s passwordless method is OTP, which needs no magiclink_auth_uri');
    }
    const expected = target.profile.passwordless.missingMagicLinkUriStatus;
    assertConforms(
      expected === null
        ? refusedWithClientError('PWL-005', exchange)
        : refused(target, 'PWL-005', exchange, expected, operations.send),
    );
  });
});
