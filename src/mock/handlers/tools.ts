import type { HttpHandler } from 'msw';
import type { components } from '../../../generated/openapi.js';
import { paginate } from '../pagination.js';
import { badRequest, notFound, route } from '../route.js';
import type { MockState } from '../state.js';
import {
  type AccountLocator,
  connectedAccounts,
  freeForm,
  isPlainObject,
  readString,
  refreshIfExpired,
  requireConnectedAccount,
  type StoredConnectedAccount,
  touchConnectedAccount,
} from './connected-accounts.js';

type Tool = components['schemas']['toolsTool'];
type ParamType = 'string' | 'integer' | 'boolean' | 'array';

interface CatalogueEntry {
  name: string;
  provider: string;
  description: string;
  category: string;
  tags: string[];
  params: Record<string, { type: ParamType; description: string; required?: boolean }>;
  /** What executing the tool returns, made up from the call's parameters. */
  result: (params: Record<string, unknown>, state: MockState) => Record<string, unknown>;
}

// A small built-in catalogue, a few tools per provider of the mock's known connections.
const catalogue: CatalogueEntry[] = [
  {
    name: 'gmail_send_email',
    provider: 'GMAIL',
    description: 'Send an email from the connected Gmail account',
    category: 'email',
    tags: ['email', 'notification'],
    params: {
      to: { type: 'string', description: 'Recipient email address', required: true },
      subject: { type: 'string', description: 'Subject line', required: true },
      body: { type: 'string', description: 'Plain-text body', required: true },
    },
    result: (params, state) => ({ id: state.id('msg_'), thread_id: state.id('thr_'), to: params.to, labels: ['SENT'] }),
  },
  {
    name: 'gmail_fetch_mails',
    provider: 'GMAIL',
    description: 'Fetch recent emails from the inbox',
    category: 'email',
    tags: ['email'],
    params: {
      query: { type: 'string', description: 'Gmail search query' },
      max_results: { type: 'integer', description: 'Maximum number of emails' },
    },
    result: () => ({ messages: [], result_size_estimate: 0 }),
  },
  {
    name: 'gmail_get_attachment',
    provider: 'GMAIL',
    description: 'Get an attachment of an email by its id',
    category: 'email',
    tags: ['email', 'attachment'],
    params: {
      message_id: { type: 'string', description: 'Email id', required: true },
      attachment_id: { type: 'string', description: 'Attachment id', required: true },
    },
    result: (params) => ({ attachment_id: params.attachment_id, size: 0, data: '' }),
  },
  {
    name: 'googlecalendar_create_event',
    provider: 'GOOGLECALENDAR',
    description: 'Create an event in the primary calendar',
    category: 'calendar',
    tags: ['calendar'],
    params: {
      summary: { type: 'string', description: 'Event title', required: true },
      start_time: { type: 'string', description: 'RFC 3339 start time', required: true },
      end_time: { type: 'string', description: 'RFC 3339 end time', required: true },
      attendees: { type: 'array', description: 'Attendee email addresses' },
    },
    result: (params, state) => ({
      event_id: state.secret(26).toLowerCase(),
      summary: params.summary,
      status: 'confirmed',
    }),
  },
  {
    name: 'googlecalendar_list_events',
    provider: 'GOOGLECALENDAR',
    description: 'List upcoming events of the primary calendar',
    category: 'calendar',
    tags: ['calendar'],
    params: { max_results: { type: 'integer', description: 'Maximum number of events' } },
    result: () => ({ events: [] }),
  },
  {
    name: 'slack_send_message',
    provider: 'SLACK',
    description: 'Post a message to a Slack channel',
    category: 'chat',
    tags: ['chat', 'notification'],
    params: {
      channel: { type: 'string', description: 'Channel id or name', required: true },
      text: { type: 'string', description: 'Message text', required: true },
    },
    result: (params, state) => ({ ok: true, channel: params.channel, ts: `${state.id('', 10)}.000100` }),
  },
  {
    name: 'slack_list_channels',
    provider: 'SLACK',
    description: 'List the channels of the Slack workspace',
    category: 'chat',
    tags: ['chat'],
    params: { exclude_archived: { type: 'boolean', description: 'Leave archived channels out' } },
    result: () => ({ ok: true, channels: [] }),
  },
  {
    name: 'notion_create_page',
    provider: 'NOTION',
    description: 'Create a page under a parent page',
    category: 'docs',
    tags: ['docs'],
    params: {
      parent_page_id: { type: 'string', description: 'Parent page id', required: true },
      title: { type: 'string', description: 'Page title', required: true },
    },
    result: (params, state) => ({ id: state.id('page_'), title: params.title }),
  },
  {
    name: 'notion_search',
    provider: 'NOTION',
    description: 'Search pages and databases by title',
    category: 'docs',
    tags: ['docs', 'search'],
    params: { query: { type: 'string', description: 'Search text', required: true } },
    result: () => ({ results: [], has_more: false }),
  },
  {
    name: 'github_create_issue',
    provider: 'GITHUB',
    description: 'Open an issue in a repository',
    category: 'code',
    tags: ['code', 'issues'],
    params: {
      owner: { type: 'string', description: 'Repository owner', required: true },
      repo: { type: 'string', description: 'Repository name', required: true },
      title: { type: 'string', description: 'Issue title', required: true },
      body: { type: 'string', description: 'Issue body' },
    },
    result: (params) => ({ number: 1, title: params.title, state: 'open' }),
  },
  {
    name: 'github_list_repos',
    provider: 'GITHUB',
    description: 'List repositories of the authenticated user',
    category: 'code',
    tags: ['code'],
    params: { per_page: { type: 'integer', description: 'Page size' } },
    result: () => ({ repositories: [] }),
  },
  {
    name: 'exa_search',
    provider: 'EXA',
    description: 'Search the web',
    category: 'search',
    tags: ['search'],
    params: { query: { type: 'string', description: 'Search text', required: true } },
    result: () => ({ results: [] }),
  },
];

