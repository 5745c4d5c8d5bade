import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { components } from '../../generated/openapi.js';
import { ManualClock } from '../../src/clock.js';
import { createMock, type Mock } from '../../src/mock/index.js';
import type { EmittedEvent } from '../../src/mock/state.js';
import { readSpecFile } from '../../src/spec/document.js';
import { SchemaRegistry } from '../../src/spec/schemas.js';

// Every Organizations, Users, Roles and Permissions operation of the spec (Sessions excluded), driven against a
// fresh mock per test: each answer is validated against the spec's schema for its status, and each emitted
// webhook event against that event's schema.

type Schemas = components['schemas'];
type Organization = Schemas['organizationsOrganization'];
type User = Schemas['usersUser'];
type Role = Schemas['v1rolesRole'];
type Permission = Schemas['rolesPermission'];

const base = 'http://mock.test';
const specPath = process.env.SCALEKIT_OPENAPI;
if (!specPath) throw new Error('set SCALEKIT_OPENAPI to the spec file before running this test');
const { document } = readSpecFile(specPath);
const registry = new SchemaRegistry(document);

const ownTags = new Set(['Organizations', 'Users', 'Roles', 'Permissions']);
const expectedOperations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).flatMap(([method, operation]) => {
    const tags = (operation as { tags?: string[] }).tags ?? [];
    return tags.some((t) => ownTags.has(t)) && !tags.includes('Sessions') ? [`${method} ${path}`] : [];
  }),
);
const succeeded = new Set<string>();

const server = setupServer();
let mock: Mock;
let token: string;
let events: EmittedEvent[];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

beforeEach(async () => {
  mock = createMock({ clock: new ManualClock(), credentials: { clientId: 'c', clientSecret: 'secret-123' }, seed: 7 });
  server.resetHandlers(...mock.handlers);
  events = [];
  mock.state.onEvent((event) => events.push(event));
  token = await fetchToken();
});

