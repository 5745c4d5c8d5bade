// The sender of passwordless emails (TPL-014): with Scalekit's managed email service, every email comes from
// "Team <workspace name>" <hi@scalekit.com>. The outbox's optional `from` field shows what a target sent; the
// workspace name is the target's own, so only its "Team " prefix is asserted.
import { describe } from 'vitest';
import { checkStatus } from '../../src/checks/http.js';
import { sentFromManagedSender } from '../../src/checks/templates.js';
import { assertConforms, exchangeOf, requireHook, test } from '../../src/harness/index.js';

describe('the managed sender', () => {
  test('a passwordless email comes from "Team <workspace name>" <hi@scalekit.com>', {
    tags: ['TPL-014'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    if (!target.profile.emailTemplates.managedSender) {
      return skip(
        'not asserted: the profile says the target sends through its own SMTP (emailTemplates.managedSender)',
      );
    }
    const email = `${target.runTag}.sender@example.test`;
    const { exchange } = await exchangeOf(target, () =>
      target.api.POST('/api/v1/passwordless/email/send', { body: { email, template: 'SIGNIN' } }),
    );
    assertConforms(checkStatus('TPL-014', exchange, 200));
    const message = (await target.hooks.outbox(email)).at(-1);
    if (message?.from === undefined) {
      return skip('precondition not met: the outbox messages carry no `from` (an optional field of the email hook)');
    }
    assertConforms(sentFromManagedSender('TPL-014', message.from, exchange));
  });
});
