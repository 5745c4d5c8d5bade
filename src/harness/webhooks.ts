import type { InterceptorTrigger } from '../client/control-hooks.js';
import { type DeliveryAttempt, type Receiver, startReceiver } from '../webhooks/receiver.js';
import type { Target } from './target.js';

// The suite's side of webhook delivery: a receiver registered with the target through the `webhooks` hook (or as an
// auth-flow interceptor through the `interceptors` hook), and the walk that observes a retry schedule on the target's
// clock (the `clock` hook) or, when the profile allows it, in real time. Time never comes from sleeps: the clock hook
// moves the target, and the receiver's waits are event-driven with deadlines.

export interface WebhookSession {
  receiver: Receiver;
  /** The signing secret registered with the target (whsec_ + base64); redacted from every report. */
  secret: string;
}

/**
 * Runs `body` with a fresh receiver registered as the target's webhook endpoint, for `events` only when given, and
 * closes the receiver however `body` ends. The secret is derived from the file's seeded faker, so a replay with the
 * same seed registers the same one.
 */
export async function withWebhookEndpoint<T>(
  target: Target,
  options: { events?: string[] },
  body: (session: WebhookSession) => Promise<T>,
): Promise<T> {
  const { receiverPublicUrl: publicUrl, receiverPort: port } = target.profile.webhooks;
  const receiver = await startReceiver({ port, ...(publicUrl ? { publicUrl } : {}) });
  const secret = `whsec_${Buffer.from(target.faker.string.alphanumeric(32)).toString('base64')}`;
  try {
    await target.hooks.setWebhookEndpoint({
      url: receiver.url,
      secret,
      ...(options.events ? { events: options.events } : {}),
    });
    return await body({ receiver, secret });
  } finally {
    await receiver.close();
  }
}

export interface InterceptorSession {
  /** Records every call and answers as the test scripts it; unscripted, 200 with no body: no decision. */
  receiver: Receiver;
  /** The signing secret registered with the interceptor (whsec_ + base64); redacted from every report. */
  secret: string;
  /** The timeout registered, in ms on the target's clock. */
  timeoutMs: number;
}

/** The interceptor timeout the suites register: the top of the docs' recommended 3-5 seconds (OTH-002). */
export const interceptorTimeoutMs = 5_000;

/**
 * Runs `body` with a fresh receiver registered as the interceptor of `trigger` (the `interceptors` hook) with the
 * given fail policy, then removes the interceptor and closes the receiver however `body` ends. The secret comes from
 * the file's seeded faker, as the webhook endpoint's does.
 */
export async function withInterceptor<T>(
  target: Target,
  trigger: InterceptorTrigger,
  options: { failPolicy: 'allow' | 'block' },
  body: (session: InterceptorSession) => Promise<T>,
): Promise<T> {
  const { receiverPublicUrl: publicUrl, receiverPort: port } = target.profile.webhooks;
  const path = `/interceptors/${trigger.toLowerCase().replaceAll('_', '-')}`;
  const receiver = await startReceiver({ port, path, ...(publicUrl ? { publicUrl } : {}) });
  const secret = `whsec_${Buffer.from(target.faker.string.alphanumeric(32)).toString('base64')}`;
  try {
    await target.hooks.setInterceptor(trigger, {
      url: receiver.url,
      secret,
      timeout_ms: interceptorTimeoutMs,
      fail_policy: options.failPolicy,
    });
    try {
      return await body({ receiver, secret, timeoutMs: interceptorTimeoutMs });
    } finally {
      await target.hooks.removeInterceptor(trigger);
    }
  } finally {
    await receiver.close();
  }
}

/**
 * The calls the receiver holds once `count` have arrived, or once `flow` (the request that makes the target call)
 * has been answered without them: a target waits for its interceptor before it answers, so none is still coming.
 * Bounded by `timeoutMs` all the same (a target that neither calls nor answers).
 */
