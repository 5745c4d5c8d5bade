// Auth-flow interceptors at their four triggers (OTH-001): the target POSTs the documented payload to the registered
// interceptor at the trigger's moment and waits for its decision. ALLOW lets the flow go on; DENY stops it and shows
// the interceptor's error.message. A sign-in shows it on the target's page (OTH-001: "shown to the user"); where an
// API or token answer carries it the docs do not say, so there it is a diagnostic, not a verdict.
import { describe } from 'vitest';
import { withOrganization } from '../../fixtures/builders/organizations.js';
import {
  flowAllowed,
  flowStopped,
  interceptorCalledWith,
  interceptorNotCalled,
  messageShown,
} from '../../src/checks/interceptors.js';
import { assertConforms, assertPrecondition, noteDiagnostic, type Target, test } from '../../src/harness/index.js';
import type { InterceptorSession } from '../../src/harness/webhooks.js';
import {
  allow,
  denialMessage,
  deny,
  freshEmail,
  intercepting,
  invite,
  m2mToken,
  signIn,
  tokenSubject,
  withOrganizationClient,
} from './support/flows.js';

/** A sign-in of a new user that the interceptor denies with a message: the flow stops and the page shows it. */
async function assertSignInDeniedWithItsMessage(
  target: Target,
  skip: Skip,
  receiver: InterceptorSession['receiver'],
): Promise<void> {
  const message = denialMessage(target);
  receiver.script([deny(message)]);
  const denied = await signIn(target, skip, freshEmail(target));
  assertConforms(
    flowStopped('OTH-001', 'browser', denied.exchange, 'DENY'),
    messageShown('OTH-001', denied.exchange, message),
  );
}

type Skip = (note?: string) => never;

describe('interceptor triggers', () => {
  test('PRE_SIGNUP: a first sign-in calls it with the email; ALLOW signs in, DENY stops the sign-up with its message', {
    tags: ['OTH-001'],
  }, async ({ target, skip }) => {
    await intercepting(target, skip, 'PRE_SIGNUP', 'allow', async ({ receiver }) => {
      const email = freshEmail(target);
      receiver.script([allow()]);
      const allowed = await signIn(target, skip, email);
      assertConforms(
        interceptorCalledWith('OTH-001', receiver.attempts(), { trigger: 'PRE_SIGNUP', email }),
        flowAllowed('OTH-001', 'browser', allowed.exchange, 'ALLOW'),
      );
      // The user exists now: signing in again is no sign-up.
      receiver.clear();
      receiver.setDefault(allow());
      await signIn(target, skip, email);
      assertConforms(interceptorNotCalled('OTH-001', 'PRE_SIGNUP', receiver.attempts(), 'a returning user’s sign-in'));

      await assertSignInDeniedWithItsMessage(target, skip, receiver);
    });
  });

  test('PRE_SESSION_CREATION: a sign-in calls it with the user; ALLOW issues the code, DENY stops it with its message', {
    tags: ['OTH-001'],
  }, async ({ target, skip }) => {
    await intercepting(target, skip, 'PRE_SESSION_CREATION', 'allow', async ({ receiver }) => {
      receiver.script([allow()]);
      const allowed = await signIn(target, skip, freshEmail(target));
      assertConforms(flowAllowed('OTH-001', 'browser', allowed.exchange, 'ALLOW'));
      // The user the call names is the one the session's token is for.
      const token = await allowed.redeem();
      assertPrecondition('the code exchange', token, 200);
      const userId = tokenSubject(token);
      assertConforms(
        interceptorCalledWith('OTH-001', receiver.attempts(), {
          trigger: 'PRE_SESSION_CREATION',
          ...(userId ? { userId } : {}),
        }),
      );
      await assertSignInDeniedWithItsMessage(target, skip, receiver);
    });
  });

  test('PRE_USER_INVITATION: inviting a user through the API calls it; ALLOW invites, DENY refuses the invitation', {
    tags: ['OTH-001'],
  }, async ({ target, skip }) => {
    await intercepting(target, skip, 'PRE_USER_INVITATION', 'allow', async ({ receiver }) => {
      await withOrganization(target, 'OTH-001', async (organizationId) => {
        const email = freshEmail(target);
        receiver.script([allow()]);
        const allowed = await invite(target, organizationId, email);
        assertConforms(
          interceptorCalledWith('OTH-001', receiver.attempts(), {
            trigger: 'PRE_USER_INVITATION',
            email,
            organizationId,
          }),
          flowAllowed('OTH-001', 'api', allowed, 'ALLOW'),
        );
        const message = denialMessage(target);
        receiver.script([deny(message)]);
        const denied = await invite(target, organizationId, freshEmail(target));
        assertConforms(flowStopped('OTH-001', 'api', denied, 'DENY'));
        noteDiagnostic(messageShown('OTH-001', denied, message));
      });
    });
  });

  test('PRE_M2M_TOKEN_CREATION: a client-credentials token for an organization client calls it; DENY refuses the token', {
    tags: ['OTH-001'],
  }, async ({ target, skip }) => {
    await intercepting(target, skip, 'PRE_M2M_TOKEN_CREATION', 'allow', async ({ receiver }) => {
      await withOrganizationClient(target, 'OTH-001', async (client) => {
        receiver.script([allow()]);
        const allowed = await m2mToken(target, client);
        assertConforms(
          interceptorCalledWith('OTH-001', receiver.attempts(), {
            trigger: 'PRE_M2M_TOKEN_CREATION',
            clientId: client.clientId,
          }),
          flowAllowed('OTH-001', 'token', allowed, 'ALLOW'),
        );
        const message = denialMessage(target);
        receiver.script([deny(message)]);
        const denied = await m2mToken(target, client);
        assertConforms(flowStopped('OTH-001', 'token', denied, 'DENY'));
        noteDiagnostic(messageShown('OTH-001', denied, message));
      });
    });
  });
});