/** A client-credentials token from the current mock (again after the clock has outrun the last one). */
async function fetchToken(): Promise<string> {
  const response = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=c&client_secret=secret-123',
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface CallOptions {
  path?: Record<string, string>;
  query?: Record<string, string | string[]>;
  body?: unknown;
  /** The status the call must answer; 200 by default, 201 for the creates. */
  status?: number;
  bearer?: string | null;
}

/** Calls one spec operation, checks the status, and validates the body against the spec's schema for it. */
async function call<T = Record<string, unknown>>(method: Method, template: string, options: CallOptions = {}) {
  const expected = options.status ?? 200;
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(options.path?.[name] ?? ''));
  const url = new URL(path, base);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, item);
  }
  const bearer = options.bearer === undefined ? token : options.bearer;
  const response = await fetch(url, {
    method: method.toUpperCase(),
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  expect(response.status, `${method.toUpperCase()} ${path}: ${text}`).toBe(expected);
  const schema = registry.responseSchema(template, method, expected);
  if (schema !== undefined) {
    expect(registry.validate(schema, json), `${method.toUpperCase()} ${path} body ${text}`).toEqual([]);
  }
  if (expected >= 400) {
    expect(registry.validate({ $ref: '#/components/schemas/errdetailsErrorInfo' }, json)).toEqual([]);
    expect((json as { error_code?: string }).error_code).toBeTruthy();
  }
  if (expected < 300) succeeded.add(`${method} ${template}`);
  return json as T;
}

function eventsOf(type: string) {
  return events.filter((e) => e.type === type);
}

function expectValidEvents() {
  for (const event of events) {
    const webhook = (document.webhooks as Record<string, unknown>)[event.type] as {
      post: { requestBody: { content: { 'application/json': { schema: unknown } } } };
    };
    expect(webhook, `${event.type} is a spec webhook`).toBeDefined();
    const schema = webhook.post.requestBody.content['application/json'].schema;
    expect(registry.validate(schema, event.payload), `${event.type} ${JSON.stringify(event.payload)}`).toEqual([]);
  }
}

const createOrganization = (body: Record<string, unknown>) =>
  call<{ organization: Organization }>('post', '/api/v1/organizations', { body, status: 201 }).then(
    (r) => r.organization,
  );

async function createUser(organizationId: string, body: Record<string, unknown>, sendInvitation = false) {
  const { user } = await call<{ user: User }>('post', '/api/v1/organizations/{organization_id}/users', {
    path: { organization_id: organizationId },
    query: { send_invitation_email: String(sendInvitation) },
    body,
    status: 201,
  });
  return user;
}

const createPermission = (name: string) =>
  call<{ permission: Permission }>('post', '/api/v1/permissions', { body: { name }, status: 201 });

describe('organizations', () => {
  it('are created, read, listed, looked up by external ID, updated and deleted', async () => {
    const created = await createOrganization({
      display_name: 'Megasoft Inc',
      external_id: 'ext-megasoft',
      slug: 'megasoft',
      metadata: { industry: 'software' },
      logo_url: 'https://cdn.example.com/logo.png',
    });
    expect(created.id).toMatch(/^org_/);
    expect(created.slug).toBe('megasoft');
    const id = created.id as string;

    const { organization } = await call<{ organization: Organization }>('get', '/api/v1/organizations/{id}', {
      path: { id },
    });
    expect(organization).toEqual(created);

    const list = await call<{ organizations: Organization[]; total_size: number }>('get', '/api/v1/organizations');
    expect(list.organizations.map((o) => o.id)).toContain(id);
    const filtered = await call<{ organizations: Organization[] }>('get', '/api/v1/organizations', {
      query: { external_id: 'ext-megasoft' },
    });
    expect(filtered.organizations.map((o) => o.id)).toEqual([id]);

    const byExternal = await call<{ organization: Organization }>(
      'get',
      '/api/v1/organizations:external/{external_id}',
      { path: { external_id: 'ext-megasoft' } },
    );
    expect(byExternal.organization.id).toBe(id);
    await call('get', '/api/v1/organizations:external/{external_id}', {
      path: { external_id: 'ext-megasoft' },
      query: { id },
      status: 400,
    });
    await call('get', '/api/v1/organizations:external/{external_id}', { path: { external_id: 'nope' }, status: 404 });

    const updated = await call<{ organization: Organization }>('patch', '/api/v1/organizations/{id}', {
      path: { id },
      body: { display_name: 'Megasoft Corp', metadata: { industry: 'hardware', region: 'emea' } },
    });
    expect(updated.organization.display_name).toBe('Megasoft Corp');
    expect(updated.organization.metadata).toEqual({ industry: 'hardware', region: 'emea' });
    const reread = await call<{ organization: Organization }>('get', '/api/v1/organizations/{id}', { path: { id } });
    expect(reread.organization.display_name).toBe('Megasoft Corp');

    await call('delete', '/api/v1/organizations/{id}', { path: { id } });
    await call('get', '/api/v1/organizations/{id}', { path: { id }, status: 404 });
    await call('delete', '/api/v1/organizations/{id}', { path: { id }, status: 404 });
    const after = await call<{ organizations: Organization[] }>('get', '/api/v1/organizations');
    expect(after.organizations.map((o) => o.id)).not.toContain(id);

    expect(eventsOf('organization.created')).toHaveLength(1);
    expect(eventsOf('organization.updated')).toHaveLength(1);
    expect(eventsOf('organization.deleted')).toHaveLength(1);
    expect(eventsOf('organization.deleted')[0]?.payload.organization_id).toBe(id);
    expectValidEvents();
  });

  it('enforce the slug pattern, its uniqueness, and clear it with an empty string', async () => {
    for (const slug of ['Auth.Megasoft.com', '-acme', 'acme_', '', 'a'.repeat(64)]) {
      await call('post', '/api/v1/organizations', { body: { display_name: 'X', slug }, status: 400 });
    }
    const acme = await createOrganization({ display_name: 'Acme', slug: 'acme' });
    await createOrganization({ display_name: 'Pstmn', slug: 'oauth.pstmn.io' });
    await call('post', '/api/v1/organizations', { body: { display_name: 'Acme 2', slug: 'acme' }, status: 409 });
    const other = await createOrganization({ display_name: 'Other' });
    await call('patch', '/api/v1/organizations/{id}', {
      path: { id: other.id as string },
      body: { slug: 'acme' },
      status: 409,
    });
    await call('patch', '/api/v1/organizations/{id}', {
      path: { id: acme.id as string },
      body: { slug: 'Bad_Slug' },
      status: 400,
    });
    const cleared = await call<{ organization: Organization }>('patch', '/api/v1/organizations/{id}', {
      path: { id: acme.id as string },
      body: { slug: '' },
    });
    expect(cleared.organization.slug).toBeUndefined();
    // Once cleared, the slug is free again.
    await call('patch', '/api/v1/organizations/{id}', {
      path: { id: other.id as string },
      body: { slug: 'acme' },
    });
  });

  it('refuse invalid display names, metadata and external ID duplicates', async () => {
    await call('post', '/api/v1/organizations', { body: {}, status: 400 });
    await call('post', '/api/v1/organizations', { body: { display_name: '' }, status: 400 });
    await call('post', '/api/v1/organizations', { body: { display_name: 'x'.repeat(201) }, status: 400 });
    await call('post', '/api/v1/organizations', { body: { display_name: 'x', logo_url: 'http://x' }, status: 400 });
    // https:// yet no URI by the spec's `format: uri` (RFC 3986), though WHATWG's URL parser would take it.
    await call('post', '/api/v1/organizations', {
      body: { display_name: 'x', logo_url: 'https://u/b%]e' },
      status: 400,
    });
    const org = await createOrganization({ display_name: 'x'.repeat(200), external_id: 'dup' });
    await call('post', '/api/v1/organizations', { body: { display_name: 'y', external_id: 'dup' }, status: 409 });
    const id = org.id as string;
    const tooMany = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`key${i}`, 'v']));
    for (const metadata of [{ ab: 'v' }, { ['k'.repeat(26)]: 'v' }, { key: '' }, { key: 'v'.repeat(257) }, tooMany]) {
      await call('patch', '/api/v1/organizations/{id}', { path: { id }, body: { metadata }, status: 400 });
    }
    await call('patch', '/api/v1/organizations/{id}', { path: { id }, body: { display_name: '' }, status: 400 });
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`key${i}`, 'v'.repeat(256)]));
    await call('patch', '/api/v1/organizations/{id}', { path: { id }, body: { metadata: ten } });
    await call('patch', '/api/v1/organizations/{id}', { path: { id: 'org_0' }, body: {}, status: 404 });
  });

  it('page with page_size and page_token', async () => {
    for (let i = 0; i < 12; i += 1) await createOrganization({ display_name: `Org ${i}` });
    const first = await call<{ organizations: Organization[]; next_page_token: string; total_size: number }>(
      'get',
      '/api/v1/organizations',
      { query: { page_size: '10' } },
    );
    expect(first.organizations).toHaveLength(10);
    expect(first.total_size).toBe(12);
    const second = await call<{ organizations: Organization[]; next_page_token: string; prev_page_token: string }>(
      'get',
      '/api/v1/organizations',
      { query: { page_size: '10', page_token: first.next_page_token } },
    );
    expect(second.organizations.map((o) => o.display_name)).toEqual(['Org 10', 'Org 11']);
    expect(second.next_page_token).toBe('');
    expect(second.prev_page_token).not.toBe('');
    await call('get', '/api/v1/organizations', { query: { page_token: 'garbage' }, status: 400 });
  });

  it('toggle settings, make portal links, and keep session policy and user-management settings', async () => {
    const id = (await createOrganization({ display_name: 'Settings' })).id as string;
    const settings = await call<{ organization: Organization }>('patch', '/api/v1/organizations/{id}/settings', {
      path: { id },
      body: { features: [{ name: 'sso', enabled: true }] },
    });
    expect(settings.organization.settings?.features).toContainEqual({ name: 'sso', enabled: true });
    const reread = await call<{ organization: Organization }>('get', '/api/v1/organizations/{id}', { path: { id } });
    expect(reread.organization.settings?.features).toContainEqual({ name: 'sso', enabled: true });
    await call('patch', '/api/v1/organizations/{id}/settings', {
      path: { id },
      body: { features: [{ name: 'teleport', enabled: true }] },
      status: 400,
    });
    await call('patch', '/api/v1/organizations/{id}/settings', { path: { id: 'org_0' }, body: {}, status: 404 });

    const { link } = await call<{ link: Schemas['organizationsLink'] }>(
      'put',
      '/api/v1/organizations/{id}/portal_links',
      { path: { id }, query: { features: ['sso', 'dir_sync'] } },
    );
    expect(link.id).toMatch(/^lnk_/);
    expect(link.location).toContain('features=sso');
    expect(Date.parse(link.expire_time as string) - mock.state.clock.now()).toBe(60_000);
    await call('put', '/api/v1/organizations/{id}/portal_links', {
      path: { id },
      query: { features: 'teleport' },
      status: 400,
    });

    const policyPath = '/api/v1/organizations/{organization_id}/session-policy';
    const initial = await call<{ policy: Schemas['organizationsOrganizationSessionPolicySettings'] }>(
      'get',
      policyPath,
      { path: { organization_id: id } },
    );
    expect(initial.policy.policy_source).toBe('APPLICATION');
    const custom = {
      policy_source: 'CUSTOM',
      absolute_session_timeout: 360,
      absolute_session_timeout_unit: 'MINUTES',
      idle_session_timeout_enabled: true,
      idle_session_timeout: 2,
      idle_session_timeout_unit: 'HOURS',
    };
    const updated = await call<{ policy: unknown }>('patch', policyPath, {
      path: { organization_id: id },
      body: custom,
    });
    expect(updated.policy).toEqual(custom);
    const readBack = await call<{ policy: unknown }>('get', policyPath, { path: { organization_id: id } });
    expect(readBack.policy).toEqual(custom);
    await call('patch', policyPath, {
      path: { organization_id: id },
      body: { ...custom, absolute_session_timeout_unit: 'minutes' },
      status: 400,
    });
    await call('patch', policyPath, { path: { organization_id: id }, body: { policy_source: 'APPLICATION' } });
    await call('get', policyPath, { path: { organization_id: 'org_0' }, status: 404 });

    const limits = await call<{ settings: unknown }>(
      'patch',
      '/api/v1/organizations/{organization_id}/settings/usermanagement',
      { path: { organization_id: id }, body: { settings: { max_allowed_users: 1 } } },
    );
    expect(limits.settings).toEqual({ max_allowed_users: 1 });
    await call('patch', '/api/v1/organizations/{organization_id}/settings/usermanagement', {
      path: { organization_id: id },
      body: { settings: { max_allowed_users: -1 } },
      status: 400,
    });
    // The limit is enforced on new members.
    await createUser(id, { email: 'one@example.com' });
    await call('post', '/api/v1/organizations/{organization_id}/users', {
      path: { organization_id: id },
      body: { email: 'two@example.com' },
      status: 400,
    });
    expectValidEvents();
  });
});

