// Webhook delivery and retries, observed at the suite's own receiver (WHD-001..WHD-016, WHS-004): what counts as
// delivered, the retry schedule of the profile (C-03: four documented schedules, 'seed' by default), the same
// event id on every retry, the 10-second timeout, ordering, subscriptions, and the delivery states the `webhooks`
// hook reports (C-29). Schedules run on the target's clock through the `clock` hook, so the seed's 21 minutes take
// well under a second; without the hook only a profile with webhooks.timeCompression "real-time" waits for real.
//
// The event is organization.created, emitted by creating an organization; the endpoint subscribes to it alone.
import { describe } from 'vitest';
import { type Failure, failure } from '../../src/checks/failure.js';
import { compareSchedule, describeDelivery } from '../../src/checks/webhooks.js';
import {
  assertConforms,
  assertPrecondition,
  exchangeOf,
  requireHook,
  type Target,
  test,
} from '../../src/harness/index.js';
import { waitBudgetMs } from '../../src/harness/target.js';
import { observeSchedule, type WebhookSession, withWebhookEndpoint } from '../../src/harness/webhooks.js';
import {
  attemptOffsets,
  type RetryProfileName,
  retryProfileNames,
  retryProfiles,
} from '../../src/oracles/retry-schedule.js';
import type { RuleId } from '../../src/rules/catalogue.js';
import type { Answer, DeliveryAttempt } from '../../src/webhooks/receiver.js';
import { verifyAttempt } from '../../src/webhooks/verify.js';

const eventType = 'organization.created';
type Skip = (note?: string) => never;

/** Needs the webhooks hook, and a way to let minutes pass: the clock hook, or the profile's consent to wait. */
async function requireTime(target: Target, skip: Skip): Promise<void> {
  await requireHook(target, 'webhooks', skip);
  if (target.profile.webhooks.timeCompression === 'real-time' || (await target.hooks.has('clock'))) return;
  await requireHook(target, 'clock', skip);
}

let emitted = 0;
/** Creates an organization and waits for the first delivery attempt of the event it emits. */
async function emitEvent(target: Target, session: WebhookSession): Promise<DeliveryAttempt> {
  emitted += 1;
  const before = session.receiver.attempts().length;
  const { exchange } = await exchangeOf(target, () =>
    target.api.POST('/api/v1/organizations', { body: { display_name: `Webhooks ${target.runTag} ${emitted}` } }),
  );
  assertPrecondition(`creating an organization to emit ${eventType}`, exchange, [200, 201]);
  const attempts = await session.receiver.waitForAttempts(before + 1, { timeoutMs: waitBudgetMs(target) });
  return attempts[before] as DeliveryAttempt;
}

/** The schedule the profile names, as offsets from the first attempt (G-19: delays from the previous attempt by default). */
function expectedOffsets(target: Target, name: RetryProfileName = target.profile.webhooks.retrySchedule): number[] {
  return attemptOffsets({ ...retryProfiles[name], delaysFrom: target.profile.webhooks.delayMeasuredFrom });
}

/** Runs an event through a receiver that answers `answers` (then 200) and observes the whole schedule. */
async function scheduleOf(target: Target, answers: Answer[], defaultAnswer: Answer = { status: 200 }) {
  return withWebhookEndpoint(target, { events: [eventType] }, async (session) => {
    session.receiver.script(answers);
    session.receiver.setDefault(defaultAnswer);
    const first = await emitEvent(target, session);
    const observed = await observeSchedule(target, session.receiver, first.eventId ?? '', expectedOffsets(target));
    return { session, first, ...observed };
  });
}

