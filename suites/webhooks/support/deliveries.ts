// Delivery steps shared by the retry and ordering suites: an endpoint subscribed to organization.created, the
// event emitted by creating an organization, and a whole retry schedule observed on the target's clock. They drive
// the target; src/checks/webhooks.ts decides.
import { assertPrecondition, exchangeOf, requireHook, type Target } from '../../../src/harness/index.js';
import { targetWait } from '../../../src/harness/target.js';
import { observeSchedule, type WebhookSession, withWebhookEndpoint } from '../../../src/harness/webhooks.js';
import { attemptOffsets, type RetryProfileName, retryProfiles } from '../../../src/oracles/retry-schedule.js';
import type { Answer, DeliveryAttempt } from '../../../src/webhooks/receiver.js';

/** The event these suites watch; the endpoint subscribes to it alone. */
export const eventType = 'organization.created';

type Skip = (note?: string) => never;

/** Needs the webhooks hook, and a way to let minutes pass: the clock hook, or the profile's consent to wait. */
export async function requireTime(target: Target, skip: Skip): Promise<void> {
  await requireHook(target, 'webhooks', skip);
  if (target.profile.webhooks.timeCompression === 'real-time' || (await target.hooks.has('clock'))) return;
  await requireHook(target, 'clock', skip);
}

let emitted = 0;
/** Creates an organization and waits for the first delivery attempt of the event it emits. */
export async function emitEvent(target: Target, session: WebhookSession): Promise<DeliveryAttempt> {
  emitted += 1;
  const before = session.receiver.attempts().length;
  const { exchange } = await exchangeOf(target, () =>
    target.api.POST('/api/v1/organizations', { body: { display_name: `Webhooks ${target.runTag} ${emitted}` } }),
  );
  assertPrecondition(`creating an organization to emit ${eventType}`, exchange, [200, 201]);
  const attempts = await session.receiver.waitForAttempts(before + 1, targetWait(target));
  return attempts[before] as DeliveryAttempt;
}

/** The schedule the profile names, as offsets from the first attempt (G-19: delays from the previous attempt by default). */
export function expectedOffsets(
  target: Target,
  name: RetryProfileName = target.profile.webhooks.retrySchedule,
): number[] {
  return attemptOffsets({ ...retryProfiles[name], delaysFrom: target.profile.webhooks.delayMeasuredFrom });
}

/** Runs an event through a receiver that answers `answers` (then `defaultAnswer`) and observes the whole schedule. */
export async function scheduleOf(target: Target, answers: Answer[], defaultAnswer: Answer = { status: 200 }) {
  return withWebhookEndpoint(target, { events: [eventType] }, async (session) => {
    session.receiver.script(answers);
    session.receiver.setDefault(defaultAnswer);
    const first = await emitEvent(target, session);
    const observed = await observeSchedule(target, session.receiver, first.eventId ?? '', expectedOffsets(target));
    return { session, first, ...observed };
  });
}
