import type { PublicClient } from '../protocol/control-hooks.js';
import type { MockState } from './state.js';

// EPT-013: single-page and native apps registered through the `public-clients` hook: no secret, PKCE required.

export function publicClients(state: MockState): Map<string, PublicClient> {
  return state.slice('control.public-clients', () => new Map<string, PublicClient>());
}