describe('retry schedules', () => {
  for (const name of retryProfileNames) {
    const profile = retryProfiles[name];
    const rules: RuleId[] = name === 'seed' ? ['WHD-003', 'WHD-004', 'WHD-006'] : [...profile.rules];
    test(`a delivery that always fails is attempted on the ${name} schedule, then given up`, { tags: rules }, async ({
      target,
      skip,
    }) => {
      if (target.profile.webhooks.retrySchedule !== name) {
        skip(
          `not asserted: the profile selects the ${target.profile.webhooks.retrySchedule} schedule (webhooks.retrySchedule)`,
        );
      }
      await requireTime(target, skip);
      const { offsets } = await scheduleOf(target, [], { status: 500 });
      const expected = expectedOffsets(target, name);
      assertConforms(
        compareSchedule(
          profile.rules.at(-1) ?? 'WHD-004',
          name,
          expected,
          offsets,
          target.profile.webhooks.intervalToleranceMs,
        ),
      );
    });
  }

  test('a retry is the same event: the same id in the body and the same webhook-id header', {
    tags: ['WHD-013'],
  }, async ({ target, skip }) => {
    await requireTime(target, skip);
    if (!target.profile.webhooks.retryKeepsIds)
      skip('not asserted: the profile says retries get new ids (webhooks.retryKeepsIds)');
    const { attempts, first } = await scheduleOf(target, [{ status: 500 }, { status: 503 }]);
    const ids = (a: DeliveryAttempt) => `${(JSON.parse(a.body) as { id?: unknown }).id} / ${a.headers['webhook-id']}`;
    const changed = attempts.filter((a) => ids(a) !== ids(first));
    assertConforms(
      attempts.length >= 2 && changed.length === 0
        ? undefined
        : failure(
            'WHD-013',
            'event id on retries',
            `every attempt with ${ids(first)} (body id / webhook-id)`,
            attempts.length < 2 ? `${attempts.length} attempt(s): no retry to compare` : changed.map(ids).join(', '),
          ),
    );
  });

  test('every retry is signed with the time it is sent, so it verifies when it arrives', {
    tags: ['WHS-004'],
  }, async ({ target, skip }) => {
    await requireTime(target, skip);
    const { attempts, arrivals, session } = await scheduleOf(target, [], { status: 500 });
    const refused = attempts
      .map((attempt, n) => ({
        n: n + 1,
        attempt,
        verdict: verifyAttempt(attempt, session.secret, { now: arrivals[n] ?? 0 }),
      }))
      .filter(({ verdict }) => !verdict.valid);
    assertConforms(
      refused.length === 0
        ? undefined
        : failure(
            'WHS-004',
            'signature of retries',
            'every attempt verifies against the target’s clock when it arrives (5-minute tolerance)',
            refused.map(({ n, verdict }) => `attempt ${n}: ${verdict.valid ? '' : verdict.message}`).join('; '),
            undefined,
            describeDelivery(refused[0]?.attempt as DeliveryAttempt),
          ),
    );
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
      assertConforms(
        attempts.length === 1
          ? undefined
          : failure(
              'WHD-002',
              `retries after ${status}`,
              'one attempt',
              `${attempts.length} attempts`,
              undefined,
              describeDelivery(attempts[1] as DeliveryAttempt),
            ),
      );
    }
  });

  test('the receiver errors the docs list (400, 401, 403, 422, 500) are retried, unless the profile names them final', {
    tags: ['WHD-012'],
  }, async ({ target, skip }) => {
    await requireTime(target, skip);
    const failures: (Failure | undefined)[] = [];
    for (const status of [400, 401, 403, 422, 500]) {
      const { attempts } = await scheduleOf(target, [{ status }]);
      const final = target.profile.webhooks.nonRetriedStatuses.includes(status);
      failures.push(
        attempts.length === (final ? 1 : 2)
          ? undefined
          : failure(
              'WHD-012',
              `attempts after ${status}, then 200`,
              final ? 'one (the profile names it final)' : 'two: the failure, then a retry',
              `${attempts.length}`,
            ),
      );
    }
    assertConforms(...failures);
  });

  test('after two failures a 200 ends the delivery: three attempts in all', { tags: ['WHD-002', 'WHD-003'] }, async ({
    target,
    skip,
  }) => {
    await requireTime(target, skip);
    const { attempts } = await scheduleOf(target, [{ status: 500 }, { status: 500 }, { status: 200 }]);
    assertConforms(
      attempts.length === 3
        ? undefined
        : failure('WHD-003', 'attempts for 500, 500, 200', 'three attempts, then none', `${attempts.length} attempts`),
    );
  });

  test('a receiver that does not answer within the timeout counts as failed, and the event is attempted again', {
    tags: ['WHD-010'],
  }, async ({ target, skip }) => {
    await requireTime(target, skip);
    const { timeoutMs, intervalToleranceMs } = target.profile.webhooks;
    await withWebhookEndpoint(target, { events: [eventType] }, async (session) => {
      session.receiver.script([{ hang: true }]);
      const first = await emitEvent(target, session);
      const retryAt = (expectedOffsets(target)[1] ?? 0) + intervalToleranceMs;
      if (await target.hooks.has('clock')) {
        // First past the timeout (the target then gives up on the hanging attempt), then to the first retry.
        await target.hooks.advanceClock(timeoutMs + intervalToleranceMs);
        await target.hooks.advanceClock(Math.max(0, retryAt - timeoutMs - intervalToleranceMs));
      }
      const arrived = await session.receiver
        .waitForAttempts(2, {
          timeoutMs: (await target.hooks.has('clock')) ? waitBudgetMs(target) : timeoutMs + retryAt,
        })
        .catch(() => session.receiver.attempts());
      const retries = arrived.slice(1).filter((a) => a.eventId === first.eventId);
      assertConforms(
        retries.length > 0
          ? undefined
          : failure(
              'WHD-010',
              'attempt after a receiver that never answered',
              `a retry once ${timeoutMs / 1000} s had passed and the first retry fell due (${retryAt / 1000} s)`,
              'no retry',
            ),
      );
    });
  });

  test('the webhooks hook reports a failing delivery as Retrying until its last attempt, then Failed; a 200 as Success', {
    tags: ['WHD-001'],
  }, async ({ target, skip }) => {
    await requireTime(target, skip);
    const failing = await scheduleOf(target, [], { status: 500 });
    const failingIds = failing.first.eventId ?? '';
    const records = await target.hooks.webhookDeliveries(failingIds);
    const states = records.map((r) => r.status);
    const expected = [...states.slice(0, -1).map(() => 'Retrying'), 'Failed'];
    const delivered = await scheduleOf(target, [{ status: 200 }]);
    const success = (await target.hooks.webhookDeliveries(delivered.first.eventId ?? '')).map((r) => r.status);
    assertConforms(
      states.length === failing.attempts.length && states.join() === expected.join()
        ? undefined
        : failure(
            'WHD-001',
            'states of a failing delivery',
            expected.join(' → ') || 'one record per attempt',
            states.join(' → ') || 'no records',
          ),
      success.join() === 'Success'
        ? undefined
        : failure('WHD-001', 'state of a delivered event', 'Success', success.join(' → ') || 'no records'),
    );
  });
});

