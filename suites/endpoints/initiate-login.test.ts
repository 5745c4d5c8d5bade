// The initiate-login endpoint (EPT-002, EPT-003): on each occasion the docs list, the target sends the browser to
// the app's registered initiate-login URI, with parameters of its own choosing (G-26: any are accepted, and their
// names are recorded); for an invitation the app forwards what came to /oauth/authorize, which must take it back.
// The `initiate-login` hook makes the target do what it does on each occasion; the suite plays the app.
import { describe } from 'vitest';
import { withOrganization } from '../../fixtures/builders/organizations.js';
import { callbackGotCode, parameterNames, sentToInitiateLogin } from '../../src/checks/endpoints.js';
import type { InitiateLoginScenario } from '../../src/client/control-hooks.js';
import { oauthClient } from '../../src/harness/browser.js';
import { assertConforms, exchangeOf, requireHook, type Target, test } from '../../src/harness/index.js';
import { appUris, forwardToAuthorize, withRegistrations } from './support/app.js';

/** The occasions of the docs' list, as the tests name them. */
const occasions: [InitiateLoginScenario, string][] = [
  ['expired_transaction', 'a bookmarked login page whose transaction has expired'],
  ['password_reset', 'a completed password reset'],
  ['email_verification', 'a completed email verification'],
  ['invitation', 'an organization invitation'],
  ['cookies_disabled', 'an authorization request with cookies disabled'],
];

/** The hook's answer as recorded: the target's redirect on that occasion. */
async function occasion(
  target: Target,
  scenario: InitiateLoginScenario,
  options: { email?: string; organization_id?: string },
) {
  return (await exchangeOf(target, () => target.hooks.initiateLogin(scenario, options))).exchange;
}

describe('the initiate-login endpoint', () => {
  for (const [scenario, what] of occasions) {
    test(`${what} sends the browser to the registered initiate-login URI, with any parameters`, {
      tags: ['EPT-002'],
    }, async ({ target, skip, annotate }) => {
      await requireHook(target, 'redirects', skip);
      await requireHook(target, 'initiate-login', skip);
      const { callback, initiateLogin } = appUris(target);
      const email = `${target.runTag}-${scenario}@example.test`;
      // A callback too: a target that sends the browser to the wrong list must have somewhere to send it.
      await withRegistrations(target, { callback: [callback], initiate_login: [initiateLogin] }, async () => {
        const judge = async (organizationId?: string) => {
          const options = organizationId ? { email, organization_id: organizationId } : { email };
          const exchange = await occasion(target, scenario, options);
          assertConforms(sentToInitiateLogin('EPT-002', exchange, initiateLogin));
          // G-26: the names are the target's to choose; recorded (names only: a value may be a token).
          const names = parameterNames(exchange.responseHeaders.location ?? '');
          await annotate(`${scenario}: parameters ${names.length ? names.join(', ') : '(none)'}`);
        };
        // An invitation is to an organization: one is made for it.
        if (scenario === 'invitation') await withOrganization(target, 'EPT-002', (id) => judge(id));
        else await judge();
      });
    });
  }

  test('an app that forwards the invitation parameters with its own authorization request gets a code and its state', {
    tags: ['EPT-003'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'redirects', skip);
    await requireHook(target, 'login', skip);
    await requireHook(target, 'initiate-login', skip);
    const { callback, initiateLogin } = appUris(target);
    const email = `${target.runTag}-invited@example.test`;
    await withRegistrations(target, { callback: [callback], initiate_login: [initiateLogin] }, async () => {
      await target.hooks.login({ email, decision: 'approve' });
      await withOrganization(target, 'EPT-003', async (organizationId) => {
        const invited = await occasion(target, 'invitation', { email, organization_id: organizationId });
        // The app's route gets only what the browser brings there.
        assertConforms(sentToInitiateLogin('EPT-003', invited, initiateLogin));
        const state = `invite-${target.runTag}`;
        const own = { client_id: (await oauthClient(target)).id, redirect_uri: callback, state };
        const exchange = await forwardToAuthorize(target, invited.responseHeaders.location ?? '', own);
        assertConforms(callbackGotCode('EPT-003', exchange, callback, state));
      });
    });
  });
});
