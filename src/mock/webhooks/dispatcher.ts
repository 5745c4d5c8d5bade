import { bypass } from 'msw';
import {
  attemptOffsets,
  isSuccess,
  type RetryProfile,
  type RetryProfileName,
  retryProfiles,
  type SuccessSet,
} from '../../oracles/retry-schedule.js';
import type { DeliveryRecord } from '../../protocol/control-hooks.js';
import { type WebhookEndpoint, webhookEndpoint } from '../control-state.js';
import type { EmittedEvent, MockState } from '../state.js';
import { signBodyOnly, signDelivery } from './signing.js';

// Delivers the events state changes emit to the registered endpoint (WHD-*), signed (WHS-*), with retries on the
// mock clock per a retry profile (C-03). Attempts are due at `attemptOffsets(profile)` after the event was queued;
// `runDue` sends what is due now, so the clock hook can move time and have the retries happen before it answers.

// The records are the contract's shape, defined once with the hook client that reads them.
export type { DeliveryRecord } from '../../protocol/control-hooks.js';

export interface DeliveryRequest {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  /** Aborted when the attempt times out. */
  signal: AbortSignal;
}

export type SendDelivery = (url: string, request: DeliveryRequest) => Promise<{ status: number }>;

/** Defaults come from the run's profile (`webhooks` section), so the mock follows whatever schedule it names. */
export interface DispatcherOptions {
  profile?: RetryProfileName;
  /**
   * Milliseconds a receiver has to answer (WHD-010: 10 s), on the mock clock and in real time alike, whichever
   * passes first: the clock hook can time out a hanging receiver without the test waiting 10 real seconds.
   */
  timeoutMs?: number;
  successSet?: SuccessSet;
  send?: SendDelivery;
}

export interface WebhookDispatcher {
  /** Every attempt so far, oldest first; only those of one event when `eventId` is given. */
  deliveries(eventId?: string): DeliveryRecord[];
  /** Sends every attempt due on the mock clock, in order, and resolves once they are answered. */
  runDue(): Promise<void>;
  /**
   * What the clock hook does after moving the clock: the attempt in flight gets a moment of real time to finish (its
   * answer may be on the way: the clock moved, not the receiver), then fails if its timeout has passed on the mock
   * clock (WHD-010); then everything due is sent, and awaited unless an attempt still waits for its receiver.
   */
  afterClockAdvance(graceMs?: number): Promise<void>;
  /** No attempt in flight and none due on the mock clock: what the `idle` hook reports of the deliveries. */
  idle(): boolean;
  /** The profile for events queued from now on; queued deliveries keep theirs. */
  setProfile(name: RetryProfileName): void;
  /** Stops delivering; resolves once an attempt in flight is over. */
  close(): Promise<void>;
}

interface PendingDelivery {
  /** Creation order, for FIFO among attempts due at the same time (WHD-005). */
  sequence: number;
  eventId: string;
  eventType: string;
  body: string;
  endpoint: WebhookEndpoint;
  offsets: number[];
  queuedAt: number;
  /** The attempt to send next, 1-based, and when it is due on the mock clock. */
  attempt: number;
  dueAt: number;
  /** The record of the attempt to send next, once it is due. */
  record?: DeliveryRecord | undefined;
}

interface DeliveryStore {
  records: DeliveryRecord[];
  pending: PendingDelivery[];
  sequence: number;
}

let dispatcherCount = 0;

