import { decodeJwt } from 'jose';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { loginScript, redirectRegistry } from '../../src/mock/control-state.js';
import { organizationClientCredentials } from '../../src/mock/handlers/clients.js';
import { createMock, type Mock } from '../../src/mock/index.js';
import type { EmittedEvent } from '../../src/mock/state.js';
import { readSpecFile } from '../../src/spec/document.js';
import { SchemaRegistry } from '../../src/spec/schemas.js';
import { clientCredentialsToken } from '../support/token.js';

// The wiring between the mock's resource modules: organization-scoped resources check that the organization
// exists and go when it is deleted, the environment-wide connection list covers every organization, and a login
// through the OAuth flow signs in a real user with a real session that the users and sessions APIs show.

const base = 'http://mock.test';
const credentials = { clientId: 'skc_cross', clientSecret: 'cross-secret-123' };
const callback = 'https://app.example.com/auth/callback';
const document = readSpecFile(process.env.SCALEKIT_OPENAPI ?? '').document;
const registry = new SchemaRegistry(document);
const errorInfoSchema = { $ref: '#/components/schemas/errdetailsErrorInfo' };
const unknownOrg = 'org_9999999999999999';

const server = setupServer();
let mock: Mock;
let clock: ManualClock;
let token: string;
let events: EmittedEvent[];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 2, 1, 9));
  mock = createMock({ clock, credentials, seed: 13 });
  server.resetHandlers(...mock.handlers);
  redirectRegistry(mock.state).callback = [callback];
  events = [];
  mock.state.onEvent((event) => events.push(event));
  token = await clientCredentialsToken(base, credentials);
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

type Method = 'get' | 'post' | 'patch' | 'delete';

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are validated against the spec, then read freely
  body: any;
}

/** Calls one spec operation and checks the body against the schema the spec gives for the returned status. */
async function call(
  method: Method,
  template: string,
  options: { params?: Record<string, string>; query?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(options.params?.[name] ?? `missing-${name}`),
  );
  const search = new URLSearchParams(options.query ?? {});
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
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
  return { status: response.status, body };
}

async function createOrganization(displayName: string): Promise<string> {
  const created = await call('post', '/api/v1/organizations', { body: { display_name: displayName } });
  expect(created.status).toBe(201);
  return created.body.organization.id;
}

const clients = '/api/v1/organizations/{organization_id}/clients';
const client = `${clients}/{client_id}`;
const domains = '/api/v1/organizations/{organization_id}/domains';
const domain = `${domains}/{id}`;
const directories = '/api/v1/organizations/{organization_id}/directories';
const directory = `${directories}/{id}`;
const connections = '/api/v1/connections';
const connection = '/api/v1/organizations/{organization_id}/connections/{id}';

