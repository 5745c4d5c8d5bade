import { type Clock, systemClock } from '../clock.js';
import { userAgent } from '../version.js';
import {
  currentTrafficControl,
  maxRetryAfterMs,
  retryAfterMs,
  screenRequest,
  sleep,
  type TrafficControl,
} from './safety.js';

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
}

export class TransportTimeoutError extends Error {
  constructor(method: string, url: string, timeoutMs: number) {
    super(`${method} ${url} did not answer within ${timeoutMs} ms`);
    this.name = 'TransportTimeoutError';
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
    const attempt = async () => {
      await traffic.limiter?.take(request.signal);
      return send(options, request, headers, body);
    };
    const first = await attempt();
    if (first.status !== 429) return first;
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
): Promise<Response> {
  const doFetch = options.fetch ?? globalThis.fetch;
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
    bytes = await received.arrayBuffer();
    response = new Response(nullBodyStatuses.has(received.status) ? null : bytes, {
      status: received.status,
      statusText: received.statusText,
      headers: received.headers,
    });
  } catch (error) {
    if (controller.signal.aborted || (error instanceof Error && error.name === 'TimeoutError')) {
      throw new TransportTimeoutError(request.method, request.url, options.timeoutMs);
    }
    throw error;
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
  return response;
}