export function createWebhookDispatcher(state: MockState, options: DispatcherOptions = {}): WebhookDispatcher {
  const settings = state.profile.webhooks;
  let profile = retryProfiles[options.profile ?? settings.retrySchedule];
  const timeoutMs = options.timeoutMs ?? settings.timeoutMs;
  const successSet = options.successSet ?? settings.successSet;
  const send = options.send ?? httpSend;
  /** The attempt being sent: when it times out on the mock clock, how to give up on it, and when it is over. */
  let inFlight: { deadline: number; expire: () => void; done: Promise<unknown> } | undefined;
  // In a slice so the reset hook drops the records and the pending retries with the rest of the state.
  const sliceName = `webhooks.dispatcher.${++dispatcherCount}`;
  const store = () => state.slice<DeliveryStore>(sliceName, () => ({ records: [], pending: [], sequence: 0 }));
  let closed = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const queue = (event: EmittedEvent) => {
    const endpoint = webhookEndpoint(state).current;
    if (closed || !endpoint) return;
    const subscribed = !endpoint.events || endpoint.events.includes(event.type);
    if (!subscribed && !state.has('webhooks.ignore-subscription')) return;
    // WHD-016: every event the endpoint subscribed to is delivered; the fault loses one type altogether.
    if (state.has('webhooks.event-type-dropped') && event.type === droppedEventType) return;
    const current = store();
    const now = state.clock.now();
    const eventId = String(event.payload.id);
    const pending: PendingDelivery = {
      sequence: current.sequence++,
      eventId,
      eventType: event.type,
      body: JSON.stringify(event.payload),
      endpoint: { ...endpoint },
      offsets: scheduleFor(state, profile),
      queuedAt: now,
      attempt: 1,
      dueAt: now,
    };
    current.pending.push(pending);
    markQueued(current, pending, now);
    // Not awaited: the API handler that emitted the event answers without waiting for the receiver.
    void runDue();
  };

  const markQueued = (current: DeliveryStore, pending: PendingDelivery, now: number): DeliveryRecord => {
    if (pending.record) return pending.record;
    const record: DeliveryRecord = {
      event_id: pending.eventId,
      event_type: pending.eventType,
      attempt: pending.attempt,
      status: 'Queued',
      at: new Date(now).toISOString(),
    };
    pending.record = record;
    current.records.push(record);
    return record;
  };

  const nextDue = (current: DeliveryStore, now: number): PendingDelivery | undefined => {
    const due = current.pending.filter((p) => p.dueAt <= now);
    for (const p of due) markQueued(current, p, now);
    // WHD-005: oldest first among attempts due together; the fault sends the newest first.
    if (state.has('webhooks.newest-first')) return due.sort((a, b) => b.sequence - a.sequence)[0];
    return due.sort((a, b) => a.dueAt - b.dueAt || a.sequence - b.sequence)[0];
  };

  const attempt = async (current: DeliveryStore, pending: PendingDelivery) => {
    const sentAt = state.clock.now();
    const record = markQueued(current, pending, sentAt);
    const limit = state.has('webhooks.slow-timeout') ? timeoutMs * 10 : timeoutMs;
    let expireAttempt = () => {};
    const sending = sendWithTimeout(send, outgoing(state, pending, sentAt), limit, (expire) => {
      expireAttempt = expire;
    });
    inFlight = { deadline: sentAt + limit, expire: expireAttempt, done: sending };
    const status = await sending;
    inFlight = undefined;
    const succeeded =
      status !== undefined &&
      isSuccess(status, successSet) &&
      !(state.has('webhooks.only-200-succeeds') && status !== 200);
    const final =
      status !== undefined &&
      (settings.nonRetriedStatuses.includes(status) ||
        (state.has('webhooks.client-errors-final') && status >= 400 && status < 500) ||
        (state.has('webhooks.server-errors-final') && status >= 500));
    const hasNext = !succeeded && !final && pending.attempt < pending.offsets.length;
    // C-29: a failed attempt with another to come is Retrying; the fault shows it Failed, as if terminal.
    record.status = succeeded ? 'Success' : hasNext && !state.has('webhooks.no-retrying-state') ? 'Retrying' : 'Failed';
    record.at = new Date(sentAt).toISOString();
    if (status !== undefined) record.response_status = status;
    if (hasNext) {
      pending.attempt += 1;
      pending.dueAt = pending.queuedAt + (pending.offsets[pending.attempt - 1] ?? 0);
      pending.record = undefined;
    } else {
      current.pending = current.pending.filter((p) => p !== pending);
    }
  };

  const sendDue = async () => {
    for (;;) {
      if (closed) return;
      const current = store();
      const next = nextDue(current, state.clock.now());
      if (!next) break;
      await attempt(current, next);
    }
    scheduleTimer();
  };

  // With a real clock nobody calls runDue, so a real timer wakes the dispatcher when the next attempt falls due.
  const scheduleTimer = () => {
    clearTimeout(timer);
    timer = undefined;
    if (closed) return;
    const dueTimes = store().pending.map((p) => p.dueAt);
    if (dueTimes.length === 0) return;
    const delay = Math.min(Math.max(0, Math.min(...dueTimes) - state.clock.now()), 2 ** 31 - 1);
    timer = setTimeout(() => void runDue(), delay).unref();
  };

  const runDue = (): Promise<void> => {
    // Serialised: one attempt at a time, so deliveries leave in order (WHD-005).
    running = running.then(sendDue, sendDue);
    return running;
  };

  state.onEvent(queue);

  return {
    deliveries: (eventId) =>
      store()
        .records.filter((r) => eventId === undefined || r.event_id === eventId)
        .map((r) => ({ ...r })),
    runDue,
    afterClockAdvance: async (graceMs = 1_000) => {
      const current = inFlight;
      if (current) {
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise((resolve) => {
          timer = setTimeout(resolve, graceMs);
        });
        await Promise.race([current.done, grace]);
        clearTimeout(timer);
        if (inFlight === current && current.deadline <= state.clock.now()) current.expire();
      }
      // An attempt within its timeout holds the queue (one at a time, WHD-005): nothing else can be sent meanwhile.
      if (inFlight) void runDue();
      else await runDue();
    },
    idle: () => inFlight === undefined && !store().pending.some((p) => p.dueAt <= state.clock.now()),
    setProfile: (name) => {
      profile = retryProfiles[name];
    },
    close: () => {
      closed = true;
      clearTimeout(timer);
      return running;
    },
  };
}

/**
 * The event type the `webhooks.event-type-dropped` fault never delivers: the first in alphabetical order of those the
 * webhooks suite makes the API emit (fixtures/builders/webhook-triggers.ts), and one no other suite subscribes to.
 */
