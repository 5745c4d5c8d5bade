import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  decideWrites,
  defaultMaxRps,
  isRunInterruption,
  isTokenRequest,
  isWrite,
  isWriteRefusal,
  maxRetryAfterMs,
  RunInterrupted,
  retryAfterMs,
  TokenBucket,
  type TrafficControl,
  WriteRefused,
} from '../../src/client/safety.js';
import { createTransport, type Exchange } from '../../src/client/transport.js';
import { ManualClock } from '../../src/clock.js';

const base = 'http://target.test';

/** A fetch that answers from a script, one response per call, and keeps what it was sent. */
function scriptedFetch(...responses: (() => Response)[]) {
  const sent: { method: string; url: string; body: string }[] = [];
  const fetch = vi.fn(async (request: Request) => {
    sent.push({ method: request.method, url: request.url, body: await request.text() });
    const next = responses[Math.min(sent.length, responses.length) - 1];
    return next ? next() : new Response('{}', { status: 200 });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, sent };
}

const ok = () => new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });
const tooMany = (retryAfter?: string) =>
  new Response('{}', { status: 429, headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter } });

describe('the write decision', () => {
  const remote = { kind: 'url', baseUrl: 'https://acme.scalekit.dev' } as const;

  it.each([
    [{ kind: 'mock' } as const, {}, true, 'the embedded mock'],
    [{ kind: 'url', baseUrl: 'http://127.0.0.1:4010' } as const, {}, true, 'loopback host 127.0.0.1'],
    [{ kind: 'url', baseUrl: 'http://localhost:4010' } as const, {}, true, 'loopback host localhost'],
    [{ kind: 'url', baseUrl: 'http://[::1]:4010' } as const, {}, true, 'loopback host [::1]'],
    [remote, {}, false, 'acme.scalekit.dev is not a loopback host; pass --allow-writes'],
    [remote, { optIn: '--allow-writes' }, true, '--allow-writes'],
    [remote, { writeAllowlist: ['ACME.scalekit.dev'] }, true, 'writeAllowlist'],
    [remote, { writeAllowlist: ['other.scalekit.dev'] }, false, 'not a loopback host'],
    [{ kind: 'mock' } as const, { readOnly: true }, false, '--read-only'],
    [{ kind: 'url', baseUrl: 'http://127.0.0.1:4010' } as const, { readOnly: true }, false, '--read-only'],
  ])('%j with %j: allowed %s', (target, options, allowed, reason) => {
    const decision = decideWrites(target, options);
    expect(decision.allowed).toBe(allowed);
    expect(decision.reason).toContain(reason);
  });

  it('treats a look-alike of a loopback name as remote', () => {
    expect(decideWrites({ kind: 'url', baseUrl: 'http://localhost.evil.test' }).allowed).toBe(false);
    expect(decideWrites({ kind: 'url', baseUrl: 'http://127.0.0.1.nip.io' }).allowed).toBe(false);
  });

  it('limits the rate only off loopback', () => {
    expect(defaultMaxRps({ kind: 'mock' })).toBeUndefined();
    expect(defaultMaxRps({ kind: 'url', baseUrl: 'http://127.0.0.1:1' })).toBeUndefined();
    expect(defaultMaxRps({ kind: 'url', baseUrl: 'https://acme.scalekit.dev' })).toBe(20);
  });

  it('counts POST, PUT, PATCH and DELETE as writes, and only POST /oauth/token as authentication', () => {
    expect(['post', 'PUT', 'Patch', 'DELETE'].every(isWrite)).toBe(true);
    expect(['GET', 'HEAD', 'OPTIONS'].some(isWrite)).toBe(false);
    expect(isTokenRequest('POST', `${base}/oauth/token`)).toBe(true);
    expect(isTokenRequest('POST', `${base}/oauth/token/x`)).toBe(false);
    expect(isTokenRequest('POST', `${base}/api/v1/oauth/token`)).toBe(false);
    expect(isTokenRequest('DELETE', `${base}/oauth/token`)).toBe(false);
  });
});

