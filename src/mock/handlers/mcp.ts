import type { HttpHandler } from 'msw';
import type { components } from '../../../generated/openapi.js';
import { paginate } from '../pagination.js';
import { badRequest, conflict, notFound, route } from '../route.js';
import type { MockState } from '../state.js';
import {
  connectedAccounts,
  createConnectedAccount,
  isPlainObject,
  magicLinkFor,
  readString,
  resolveConnection,
} from './connected-accounts.js';
import { findTool } from './tools.js';

type McpConfig = components['schemas']['mcpMcpConfig'];
type McpConnectionAuthState = components['schemas']['mcpMcpConnectionAuthState'];

interface StoredMapping {
  connection_name: string;
  tools: string[];
}

interface StoredMcpConfig {
  id: string;
  name: string;
  description: string;
  mappings: StoredMapping[];
  /** The last path segment of the config's MCP server URL. */
  serverId: string;
}

const namePattern = /^[a-z0-9_-]{1,100}$/;
const filterNamePattern = /^[A-Za-z0-9_-]{1,100}$/;
const maxMappings = 25;

function configs(state: MockState): Map<string, StoredMcpConfig> {
  return state.slice('mcp-configs', () => new Map<string, StoredMcpConfig>());
}

function requireConfig(state: MockState, id: string): StoredMcpConfig {
  const config = configs(state).get(id);
  if (!config) throw notFound(`MCP configuration ${id}`);
  return config;
}

// The mock has no uuid source of its own; seeded digits are valid hex, so they make a deterministic v4-shaped UUID.
const uuidFrom = (state: MockState) =>
  `${state.id('', 8)}-${state.id('', 4)}-4${state.id('', 3)}-8${state.id('', 3)}-${state.id('', 12)}`;

const serverUrl = (config: StoredMcpConfig, origin: string) => `${origin}/mcp/v3/servers/${config.serverId}`;

function view(state: MockState, config: StoredMcpConfig, origin: string): McpConfig {
  return {
    id: config.id,
    name: config.name,
    description: config.description,
    mcp_server_url: serverUrl(config, origin),
    connection_tool_mappings: config.mappings.map((m) => {
      const connection = resolveConnection(state, m.connection_name);
      return {
        connection_id: connection.connection_id,
        connection_name: m.connection_name,
        provider: connection.provider,
        tools: m.tools,
      };
    }),
  };
}

/** Request mappings: known connection names, each once, with tools its provider's catalogue has. */
function parseMappings(state: MockState, raw: unknown): StoredMapping[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw badRequest('connection_tool_mappings must be an array');
  if (raw.length > maxMappings) throw badRequest(`connection_tool_mappings takes at most ${maxMappings} entries`);
  const seen = new Set<string>();
  return raw.map((item, index) => {
    const label = `connection_tool_mappings[${index}]`;
    if (!isPlainObject(item)) throw badRequest(`${label} must be an object`);
    const name = readString(item, 'connection_name', `${label}.connection_name`)?.trim();
    if (!name) throw badRequest(`${label}.connection_name is required`);
    if (seen.has(name)) throw badRequest(`${label}: connection ${name} is mapped twice`);
    seen.add(name);
    const connection = resolveConnection(state, name);
    const tools = item.tools ?? [];
    if (!Array.isArray(tools) || tools.some((t) => typeof t !== 'string')) {
      throw badRequest(`${label}.tools must be an array of strings`);
    }
    for (const tool of tools as string[]) {
      if (!findTool(state, tool, connection.provider)) {
        throw badRequest(`${label}: ${connection.provider} has no tool ${tool}`);
      }
    }
    return { connection_name: name, tools: [...new Set(tools as string[])] };
  });
}

function readDescription(input: Record<string, unknown>): string | undefined {
  const description = readString(input, 'description');
  if (description !== undefined && description.length > 1000) throw badRequest('description is too long');
  return description;
}

