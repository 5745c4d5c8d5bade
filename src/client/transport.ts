import { userAgent } from '../version.js';

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
}

export class TransportTimeoutError extends Error {
  constructor(method: string, url: string, timeoutMs: number) {
    super(`${method} ${url} did not answer within ${timeoutMs} ms`);
    this.name = 'TransportTimeoutError';
  }
}

const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);

/**
 * A fetch with a per-request timeout, the suite's User-Agent, and exchange recording. The timeout covers the
 * whole exchange, body included: the body is read here, so a server that sends headers and then stalls cannot
 * hang a test.
 */
export function createTransport(options: TransportOptions): Transport {
  return async (request) => {
    const doFetch = options.fetch ?? globalThis.fetch;
    const headers = new Headers(request.headers);
    if (!headers.has('user-agent')) headers.set('user-agent', userAgent);
    const requestBody = request.body ? await request.clone().text() : '';
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
      const received = await doFetch(new Request(request, { headers, signal }), { signal });
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
    if (options.record) {
      const responseBody = new TextDecoder().decode(bytes);
      options.record({
        method: request.method,
        url: request.url,
        requestHeaders: Object.fromEntries(headers),
        requestBody,
        status: response.status,
        responseHeaders: Object.fromEntries(response.headers),
        responseBody,
        durationMs: Math.round(performance.now() - started),
      });
    }
    return response;
  };
}
