import type { Exchange } from '../client/transport.js';
import { type Failure, failure } from './failure.js';
import { answerPreview, parseJsonBody } from './http.js';

// Checks on the environment as a service (TOK-006 https only, TOK-009 its rate limit): pure functions over recorded
// exchanges and the answer of a plain-http probe. The suites drive the target; these judge.

/**
 * TOK-009: a request over the environment's limit is answered 429 with an ErrorInfo body whose `error_code` is
 * `RATE_LIMITED`; a Retry-After, when sent, is delta-seconds (RFC 9110 §10.2.3) and positive, since the window is
 * still full. A Retry-After as an HTTP date is left unjudged: the docs do not say which form the API sends.
 */
export function rateLimited(rule: 'TOK-009', exchange: Exchange): Failure | undefined {
  const expected = '429 with error_code RATE_LIMITED';
  if (exchange.status !== 429) return failure(rule, 'over the rate limit', expected, answerPreview(exchange), exchange);
  const body = parseJsonBody(exchange);
  const code = body.ok ? (body.value as { error_code?: unknown } | null)?.error_code : undefined;
  if (code !== 'RATE_LIMITED') {
    const got = body.ok ? `error_code ${JSON.stringify(code) ?? '(none)'}` : body.reason;
    return failure(rule, 'over the rate limit: error code', expected, got, exchange);
  }
  const retryAfter = exchange.responseHeaders['retry-after']?.trim();
  if (retryAfter === undefined) return undefined;
  if (/^\d+$/.test(retryAfter)) {
    if (Number(retryAfter) > 0) return undefined;
    return failure(rule, 'Retry-After', 'a positive number of seconds (the window is full)', retryAfter, exchange);
  }
  if (!Number.isNaN(Date.parse(retryAfter))) return undefined;
  return failure(rule, 'Retry-After', 'delta-seconds or an HTTP date', JSON.stringify(retryAfter), exchange);
}

/** TOK-009: once the window has passed on the target's clock, the same request is answered again (2xx). */
export function servedAgainAfterWindow(rule: 'TOK-009', exchange: Exchange): Failure | undefined {
  if (exchange.status >= 200 && exchange.status < 300) return undefined;
  return failure(
    rule,
    'after the rate-limit window',
    'a 2xx answer once a minute has passed on the target clock',
    answerPreview(exchange),
    exchange,
  );
}

/** What a plain `http://` request to the environment got: an answer (its status and Location), or none and why. */
export type PlainHttpProbe =
  | { url: string; status: number; location?: string }
  | { url: string; status?: undefined; noAnswer: string };

/** TOK-006: every request the suite sent went over TLS. */
export function httpsOnly(rule: 'TOK-006', exchanges: readonly Exchange[]): Failure | undefined {
  const plain = exchanges.filter((exchange) => !exchange.url.startsWith('https://'));
  if (plain.length === 0 && exchanges.length > 0) return undefined;
  if (exchanges.length === 0) return failure(rule, 'requests over https', 'at least one request', 'none was sent');
  return failure(
    rule,
    'requests over https',
    'every request to an https:// URL',
    `${plain.length} of ${exchanges.length} in plain http`,
    plain[0],
    plain.slice(0, 5).map((exchange) => `${exchange.method} ${exchange.url}`),
  );
}

/**
 * TOK-006: a plain http request to the environment's host and port is not served: no answer (the port speaks only
 * TLS), a redirect to an https:// URL, or a 4xx refusal (426 Upgrade Required; a front's 400 "plain HTTP request
 * sent to HTTPS port"). An answer served in clear (2xx), a redirect elsewhere or a 5xx fails.
 */
export function plainHttpRefused(rule: 'TOK-006', probe: PlainHttpProbe): Failure | undefined {
  if (probe.status === undefined) return undefined;
  const { status, location } = probe;
  if (status >= 300 && status < 400 && location?.startsWith('https://')) return undefined;
  if (status >= 400 && status < 500) return undefined;
  const got = location ? `${status} to ${location}` : `${status}`;
  return failure(
    rule,
    'plain http refused',
    'no answer, a redirect to https:// or a 4xx refusal',
    `GET ${probe.url} answered ${got}`,
    undefined,
    [`Reproduce with: curl -si '${probe.url}'`],
  );
}
