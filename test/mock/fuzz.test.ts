import { Duplex } from 'node:stream';
import fc from 'fast-check';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzz, fuzzRequest, send } from '../../scripts/fuzz.js';
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

describe('the standalone mock under raw, seeded fuzzing (scripts/fuzz.ts)', () => {
  let raw: ServedMock;
  const logged: string[] = [];
  const rawCredentials = { clientId: 'skc_fuzz', clientSecret: 'fuzz-secret-1234' };
  beforeAll(async () => {
    // With a request log, as `mock --request-log` serves: the log's path of the server is fuzzed too.
    const mock = createMock({ clock: new ManualClock(), credentials: rawCredentials, seed: 12 });
    raw = await serveMock(mock, 0, { onRequest: (entry) => void logged.push(entry.path) });
  });
  afterAll(() => raw.close());
  const rawRequest = (head: string, body = '') =>
    send(raw.url, { index: 0, head: `${head}\r\nconnection: close\r\n\r\n`, body: Buffer.from(body), chunked: false });

  it('answers 1,500 seeded raw requests, none with a 5xx or left unanswered, and still issues tokens', {
    timeout: 120_000,
  }, async () => {
    const result = await fuzz(raw.url, rawCredentials, { seed: 20260522, count: 1_500 });
    expect(result.serverErrors).toEqual([]);
    expect(result.unanswered).toEqual([]);
    expect(result.requests).toBe(1_500);
    expect(await clientCredentialsToken(raw.url, rawCredentials)).toMatch(/\S/);
  });

  it('answers the request-targets, methods and Host headers that used to crash it or answer 500', async () => {
    const host = new URL(raw.url).host;
    expect(await rawRequest('GET http://[ HTTP/1.1\r\nhost: x')).toBe(400);
    expect(await rawRequest(`GET /api/v1/organizations/%zz HTTP/1.1\r\nhost: ${host}`)).toBe(401);
    expect(await rawRequest('TRACE / HTTP/1.1\r\nhost: x')).toBe(405);
    expect(await rawRequest('CONNECT 127.0.0.1:1 HTTP/1.1\r\nhost: 127.0.0.1:1')).toBe(405);
    expect(await rawRequest('HEAD /keys HTTP/1.1\r\nhost: bad host')).toBe(200);
    expect(await rawRequest('GET /_conformance/v1/redirects/%zz HTTP/1.1\r\nhost: [')).toBe(401);
    expect(await rawRequest(`GET / HTTP/1.1\r\nhost: x\r\nx-huge: ${'h'.repeat(20_000)}`)).toBe(431);
    expect(logged).toContain('(invalid request-target)');
    // The generator is deterministic: request I of a seed is the same request in every run (replayable).
    expect(fuzzRequest(7, 3, host, 't')).toEqual(fuzzRequest(7, 3, host, 't'));
  });

  it('answers a refused request once, and the parser complaining again about its body does not reset it', () => {
    // What the fuzzer met 16 times in 10,000: an unknown method refused on its first packet, then the body in a
    // second one made the parser complain again, and the socket was destroyed before the client read the 400.
    const written: string[] = [];
    let destroyed = false;
    const socket = new Duplex({
      read() {},
      write(chunk, _encoding, done) {
        written.push(String(chunk));
        done();
      },
    });
    socket.destroy = () => {
      destroyed = true;
      return socket;
    };
    const parseError = Object.assign(new Error('Parse Error: Invalid method encountered'), {
      code: 'HPE_INVALID_METHOD',
    });
    raw.server.emit('clientError', parseError, socket);
    raw.server.emit('clientError', parseError, socket);
    expect(written.join('')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(destroyed).toBe(false);
  });

  it('names its own address as the issuer whatever Host says; tokens agree', async () => {
    const token = await clientCredentialsToken(raw.url, rawCredentials);
    const discovery = await fetch(`${raw.url}/.well-known/openid-configuration`, {
      headers: { host: 'evil.example' },
    });
    const { issuer } = (await discovery.json()) as { issuer: string };
    expect(issuer).toBe(raw.url);
    expect(decodeJwt(token).iss).toBe(issuer);
  });

  it('refuses an out-of-range clock advance with 400 and moves nothing: tokens keep working', async () => {
    const token = await clientCredentialsToken(raw.url, rawCredentials);
    const hook = (path: string, init: RequestInit = {}) =>
      fetch(`${raw.url}/_conformance/v1/${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
    const before = ((await (await hook('clock')).json()) as { now: string }).now;
    for (const ms of ['1e308', '-1', '"1000"', 'null', '315576000001', '{}']) {
      const answer = await hook('clock/advance', { method: 'POST', body: `{"ms":${ms}}` });
      expect(answer.status, `ms ${ms}`).toBe(400);
    }
    expect(((await (await hook('clock')).json()) as { now: string }).now).toBe(before);
    const organizations = await fetch(`${raw.url}/api/v1/organizations`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(organizations.status).toBe(200);
  });
});
