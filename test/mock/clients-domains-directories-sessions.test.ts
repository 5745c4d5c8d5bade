import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { passwordlessSettings } from '../../src/mock/control-state.js';
import { passwordlessOutbox } from '../../src/mock/handlers/passwordless.js';
import { seedSession } from '../../src/mock/handlers/sessions.js';
import { createMock, type Mock } from '../../src/mock/index.js';
import type { EmittedEvent } from '../../src/mock/state.js';
import { readSpecFile } from '../../src/spec/document.js';
import { SchemaRegistry } from '../../src/spec/schemas.js';

// Every operation of helper B's modules against a fresh mock: each response body is validated against the spec
// schema for its status (ErrorInfo for the error statuses the spec leaves undeclared), each emitted webhook
// against its event schema, and each resource is followed through create, read, list, update and delete.

const base = 'http://mock.test';
const credentials = { clientId: 'c', clientSecret: 'secret-123' };
const document = readSpecFile(process.env.SCALEKIT_OPENAPI ?? '').document;
const registry = new SchemaRegistry(document);
const errorInfoSchema = { $ref: '#/components/schemas/errdetailsErrorInfo' };
// Real organizations and users, made in beforeEach: the modules check that the ones they are given exist.
let org: string;
let otherOrg: string;
let user: string;
let otherUser: string;

const server = setupServer();
let clock: ManualClock;
let mock: Mock;
let token: string;
let events: EmittedEvent[];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 0, 1));
  mock = createMock({ clock, credentials, seed: 7 });
  server.resetHandlers(...mock.handlers);
  events = [];
  mock.state.onEvent((event) => events.push(event));
  const response = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...credentialsForm() }),
  });
  token = ((await response.json()) as { access_token: string }).access_token;
  org = (await call('post', '/api/v1/organizations', { body: { display_name: 'Acme' } })).body.organization.id;
  otherOrg = (await call('post', '/api/v1/organizations', { body: { display_name: 'Other' } })).body.organization.id;
  const member = (email: string) =>
    call('post', '/api/v1/organizations/{organization_id}/users', {
      params: { organization_id: org },
      query: { send_invitation_email: false },
      body: { email },
    });
  user = (await member('ada@example.com')).body.user.id;
  otherUser = (await member('alan@example.com')).body.user.id;
  // The tests count the events they cause themselves.
  events.length = 0;
});

// Every event a test caused must match its webhook's schema.
afterEach(() => {
  type Webhook = { post: { requestBody: { content: Record<string, { schema?: unknown }> } } };
  const webhooks = document.webhooks as Record<string, Webhook>;
  for (const event of events) {
    const schema = webhooks[event.type]?.post.requestBody.content['application/json']?.schema;
    expect(schema, `webhook ${event.type} exists`).toBeDefined();
    expect(registry.validate(schema, event.payload), `${event.type} payload`).toEqual([]);
  }
});

function credentialsForm() {
  return { client_id: credentials.clientId, client_secret: credentials.clientSecret };
}

type Method = 'get' | 'post' | 'patch' | 'delete';
type Query = Record<string, string | number | boolean | (string | number)[]>;

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are validated against the spec, then read freely
  body: any;
}

