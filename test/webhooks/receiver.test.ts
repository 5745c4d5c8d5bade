import { request } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { webhookEndpoint } from '../../src/mock/control-state.js';
import { createMock } from '../../src/mock/index.js';
import { signDelivery } from '../../src/mock/webhooks/signing.js';
import { type Receiver, type ReceiverOptions, startReceiver } from '../../src/webhooks/receiver.js';
import { verifyAttempt } from '../../src/webhooks/verify.js';

// The suite's webhook receiver on a loopback socket: scripted answers, raw recording, hanging and delayed
// answers, the attempt deadline and the body limit; then with the mock's dispatcher sending to it.

const secret = `whsec_${Buffer.from('a 32-byte signing key for tests!').toString('base64')}`;
const receivers: Receiver[] = [];

async function open(options: ReceiverOptions = {}): Promise<Receiver> {
  const receiver = await startReceiver(options);
  receivers.push(receiver);
  return receiver;
}

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(url, { method: 'POST', headers, body });
  await response.arrayBuffer();
  return response.status;
}

const event = (id: string) => JSON.stringify({ id, type: 'organization.created' });

/**
 * A clock reading 0, 1, 2, ... that says when it is first read. The receiver reads it as a request's headers
 * arrive, so a test can act at that moment without sleeping.
 */
function countingClock() {
  let reads = 0;
  let signal = () => {};
  const firstRead = new Promise<void>((resolve) => {
    signal = resolve;
  });
  const clock = () => {
    signal();
    return reads++;
  };
  return { clock, firstRead };
}

/** A chunked POST left open, so a test decides when its body ends. */
function openRequest(url: string, headers: Record<string, string | string[]> = {}) {
  const req = request(url, { method: 'POST', headers: { 'transfer-encoding': 'chunked', ...headers } });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  return { request: req, status };
}

/** Sends the body in the given pieces, so a character can be split across chunks on the wire. */
function postInChunks(url: string, pieces: Buffer[]): Promise<number> {
  const { request: req, status } = openRequest(url);
  for (const piece of pieces) req.write(piece);
  req.end();
  return status;
}

describe('scripted answers', () => {
  it('answers 500, 500, 200 as scripted, then the default, and records each status', async () => {
    const receiver = await open();
    receiver.script([{ status: 500 }, { status: 500 }, { status: 200 }]);
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push(await post(receiver.url, event(`evt_${i}`)));
    receiver.setDefault({ status: 503 });
    statuses.push(await post(receiver.url, event('evt_4')));
    expect(statuses).toEqual([500, 500, 200, 200, 503]);
    expect(receiver.attempts().map((a) => a.status)).toEqual(statuses);
  });

  it('gives an event its own script, ahead of the general one, matched on the body id', async () => {
    const receiver = await open();
    receiver.script([{ status: 201 }]);
    receiver.script([{ status: 500 }, { status: 502 }], { eventId: 'evt_b' });
    const statuses = [];
    for (const id of ['evt_b', 'evt_a', 'evt_b', 'evt_b', 'evt_a']) statuses.push(await post(receiver.url, event(id)));
    expect(statuses).toEqual([500, 201, 502, 200, 200]);
    expect(receiver.attempts().map((a) => a.eventId)).toEqual(['evt_b', 'evt_a', 'evt_b', 'evt_b', 'evt_a']);
  });

  it('takes the webhook-id header as the event id when the body is not JSON', async () => {
    const receiver = await open();
    receiver.script([{ status: 418 }], { eventId: 'msg_1' });
    expect(await post(receiver.url, 'not json', { 'webhook-id': 'msg_1' })).toBe(418);
  });

  it('refuses a step that is not an HTTP answer', async () => {
    const receiver = await open();
    expect(() => receiver.script([{ status: 200 }, { status: 42 }])).toThrow(/status 42 is not an HTTP status/);
    expect(() => receiver.setDefault({ status: 200, delayMs: -1 })).toThrow(/delayMs -1/);
  });

  it('forgets attempts and scripts on clear, and answers 200 again', async () => {
    const receiver = await open();
    receiver.setDefault({ status: 500 });
    receiver.script([{ status: 503 }]);
    await post(receiver.url, event('evt_1'));
    receiver.clear();
    expect(receiver.attempts()).toEqual([]);
    expect(await post(receiver.url, event('evt_2'))).toBe(200);
  });
});

