import type { Exchange } from '../../src/client/transport.js';

/**
 * Recorded HTTP exchanges built by hand, for the unit tests of checks: a check reads only the `Exchange` the client
 * recorded, so a test can hand it any answer a target might give without a server. One builder, so every test file
 * makes them the same way and a new `Exchange` field is added here once.
 */

/** What a test says about an exchange; everything left out is the plainest value (a GET with no body). */
export interface RecordedOptions {
  /** The response body: a string as is (to send text that is not JSON), anything else as its JSON. None if left out. */
  body?: unknown;
  /** The body's media type: application/json unless given, no content-type header at all when ''. */
  contentType?: string;
  /** Where the answer sends the client, as a Location header. */
  location?: string;
  /** Further response headers, over the content-type and location above. */
  headers?: Record<string, string>;
  /** GET unless given. */
  method?: string;
  /** The request URL, a base of env.example.test unless given (relative Locations resolve against it). */
  url?: string;
  /** The request body as sent; empty unless given. */
  requestBody?: string;
}

/** An answer with this status, as the client recorded it; a content-type header only comes with a body. */
export function recorded(status: number, options: RecordedOptions = {}): Exchange {
  const { body, contentType = 'application/json', location } = options;
  const responseHeaders: Record<string, string> = {};
  if (body !== undefined && contentType !== '') responseHeaders['content-type'] = contentType;
  if (location !== undefined) responseHeaders.location = location;
  return {
    method: options.method ?? 'GET',
    url: options.url ?? 'https://env.example.test/',
    requestHeaders: {},
    requestBody: options.requestBody ?? '',
    status,
    responseHeaders: { ...responseHeaders, ...options.headers },
    responseBody: body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body),
    durationMs: 1,
  };
}