describe('organization-scoped resources', () => {
  it('answer 404 for an organization that does not exist', async () => {
    const organization_id = unknownOrg;
    const attempts: [Method, string, Record<string, string>, unknown?][] = [
      ['get', clients, { organization_id }],
      ['post', clients, { organization_id }, { name: 'Ghost client' }],
      ['get', client, { organization_id, client_id: 'm2morg_1' }],
      ['patch', client, { organization_id, client_id: 'm2morg_1' }, { name: 'x' }],
      ['delete', client, { organization_id, client_id: 'm2morg_1' }],
      ['post', `${client}/secrets`, { organization_id, client_id: 'm2morg_1' }],
      ['get', domains, { organization_id }],
      ['post', domains, { organization_id }, { domain: 'ghost.example.com' }],
      ['get', domain, { organization_id, id: 'dom_1' }],
      ['delete', domain, { organization_id, id: 'dom_1' }],
      ['get', directories, { organization_id }],
      ['get', directory, { organization_id, id: 'dir_1' }],
      ['get', `${directories}/{directory_id}/users`, { organization_id, directory_id: 'dir_1' }],
      ['get', `${directories}/{directory_id}/groups`, { organization_id, directory_id: 'dir_1' }],
      ['patch', `${directory}:enable`, { organization_id, id: 'dir_1' }],
      ['get', connection, { organization_id, id: 'conn_1' }],
      ['delete', connection, { organization_id, id: 'conn_1' }],
      ['patch', `${connection}:disable`, { organization_id, id: 'conn_1' }],
    ];
    for (const [method, template, params, body] of attempts) {
      const answer = await call(method, template, { params, ...(body === undefined ? {} : { body }) });
      expect(answer.status, `${method.toUpperCase()} ${template}`).toBe(404);
      expect(answer.body.error_code).toBe('NOT_FOUND');
      expect(answer.body.localized_message_info.message).toContain(unknownOrg);
    }
    // Nothing was created for the unknown organization along the way.
    const listed = await call('get', connections, { query: { organization_id: unknownOrg, include: 'all' } });
    expect(listed.status).toBe(200);
    expect(listed.body.connections).toEqual([]);
    expect(events).toEqual([]);
  });

  it('go when their organization is deleted; a new organization starts empty', async () => {
    const org = await createOrganization('Doomed Inc');
    const createdClient = await call('post', clients, { params: { organization_id: org }, body: { name: 'Bot' } });
    expect(createdClient.status).toBe(201);
    const clientId: string = createdClient.body.client.client_id;
    const secret: string = createdClient.body.plain_secret;
    expect(organizationClientCredentials(mock.state, clientId, secret)).toBe(org);
    const createdDomain = await call('post', domains, {
      params: { organization_id: org },
      body: { domain: 'doomed.example.com', domain_type: 'ORGANIZATION_DOMAIN' },
    });
    expect(createdDomain.status).toBe(200);
    const dirs = await call('get', directories, { params: { organization_id: org } });
    expect(dirs.body.directories).toHaveLength(1);
    const listedBefore = await call('get', connections, { query: { organization_id: org } });
    expect(listedBefore.body.connections).toHaveLength(1);
    const connectionId: string = listedBefore.body.connections[0].id;

    expect((await call('delete', '/api/v1/organizations/{id}', { params: { id: org } })).status).toBe(200);

    // The organization is gone, so every route under it is a 404 ...
    expect((await call('get', clients, { params: { organization_id: org } })).status).toBe(404);
    expect((await call('get', client, { params: { organization_id: org, client_id: clientId } })).status).toBe(404);
    expect((await call('get', domains, { params: { organization_id: org } })).status).toBe(404);
    expect((await call('get', directories, { params: { organization_id: org } })).status).toBe(404);
    expect((await call('get', connection, { params: { organization_id: org, id: connectionId } })).status).toBe(404);
    // ... and what hung off it is gone too: the client's secret no longer authenticates, the domain no longer
    // routes to a connection, and the environment-wide list no longer shows the connection.
    expect(organizationClientCredentials(mock.state, clientId, secret)).toBeUndefined();
    expect((await call('get', connections, { query: { domain: 'doomed.example.com' } })).body.connections).toEqual([]);
    expect((await call('get', connections, { query: { include: 'all' } })).body.connections).toEqual([]);

    const fresh = await createOrganization('Doomed Inc');
    expect(fresh).not.toBe(org);
    const freshClients = await call('get', clients, { params: { organization_id: fresh } });
    expect(freshClients.status).toBe(200);
    expect(freshClients.body.clients).toEqual([]);
    expect(freshClients.body.total_size).toBe(0);
    const freshDomains = await call('get', domains, { params: { organization_id: fresh } });
    expect(freshDomains.status).toBe(200);
    expect(freshDomains.body.domains).toEqual([]);
    // The domain is free again for the new organization.
    const reused = await call('post', domains, {
      params: { organization_id: fresh },
      body: { domain: 'doomed.example.com', domain_type: 'ORGANIZATION_DOMAIN' },
    });
    expect(reused.status).toBe(200);
    const freshDirectories = await call('get', directories, { params: { organization_id: fresh } });
    expect(freshDirectories.body.directories.map((d: { id: string }) => d.id)).not.toContain(
      dirs.body.directories[0].id,
    );
  });
});

describe('the environment-wide connection list', () => {
  it('lists a connection for every organization, with its name, without naming any first', async () => {
    const names = ['Alpha Corp', 'Beta LLC', 'Gamma GmbH'];
    const ids: string[] = [];
    for (const name of names) ids.push(await createOrganization(name));

    const listed = await call('get', connections);
    expect(listed.status).toBe(200);
    const rows: { id: string; organization_id: string; organization_name?: string }[] = listed.body.connections;
    expect(rows.map((c) => c.organization_id)).toEqual(ids);
    expect(rows.map((c) => c.organization_name)).toEqual(names);
    // Listing again gives the same connections: they are seeded once, not on every listing.
    expect((await call('get', connections)).body.connections).toEqual(listed.body.connections);

    // The filters still narrow the list.
    const one = await call('get', connections, { query: { organization_id: ids[1] ?? '' } });
    expect(one.body.connections.map((c: { organization_id: string }) => c.organization_id)).toEqual([ids[1]]);
    await call('post', domains, {
      params: { organization_id: ids[2] ?? '' },
      body: { domain: 'gamma.example.com', domain_type: 'ORGANIZATION_DOMAIN' },
    });
    const byDomain = await call('get', connections, { query: { domain: 'gamma.example.com' } });
    expect(byDomain.body.connections).toHaveLength(1);
    expect(byDomain.body.connections[0]).toMatchObject({ organization_id: ids[2], domains: ['gamma.example.com'] });

    // A renamed organization shows its new name.
    await call('patch', '/api/v1/organizations/{id}', {
      params: { id: ids[0] ?? '' },
      body: { display_name: 'Alpha' },
    });
    const renamed = await call('get', connections, { query: { organization_id: ids[0] ?? '' } });
    expect(renamed.body.connections[0].organization_name).toBe('Alpha');
  });
});