describe('telling why a test stopped', () => {
  const refused = new WriteRefused('POST', `${base}/api/v1/roles`);
  const stopped = new RunInterrupted('POST', `${base}/oauth/token`);

  it('recognises a refusal or an interruption however a helper wrapped it', () => {
    expect(isWriteRefusal(refused)).toBe(true);
    expect(isWriteRefusal(new Error('setup failed', { cause: refused }))).toBe(true);
    expect(isWriteRefusal({ name: 'ConformanceError', message: `${refused.message}\n  fast-check seed=1` })).toBe(true);
    expect(isRunInterruption(new Error(`cannot reach ${base}/oauth/token`, { cause: stopped }))).toBe(true);
  });

  it('does not mistake other errors, or one for the other', () => {
    expect(isWriteRefusal(new Error('POST /api/v1/roles answered 500'))).toBe(false);
    expect(isWriteRefusal(stopped)).toBe(false);
    expect(isRunInterruption(refused)).toBe(false);
    expect(isRunInterruption(undefined)).toBe(false);
  });
});

describe('Retry-After', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it.each([
    ['3', 3000],
    [' 0 ', 0],
    ['Thu, 01 Jan 2026 12:00:05 GMT', 5000],
    ['Thursday, 01-Jan-26 12:00:07 GMT', 7000],
    ['Thu Jan  1 12:00:09 2026', 9000],
    ['Thu, 01 Jan 2026 11:59:00 GMT', 0],
  ])('%j is %i ms', (value, ms) => {
    expect(retryAfterMs(value, now)).toBe(ms);
  });

  it.each([[null], [''], ['-5'], ['1.5'], ['soon'], ['Thu, 99 Foo 2026 25:00:00 GMT']])('%j is unreadable', (value) => {
    expect(retryAfterMs(value, now)).toBeUndefined();
  });
});

describe('TokenBucket', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spaces callers 1/rate apart, in call order, and refills while idle', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(4, { clock });
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 250, 500]);
    clock.advance(2000);
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBe(250);
  });

  it('lets a burst through at once, then paces', () => {
    const bucket = new TokenBucket(2, { clock: new ManualClock(), burst: 3 });
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0, 500]);
  });

  it('waits on a timer: take() resolves only once the clock reaches its slot', async () => {
    vi.useFakeTimers();
    const bucket = new TokenBucket(1);
    const done: number[] = [];
    const takers = [0, 1, 2].map((i) => bucket.take().then(() => done.push(i)));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toEqual([0]);
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(takers);
    expect(done).toEqual([0, 1, 2]);
  });

  it('rejects a rate that is not positive', () => {
    expect(() => new TokenBucket(0)).toThrow(RangeError);
  });
});

