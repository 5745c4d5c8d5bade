// Removes what conformance runs left on a target, found by the run tag the suites put into every name, email and
// identifier they create (`conf<runId><fileSeed>`, src/harness/target.ts). A run sweeps its own run ID when it ends
// or is interrupted; `scalekit-conformance sweep` removes leftovers of earlier runs. Strict by design: a resource is
// only touched when one of its tagged fields holds a whole word of the tag's exact shape.
import { type ApiClient, createApiClient, createTokenSession } from '../client/api.js';
import { currentTrafficControl, TokenBucket, useTrafficControl } from '../client/safety.js';
import { systemClock } from '../clock.js';
import { resolveSweepSettings, type SweepFlags } from '../config/settings.js';
import { ExitCode } from '../errors.js';
import { Redactor } from '../reporters/redact.js';
import { preflight } from './run.js';

export interface TagPattern {
  /** Whether a field's value carries the tag as a whole word. */
  matches(text: string | undefined): boolean;
  /** Narrows server-side searches (users, connected accounts); the pattern still decides. */
  searchTerm: string;
  description: string;
}

// A tag is `conf`, a run ID (6 base-36 characters) and a file seed (1 to 7), 11 to 17 characters in all.
const tagLength = { min: 11, max: 17 };
const notAlphanumeric = { before: '(?<![0-9A-Za-z])', after: '(?![0-9A-Za-z])' };
// Words that start with "conf": without a run ID given, "configuration2" or "conference2024" must never pass for a
// tag. A tag whose run ID happens to start like one (under 1%) is only swept by `--tag` or by its own run.
const englishStem = /^(?:ab|ect|ed|er|ess|id|ig|in|ir|isc|lict|lu|orm|ound|ront|us)/;

/**
 * The tags a sweep takes: with `prefix` (`conf` and at least a run ID), those starting with it; without, any run's
 * tag that has a digit and does not read as an English word.
 */
export function tagPattern(prefix?: string): TagPattern {
  if (prefix !== undefined) {
    const rest = `[0-9a-z]{${Math.max(0, tagLength.min - prefix.length)},${Math.max(0, tagLength.max - prefix.length)}}`;
    const word = new RegExp(`${notAlphanumeric.before}${prefix}${rest}${notAlphanumeric.after}`);
    return { matches: (text) => text !== undefined && word.test(text), searchTerm: prefix, description: prefix };
  }
  const word = new RegExp(`${notAlphanumeric.before}conf([0-9a-z]{7,13})${notAlphanumeric.after}`, 'g');
  return {
    matches: (text) =>
      [...(text ?? '').matchAll(word)].some(([, rest = '']) => /\d/.test(rest) && !englishStem.test(rest)),
    searchTerm: 'conf',
    description: "any run's tag (conf + run ID + file seed)",
  };
}

export type SweptKind =
  | 'connected account'
  | 'MCP config'
  | 'user'
  | 'organization client'
  | 'organization role'
  | 'role'
  | 'permission'
  | 'organization';

export interface TaggedResource {
  kind: SweptKind;
  id: string;
  /** The field value that carries the tag. */
  label: string;
  remove: () => Promise<{ response: Response }>;
}

export interface SweepOutcome {
  /** Deleted (or, in a plan, to be deleted), in deletion order. */
  swept: TaggedResource[];
  /** One line per resource that could not be deleted or list that could not be read. */
  problems: string[];
}

type Page<T> = { data?: T; response: Response };

/** Follows next_page_token; bounded, and stops on a token it has seen (a server that loops its cursor). */
async function allPages<T, I>(
  what: string,
  fetchPage: (token: string | undefined) => Promise<Page<T>>,
  itemsOf: (page: T) => I[] | undefined,
  nextOf: (page: T) => string | undefined,
  problems: string[],
): Promise<I[]> {
  const items: I[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let page = 0; page < 1000; page += 1) {
    const { data, response } = await fetchPage(token);
    if (!response.ok || !data) {
      problems.push(`could not list ${what}: HTTP ${response.status}`);
      break;
    }
    items.push(...(itemsOf(data) ?? []));
    token = nextOf(data) || undefined;
    if (!token || seen.has(token)) break;
    seen.add(token);
  }
  return items;
}

