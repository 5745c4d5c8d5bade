import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { maxBodyBytes, type ServedMock, serveMock } from '../../src/mock/http-server.js';
import { createMock } from '../../src/mock/index.js';
import { readSpecFile } from '../../src/spec/document.js';
import { clientCredentialsToken } from '../support/token.js';

// A bounded, seeded fuzz run against the standalone mock on loopback: random and malformed requests (bad JSON,
// wrong types, oversized bodies, unknown paths, bad tokens) must never produce a 5xx, crash the server, or grow
// its memory without bound. 400 requests, fixed seed: it stops by itself and replays exactly.

const credentials = { clientId: 'skc_fuzz', clientSecret: 'fuzz-secret-123' };
let served: ServedMock;
let token: string;
const templates = Object.keys(readSpecFile(process.env.SCALEKIT_OPENAPI ?? '').document.paths);

beforeAll(async () => {
  served = await serveMock(createMock({ clock: new ManualClock(), credentials, seed: 11 }));
  token = await clientCredentialsToken(served.url, credentials);
});
afterAll(() => served.close());

const segment = fc.oneof(fc.constantFrom('org_1', 'usr_1', '..', '%00', 'a:b', ''), fc.string({ maxLength: 12 }));
const path = fc.oneof(
  fc
    .tuple(fc.constantFrom(...templates), segment)
    .map(([template, value]) => template.replace(/\{[^}]+\}/g, encodeURIComponent(value) || 'x')),
  fc.array(segment, { maxLength: 4 }).map((parts) => `/api/v1/${parts.map(encodeURIComponent).join('/')}`),
  fc.constantFrom('/oauth/token', '/_conformance/v1/auth-requests', '/_conformance/v1/clock/advance', '/nope'),
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.constant('{"unterminated": '),
  fc.constant('[1,2,3]'),
  fc.json(),
  fc
    .dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)))
    .map((o) => JSON.stringify(o)),
  fc.constant('x'.repeat(maxBodyBytes + 1)),
);
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
  path,
  query: fc.constantFrom(
    '',
    '?page_size=-1',
    '?page_size=abc',
    '?page_token=%%%',
    '?status=Failure',
    '?page_size=99999999999999999999',
  ),
  auth: fc.constantFrom('valid', 'none', 'garbage'),
  body,
});

describe('the standalone mock under malformed input', () => {
  it('never answers 5xx and stays within bounded memory over 400 seeded requests', { timeout: 120_000 }, async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const failures: string[] = [];
    const samples = fc.sample(request, { seed: 20260521, numRuns: 400 });
    for (const sample of samples) {
      const headers: Record<string, string> = {};
      if (sample.auth === 'valid') headers.authorization = `Bearer ${token}`;
      if (sample.auth === 'garbage') headers.authorization = 'Bearer garbage.token.value';
      if (sample.body !== undefined) headers['content-type'] = 'application/json';
      const canHaveBody = sample.method !== 'GET' && sample.method !== 'OPTIONS';
      let status: number;
      try {
        const response = await fetch(`${served.url}${sample.path}${sample.query}`, {
          method: sample.method,
          headers,
          ...(canHaveBody && sample.body !== undefined ? { body: sample.body } : {}),
        });
        status = response.status;
        await response.arrayBuffer();
      } catch (error) {
        // A header value fetch itself refuses to send is not a server problem.
        if (error instanceof TypeError && /header|ByteString/i.test(String(error.message))) continue;
        throw error;
      }
      if (status >= 500) failures.push(`${status} ${sample.method} ${sample.path}${sample.query}`);
    }
    expect(failures).toEqual([]);
    // The server is still up and still correct after the storm.
    const health = await fetch(`${served.url}/api/v1/logs/authentication/requests`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(health.status).toBe(200);
    const growthMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    expect(growthMb).toBeLessThan(200);
  });
});
