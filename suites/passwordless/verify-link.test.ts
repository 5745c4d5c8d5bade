// POST /api/v1/passwordless/email/verify with a magic link's link_token: alone while same-browser enforcement is
// off (PWL-012), and only with its own auth_request_id while it is on (PWL-015). The settings are set through the
// `passwordless` hook; without it these tests are skipped.
import { describe } from 'vitest';
import { checkStatus } from '../../src/checks/http.js';
import { assertConforms, test } from '../../src/harness/index.js';
import { magicLinkSent, operations, refused, verifyEmail, withSettings } from './support/flows.js';

describe('POST /api/v1/passwordless/email/verify with a magic link', () => {
  test('a magic link verifies with its link_token alone while same-browser enforcement is off', {
    tags: ['PWL-012'],
  }, async ({ target, skip }) => {
    const settings = { type: 'LINK', enforce_same_browser_origin: false } as const;
    await withSettings(target, settings, async () => {
      const { linkToken } = await magicLinkSent(target, 'PWL-012', 'link-alone', settings, skip);
      const verified = await verifyEmail(target, { link_token: linkToken });
      assertConforms(checkStatus('PWL-012', verified.exchange, 200));
    });
  });

  test('with same-browser enforcement on, a magic link opened without its auth_request_id, or with another one, fails', {
    tags: ['PWL-015', 'PWL-012'],
  }, async ({ target, skip }) => {
    const settings = { type: 'LINK', enforce_same_browser_origin: true } as const;
    const status = target.profile.passwordless.verifyFailureStatus;
    await withSettings(target, settings, async () => {
      const { sent, linkToken } = await magicLinkSent(target, 'PWL-015', 'same-browser', settings, skip);
      // Another browser: no auth_request_id, or the one another send gave that browser.
      const other = await magicLinkSent(target, 'PWL-015', 'other-browser', settings, skip);
      const alone = await verifyEmail(target, { link_token: linkToken });
      assertConforms(refused(target, 'PWL-015', alone.exchange, status, operations.verify));
      const foreign = await verifyEmail(target, { link_token: linkToken, auth_request_id: other.sent.authRequestId });
      assertConforms(refused(target, 'PWL-015', foreign.exchange, status, operations.verify));
      // The same browser, which kept the auth_request_id of its send, still gets in.
      const same = await verifyEmail(target, { link_token: linkToken, auth_request_id: sent.authRequestId });
      assertConforms(checkStatus('PWL-015', same.exchange, 200));
    });
  });
});