/** Every resource on the target that carries the tag, children before their parents, ready to delete in order. */
export async function findTagged(api: ApiClient, pattern: TagPattern, problems: string[]): Promise<TaggedResource[]> {
  const found: TaggedResource[] = [];
  const query = { query: pattern.searchTerm, page_size: 30 };

  const accounts = await allPages(
    'connected accounts',
    (page_token) => api.GET('/api/v1/connected_accounts:search', { params: { query: { ...query, page_token } } }),
    (page) => page.connected_accounts,
    (page) => page.next_page_token,
    problems,
  );
  for (const { id = '', identifier } of accounts) {
    if (!pattern.matches(identifier)) continue;
    found.push({
      kind: 'connected account',
      id,
      label: identifier ?? '',
      remove: () => api.POST('/api/v1/connected_accounts:delete', { body: { id } }),
    });
  }

  const configs = await allPages(
    'MCP configs',
    (page_token) => api.GET('/api/v1/mcp/configs', { params: { query: { page_size: 30, page_token } } }),
    (page) => page.configs,
    (page) => page.next_page_token,
    problems,
  );
  for (const { id = '', name } of configs) {
    if (!pattern.matches(name)) continue;
    found.push({
      kind: 'MCP config',
      id,
      label: name ?? '',
      remove: () => api.DELETE('/api/v1/mcp/configs/{config_id}', { params: { path: { config_id: id } } }),
    });
  }

  const users = await allPages(
    'users',
    (page_token) => api.GET('/api/v1/users:search', { params: { query: { ...query, page_token } } }),
    (page) => page.users,
    (page) => page.next_page_token,
    problems,
  );
  for (const { id = '', email, external_id } of users) {
    const label = [email, external_id].find((field) => pattern.matches(field));
    if (label === undefined) continue;
    found.push({
      kind: 'user',
      id,
      label,
      remove: () => api.DELETE('/api/v1/users/{id}', { params: { path: { id } } }),
    });
  }

  const organizations = await allPages(
    'organizations',
    (page_token) => api.GET('/api/v1/organizations', { params: { query: { page_size: 100, page_token } } }),
    (page) => page.organizations,
    (page) => page.next_page_token,
    problems,
  );
  const tagged = organizations.flatMap(({ id = '', display_name, external_id }) => {
    const label = [display_name, external_id].find((field) => pattern.matches(field));
    return label === undefined ? [] : [{ id, label }];
  });
  // The suites create clients and organization roles only inside organizations of their own, so only tagged
  // organizations are searched for them: a sweep never walks every organization of a live environment.
  for (const organization of tagged) {
    const path = { organization_id: organization.id };
    const clients = await allPages(
      `clients of ${organization.id}`,
      (page_token) =>
        api.GET('/api/v1/organizations/{organization_id}/clients', {
          params: { path, query: { page_size: 100, page_token } },
        }),
      (page) => page.clients,
      (page) => page.next_page_token,
      problems,
    );
    for (const { client_id = '', name } of clients) {
      if (!pattern.matches(name)) continue;
      found.push({
        kind: 'organization client',
        id: `${organization.id}/${client_id}`,
        label: name ?? '',
        remove: () =>
          api.DELETE('/api/v1/organizations/{organization_id}/clients/{client_id}', {
            params: { path: { ...path, client_id } },
          }),
      });
    }
    const { data, response } = await api.GET('/api/v1/organizations/{org_id}/roles', {
      params: { path: { org_id: organization.id } },
    });
    if (!response.ok) problems.push(`could not list roles of ${organization.id}: HTTP ${response.status}`);
    // The list holds the environment's roles too; those are swept below, once.
    for (const { name = '', is_org_role } of data?.roles ?? []) {
      if (!is_org_role || !pattern.matches(name)) continue;
      found.push({
        kind: 'organization role',
        id: `${organization.id}/${name}`,
        label: name,
        remove: () =>
          api.DELETE('/api/v1/organizations/{org_id}/roles/{role_name}', {
            params: { path: { org_id: organization.id, role_name: name } },
          }),
      });
    }
  }

  const { data: roleList, response: rolesResponse } = await api.GET('/api/v1/roles', {});
  if (!rolesResponse.ok) problems.push(`could not list roles: HTTP ${rolesResponse.status}`);
  // A role that extends another goes first: the base role cannot go while something extends it.
  const roles = [...(roleList?.roles ?? [])].sort((a, b) => Number(Boolean(b.extends)) - Number(Boolean(a.extends)));
  // Organization roles may be listed here too; they were taken with their organization above.
  for (const { name = '', is_org_role } of roles) {
    if (is_org_role || !pattern.matches(name)) continue;
    found.push({
      kind: 'role',
      id: name,
      label: name,
      remove: () => api.DELETE('/api/v1/roles/{role_name}', { params: { path: { role_name: name } } }),
    });
  }

  const permissions = await allPages(
    'permissions',
    (page_token) => api.GET('/api/v1/permissions', { params: { query: { page_size: 100, page_token } } }),
    (page) => page.permissions,
    (page) => page.next_page_token,
    problems,
  );
  for (const { name = '' } of permissions) {
    if (!pattern.matches(name)) continue;
    found.push({
      kind: 'permission',
      id: name,
      label: name,
      remove: () =>
        api.DELETE('/api/v1/permissions/{permission_name}', { params: { path: { permission_name: name } } }),
    });
  }

  for (const { id, label } of tagged) {
    found.push({
      kind: 'organization',
      id,
      label,
      remove: () => api.DELETE('/api/v1/organizations/{id}', { params: { path: { id } } }),
    });
  }
  return found;
}