describe('the transport under a traffic control', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const readOnly = (refused: WriteRefused[] = []): TrafficControl => ({
    allowWrites: false,
    onRefused: (error) => refused.push(error),
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('refuses %s on a read-only run and sends nothing', async (method) => {
    const { fetch, sent } = scriptedFetch(ok);
    const refused: WriteRefused[] = [];
    const transport = createTransport({ timeoutMs: 1000, fetch, traffic: readOnly(refused) });
    const request = new Request(`${base}/api/v1/organizations?x=1`, {
      method,
      ...(method === 'DELETE' ? {} : { body: '{}' }),
    });
    const error = await transport(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteRefused);
    expect(isWriteRefusal(error as Error)).toBe(true);
    expect((error as WriteRefused).message).toContain('(pass --allow-writes)');
    expect(refused.map((r) => `${r.method} ${r.path}`)).toEqual([`${method} /api/v1/organizations?x=1`]);
    expect(sent).toEqual([]);
  });

  it('refuses control-hook writes the same way', async () => {
    const { fetch, sent } = scriptedFetch(ok);
    const transport = createTransport({ timeoutMs: 1000, fetch, traffic: readOnly() });
    const hook = new Request(`${base}/_conformance/v1/clock`, { method: 'PUT', body: '{"advance_ms":1}' });
    await expect(transport(hook)).rejects.toBeInstanceOf(WriteRefused);
    expect(sent).toEqual([]);
  });

  it('still sends reads and the token request on a read-only run', async () => {
    const { fetch, sent } = scriptedFetch(ok, ok);
    const transport = createTransport({ timeoutMs: 1000, fetch, traffic: readOnly() });
    await transport(new Request(`${base}/api/v1/organizations`));
    await transport(new Request(`${base}/oauth/token`, { method: 'POST', body: 'grant_type=client_credentials' }));
    expect(sent.map((s) => `${s.method} ${new URL(s.url).pathname}`)).toEqual([
      'GET /api/v1/organizations',
      'POST /oauth/token',
    ]);
  });

  it('sends nothing at all once the run is stopped', async () => {
    const { fetch, sent } = scriptedFetch(ok);
    const transport = createTransport({ timeoutMs: 1000, fetch, traffic: { allowWrites: true, stopped: () => true } });
    await expect(transport(new Request(`${base}/api/v1/organizations`))).rejects.toBeInstanceOf(RunInterrupted);
    expect(sent).toEqual([]);
  });

  it('waits out a 429 Retry-After on a timer and retries once with the same body', async () => {
    vi.useFakeTimers();
    const { fetch, sent } = scriptedFetch(() => tooMany('2'), ok);
    const exchanges: Exchange[] = [];
    const transport = createTransport({
      timeoutMs: 1000,
      fetch,
      record: (e) => exchanges.push(e),
      traffic: { allowWrites: true },
    });
    const pending = transport(new Request(`${base}/api/v1/roles`, { method: 'POST', body: '{"name":"r"}' }));
    await vi.advanceTimersByTimeAsync(1999);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const response = await pending;
    expect(response.status).toBe(200);
    expect(sent.map((s) => s.body)).toEqual(['{"name":"r"}', '{"name":"r"}']);
    expect(exchanges.map((e) => e.status)).toEqual([429, 200]);
  });

  it('honours an HTTP-date Retry-After', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1, 12, 0, 0) });
    const { fetch, sent } = scriptedFetch(() => tooMany('Thu, 01 Jan 2026 12:00:04 GMT'), ok);
    const transport = createTransport({ timeoutMs: 1000, fetch, traffic: { allowWrites: true } });
    const pending = transport(new Request(`${base}/api/v1/roles`));
    await vi.advanceTimersByTimeAsync(3999);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).status).toBe(200);
  });

  it.each([
    ['no Retry-After', undefined],
    ['a Retry-After over the bound', String(maxRetryAfterMs / 1000 + 1)],
    ['an unreadable Retry-After', 'later'],
  ])('returns a 429 with %s as it is, without retrying', async (_, header) => {
    const { fetch, sent } = scriptedFetch(() => tooMany(header), ok);
    const transport = createTransport({ timeoutMs: 1000, fetch, traffic: { allowWrites: true } });
    expect((await transport(new Request(`${base}/api/v1/roles`))).status).toBe(429);
    expect(sent).toHaveLength(1);
  });

  it('retries only once: a second 429 is returned', async () => {
    vi.useFakeTimers();
    const { fetch, sent } = scriptedFetch(
      () => tooMany('1'),
      () => tooMany('1'),
      ok,
    );
    const transport = createTransport({ timeoutMs: 1000, fetch, traffic: { allowWrites: true } });
    const pending = transport(new Request(`${base}/api/v1/roles`));
    await vi.advanceTimersByTimeAsync(1000);
    expect((await pending).status).toBe(429);
    expect(sent).toHaveLength(2);
  });

  it('spaces requests by the rate limit shared by every transport under one control', async () => {
    vi.useFakeTimers();
    const { fetch, sent } = scriptedFetch(ok);
    const traffic: TrafficControl = { allowWrites: true, limiter: new TokenBucket(2) };
    const first = createTransport({ timeoutMs: 5000, fetch, traffic });
    const second = createTransport({ timeoutMs: 5000, fetch, traffic });
    const all = [first, second, first].map((t) => t(new Request(`${base}/api/v1/roles`)));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(500);
    await Promise.all(all);
    expect(sent).toHaveLength(3);
  });
});
