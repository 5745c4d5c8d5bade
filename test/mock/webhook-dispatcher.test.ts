import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScalekitClient } from '@scalekit-sdk/node';
import { setupServer } from 'msw/node';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Clock, ManualClock, systemClock } from '../../src/clock.js';
import { webhookEndpoint } from '../../src/mock/control-state.js';
import { createMock, type Mock } from '../../src/mock/index.js';
import type { EmittedEvent } from '../../src/mock/state.js';
import type { DispatcherOptions, SendDelivery, WebhookDispatcher } from '../../src/mock/webhooks/dispatcher.js';
import { isWebhookSecret, signDelivery, verifyDelivery } from '../../src/mock/webhooks/signing.js';
import { attemptOffsets, retryProfileNames, retryProfiles } from '../../src/oracles/retry-schedule.js';
import { readSpecFile } from '../../src/spec/document.js';
import { SchemaRegistry } from '../../src/spec/schemas.js';

// The mock's webhook dispatcher against a real receiver on a loopback socket: signatures (WHS-*), the retry
// schedule on the mock clock per profile (WHD-002..WHD-010, C-03, C-06, C-29) and payload shape (WHP-*).

const { document } = readSpecFile(process.env.SCALEKIT_OPENAPI ?? '/work/shared/openapi/scalekit.scalar.json');
const registry = new SchemaRegistry(document);
const secret = `whsec_${Buffer.from('a 32-byte signing key for tests!').toString('base64')}`;
const credentials = { clientId: 'c', clientSecret: 'secret-123' };

