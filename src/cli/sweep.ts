// Removes what conformance runs left on a target, found by the run tag the suites put into every name, email and
// identifier they create (`conf<runId><fileSeed>`, src/harness/target.ts). A run sweeps its own run ID when it ends
// or is interrupted; `scalekit-conformance sweep` removes leftovers of earlier runs. Strict by design: a resource is
// only touched when one of its tagged fields holds a whole word of the tag's exact shape.
import { type ApiClient, createApiClient, createTokenSession } from '../client/api.js';
import {
  deletionOrder,
  type LedgerEntry,
  ledgerFileFor,
  ledgerFiles,
  normalBaseUrl,
  readLedger,
  removeLedger,
} from '../client/ledger.js';
import { currentTrafficControl, TokenBucket, useTrafficControl } from '../client/safety.js';
import { systemClock } from '../clock.js';
import { resolveSweepSettings, type SweepFlags } from '../config/settings.js';
import { ExitCode } from '../errors.js';
import { Redactor } from '../reporters/redact.js';
import { defaultCacheDir } from '../spec/resolve.js';
import { preflight } from './run-target.js';

export interface TagPattern {
  /** The run-tag prefix the pattern was made from; undefined: any run's tag. */
  prefix?: string | undefined;
  /** Whether a field's value carries the tag as a whole word. */
  matches(text: string | undefined): boolean;
  /**
   * Whether the ledger of the run with this tag is read. A ledger names by ID what a run on this machine created,
   * so it needs no guard against real data whose name looks like a tag: without a prefix, every run's ledger is.
   */
  takesLedgerOf(runTag: string): boolean;
  /** Narrows server-side searches (users, connected accounts); the pattern still decides. */
  searchTerm: string;
  description: string;
}

// A tag is `conf`, a run ID (6 base-36 characters) and a file seed (1 to 7), 11 to 17 characters in all.
const tagLength = { min: 11, max: 17 };
const notAlphanumeric = { before: '(?<![0-9A-Za-z])', after: '(?![0-9A-Za-z])' };
// Words that start with "conf": without a run ID given, "configuration2" or "conference2024" must never pass for a
// tag. A tag whose run ID happens to start like one (under 1%) is only swept by `--tag`, by its own run, or from
// its ledger (`takesLedgerOf`).
const englishStem = /^(?:ab|ect|ed|er|ess|id|ig|in|ir|isc|lict|lu|orm|ound|ront|us)/;

/**
 * The tags a sweep takes: with `prefix` (`conf` and at least a run ID), those starting with it; without, any run's
 * tag that has a digit and does not read as an English word.
 */
export function tagPattern(prefix?: string): TagPattern {
  if (prefix !== undefined) {
    const rest = `[0-9a-z]{${Math.max(0, tagLength.min - prefix.length)},${Math.max(0, tagLength.max - prefix.length)}}`;
    const word = new RegExp(`${notAlphanumeric.before}${prefix}${rest}${notAlphanumeric.after}`);
    return {
      prefix,
      matches: (text) => text !== undefined && word.test(text),
      takesLedgerOf: (runTag) => word.test(runTag),
      searchTerm: prefix,
      description: prefix,
    };
  }
  const word = new RegExp(`${notAlphanumeric.before}conf([0-9a-z]{7,13})${notAlphanumeric.after}`, 'g');
  return {
    matches: (text) =>
      [...(text ?? '').matchAll(word)].some(([, rest = '']) => /\d/.test(rest) && !englishStem.test(rest)),
    takesLedgerOf: () => true,
    searchTerm: 'conf',
    description: "any run's tag (conf + run ID + file seed)",
  };
}

/** What a sweep deletes; `deletionOrder` (src/client/ledger.ts) puts children before their parents. */
export type SweptKind = Exclude<(typeof deletionOrder)[number], 'other'> | 'connection';

/** The rank a kind deletes at: children first (a connection with the domains, before its organization). */
function rankOf(kind: SweptKind): number {
  const order: readonly string[] = deletionOrder;
  return kind === 'connection' ? order.indexOf('domain') : order.indexOf(kind);
}

