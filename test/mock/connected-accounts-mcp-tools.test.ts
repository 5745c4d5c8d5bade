import { decodeJwt } from 'jose';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { seedPasskey } from '../../src/mock/handlers/passkeys.js';
import { createMock, type Mock } from '../../src/mock/index.js';
import type { EmittedEvent } from '../../src/mock/state.js';
import { readSpecFile } from '../../src/spec/document.js';
import { SchemaRegistry } from '../../src/spec/schemas.js';

// Connected accounts, MCP configurations, tools, custom providers and passkeys in the reference mock: every
// operation answers with bodies valid against the spec, and what is created can be read, listed, changed and
// deleted. Each test starts from a fresh mock.

const base = 'http://mock.test';
const { document } = readSpecFile(process.env.SCALEKIT_OPENAPI ?? '');
const registry = new SchemaRegistry(document);
const webhooks = (
  document as unknown as {
    webhooks: Record<string, { post: { requestBody: { content: Record<string, { schema: unknown }> } } }>;
  }
).webhooks;

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
  mock.state.onEvent((e) => events.push(e));
  const response = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=c&client_secret=secret-123',
  });
  token = ((await response.json()) as { access_token: string }).access_token;
});

// Every event a state change emitted must match its webhook's schema.
afterEach(() => {
  for (const event of events) {
    const schema = webhooks[event.type]?.post.requestBody.content['application/json']?.schema;
    expect(schema, `no webhook ${event.type} in the spec`).toBeDefined();
    expect(registry.validate(schema, event.payload), event.type).toEqual([]);
    expect(event.payload.organization_id, 'connected-account events carry no organization_id').toBeUndefined();
  }
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies are validated against the spec, then read freely
type Json = Record<string, any>;
interface Answer {
  status: number;
  body: Json;
}

interface CallOptions {
  query?: Record<string, string | string[]>;
  body?: unknown;
  /** A status the spec does not declare for the operation, returned on purpose (its body is then not checked). */
  undeclared?: boolean;
  auth?: boolean;
}

/** Calls one spec operation and checks the answer's body against the schema the spec declares for its status. */
async function call(method: string, specPath: string, actualPath: string, options: CallOptions = {}): Promise<Answer> {
  const url = new URL(`${base}${actualPath}`);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, v);
  }
  const headers: Record<string, string> = {};
  if (options.auth !== false) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: method.toUpperCase(),
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const body = (await response.json()) as Json;
  const operation = (document.paths[specPath] as Record<string, { responses: Record<string, unknown> }> | undefined)?.[
    method
  ];
  expect(operation, `${method} ${specPath} is not in the spec`).toBeDefined();
  const declared = String(response.status) in (operation?.responses ?? {});
  if (!options.undeclared || declared) {
    expect(declared, `${method} ${specPath} answered undeclared ${response.status}: ${JSON.stringify(body)}`).toBe(
      true,
    );
    const schema = registry.responseSchema(specPath, method, response.status);
    if (schema !== undefined) {
      const violations = registry.validate(schema, body);
      expect(violations, `${method} ${actualPath} ${response.status}: ${JSON.stringify(body)}`).toEqual([]);
    }
  }
  return { status: response.status, body };
}

const eventTypes = () => events.map((e) => e.type);

const createAccount = (body: Json) =>
  call('post', '/api/v1/connected_accounts', '/api/v1/connected_accounts', { body });
const accountDetails = (query: Record<string, string>) =>
  call('get', '/api/v1/connected_accounts/details', '/api/v1/connected_accounts/details', { query });
const accountAuth = (query: Record<string, string>) =>
  call('get', '/api/v1/connected_accounts/auth', '/api/v1/connected_accounts/auth', { query });
const listAccounts = (query: Record<string, string | string[]> = {}) =>
  call('get', '/api/v1/connected_accounts', '/api/v1/connected_accounts', { query });
const magicLink = (body: Json, undeclared = false) =>
  call('post', '/api/v1/connected_accounts/magic_link', '/api/v1/connected_accounts/magic_link', { body, undeclared });

const oauth = { oauth_token: { access_token: 'ya29.test', refresh_token: '1//refresh', scopes: ['email'] } };