describe('a login through the OAuth flow', () => {
  /** Runs /oauth/authorize with a scripted approval and exchanges the code; returns the ID token's claims. */
  async function login(email: string, organizationId?: string) {
    loginScript(mock.state).current = {
      email,
      decision: 'approve',
      ...(organizationId ? { organization_id: organizationId } : {}),
    };
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: credentials.clientId,
      redirect_uri: callback,
      scope: 'openid profile email',
      state: 'xyz',
    });
    const authorize = await fetch(`${base}/oauth/authorize?${query}`, { redirect: 'manual' });
    expect(authorize.status).toBe(302);
    const code = new URL(authorize.headers.get('location') ?? '').searchParams.get('code') ?? '';
    expect(code).not.toBe('');
    const exchanged = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: callback,
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
      }),
    });
    expect(exchanged.status).toBe(200);
    const idToken = ((await exchanged.json()) as { id_token: string }).id_token;
    const claims = decodeJwt(idToken);
    return { idToken, sub: String(claims.sub), sid: String(claims.sid) };
  }

  const userPath = '/api/v1/users/{id}';
  const userSessions = '/api/v1/users/{user_id}/sessions';
  const sessionPath = '/api/v1/sessions/{session_id}';

  it('signs in a real user with a real session, which logout with the ID token ends', async () => {
    const { idToken, sub, sid } = await login('grace@example.com');
    expect(sub).toMatch(/^usr_/);

    const user = await call('get', userPath, { params: { id: sub } });
    expect(user.status).toBe(200);
    expect(user.body.user).toMatchObject({ id: sub, email: 'grace@example.com', memberships: [] });
    const listedUsers = await call('get', '/api/v1/users');
    expect(listedUsers.body.users.map((u: { id: string }) => u.id)).toEqual([sub]);

    const sessions = await call('get', userSessions, { params: { user_id: sub } });
    expect(sessions.status).toBe(200);
    expect(sessions.body.sessions).toHaveLength(1);
    expect(sessions.body.sessions[0]).toMatchObject({
      session_id: sid,
      user_id: sub,
      status: 'active',
      authenticated_clients: [{ client_id: credentials.clientId }],
    });

    clock.advance(60_000);
    const logout = await fetch(`${base}/oidc/logout?${new URLSearchParams({ id_token_hint: idToken })}`, {
      redirect: 'manual',
    });
    expect(logout.status).toBe(200);
    const ended = await call('get', sessionPath, { params: { session_id: sid } });
    expect(ended.body).toMatchObject({ session_id: sid, status: 'logout', logout_at: mock.state.nowIso() });
    const active = await call('get', userSessions, { params: { user_id: sub }, query: { 'filter.status': 'active' } });
    expect(active.body.sessions).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(['user.login', 'user.logout']);
  });

  it('reuses the user for the same email in any case, and joins an existing organization', async () => {
    const org = await createOrganization('Login Org');
    const first = await login('Ada@Example.com');
    const second = await login('ada@example.COM', org);
    expect(second.sub).toBe(first.sub);
    expect(second.sid).not.toBe(first.sid);
    expect((await call('get', '/api/v1/users')).body.users).toHaveLength(1);

    const user = await call('get', userPath, { params: { id: first.sub } });
    expect(user.body.user.email).toBe('Ada@Example.com');
    expect(user.body.user.memberships).toHaveLength(1);
    expect(user.body.user.memberships[0]).toMatchObject({
      organization_id: org,
      display_name: 'Login Org',
      membership_status: 'ACTIVE',
    });
    const members = await call('get', '/api/v1/organizations/{organization_id}/users', {
      params: { organization_id: org },
    });
    expect(members.body.users.map((u: { id: string }) => u.id)).toEqual([first.sub]);

    const sessions = await call('get', userSessions, { params: { user_id: first.sub } });
    expect(sessions.body.sessions.map((s: { session_id: string }) => s.session_id)).toEqual(
      expect.arrayContaining([first.sid, second.sid]),
    );
    const withOrg = sessions.body.sessions.find((s: { session_id: string }) => s.session_id === second.sid);
    expect(withOrg).toMatchObject({ organization_id: org, authenticated_organizations: [org] });
  });

  it('loses its sessions when the user is deleted', async () => {
    const { sub, sid } = await login('alan@example.com');
    expect((await call('get', sessionPath, { params: { session_id: sid } })).status).toBe(200);
    expect((await call('delete', userPath, { params: { id: sub } })).status).toBe(200);
    expect((await call('get', userPath, { params: { id: sub } })).status).toBe(404);
    expect((await call('get', sessionPath, { params: { session_id: sid } })).status).toBe(404);
    expect((await call('get', userSessions, { params: { user_id: sub } })).status).toBe(404);
    // Signing in again makes a new user.
    const again = await login('alan@example.com');
    expect(again.sub).not.toBe(sub);
    expect((await call('get', userSessions, { params: { user_id: again.sub } })).body.sessions).toHaveLength(1);
  });

  it('answers 404 on the user sessions routes for a user that does not exist', async () => {
    const answer = await call('get', userSessions, { params: { user_id: 'usr_1000000000000001' } });
    expect(answer.status).toBe(404);
    const revoke = await call('post', `${userSessions}/revoke`, { params: { user_id: 'usr_1000000000000001' } });
    expect(revoke.status).toBe(404);
  });
});
