import { describe, expect, it } from 'vitest';
import { answersAsSent, createTransport } from '../../src/client/transport.js';

// TOK-009's test must see a 429 as the target sent it: inside `answersAsSent` the transport neither waits out
// Retry-After nor retries. `Retry-After: 0` keeps the retry outside it from waiting in real time.

function counting() {
  let calls = 0;
  const fetch = (async () => {
    calls += 1;
    return new Response('{"error_code":"RATE_LIMITED"}', {
      status: 429,
      headers: { 'retry-after': '0', 'content-type': 'application/json' },
    });
  }) as typeof globalThis.fetch;
  return { fetch, calls: () => calls };
}

describe('answersAsSent', () => {
  it('hands back the first 429 without a retry; outside it, the transport retries once', async () => {
    const raw = counting();
    const transport = createTransport({ timeoutMs: 5_000, fetch: raw.fetch });
    const first = await answersAsSent(() => transport(new Request('http://127.0.0.1:9/api/v1/organizations')));
    expect(first.status).toBe(429);
    expect(raw.calls()).toBe(1);

    const retried = counting();
    const usual = createTransport({ timeoutMs: 5_000, fetch: retried.fetch });
    expect((await usual(new Request('http://127.0.0.1:9/api/v1/organizations'))).status).toBe(429);
    expect(retried.calls()).toBe(2);
  });
});
