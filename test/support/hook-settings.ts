import { createTokenSession } from '../../src/client/api.js';
import { ControlHooks } from '../../src/client/control-hooks.js';
import { createTransport, type Transport } from '../../src/client/transport.js';
import { type Clock, systemClock } from '../../src/clock.js';

/** A control-hook client for a target, with its own token session. */
export function hooksFor(
  baseUrl: string,
  credentials: { clientId: string; clientSecret: string },
  options: { clock?: Clock; transport?: Transport } = {},
): ControlHooks {
  const clock = options.clock ?? systemClock;
  const session = createTokenSession({ baseUrl, credentials, timeoutMs: 5000, clock });
  return new ControlHooks(
    baseUrl,
    options.transport ?? createTransport({ timeoutMs: 5000 }),
    () => session.token(),
    () => session.invalidate(),
  );
}

/** Every target setting a run may change and the hooks can read, as one value to compare before and after. */
export async function settingsOf(hooks: ControlHooks) {
  return {
    environment: await hooks.environment(),
    redirects: {
      callback: await hooks.redirects('callback'),
      initiateLogin: await hooks.redirects('initiate_login'),
      postLogout: await hooks.redirects('post_logout'),
      backChannelLogout: await hooks.redirects('back_channel_logout'),
    },
    passwordless: await hooks.passwordlessSettings(),
    signin: await hooks.emailTemplate('SIGNIN'),
    signup: await hooks.emailTemplate('SIGNUP'),
    endpoint: await hooks.webhookEndpoint(),
    preSignup: await hooks.interceptor('PRE_SIGNUP'),
    preSessionCreation: await hooks.interceptor('PRE_SESSION_CREATION'),
  };
}

/** The configuration of a target's owners: what a run must leave as it found it. */
export const ownersEndpoint = {
  // Refused at once: deliveries to it fail fast instead of waiting on a DNS lookup.
  url: 'http://127.0.0.1:9/owners-hooks',
  secret: 'whsec_b3duZXJzLXNlY3JldC0xMjM0NTY=',
};

/** An interceptor the owners registered: the run must leave it as it found it. */
export const ownersInterceptor = {
  url: 'http://127.0.0.1:9/owners-interceptor',
  secret: 'whsec_b3duZXJzLXNlY3JldC0xMjM0NTY=',
  timeout_ms: 4000,
  fail_policy: 'block' as const,
};