export async function callsDuring(
  receiver: Receiver,
  flow: Promise<unknown>,
  count: number,
  timeoutMs: number,
): Promise<DeliveryAttempt[]> {
  const arrived = receiver.waitForAttempts(count, { timeoutMs }).catch(() => receiver.attempts());
  const answered = flow.then(
    () => receiver.attempts(),
    () => receiver.attempts(),
  );
  return Promise.race([arrived, answered]);
}

export interface ObservedSchedule {
  /** The attempts of the event, in arrival order. */
  attempts: DeliveryAttempt[];
  /** When each attempt was sent, in ms after the first, on the target's clock. */
  offsets: number[];
  /** When each attempt had arrived at the latest, on the target's clock: what its signature is checked against. */
  arrivals: number[];
}

/**
 * Watches the attempts of one event while its deliveries fail, from the first attempt (already received) until
 * the schedule is over and a quiet period after it has passed, so a missing or an extra attempt shows. With the
 * clock hook the target's clock is moved to just before, to, and just after each expected attempt: a 21-minute
 * schedule takes well under a second. Without it (only when the profile allows real time) the walk waits for real.
 *
 * An attempt's send time is its `webhook-timestamp` (the target signs each attempt with its send time, G-19) when
 * the profile says timestamps are refreshed; otherwise the end of the clock step in which it arrived.
 */
export async function observeSchedule(
  target: Target,
  receiver: Receiver,
  eventId: string,
  expectedOffsets: readonly number[],
): Promise<ObservedSchedule> {
  const { intervalToleranceMs: tolerance, retryRefreshesTimestamp } = target.profile.webhooks;
  const mine = () => receiver.attempts().filter((a) => a.eventId === eventId);
  const [first] = mine();
  if (!first) throw new Error(`no first attempt of ${eventId} to measure from`);
  const stampOf = (attempt: DeliveryAttempt) => Number(attempt.headers['webhook-timestamp']) * 1000;
  const firstStamp = stampOf(first);
  const useStamps = retryRefreshesTimestamp && Number.isFinite(firstStamp);
  const last = expectedOffsets.at(-1) ?? 0;
  const quiet = Math.max(60 * 60_000, last);
  /** When each attempt (by arrival index) had arrived at the latest, in ms after the first, on the target's clock. */
  const arrivals: number[] = [0];

  // The target's clock when the first attempt arrived; real time stands in for it without the clock hook.
  let origin = first.receivedAt;
  const note = (at: number) => {
    for (let n = arrivals.length; n < mine().length; n += 1) arrivals.push(at);
  };

  if (await target.hooks.has('clock')) {
    // The target's clock when the first attempt arrived: its clock now, less the real time since then.
    let now = await target.hooks.now();
    const start = now - (Date.now() - first.receivedAt);
    origin = start;
    const moveTo = async (offset: number) => {
      const goal = start + offset;
      if (goal > now) now = await target.hooks.advanceClock(goal - now);
      note(now - start);
    };
    // Just before each attempt is due (nothing may arrive), exactly when it is due (an on-time attempt goes out
    // now, so its webhook-timestamp is its due time), and just after (a late one still counts, as late).
    for (const expected of expectedOffsets.slice(1)) {
      await moveTo(expected - tolerance);
      await moveTo(expected);
      await moveTo(expected + tolerance);
    }
    await moveTo(last + quiet);
  } else {
    // Real time: bounded by the schedule, the tolerance and a short quiet period, never open-ended.
    const deadline = first.receivedAt + last + tolerance;
    try {
      await receiver.waitForAttempts(receiver.attempts().length - mine().length + expectedOffsets.length, {
        timeoutMs: Math.max(0, deadline - Date.now()),
      });
    } catch {
      // Fewer attempts than expected: the comparison says which are missing.
    }
    note(Date.now() - first.receivedAt);
  }
  const attempts = mine();
  const offsets = attempts.map((attempt, n) =>
    useStamps ? stampOf(attempt) - firstStamp : (arrivals[n] ?? Number.NaN),
  );
  return { attempts, offsets, arrivals: attempts.map((_, n) => origin + (arrivals[n] ?? 0)) };
}
