// The environment's rate limit (TOK-009): over it, a request is answered 429 with error_code RATE_LIMITED (and a
// positive Retry-After when one is sent), and the limit frees once a minute has passed on the target's clock. Only
// through the `rate-limit` hook, which lowers the limit for this test: a live target is never flooded.
import { describe } from 'vitest';
import { rateLimited, servedAgainAfterWindow } from '../../src/checks/platform.js';
import { assertConforms, assertPrecondition, exchangeOf, requireHook, test } from '../../src/harness/index.js';
import { answersAsSent, type Target } from '../../src/harness/target.js';

/** Small enough to stay cheap, above 1 so the test sees requests counted, not the first refused. */
const perMinute = 3;
const minuteMs = 60_000;

/** The cheapest authenticated read, its 429 handed back as sent: no Retry-After waited out in real time. */
const read = (target: Target) =>
  exchangeOf(target, () =>
    answersAsSent(() => target.api.GET('/api/v1/organizations', { params: { query: { page_size: 1 } } })),
  );

describe('rate limit', () => {
  test('over the limit a read is answered 429 RATE_LIMITED, and served again once the minute has passed on the target clock', {
    tags: ['TOK-009'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'rate-limit', skip);
    await requireHook(target, 'clock', skip);
    // The token first: its request is not the API's, but a target may count it.
    await target.tokens.token();
    await target.hooks.setRateLimit(perMinute);
    try {
      // A minute on the target's clock: whatever was sent before the limit was lowered has left the window.
      await target.hooks.advanceClock(minuteMs + 1_000);
      for (let n = 1; n <= perMinute; n += 1) {
        assertPrecondition(`read ${n} of ${perMinute}, within the limit`, (await read(target)).exchange, 200);
      }
      const over = await read(target);
      assertConforms(rateLimited('TOK-009', over.exchange));
      const retryAfter = Number(over.exchange.responseHeaders['retry-after']);
      await target.hooks.advanceClock(Math.max(minuteMs, Number.isFinite(retryAfter) ? retryAfter * 1000 : 0) + 1_000);
      assertConforms(servedAgainAfterWindow('TOK-009', (await read(target)).exchange));
    } finally {
      await target.hooks.clearRateLimit();
    }
  });
});
