// Webhook retries, observed at the suite's own receiver (WHD-001..WHD-013, WHS-004): the retry schedule of the
// profile (C-03: four documented schedules, 'seed' by default), the same event id on every retry, what counts as
// delivered, the 10-second timeout, and the delivery states the `webhooks` hook reports (C-29). Schedules run on the
// target's clock through the `clock` hook, so the seed's 21 minutes take well under a second; without the hook only
// a profile with webhooks.timeCompression "real-time" waits for real. Attempt counts are the retry-schedule
// oracle's prediction for the receiver's answers.
import { describe } from 'vitest';
import type { Failure } from '../../src/checks/failure.js';
import {
  attemptsAsPredicted,
  compareSchedule,
  deliveredState,
  everyAttemptVerifiesOnArrival,
  failingDeliveryStates,
  retriedAfterTimeout,
  type ScheduleRule,
  sameEventOnRetries,
} from '../../src/checks/webhooks.js';
import { assertConforms, type Target, test } from '../../src/harness/index.js';
import { targetWait } from '../../src/harness/target.js';
import { withWebhookEndpoint } from '../../src/harness/webhooks.js';
import { expectedAttemptCount, type RetryProfileName, retryProfiles } from '../../src/oracles/retry-schedule.js';
import type { RuleId } from '../../src/rules/catalogue.js';
import { verifyAttempt } from '../../src/webhooks/verify.js';
import { emitEvent, eventType, expectedOffsets, requireTime, scheduleOf } from './support/deliveries.js';

/** How many attempts the oracle predicts for the receiver's answers, on the profile's schedule. */
function predictedAttempts(target: Target, responses: readonly number[]): number {
  const { retrySchedule, successSet } = target.profile.webhooks;
  return expectedAttemptCount(retryProfiles[retrySchedule], { responses, successSet });
}

/** Each documented schedule, with the rules its test cites and the one its timing decides. */
const schedules = {
  seed: { tags: ['WHD-003', 'WHD-004', 'WHD-006'], timing: 'WHD-006' },
  'implement-webhooks-6': { tags: ['WHD-007'], timing: 'WHD-007' },
  'three-retries': { tags: ['WHD-008'], timing: 'WHD-008' },
  'scim-8': { tags: ['WHD-009'], timing: 'WHD-009' },
} as const satisfies Record<RetryProfileName, { tags: readonly RuleId[]; timing: ScheduleRule }>;

describe('retry schedules', () => {
  for (const [name, { tags, timing }] of Object.entries(schedules) as [
    RetryProfileName,
    (typeof schedules)[RetryProfileName],
  ][]) {
    test(`a delivery that always fails is attempted on the ${name} schedule, then given up`, {
      tags: [...tags],
    }, async ({ target, skip }) => {
      if (target.profile.webhooks.retrySchedule !== name) {
        skip(
          `not asserted: the profile selects the ${target.profile.webhooks.retrySchedule} schedule (webhooks.retrySchedule)`,
        );
      }
      await requireTime(target, skip);
      const { offsets } = await scheduleOf(target, [], { status: 500 });
      const tolerance = target.profile.webhooks.intervalToleranceMs;
      assertConforms(compareSchedule(timing, name, expectedOffsets(target, name), offsets, tolerance));
    });
  }

  test('a retry is the same event: the same id in the body and the same webhook-id header', {
    tags: ['WHD-013'],
  }, async ({ target, skip }) => {
    await requireTime(target, skip);
    if (!target.profile.webhooks.retryKeepsIds)
      skip('not asserted: the profile says retries get new ids (webhooks.retryKeepsIds)');
    const { attempts } = await scheduleOf(target, [{ status: 500 }, { status: 503 }]);
    assertConforms(sameEventOnRetries('WHD-013', attempts));
  });

  test('every retry is signed with the time it is sent, so it verifies when it arrives', {
    tags: ['WHS-004'],
  }, async ({ target, skip }) => {
    await requireTime(target, skip);
    const { attempts, arrivals, session } = await scheduleOf(target, [], { status: 500 });
    const verified = attempts.map((delivery, n) => ({
      delivery,
      verdict: verifyAttempt(delivery, session.secret, { now: arrivals[n] ?? 0 }),
    }));
    assertConforms(everyAttemptVerifiesOnArrival('WHS-004', verified));
  });
});