describe('recording', () => {
  it('keeps the body exactly as it arrived: BOM, non-ASCII, tabs, CRLF, trailing blank lines', async () => {
    const receiver = await open();
    const body = '\uFEFF{ "name":\t"Zoë 👩‍💻 ünïcödé",\r\n  "note" :  "  two  spaces  " ,"n": 1.50 }\n\n';
    await post(receiver.url, body, { 'content-type': 'application/json' });
    const [attempt] = receiver.attempts();
    expect(attempt?.body).toBe(body);
    expect(attempt?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });

  it('decodes the body once whole, so a character split across chunks survives', async () => {
    const receiver = await open();
    const bytes = Buffer.from('{"name":"Zoë"}');
    const split = bytes.indexOf(Buffer.from('ë')) + 1;
    await postInChunks(receiver.url, [bytes.subarray(0, split), bytes.subarray(split)]);
    expect(receiver.attempts()[0]?.body).toBe('{"name":"Zoë"}');
  });

  it('records method, path with query, lower-cased headers and the arrival time on its clock', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const receiver = await open({ clock: () => clock.now() });
    expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhooks$/);
    await post(`${receiver.url}?attempt=1`, event('evt_1'), { 'Webhook-ID': 'evt_1', 'X-Trace': 'A b' });
    clock.advance(60_000);
    await fetch(receiver.url, { method: 'PUT' }).then((r) => r.arrayBuffer());
    expect(receiver.attempts()).toMatchObject([
      { receivedAt: Date.UTC(2026, 0, 1), method: 'POST', path: '/webhooks?attempt=1', eventId: 'evt_1' },
      { receivedAt: Date.UTC(2026, 0, 1) + 60_000, method: 'PUT', path: '/webhooks', body: '' },
    ]);
    expect(receiver.attempts()[0]?.headers).toMatchObject({ 'webhook-id': 'evt_1', 'x-trace': 'A b' });
  });

  it('lists attempts in the order they arrived, even when an earlier body finishes later', async () => {
    const { clock, firstRead } = countingClock();
    const receiver = await open({ clock });
    const { request: slow, status } = openRequest(receiver.url);
    slow.write('{"id":"evt_a"');
    await firstRead;
    await post(receiver.url, event('evt_b'));
    slow.end('}');
    expect(await status).toBe(200);
    expect(receiver.attempts().map((a) => [a.eventId, a.receivedAt])).toEqual([
      ['evt_a', 0],
      ['evt_b', 1],
    ]);
  });

  it('records a sender that gives up mid-body as an unanswered, aborted attempt', async () => {
    const { clock, firstRead } = countingClock();
    const receiver = await open({ clock });
    const { request: slow, status } = openRequest(receiver.url);
    slow.write('{"id":"evt_a",');
    await firstRead;
    slow.destroy();
    await expect(status).rejects.toThrow();
    expect(await receiver.waitForAttempts(1)).toMatchObject([{ status: undefined, incomplete: 'aborted' }]);
  });

  it('keeps every value of a repeated header, joined in arrival order', async () => {
    const receiver = await open();
    const { request: req, status } = openRequest(receiver.url, {
      'Webhook-Signature': ['v1,first', 'v1,second'],
      'content-type': ['application/json', 'text/plain'],
    });
    req.end('{}');
    await status;
    expect(receiver.attempts()[0]?.headers).toMatchObject({
      'webhook-signature': 'v1,first, v1,second',
      'content-type': 'application/json, text/plain',
    });
  });

  it('hands out copies, so a test cannot change what was recorded', async () => {
    const receiver = await open();
    await post(receiver.url, event('evt_1'), { 'webhook-id': 'evt_1' });
    const [copy] = receiver.attempts();
    if (copy) {
      copy.body = 'changed';
      copy.headers['webhook-id'] = 'changed';
    }
    expect(receiver.attempts()[0]).toMatchObject({ body: event('evt_1'), headers: { 'webhook-id': 'evt_1' } });
  });

  it('answers 413 over the body limit, keeps the first bytes, and uses no script step', async () => {
    const receiver = await open({ maxBodyBytes: 16 });
    receiver.script([{ status: 500 }]);
    expect(await post(receiver.url, 'x'.repeat(17))).toBe(413);
    expect(await post(receiver.url, 'y'.repeat(16))).toBe(500);
    expect(receiver.attempts()).toMatchObject([
      { status: 413, body: 'x'.repeat(16), incomplete: 'too-large' },
      { status: 500, body: 'y'.repeat(16) },
    ]);
    expect(receiver.attempts()[1]?.incomplete).toBeUndefined();
  });
});

