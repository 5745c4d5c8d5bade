import type { MockState } from './state.js';

// TOK-009: the environment's API rate limit, per minute of the mock's clock. (Being written: issue 20.)

export function rateLimit(state: MockState): { perMinute?: number } {
  return state.slice('control.rate-limit', () => ({}));
}