describe('what counts as delivered', () => {
  test('any 2xx answer (200, 201, 202, 204) ends the delivery: it is not attempted again', {
    tags: ['WHD-002', 'WHD-011'],
  }, async ({ target, skip }) => {
    await requireTime(target, skip);
    const successes = target.profile.webhooks.successSet === '2xx' ? [200, 201, 202, 204] : [200, 201];
    for (const status of successes) {
      const { attempts } = await scheduleOf(target, [{ status }]);
      assertConforms(attemptsAsPredicted('WHD-002', [status], predictedAttempts(target, [status]), attempts));
    }
  });

  test('the receiver errors the docs list (400, 401, 403, 422, 500) are retried, unless the profile names them final', {
    tags: ['WHD-012'],
  }, async ({ target, skip }) => {
    await requireTime(target, skip);
    const failures: (Failure | undefined)[] = [];
    for (const status of [400, 401, 403, 422, 500]) {
      const { attempts } = await scheduleOf(target, [{ status }]);
      const answered = [status, 200];
      failures.push(
        target.profile.webhooks.nonRetriedStatuses.includes(status)
          ? attemptsAsPredicted('WHD-012', answered, 1, attempts, 'the profile names it final')
          : attemptsAsPredicted('WHD-012', answered, predictedAttempts(target, answered), attempts),
      );
    }
    assertConforms(...failures);
  });

  test('after two failures a 200 ends the delivery: three attempts in all', { tags: ['WHD-002', 'WHD-003'] }, async ({
    target,
    skip,
  }) => {
    await requireTime(target, skip);
    const answered = [500, 500, 200];
    const { attempts } = await scheduleOf(
      target,
      answered.map((status) => ({ status })),
    );
    assertConforms(attemptsAsPredicted('WHD-003', answered, predictedAttempts(target, answered), attempts));
  });

  test('a receiver that does not answer within the timeout counts as failed, and the event is attempted again', {
    tags: ['WHD-010'],
  }, async ({ target, skip }) => {
    await requireTime(target, skip);
    const { timeoutMs, intervalToleranceMs } = target.profile.webhooks;
    await withWebhookEndpoint(target, { events: [eventType] }, async (session) => {
      session.receiver.script([{ hang: true }]);
      await emitEvent(target, session);
      const retryAt = (expectedOffsets(target)[1] ?? 0) + intervalToleranceMs;
      if (await target.hooks.has('clock')) {
        // First past the timeout (the target then gives up on the hanging attempt), then to the first retry.
        await target.hooks.advanceClock(timeoutMs + intervalToleranceMs);
        await target.hooks.advanceClock(Math.max(0, retryAt - timeoutMs - intervalToleranceMs));
      }
      // On the target's clock the retry is due by now, so an idle target has sent all it will; in real time it is not.
      const clock = await target.hooks.has('clock');
      const arrived = await session.receiver
        .waitForAttempts(2, clock ? targetWait(target) : { timeoutMs: timeoutMs + retryAt })
        .catch(() => session.receiver.attempts());
      assertConforms(retriedAfterTimeout('WHD-010', arrived, { timeoutMs, retryDueMs: retryAt }));
    });
  });

  test('the webhooks hook reports a failing delivery as Retrying until its last attempt, then Failed; a 200 as Success', {
    tags: ['WHD-001'],
  }, async ({ target, skip }) => {
    await requireTime(target, skip);
    const failing = await scheduleOf(target, [], { status: 500 });
    const failingStates = (await target.hooks.webhookDeliveries(failing.first.eventId ?? '')).map((r) => r.status);
    const delivered = await scheduleOf(target, [{ status: 200 }]);
    const deliveredStates = (await target.hooks.webhookDeliveries(delivered.first.eventId ?? '')).map((r) => r.status);
    assertConforms(
      failingDeliveryStates('WHD-001', failingStates, failing.attempts.length),
      deliveredState('WHD-001', deliveredStates),
    );
  });
});
