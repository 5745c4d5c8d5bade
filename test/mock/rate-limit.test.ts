import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { type ServedMock, serveMock } from '../../src/mock/http-server.js';
import { createMock } from '../../src/mock/index.js';
import { clientCredentialsToken } from '../support/token.js';

// The mock's rate limit (TOK-009), set by the `rate-limit` hook: counted on the mock's clock, REST requests only,
// refused with 429 RATE_LIMITED and Retry-After, and 503 under the seeded fault `rate-limit.503`.

const credentials = { clientId: 'skc_rate_limit', clientSecret: 'rate-limit-secret' };
const clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
const mocks: ServedMock[] = [];
let served: ServedMock;
let faulty: ServedMock;
let token: string;
let faultyToken: string;

async function call(base: string, bearer: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    json: text ? (JSON.parse(text) as { error_code?: string }) : undefined,
  };
}

const list = (base: string, bearer: string) => call(base, bearer, 'GET', '/api/v1/organizations?page_size=1');

beforeAll(async () => {
  served = await serveMock(createMock({ clock, credentials, seed: 9 }));
  faulty = await serveMock(createMock({ clock, credentials, seed: 9, faults: ['rate-limit.503'] }));
  mocks.push(served, faulty);
  token = await clientCredentialsToken(served.url, credentials);
  faultyToken = await clientCredentialsToken(faulty.url, credentials);
});
beforeEach(async () => {
  await call(served.url, token, 'DELETE', '/_conformance/v1/rate-limit');
});
afterAll(() => Promise.all(mocks.map((mock) => mock.close())));

describe('the mock rate limit', () => {
  it('lets per_minute REST requests through, refuses the next with 429 RATE_LIMITED and Retry-After', async () => {
    // Requests before the limit was set do not count against it.
    for (let n = 0; n < 5; n += 1) expect((await list(served.url, token)).status).toBe(200);
    const set = await call(served.url, token, 'PUT', '/_conformance/v1/rate-limit', { per_minute: 2 });
    expect(set.status).toBe(200);
    expect((await list(served.url, token)).status).toBe(200);
    clock.advance(20_000);
    expect((await list(served.url, token)).status).toBe(200);
    const over = await list(served.url, token);
    expect(over.status).toBe(429);
    expect(over.json?.error_code).toBe('RATE_LIMITED');
    // The first counted request leaves the window 40 s from now.
    expect(over.retryAfter).toBe('40');
    // Control hooks and the token endpoint are not the REST API: never limited.
    expect((await call(served.url, token, 'GET', '/_conformance/v1/clock')).status).toBe(200);
    clock.advance(40_000);
    // The first left the window, the second is still in it: one more request goes through, then the next is refused.
    expect((await list(served.url, token)).status).toBe(200);
    expect((await list(served.url, token)).retryAfter).toBe('20');
  });

  it('is lifted by DELETE, and counts afresh when set again', async () => {
    await call(served.url, token, 'PUT', '/_conformance/v1/rate-limit', { per_minute: 1 });
    expect((await list(served.url, token)).status).toBe(200);
    expect((await list(served.url, token)).status).toBe(429);
    expect((await call(served.url, token, 'DELETE', '/_conformance/v1/rate-limit')).status).toBe(204);
    for (let n = 0; n < 3; n += 1) expect((await list(served.url, token)).status).toBe(200);
    await call(served.url, token, 'PUT', '/_conformance/v1/rate-limit', { per_minute: 1 });
    expect((await list(served.url, token)).status).toBe(200);
  });

  it('answers 503 UNAVAILABLE over the limit under the fault rate-limit.503', async () => {
    await call(faulty.url, faultyToken, 'PUT', '/_conformance/v1/rate-limit', { per_minute: 1 });
    expect((await list(faulty.url, faultyToken)).status).toBe(200);
    const over = await list(faulty.url, faultyToken);
    expect(over.status).toBe(503);
    expect(over.json?.error_code).toBe('UNAVAILABLE');
  });
});