/** Calls one spec operation and checks the body against the schema the spec gives for the returned status. */
async function call(
  method: Method,
  template: string,
  options: { params?: Record<string, string>; query?: Query; body?: unknown; auth?: boolean } = {},
): Promise<Answer> {
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(options.params?.[name] ?? `missing-${name}`),
  );
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(options.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  const headers: Record<string, string> = {};
  if (options.auth !== false) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}${search.size > 0 ? `?${search}` : ''}`, {
    method: method.toUpperCase(),
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const body = await response.json();
  const schema = registry.responseSchema(template, method, response.status) ?? errorInfoSchema;
  const violations = registry.validate(schema, body);
  expect(violations, `${method.toUpperCase()} ${path} → ${response.status}: ${JSON.stringify(body)}`).toEqual([]);
  if (response.status >= 400) expect(response.status, JSON.stringify(body)).toBeLessThan(500);
  return { status: response.status, body };
}

const eventTypes = () => events.map((e) => e.type);

describe('organization clients', () => {
  const clients = '/api/v1/organizations/{organization_id}/clients';
  const client = `${clients}/{client_id}`;
  const secrets = `${client}/secrets`;

  it('create, read, list, update, rotate secrets and delete', async () => {
    const created = await call('post', clients, {
      params: { organization_id: org },
      body: {
        name: 'Deploy bot',
        description: 'CI deployments',
        scopes: ['deploy:write'],
        audience: ['https://api.example.com'],
        custom_claims: [{ key: 'env', value: 'prod' }],
        expiry: '7200',
      },
    });
    expect(created.status).toBe(201);
    const id: string = created.body.client.client_id;
    const firstSecret: string = created.body.plain_secret;
    expect(id).toMatch(/^m2morg_/);
    expect(firstSecret.length).toBeGreaterThan(20);
    expect(created.body.client.secrets[0].plain_secret).toBe(firstSecret);
    expect(created.body.client.secrets[0].status).toBeUndefined();
    expect(created.body.client).toMatchObject({ organization_id: org, expiry: '7200', scopes: ['deploy:write'] });

    const read = await call('get', client, { params: { organization_id: org, client_id: id } });
    expect(read.status).toBe(200);
    expect(read.body.client.name).toBe('Deploy bot');
    expect(JSON.stringify(read.body)).not.toContain(firstSecret);
    expect(read.body.client.secrets[0].secret_suffix).toBe(firstSecret.slice(-4));

    const listed = await call('get', clients, { params: { organization_id: org } });
    expect(listed.body.clients.map((c: { client_id: string }) => c.client_id)).toEqual([id]);
    expect(listed.body.total_size).toBe(1);
    expect(JSON.stringify(listed.body)).not.toContain(firstSecret);
    expect((await call('get', clients, { params: { organization_id: otherOrg } })).body.clients).toEqual([]);

    clock.advance(1000);
    const updated = await call('patch', client, {
      params: { organization_id: org, client_id: id },
      body: { name: 'Deploy bot v2', expiry: 600 },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.client).toMatchObject({ name: 'Deploy bot v2', description: 'CI deployments', expiry: '600' });
    const afterUpdate = await call('get', client, { params: { organization_id: org, client_id: id } });
    expect(afterUpdate.body.client.name).toBe('Deploy bot v2');
    expect(afterUpdate.body.client.update_time).not.toBe(afterUpdate.body.client.create_time);

    const second = await call('post', secrets, { params: { organization_id: org, client_id: id } });
    expect(second.status).toBe(201);
    expect(second.body.secret.id).toMatch(/^sec_/);
    expect(second.body.plain_secret).not.toBe(firstSecret);
    const third = await call('post', secrets, { params: { organization_id: org, client_id: id } });
    expect(third.status).toBe(400);

    const firstSecretId: string = afterUpdate.body.client.secrets[0].id;
    const removed = await call('delete', `${secrets}/{secret_id}`, {
      params: { organization_id: org, client_id: id, secret_id: firstSecretId },
    });
    expect(removed.status).toBe(200);
    const afterRemoval = await call('get', client, { params: { organization_id: org, client_id: id } });
    expect(afterRemoval.body.client.secrets.map((s: { id: string }) => s.id)).toEqual([second.body.secret.id]);
    expect(JSON.stringify(afterRemoval.body)).not.toContain(second.body.plain_secret);
    const again = await call('delete', `${secrets}/{secret_id}`, {
      params: { organization_id: org, client_id: id, secret_id: firstSecretId },
    });
    expect(again.status).toBe(404);
    expect((await call('post', secrets, { params: { organization_id: org, client_id: id } })).status).toBe(201);

    expect((await call('delete', client, { params: { organization_id: org, client_id: id } })).status).toBe(200);
    expect((await call('get', client, { params: { organization_id: org, client_id: id } })).status).toBe(404);
    expect((await call('get', clients, { params: { organization_id: org } })).body.clients).toEqual([]);
  });

  it('enforces page_size 10..100 and pages with tokens', async () => {
    for (let i = 0; i < 12; i += 1) {
      await call('post', clients, { params: { organization_id: org }, body: { name: `client ${i}` } });
    }
    for (const size of [5, 101, -1]) {
      const refused = await call('get', clients, { params: { organization_id: org }, query: { page_size: size } });
      expect(refused.status, `page_size ${size}`).toBe(400);
    }
    const first = await call('get', clients, { params: { organization_id: org }, query: { page_size: 10 } });
    expect(first.body.clients).toHaveLength(10);
    expect(first.body.total_size).toBe(12);
    const next = await call('get', clients, {
      params: { organization_id: org },
      query: { page_size: 10, page_token: first.body.next_page_token },
    });
    expect(next.body.clients.map((c: { name: string }) => c.name)).toEqual(['client 10', 'client 11']);
    expect(next.body.next_page_token).toBe('');
  });

  it('refuses invalid input, unknown IDs and missing tokens', async () => {
    const params = { organization_id: org };
    expect((await call('post', clients, { params, body: {} })).status).toBe(400);
    expect((await call('post', clients, { params, body: { name: 'x'.repeat(129) } })).status).toBe(400);
    expect((await call('post', clients, { params, body: { name: 'a', scopes: 'all' } })).status).toBe(400);
    expect((await call('post', clients, { params, body: { name: 'a', expiry: 'soon' } })).status).toBe(400);
    expect((await call('post', clients, { params: { organization_id: 'acme' }, body: { name: 'a' } })).status).toBe(
      404,
    );
    expect((await call('get', client, { params: { ...params, client_id: 'm2morg_404' } })).status).toBe(404);
    expect((await call('get', clients, { params, auth: false })).status).toBe(401);
    const created = await call('post', clients, { params, body: { name: 'a' } });
    const elsewhere = { organization_id: otherOrg, client_id: created.body.client.client_id };
    expect((await call('get', client, { params: elsewhere })).status).toBe(404);
  });
});

describe('organization domains', () => {
  const domains = '/api/v1/organizations/{organization_id}/domains';
  const domain = `${domains}/{id}`;

  it('create, read, list, filter and delete, with events', async () => {
    const created = await call('post', domains, {
      params: { organization_id: org },
      body: { domain: 'Acme.COM', domain_type: 'ORGANIZATION_DOMAIN' },
    });
    expect(created.status).toBe(200);
    expect(created.body.domain).toMatchObject({
      domain: 'acme.com',
      domain_type: 'ORGANIZATION_DOMAIN',
      organization_id: org,
      environment_id: mock.state.environmentId,
      verification_status: 'PENDING',
    });
    const id: string = created.body.domain.id;
    expect(id).toMatch(/^dom_/);
    const allowed = await call('post', domains, {
      params: { organization_id: org },
      body: { domain: 'acme.io', domain_type: 'ALLOWED_EMAIL_DOMAIN' },
    });
    expect(allowed.body.domain.verification_status).toBe('AUTO_VERIFIED');

    const read = await call('get', domain, { params: { organization_id: org, id } });
    expect(read.body.domain).toEqual(created.body.domain);
    const listed = await call('get', domains, { params: { organization_id: org } });
    expect(listed.body.domains.map((d: { domain: string }) => d.domain)).toEqual(['acme.com', 'acme.io']);
    expect(listed.body).toMatchObject({ page_number: 0, page_size: 2 });
    const filtered = await call('get', domains, {
      params: { organization_id: org },
      query: { domain_type: 'ALLOWED_EMAIL_DOMAIN' },
    });
    expect(filtered.body.domains.map((d: { domain: string }) => d.domain)).toEqual(['acme.io']);
    const secondPage = await call('get', domains, {
      params: { organization_id: org },
      query: { page_size: 1, page_number: 1 },
    });
    expect(secondPage.body.domains.map((d: { domain: string }) => d.domain)).toEqual(['acme.io']);
    expect(secondPage.body.page_number).toBe(1);
    expect((await call('get', domain, { params: { organization_id: otherOrg, id } })).status).toBe(404);

    expect((await call('delete', domain, { params: { organization_id: org, id } })).status).toBe(200);
    expect((await call('get', domain, { params: { organization_id: org, id } })).status).toBe(404);
    expect((await call('delete', domain, { params: { organization_id: org, id } })).status).toBe(404);
    expect(eventTypes()).toEqual([
      'organization.domain_created',
      'organization.domain_created',
      'organization.domain_deleted',
    ]);
    expect(events[0]?.payload).toMatchObject({ organization_id: org, data: { id, domain: 'acme.com' } });
  });

  it('refuses duplicates, public and malformed domains and unknown types with 400', async () => {
    const params = { organization_id: org };
    expect((await call('post', domains, { params, body: { domain: 'acme.com' } })).status).toBe(200);
    expect((await call('post', domains, { params, body: { domain: 'ACME.com' } })).status).toBe(400);
    expect(
      (await call('post', domains, { params: { organization_id: otherOrg }, body: { domain: 'acme.com' } })).status,
    ).toBe(200);
    for (const body of [
      { domain: 'gmail.com' },
      { domain: 'not a domain' },
      { domain: 'localhost' },
      {},
      { domain: 'acme.dev', domain_type: 'PERSONAL' },
    ]) {
      expect((await call('post', domains, { params, body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await call('get', domains, { params, query: { domain_type: 'PERSONAL' } })).status).toBe(400);
    expect((await call('get', domains, { params, query: { page_number: -1 } })).status).toBe(400);
  });
});

describe('directories', () => {
  const directories = '/api/v1/organizations/{organization_id}/directories';
  const directory = `${directories}/{id}`;

  it('seeds one SCIM directory per organization, lists its users and groups, and toggles it with events', async () => {
    const listed = await call('get', directories, { params: { organization_id: org } });
    expect(listed.body.directories).toHaveLength(1);
    const seeded = listed.body.directories[0];
    expect(seeded).toMatchObject({ organization_id: org, directory_type: 'SCIM', enabled: false, total_users: 3 });
    expect(seeded.id).toMatch(/^dir_/);
    const id: string = seeded.id;
    const read = await call('get', directory, { params: { organization_id: org, id } });
    expect(read.body.directory).toEqual(seeded);
    expect((await call('get', directory, { params: { organization_id: otherOrg, id } })).status).toBe(404);

    const usersPath = `${directories}/{directory_id}/users`;
    const groupsPath = `${directories}/{directory_id}/groups`;
    const params = { organization_id: org, directory_id: id };
    const firstUsers = await call('get', usersPath, { params, query: { page_size: 2 } });
    expect(firstUsers.body.users).toHaveLength(2);
    expect(firstUsers.body.total_size).toBe(3);
    expect(firstUsers.body.users[0].id).toMatch(/^diruser_/);
    expect(firstUsers.body.users[0].user_detail).toBeUndefined();
    const restUsers = await call('get', usersPath, {
      params,
      query: { page_size: 2, page_token: firstUsers.body.next_page_token, include_detail: true },
    });
    expect(restUsers.body.users).toHaveLength(1);
    expect(restUsers.body.users[0].user_detail).toBeDefined();

    const groups = await call('get', groupsPath, { params, query: { include_detail: true } });
    expect(groups.body.groups.map((g: { display_name: string }) => g.display_name)).toEqual(['Engineering', 'Admins']);
    expect(groups.body.groups[0].id).toMatch(/^dirgroup_/);
    const admins = groups.body.groups[1].id;
    const inAdmins = await call('get', usersPath, { params, query: { directory_group_id: admins } });
    expect(inAdmins.body.users.map((u: { given_name: string }) => u.given_name)).toEqual(['Ada', 'Grace']);
    const later = await call('get', groupsPath, { params, query: { updated_after: '2027-01-01T00:00:00Z' } });
    expect(later.body.groups).toEqual([]);
    expect((await call('get', usersPath, { params, query: { updated_after: 'yesterday' } })).status).toBe(400);
    expect((await call('get', usersPath, { params, query: { include_detail: 'maybe' } })).status).toBe(400);
    expect((await call('get', usersPath, { params, query: { directory_group_id: 'dirgroup_404' } })).status).toBe(404);
    expect((await call('get', usersPath, { params: { ...params, directory_id: 'dir_404' } })).status).toBe(404);

    const enabled = await call('patch', `${directory}:enable`, { params: { organization_id: org, id } });
    expect(enabled.body).toEqual({ enabled: true });
    const twice = await call('patch', `${directory}:enable`, { params: { organization_id: org, id } });
    expect(twice.body.enabled).toBe(true);
    expect(twice.body.error_message).toContain('already enabled');
    expect((await call('get', directory, { params: { organization_id: org, id } })).body.directory.enabled).toBe(true);
    const disabled = await call('patch', `${directory}:disable`, { params: { organization_id: org, id } });
    expect(disabled.body).toEqual({ enabled: false });
    expect((await call('get', directory, { params: { organization_id: org, id } })).body.directory.enabled).toBe(false);
    expect(eventTypes()).toEqual(['organization.directory_enabled', 'organization.directory_disabled']);
    expect(events[0]?.payload).toMatchObject({ object: 'Directory', data: { id, enabled: true } });
    expect(
      (await call('patch', `${directory}:enable`, { params: { organization_id: org, id: 'dir_404' } })).status,
    ).toBe(404);
  });
});

describe('connections', () => {
  const connections = '/api/v1/connections';
  const connection = '/api/v1/organizations/{organization_id}/connections/{id}';

  it('seeds an OIDC connection, lists with filters, toggles and deletes it with events', async () => {
    const listed = await call('get', connections, { query: { organization_id: org } });
    expect(listed.body.connections).toHaveLength(1);
    const seeded = listed.body.connections[0];
    expect(seeded).toMatchObject({ organization_id: org, type: 'OIDC', enabled: true, status: 'COMPLETED' });
    const id: string = seeded.id;
    expect(id).toMatch(/^conn_/);

    const read = await call('get', connection, { params: { organization_id: org, id } });
    expect(read.body.connection).toMatchObject({ id, organization_id: org, type: 'OIDC', enabled: true });
    expect(read.body.connection.oidc_config.redirect_uri).toBe(`${base}/sso/v1/oidc/${id}/callback`);
    expect((await call('get', connection, { params: { organization_id: otherOrg, id } })).status).toBe(404);

    await call('post', '/api/v1/organizations/{organization_id}/domains', {
      params: { organization_id: org },
      body: { domain: 'acme.com', domain_type: 'ORGANIZATION_DOMAIN' },
    });
    const byDomain = await call('get', connections, { query: { domain: 'acme.com' } });
    expect(byDomain.body.connections.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(byDomain.body.connections[0].domains).toEqual(['acme.com']);
    expect(
      (await call('get', connection, { params: { organization_id: org, id } })).body.connection.domains,
    ).toHaveLength(1);
    expect((await call('get', connections, { query: { domain: 'other.com' } })).body.connections).toEqual([]);
    await call('get', connections, { query: { organization_id: otherOrg } });
    expect((await call('get', connections)).body.connections).toHaveLength(2);

    const disabled = await call('patch', `${connection}:disable`, { params: { organization_id: org, id } });
    expect(disabled.body).toEqual({ enabled: false });
    expect((await call('get', connections, { query: { organization_id: org } })).body.connections).toEqual([]);
    const all = await call('get', connections, { query: { organization_id: org, include: 'all' } });
    expect(all.body.connections.map((c: { enabled: boolean }) => c.enabled)).toEqual([false]);
    const again = await call('patch', `${connection}:disable`, { params: { organization_id: org, id } });
    expect(again.body.error_message).toContain('already disabled');
    const enabled = await call('patch', `${connection}:enable`, { params: { organization_id: org, id } });
    expect(enabled.body).toEqual({ enabled: true });
    expect((await call('get', connection, { params: { organization_id: org, id } })).body.connection.enabled).toBe(
      true,
    );

    expect((await call('delete', connection, { params: { organization_id: org, id } })).status).toBe(200);
    expect((await call('get', connection, { params: { organization_id: org, id } })).status).toBe(404);
    expect(
      (await call('get', connections, { query: { organization_id: org, include: 'all' } })).body.connections,
    ).toEqual([]);
    expect(eventTypes()).toEqual([
      'organization.domain_created',
      'organization.sso_disabled',
      'organization.sso_enabled',
      'organization.sso_deleted',
    ]);
    expect(events[1]?.payload).toMatchObject({ object: 'Connection', organization_id: org, data: { id } });
    expect((await call('get', connections, { query: { include: 'everything' } })).status).toBe(400);
    expect((await call('patch', `${connection}:enable`, { params: { organization_id: org, id } })).status).toBe(404);
  });
});

describe('sessions', () => {
  const session = '/api/v1/sessions/{session_id}';
  const userSessions = '/api/v1/users/{user_id}/sessions';

  it('reads, lists with OR-ed status and time filters, revokes one and all, with user.logout events', async () => {
    const first = seedSession(mock.state, user, { organization_id: org });
    clock.advance(60_000);
    const second = seedSession(mock.state, user);
    clock.advance(60_000);
    const loggedOut = seedSession(mock.state, user, { status: 'logout', logout_at: mock.state.nowIso() });
    seedSession(mock.state, otherUser);
    const ids = (answer: Answer) => answer.body.sessions.map((s: { session_id: string }) => s.session_id);

    const read = await call('get', session, { params: { session_id: first.session_id ?? '' } });
    expect(read.body).toMatchObject({ session_id: first.session_id, user_id: user, status: 'active' });
    expect(read.body.session_id).toMatch(/^ses_/);
    expect((await call('get', session, { params: { session_id: 'ses_404' } })).status).toBe(404);

    const all = await call('get', userSessions, { params: { user_id: user } });
    expect(ids(all)).toEqual([loggedOut.session_id, second.session_id, first.session_id]);
    expect(all.body.total_size).toBe(3);
    const paged = await call('get', userSessions, { params: { user_id: user }, query: { page_size: 2 } });
    expect(ids(paged)).toHaveLength(2);
    expect(paged.body.next_page_token).not.toBe('');

    const revoked = await call('post', `${session}/revoke`, { params: { session_id: first.session_id ?? '' } });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_session).toMatchObject({ session_id: first.session_id, status: 'revoked' });
    expect(revoked.body.revoked_session.expired_at).toBe(mock.state.nowIso());
    expect((await call('get', session, { params: { session_id: first.session_id ?? '' } })).body.status).toBe(
      'revoked',
    );
    expect((await call('post', `${session}/revoke`, { params: { session_id: first.session_id ?? '' } })).status).toBe(
      400,
    );

    const params = { user_id: user };
    expect(ids(await call('get', userSessions, { params, query: { 'filter.status': 'active' } }))).toEqual([
      second.session_id,
    ]);
    expect(ids(await call('get', userSessions, { params, query: { 'filter.status': ['revoked', 'logout'] } }))).toEqual(
      [loggedOut.session_id, first.session_id],
    );
    const window = {
      'filter.start_time': new Date(Date.UTC(2026, 0, 1, 0, 0, 30)).toISOString(),
      'filter.end_time': new Date(Date.UTC(2026, 0, 1, 0, 1, 30)).toISOString(),
    };
    expect(ids(await call('get', userSessions, { params, query: window }))).toEqual([second.session_id]);
    const backwards = {
      'filter.start_time': window['filter.end_time'],
      'filter.end_time': window['filter.start_time'],
    };
    expect((await call('get', userSessions, { params, query: backwards })).status).toBe(400);
    expect((await call('get', userSessions, { params, query: { 'filter.status': 'ACTIVE' } })).status).toBe(200);
    expect((await call('get', userSessions, { params, query: { 'filter.status': 'paused' } })).status).toBe(400);
    expect((await call('get', userSessions, { params, query: { 'filter.start_time': 'today' } })).status).toBe(400);
    expect((await call('get', userSessions, { params: { user_id: 'bob' } })).status).toBe(404);

    const third = seedSession(mock.state, user);
    const revokeAll = await call('post', `${userSessions}/revoke`, { params });
    expect(revokeAll.body.total_revoked).toBe(2);
    expect(revokeAll.body.revoked_sessions.map((s: { session_id: string }) => s.session_id).sort()).toEqual(
      [second.session_id, third.session_id].sort(),
    );
    expect((await call('post', `${userSessions}/revoke`, { params })).body.total_revoked).toBe(0);
    expect((await call('get', userSessions, { params, query: { 'filter.status': 'active' } })).body.sessions).toEqual(
      [],
    );
    expect(eventTypes()).toEqual(['user.logout', 'user.logout', 'user.logout']);
    expect(events[0]?.payload).toMatchObject({
      object: 'User',
      organization_id: org,
      data: { user: { id: user }, user_session: { session_id: first.session_id } },
    });
  });

  it('expires an idle session on the mock clock', async () => {
    const seeded = seedSession(mock.state, user);
    clock.advance(31 * 60_000);
    const read = await call('get', session, { params: { session_id: seeded.session_id ?? '' } });
    expect(read.body).toMatchObject({ status: 'expired', expired_at: seeded.idle_expires_at });
    expect((await call('post', `${session}/revoke`, { params: { session_id: seeded.session_id ?? '' } })).status).toBe(
      400,
    );
  });
});

describe('passwordless email', () => {
  const send = '/api/v1/passwordless/email/send';
  const resend = '/api/v1/passwordless/email/resend';
  const verify = '/api/v1/passwordless/email/verify';
  const email = 'jane@example.com';
  const lastOtp = () => passwordlessOutbox(mock.state).at(-1)?.otp ?? '';

  it('sends an OTP with the default expiry and verifies it once, returning the state', async () => {
    const sent = await call('post', send, { body: { email, state: 'st-123', template: 'SIGNUP' } });
    expect(sent.status).toBe(200);
    const nowSeconds = Math.floor(mock.state.clock.now() / 1000);
    expect(sent.body).toMatchObject({
      expires_in: 300,
      expires_at: String(nowSeconds + 300),
      passwordless_type: 'OTP',
    });
    expect(sent.body.auth_request_id).toMatch(/^[A-Za-z0-9]+$/);
    const message = passwordlessOutbox(mock.state).at(-1);
    expect(message).toMatchObject({ to: email, template: 'SIGNUP', auth_request_id: sent.body.auth_request_id });
    expect(message?.otp).toMatch(/^\d{6}$/);
    expect(message?.text).toContain(message?.otp ?? '-');

    const authRequestId: string = sent.body.auth_request_id;
    const wrong = message?.otp === '000000' ? '111111' : '000000';
    expect((await call('post', verify, { body: { auth_request_id: authRequestId, code: wrong } })).status).toBe(400);
    const verified = await call('post', verify, { body: { auth_request_id: authRequestId, code: lastOtp() } });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ email, state: 'st-123', template: 'SIGNUP', passwordless_type: 'OTP' });
    expect((await call('post', verify, { body: { auth_request_id: authRequestId, code: lastOtp() } })).status).toBe(
      400,
    );
    expect((await call('post', verify, { body: { auth_request_id: 'nope', code: '123456' } })).status).toBe(404);
    expect((await call('post', verify, { body: {} })).status).toBe(400);
    expect((await call('post', verify, { body: { code: '123456' } })).status).toBe(400);
  });

  it('honours expires_in and refuses an expired code', async () => {
    const sent = await call('post', send, { body: { email, expires_in: 120 } });
    expect(sent.body.expires_in).toBe(120);
    expect(Number(sent.body.expires_at)).toBe(Math.floor(mock.state.clock.now() / 1000) + 120);
    clock.advance(120_000);
    const late = await call('post', verify, { body: { auth_request_id: sent.body.auth_request_id, code: lastOtp() } });
    expect(late.status).toBe(400);
  });

  it('resends with a fresh code that replaces the old one', async () => {
    const sent = await call('post', send, { body: { email } });
    const oldCode = lastOtp();
    clock.advance(10_000);
    const again = await call('post', resend, { body: { auth_request_id: sent.body.auth_request_id } });
    expect(again.status).toBe(200);
    expect(again.body.auth_request_id).toBe(sent.body.auth_request_id);
    expect(Number(again.body.expires_at)).toBe(Number(sent.body.expires_at) + 10);
    const newCode = lastOtp();
    expect(passwordlessOutbox(mock.state)).toHaveLength(2);
    const id = sent.body.auth_request_id;
    if (oldCode !== newCode) {
      expect((await call('post', verify, { body: { auth_request_id: id, code: oldCode } })).status).toBe(400);
    }
    expect((await call('post', verify, { body: { auth_request_id: id, code: newCode } })).status).toBe(200);
    expect((await call('post', resend, { body: { auth_request_id: 'nope' } })).status).toBe(404);
    expect((await call('post', resend, { body: {} })).status).toBe(400);
  });

  it('allows two sends or resends per address per minute, then 429', async () => {
    const sent = await call('post', send, { body: { email } });
    expect((await call('post', resend, { body: { auth_request_id: sent.body.auth_request_id } })).status).toBe(200);
    expect((await call('post', send, { body: { email: 'JANE@example.com' } })).status).toBe(429);
    expect((await call('post', resend, { body: { auth_request_id: sent.body.auth_request_id } })).status).toBe(429);
    expect((await call('post', send, { body: { email: 'other@example.com' } })).status).toBe(200);
    clock.advance(60_000);
    expect((await call('post', send, { body: { email } })).status).toBe(200);
  });

  it('answers 429 to the sixth attempt after five wrong codes, even with the right code', async () => {
    const sent = await call('post', send, { body: { email } });
    const id = sent.body.auth_request_id;
    const right = lastOtp();
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i += 1) {
      expect((await call('post', verify, { body: { auth_request_id: id, code: wrong } })).status).toBe(400);
    }
    expect((await call('post', verify, { body: { auth_request_id: id, code: right } })).status).toBe(429);
  });

  it('sends a magic link to the given URI and verifies its link_token', async () => {
    // The default method is OTP, which emails no link even when given a magiclink_auth_uri.
    const otpOnly = await call('post', send, {
      body: { email: 'o@example.com', magiclink_auth_uri: 'https://a.test/v' },
    });
    expect(otpOnly.body.passwordless_type).toBe('OTP');
    expect(passwordlessOutbox(mock.state).at(-1)?.link).toBeUndefined();

    passwordlessSettings(mock.state).type = 'LINK_OTP';
    const sent = await call('post', send, {
      body: { email, magiclink_auth_uri: 'https://app.example.com/auth/callback', state: 's' },
    });
    const message = passwordlessOutbox(mock.state).at(-1);
    expect(message?.link).toMatch(/^https:\/\/app\.example\.com\/auth\/callback\?link_token=[0-9a-f-]{36}$/);
    const linkToken = new URL(message?.link ?? '').searchParams.get('link_token');
    const verified = await call('post', verify, { body: { link_token: linkToken } });
    expect(verified.body).toMatchObject({ email, state: 's' });
    expect((await call('post', verify, { body: { link_token: 'not-a-token' } })).status).toBe(400);
    expect(sent.body.passwordless_type).toBe('LINK_OTP');

    passwordlessSettings(mock.state).type = 'LINK';
    passwordlessSettings(mock.state).enforceSameBrowserOrigin = true;
    expect((await call('post', send, { body: { email: 'l@example.com' } })).status).toBe(400);
    const linkOnly = await call('post', send, {
      body: { email: 'l@example.com', magiclink_auth_uri: 'https://app.example.com/cb' },
    });
    expect(linkOnly.body.passwordless_type).toBe('LINK');
    const token = new URL(passwordlessOutbox(mock.state).at(-1)?.link ?? '').searchParams.get('link_token');
    expect(passwordlessOutbox(mock.state).at(-1)?.otp).toBeUndefined();
    expect((await call('post', verify, { body: { link_token: token } })).status).toBe(400);
    const sameBrowser = { link_token: token, auth_request_id: linkOnly.body.auth_request_id };
    expect((await call('post', verify, { body: sameBrowser })).body.passwordless_type).toBe('LINK');
  });

  it('validates email, template, expires_in and template_variables', async () => {
    const variables = (count: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`var_${i}`, `value ${i}`]));
    expect((await call('post', send, { body: { email, template_variables: variables(30) } })).status).toBe(200);
    clock.advance(60_000);
    for (const body of [
      {},
      { email: 'not-an-email' },
      { email, template: 'LOGIN' },
      { email, expires_in: -5 },
      { email, expires_in: 'soon' },
      { email, magiclink_auth_uri: 'not a url' },
      { email, template_variables: variables(31) },
      { email, template_variables: { count: 3 } },
      { email, template_variables: ['a'] },
      ...['otp', 'expiry_time_relative', 'link', 'expire_time', 'expiry_time'].map((name) => ({
        email,
        template_variables: { [name]: 'x' },
      })),
    ]) {
      expect((await call('post', send, { body })).status, JSON.stringify(body)).toBe(400);
    }
    // Refused requests do not use up the rate limit.
    expect((await call('post', send, { body: { email, template: 'SIGNIN' } })).status).toBe(200);
  });
});
