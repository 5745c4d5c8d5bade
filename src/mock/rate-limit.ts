import { HttpResponse } from 'msw';
import { errorInfoBody } from './responses.js';
import type { MockState } from './state.js';

// TOK-009: the environment's API rate limit, per minute of the mock's clock, set by the `rate-limit` hook. Only while
// a limit is set are requests counted, so lowering it never refuses requests made before; the window follows the
// mock's clock, so a test frees it with the clock hook instead of waiting a minute.

const windowMs = 60_000;

interface RateLimitState {
  perMinute?: number;
  /** When each request the limit let through was answered, on the mock's clock, oldest first. */
  hits?: number[];
}

function rateLimit(state: MockState): RateLimitState {
  return state.slice('control.rate-limit', (): RateLimitState => ({}));
}

/** Sets the limit (undefined removes it); the count starts afresh, so a limit set again never inherits hits. */
export function setRateLimit(state: MockState, perMinute: number | undefined): void {
  const limit = rateLimit(state);
  limit.hits = [];
  if (perMinute === undefined) delete limit.perMinute;
  else limit.perMinute = perMinute;
}

/**
 * Counts a REST request against the limit: undefined when it may be answered, else the refusal, 429 RATE_LIMITED
 * with Retry-After (whole seconds until the oldest counted request leaves the window), or 503 under the fault.
 */
export function overRateLimit(state: MockState): Response | undefined {
  const limit = rateLimit(state);
  if (limit.perMinute === undefined) return undefined;
  const now = state.clock.now();
  limit.hits ??= [];
  const { hits } = limit;
  // Oldest first: drop those that have left the window.
  while (hits.length > 0 && (hits[0] ?? now) <= now - windowMs) hits.shift();
  if (hits.length < limit.perMinute) {
    hits.push(now);
    return undefined;
  }
  if (state.has('rate-limit.503')) {
    return HttpResponse.json(errorInfoBody('UNAVAILABLE', 'the service is unavailable'), { status: 503 });
  }
  const retryAfter = Math.max(1, Math.ceil(((hits[0] ?? now) + windowMs - now) / 1000));
  return HttpResponse.json(
    errorInfoBody('RATE_LIMITED', `more than ${limit.perMinute} requests in a minute; retry in ${retryAfter} s`),
    { status: 429, headers: { 'retry-after': String(retryAfter) } },
  );
}