describe('connected accounts', () => {
  it('creates, reads, lists, updates and deletes a connected account', async () => {
    const created = await createAccount({
      connector: 'gmail',
      identifier: 'alice@acme.com',
      organization_id: 'org_1',
      connected_account: { authorization_details: oauth, api_config: { timeout: 30 } },
    });
    expect(created.status).toBe(201);
    const account = created.body.connected_account;
    expect(account).toMatchObject({
      connector: 'gmail',
      identifier: 'alice@acme.com',
      provider: 'GMAIL',
      status: 'ACTIVE',
      authorization_type: 'OAUTH',
      authorization_details: oauth,
    });
    expect(account.id).toMatch(/^ca_\d+$/);
    expect(account.connection_id).toMatch(/^conn_\d+$/);

    const details = await accountDetails({ id: account.id });
    expect(details.status).toBe(200);
    expect(details.body.connected_account.id).toBe(account.id);
    expect(details.body.connected_account.authorization_details).toBeUndefined();

    const auth = await accountAuth({ connector: 'gmail', identifier: 'alice@acme.com', organization_id: 'org_1' });
    expect(auth.status).toBe(200);
    expect(auth.body.connected_account.authorization_details.oauth_token.access_token).toBe('ya29.test');

    const listed = await listAccounts();
    expect(listed.body.connected_accounts.map((a: Json) => a.id)).toEqual([account.id]);
    expect(listed.body.connected_accounts[0].authorization_details).toBeUndefined();

    const pending = await createAccount({ connector: 'slack', identifier: 'alice@acme.com', user_id: 'usr_1' });
    expect(pending.body.connected_account.status).toBe('PENDING_AUTH');
    const slackId = pending.body.connected_account.id;

    const updated = await call('put', '/api/v1/connected_accounts', '/api/v1/connected_accounts', {
      body: { id: slackId, connected_account: { authorization_details: oauth, api_config: { rate_limit: 5 } } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.connected_account).toMatchObject({ status: 'ACTIVE', api_config: { rate_limit: 5 } });
    const merged = await call('put', '/api/v1/connected_accounts', '/api/v1/connected_accounts', {
      body: { connector: 'slack', identifier: 'alice@acme.com', connected_account: { api_config: { timeout: 9 } } },
    });
    expect(merged.body.connected_account.api_config).toEqual({ rate_limit: 5, timeout: 9 });
    expect((await accountDetails({ id: slackId })).body.connected_account.status).toBe('ACTIVE');

    const deleted = await call('post', '/api/v1/connected_accounts:delete', '/api/v1/connected_accounts:delete', {
      body: { id: account.id },
    });
    expect(deleted).toEqual({ status: 200, body: {} });
    expect((await accountDetails({ id: account.id })).status).toBe(404);
    expect((await listAccounts()).body.connected_accounts.map((a: Json) => a.id)).toEqual([slackId]);
    const again = await call('post', '/api/v1/connected_accounts:delete', '/api/v1/connected_accounts:delete', {
      body: { id: account.id },
    });
    expect(again.status).toBe(404);

    expect(eventTypes()).toEqual([
      'connected_account.created',
      'connected_account.created',
      'connected_account.updated',
      'connected_account.status_updated',
      'connected_account.updated',
      'connected_account.deleted',
    ]);
    expect(events[3]?.payload.data).toMatchObject({ id: slackId, status: 'ACTIVE', old_status: 'PENDING_AUTH' });
  });

  it('refuses duplicates, unknown accounts and invalid input', async () => {
    await createAccount({ connector: 'gmail', identifier: 'bob@acme.com' });
    expect((await createAccount({ connector: 'gmail', identifier: 'bob@acme.com' })).status).toBe(409);
    expect((await createAccount({ identifier: 'bob@acme.com' })).status).toBe(400);
    expect((await createAccount({ connector: 'gm@il', identifier: 'bob@acme.com' })).status).toBe(400);
    expect((await createAccount({ connector: 'gmail', identifier: 42 })).status).toBe(400);
    const badDetails = { connector: 'slack', identifier: 'x', connected_account: { authorization_details: [] } };
    expect((await createAccount(badDetails)).status).toBe(400);
    const twoKinds = { oauth_token: {}, static_auth: { details: { api_key: 'k' } } };
    const twoKindsBody = {
      connector: 'slack',
      identifier: 'x',
      connected_account: { authorization_details: twoKinds },
    };
    expect((await createAccount(twoKindsBody)).status).toBe(400);

    expect((await accountDetails({ id: 'ca_404' })).status).toBe(404);
    expect((await accountAuth({ connector: 'gmail', identifier: 'nobody' })).status).toBe(404);
    expect((await accountAuth({ connector: 'gmail' })).status).toBe(400);
    const update = await call('put', '/api/v1/connected_accounts', '/api/v1/connected_accounts', {
      body: { id: 'ca_404', connected_account: { api_config: {} } },
    });
    expect(update.status).toBe(404);
    const noPayload = await call('put', '/api/v1/connected_accounts', '/api/v1/connected_accounts', {
      body: { connector: 'gmail', identifier: 'bob@acme.com' },
    });
    expect(noPayload.status).toBe(400);
    expect((await listAccounts({ connector: 'gmail', connection_names: 'slack' })).status).toBe(400);
    expect((await listAccounts({ page_size: '-1' })).status).toBe(400);
    const unauthenticated = await call('get', '/api/v1/connected_accounts', '/api/v1/connected_accounts', {
      auth: false,
    });
    expect(unauthenticated.status).toBe(401);
  });

  it('filters, searches and pages connected accounts', async () => {
    const ids: string[] = [];
    for (const [connector, identifier, organization_id] of [
      ['gmail', 'ann@acme.com', 'org_a'],
      ['slack', 'ann@acme.com', 'org_a'],
      ['notion', 'ben@beta.io', 'org_b'],
      ['exa', 'cat@acme.com', 'org_b'],
    ] as const) {
      ids.push((await createAccount({ connector, identifier, organization_id })).body.connected_account.id);
    }
    const idsOf = (answer: Answer) => answer.body.connected_accounts.map((a: Json) => a.id);
    expect(idsOf(await listAccounts({ organization_id: 'org_a' }))).toEqual(ids.slice(0, 2));
    expect(idsOf(await listAccounts({ connector: 'notion' }))).toEqual([ids[2]]);
    expect(idsOf(await listAccounts({ provider: 'exa' }))).toEqual([ids[3]]);
    expect(idsOf(await listAccounts({ identifier: 'ann@acme.com' }))).toEqual(ids.slice(0, 2));
    expect(idsOf(await listAccounts({ connection_names: ['gmail', 'exa'] }))).toEqual([ids[0], ids[3]]);
    expect(idsOf(await listAccounts({ query: 'BETA' }))).toEqual([ids[2]]);

    const first = await listAccounts({ page_size: '3' });
    expect(first.body).toMatchObject({ total_size: 4, prev_page_token: '' });
    expect(idsOf(first)).toEqual(ids.slice(0, 3));
    const second = await listAccounts({ page_size: '3', page_token: first.body.next_page_token });
    expect(idsOf(second)).toEqual(ids.slice(3));
    expect(second.body.next_page_token).toBe('');

    const search = (query: Record<string, string>) =>
      call('get', '/api/v1/connected_accounts:search', '/api/v1/connected_accounts:search', { query });
    expect(idsOf(await search({ query: 'acme' }))).toEqual([ids[0], ids[1], ids[3]]);
    expect(idsOf(await search({ query: 'SLACK' }))).toEqual([ids[1]]);
    const connectionId = (await accountDetails({ id: ids[0] ?? '' })).body.connected_account.connection_id;
    expect(idsOf(await search({ query: 'acme', connection_id: connectionId }))).toEqual([ids[0]]);
    const paged = await search({ query: 'acme', page_size: '2' });
    expect(paged.body).toMatchObject({ total_size: 3 });
    expect(paged.body.next_page_token).not.toBe('');
    expect((await search({ query: 'ac' })).status).toBe(400);
  });

  it('hands out magic links and verifies the user behind them', async () => {
    const link = await magicLink({
      connector: 'notion',
      identifier: 'dana@acme.com',
      user_verify_url: 'https://app.example.com/verify',
      state: 'opaque-state',
    });
    expect(link.status).toBe(200);
    expect(link.body.link).toMatch(/^http:\/\/mock\.test\/connect\/magic_link\//);
    expect(Date.parse(link.body.expiry)).toBeGreaterThan(mock.state.clock.now());
    const account = (await accountDetails({ connector: 'notion', identifier: 'dana@acme.com' })).body.connected_account;
    expect(account.status).toBe('PENDING_AUTH');

    // Following the link stands in for the user finishing the provider's OAuth.
    const followed = await fetch(link.body.link, { redirect: 'manual' });
    expect(followed.status).toBe(302);
    const next = new URL(followed.headers.get('location') ?? '');
    expect(next.origin + next.pathname).toBe('https://app.example.com/verify');
    expect(next.searchParams.get('state')).toBe('opaque-state');
    const authRequestId = next.searchParams.get('auth_request_id') ?? '';
    expect((await accountDetails({ id: account.id })).body.connected_account.status).toBe('PENDING_VERIFICATION');
    expect((await fetch(link.body.link, { redirect: 'manual' })).status).toBe(404);

    const verify = (body: Json) =>
      call('post', '/api/v1/connected_accounts/user/verify', '/api/v1/connected_accounts/user/verify', { body });
    expect((await verify({ auth_request_id: authRequestId })).status).toBe(400);
    expect((await verify({ auth_request_id: authRequestId, identifier: 'eve@acme.com' })).status).toBe(403);
    const verified = await verify({ auth_request_id: authRequestId, identifier: 'dana@acme.com' });
    expect(verified.status).toBe(200);
    expect(verified.body.post_user_verify_redirect_url).toBe(`${base}/connect/success`);
    const active = (await accountAuth({ id: account.id })).body.connected_account;
    expect(active.status).toBe('ACTIVE');
    expect(active.authorization_details.oauth_token.access_token).toMatch(/^at_/);
    expect((await verify({ auth_request_id: authRequestId, identifier: 'dana@acme.com' })).status).toBe(404);

    // An existing account by id, no verification asked: following the link activates it directly.
    const pending = await createAccount({ connector: 'github', identifier: 'dana@acme.com' });
    const direct = await magicLink({ id: pending.body.connected_account.id });
    const done = await fetch(direct.body.link, { redirect: 'manual' });
    expect(done.headers.get('location')).toBe(`${base}/connect/success`);
    expect((await accountDetails({ id: pending.body.connected_account.id })).body.connected_account.status).toBe(
      'ACTIVE',
    );

    expect((await magicLink({ id: 'ca_404' }, true)).status).toBe(404);
    expect((await magicLink({ connector: 'notion' })).status).toBe(400);
    expect(eventTypes()).toEqual([
      'connected_account.created',
      'connected_account.magic_link_generated',
      'connected_account.oauth_succeeded',
      'connected_account.status_updated',
      'connected_account.oauth_tokens_fetched',
      'connected_account.status_updated',
      'connected_account.created',
      'connected_account.magic_link_generated',
      'connected_account.oauth_succeeded',
      'connected_account.oauth_tokens_fetched',
      'connected_account.status_updated',
    ]);
  });

  it('refreshes expired tokens when credentials are fetched, or marks the account expired', async () => {
    const refreshable = await createAccount({
      connector: 'gmail',
      identifier: 'f@acme.com',
      connected_account: { authorization_details: oauth },
    });
    const noRefresh = await createAccount({
      connector: 'slack',
      identifier: 'f@acme.com',
      connected_account: { authorization_details: { oauth_token: { access_token: 'only' } } },
    });
    const before = refreshable.body.connected_account.token_expires_at;
    mock.state.clock.advance(2 * 3_600_000);

    const refreshed = (await accountAuth({ id: refreshable.body.connected_account.id })).body.connected_account;
    expect(refreshed.status).toBe('ACTIVE');
    expect(Date.parse(refreshed.token_expires_at)).toBeGreaterThan(Date.parse(before));
    expect(refreshed.authorization_details.oauth_token.access_token).not.toBe('ya29.test');
    const expired = (await accountAuth({ id: noRefresh.body.connected_account.id })).body.connected_account;
    expect(expired.status).toBe('EXPIRED');
    expect(eventTypes().slice(2)).toEqual([
      'connected_account.token_refresh_succeeded',
      'connected_account.token_refresh_failed',
      'connected_account.status_updated',
    ]);
  });
});

describe('tools', () => {
  const listTools = (query: Record<string, string | string[]> = {}) =>
    call('get', '/api/v1/tools', '/api/v1/tools', { query });
  const execute = (body: Json) => call('post', '/api/v1/execute_tool', '/api/v1/execute_tool', { body });

  it('lists the catalogue with its filters and pages', async () => {
    const all = await listTools();
    expect(all.status).toBe(200);
    expect(all.body.total_size).toBeGreaterThan(10);
    expect(all.body.tools).toHaveLength(10);
    expect(all.body.tools[0].id).toMatch(/^tol_/);
    const rest = await listTools({ page_token: all.body.next_page_token });
    expect(rest.body.tools).toHaveLength(all.body.total_size - 10);

    const gmail = await listTools({ 'filter.provider': 'gmail', 'filter.summary': 'true' });
    expect(gmail.body.tools).toBeUndefined();
    expect(gmail.body.tool_names).toEqual(['gmail_send_email', 'gmail_fetch_mails', 'gmail_get_attachment']);
    const found = await listTools({ 'filter.query': 'gmail get attachment', 'filter.summary': 'true' });
    expect(found.body.tool_names).toEqual(['gmail_get_attachment']);
    const named = await listTools({
      'filter.tool_name': ['slack_send_message', 'exa_search'],
      'filter.summary': 'true',
    });
    expect(named.body.tool_names).toEqual(['slack_send_message', 'exa_search']);
    expect((await listTools({ 'filter.summary': 'maybe' })).status).toBe(400);

    await createAccount({ connector: 'notion', identifier: 'gus@acme.com' });
    const forAccount = await listTools({ 'filter.identifier': 'gus@acme.com', 'filter.summary': 'true' });
    expect(forAccount.body.tool_names).toEqual(['notion_create_page', 'notion_search']);
  });

  it('lists scoped and available tools for an identifier', async () => {
    const scoped = (query: Record<string, string | string[]>) =>
      call('get', '/api/v1/tools/scoped', '/api/v1/tools/scoped', { query });
    const available = (query: Record<string, string>) =>
      call('get', '/api/v1/tools/available', '/api/v1/tools/available', { query });
    const active = await createAccount({
      connector: 'gmail',
      identifier: 'hal@acme.com',
      connected_account: { authorization_details: oauth },
    });
    await createAccount({ connector: 'slack', identifier: 'hal@acme.com' });

    const bound = await scoped({ identifier: 'hal@acme.com' });
    expect(bound.status).toBe(200);
    expect(bound.body.total_size).toBe(3);
    expect(bound.body.tools[0]).toMatchObject({
      connected_account_id: active.body.connected_account.id,
      identifier: 'hal@acme.com',
      tool: { provider: 'GMAIL' },
    });
    const narrowed = await scoped({ identifier: 'hal@acme.com', 'filter.tool_names': 'gmail_send_email' });
    expect(narrowed.body.tools.map((t: Json) => t.tool.definition.name)).toEqual(['gmail_send_email']);
    expect((await scoped({ identifier: 'hal@acme.com', 'filter.providers': 'SLACK' })).body.tools).toEqual([]);
    expect((await scoped({})).status).toBe(400);

    const candidates = await available({ identifier: 'hal@acme.com' });
    expect(candidates.status).toBe(200);
    expect(new Set(candidates.body.tools.map((t: Json) => t.provider))).toEqual(new Set(['GMAIL', 'SLACK']));
    expect((await available({ identifier: 'nobody@acme.com' })).status).toBe(404);
    expect((await available({})).status).toBe(400);
  });

  it('executes a tool as a connected account', async () => {
    const created = await createAccount({
      connector: 'gmail',
      identifier: 'ida@acme.com',
      connected_account: { authorization_details: oauth },
    });
    const id = created.body.connected_account.id;
    const params = { to: 'x@acme.com', subject: 'Hi', body: 'Hello' };
    const result = await execute({ tool_name: 'gmail_send_email', identifier: 'ida@acme.com', params });
    expect(result.status).toBe(200);
    expect(result.body.execution_id).toMatch(/^\d+$/);
    expect(result.body.data).toMatchObject({ to: 'x@acme.com' });
    expect((await accountDetails({ id })).body.connected_account.last_used_at).toBe(mock.state.nowIso());
    const byId = await execute({ tool_name: 'gmail_fetch_mails', connected_account_id: id, agent_run_id: 'run_1' });
    expect(byId.status).toBe(200);

    expect((await execute({ tool_name: 'no_such_tool', identifier: 'ida@acme.com' })).status).toBe(404);
    expect((await execute({ identifier: 'ida@acme.com' })).status).toBe(400);
    expect((await execute({ tool_name: 'gmail_send_email', identifier: 'ida@acme.com' })).status).toBe(400);
    const wrongType = { tool_name: 'gmail_fetch_mails', identifier: 'ida@acme.com', params: { max_results: 'x' } };
    expect((await execute(wrongType)).status).toBe(400);
    expect((await execute({ tool_name: 'gmail_send_email', connected_account_id: 'ca_404', params })).status).toBe(404);
    expect((await execute({ tool_name: 'slack_send_message', identifier: 'ida@acme.com' })).status).toBe(404);
    await createAccount({ connector: 'slack', identifier: 'ida@acme.com' });
    const notActive = {
      tool_name: 'slack_send_message',
      identifier: 'ida@acme.com',
      params: { channel: 'c', text: 't' },
    };
    expect((await execute(notActive)).status).toBe(400);
  });
});

describe('MCP configurations', () => {
  const configsPath = '/api/v1/mcp/configs';
  const configPath = '/api/v1/mcp/configs/{config_id}';
  const listConfigs = (query: Record<string, string> = {}) => call('get', configsPath, configsPath, { query });
  const createConfig = (body: Json, undeclared = false) => call('post', configsPath, configsPath, { body, undeclared });
  const mappings = [
    { connection_name: 'gmail', tools: ['gmail_send_email'] },
    { connection_name: 'slack', tools: [] },
  ];

  it('creates, reads, lists, updates and deletes a configuration', async () => {
    const created = await createConfig({
      name: 'daily-summarizer',
      description: 'Summarizes mail',
      connection_tool_mappings: mappings,
    });
    expect(created.status).toBe(201);
    const config = created.body.config;
    expect(config.id).toMatch(/^cfg_\d+$/);
    expect(config.mcp_server_url).toMatch(/^http:\/\/mock\.test\/mcp\/v3\/servers\/[0-9a-f-]{36}$/);
    expect(config.connection_tool_mappings).toMatchObject([
      { connection_name: 'gmail', provider: 'GMAIL', tools: ['gmail_send_email'] },
      { connection_name: 'slack', provider: 'SLACK', tools: [] },
    ]);
    expect(config.connection_tool_mappings[0].connection_id).toMatch(/^conn_/);

    const fetched = await call('get', configPath, `${configsPath}/${config.id}`);
    expect(fetched).toEqual({ status: 200, body: { config } });
    const other = (await createConfig({ name: 'notes_bot', connection_tool_mappings: [{ connection_name: 'notion' }] }))
      .body.config;

    const namesOf = (answer: Answer) => answer.body.configs.map((c: Json) => c.name);
    expect(namesOf(await listConfigs())).toEqual(['daily-summarizer', 'notes_bot']);
    expect(namesOf(await listConfigs({ 'filter.id': other.id }))).toEqual(['notes_bot']);
    expect(namesOf(await listConfigs({ 'filter.name': 'DAILY-SUMMARIZER' }))).toEqual(['daily-summarizer']);
    expect(namesOf(await listConfigs({ 'filter.provider': 'notion' }))).toEqual(['notes_bot']);
    expect(namesOf(await listConfigs({ 'filter.mcp_server_url': config.mcp_server_url }))).toEqual([
      'daily-summarizer',
    ]);
    expect(namesOf(await listConfigs({ search: 'dai' }))).toEqual(['daily-summarizer']);
    const paged = await listConfigs({ page_size: '1' });
    expect(paged.body).toMatchObject({ total_size: 2 });
    expect(namesOf(await listConfigs({ page_size: '1', page_token: paged.body.next_page_token }))).toEqual([
      'notes_bot',
    ]);
    expect((await listConfigs({ 'filter.name': 'bad name!' })).status).toBe(400);

    const updated = await call('put', configPath, `${configsPath}/${config.id}`, {
      body: {
        description: 'Now only Slack',
        connection_tool_mappings: [{ connection_name: 'slack', tools: ['slack_send_message'] }],
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.config).toMatchObject({ name: 'daily-summarizer', description: 'Now only Slack' });
    const reread = await call('get', configPath, `${configsPath}/${config.id}`);
    expect(reread.body.config.connection_tool_mappings).toMatchObject([
      { connection_name: 'slack', tools: ['slack_send_message'] },
    ]);

    expect(await call('delete', configPath, `${configsPath}/${config.id}`)).toEqual({ status: 200, body: {} });
    expect((await call('get', configPath, `${configsPath}/${config.id}`)).status).toBe(404);
    expect((await call('delete', configPath, `${configsPath}/${config.id}`)).status).toBe(404);
    expect((await call('put', configPath, `${configsPath}/${config.id}`, { body: {} })).status).toBe(404);
    expect(namesOf(await listConfigs())).toEqual(['notes_bot']);
  });

  it('refuses invalid and duplicate configurations', async () => {
    await createConfig({ name: 'one' });
    expect((await createConfig({ name: 'one' }, true)).status).toBe(409);
    expect((await createConfig({})).status).toBe(400);
    expect((await createConfig({ name: 'Has Spaces' })).status).toBe(400);
    const unknownTool = [{ connection_name: 'gmail', tools: ['slack_send_message'] }];
    expect((await createConfig({ name: 'two', connection_tool_mappings: unknownTool })).status).toBe(400);
    const twice = [{ connection_name: 'gmail' }, { connection_name: 'gmail' }];
    expect((await createConfig({ name: 'two', connection_tool_mappings: twice })).status).toBe(400);
    const tooMany = Array.from({ length: 26 }, (_, i) => ({ connection_name: `conn-${i}` }));
    expect((await createConfig({ name: 'two', connection_tool_mappings: tooMany })).status).toBe(400);
  });

  it('reports connected accounts per connection and mints session tokens', async () => {
    const config = (await createConfig({ name: 'agent', connection_tool_mappings: mappings })).body.config;
    const accountsPath = '/api/v1/mcp/configs/{config_id}/connected_accounts';
    const accounts = (body: Json) =>
      call('post', accountsPath, `${configsPath}/${config.id}/connected_accounts`, { body });
    const tokensPath = '/api/v1/mcp/configs/{mcp_config_id}/tokens';
    const mint = (body: Json, id = config.id) => call('post', tokensPath, `${configsPath}/${id}/tokens`, { body });

    const none = await accounts({ identifier: 'jo@acme.com' });
    expect(none.status).toBe(200);
    expect(none.body.connected_accounts).toEqual([
      expect.objectContaining({ connection_name: 'gmail', authentication_link: '' }),
      expect.objectContaining({ connection_name: 'slack', authentication_link: '' }),
    ]);
    expect(none.body.connected_accounts[0].connected_account_id).toBeUndefined();
    expect((await listAccounts()).body.connected_accounts).toEqual([]);

    const linked = await accounts({ identifier: 'jo@acme.com', include_auth_link: true });
    for (const entry of linked.body.connected_accounts) {
      expect(entry.connected_account_id).toMatch(/^ca_/);
      expect(entry.connected_account_status).toBe('PENDING_AUTH');
      expect(entry.authentication_link).toMatch(/\/connect\/magic_link\//);
    }
    expect((await listAccounts({ identifier: 'jo@acme.com' })).body.total_size).toBe(2);
    expect((await accounts({})).status).toBe(400);
    expect((await accounts({ identifier: 'jo@acme.com', include_auth_link: 'yes' })).status).toBe(400);

    expect((await mint({ identifier: 'jo@acme.com' })).status).toBe(400);
    for (const entry of linked.body.connected_accounts) {
      await fetch(entry.authentication_link, { redirect: 'manual' });
    }
    const minted = await mint({ identifier: 'jo@acme.com', expiry: '600s' });
    expect(minted.status).toBe(200);
    expect(Date.parse(minted.body.expires_at)).toBe(mock.state.clock.now() + 600_000);
    const claims = decodeJwt(minted.body.token);
    expect(claims).toMatchObject({
      sub: 'jo@acme.com',
      aud: [config.mcp_server_url],
      mcp_cfg: config.id,
      ca_ids: linked.body.connected_accounts.map((e: Json) => e.connected_account_id),
    });
    expect((await mint({ identifier: 'jo@acme.com', expiry: '30s' })).status).toBe(400);
    expect((await mint({ identifier: 'jo@acme.com', expiry: 'soon' })).status).toBe(400);
    expect((await mint({})).status).toBe(400);
    expect((await mint({ identifier: 'jo@acme.com' }, 'cfg_404')).status).toBe(404);
    const empty = (await createConfig({ name: 'empty' })).body.config;
    expect((await mint({ identifier: 'jo@acme.com' }, empty.id)).status).toBe(400);
    expect(
      (await call('post', accountsPath, `${configsPath}/cfg_404/connected_accounts`, { body: { identifier: 'x' } }))
        .status,
    ).toBe(404);
  });
});

describe('custom providers', () => {
  const providerPath = '/api/v1/custom-providers/{identifier}';
  const create = (body: Json) => call('post', '/api/v1/custom-providers', '/api/v1/custom-providers', { body });
  const update = (identifier: string, body: Json) =>
    call('put', providerPath, `/api/v1/custom-providers/${identifier}`, { body });
  const remove = (identifier: string) => call('delete', providerPath, `/api/v1/custom-providers/${identifier}`);

  it('creates, updates and deletes a custom provider', async () => {
    const created = await create({
      display_name: 'My Connector',
      description: 'Internal API',
      proxy_url: 'https://mcp.example.com/mcp',
      proxy_enabled: true,
      metadata: { api_version: 'v2' },
      auth_patterns: [{ type: 'OAUTH' }],
    });
    expect(created.status).toBe(201);
    const provider = created.body.provider;
    expect(provider).toMatchObject({
      identifier: 'MY_CONNECTOR',
      display_name: 'My Connector',
      is_custom: true,
      metadata: { api_version: 'v2' },
      auth_patterns: [{ type: 'OAUTH' }],
    });
    const sameName = await create({ display_name: 'My Connector' });
    expect(sameName.body.provider.identifier).toBe('MY_CONNECTOR_2');
    expect(sameName.body.provider.metadata).toEqual({});

    const updated = await update(provider.identifier, { description: 'Changed' });
    expect(updated.status).toBe(200);
    expect(updated.body.provider).toEqual({ ...provider, description: 'Changed' });
    const again = await update(provider.identifier, { proxy_enabled: false });
    expect(again.body.provider).toMatchObject({ description: 'Changed', proxy_enabled: false });

    expect(await remove(provider.identifier)).toEqual({ status: 200, body: {} });
    expect((await update(provider.identifier, { description: 'x' })).status).toBe(404);
    expect((await remove(provider.identifier)).status).toBe(404);
    expect((await update('MY_CONNECTOR_2', { description: 'still here' })).status).toBe(200);
  });

  it('refuses invalid providers', async () => {
    expect((await create({})).status).toBe(400);
    expect((await create({ display_name: 'X', proxy_url: 'http://insecure.example.com' })).status).toBe(400);
    expect((await create({ display_name: 'X', metadata: { k: 'v' } })).status).toBe(400);
    expect((await create({ display_name: 'X', metadata: { key: 1 } })).status).toBe(400);
    expect((await create({ display_name: 'X', auth_patterns: ['oauth'] })).status).toBe(400);
    expect((await create({ display_name: 'X', proxy_enabled: true })).status).toBe(400);
    const ok = await create({ display_name: 'X' });
    expect((await update(ok.body.provider.identifier, { proxy_enabled: 'yes' })).status).toBe(400);
  });
});

describe('passkeys', () => {
  const credentialPath = '/api/v1/webauthn/credentials/{credential_id}';
  const list = (query: Record<string, string> = {}) =>
    call('get', '/api/v1/webauthn/credentials', '/api/v1/webauthn/credentials', { query });
  const rename = (id: string, body: Json, undeclared = false) =>
    call('patch', credentialPath, `/api/v1/webauthn/credentials/${id}`, { body, undeclared });
  const remove = (id: string) =>
    call('delete', credentialPath, `/api/v1/webauthn/credentials/${id}`, { undeclared: true });

  it('lists nothing until passkeys are seeded, and 404s unknown ones', async () => {
    const empty = await list();
    expect(empty.status).toBe(200);
    expect(empty.body.credentials).toEqual([]);
    expect((await rename('cred_404', { display_name: 'x' }, true)).status).toBe(404);
    expect((await remove('cred_404')).status).toBe(404);
  });

  it('lists, renames and deletes seeded passkeys', async () => {
    const first = seedPasskey(mock.state, { user_id: 'usr_1', display_name: 'My iPhone' });
    seedPasskey(mock.state, { user_id: 'usr_1' });
    seedPasskey(mock.state, { user_id: 'usr_2' });
    const listed = await list({ user_id: 'usr_1' });
    expect(listed.body.credentials).toHaveLength(2);
    expect(listed.body.credentials[0]).toEqual(first);
    expect(listed.body.all_accepted_credentials_options).toMatchObject({ rp_id: 'mock.test', user_id: 'usr_1' });
    expect(listed.body.all_accepted_credentials_options.all_accepted_credential_ids).toHaveLength(2);
    expect((await list()).body.credentials).toHaveLength(3);

    mock.state.clock.advance(1000);
    const renamed = await rename(first.id ?? '', { display_name: 'Work laptop' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.credential).toMatchObject({ id: first.id, display_name: 'Work laptop' });
    expect(renamed.body.credential.updated_at).not.toBe(first.created_at);
    expect((await list({ user_id: 'usr_1' })).body.credentials[0].display_name).toBe('Work laptop');
    expect((await rename(first.id ?? '', { display_name: '' }, true)).status).toBe(400);

    const deleted = await remove(first.id ?? '');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ success: true, unknown_credential_options: { rp_id: 'mock.test' } });
    expect((await list({ user_id: 'usr_1' })).body.credentials).toHaveLength(1);
    expect((await remove(first.id ?? '')).status).toBe(404);
  });
});