describe('permissions', () => {
  it('are created, read, listed, updated and deleted', async () => {
    const { permission } = await call<{ permission: Permission }>('post', '/api/v1/permissions', {
      body: { name: 'read:documents', description: 'Read documents' },
      status: 201,
    });
    expect(permission.id).toMatch(/^perm_/);
    const path = { permission_name: 'read:documents' };
    const read = await call<{ permission: Permission }>('get', '/api/v1/permissions/{permission_name}', { path });
    expect(read.permission).toEqual(permission);
    const list = await call<{ permissions: Permission[] }>('get', '/api/v1/permissions');
    expect(list.permissions.map((p) => p.name)).toContain('read:documents');
    const environment = await call<{ permissions: Permission[] }>('get', '/api/v1/permissions', {
      query: { type: 'ENVIRONMENT' },
    });
    expect(environment.permissions.map((p) => p.name)).toContain('read:documents');
    const scalekit = await call<{ permissions: Permission[] }>('get', '/api/v1/permissions', {
      query: { type: 'SCALEKIT' },
    });
    expect(scalekit.permissions.map((p) => p.name)).not.toContain('read:documents');
    await call('get', '/api/v1/permissions', { query: { type: 'ALL_OF_THEM' }, status: 400 });

    const updated = await call<{ permission: Permission }>('put', '/api/v1/permissions/{permission_name}', {
      path,
      body: { name: 'read:documents', description: 'Read every document' },
    });
    expect(updated.permission.description).toBe('Read every document');
    const reread = await call<{ permission: Permission }>('get', '/api/v1/permissions/{permission_name}', { path });
    expect(reread.permission.description).toBe('Read every document');
    await call('put', '/api/v1/permissions/{permission_name}', { path, body: { name: 'renamed' }, status: 400 });

    await call('post', '/api/v1/permissions', { body: { name: 'read:documents' }, status: 409 });
    for (const name of ['', 'has space', 'x'.repeat(65), 'dash-ed']) {
      await call('post', '/api/v1/permissions', { body: { name }, status: 400 });
    }

    await call('delete', '/api/v1/permissions/{permission_name}', { path });
    await call('get', '/api/v1/permissions/{permission_name}', { path, status: 404 });
    expect(eventsOf('permission.created')).toHaveLength(1);
    expect(eventsOf('permission.updated')).toHaveLength(1);
    expect(eventsOf('permission.deleted')).toHaveLength(1);
    expectValidEvents();
  });
});