interface Received {
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the receiver does with the n-th request (0-based): answer a status, or answer it after a real delay. */
type Script = (index: number) => number | { status: number; delayMs: number };

interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

const receivers: Receiver[] = [];
const dispatchers: WebhookDispatcher[] = [];

async function startReceiver(script: Script = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = script(received.length);
      received.push({ method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const { status, delayMs } = typeof answer === 'number' ? { status: answer, delayMs: 0 } : answer;
      const reply = () => {
        if (!res.destroyed) res.writeHead(status).end();
      };
      if (delayMs > 0) setTimeout(reply, delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  receivers.push(receiver);
  return receiver;
}

function setup(
  receiver: { url: string },
  options: DispatcherOptions & { clock?: Clock; events?: string[] } = {},
): { mock: Mock; dispatcher: WebhookDispatcher; clock: Clock } {
  const { clock = new ManualClock(), events, ...dispatcherOptions } = options;
  const mock = createMock({ clock, credentials, seed: 7, webhooks: dispatcherOptions });
  webhookEndpoint(mock.state).current = { url: receiver.url, secret, ...(events ? { events } : {}) };
  const dispatcher = mock.webhooks;
  dispatchers.push(dispatcher);
  return { mock, dispatcher, clock };
}

function emitOrganizationCreated(mock: Mock, name = 'Acme'): string {
  const orgId = mock.state.id('org_');
  const events: EmittedEvent[] = [];
  mock.state.onEvent((e) => events.push(e));
  mock.state.emit('organization.created', 'Organization', { id: orgId, display_name: name }, orgId);
  return String(events.at(-1)?.payload.id);
}

const header = (r: Received | undefined, name: string) => String(r?.headers[name]);
const bodyId = (r: Received | undefined) => (JSON.parse(r?.body ?? '{}') as { id?: string }).id;

function validateEvent(body: string): void {
  const payload = JSON.parse(body) as { type: string };
  const webhook = document.webhooks?.[payload.type] as
    | { post: { requestBody: { content: { 'application/json': { schema: unknown } } } } }
    | undefined;
  expect(webhook, `spec has no webhook ${payload.type}`).toBeDefined();
  const violations = registry.validate(webhook?.post.requestBody.content['application/json'].schema, payload);
  expect(violations, JSON.stringify(violations)).toEqual([]);
}

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(dispatchers.splice(0).map((d) => d.close()));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe('signDelivery and verifyDelivery (WHS-001..WHS-005)', () => {
  const nowMs = Date.UTC(2026, 0, 1);
  const signed = signDelivery({ id: 'evt_1', timestampSeconds: nowMs / 1000, body: '{"a":1}', secret });

  it('sends the three webhook-* headers with a v1 base64 signature', () => {
    expect(signed['webhook-id']).toBe('evt_1');
    expect(signed['webhook-timestamp']).toBe(String(nowMs / 1000));
    expect(signed['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  });

  it('accepts its own signature against the given clock', () => {
    expect(verifyDelivery({ headers: signed, body: '{"a":1}', secret, nowMs })).toEqual({ valid: true });
    expect(verifyDelivery({ headers: new Headers({ ...signed }), body: '{"a":1}', secret, nowMs }).valid).toBe(true);
  });

  it('accepts a list of signatures when one v1 entry matches (WHS-002)', () => {
    const headers = { ...signed, 'webhook-signature': `v0,abc v1,bm90IGl0 ${signed['webhook-signature']}` };
    expect(verifyDelivery({ headers, body: '{"a":1}', secret, nowMs }).valid).toBe(true);
  });

  it('rejects a changed body, another secret, missing headers and a bad secret', () => {
    const other = `whsec_${Buffer.from('another key').toString('base64')}`;
    expect(verifyDelivery({ headers: signed, body: '{"a": 1}', secret, nowMs })).toMatchObject({
      reason: 'no-matching-signature',
    });
    expect(verifyDelivery({ headers: signed, body: '{"a":1}', secret: other, nowMs })).toMatchObject({
      reason: 'no-matching-signature',
    });
    const { 'webhook-id': _, ...noId } = signed;
    expect(verifyDelivery({ headers: noId, body: '{"a":1}', secret, nowMs })).toMatchObject({
      reason: 'missing-headers',
    });
    expect(verifyDelivery({ headers: signed, body: '{"a":1}', secret: 'plain', nowMs })).toMatchObject({
      reason: 'invalid-secret',
    });
  });

  it('rejects a timestamp more than 5 minutes from the clock it is given (WHS-004)', () => {
    const check = (offsetMs: number) =>
      verifyDelivery({ headers: signed, body: '{"a":1}', secret, nowMs: nowMs + offsetMs });
    expect(check(300_000).valid).toBe(true);
    expect(check(301_000)).toMatchObject({ reason: 'timestamp-too-old' });
    expect(check(-300_000).valid).toBe(true);
    expect(check(-301_000)).toMatchObject({ reason: 'timestamp-too-new' });
  });

  it('takes only whsec_ secrets with a non-empty base64 key', () => {
    expect(isWebhookSecret(secret)).toBe(true);
    for (const bad of ['whsec_', 'whsec_not base64', 'secret_abc=', 'whsec_a_b', 'whsec_abc']) {
      expect(isWebhookSecret(bad), bad).toBe(false);
      expect(() => signDelivery({ id: 'evt_1', timestampSeconds: 1, body: '', secret: bad })).toThrow(TypeError);
    }
  });
});

describe('deliveries in-process, under msw', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  it('reach the real receiver through bypass, without msw marker headers, while msw serves the API', async () => {
    const receiver = await startReceiver();
    const { mock, dispatcher } = setup(receiver);
    server.resetHandlers(...mock.handlers);
    const token = await fetch('http://mock.test/oauth/token', {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'c', client_secret: 'secret-123' }),
    });
    expect(token.status).toBe(200);
    const eventId = emitOrganizationCreated(mock);
    await dispatcher.runDue();
    expect(dispatcher.deliveries(eventId)).toMatchObject([{ attempt: 1, status: 'Success', response_status: 200 }]);
    expect(receiver.received).toHaveLength(1);
    const headers = receiver.received[0]?.headers ?? {};
    expect(JSON.stringify(headers)).not.toMatch(/msw|passthrough/i);
    expect(headers['x-msw-intention']).toBeUndefined();
  });
});

describe('deliveries without msw', () => {
  it('are signed POSTs that standardwebhooks and the SDK verify (WHS-001..WHS-003, WHD-016)', async () => {
    const receiver = await startReceiver();
    // The SDK and standardwebhooks check the timestamp against the real time, so the mock clock starts there.
    const clock = new ManualClock(Date.now());
    const { mock, dispatcher } = setup(receiver, { clock });
    const eventId = emitOrganizationCreated(mock);
    await dispatcher.runDue();
    const delivery = receiver.received[0];
    expect(delivery?.method).toBe('POST');
    expect(header(delivery, 'content-type')).toBe('application/json');
    expect(header(delivery, 'webhook-id')).toBe(eventId);
    expect(header(delivery, 'webhook-timestamp')).toBe(String(Math.floor(clock.now() / 1000)));
    expect(header(delivery, 'accept')).not.toMatch(/msw/);
    const body = delivery?.body ?? '';
    const headers = delivery?.headers as Record<string, string>;
    expect(new Webhook(secret).verify(body, headers)).toMatchObject({ id: eventId, type: 'organization.created' });
    const sdk = new ScalekitClient('http://sdk.invalid', 'c', 'secret-123');
    expect(sdk.verifyWebhookPayload(secret, headers, body)).toBe(true);
    expect(verifyDelivery({ headers, body, secret, nowMs: clock.now() })).toEqual({ valid: true });
    expect(() => sdk.verifyWebhookPayload(secret, headers, `${body} `)).toThrow(/Invalid Signature/);
  });

  it('stamp webhook-timestamp from the mock clock, not the real one (clock hook)', async () => {
    const receiver = await startReceiver();
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const { mock, dispatcher } = setup(receiver, { clock });
    emitOrganizationCreated(mock);
    await dispatcher.runDue();
    const delivery = receiver.received[0];
    expect(header(delivery, 'webhook-timestamp')).toBe(String(Date.UTC(2026, 0, 1) / 1000));
    const headers = delivery?.headers as Record<string, string>;
    const body = delivery?.body ?? '';
    expect(verifyDelivery({ headers, body, secret, nowMs: clock.now() }).valid).toBe(true);
    // A receiver that compares with its own (real) clock sees a stale timestamp.
    expect(() =>
      new ScalekitClient('http://sdk.invalid', 'c', 's').verifyWebhookPayload(secret, headers, body),
    ).toThrow(/too old/);
  });

  it('carry payloads that validate against the spec webhook schema of their type (WHP-001..WHP-007)', async () => {
    const receiver = await startReceiver();
    const { mock, dispatcher } = setup(receiver);
    const orgId = mock.state.id('org_');
    emitOrganizationCreated(mock);
    mock.state.emit(
      'organization.directory.user_created',
      'DirectoryUser',
      { id: mock.state.id('diruser_'), organization_id: orgId, email: 'ada@example.com' },
      orgId,
    );
    mock.state.emit('role.created', 'Role', { id: mock.state.id('role_'), name: 'viewer' });
    await dispatcher.runDue();
    expect(receiver.received.map((r) => (JSON.parse(r.body) as { type: string }).type)).toEqual([
      'organization.created',
      'organization.directory.user_created',
      'role.created',
    ]);
    for (const r of receiver.received) validateEvent(r.body);
  });

  it('leave the API handler without waiting: attempt 1 is Queued until it is sent', async () => {
    const receiver = await startReceiver();
    const { mock, dispatcher } = setup(receiver);
    const eventId = emitOrganizationCreated(mock);
    expect(receiver.received).toHaveLength(0);
    expect(dispatcher.deliveries(eventId)).toEqual([
      { event_id: eventId, event_type: 'organization.created', attempt: 1, status: 'Queued', at: mock.state.nowIso() },
    ]);
    await dispatcher.runDue();
    expect(dispatcher.deliveries(eventId)).toMatchObject([{ attempt: 1, status: 'Success', response_status: 200 }]);
  });

  it.each(retryProfileNames)('follow the %s profile exactly on the mock clock, then stop as Failed', async (name) => {
    const receiver = await startReceiver(() => 500);
    const { mock, dispatcher, clock } = setup(receiver, { profile: name });
    const manual = clock as ManualClock;
    const start = mock.state.clock.now();
    const eventId = emitOrganizationCreated(mock);
    await dispatcher.runDue();
    const offsets = attemptOffsets(retryProfiles[name]);
    for (const [index, offset] of offsets.entries()) {
      if (index === 0) continue;
      manual.advance(start + offset - 1 - mock.state.clock.now());
      await dispatcher.runDue();
      expect(receiver.received, `no attempt ${index + 1} 1 ms before it is due`).toHaveLength(index);
      manual.advance(1);
      await dispatcher.runDue();
      expect(receiver.received, `attempt ${index + 1} at +${offset} ms`).toHaveLength(index + 1);
      expect(header(receiver.received[index], 'webhook-timestamp')).toBe(String(Math.floor((start + offset) / 1000)));
    }
    manual.advance(30 * 24 * 3_600_000);
    await dispatcher.runDue();
    expect(receiver.received).toHaveLength(offsets.length);
    expect(new Set(receiver.received.map((r) => header(r, 'webhook-id')))).toEqual(new Set([eventId]));
    expect(new Set(receiver.received.map(bodyId))).toEqual(new Set([eventId]));
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    const deliveries = dispatcher.deliveries(eventId);
    expect(deliveries.map((d) => d.status)).toEqual([...offsets.slice(1).map(() => 'Retrying'), 'Failed']);
    expect(deliveries.map((d) => d.attempt)).toEqual(offsets.map((_, i) => i + 1));
    expect(deliveries.map((d) => Date.parse(d.at) - start)).toEqual(offsets);
    expect(deliveries.every((d) => d.response_status === 500)).toBe(true);
  });

  it('send every attempt that fell due during one long advance, in order', async () => {
    const receiver = await startReceiver(() => 503);
    const { mock, dispatcher, clock } = setup(receiver);
    const eventId = emitOrganizationCreated(mock);
    await dispatcher.runDue();
    (clock as ManualClock).advance(3_600_000);
    await dispatcher.runDue();
    expect(dispatcher.deliveries(eventId).map((d) => [d.attempt, d.status])).toEqual([
      [1, 'Retrying'],
      [2, 'Retrying'],
      [3, 'Retrying'],
      [4, 'Failed'],
    ]);
  });

  it('stop retrying once the receiver answers 2xx (WHD-002, WHD-003)', async () => {
    const receiver = await startReceiver((i) => [500, 500, 200][i] ?? 500);
    const { mock, dispatcher, clock } = setup(receiver);
    const eventId = emitOrganizationCreated(mock);
    await dispatcher.runDue();
    for (let i = 0; i < 4; i += 1) {
      (clock as ManualClock).advance(15 * 60_000);
      await dispatcher.runDue();
    }
    expect(dispatcher.deliveries(eventId).map((d) => [d.status, d.response_status])).toEqual([
      ['Retrying', 500],
      ['Retrying', 500],
      ['Success', 200],
    ]);
    expect(receiver.received).toHaveLength(3);
  });

  it.each([200, 201, 202, 204])('do not retry after a %i', async (status) => {
    const receiver = await startReceiver(() => status);
    const { mock, dispatcher, clock } = setup(receiver);
    const eventId = emitOrganizationCreated(mock);
    await dispatcher.runDue();
    (clock as ManualClock).advance(24 * 3_600_000);
    await dispatcher.runDue();
    expect(receiver.received).toHaveLength(1);
    expect(dispatcher.deliveries(eventId)).toMatchObject([{ status: 'Success', response_status: status }]);
  });

  it("retry a 204 under the '200-201' success set (C-06)", async () => {
    const receiver = await startReceiver((i) => (i === 0 ? 204 : 201));
    const { mock, dispatcher, clock } = setup(receiver, { successSet: '200-201' });
    const eventId = emitOrganizationCreated(mock);
    await dispatcher.runDue();
    (clock as ManualClock).advance(60_000);
    await dispatcher.runDue();
    expect(dispatcher.deliveries(eventId).map((d) => [d.status, d.response_status])).toEqual([
      ['Retrying', 204],
      ['Success', 201],
    ]);
  });

  it('count a receiver slower than the timeout as a failed attempt (WHD-010)', async () => {
    // Wide margins both ways, so a loaded machine neither answers the slow attempt in time nor misses the fast one.
    const receiver = await startReceiver((i) => (i === 0 ? { status: 200, delayMs: 2_000 } : 200));
    const { mock, dispatcher, clock } = setup(receiver, { timeoutMs: 400 });
    const eventId = emitOrganizationCreated(mock);
    await dispatcher.runDue();
    const [first] = dispatcher.deliveries(eventId);
    expect(first?.status).toBe('Retrying');
    expect(first?.response_status).toBeUndefined();
    (clock as ManualClock).advance(60_000);
    await dispatcher.runDue();
    expect(dispatcher.deliveries(eventId).map((d) => d.status)).toEqual(['Retrying', 'Success']);
  });

  it('count an unreachable receiver as a failed attempt', async () => {
    const closed = await startReceiver();
    await closed.close();
    const { mock, dispatcher } = setup(closed);
    const eventId = emitOrganizationCreated(mock);
    await dispatcher.runDue();
    expect(dispatcher.deliveries(eventId)).toEqual([expect.objectContaining({ attempt: 1, status: 'Retrying' })]);
    expect(dispatcher.deliveries(eventId)[0]?.response_status).toBeUndefined();
  });

  it('skip event types the endpoint does not subscribe to (WHD-016)', async () => {
    const receiver = await startReceiver();
    const { mock, dispatcher } = setup(receiver, { events: ['organization.created'] });
    mock.state.emit('role.created', 'Role', { id: 'role_1', name: 'viewer' });
    const eventId = emitOrganizationCreated(mock);
    await dispatcher.runDue();
    expect(receiver.received.map(bodyId)).toEqual([eventId]);
    expect(dispatcher.deliveries().map((d) => d.event_type)).toEqual(['organization.created']);
  });

  it('deliver nothing while no endpoint is registered', async () => {
    const receiver = await startReceiver();
    const { mock, dispatcher } = setup(receiver);
    webhookEndpoint(mock.state).current = undefined;
    emitOrganizationCreated(mock);
    await dispatcher.runDue();
    expect(receiver.received).toHaveLength(0);
    expect(dispatcher.deliveries()).toEqual([]);
  });

  it('leave in the order the events were created, retries included (WHD-005)', async () => {
    const receiver = await startReceiver((i) => (i === 0 ? 500 : 200));
    const { mock, dispatcher, clock } = setup(receiver);
    const ids = ['A', 'B', 'C'].map((name) => emitOrganizationCreated(mock, name));
    await dispatcher.runDue();
    expect(receiver.received.map(bodyId)).toEqual(ids);
    (clock as ManualClock).advance(60_000);
    const late = emitOrganizationCreated(mock, 'D');
    await dispatcher.runDue();
    expect(receiver.received.map(bodyId)).toEqual([...ids, ids[0], late]);
  });

  it('keep the profile an event was queued with; setProfile applies to later events', async () => {
    const receiver = await startReceiver(() => 500);
    const { mock, dispatcher, clock } = setup(receiver);
    const seedEvent = emitOrganizationCreated(mock);
    dispatcher.setProfile('scim-8');
    const scimEvent = emitOrganizationCreated(mock);
    await dispatcher.runDue();
    (clock as ManualClock).advance(5_000);
    await dispatcher.runDue();
    expect(dispatcher.deliveries(seedEvent)).toHaveLength(1);
    expect(dispatcher.deliveries(scimEvent)).toHaveLength(2);
  });

  it('drop records and pending retries when the state is reset', async () => {
    const receiver = await startReceiver(() => 500);
    const { mock, dispatcher, clock } = setup(receiver);
    emitOrganizationCreated(mock);
    await dispatcher.runDue();
    mock.state.reset();
    webhookEndpoint(mock.state).current = { url: receiver.url, secret };
    (clock as ManualClock).advance(3_600_000);
    await dispatcher.runDue();
    expect(receiver.received).toHaveLength(1);
    expect(dispatcher.deliveries()).toEqual([]);
  });

  it('stop delivering once closed', async () => {
    const receiver = await startReceiver(() => 500);
    const { mock, dispatcher, clock } = setup(receiver);
    const eventId = emitOrganizationCreated(mock);
    await dispatcher.runDue();
    await dispatcher.close();
    (clock as ManualClock).advance(3_600_000);
    emitOrganizationCreated(mock);
    await dispatcher.runDue();
    expect(receiver.received.map(bodyId)).toEqual([eventId]);
    expect(dispatcher.deliveries().map((d) => [d.event_id, d.status])).toEqual([[eventId, 'Retrying']]);
  });
});

describe('retries on a real clock', () => {
  it('happen by themselves through a timer, with nobody calling runDue', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    const statuses: number[] = [];
    const send: SendDelivery = async () => {
      statuses.push(statuses.length < 2 ? 500 : 200);
      return { status: statuses.at(-1) ?? 0 };
    };
    const { mock, dispatcher } = setup({ url: 'http://receiver.invalid/' }, { clock: systemClock, send });
    const eventId = emitOrganizationCreated(mock);
    await vi.advanceTimersByTimeAsync(0);
    expect(statuses).toEqual([500]);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(statuses).toEqual([500]);
    await vi.advanceTimersByTimeAsync(1);
    expect(statuses).toEqual([500, 500]);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(dispatcher.deliveries(eventId).map((d) => d.status)).toEqual(['Retrying', 'Retrying', 'Success']);
  });
});