describe('order and subscriptions', () => {
  test('events created one after another are delivered in that order', { tags: ['WHD-005'] }, async ({
    target,
    skip,
  }) => {
    await requireHook(target, 'webhooks', skip);
    if (target.profile.webhooks.orderingScope === 'none') skip('not asserted: webhooks.orderingScope is "none"');
    await withWebhookEndpoint(target, { events: [eventType] }, async (session) => {
      // The receiver takes a moment over the first event, so the next ones queue up behind it: their order is then
      // the target's choice, not the order the API calls happened to finish in.
      session.receiver.script([{ status: 200, delayMs: 250 }]);
      await emitEvent(target, session);
      const names: string[] = [];
      for (let n = 0; n < 3; n += 1) {
        const display = `Order ${target.runTag} ${n}`;
        names.push(display);
        await exchangeOf(target, () => target.api.POST('/api/v1/organizations', { body: { display_name: display } }));
      }
      const arrived = (await session.receiver.waitForAttempts(4, { timeoutMs: waitBudgetMs(target) })).slice(1);
      const order = arrived.map((a) => (JSON.parse(a.body) as { data?: { display_name?: string } }).data?.display_name);
      assertConforms(
        order.join() === names.join()
          ? undefined
          : failure('WHD-005', 'delivery order', names.join(', '), order.join(', ')),
      );
    });
  });

  test('an endpoint receives only the event types it subscribed to', { tags: ['WHD-016'] }, async ({
    target,
    skip,
  }) => {
    await requireHook(target, 'webhooks', skip);
    await withWebhookEndpoint(target, { events: ['organization.updated'] }, async (session) => {
      const created = await exchangeOf(target, () =>
        target.api.POST('/api/v1/organizations', { body: { display_name: `Subscribed ${target.runTag}` } }),
      );
      assertPrecondition('creating an organization', created.exchange, [200, 201]);
      const id = (created.data as { organization?: { id?: string } } | undefined)?.organization?.id;
      await exchangeOf(target, () =>
        target.api.PATCH('/api/v1/organizations/{id}', {
          params: { path: { id: id as string } },
          body: { display_name: `Subscribed ${target.runTag} renamed` },
        }),
      );
      // The update is the one subscribed event: once it is in, anything unsubscribed sent before it is too.
      const arrived = await session.receiver.waitForAttempts(1, { timeoutMs: waitBudgetMs(target) }).catch(() => []);
      const types = session.receiver.attempts().map((a) => (JSON.parse(a.body) as { type?: string }).type);
      assertConforms(
        arrived.length > 0 && types.every((t) => t === 'organization.updated')
          ? undefined
          : failure('WHD-016', 'subscribed event types', 'organization.updated only', types.join(', ') || 'nothing'),
      );
    });
  });
});