describe('environment roles', () => {
  it('are created, read, listed, updated and deleted, with permissions and inheritance', async () => {
    await createPermission('read:content');
    await createPermission('write:content');
    await createPermission('publish:content');

    const viewer = await call<{ role: Role }>('post', '/api/v1/roles', {
      body: { name: 'viewer', display_name: 'Viewer', permissions: ['read:content'] },
      status: 201,
    });
    expect(viewer.role.id).toMatch(/^role_/);
    const editor = await call<{ role: Role }>('post', '/api/v1/roles', {
      body: { name: 'editor', display_name: 'Editor', extends: 'viewer', permissions: ['write:content'] },
      status: 201,
    });
    expect(editor.role.extends).toBe('viewer');
    await call('post', '/api/v1/roles', { body: { name: 'viewer' }, status: 409 });
    await call('post', '/api/v1/roles', { body: { name: 'bad-name' }, status: 400 });
    await call('post', '/api/v1/roles', { body: { name: 'x', extends: 'ghost' }, status: 400 });
    await call('post', '/api/v1/roles', { body: { name: 'x', permissions: ['ghost:perm'] }, status: 400 });

    const role = { role_name: 'editor' };
    const plain = await call<{ role: Role }>('get', '/api/v1/roles/{role_name}', { path: role });
    expect(plain.role.permissions).toBeUndefined();
    const direct = await call<{ role: Role }>('get', '/api/v1/roles/{role_name}', {
      path: role,
      query: { include: 'permissions' },
    });
    expect(direct.role.permissions?.map((p) => p.name)).toEqual(['write:content']);
    const all = await call<{ role: Role }>('get', '/api/v1/roles/{role_name}', {
      path: role,
      query: { include: 'permissions:all' },
    });
    expect(all.role.permissions?.map((p) => [p.name, p.role_name])).toEqual([
      ['write:content', 'editor'],
      ['read:content', 'viewer'],
    ]);
    await call('get', '/api/v1/roles/{role_name}', { path: role, query: { include: 'everything' }, status: 400 });

    const list = await call<{ roles: Role[] }>('get', '/api/v1/roles', { query: { include: 'permissions' } });
    expect(list.roles.map((r) => r.name)).toEqual(expect.arrayContaining(['admin', 'member', 'viewer', 'editor']));
    const viewerInList = list.roles.find((r) => r.name === 'viewer');
    expect(viewerInList?.dependent_roles_count).toBe(1);

    const dependents = await call<{ roles: Role[] }>('get', '/api/v1/roles/{role_name}/dependents', {
      path: { role_name: 'viewer' },
    });
    expect(dependents.roles.map((r) => r.name)).toEqual(['editor']);

    const added = await call<{ permissions: Permission[] }>('post', '/api/v1/roles/{role_name}/permissions', {
      path: role,
      body: { permission_names: ['publish:content'] },
    });
    expect(added.permissions.map((p) => p.name)).toEqual(['write:content', 'publish:content']);
    await call('post', '/api/v1/roles/{role_name}/permissions', {
      path: role,
      body: { permission_names: ['ghost:perm'] },
      status: 400,
    });
    const ownPermissions = await call<{ permissions: Permission[] }>('get', '/api/v1/roles/{role_name}/permissions', {
      path: role,
    });
    expect(ownPermissions.permissions.map((p) => p.name)).toEqual(['write:content', 'publish:content']);
    const effective = await call<{ permissions: Permission[] }>('get', '/api/v1/roles/{role_name}/permissions:all', {
      path: role,
    });
    expect(effective.permissions.map((p) => p.name)).toEqual(['write:content', 'publish:content', 'read:content']);

    await call('delete', '/api/v1/roles/{role_name}/permissions/{permission_name}', {
      path: { role_name: 'editor', permission_name: 'publish:content' },
    });
    await call('delete', '/api/v1/roles/{role_name}/permissions/{permission_name}', {
      path: { role_name: 'editor', permission_name: 'publish:content' },
      status: 404,
    });
    // Deleting a permission drops it from the roles that grant it.
    await call('delete', '/api/v1/permissions/{permission_name}', { path: { permission_name: 'read:content' } });
    const afterDelete = await call<{ permissions: Permission[] }>('get', '/api/v1/roles/{role_name}/permissions:all', {
      path: role,
    });
    expect(afterDelete.permissions.map((p) => p.name)).toEqual(['write:content']);

    const updated = await call<{ role: Role }>('put', '/api/v1/roles/{role_name}', {
      path: role,
      body: { display_name: 'Senior Editor', description: 'Edits and approves' },
    });
    expect(updated.role.display_name).toBe('Senior Editor');
    const reread = await call<{ role: Role }>('get', '/api/v1/roles/{role_name}', { path: role });
    expect(reread.role.description).toBe('Edits and approves');
    // viewer cannot extend editor: editor already extends viewer.
    await call('put', '/api/v1/roles/{role_name}', {
      path: { role_name: 'viewer' },
      body: { extends: 'editor' },
      status: 400,
    });

    // A role with dependents needs a replacement; the replacement then becomes their base.
    await call('delete', '/api/v1/roles/{role_name}', { path: { role_name: 'viewer' }, status: 400 });
    await call('delete', '/api/v1/roles/{role_name}', {
      path: { role_name: 'viewer' },
      query: { reassign_role_name: 'member' },
    });
    await call('get', '/api/v1/roles/{role_name}', { path: { role_name: 'viewer' }, status: 404 });
    const rebased = await call<{ role: Role }>('get', '/api/v1/roles/{role_name}', { path: role });
    expect(rebased.role.extends).toBe('member');

    await call('delete', '/api/v1/roles/{role_name}', { path: role });
    await call('get', '/api/v1/roles/{role_name}', { path: role, status: 404 });
    const finalList = await call<{ roles: Role[] }>('get', '/api/v1/roles');
    expect(finalList.roles.map((r) => r.name)).not.toContain('editor');

    expect(eventsOf('role.created')).toHaveLength(2);
    expect(eventsOf('role.deleted')).toHaveLength(2);
    expect(eventsOf('role.updated').length).toBeGreaterThanOrEqual(3);
    expectValidEvents();
  });

  it('set the default creator and member roles through both paths', async () => {
    await call('post', '/api/v1/roles', { body: { name: 'owner', display_name: 'Owner' }, status: 201 });
    const set = await call<{ default_creator?: Role; default_member?: Role }>('patch', '/api/v1/roles:set_defaults', {
      body: { default_creator_role: 'owner' },
    });
    expect(set.default_creator?.name).toBe('owner');
    expect(set.default_creator?.default_creator).toBe(true);
    expect(set.default_member?.name).toBe('member');
    const viaDefault = await call<{ default_member?: Role }>('patch', '/api/v1/roles/default', {
      body: { default_member: { name: 'owner' } },
    });
    expect(viaDefault.default_member?.name).toBe('owner');
    const owner = await call<{ role: Role }>('get', '/api/v1/roles/{role_name}', { path: { role_name: 'owner' } });
    expect(owner.role.default_member).toBe(true);
    await call('patch', '/api/v1/roles:set_defaults', { body: { default_member_role: 'ghost' }, status: 400 });
    await call('patch', '/api/v1/roles/default', { body: {}, status: 400 });
  });

  it('count the memberships holding a role, as an int64 string', async () => {
    const org = (await createOrganization({ display_name: 'Counting' })).id as string;
    const count = async () =>
      (
        await call<{ count: string }>('get', '/api/v1/roles/{role_name}/users:count', {
          path: { role_name: 'member' },
        })
      ).count;
    expect(await count()).toBe('0');
    await createUser(org, { email: 'a@example.com' });
    await createUser(org, { email: 'b@example.com' });
    await createUser(org, { email: 'c@example.com', membership: { roles: [{ name: 'admin' }] } });
    expect(await count()).toBe('2');
    // Members holding a role need a replacement before it goes.
    await call('delete', '/api/v1/roles/{role_name}', { path: { role_name: 'member' }, status: 400 });
    await call('get', '/api/v1/roles/{role_name}/users:count', { path: { role_name: 'ghost' }, status: 404 });
  });
});