export interface SweepTarget {
  baseUrl: string;
  credentials: { clientId: string; clientSecret: string };
  timeoutMs: number;
  maxRps: number | undefined;
}

/**
 * Finds what carries the tag and deletes it (a 404 counts as gone: a parent's delete may have taken it), printing
 * one line per resource; with `plan`, only prints. The sweep's own requests are allowed to write and rate-limited.
 */
export async function sweepTarget(
  target: SweepTarget,
  pattern: TagPattern,
  options: { plan: boolean; out: (line: string) => void },
): Promise<SweepOutcome> {
  const previous = currentTrafficControl();
  useTrafficControl({
    allowWrites: true,
    limiter: target.maxRps ? new TokenBucket(target.maxRps) : undefined,
  });
  try {
    const { baseUrl, credentials, timeoutMs } = target;
    const session = createTokenSession({ baseUrl, credentials, timeoutMs, clock: systemClock });
    const api = createApiClient({ baseUrl, timeoutMs, auth: { kind: 'client-credentials', session } });
    const problems: string[] = [];
    const found = await findTagged(api, pattern, problems);
    const swept: TaggedResource[] = [];
    for (const resource of found) {
      const line = `${resource.kind} ${resource.id} "${resource.label}"`;
      if (options.plan) {
        options.out(`would delete ${line}`);
        swept.push(resource);
        continue;
      }
      const { response } = await resource.remove();
      if (response.ok || response.status === 404) {
        options.out(`deleted ${line}`);
        swept.push(resource);
      } else problems.push(`could not delete ${line}: HTTP ${response.status}`);
    }
    for (const problem of problems) options.out(problem);
    return { swept, problems };
  } finally {
    useTrafficControl(previous);
  }
}

export async function sweepCommand(
  flags: SweepFlags,
  io: { out: (line: string) => void; env: NodeJS.ProcessEnv; cwd: string },
): Promise<ExitCode> {
  const settings = resolveSweepSettings(flags, io.env, io.cwd);
  const restoreOutput = new Redactor([settings.clientSecret]).guardProcessOutput();
  try {
    const credentials = { clientId: settings.clientId, clientSecret: settings.clientSecret };
    await preflight(settings.baseUrl, credentials, settings.timeoutMs);
    const pattern = tagPattern(settings.tag);
    io.out(`sweep ${settings.baseUrl}: ${pattern.description}${settings.plan ? ' (plan: nothing is deleted)' : ''}`);
    const { swept, problems } = await sweepTarget({ ...settings, credentials }, pattern, {
      plan: settings.plan,
      out: io.out,
    });
    io.out(`${swept.length} tagged resource(s) ${settings.plan ? 'would be deleted' : 'deleted'}`);
    return problems.length > 0 ? ExitCode.conformanceFailure : ExitCode.ok;
  } finally {
    restoreOutput();
  }
}