interface CatalogueTool {
  entry: CatalogueEntry;
  tool: Tool;
}

/** The catalogue with ids and timestamps, made on first use so they come from the seeded state and its clock. */
function tools(state: MockState): CatalogueTool[] {
  return state.slice('tools', () => {
    const updatedAt = state.nowIso();
    return catalogue.map((entry) => ({
      entry,
      tool: {
        id: state.id('tol_'),
        provider: entry.provider,
        is_default: true,
        updated_at: updatedAt,
        tags: entry.tags,
        metadata: freeForm({ category: entry.category }),
        definition: freeForm({
          name: entry.name,
          description: entry.description,
          input_schema: {
            type: 'object',
            properties: Object.fromEntries(
              Object.entries(entry.params).map(([name, p]) => [name, { type: p.type, description: p.description }]),
            ),
            required: Object.entries(entry.params)
              .filter(([, p]) => p.required)
              .map(([name]) => name),
          },
        }),
      },
    }));
  });
}

/** The catalogue tool with this name for a provider, if any (MCP configs map tools by name). */
export function findTool(state: MockState, name: string, provider?: string): Tool | undefined {
  return tools(state).find((t) => t.entry.name === name && (!provider || t.entry.provider === provider))?.tool;
}

const wordsOf = (text: string) =>
  text
    .toLowerCase()
    .split(/[\s_]+/)
    .filter(Boolean);

/** Full-text match: every word of the query appears in the tool's name or description. */
function matchesQuery(entry: CatalogueEntry, query: string): boolean {
  const haystack = `${entry.name} ${entry.description}`.toLowerCase().replace(/_/g, ' ');
  return wordsOf(query).every((word) => haystack.includes(word));
}

function requireIdentifier(query: URLSearchParams): string {
  const identifier = query.get('identifier')?.trim();
  if (!identifier) throw badRequest('identifier is required');
  return identifier;
}

const accountsFor = (state: MockState, identifier: string) =>
  connectedAccounts(state).filter((a) => a.identifier === identifier);

function checkParams(entry: CatalogueEntry, params: Record<string, unknown>): void {
  const missing = Object.entries(entry.params)
    .filter(([name, p]) => p.required && (params[name] === undefined || params[name] === null))
    .map(([name]) => name);
  if (missing.length > 0) throw badRequest(`${entry.name} needs params ${missing.join(', ')}`);
  for (const [name, value] of Object.entries(params)) {
    const expected = entry.params[name]?.type;
    if (!expected || value === null) continue;
    const ok =
      expected === 'integer'
        ? Number.isInteger(value)
        : expected === 'array'
          ? Array.isArray(value)
          : typeof value === expected;
    if (!ok) throw badRequest(`params.${name} must be of type ${expected}`);
  }
}

/** The account a tool call runs as: by id, or by identifier (and connector, org, user) among the tool's provider. */
function accountForCall(state: MockState, entry: CatalogueEntry, locator: AccountLocator): StoredConnectedAccount {
  if (locator.id) {
    const account = requireConnectedAccount(state, locator.id);
    if (account.connection.provider !== entry.provider) {
      throw badRequest(`connected account ${account.id} is for ${account.connection.provider}, not ${entry.provider}`);
    }
    return account;
  }
  if (!locator.identifier) throw badRequest('name the connected account by connected_account_id or identifier');
  const connector = locator.connector?.toLowerCase();
  const candidates = connectedAccounts(state).filter(
    (a) =>
      a.identifier === locator.identifier &&
      a.connection.provider === entry.provider &&
      (!connector ||
        a.connection.connection_name.toLowerCase() === connector ||
        a.connection.provider.toLowerCase() === connector) &&
      (!locator.organization_id || a.organization_id === locator.organization_id) &&
      (!locator.user_id || a.user_id === locator.user_id),
  );
  const [account, ...others] = candidates;
  if (!account) throw notFound(`${entry.provider} connected account for ${locator.identifier}`);
  if (others.length > 0) throw badRequest('several connected accounts match; give connector or connected_account_id');
  return account;
}