describe('organization roles', () => {
  it('are created, read, listed, updated, made default and deleted', async () => {
    const org = (await createOrganization({ display_name: 'Roles Inc' })).id as string;
    await createPermission('read:reports');
    const created = await call<{ role: Role }>('post', '/api/v1/organizations/{org_id}/roles', {
      path: { org_id: org },
      body: { name: 'org_viewer', display_name: 'Org Viewer', extends: 'member', permissions: ['read:reports'] },
      status: 201,
    });
    expect(created.role.is_org_role).toBe(true);
    await call('post', '/api/v1/organizations/{org_id}/roles', {
      path: { org_id: org },
      body: { name: 'org_viewer' },
      status: 409,
    });
    await call('post', '/api/v1/organizations/{org_id}/roles', {
      path: { org_id: org },
      body: { name: 'admin' },
      status: 409,
    });
    await call('post', '/api/v1/organizations/{org_id}/roles', {
      path: { org_id: 'org_0' },
      body: { name: 'x' },
      status: 404,
    });

    const path = { org_id: org, role_name: 'org_viewer' };
    const read = await call<{ role: Role }>('get', '/api/v1/organizations/{org_id}/roles/{role_name}', {
      path,
      query: { include: 'permissions:all' },
    });
    expect(read.role.permissions?.map((p) => p.name)).toEqual(['read:reports']);
    const list = await call<{ roles: Role[] }>('get', '/api/v1/organizations/{org_id}/roles', {
      path: { org_id: org },
    });
    expect(list.roles.map((r) => r.name)).toEqual(['admin', 'member', 'org_viewer']);
    // Another organization does not see it.
    const elsewhere = (await createOrganization({ display_name: 'Elsewhere' })).id as string;
    const otherList = await call<{ roles: Role[] }>('get', '/api/v1/organizations/{org_id}/roles', {
      path: { org_id: elsewhere },
    });
    expect(otherList.roles.map((r) => r.name)).not.toContain('org_viewer');

    const updated = await call<{ role: Role }>('put', '/api/v1/organizations/{org_id}/roles/{role_name}', {
      path,
      body: { display_name: 'Report Viewer', permissions: [] },
    });
    expect(updated.role.display_name).toBe('Report Viewer');
    const reread = await call<{ role: Role }>('get', '/api/v1/organizations/{org_id}/roles/{role_name}', {
      path,
      query: { include: 'permissions' },
    });
    expect(reread.role.permissions).toEqual([]);

    const defaults = await call<{ default_member?: Role }>(
      'patch',
      '/api/v1/organizations/{org_id}/roles:set_defaults',
      {
        path: { org_id: org },
        body: { default_member_role: 'org_viewer' },
      },
    );
    expect(defaults.default_member?.name).toBe('org_viewer');
    expect(defaults.default_member?.default_member).toBe(true);
    // New members of that organization get its default role.
    const user = await createUser(org, { email: 'member@example.com' });
    expect(user.memberships?.[0]?.roles?.map((r) => r.name)).toEqual(['org_viewer']);
    await call('patch', '/api/v1/organizations/{org_id}/roles:set_defaults', {
      path: { org_id: org },
      body: { default_member_role: 'ghost' },
      status: 400,
    });

    await call('delete', '/api/v1/organizations/{org_id}/roles/{role_name}', {
      path,
      query: { reassign_role_name: 'member' },
    });
    await call('get', '/api/v1/organizations/{org_id}/roles/{role_name}', { path, status: 404 });
    const reassigned = await call<{ user: User }>('get', '/api/v1/users/{id}', { path: { id: user.id as string } });
    expect(reassigned.user.memberships?.[0]?.roles?.map((r) => r.name)).toEqual(['member']);
    // Environment roles are not deleted through an organization.
    await call('delete', '/api/v1/organizations/{org_id}/roles/{role_name}', {
      path: { org_id: org, role_name: 'admin' },
      status: 404,
    });

    const roleEvents = [...eventsOf('role.created'), ...eventsOf('role.updated'), ...eventsOf('role.deleted')];
    expect(roleEvents.map((e) => e.payload.organization_id)).toEqual([org, org, org]);
    expectValidEvents();
  });

  it('go with their organization', async () => {
    const org = (await createOrganization({ display_name: 'Short-lived' })).id as string;
    await call('post', '/api/v1/organizations/{org_id}/roles', {
      path: { org_id: org },
      body: { name: 'temp_role' },
      status: 201,
    });
    await call('delete', '/api/v1/organizations/{id}', { path: { id: org } });
    const all = await call<{ roles: Role[] }>('get', '/api/v1/roles');
    expect(all.roles.map((r) => r.name)).not.toContain('temp_role');
    // Its name is free again.
    await call('post', '/api/v1/roles', { body: { name: 'temp_role' }, status: 201 });
  });
});

