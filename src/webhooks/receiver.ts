import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// The webhook endpoint the suite hosts (WHD-*, WHS-*, WHP-*): it records every delivery attempt exactly as it
// arrived and answers as the test scripts it (500, 500, 200; a slow answer; no answer at all), so retry, timeout
// and signature rules can be observed from the receiving side of any target, the mock's dispatcher included. It is
// also the auth-flow interceptor the suite registers (WHS-008, OTH-001..OTH-005): answered with a scripted decision.

/**
 * How the receiver answers one attempt: a status, optionally after a delay and with a body (an interceptor's decision,
 * sent as `contentType`, JSON by default), or never (until it is closed).
 */
export type Answer = { status: number; delayMs?: number; body?: string; contentType?: string } | { hang: true };

export interface DeliveryAttempt {
  /** Arrival of the request line and headers, in ms since the epoch on the receiver's clock. */
  receivedAt: number;
  method: string;
  /** The request target as sent: path and query. */
  path: string;
  /** Header names lower-cased; repeated headers joined with ', ' in arrival order. */
  headers: Record<string, string>;
  /** The raw body decoded as UTF-8, never re-serialised; only its first `maxBodyBytes` when too large. */
  body: string;
  /**
   * The top-level `id` of a JSON body, else the `webhook-id` (or `interceptor-id`) header: what per-event scripts
   * match on.
   */
  eventId: string | undefined;
  /** The status answered (or being answered after `delayMs`); undefined when the receiver never answers. */
  status: number | undefined;
  delayMs?: number;
  /** Why `body` is not the whole body: over the size limit (answered 413), or the sender gave up mid-body. */
  incomplete?: 'too-large' | 'aborted';
}

export interface ReceiverOptions {
  /** Where to listen; loopback by default so nothing outside the machine can post to it. */
  host?: string;
  port?: number;
  /** The URL to register with a live target when it cannot reach `host:port` directly (a tunnel, a proxy). */
  publicUrl?: string;
  /** The suite's clock, ms since the epoch. */
  clock?: () => number;
  maxBodyBytes?: number;
  /** The path of the URL to register (`/webhooks` by default); any path is answered alike. */
  path?: string;
}

export interface Receiver {
  /** The endpoint URL to register with the target: `path` on the receiver's address, or the public URL. */
  readonly url: string;
  /** Every attempt so far, in arrival order; copies, so a test cannot alter the record. */
  attempts(): DeliveryAttempt[];
  /**
   * Answers the next attempts with `steps`, in order, then with the default. With `eventId`, the steps apply only
   * to attempts of that event (matched on `DeliveryAttempt.eventId`) and take precedence over the general script.
   */
  script(steps: Answer[], options?: { eventId?: string }): void;
  /** The answer once the script is used up; `{ status: 200 }` until set. */
  setDefault(answer: Answer): void;
  /**
   * Resolves with the attempts once `count` have arrived; rejects at the deadline or on close, saying how many did.
   * With `idle` (the target's `idle` hook), it also rejects as soon as the target says it owes nothing more: every
   * attempt it made was recorded here before it was answered, so none is still on its way.
   */
  waitForAttempts(
    count: number,
    options?: { timeoutMs?: number; idle?: () => Promise<boolean> },
  ): Promise<DeliveryAttempt[]>;
  /** Forgets the attempts and scripts, and answers 200 by default again. */
  clear(): void;
  /** Drops hanging and delayed answers and stops the server; the attempts stay readable. Idempotent. */
  close(): Promise<void>;
}

const defaultAnswer: Answer = { status: 200 };
const mebibyte = 1024 * 1024;

