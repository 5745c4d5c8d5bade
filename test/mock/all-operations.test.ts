import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { seedPasskey } from '../../src/mock/handlers/passkeys.js';
import { passwordlessOutbox } from '../../src/mock/handlers/passwordless.js';
import { seedSession } from '../../src/mock/handlers/sessions.js';
import { type ServedMock, serveMock } from '../../src/mock/http-server.js';
import { createMock, type Mock } from '../../src/mock/index.js';
import { pathMatcher } from '../../src/mock/route.js';
import { readSpecFile } from '../../src/spec/document.js';
import { SchemaRegistry } from '../../src/spec/schemas.js';
import { clientCredentialsToken } from '../support/token.js';

// A tour of every operation in the spec against the standalone mock over loopback: realistic requests in the
// order a client would make them, each answered with a 2xx that validates against the spec's schema for that
// status. The last test checks that the tour touched all operations, so a new operation in the spec fails here
// until the mock serves it.

const { document } = readSpecFile(process.env.SCALEKIT_OPENAPI ?? '');
const registry = new SchemaRegistry(document);
const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;
const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  methods.filter((m) => m in item).map((method) => ({ path, method, matcher: pathMatcher(path) })),
);
const seen = new Map<string, number>();
const events: { type: string; payload: Record<string, unknown> }[] = [];
const problems: string[] = [];

const credentials = { clientId: 'skc_tour', clientSecret: 'tour-secret-123' };
let mock: Mock;
let served: ServedMock;
let token: string;

/** The spec operation a concrete request belongs to (the most specific template, as the mock routes it). */
function operationOf(method: string, url: string) {
  const candidates = operations.filter((op) => op.method === method && op.matcher.test(url));
  return candidates.sort((a, b) => b.path.length - a.path.length)[0];
}