describe('users and memberships', () => {
  it('are created in an organization, read, listed, searched, updated and deleted', async () => {
    await createPermission('read:reports');
    await call('post', '/api/v1/roles', {
      body: { name: 'analyst', extends: 'member', permissions: ['read:reports'] },
      status: 201,
    });
    const org = (await createOrganization({ display_name: 'Users Inc', external_id: 'users-inc' })).id as string;
    const user = await createUser(org, {
      email: 'Ada@Example.com',
      external_id: 'ext-ada',
      metadata: { department: 'research' },
      user_profile: { given_name: 'Ada', family_name: 'Lovelace', groups: ['math'] },
      membership: { roles: [{ name: 'analyst' }], metadata: { seat: 'front' } },
    });
    expect(user.id).toMatch(/^usr_/);
    expect(user.id?.length).toBeGreaterThanOrEqual(19);
    expect(user.memberships?.[0]?.membership_status).toBe('ACTIVE');
    expect(user.memberships?.[0]?.permissions).toEqual(['read:reports']);
    const id = user.id as string;

    const read = await call<{ user: User }>('get', '/api/v1/users/{id}', { path: { id } });
    expect(read.user).toEqual(user);
    const byExternal = await call<{ user: User }>('get', '/api/v1/users:external/{external_id}', {
      path: { external_id: 'ext-ada' },
    });
    expect(byExternal.user.id).toBe(id);

    const all = await call<{ users: User[]; total_size: number }>('get', '/api/v1/users');
    expect(all.users.map((u) => u.id)).toContain(id);
    const members = await call<{ users: User[] }>('get', '/api/v1/organizations/{organization_id}/users', {
      path: { organization_id: org },
    });
    expect(members.users.map((u) => u.id)).toEqual([id]);
    const found = await call<{ users: User[] }>('get', '/api/v1/users:search', { query: { query: 'ada@EXAMPLE' } });
    expect(found.users.map((u) => u.id)).toEqual([id]);
    const foundInOrg = await call<{ users: User[] }>('get', '/api/v1/organizations/{organization_id}/users:search', {
      path: { organization_id: org },
      query: { query: 'ext-ada' },
    });
    expect(foundInOrg.users.map((u) => u.id)).toEqual([id]);
    await call('get', '/api/v1/users:search', { query: { query: 'ad' }, status: 400 });
    await call('get', '/api/v1/users:search', { query: { query: 'ada', page_size: '31' }, status: 400 });
    await call('get', '/api/v1/organizations/{organization_id}/users:search', {
      path: { organization_id: 'org_0' },
      query: { query: 'ada' },
      status: 404,
    });

    const roles = await call<{ roles: Schemas['commonsRole'][] }>(
      'get',
      '/api/v1/organizations/{organization_id}/users/{user_id}/roles',
      { path: { organization_id: org, user_id: id } },
    );
    expect(roles.roles.map((r) => r.name)).toEqual(['analyst', 'member']);
    const permissions = await call<{ permissions: Schemas['usersPermission'][] }>(
      'get',
      '/api/v1/organizations/{organization_id}/users/{user_id}/permissions',
      { path: { organization_id: org, user_id: id } },
    );
    expect(permissions.permissions.map((p) => p.name)).toEqual(['read:reports']);

    const updated = await call<{ user: User }>('patch', '/api/v1/users/{id}', {
      path: { id },
      body: { user_profile: { first_name: 'Augusta', phone_number: '+14155552671' }, metadata: { team: 'engine' } },
    });
    expect(updated.user.user_profile?.given_name).toBe('Augusta');
    expect(updated.user.user_profile?.family_name).toBe('Lovelace');
    expect(updated.user.metadata).toEqual({ team: 'engine' });
    const viaExternal = await call<{ user: User }>('patch', '/api/v1/users:external/{external_id}', {
      path: { external_id: 'ext-ada' },
      body: { external_id: 'ext-ada-2' },
    });
    expect(viaExternal.user.external_id).toBe('ext-ada-2');
    const reread = await call<{ user: User }>('get', '/api/v1/users/{id}', { path: { id } });
    expect(reread.user.external_id).toBe('ext-ada-2');
    expect(reread.user.user_profile?.phone_number).toBe('+14155552671');

    await call('delete', '/api/v1/users/{id}', { path: { id } });
    await call('get', '/api/v1/users/{id}', { path: { id }, status: 404 });
    const emptied = await call<{ users: User[] }>('get', '/api/v1/organizations/{organization_id}/users', {
      path: { organization_id: org },
    });
    expect(emptied.users).toEqual([]);

    const second = await createUser(org, { email: 'grace@example.com', external_id: 'ext-grace' });
    await call('delete', '/api/v1/users:external/{external_id}', { path: { external_id: 'ext-grace' } });
    await call('get', '/api/v1/users/{id}', { path: { id: second.id as string }, status: 404 });
    await call('get', '/api/v1/users:external/{external_id}', { path: { external_id: 'ext-grace' }, status: 404 });

    expect(eventsOf('user.organization_membership_created')).toHaveLength(2);
    expect(eventsOf('user.organization_membership_deleted')).toHaveLength(2);
    expectValidEvents();
  });

  it('refuse invalid and duplicate users', async () => {
    const org = (await createOrganization({ display_name: 'Strict' })).id as string;
    const create = (body: Record<string, unknown>, status: number) =>
      call('post', '/api/v1/organizations/{organization_id}/users', { path: { organization_id: org }, body, status });
    await create({}, 400);
    await create({ email: 'not-an-email' }, 400);
    await create({ email: 'ok@example.com', metadata: { k: 'v' } }, 400);
    await create({ email: 'ok@example.com', membership: { roles: [{ name: 'ghost' }] } }, 400);
    await create({ email: 'ok@example.com', external_id: 'ext-ok' }, 201);
    await create({ email: 'OK@example.com' }, 409);
    await create({ email: 'other@example.com', external_id: 'ext-ok' }, 409);
    await call('post', '/api/v1/organizations/{organization_id}/users', {
      path: { organization_id: 'org_0' },
      body: { email: 'x@example.com' },
      status: 404,
    });
    await call('get', '/api/v1/users/{id}', { path: { id: 'usr_0000000000000000' }, status: 404 });
    await call('get', '/api/v1/users', { bearer: null, status: 401 });
    await call('get', '/api/v1/organizations', { bearer: 'forged', status: 401 });
  });

  it('join, change and leave organizations by user ID and by external ID, with invitations', async () => {
    const home = (await createOrganization({ display_name: 'Home' })).id as string;
    const away = (await createOrganization({ display_name: 'Away' })).id as string;
    const third = (await createOrganization({ display_name: 'Third' })).id as string;
    const user = await createUser(home, { email: 'lin@example.com', external_id: 'ext-lin' });
    const id = user.id as string;

    // Invited by default: the membership waits for the invitation to be accepted.
    const joined = await call<{ user: User }>(
      'post',
      '/api/v1/memberships/organizations/{organization_id}/users/{id}',
      {
        path: { organization_id: away, id },
        body: { roles: [{ name: 'admin' }], inviter_email: 'boss@example.com' },
        status: 201,
      },
    );
    const awayMembership = joined.user.memberships?.find((m) => m.organization_id === away);
    expect(awayMembership?.membership_status).toBe('PENDING_INVITE');
    expect(awayMembership?.roles?.map((r) => r.name)).toEqual(['admin']);
    await call('post', '/api/v1/memberships/organizations/{organization_id}/users/{id}', {
      path: { organization_id: away, id },
      body: {},
      status: 409,
    });
    await call('post', '/api/v1/memberships/organizations/{organization_id}/users/{id}', {
      path: { organization_id: away, id: 'usr_0000000000000000' },
      body: {},
      status: 404,
    });
    expect(eventsOf('user.organization_invitation')).toHaveLength(1);

    const resend = '/api/v1/invites/organizations/{organization_id}/users/{id}/resend';
    const resent = await call<{ invite: Schemas['usersInvite'] }>('patch', resend, {
      path: { organization_id: away, id },
      body: {},
    });
    expect(resent.invite).toMatchObject({ organization_id: away, user_id: id, resent_count: 1 });
    // After expiry a resend issues a new invitation.
    mock.state.clock.advance(8 * 24 * 3600 * 1000);
    token = await fetchToken();
    const expired = await call<{ user: User }>('get', '/api/v1/users/{id}', { path: { id } });
    expect(expired.user.memberships?.find((m) => m.organization_id === away)?.membership_status).toBe('INVITE_EXPIRED');
    const renewed = await call<{ invite: Schemas['usersInvite'] }>('patch', resend, {
      path: { organization_id: away, id },
      body: {},
    });
    expect(renewed.invite.resent_count).toBe(2);
    expect(Date.parse(renewed.invite.expires_at as string)).toBeGreaterThan(mock.state.clock.now());
    // An active member has nothing to resend.
    await call('patch', resend, { path: { organization_id: home, id }, body: {}, status: 400 });
    await call('patch', resend, { path: { organization_id: third, id }, body: {}, status: 404 });
    expect(eventsOf('user.organization_invitation')).toHaveLength(3);

    const changed = await call<{ user: User }>(
      'patch',
      '/api/v1/memberships/organizations/{organization_id}/users/{id}',
      {
        path: { organization_id: away, id },
        body: { roles: [{ name: 'member' }], metadata: { desk: 'north' } },
      },
    );
    const changedMembership = changed.user.memberships?.find((m) => m.organization_id === away);
    expect(changedMembership?.roles?.map((r) => r.name)).toEqual(['member']);
    expect(changedMembership?.metadata).toEqual({ desk: 'north' });

    const external = { organization_id: third, external_id: 'ext-lin' };
    const externalPath = '/api/v1/memberships/organizations/{organization_id}/users:external/{external_id}';
    const viaExternal = await call<{ user: User }>('post', externalPath, {
      path: external,
      query: { send_invitation_email: 'false' },
      body: { membership: { roles: [{ name: 'admin' }] } },
      status: 201,
    });
    expect(viaExternal.user.memberships?.map((m) => m.organization_id)).toEqual([home, away, third]);
    const changedExternal = await call<{ user: User }>('patch', externalPath, {
      path: external,
      body: { roles: [{ name: 'member' }] },
    });
    expect(changedExternal.user.memberships?.find((m) => m.organization_id === third)?.roles?.[0]?.name).toBe('member');
    await call('delete', externalPath, { path: external });
    await call('delete', externalPath, { path: external, status: 404 });
    await call('patch', externalPath, { path: external, body: {}, status: 404 });

    await call('delete', '/api/v1/memberships/organizations/{organization_id}/users/{id}', {
      path: { organization_id: away, id },
    });
    const remaining = await call<{ user: User }>('get', '/api/v1/users/{id}', { path: { id } });
    expect(remaining.user.memberships?.map((m) => m.organization_id)).toEqual([home]);

    // Deleting an organization removes its memberships.
    await call('delete', '/api/v1/organizations/{id}', { path: { id: home } });
    const orphan = await call<{ user: User }>('get', '/api/v1/users/{id}', { path: { id } });
    expect(orphan.user.memberships).toEqual([]);
    await call('get', '/api/v1/organizations/{organization_id}/users/{user_id}/roles', {
      path: { organization_id: home, user_id: id },
      status: 404,
    });

    expect(eventsOf('user.organization_membership_updated')).toHaveLength(2);
    expect(eventsOf('user.organization_membership_deleted')).toHaveLength(2);
    expectValidEvents();
  });

  it('page organization members', async () => {
    const org = (await createOrganization({ display_name: 'Crowd' })).id as string;
    for (let i = 0; i < 3; i += 1) await createUser(org, { email: `p${i}@example.com` });
    const page = await call<{ users: User[]; next_page_token: string; total_size: number }>(
      'get',
      '/api/v1/organizations/{organization_id}/users',
      { path: { organization_id: org }, query: { page_size: '2' } },
    );
    expect(page.users.map((u) => u.email)).toEqual(['p0@example.com', 'p1@example.com']);
    expect(page.total_size).toBe(3);
    const rest = await call<{ users: User[] }>('get', '/api/v1/organizations/{organization_id}/users', {
      path: { organization_id: org },
      query: { page_size: '2', page_token: page.next_page_token },
    });
    expect(rest.users.map((u) => u.email)).toEqual(['p2@example.com']);
    const searched = await call<{ users: User[]; next_page_token: string }>('get', '/api/v1/users:search', {
      query: { query: 'example.com', page_size: '1' },
    });
    expect(searched.users).toHaveLength(1);
    expect(searched.next_page_token).not.toBe('');
  });
});

describe('coverage', () => {
  it('every operation of the four tags answered with a success at least once', () => {
    expect(expectedOperations).toHaveLength(55);
    expect(expectedOperations.filter((operation) => !succeeded.has(operation))).toEqual([]);
  });
});
