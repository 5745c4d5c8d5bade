import type { RequestHandler } from 'msw';
import { authLogHandlers } from './handlers/auth-logs.js';
import { conformanceHookHandlers } from './handlers/conformance-hooks.js';
import { oauthHandlers } from './handlers/oauth.js';
import { type MockOptions, MockState } from './state.js';

export type { MockOptions } from './state.js';

export interface Mock {
  state: MockState;
  /** msw handlers, one group per resource; used in-process by msw and behind the loopback HTTP server alike. */
  handlers: RequestHandler[];
}

/** The offline reference server: one in-memory state, served by msw handlers. */
export function createMock(options: MockOptions): Mock {
  const state = new MockState(options);
  return {
    state,
    handlers: [...oauthHandlers(state), ...authLogHandlers(state), ...conformanceHookHandlers(state, { outbox: () => [] })],
  };
}
