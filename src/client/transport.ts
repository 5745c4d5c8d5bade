import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent, fetch as undiciFetch } from 'undici';
import { type Clock, systemClock } from '../clock.js';
import { describeError } from '../errors.js';
import { userAgent } from '../version.js';
import { transportProblem } from './problems.js';
import {
  currentTrafficControl,
  maxRetryAfterMs,
  retryAfterMs,
  screenRequest,
  sleep,
  type TrafficControl,
} from './safety.js';

/** Set while a caller wants every 429 as it came (`answersAsSent`). */
const asSent = new AsyncLocalStorage<true>();

/**
 * Runs `call` with the transports handing back a 429 as the target sent it, without waiting out its Retry-After and
 * retrying: what a test of the rate limit itself (TOK-009) must see, and never a real-time wait.
 */
export function answersAsSent<T>(call: () => Promise<T>): Promise<T> {
  return asSent.run(true, call);
}

/** The origins whose certificate a run's own CA vouches for (`trustCertificateAuthority`), and how to reach them. */
const trustedOrigins = new Map<string, typeof fetch>();

/**
 * Trusts `ca` (PEM) for requests to `origin` only, in this thread, for the rest of the run: a run's mock served over
 * TLS with a CA made at its start. Node reads NODE_EXTRA_CA_CERTS at process start only, so those requests go through
 * a fetch whose agent trusts that CA alone; every other origin keeps Node's fetch and roots.
 */
export function trustCertificateAuthority(origin: string, ca: string): void {
  if (!trustedOrigins.has(origin)) trustedOrigins.set(origin, fetchTrusting(ca));
}

/**
 * A fetch that trusts `ca` alone: undici's own fetch (the library behind Node's) with an Agent holding the CA, since
 * Node's global fetch cannot be handed a dispatcher from another copy of undici.
 */
function fetchTrusting(ca: string): typeof fetch {
  const dispatcher = new Agent({ connect: { ca } });
  return (async (input: Request | string | URL, init?: RequestInit) => {
    // A Request of Node's fetch is not one of this undici's: it is handed over as its parts.
    const request = input instanceof Request ? input : new Request(input, init);
    const body = request.body ? await request.arrayBuffer() : undefined;
    return undiciFetch(request.url, {
      method: request.method,
      headers: [...request.headers],
      redirect: request.redirect,
      signal: init?.signal ?? request.signal,
      ...(body ? { body } : {}),
      dispatcher,
    });
  }) as unknown as typeof fetch;
}

/** The fetch signature openapi-fetch takes: one Request in, one Response out. */
export type Transport = (request: Request) => Promise<Response>;

/** One request and its response, kept so a failing check can show what was sent and print a replay line. */
export interface Exchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
  durationMs: number;
}

/** Runs a request and returns its result with the exchange it produced (the last one, after any token retry). */
export async function exchangeOf<T>(
  recorded: { readonly exchanges: readonly Exchange[] },
  call: () => Promise<T>,
): Promise<T & { exchange: Exchange }> {
  const before = recorded.exchanges.length;
  const result = await call();
  const exchange = recorded.exchanges.at(-1);
  if (!exchange || recorded.exchanges.length === before) throw new Error('the call made no HTTP request');
  return Object.assign(result as object, { exchange }) as T & { exchange: Exchange };
}

export interface TransportOptions {
  timeoutMs: number;
  /** Receives every completed exchange, in order. */
  record?: (exchange: Exchange) => void;
  /** Defaults to whatever `globalThis.fetch` is at call time, so msw's interception applies. */
  fetch?: typeof fetch;
  /** Write guard, rate limit and stop switch; defaults to the process's (see `useTrafficControl`), read per request. */
  traffic?: TrafficControl;
  /** Reads HTTP-date Retry-After values; the waits themselves are timers. */
  clock?: Clock;
  /** The largest response body read; a longer one is no usable answer. Defaults to `maxResponseBytes`. */
  maxBodyBytes?: number;
}

/** 16 MiB: far above any answer of the API, low enough that a target streaming without end cannot exhaust memory. */
export const maxResponseBytes = 16 * 1024 * 1024;

/**
 * A request that got no usable HTTP answer: refused, reset, DNS, TLS, a timeout, a body over the size limit. The
 * harness reports a test that ends on one as errored, never as failed: it says nothing about the rules.
 */
export class TransportError extends Error {
  readonly request: string;
  /** Why there was no answer, in one line. */
  readonly reason: string;
  constructor(method: string, url: string, reason: string, options?: ErrorOptions) {
    super(`${method} ${url} got no usable answer: ${reason}`, options);
    this.name = 'TransportError';
    this.request = `${method} ${url}`;
    this.reason = reason;
  }
}

