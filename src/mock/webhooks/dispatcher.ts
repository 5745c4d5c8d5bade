import { bypass } from 'msw';
import {
  attemptOffsets,
  isSuccess,
  type RetryProfileName,
  retryProfiles,
  type SuccessSet,
} from '../../oracles/retry-schedule.js';
import { type WebhookEndpoint, webhookEndpoint } from '../control-state.js';
import type { EmittedEvent, MockState } from '../state.js';
import { signDelivery } from './signing.js';

// Delivers the events state changes emit to the registered endpoint (WHD-*), signed (WHS-*), with retries on the
// mock clock per a retry profile (C-03). Attempts are due at `attemptOffsets(profile)` after the event was queued;
// `runDue` sends what is due now, so the clock hook can move time and have the retries happen before it answers.

/** One attempt, as the `webhooks` control hook lists it (target contract, part 2). */
export interface DeliveryRecord {
  event_id: string;
  event_type: string;
  /** 1-based. */
  attempt: number;
  /** C-29: a failed attempt is 'Retrying' while another is to come, 'Failed' when it was the last. */
  status: 'Queued' | 'Success' | 'Failed' | 'Retrying';
  response_status?: number;
  /** RFC 3339 on the mock clock: when the attempt was queued, then when it was sent. */
  at: string;
}

export interface DeliveryRequest {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  /** Aborted when the attempt times out. */
  signal: AbortSignal;
}

export type SendDelivery = (url: string, request: DeliveryRequest) => Promise<{ status: number }>;

export interface DispatcherOptions {
  profile?: RetryProfileName;
  /** Real milliseconds a receiver has to answer (WHD-010: 10 s); slower counts as a failed attempt. */
  timeoutMs?: number;
  successSet?: SuccessSet;
  send?: SendDelivery;
}

export interface WebhookDispatcher {
  /** Every attempt so far, oldest first; only those of one event when `eventId` is given. */
  deliveries(eventId?: string): DeliveryRecord[];
  /** Sends every attempt due on the mock clock, in order, and resolves once they are answered. */
  runDue(): Promise<void>;
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
  let profile = retryProfiles[options.profile ?? 'seed'];
  const timeoutMs = options.timeoutMs ?? 10_000;
  const successSet = options.successSet ?? '2xx';
  const send = options.send ?? httpSend;
  // In a slice so the reset hook drops the records and the pending retries with the rest of the state.
  const sliceName = `webhooks.dispatcher.${++dispatcherCount}`;
  const store = () => state.slice<DeliveryStore>(sliceName, () => ({ records: [], pending: [], sequence: 0 }));
  let closed = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const queue = (event: EmittedEvent) => {
    const endpoint = webhookEndpoint(state).current;
    if (closed || !endpoint) return;
    if (endpoint.events && !endpoint.events.includes(event.type)) return;
    const current = store();
    const now = state.clock.now();
    const eventId = String(event.payload.id);
    const pending: PendingDelivery = {
      sequence: current.sequence++,
      eventId,
      eventType: event.type,
      body: JSON.stringify(event.payload),
      endpoint: { ...endpoint },
      offsets: attemptOffsets(profile),
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
    return due.sort((a, b) => a.dueAt - b.dueAt || a.sequence - b.sequence)[0];
  };

  const attempt = async (current: DeliveryStore, pending: PendingDelivery) => {
    const sentAt = state.clock.now();
    const record = markQueued(current, pending, sentAt);
    const status = await sendWithTimeout(send, pending, Math.floor(sentAt / 1000), timeoutMs);
    const succeeded = status !== undefined && isSuccess(status, successSet);
    const hasNext = !succeeded && pending.attempt < pending.offsets.length;
    record.status = succeeded ? 'Success' : hasNext ? 'Retrying' : 'Failed';
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
 * Signs and sends one attempt. The receiver's status, or undefined when it did not answer in time or the request
 * failed (WHD-003, WHD-010): both are failed attempts, never errors of the dispatcher.
 */
async function sendWithTimeout(
  send: SendDelivery,
  pending: PendingDelivery,
  timestampSeconds: number,
  timeoutMs: number,
): Promise<number | undefined> {
  const controller = new AbortController();
  let timeout: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => {
    timeout = setTimeout(() => {
      controller.abort(new Error(`webhook receiver did not answer within ${timeoutMs} ms`));
      resolve(undefined);
    }, timeoutMs);
  });
  try {
    const headers = {
      'content-type': 'application/json',
      ...signDelivery({ id: pending.eventId, timestampSeconds, body: pending.body, secret: pending.endpoint.secret }),
    };
    const sent = send(pending.endpoint.url, { method: 'POST', headers, body: pending.body, signal: controller.signal });
    // Raced as well as aborted, so a `send` that ignores the signal still times out.
    return await Promise.race([sent.then((response) => response.status), timedOut]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timeout);
  }
}

/**
 * A real HTTP POST. In-process, msw's setupServer intercepts the dispatcher's own fetch; `bypass` lets it through
 * to the receiver, and msw strips its marker from the Accept header on the way. Without msw nothing would strip
 * it, so bypass is used only while msw's fetch interceptor is applied.
 */
export const httpSend: SendDelivery = async (url, request) => {
  const init: RequestInit = { ...request, redirect: 'manual' };
  const response = await fetch(mswInterceptsFetch() ? bypass(url, init) : new Request(url, init));
  // Read to the end rather than cancelled: under msw's interceptor `body.cancel()` never settles.
  await response.arrayBuffer();
  return { status: response.status };
};

// The key under which @mswjs/interceptors registers its applied fetch interceptor on globalThis.
const fetchInterceptorKey = Symbol.for('fetch-interceptor');

function mswInterceptsFetch(): boolean {
  return (globalThis as Record<symbol, unknown>)[fetchInterceptorKey] !== undefined;
}
