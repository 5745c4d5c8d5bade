import type { RequestHandler } from 'msw';
import { backChannelLogoutsAnswered } from './back-channel-logout.js';
import { authLogHandlers } from './handlers/auth-logs.js';
import { clientHandlers } from './handlers/clients.js';
import { conformanceHookHandlers } from './handlers/conformance-hooks.js';
import { connectedAccountHandlers } from './handlers/connected-accounts.js';
import { connectionHandlers } from './handlers/connections.js';
import { customProviderHandlers } from './handlers/custom-providers.js';
import { directoryHandlers } from './handlers/directories.js';
import { domainHandlers } from './handlers/domains.js';
import { mcpHandlers } from './handlers/mcp.js';
import { oauthHandlers } from './handlers/oauth.js';
import { organizationHandlers } from './handlers/organizations.js';
import { passkeyHandlers } from './handlers/passkeys.js';
import { passwordlessHandlers, passwordlessOutbox } from './handlers/passwordless.js';
import { permissionHandlers } from './handlers/permissions.js';
import { roleHandlers } from './handlers/roles.js';
import { sessionHandlers } from './handlers/sessions.js';
import { toolHandlers } from './handlers/tools.js';
import { userHandlers } from './handlers/users.js';
import { type MockOptions, MockState } from './state.js';
import { createWebhookDispatcher, type WebhookDispatcher } from './webhooks/dispatcher.js';

export { implementedHooks, registerRedirectUris } from './handlers/conformance-hooks.js';
export { noRoute } from './responses.js';
export type { MockOptions } from './state.js';

export interface Mock {
  state: MockState;
  /** msw handlers, one group per resource; used in-process by msw and behind the loopback HTTP server alike. */
  handlers: RequestHandler[];
  /** Delivers the events the state emits to the endpoint the `webhooks` hook registered. */
  webhooks: WebhookDispatcher;
}

/** The offline reference server: one in-memory state, served by msw handlers. */
export function createMock(options: MockOptions): Mock {
  const state = new MockState(options);
  const webhooks = createWebhookDispatcher(state, options.webhooks);
  return {
    state,
    webhooks,
    handlers: [
      ...oauthHandlers(state),
      ...authLogHandlers(state),
      ...organizationHandlers(state),
      ...userHandlers(state),
      ...roleHandlers(state),
      ...permissionHandlers(state),
      ...clientHandlers(state),
      ...domainHandlers(state),
      ...directoryHandlers(state),
      ...connectionHandlers(state),
      ...sessionHandlers(state),
      ...passwordlessHandlers(state),
      ...connectedAccountHandlers(state),
      ...mcpHandlers(state),
      ...toolHandlers(state),
      ...customProviderHandlers(state),
      ...passkeyHandlers(state),
      ...conformanceHookHandlers(state, {
        outbox: () => passwordlessOutbox(state),
        webhooks,
        idle: () => webhooks.idle() && backChannelLogoutsAnswered(state),
        ...(options.disabledHooks ? { disabled: options.disabledHooks } : {}),
      }),
    ],
  };
}