/** A protobuf Duration in JSON ("3600s"), in milliseconds; 400 outside 60s to 24h. */
function parseExpiry(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 3_600_000;
  const match = /^(\d{1,6})(?:\.(\d{1,9}))?s$/.exec(raw);
  if (!match) throw badRequest('expiry must be a duration such as "3600s"');
  const seconds = Number(`${match[1]}.${match[2] ?? '0'}`);
  if (seconds < 60 || seconds > 86_400) throw badRequest('expiry must be between 60s and 24h');
  return Math.round(seconds * 1000);
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

// A JWT in shape and claims; the mock holds no signing key, so the signature is opaque bytes nobody can verify.
function sessionToken(claims: Record<string, unknown>, state: MockState): string {
  return `${base64url({ alg: 'RS256', typ: 'JWT', kid: 'mock-mcp' })}.${base64url(claims)}.${state.secret(43)}`;
}

export function mcpHandlers(state: MockState): HttpHandler[] {
  return [
    route(state, 'get', '/api/v1/mcp/configs', ({ query, request }) => {
      const id = query.get('filter.id') || undefined;
      const name = query.get('filter.name') || undefined;
      if (name !== undefined && !filterNamePattern.test(name)) {
        throw badRequest('filter.name may only contain letters, digits, hyphens and underscores, up to 100');
      }
      const provider = query.get('filter.provider')?.toLowerCase() || undefined;
      const url = query.get('filter.mcp_server_url') || undefined;
      const serverId = url === undefined ? undefined : url.replace(/\/+$/, '').split('/').at(-1);
      const search = query.get('search')?.toLowerCase() || undefined;
      const matching = [...configs(state).values()].filter(
        (c) =>
          (!id || c.id === id) &&
          (!name || c.name === name.toLowerCase()) &&
          (!provider ||
            c.mappings.some((m) => resolveConnection(state, m.connection_name).provider.toLowerCase() === provider)) &&
          (serverId === undefined || c.serverId === serverId) &&
          (!search || c.name.startsWith(search)),
      );
      const page = paginate(matching, query, { defaultSize: 10, maxSize: 30 });
      const origin = new URL(request.url).origin;
      return {
        status: 200,
        body: {
          configs: page.items.map((c) => view(state, c, origin)),
          next_page_token: page.next_page_token,
          prev_page_token: page.prev_page_token,
          total_size: page.total_size,
        },
      };
    }),

    route(state, 'post', '/api/v1/mcp/configs', ({ body, request }) => {
      const input = body as Record<string, unknown>;
      const name = readString(input, 'name');
      if (name === undefined || !namePattern.test(name)) {
        throw badRequest('name is required: 1-100 lowercase letters, digits, hyphens and underscores');
      }
      if ([...configs(state).values()].some((c) => c.name === name)) {
        throw conflict(`an MCP configuration named ${name} already exists`);
      }
      const config: StoredMcpConfig = {
        id: state.id('cfg_'),
        name,
        description: readDescription(input) ?? '',
        mappings: parseMappings(state, input.connection_tool_mappings),
        serverId: uuidFrom(state),
      };
      configs(state).set(config.id, config);
      return { status: 201, body: { config: view(state, config, new URL(request.url).origin) } };
    }),

    route(state, 'get', '/api/v1/mcp/configs/{config_id}', ({ params, request }) => {
      const config = requireConfig(state, params.config_id ?? '');
      return { status: 200, body: { config: view(state, config, new URL(request.url).origin) } };
    }),

    route(state, 'put', '/api/v1/mcp/configs/{config_id}', ({ params, body, request }) => {
      const config = requireConfig(state, params.config_id ?? '');
      const input = body as Record<string, unknown>;
      // The name is fixed at creation; the update body has no name to change.
      const description = readDescription(input);
      const mappings =
        input.connection_tool_mappings === undefined ? undefined : parseMappings(state, input.connection_tool_mappings);
      if (description !== undefined) config.description = description;
      if (mappings !== undefined) config.mappings = mappings;
      return { status: 200, body: { config: view(state, config, new URL(request.url).origin) } };
    }),

    route(state, 'delete', '/api/v1/mcp/configs/{config_id}', ({ params }) => {
      const config = requireConfig(state, params.config_id ?? '');
      configs(state).delete(config.id);
      return { status: 200, body: {} };
    }),

    route(state, 'post', '/api/v1/mcp/configs/{config_id}/connected_accounts', ({ params, body, request }) => {
      const config = requireConfig(state, params.config_id ?? '');
      const input = body as Record<string, unknown>;
      const identifier = readString(input, 'identifier')?.trim();
      if (!identifier) throw badRequest('identifier is required');
      const includeAuthLink = input.include_auth_link ?? false;
      if (typeof includeAuthLink !== 'boolean') throw badRequest('include_auth_link must be a boolean');
      const origin = new URL(request.url).origin;
      const states = config.mappings.map((mapping): McpConnectionAuthState => {
        const connection = resolveConnection(state, mapping.connection_name);
        let account = connectedAccounts(state).find(
          (a) => a.connection.connection_id === connection.connection_id && a.identifier === identifier,
        );
        if (!account && includeAuthLink) {
          account = createConnectedAccount(state, { connector: mapping.connection_name, identifier });
        }
        return {
          connection_id: connection.connection_id,
          connection_name: connection.connection_name,
          provider: connection.provider,
          authentication_link: account && includeAuthLink ? magicLinkFor(state, account, origin).link : '',
          ...(account ? { connected_account_id: account.id, connected_account_status: account.status } : {}),
        };
      });
      return { status: 200, body: { connected_accounts: states } };
    }),

    route(state, 'post', '/api/v1/mcp/configs/{mcp_config_id}/tokens', ({ params, body, request }) => {
      const config = requireConfig(state, params.mcp_config_id ?? '');
      const input = body as Record<string, unknown>;
      const identifier = readString(input, 'identifier');
      if (!identifier || identifier.length > 255) throw badRequest('identifier is required (1-255 characters)');
      const lifetimeMs = parseExpiry(readString(input, 'expiry'));
      if (config.mappings.length === 0) throw badRequest(`MCP configuration ${config.id} has no connections`);
      const accountIds = config.mappings.map((mapping) => {
        const connection = resolveConnection(state, mapping.connection_name);
        const account = connectedAccounts(state).find(
          (a) =>
            a.connection.connection_id === connection.connection_id &&
            a.identifier === identifier &&
            a.status === 'ACTIVE',
        );
        if (!account) throw badRequest(`${mapping.connection_name} has no active connected account for ${identifier}`);
        return account.id;
      });
      const origin = new URL(request.url).origin;
      const issuedAt = Math.floor(state.clock.now() / 1000);
      const expiresAt = state.clock.now() + lifetimeMs;
      const token = sessionToken(
        {
          iss: origin,
          sub: identifier,
          aud: [serverUrl(config, origin)],
          mcp_cfg: config.id,
          ca_ids: accountIds,
          token_type: 'mcp_session',
          iat: issuedAt,
          exp: Math.floor(expiresAt / 1000),
        },
        state,
      );
      return { status: 200, body: { token, expires_at: new Date(expiresAt).toISOString() } };
    }),
  ];
}