interface Waiter {
  count: number;
  resolve: (attempts: DeliveryAttempt[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const { host = '127.0.0.1', port = 0, clock = Date.now, maxBodyBytes = mebibyte } = options;
  // Kept with the arrival sequence: bodies can finish out of order, the record is in the order requests arrived.
  const recorded: { sequence: number; attempt: DeliveryAttempt }[] = [];
  let arrivals = 0;
  let generalSteps: Answer[] = [];
  const eventSteps = new Map<string, Answer[]>();
  let fallback = defaultAnswer;
  const waiters = new Set<Waiter>();
  let closing: Promise<void> | undefined;

  const snapshot = () => recorded.map(({ attempt }) => copyAttempt(attempt));

  const record = (sequence: number, attempt: DeliveryAttempt) => {
    const at = recorded.findIndex((entry) => entry.sequence > sequence);
    recorded.splice(at === -1 ? recorded.length : at, 0, { sequence, attempt });
    for (const waiter of waiters) {
      if (recorded.length < waiter.count) continue;
      settle(waiter);
      waiter.resolve(snapshot());
    }
  };

  const settle = (waiter: Waiter) => {
    clearTimeout(waiter.timer);
    waiters.delete(waiter);
  };

  // Asks the target, from 20 ms doubling up to 500 ms apart, while the waiter waits. A hook that fails says nothing:
  // the wait goes on to its deadline.
  const endWhenIdle = async (waiter: Waiter, idle: () => Promise<boolean>) => {
    for (let pause = 20; waiters.has(waiter); pause = Math.min(pause * 2, 500)) {
      await new Promise((resolve) => setTimeout(resolve, pause).unref());
      if (!waiters.has(waiter) || !(await idle().catch(() => false)) || !waiters.has(waiter)) continue;
      settle(waiter);
      if (recorded.length >= waiter.count) waiter.resolve(snapshot());
      else waiter.reject(new Error(shortfall(waiter.count, snapshot(), 'before the target said it was idle', url)));
    }
  };

  const nextAnswer = (eventId: string | undefined): Answer => {
    const forEvent = eventId === undefined ? undefined : eventSteps.get(eventId);
    return forEvent?.shift() ?? generalSteps.shift() ?? fallback;
  };

  const answer = (res: ServerResponse, given: Answer) => {
    // A hanging answer is never written; close() drops its connection with the others.
    if ('hang' in given) return;
    const write = () => {
      if (given.body === undefined) res.writeHead(given.status).end();
      else res.writeHead(given.status, { 'content-type': given.contentType ?? 'application/json' }).end(given.body);
    };
    if (!given.delayMs) {
      write();
      return;
    }
    const timer = setTimeout(() => {
      if (!res.destroyed) write();
    }, given.delayMs);
    // The sender gave up (its own timeout) or close() dropped the connection: the delay is cancelled.
    res.on('close', () => clearTimeout(timer));
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const receivedAt = clock();
    const sequence = arrivals++;
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const base = () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = joinedHeaders(req.rawHeaders);
      return {
        receivedAt,
        method: req.method ?? '',
        path: req.url ?? '',
        headers,
        body,
        eventId: eventIdOf(body, headers),
      };
    };
    req.on('data', (chunk: Buffer) => {
      // Past the limit the rest is read and dropped, so the sender still gets its 413 instead of a broken pipe.
      if (size + chunk.length <= maxBodyBytes) chunks.push(chunk);
      else if (size < maxBodyBytes) chunks.push(chunk.subarray(0, maxBodyBytes - size));
      size += chunk.length;
    });
    req.on('end', () => {
      done = true;
      if (size > maxBodyBytes) {
        record(sequence, { ...base(), status: 413, incomplete: 'too-large' });
        res.writeHead(413).end();
        return;
      }
      const attempt: DeliveryAttempt = { ...base(), status: undefined };
      const given = nextAnswer(attempt.eventId);
      if (!('hang' in given)) attempt.status = given.status;
      if (!('hang' in given) && given.delayMs) attempt.delayMs = given.delayMs;
      // Recorded before answering, so the attempt is kept whatever happens to the response.
      record(sequence, attempt);
      answer(res, given);
    });
    req.on('error', () => {});
    req.on('close', () => {
      if (!done) record(sequence, { ...base(), status: undefined, incomplete: 'aborted' });
    });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostInUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = options.publicUrl ?? `http://${hostInUrl}:${address.port}${options.path ?? '/webhooks'}`;

  return {
    url,
    attempts: snapshot,
    script(steps, scriptOptions = {}) {
      for (const step of steps) checkAnswer(step);
      if (scriptOptions.eventId === undefined) generalSteps = [...steps];
      else eventSteps.set(scriptOptions.eventId, [...steps]);
    },
    setDefault(given) {
      checkAnswer(given);
      fallback = given;
    },
    waitForAttempts(count, waitOptions = {}) {
      const timeoutMs = waitOptions.timeoutMs ?? 5_000;
      if (recorded.length >= count) return Promise.resolve(snapshot());
      if (closing) return Promise.reject(new Error(shortfall(count, snapshot(), 'the receiver is closed', url)));
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          count,
          resolve,
          reject,
          timer: setTimeout(() => {
            settle(waiter);
            reject(new Error(shortfall(count, snapshot(), `within ${timeoutMs} ms`, url)));
          }, timeoutMs),
        };
        waiters.add(waiter);
        if (waitOptions.idle) void endWhenIdle(waiter, waitOptions.idle);
      });
    },
    clear() {
      recorded.length = 0;
      generalSteps = [];
      eventSteps.clear();
      fallback = defaultAnswer;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const waiter of waiters) {
          settle(waiter);
          waiter.reject(new Error(shortfall(waiter.count, snapshot(), 'before the receiver was closed', url)));
        }
        server.close(() => resolve());
        // Every connection, idle or waiting on a hanging or delayed answer.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function checkAnswer(answer: Answer): void {
  if ('hang' in answer) return;
  if (!Number.isInteger(answer.status) || answer.status < 100 || answer.status > 599) {
    throw new RangeError(`webhook receiver: status ${answer.status} is not an HTTP status; use 100 to 599`);
  }
  const delay = answer.delayMs ?? 0;
  if (!Number.isFinite(delay) || delay < 0) {
    throw new RangeError(`webhook receiver: delayMs ${delay} must be a finite number of ms, 0 or more`);
  }
}

/** From node's flat [name, value, ...] list rather than `req.headers`, which drops repeats of some headers. */
function joinedHeaders(raw: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] ?? '').toLowerCase();
    const value = raw[i + 1] ?? '';
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

function eventIdOf(body: string, headers: Record<string, string>): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'id' in parsed && typeof parsed.id === 'string') return parsed.id;
  } catch {
    // Not JSON: the header is all there is.
  }
  return headers['webhook-id'] ?? headers['interceptor-id'];
}

function copyAttempt(attempt: DeliveryAttempt): DeliveryAttempt {
  return { ...attempt, headers: { ...attempt.headers } };
}

function shortfall(count: number, attempts: DeliveryAttempt[], when: string, url: string): string {
  const seen = attempts.map((a) => `${a.method} ${a.path} -> ${a.status ?? 'no answer'}`).join('; ');
  return (
    `webhook receiver: ${attempts.length} of ${count} expected delivery attempts arrived ${when}` +
    `${seen ? ` (${seen})` : ''}; check that the target delivers to ${url}`
  );
}