export function toolHandlers(state: MockState): HttpHandler[] {
  return [
    route(state, 'get', '/api/v1/tools', ({ query }) => {
      const summary = query.get('filter.summary');
      if (summary !== null && summary !== 'true' && summary !== 'false') {
        throw badRequest('filter.summary must be true or false');
      }
      const provider = query.get('filter.provider')?.toLowerCase() || undefined;
      const names = query.getAll('filter.tool_name').filter(Boolean);
      const text = query.get('filter.query')?.trim() || undefined;
      // Naming a connected account narrows the catalogue to the providers of the accounts it resolves to.
      const accountId = query.get('filter.connected_account_id') || undefined;
      const identifier = query.get('filter.identifier') || undefined;
      const connector = query.get('filter.connector') || undefined;
      const organizationId = query.get('filter.organization_id') || undefined;
      const userId = query.get('filter.user_id') || undefined;
      const accountProviders =
        accountId || identifier
          ? new Set(
              connectedAccounts(state)
                .filter(
                  (a) =>
                    (!accountId || a.id === accountId) &&
                    (!identifier || a.identifier === identifier) &&
                    (!connector || a.connection.connection_name === connector) &&
                    (!organizationId || a.organization_id === organizationId) &&
                    (!userId || a.user_id === userId),
                )
                .map((a) => a.connection.provider),
            )
          : undefined;
      const matching = tools(state).filter(
        ({ entry }) =>
          (!provider || entry.provider.toLowerCase() === provider) &&
          (names.length === 0 || names.includes(entry.name)) &&
          (!text || matchesQuery(entry, text)) &&
          (!accountProviders || accountProviders.has(entry.provider)),
      );
      const page = paginate(matching, query);
      const listing =
        summary === 'true'
          ? { tool_names: page.items.map((t) => t.entry.name) }
          : { tools: page.items.map((t) => t.tool) };
      return {
        status: 200,
        body: {
          ...listing,
          next_page_token: page.next_page_token,
          prev_page_token: page.prev_page_token,
          total_size: page.total_size,
        },
      };
    }),

    route(state, 'get', '/api/v1/tools/scoped', ({ query }) => {
      const identifier = requireIdentifier(query);
      const providers = query.getAll('filter.providers').map((p) => p.toLowerCase());
      const names = query.getAll('filter.tool_names').filter(Boolean);
      const connectionNames = query.getAll('filter.connection_names').filter(Boolean);
      // Scoped means callable now: only ACTIVE accounts bind their provider's tools.
      const scoped = accountsFor(state, identifier)
        .filter(
          (a) =>
            a.status === 'ACTIVE' &&
            (providers.length === 0 || providers.includes(a.connection.provider.toLowerCase())) &&
            (connectionNames.length === 0 || connectionNames.includes(a.connection.connection_name)),
        )
        .flatMap((account) =>
          tools(state)
            .filter(
              ({ entry }) =>
                entry.provider === account.connection.provider && (names.length === 0 || names.includes(entry.name)),
            )
            .map(({ tool }) => ({ connected_account_id: account.id, identifier, tool })),
        );
      const page = paginate(scoped, query);
      return {
        status: 200,
        body: {
          tools: page.items,
          next_page_token: page.next_page_token,
          prev_page_token: page.prev_page_token,
          total_size: page.total_size,
        },
      };
    }),

    route(state, 'get', '/api/v1/tools/available', ({ query }) => {
      const identifier = requireIdentifier(query);
      const accounts = accountsFor(state, identifier);
      if (accounts.length === 0) throw notFound(`identifier ${identifier}`);
      // Candidates: every tool of a provider the identifier has an account with, whatever the account's status.
      const providers = new Set(accounts.map((a) => a.connection.provider));
      const page = paginate(
        tools(state).filter(({ entry }) => providers.has(entry.provider)),
        query,
      );
      return {
        status: 200,
        body: {
          tools: page.items.map((t) => t.tool),
          next_page_token: page.next_page_token,
          prev_page_token: page.prev_page_token,
          total_size: page.total_size,
        },
      };
    }),

    route(state, 'post', '/api/v1/execute_tool', ({ body }) => {
      const input = body as Record<string, unknown>;
      const toolName = readString(input, 'tool_name')?.trim();
      if (!toolName) throw badRequest('tool_name is required');
      const params = input.params ?? {};
      if (!isPlainObject(params)) throw badRequest('params must be an object');
      const entry = tools(state).find((t) => t.entry.name === toolName)?.entry;
      if (!entry) throw notFound(`tool ${toolName}`);
      const account = accountForCall(state, entry, {
        id: readString(input, 'connected_account_id') || undefined,
        identifier: readString(input, 'identifier') || undefined,
        connector: readString(input, 'connector') || undefined,
        organization_id: readString(input, 'organization_id') || undefined,
        user_id: readString(input, 'user_id') || undefined,
      });
      // Type-checked only: the mock keeps no per-run log to group calls in.
      readString(input, 'agent_run_id');
      refreshIfExpired(state, account);
      if (account.status !== 'ACTIVE') {
        throw badRequest(`connected account ${account.id} is ${account.status}, not ACTIVE`);
      }
      checkParams(entry, params);
      touchConnectedAccount(state, account);
      return {
        status: 200,
        body: { execution_id: state.id('', 18), data: freeForm(entry.result(params, state)) },
      };
    }),
  ];
}
