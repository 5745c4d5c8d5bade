import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { type ServedMock, serveMock } from '../../src/mock/http-server.js';
import { createMock, type Mock } from '../../src/mock/index.js';
import { clientCredentialsToken } from '../support/token.js';

// Drives every control hook of the standalone mock over a loopback socket, with the request and response shapes
// the target contract fixes (RUNNING.md, part 2).

const credentials = { clientId: 'skc_hooks', clientSecret: 'hooks-secret-123' };
let mock: Mock;
let served: ServedMock;
let token: string;
const clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
/** How far the clock hook has moved the mock ahead of its base clock. */
const mockOffset = () => mock.state.clock.now() - clock.now();

async function call(method: string, path: string, body?: unknown, bearer: string | null = token) {
  const response = await fetch(`${served.url}/_conformance/v1${path}`, {
    method,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

beforeAll(async () => {
  mock = createMock({ clock, credentials, seed: 3 });
  served = await serveMock(mock);
  token = await clientCredentialsToken(served.url, credentials);
});
afterAll(() => served.close());

describe('control hooks of the standalone mock', () => {
  it('refuses every hook without the bearer token', async () => {
    for (const [method, path] of [
      ['GET', ''],
      ['POST', '/reset'],
      ['GET', '/environment'],
      ['GET', '/redirects/callback'],
      ['PUT', '/login'],
      ['POST', '/auth-requests'],
      ['GET', '/email/outbox'],
      ['GET', '/webhooks/deliveries'],
      ['GET', '/clock'],
      ['GET', '/passwordless'],
      ['GET', '/email/templates/SIGNIN'],
      ['GET', '/webhooks/endpoint'],
      ['DELETE', '/webhooks/endpoint'],
      ['GET', '/idle'],
    ] as const) {
      expect((await call(method, path, undefined, null)).status, `${method} ${path}`).toBe(401);
    }
  });

  it('discover lists version 1 and the hooks it implements', async () => {
    const { status, json } = await call('GET', '');
    expect(status).toBe(200);
    expect(json).toEqual({
      version: 1,
      hooks: [
        'reset',
        'environment',
        'redirects',
        'login',
        'auth-requests',
        'email',
        'webhooks',
        'clock',
        'passwordless',
        'idle',
        'idp-initiated-login',
        'initiate-login',
        'interceptors',
        'public-clients',
        'rate-limit',
        'faults',
      ],
    });
  });

  it('environment sets and reads the kind, and refuses any other value', async () => {
    expect(await call('PUT', '/environment', { kind: 'production' })).toEqual({
      status: 200,
      json: { kind: 'production' },
    });
    expect(await call('GET', '/environment')).toEqual({ status: 200, json: { kind: 'production' } });
    expect((await call('PUT', '/environment', { kind: 'staging' })).status).toBe(400);
    await call('PUT', '/environment', { kind: 'development' });
  });

  it('redirects accepts URIs valid for the current kind and rejects all-or-nothing with the broken rules', async () => {
    const uris = ['https://app.example.com/callback', 'http://localhost:3000/callback'];
    expect(await call('PUT', '/redirects/callback', { uris })).toEqual({ status: 200, json: { uris } });
    await call('PUT', '/environment', { kind: 'production' });
    const rejected = await call('PUT', '/redirects/callback', {
      uris: ['https://ok.example.com/cb', 'http://localhost:3000/callback'],
    });
    expect(rejected).toEqual({
      status: 400,
      json: { rejected: [{ uri: 'http://localhost:3000/callback', rules: ['RDR-004', 'RDR-005'] }] },
    });
    expect(await call('GET', '/redirects/callback')).toEqual({ status: 200, json: { uris } });
    await call('PUT', '/environment', { kind: 'development' });
  });

  it('login scripts the decision the authorize endpoint will take', async () => {
    const { status, json } = await call('PUT', '/login', { email: 'ada@example.test', decision: 'deny' });
    expect(status).toBe(200);
    expect(json).toMatchObject({ email: 'ada@example.test', decision: 'deny' });
    expect((await call('PUT', '/login', { email: 'ada@example.test', decision: 'maybe' })).status).toBe(400);
  });

  it('auth-requests stores entries with IDs, all or nothing, and the list operation serves them', async () => {
    const entries = [
      { status: 'FAILED', email: 'hooks@example.test', timestamp: '2026-06-01T11:00:00Z', client_id: 'skc_hooks_1' },
      { status: 'SUCCESS', email: 'hooks@example.test', timestamp: '2026-06-01T11:30:00Z' },
    ];
    const { status, json } = await call('POST', '/auth-requests', { entries });
    expect(status).toBe(201);
    const stored = json?.entries as { auth_request_id: string; status: string }[];
    expect(stored.map((e) => e.status)).toEqual(['FAILED', 'SUCCESS']);
    expect(stored.every((e) => /^ar_/.test(e.auth_request_id))).toBe(true);
    expect(
      (await call('POST', '/auth-requests', { entries: [{ status: 'FAILURE', email: 'x', timestamp: 'now' }] })).status,
    ).toBe(400);
    const list = await fetch(
      `${served.url}/api/v1/logs/authentication/requests?status=FAILED&email=hooks@example.test`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    const body = (await list.json()) as { authRequests: { status: string }[]; total_size: number };
    expect(body.total_size).toBe(1);
    expect(body.authRequests.map((e) => e.status)).toEqual(['FAILED']);
  });

  it('email stores a template, restores the default on DELETE, and serves the outbox', async () => {
    const template = { subject: 'Hi {{ user_name }}', html: '<p>{{ otp }}</p>', text: '{{ otp }}' };
    expect(await call('PUT', '/email/templates/SIGNIN', template)).toEqual({ status: 200, json: template });
    expect((await call('PUT', '/email/templates/SIGNIN', { subject: 1 })).status).toBe(400);
    expect((await call('PUT', '/email/templates/WELCOME', template)).status).toBe(404);
    // The read extension: the template in force, null once the default is back.
    expect(await call('GET', '/email/templates/SIGNIN')).toEqual({ status: 200, json: { template } });
    expect((await call('GET', '/email/templates/WELCOME')).status).toBe(404);
    expect((await call('DELETE', '/email/templates/SIGNIN')).status).toBe(200);
    expect(await call('GET', '/email/templates/SIGNIN')).toEqual({ status: 200, json: { template: null } });
    expect(await call('GET', '/email/outbox?to=nobody@example.test')).toEqual({ status: 200, json: { messages: [] } });
  });

  it('passwordless changes only the settings given, refuses other values, and reset restores the defaults', async () => {
    const defaults = { type: 'OTP', regenerate_on_resend: true, enforce_same_browser_origin: false };
    expect(await call('GET', '/passwordless')).toEqual({ status: 200, json: defaults });
    expect(await call('PUT', '/passwordless', { type: 'LINK' })).toEqual({
      status: 200,
      json: { ...defaults, type: 'LINK' },
    });
    for (const bad of [{ type: 'MAGIC' }, { regenerate_on_resend: 'yes' }, []]) {
      expect((await call('PUT', '/passwordless', bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await call('GET', '/passwordless')).json).toEqual({ ...defaults, type: 'LINK' });
    await call('POST', '/reset');
    expect((await call('GET', '/passwordless')).json).toEqual(defaults);
  });

  it('webhooks registers an endpoint and lists deliveries', async () => {
    const endpoint = {
      url: 'http://127.0.0.1:9/hook',
      secret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=',
      events: ['organization.created'],
    };
    const { status, json } = await call('PUT', '/webhooks/endpoint', endpoint);
    expect(status).toBe(200);
    expect(json).toEqual({ url: endpoint.url, events: endpoint.events });
    expect(JSON.stringify(json)).not.toContain('whsec_');
    expect((await call('PUT', '/webhooks/endpoint', { url: 'ftp://x', secret: 'nope' })).status).toBe(400);
    // The read and remove extensions: the registration as given (secret included, to register it again), then none.
    expect(await call('GET', '/webhooks/endpoint')).toEqual({ status: 200, json: { endpoint } });
    expect((await call('DELETE', '/webhooks/endpoint')).status).toBe(204);
    expect(await call('GET', '/webhooks/endpoint')).toEqual({ status: 200, json: { endpoint: null } });
    expect(await call('GET', '/webhooks/deliveries?event_id=evt_none')).toEqual({
      status: 200,
      json: { deliveries: [] },
    });
  });

  it('webhooks delivers an emitted event to the endpoint and retries it when the clock hook moves time', async () => {
    const answers = [500, 204];
    const received: { id: string | undefined; body: string }[] = [];
    let notify: () => void = () => {};
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({ id: req.headers['webhook-id'] as string | undefined, body });
        res.writeHead(answers.shift() ?? 200).end();
        notify();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      const secret = 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=';
      expect((await call('PUT', '/webhooks/endpoint', { url, secret, events: ['organization.created'] })).status).toBe(
        200,
      );
      const firstDelivery = new Promise<void>((resolve) => {
        notify = resolve;
      });
      const created = await fetch(`${served.url}/api/v1/organizations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ display_name: 'Hooked Inc' }),
      });
      expect(created.status).toBe(201);
      await firstDelivery;
      const eventId = (JSON.parse(received[0]?.body ?? '{}') as { id: string }).id;
      expect(eventId).toMatch(/^evt_/);
      // The retry is due a minute later on the mock clock; the advance answers only after it was sent.
      await call('POST', '/clock/advance', { ms: 60_000 });
      expect(received.map((r) => r.id)).toEqual([eventId, eventId]);
      const { json } = await call('GET', `/webhooks/deliveries?event_id=${eventId}`);
      const deliveries = json?.deliveries as { attempt: number; status: string; response_status?: number }[];
      expect(deliveries.map((d) => [d.attempt, d.status, d.response_status])).toEqual([
        [1, 'Retrying', 500],
        [2, 'Success', 204],
      ]);
    } finally {
      receiver.close();
      await call('POST', '/reset');
    }
  });

  it('idle is false while a delivery is due or waits for its receiver, true once it was answered', async () => {
    let answer: () => void = () => {};
    let arrived: () => void = () => {};
    const arrival = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    // The receiver holds its answer until the test lets it go.
    const receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        answer = () => res.writeHead(204).end();
        arrived();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      expect(await call('GET', '/idle')).toEqual({ status: 200, json: { idle: true } });
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      const secret = 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=';
      await call('PUT', '/webhooks/endpoint', { url, secret, events: ['organization.created'] });
      const created = await fetch(`${served.url}/api/v1/organizations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ display_name: 'Idle Inc' }),
      });
      expect(created.status).toBe(201);
      await arrival;
      expect(await call('GET', '/idle')).toEqual({ status: 200, json: { idle: false } });
      answer();
      // The answer reaches the mock on its own time: ask until it says so (a few requests, bounded).
      let idle = (await call('GET', '/idle')).json;
      for (let asked = 1; idle?.idle === false && asked < 200; asked += 1) idle = (await call('GET', '/idle')).json;
      expect(idle).toEqual({ idle: true });
    } finally {
      receiver.close();
      await call('POST', '/reset');
    }
  });

  it('clock reads the mock time and moves it forward, never back', async () => {
    const before = Date.parse(String((await call('GET', '/clock')).json?.now));
    expect(before).toBe(clock.now() + mockOffset());
    const later = new Date(before + 90_000).toISOString();
    expect(await call('POST', '/clock/advance', { ms: 90_000 })).toEqual({ status: 200, json: { now: later } });
    expect((await call('POST', '/clock/advance', { ms: -1 })).status).toBe(400);
    expect(await call('GET', '/clock')).toEqual({ status: 200, json: { now: later } });
  });

  it('faults switches seeded faults on and off by name', async () => {
    expect(await call('PUT', '/faults', { faults: ['auth-logs.no-auth-required'] })).toEqual({
      status: 200,
      json: { active: ['auth-logs.no-auth-required'] },
    });
    const open = await fetch(`${served.url}/api/v1/logs/authentication/requests`);
    expect(open.status).toBe(200);
    expect((await call('PUT', '/faults', { faults: ['no-such-fault'] })).status).toBe(400);
    await call('PUT', '/faults', { faults: [] });
    expect((await fetch(`${served.url}/api/v1/logs/authentication/requests`)).status).toBe(401);
  });

  it('reset drops data created through the hooks but keeps the clock and the token', async () => {
    await call('PUT', '/redirects/post_logout', { uris: ['https://app.example.com/bye'] });
    expect((await call('POST', '/reset')).status).toBe(204);
    expect(await call('GET', '/redirects/post_logout')).toEqual({ status: 200, json: { uris: [] } });
    expect(mock.state.authRequests).toEqual([]);
    const clockBefore = mock.state.nowIso();
    expect((await call('POST', '/reset')).status).toBe(204);
    expect((await call('GET', '/clock')).json).toEqual({ now: clockBefore });
  });
});