async function call(method: (typeof methods)[number], path: string, body?: unknown): Promise<Record<string, unknown>> {
  const url = `${served.url}${path}`;
  const response = await fetch(url, {
    method: method.toUpperCase(),
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const json = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  const operation = operationOf(method, url);
  const label = `${method.toUpperCase()} ${path} → ${response.status}`;
  if (!operation) {
    problems.push(`${label}: matches no operation in the spec`);
    return json;
  }
  const key = `${method} ${operation.path}`;
  if (response.status < 200 || response.status > 299) problems.push(`${label}: ${text.slice(0, 200)}`);
  const schema = registry.responseSchema(operation.path, method, response.status);
  if (schema === undefined) problems.push(`${label}: the spec declares no JSON body for this status`);
  else {
    const violations = registry.validate(schema, json);
    if (violations.length > 0) problems.push(`${label}: ${violations.map((v) => `${v.at} ${v.message}`).join('; ')}`);
    else if (response.status < 300) seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return json;
}

const get = (path: string) => call('get', path);
const field = (value: unknown, ...keys: string[]): string => {
  let current = value;
  for (const key of keys) current = (current as Record<string, unknown> | undefined)?.[key];
  if (typeof current === 'string') return current;
  // Keep touring: the missing value shows up as a problem, and the calls that needed it fail visibly too.
  problems.push(`no string at ${keys.join('.')} in ${JSON.stringify(value).slice(0, 300)}`);
  return 'missing';
};
const e = encodeURIComponent;

beforeAll(async () => {
  mock = createMock({ clock: new ManualClock(Date.UTC(2026, 6, 1)), credentials, seed: 5 });
  served = await serveMock(mock);
  mock.state.onEvent((event) => events.push(event));
  token = await clientCredentialsToken(served.url, credentials);
});
afterAll(() => served.close());

describe('every operation of the spec against the mock', { timeout: 60_000 }, () => {
  it('answers a realistic tour of all operations with spec-valid 2xx responses', async () => {
    // Organizations
    const org = field(
      await call('post', '/api/v1/organizations', {
        display_name: 'Tour Org',
        external_id: 'tour-org',
        slug: 'tour-org',
      }),
      'organization',
      'id',
    );
    const org2 = field(
      await call('post', '/api/v1/organizations', { display_name: 'Tour Org Two', external_id: 'tour-org-2' }),
      'organization',
      'id',
    );
    const org3 = field(
      await call('post', '/api/v1/organizations', { display_name: 'Tour Org Three' }),
      'organization',
      'id',
    );
    await get('/api/v1/organizations?page_size=10');
    await get(`/api/v1/organizations/${org}`);
    await call('patch', `/api/v1/organizations/${org}`, {
      display_name: 'Tour Org Renamed',
      metadata: { tier: 'gold' },
    });
    await get('/api/v1/organizations:external/tour-org');
    await call('put', `/api/v1/organizations/${org}/portal_links`);
    await call('patch', `/api/v1/organizations/${org}/settings`, { features: [{ name: 'sso', enabled: true }] });
    await get(`/api/v1/organizations/${org}/session-policy`);
    await call('patch', `/api/v1/organizations/${org}/session-policy`, {
      policy_source: 'CUSTOM',
      absolute_session_timeout: 60,
      absolute_session_timeout_unit: 'MINUTES',
    });
    await call('patch', `/api/v1/organizations/${org}/settings/usermanagement`, {
      settings: { max_allowed_users: 100 },
    });

    // Permissions and roles
    await call('post', '/api/v1/permissions', { name: 'tour:read', description: 'Read tours' });
    await call('post', '/api/v1/permissions', { name: 'tour:write', description: 'Write tours' });
    await get('/api/v1/permissions');
    await get(`/api/v1/permissions/${e('tour:read')}`);
    await call('put', `/api/v1/permissions/${e('tour:read')}`, { description: 'Read every tour' });
    await call('post', '/api/v1/roles', {
      name: 'tour_viewer',
      display_name: 'Tour viewer',
      permissions: ['tour:read'],
    });
    await call('post', '/api/v1/roles', { name: 'tour_editor', display_name: 'Tour editor', extends: 'tour_viewer' });
    await get('/api/v1/roles');
    await get('/api/v1/roles/tour_viewer');
    await call('put', '/api/v1/roles/tour_viewer', { description: 'Sees tours' });
    await get('/api/v1/roles/tour_viewer/dependents');
    await get('/api/v1/roles/tour_viewer/permissions');
    await call('post', '/api/v1/roles/tour_viewer/permissions', { permission_names: ['tour:write'] });
    await get('/api/v1/roles/tour_editor/permissions:all');
    await get('/api/v1/roles/tour_viewer/users:count');
    await call('patch', '/api/v1/roles:set_defaults', { default_member_role: 'member' });
    await call('patch', '/api/v1/roles/default', { default_member_role: 'member' });
    await call('post', `/api/v1/organizations/${org}/roles`, { name: 'tour_org_role', display_name: 'Tour org role' });
    await get(`/api/v1/organizations/${org}/roles`);
    await get(`/api/v1/organizations/${org}/roles/tour_org_role`);
    await call('put', `/api/v1/organizations/${org}/roles/tour_org_role`, { description: 'Org-specific' });
    await call('patch', `/api/v1/organizations/${org}/roles:set_defaults`, { default_member_role: 'tour_org_role' });

    // Users and memberships
    const user = field(
      await call('post', `/api/v1/organizations/${org}/users`, {
        email: 'tour@example.test',
        external_id: 'tour-user',
      }),
      'user',
      'id',
    );
    await get('/api/v1/users');
    await get(`/api/v1/users/${user}`);
    await call('patch', `/api/v1/users/${user}`, { user_profile: { given_name: 'Tour' } });
    await get('/api/v1/users:external/tour-user');
    await call('patch', '/api/v1/users:external/tour-user', { metadata: { team: 'guides' } });
    await get('/api/v1/users:search?query=tour');
    await get(`/api/v1/organizations/${org}/users`);
    await get(`/api/v1/organizations/${org}/users:search?query=tour`);
    await get(`/api/v1/organizations/${org}/users/${user}/roles`);
    await get(`/api/v1/organizations/${org}/users/${user}/permissions`);
    await call('patch', `/api/v1/invites/organizations/${org}/users/${user}/resend`, {});
    await call('post', `/api/v1/memberships/organizations/${org2}/users/${user}?send_invitation_email=false`, {
      roles: [{ name: 'member' }],
    });
    await call('patch', `/api/v1/memberships/organizations/${org2}/users/${user}`, { metadata: { seat: 'a' } });
    await call(
      'post',
      `/api/v1/memberships/organizations/${org3}/users:external/tour-user?send_invitation_email=false`,
      { roles: [{ name: 'member' }] },
    );
    await call('patch', `/api/v1/memberships/organizations/${org3}/users:external/tour-user`, {
      metadata: { seat: 'b' },
    });

    // Clients, domains, directories, connections
    const clientId = field(
      await call('post', `/api/v1/organizations/${org}/clients`, { name: 'Tour client', scopes: ['tour:read'] }),
      'client',
      'client_id',
    );
    await get(`/api/v1/organizations/${org}/clients?page_size=10`);
    await get(`/api/v1/organizations/${org}/clients/${clientId}`);
    await call('patch', `/api/v1/organizations/${org}/clients/${clientId}`, { description: 'Used by the tour' });
    const secretId = field(
      await call('post', `/api/v1/organizations/${org}/clients/${clientId}/secrets`),
      'secret',
      'id',
    );
    const domainId = field(
      await call('post', `/api/v1/organizations/${org}/domains`, { domain: 'tour.example.com' }),
      'domain',
      'id',
    );
    await get(`/api/v1/organizations/${org}/domains`);
    await get(`/api/v1/organizations/${org}/domains/${domainId}`);
    const directories = await get(`/api/v1/organizations/${org}/directories`);
    const directoryId = field((directories.directories as unknown[])[0], 'id');
    await get(`/api/v1/organizations/${org}/directories/${directoryId}`);
    await get(`/api/v1/organizations/${org}/directories/${directoryId}/users`);
    await get(`/api/v1/organizations/${org}/directories/${directoryId}/groups`);
    await call('patch', `/api/v1/organizations/${org}/directories/${directoryId}:disable`);
    await call('patch', `/api/v1/organizations/${org}/directories/${directoryId}:enable`);
    const connections = await get(`/api/v1/connections?organization_id=${org}`);
    const connectionId = field((connections.connections as unknown[])[0], 'id');
    await get(`/api/v1/organizations/${org}/connections/${connectionId}`);
    await call('patch', `/api/v1/organizations/${org}/connections/${connectionId}:disable`);
    await call('patch', `/api/v1/organizations/${org}/connections/${connectionId}:enable`);

    // Sessions
    const session = seedSession(mock.state, user, { organization_id: org }).session_id;
    await get(`/api/v1/sessions/${session}`);
    await get(`/api/v1/users/${user}/sessions`);
    await call('post', `/api/v1/sessions/${session}/revoke`);
    seedSession(mock.state, user, { organization_id: org });
    await call('post', `/api/v1/users/${user}/sessions/revoke`);

    // Passwordless
    const sent = await call('post', '/api/v1/passwordless/email/send', {
      email: 'otp@example.test',
      template: 'SIGNIN',
      state: 'tour-state',
    });
    const authRequestId = field(sent, 'auth_request_id');
    const resent = await call('post', '/api/v1/passwordless/email/resend', { auth_request_id: authRequestId });
    const otp = passwordlessOutbox(mock.state).at(-1)?.otp;
    await call('post', '/api/v1/passwordless/email/verify', {
      auth_request_id: field(resent, 'auth_request_id'),
      code: otp,
    });

    // Connected accounts, MCP, tools, custom providers
    const account = await call('post', '/api/v1/connected_accounts', { connector: 'GMAIL', identifier: 'tour-ca' });
    const accountId = field(account, 'connected_account', 'id');
    await get('/api/v1/connected_accounts?identifier=tour-ca');
    await call('put', '/api/v1/connected_accounts', {
      id: accountId,
      connected_account: { authorization_details: {} },
    });
    await get('/api/v1/connected_accounts/auth?connector=GMAIL&identifier=tour-ca');
    await get('/api/v1/connected_accounts/details?connector=GMAIL&identifier=tour-ca');
    const magic = await call('post', '/api/v1/connected_accounts/magic_link', {
      connector: 'GMAIL',
      identifier: 'tour-ca',
      user_verify_url: 'https://app.example.com/verify',
      state: 'tour',
    });
    const completed = await fetch(field(magic, 'link'), { redirect: 'manual' });
    const verifyAt = new URL(completed.headers.get('location') ?? 'https://invalid.example/');
    await call('post', '/api/v1/connected_accounts/user/verify', {
      auth_request_id: verifyAt.searchParams.get('auth_request_id'),
      identifier: 'tour-ca',
    });
    await get('/api/v1/connected_accounts:search?query=tour');
    const mcp = field(
      await call('post', '/api/v1/mcp/configs', {
        name: 'tour-mcp',
        description: 'Tour MCP',
        connection_tool_mappings: [{ connection_name: 'GMAIL', tools: ['gmail_send_email'] }],
      }),
      'config',
      'id',
    );
    await get('/api/v1/mcp/configs');
    await get(`/api/v1/mcp/configs/${mcp}`);
    await call('put', `/api/v1/mcp/configs/${mcp}`, { description: 'Tour MCP, updated' });
    await call('post', `/api/v1/mcp/configs/${mcp}/connected_accounts`, { identifier: 'tour-ca' });
    await call('post', `/api/v1/mcp/configs/${mcp}/tokens`, { identifier: 'tour-ca' });
    const tools = await get('/api/v1/tools?filter.provider=GMAIL');
    const toolName = field((tools.tools as unknown[])[0], 'definition', 'name');
    await get('/api/v1/tools/scoped?identifier=tour-ca');
    await get('/api/v1/tools/available?identifier=tour-ca');
    await call('post', '/api/v1/execute_tool', {
      tool_name: toolName,
      connected_account_id: accountId,
      params: { to: 'ada@example.test', subject: 'Tour', body: 'Hello' },
    });
    const provider = field(
      await call('post', '/api/v1/custom-providers', { display_name: 'Tour Provider' }),
      'provider',
      'identifier',
    );
    await call('put', `/api/v1/custom-providers/${provider}`, { description: 'Tour provider, updated' });

    // Passkeys and logs
    const passkey = seedPasskey(mock.state, { user_id: user }).id;
    await get(`/api/v1/webauthn/credentials?user_id=${user}`);
    await call('patch', `/api/v1/webauthn/credentials/${passkey}`, { display_name: 'Laptop' });
    await get('/api/v1/logs/authentication/requests');

    // Deletes, leaves first
    await call('delete', `/api/v1/webauthn/credentials/${passkey}`);
    await call('delete', `/api/v1/custom-providers/${provider}`);
    await call('delete', `/api/v1/mcp/configs/${mcp}`);
    await call('post', '/api/v1/connected_accounts:delete', { id: accountId });
    await call('delete', `/api/v1/organizations/${org}/clients/${clientId}/secrets/${secretId}`);
    await call('delete', `/api/v1/organizations/${org}/clients/${clientId}`);
    await call('delete', `/api/v1/organizations/${org}/domains/${domainId}`);
    await call('delete', `/api/v1/organizations/${org}/connections/${connectionId}`);
    await call('delete', `/api/v1/organizations/${org}/roles/tour_org_role`);
    await call('delete', `/api/v1/roles/tour_viewer/permissions/${e('tour:write')}`);
    await call('delete', '/api/v1/roles/tour_editor');
    await call('delete', '/api/v1/permissions/tour:write'.replace('tour:write', e('tour:write')));
    await call('delete', `/api/v1/memberships/organizations/${org3}/users:external/tour-user`);
    await call('delete', `/api/v1/memberships/organizations/${org2}/users/${user}`);
    const other = field(
      await call('post', `/api/v1/organizations/${org}/users`, {
        email: 'other@example.test',
        external_id: 'tour-other',
      }),
      'user',
      'id',
    );
    await call('delete', '/api/v1/users:external/tour-other');
    await call('delete', `/api/v1/users/${user}`);
    await call('delete', `/api/v1/organizations/${org}`);
    expect(other).toMatch(/^usr_/);
    expect(problems).toEqual([]);
  });

  it('emitted only webhook events the spec declares, each valid against its schema', () => {
    const webhooks = (document.webhooks ?? {}) as Record<
      string,
      { post: { requestBody: { content: Record<string, { schema: unknown }> } } }
    >;
    const invalid = events.flatMap(({ type, payload }) => {
      const schema = webhooks[type]?.post.requestBody.content['application/json']?.schema;
      if (!schema) return [`${type}: not a webhook in the spec`];
      return registry.validate(schema, payload).map((v) => `${type} ${v.at} ${v.message}`);
    });
    expect(invalid).toEqual([]);
    expect(new Set(events.map((e) => e.type)).size).toBeGreaterThanOrEqual(20);
  });

  it('touched every operation in the spec', () => {
    const missing = operations.map((op) => `${op.method} ${op.path}`).filter((key) => !seen.has(key));
    expect(operations).toHaveLength(111);
    expect(missing).toEqual([]);
  });
});