/** The ledger file of one run, in the cache directory (`<cache>/ledgers/<runId>.jsonl`). */
export function runLedgerFile(runId: string, cacheDir: string = defaultCacheDir()): string {
  return ledgerFileFor(cacheDir, runId);
}

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
    // Domains and connections carry no tag of their own: inside an organization of a run, they are the run's.
    const domains = await api.GET('/api/v1/organizations/{organization_id}/domains', {
      params: { path, query: { page_size: 100 } },
    });
    if (!domains.response.ok) {
      problems.push(`could not list domains of ${organization.id}: HTTP ${domains.response.status}`);
    }
    for (const { id = '', domain } of domains.data?.domains ?? []) {
      found.push({
        kind: 'domain',
        id: `${organization.id}/${id}`,
        label: domain ?? '',
        remove: () =>
          api.DELETE('/api/v1/organizations/{organization_id}/domains/{id}', { params: { path: { ...path, id } } }),
      });
    }
    const connections = await api.GET('/api/v1/connections', {
      params: { query: { organization_id: organization.id, include: 'all' } },
    });
    if (!connections.response.ok) {
      problems.push(`could not list connections of ${organization.id}: HTTP ${connections.response.status}`);
    }
    for (const { id = '', provider } of connections.data?.connections ?? []) {
      found.push({
        kind: 'connection',
        id: `${organization.id}/${id}`,
        label: `${provider ?? 'connection'} of ${organization.label}`,
        remove: () =>
          api.DELETE('/api/v1/organizations/{organization_id}/connections/{id}', {
            params: { path: { ...path, id } },
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

/** The parent ids in a create path (`/api/v1/organizations/org_1/clients` → org_1). */
function segmentAfter(path: string, name: string): string {
  const parts = path.split('/');
  return decodeURIComponent(parts[parts.indexOf(name) + 1] ?? '');
}

/**
 * The resource a ledger entry names, ready to delete, with the same kind and id a tag search gives it (so one found
 * both ways is deleted once); undefined for a create the sweep has no delete for (it counts as gone).
 */
export function ledgerResource(api: ApiClient, entry: LedgerEntry): TaggedResource | undefined {
  const { id, path } = entry;
  const name = entry.name ?? id;
  const organization_id = segmentAfter(path, 'organizations');
  const label = `${entry.name ?? entry.identifier ?? id} (in the ledger of run ${entry.runId}; may be gone already)`;
  const of = (kind: SweptKind, key: string, remove: TaggedResource['remove']): TaggedResource => ({
    kind,
    id: key,
    label,
    remove,
  });
  switch (entry.kind) {
    case 'organization':
      return of('organization', id, () => api.DELETE('/api/v1/organizations/{id}', { params: { path: { id } } }));
    case 'user':
      return of('user', id, () => api.DELETE('/api/v1/users/{id}', { params: { path: { id } } }));
    case 'membership':
      // The user may be older than the run: only the membership the run added goes.
      return of('membership', `${organization_id}/${id}`, () =>
        api.DELETE('/api/v1/memberships/organizations/{organization_id}/users/{id}', {
          params: { path: { organization_id, id } },
        }),
      );
    case 'domain':
      return of('domain', `${organization_id}/${id}`, () =>
        api.DELETE('/api/v1/organizations/{organization_id}/domains/{id}', {
          params: { path: { organization_id, id } },
        }),
      );
    case 'organization client':
      return of('organization client', `${organization_id}/${id}`, () =>
        api.DELETE('/api/v1/organizations/{organization_id}/clients/{client_id}', {
          params: { path: { organization_id, client_id: id } },
        }),
      );
    case 'client secret': {
      const client_id = segmentAfter(path, 'clients');
      return of('client secret', `${organization_id}/${client_id}/${id}`, () =>
        api.DELETE('/api/v1/organizations/{organization_id}/clients/{client_id}/secrets/{secret_id}', {
          params: { path: { organization_id, client_id, secret_id: id } },
        }),
      );
    }
    case 'organization role':
      return of('organization role', `${organization_id}/${name}`, () =>
        api.DELETE('/api/v1/organizations/{org_id}/roles/{role_name}', {
          params: { path: { org_id: organization_id, role_name: name } },
        }),
      );
    case 'role':
      return of('role', name, () => api.DELETE('/api/v1/roles/{role_name}', { params: { path: { role_name: name } } }));
    case 'permission':
      return of('permission', name, () =>
        api.DELETE('/api/v1/permissions/{permission_name}', { params: { path: { permission_name: name } } }),
      );
    case 'connected account':
      return of('connected account', id, () => api.POST('/api/v1/connected_accounts:delete', { body: { id } }));
    case 'MCP config':
      return of('MCP config', id, () =>
        api.DELETE('/api/v1/mcp/configs/{config_id}', { params: { path: { config_id: id } } }),
      );
    case 'custom provider': {
      const identifier = entry.identifier ?? id;
      return of('custom provider', identifier, () =>
        api.DELETE('/api/v1/custom-providers/{identifier}', { params: { path: { identifier } } }),
      );
    }
    default:
      return undefined;
  }
}

/** The ledgers a sweep reads: those in the cache directory with entries for this target that the pattern takes. */
export function ledgersFor(
  cacheDir: string,
  baseUrl: string,
  pattern: TagPattern,
): { file: string; entries: LedgerEntry[] }[] {
  const target = normalBaseUrl(baseUrl);
  return ledgerFiles(cacheDir).flatMap((file) => {
    const entries = readLedger(file).filter(
      (entry) => entry.baseUrl === target && pattern.takesLedgerOf(entry.runTag ?? `conf${entry.runId}0`),
    );
    return entries.length > 0 ? [{ file, entries }] : [];
  });
}

/**
 * The tagged resources and the ledgers' together, each once, children before parents (stable: the tag search's own
 * order, a role extending another first, holds within a kind).
 */
export function mergeForDeletion(tagged: readonly TaggedResource[], fromLedgers: readonly TaggedResource[]) {
  const key = (resource: TaggedResource) => `${resource.kind} ${resource.id}`;
  const seen = new Set(tagged.map(key));
  const all = [...tagged];
  for (const resource of fromLedgers) {
    if (seen.has(key(resource))) continue;
    seen.add(key(resource));
    all.push(resource);
  }
  return all
    .map((resource, index) => ({ resource, index }))
    .sort((a, b) => rankOf(a.resource.kind) - rankOf(b.resource.kind) || a.index - b.index)
    .map(({ resource }) => resource);
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
  options: { plan: boolean; out: (line: string) => void; cacheDir?: string },
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
    const tagged = await findTagged(api, pattern, problems);
    // What earlier runs on this target wrote down as they created it: found even where no tag survived.
    const ledgers = ledgersFor(options.cacheDir ?? defaultCacheDir(), baseUrl, pattern);
    const fromLedgers = ledgers.flatMap(({ entries }) => entries.flatMap((entry) => ledgerResource(api, entry) ?? []));
    const found = mergeForDeletion(tagged, fromLedgers);
    const onlyInLedger = new Set(found.filter((resource) => !tagged.includes(resource)));
    const swept: TaggedResource[] = [];
    const failed = new Set<string>();
    for (const resource of found) {
      const line = `${resource.kind} ${resource.id} "${resource.label}"`;
      if (options.plan) {
        options.out(`would delete ${line}`);
        swept.push(resource);
        continue;
      }
      const { response } = await resource.remove();
      // Most of a ledger is what the suites already deleted themselves: gone is nothing to report.
      if (response.status === 404 && onlyInLedger.has(resource)) continue;
      if (response.ok || response.status === 404) {
        options.out(`deleted ${line}`);
        swept.push(resource);
      } else {
        failed.add(`${resource.kind} ${resource.id}`);
        problems.push(`could not delete ${line}: HTTP ${response.status}`);
      }
    }
    // A ledger goes once nothing it names is left; entries of other targets keep it.
    for (const { file, entries } of options.plan ? [] : ledgers) {
      const left = entries.some((entry) => {
        const resource = ledgerResource(api, entry);
        return resource !== undefined && failed.has(`${resource.kind} ${resource.id}`);
      });
      const otherTargets = readLedger(file).length > entries.length;
      if (!left && !otherTargets) removeLedger(file);
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
