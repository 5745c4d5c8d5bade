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

/** A fetch with a per-request timeout, the suite's User-Agent, and exchange recording. */
export function createTransport(options: TransportOptions): Transport {
  return async (request) => {
    const doFetch = options.fetch ?? globalThis.fetch;
    const headers = new Headers(request.headers);
    if (!headers.has('user-agent')) headers.set('user-agent', userAgent);
    const requestBody = request.body ? await request.clone().text() : '';
    const started = performance.now();
    let response: Response;
    try {
      response = await doFetch(
        new Request(request, {
          headers,
          signal: AbortSignal.any([request.signal, AbortSignal.timeout(options.timeoutMs)]),
        }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') {
        throw new TransportTimeoutError(request.method, request.url, options.timeoutMs);
      }
      throw error;
    }
    if (options.record) {
      const responseBody = await response.clone().text();
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