export class TransportTimeoutError extends TransportError {
  constructor(method: string, url: string, timeoutMs: number) {
    super(method, url, `did not answer within ${timeoutMs} ms`);
    this.name = 'TransportTimeoutError';
    this.message = `${method} ${url} did not answer within ${timeoutMs} ms`;
  }
}

const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);

/**
 * A fetch with a per-request timeout, the suite's User-Agent, and exchange recording, under the traffic control:
 * a refused write throws before anything is sent, the rate limit spaces requests out, and a 429 with a
 * Retry-After of at most 30 s is waited out (on a timer) and retried once; any other 429 is returned as it is.
 * The timeout covers each attempt's whole exchange, body included: the body is read here, so a server that sends
 * headers and then stalls cannot hang a test.
 */
export function createTransport(options: TransportOptions): Transport {
  return async (request) => {
    const traffic = options.traffic ?? currentTrafficControl();
    screenRequest(traffic, request.method, request.url);
    const headers = new Headers(request.headers);
    if (!headers.has('user-agent')) headers.set('user-agent', userAgent);
    // Read once, so a retry can send the same bytes again.
    const body = request.body ? await request.arrayBuffer() : undefined;
    const limit = options.maxBodyBytes ?? traffic.maxBodyBytes ?? maxResponseBytes;
    const attempt = async () => {
      await traffic.limiter?.take(request.signal);
      try {
        const { response, bytes } = await send({ ...options, maxBodyBytes: limit }, request, headers, body);
        traffic.onAnswer?.({
          method: request.method,
          url: request.url,
          status: response.status,
          body: () => new TextDecoder().decode(bytes),
        });
        return response;
      } catch (error) {
        if (error instanceof TransportError) {
          traffic.onProblem?.(transportProblem(request.method, request.url, error.reason));
        }
        throw error;
      }
    };
    const first = await attempt();
    if (first.status !== 429 || asSent.getStore()) return first;
    const wait = retryAfterMs(first.headers.get('retry-after'), (options.clock ?? systemClock).now());
    if (wait === undefined || wait > maxRetryAfterMs) return first;
    await sleep(wait, request.signal);
    screenRequest(traffic, request.method, request.url);
    return attempt();
  };
}

/** One attempt: sent, read in full within the timeout, and recorded. */
async function send(
  options: TransportOptions,
  request: Request,
  headers: Headers,
  body: ArrayBuffer | undefined,
): Promise<{ response: Response; bytes: ArrayBuffer }> {
  const doFetch = options.fetch ?? trustedOrigins.get(new URL(request.url).origin) ?? globalThis.fetch;
  const started = performance.now();
  // A timer, not AbortSignal.timeout(): nothing holds that signal, and once garbage-collected it never fires.
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`timed out after ${options.timeoutMs} ms`, 'TimeoutError')),
    options.timeoutMs,
  );
  const signal = AbortSignal.any([request.signal, controller.signal]);
  let response: Response;
  let bytes: ArrayBuffer;
  try {
    const outgoing = new Request(request, { headers, signal, ...(body ? { body } : {}) });
    const received = await doFetch(outgoing, { signal });
    bytes = await readCapped(received, options.maxBodyBytes ?? maxResponseBytes, request);
    response = new Response(nullBodyStatuses.has(received.status) ? null : bytes, {
      status: received.status,
      statusText: received.statusText,
      headers: received.headers,
    });
  } catch (error) {
    if (controller.signal.aborted || (error instanceof Error && error.name === 'TimeoutError')) {
      throw new TransportTimeoutError(request.method, request.url, options.timeoutMs);
    }
    // The caller's own abort (an interrupted run) is not the target's doing.
    if (error instanceof TransportError || request.signal.aborted) throw error;
    throw new TransportError(request.method, request.url, describeError(error), { cause: error });
  } finally {
    clearTimeout(timer);
  }
  options.record?.({
    method: request.method,
    url: request.url,
    requestHeaders: Object.fromEntries(headers),
    requestBody: body ? new TextDecoder().decode(body) : '',
    status: response.status,
    responseHeaders: Object.fromEntries(response.headers),
    responseBody: new TextDecoder().decode(bytes),
    durationMs: Math.round(performance.now() - started),
  });
  return { response, bytes };
}

/** The whole body, unless it is longer than `maxBytes`: then the stream is cancelled and the answer is no answer. */
async function readCapped(response: Response, maxBytes: number, request: Request): Promise<ArrayBuffer> {
  if (!response.body) return new ArrayBuffer(0);
  const declared = Number(response.headers.get('content-length'));
  const reader = response.body.getReader();
  const tooLong = () =>
    new TransportError(request.method, request.url, `the response body is longer than ${maxBytes} bytes`);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await reader.cancel().catch(() => {});
    throw tooLong();
  }
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLong();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes.buffer;
}