const droppedEventType = 'connected_account.created';

/** When each attempt falls due after the first, per the profile's schedule, with the schedule faults applied. */
function scheduleFor(state: MockState, profile: RetryProfile): number[] {
  const offsets = attemptOffsets({ ...profile, delaysFrom: state.profile.webhooks.delayMeasuredFrom });
  if (state.has('webhooks.first-retry-late')) return offsets.map((at, n) => (n === 0 ? at : at + 60_000));
  if (state.has('webhooks.extra-attempt')) {
    const [last = 0, before = 0] = [offsets.at(-1), offsets.at(-2)];
    return [...offsets, last + (last - before)];
  }
  if (state.has('webhooks.missing-attempt')) return offsets.slice(0, -1);
  return offsets;
}

/** One attempt as it goes on the wire: the event id, body and signed headers, with the seeded faults applied. */
function outgoing(state: MockState, pending: PendingDelivery, sentAt: number) {
  // WHD-013: a retry is the same event, with the same id; the fault gives every retry a new one.
  const renamed = state.has('webhooks.new-id-on-retry') && pending.attempt > 1;
  const id = renamed ? `${pending.eventId}${pending.attempt}` : pending.eventId;
  const body = renamed ? pending.body.replace(`"id":"${pending.eventId}"`, `"id":"${id}"`) : pending.body;
  // WHS-004: each attempt is signed with the time it is sent, in Unix seconds.
  const signedAt = state.has('webhooks.timestamp-not-refreshed') ? pending.queuedAt : sentAt;
  const timestampSeconds = state.has('webhooks.timestamp-milliseconds') ? signedAt : Math.floor(signedAt / 1000);
  const headers: Record<string, string> = {
    // WHD-016: a JSON body, said so; the fault labels the same bytes as plain text.
    'content-type': state.has('webhooks.delivery-not-json') ? 'text/plain; charset=utf-8' : 'application/json',
    ...signDelivery({ id, timestampSeconds, body, secret: pending.endpoint.secret }),
  };
  if (state.has('webhooks.sign-body-only')) headers['webhook-signature'] = signBodyOnly(pending.endpoint.secret, body);
  if (state.has('webhooks.sign-reserialised')) {
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    headers['webhook-signature'] = signDelivery({
      id,
      timestampSeconds,
      body: pretty,
      secret: pending.endpoint.secret,
    })['webhook-signature'];
  }
  if (state.has('webhooks.signature-not-v1')) {
    headers['webhook-signature'] = (headers['webhook-signature'] ?? '').replace(/\bv1,/g, 'v2,');
  }
  if (state.has('webhooks.unsigned')) delete headers['webhook-signature'];
  if (state.has('webhooks.no-timestamp-header')) delete headers['webhook-timestamp'];
  return { url: pending.endpoint.url, headers, body };
}

/**
 * Sends one attempt. The receiver's status, or undefined when it did not answer in time or the request failed
 * (WHD-003, WHD-010): both are failed attempts, never errors of the dispatcher. `onStart` gets a way to give up
 * early, which the mock clock's timeout uses.
 */
async function sendWithTimeout(
  send: SendDelivery,
  delivery: { url: string; headers: Record<string, string>; body: string },
  timeoutMs: number,
  onStart: (expire: () => void) => void,
): Promise<number | undefined> {
  const controller = new AbortController();
  let timeout: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => {
    const expire = () => {
      clearTimeout(timeout);
      controller.abort(new Error(`webhook receiver did not answer within ${timeoutMs} ms`));
      resolve(undefined);
    };
    timeout = setTimeout(expire, timeoutMs);
    onStart(expire);
  });
  try {
    const { url, headers, body } = delivery;
    const sent = send(url, { method: 'POST', headers, body, signal: controller.signal });
    // Raced as well as aborted, so a `send` that ignores the signal still times out.
    return await Promise.race([sent.then((response) => response.status), timedOut]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timeout);
  }
}

/**
 * A real HTTP request from the mock to a receiver (a webhook delivery, a back-channel logout). In-process, msw's
 * setupServer intercepts the mock's own fetch; `bypass` lets it through to the receiver, and msw strips its marker
 * from the Accept header on the way. Without msw nothing would strip it, so bypass is used only while msw's fetch
 * interceptor is applied.
 */
export async function httpRequest(url: string, request: RequestInit): Promise<{ status: number }> {
  const init: RequestInit = { ...request, redirect: 'manual' };
  const response = await fetch(mswInterceptsFetch() ? bypass(url, init) : new Request(url, init));
  // Read to the end rather than cancelled: under msw's interceptor `body.cancel()` never settles.
  await response.arrayBuffer();
  return { status: response.status };
}

export const httpSend: SendDelivery = (url, request) => httpRequest(url, request);

// The key under which @mswjs/interceptors registers its applied fetch interceptor on globalThis.
const fetchInterceptorKey = Symbol.for('fetch-interceptor');

function mswInterceptsFetch(): boolean {
  return (globalThis as Record<symbol, unknown>)[fetchInterceptorKey] !== undefined;
}