describe('hanging and delayed answers', () => {
  it('holds a hanging answer until close, drops it then, and keeps the attempt readable', async () => {
    const receiver = await open();
    receiver.script([{ hang: true }]);
    const pending = post(receiver.url, event('evt_1'));
    const [attempt] = await receiver.waitForAttempts(1);
    expect(attempt?.status).toBeUndefined();
    await receiver.close();
    await expect(pending).rejects.toThrow();
    await receiver.close();
    expect(receiver.attempts()).toHaveLength(1);
  });

  it('answers after the delay, and drops a delayed answer still pending at close', async () => {
    const receiver = await open();
    receiver.script([
      { status: 202, delayMs: 20 },
      { status: 200, delayMs: 600_000 },
    ]);
    expect(await post(receiver.url, event('evt_1'))).toBe(202);
    const pending = post(receiver.url, event('evt_2'));
    await receiver.waitForAttempts(2);
    await receiver.close();
    await expect(pending).rejects.toThrow();
    expect(receiver.attempts().map((a) => [a.status, a.delayMs])).toEqual([
      [202, 20],
      [200, 600_000],
    ]);
  });
});

describe('waitForAttempts', () => {
  it('resolves when the n-th attempt arrives, with the attempts so far', async () => {
    const receiver = await open();
    const waiting = receiver.waitForAttempts(2, { timeoutMs: 60_000 });
    await post(receiver.url, event('evt_1'));
    await post(receiver.url, event('evt_2'));
    expect((await waiting).map((a) => a.eventId)).toEqual(['evt_1', 'evt_2']);
  });

  it('rejects at the deadline, not before, saying how many attempts arrived', async () => {
    const receiver = await open();
    receiver.script([{ status: 500 }]);
    await post(receiver.url, event('evt_1'));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let outcome: unknown;
    const waiting = receiver.waitForAttempts(3, { timeoutMs: 1_000 }).then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    void waiting.then((value) => {
      outcome = value;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(await waiting).toBe(
      'webhook receiver: 1 of 3 expected delivery attempts arrived within 1000 ms (POST /webhooks -> 500); ' +
        `check that the target delivers to ${receiver.url}`,
    );
  });

  it('rejects as soon as the target says it is idle, long before the deadline', async () => {
    const receiver = await open();
    await post(receiver.url, event('evt_1'));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let asked = 0;
    const waiting = receiver.waitForAttempts(2, { timeoutMs: 60_000, idle: async () => ++asked >= 2 }).then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    // Asked after 20 ms (busy), then 40 ms later (idle).
    await vi.advanceTimersByTimeAsync(60);
    expect(await waiting).toMatch(
      /^webhook receiver: 1 of 2 expected delivery attempts arrived before the target said/,
    );
    expect(asked).toBe(2);
  });

  it('waits to the deadline when the idle hook fails', async () => {
    const receiver = await open();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let outcome: unknown;
    const waiting = receiver
      .waitForAttempts(1, { timeoutMs: 5_000, idle: () => Promise.reject(new Error('answered 500')) })
      .then(
        () => 'resolved',
        (error: Error) => error.message,
      );
    void waiting.then((value) => {
      outcome = value;
    });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(await waiting).toMatch(/0 of 1 expected delivery attempts arrived within 5000 ms/);
  });

  it('rejects a waiter when the receiver closes, and any later wait at once', async () => {
    const receiver = await open();
    const waiting = receiver.waitForAttempts(1, { timeoutMs: 60_000 });
    await receiver.close();
    await expect(waiting).rejects.toThrow(/0 of 1 expected delivery attempts arrived before the receiver was closed/);
    await expect(receiver.waitForAttempts(1)).rejects.toThrow(/the receiver is closed/);
  });
});

describe('with the mock dispatcher sending', () => {
  function mockSendingTo(url: string, clock: ManualClock, timeoutMs?: number) {
    const credentials = { clientId: 'c', clientSecret: 'secret-123' };
    const mock = createMock({ clock, credentials, seed: 7, webhooks: timeoutMs ? { timeoutMs } : {} });
    webhookEndpoint(mock.state).current = { url, secret };
    const orgId = mock.state.id('org_');
    mock.state.emit('organization.created', 'Organization', { id: orgId, display_name: 'Acme' }, orgId);
    return mock;
  }

  it('records the 500, 500, 200 retries of one event, each signed on the mock clock', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const receiver = await open({ clock: () => clock.now() });
    receiver.script([{ status: 500 }, { status: 500 }, { status: 200 }]);
    const mock = mockSendingTo(receiver.url, clock);
    try {
      await mock.webhooks.runDue();
      for (let i = 0; i < 4; i += 1) {
        clock.advance(15 * 60_000);
        await mock.webhooks.runDue();
      }
      const attempts = receiver.attempts();
      expect(attempts.map((a) => a.status)).toEqual([500, 500, 200]);
      expect(new Set(attempts.map((a) => a.headers['webhook-id']))).toEqual(new Set([attempts[0]?.eventId]));
      for (const attempt of attempts) {
        const now = Number(attempt.headers['webhook-timestamp']) * 1000;
        expect(now).toBe(attempt.receivedAt);
        expect(verifyAttempt(attempt, secret, { now })).toMatchObject({ valid: true });
      }
      expect(mock.webhooks.deliveries().map((d) => [d.status, d.response_status])).toEqual([
        ['Retrying', 500],
        ['Retrying', 500],
        ['Success', 200],
      ]);
    } finally {
      await mock.webhooks.close();
    }
  });

  it('hangs past the dispatcher timeout, which the mock counts as a failed attempt', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const receiver = await open();
    receiver.script([{ hang: true }]);
    const mock = mockSendingTo(receiver.url, clock, 100);
    try {
      await mock.webhooks.runDue();
      expect(receiver.attempts()).toMatchObject([{ status: undefined }]);
      expect(mock.webhooks.deliveries()).toMatchObject([{ attempt: 1, status: 'Retrying' }]);
      expect(mock.webhooks.deliveries()[0]?.response_status).toBeUndefined();
    } finally {
      await mock.webhooks.close();
    }
  });
});

it('signDelivery headers arrive intact (the mock signs, the receiver records)', async () => {
  const receiver = await open();
  const body = event('evt_1');
  const headers = signDelivery({ id: 'evt_1', timestampSeconds: 1_767_225_600, body, secret });
  await post(receiver.url, body, headers);
  expect(receiver.attempts()[0]?.headers).toMatchObject(headers);
});
