// The run's ledger: one JSON line per resource the run created (a POST answered 2xx with an id in its body), written
// synchronously as the answer arrives, so even a run killed outright (SIGKILL, a lost machine) leaves a list of
// what it made. `sweep` reads the ledgers of earlier runs on the same target and deletes what they name; a ledger
// goes once everything it names is gone.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface LedgerEntry {
  runId: string;
  runTag?: string | undefined;
  /** The target's base URL (origin and path prefix, no trailing slash): a sweep only reads its own target's. */
  baseUrl: string;
  method: string;
  /** The create's path, its parameters filled in (`/api/v1/organizations/org_1/domains`). */
  path: string;
  id: string;
  /** Roles and permissions are deleted by name, custom providers by identifier. */
  name?: string | undefined;
  identifier?: string | undefined;
  /** What was created, by its create path (`domain`); `other` for a POST the sweep does not know how to undo. */
  kind: LedgerKind;
  at: string;
}

export type LedgerKind =
  | 'organization'
  | 'user'
  | 'membership'
  | 'domain'
  | 'organization client'
  | 'client secret'
  | 'organization role'
  | 'role'
  | 'permission'
  | 'connected account'
  | 'MCP config'
  | 'custom provider'
  | 'other';

/** Create paths, matched on the path after the base URL; the groups are the parent ids. */
const createPaths: [RegExp, LedgerKind][] = [
  [/^\/api\/v1\/organizations$/, 'organization'],
  [/^\/api\/v1\/organizations\/[^/]+\/users$/, 'user'],
  [/^\/api\/v1\/memberships\/organizations\/[^/]+\/users\/[^/]+$/, 'membership'],
  [/^\/api\/v1\/organizations\/[^/]+\/domains$/, 'domain'],
  [/^\/api\/v1\/organizations\/[^/]+\/clients$/, 'organization client'],
  [/^\/api\/v1\/organizations\/[^/]+\/clients\/[^/]+\/secrets$/, 'client secret'],
  [/^\/api\/v1\/organizations\/[^/]+\/roles$/, 'organization role'],
  [/^\/api\/v1\/roles$/, 'role'],
  [/^\/api\/v1\/permissions$/, 'permission'],
  [/^\/api\/v1\/connected_accounts$/, 'connected account'],
  [/^\/api\/v1\/mcp\/configs$/, 'MCP config'],
  [/^\/api\/v1\/custom-providers$/, 'custom provider'],
];

/** The kind a create path makes. */
export function kindOfCreate(path: string): LedgerKind {
  return createPaths.find(([pattern]) => pattern.test(path))?.[1] ?? 'other';
}

/**
 * The order a sweep deletes in: children before their parents (a membership and a client secret before their user
 * and client, everything inside an organization before it, a role before the permissions it holds).
 */
export const deletionOrder: readonly LedgerKind[] = [
  'connected account',
  'MCP config',
  'custom provider',
  'membership',
  'user',
  'client secret',
  'organization client',
  'organization role',
  'domain',
  'role',
  'permission',
  'organization',
  'other',
];

export function ledgerDir(cacheDir: string): string {
  return join(cacheDir, 'ledgers');
}

export function ledgerFileFor(cacheDir: string, runId: string): string {
  return join(ledgerDir(cacheDir), `${runId}.jsonl`);
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * What a create's answer names: the resource object (the body itself, or its one wrapped object such as
 * `{"organization": {...}}`), its id (`id`, or `client_id` for clients), name and identifier.
 */
export function createdResource(body: string): { id: string; name?: string; identifier?: string } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  const candidates = [parsed, ...Object.values(parsed).filter(isObject)];
  for (const candidate of candidates) {
    const id = text(candidate.id) ?? text(candidate.client_id);
    if (id === undefined) continue;
    const name = text(candidate.name);
    const identifier = text(candidate.identifier);
    return { id, ...(name ? { name } : {}), ...(identifier ? { identifier } : {}) };
  }
  return undefined;
}

/** The path after the base URL's own path (a target served under a prefix). */
function pathUnder(baseUrl: string, url: string): string {
  const prefix = new URL(baseUrl).pathname.replace(/\/$/, '');
  const { pathname } = new URL(url);
  return prefix && pathname.startsWith(prefix) ? pathname.slice(prefix.length) : pathname;
}

export interface Answer {
  method: string;
  url: string;
  status: number;
  /** The response body as text; read only when the answer is a create. */
  body: () => string;
}

/** The ledger entry for an answer, or undefined when it created nothing (not a POST, not 2xx, no id). */
export function entryFor(
  answer: Answer,
  run: { runId: string; runTag?: string | undefined; baseUrl: string },
  now: Date = new Date(),
): LedgerEntry | undefined {
  if (answer.method.toUpperCase() !== 'POST' || answer.status < 200 || answer.status > 299) return undefined;
  const path = pathUnder(run.baseUrl, answer.url);
  // The token endpoint and the conformance hooks make no resources of the environment.
  if (path.startsWith('/oauth/') || path.startsWith('/_conformance/')) return undefined;
  const created = createdResource(answer.body());
  if (!created) return undefined;
  return {
    runId: run.runId,
    ...(run.runTag ? { runTag: run.runTag } : {}),
    baseUrl: normalBaseUrl(run.baseUrl),
    method: 'POST',
    path,
    ...created,
    kind: kindOfCreate(path),
    at: now.toISOString(),
  };
}

/** A base URL as ledgers compare it: lower-case origin, path without a trailing slash. */
export function normalBaseUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Appends one entry, synchronously: once this returns, a kill cannot lose it. */
export function appendEntry(file: string, entry: LedgerEntry): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

/** Every entry of a ledger; a line cut short by a kill mid-write is skipped. */
export function readLedger(file: string): LedgerEntry[] {
  if (!existsSync(file)) return [];
  const entries: LedgerEntry[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const entry = JSON.parse(line) as LedgerEntry;
      if (isObject(entry) && typeof entry.id === 'string' && typeof entry.path === 'string') entries.push(entry);
    } catch {
      // A torn last line.
    }
  }
  return entries;
}

/** The ledger files in a cache directory, oldest name first. */
export function ledgerFiles(cacheDir: string): string[] {
  const dir = ledgerDir(cacheDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .map((name) => join(dir, name));
}

export function removeLedger(file: string): void {
  rmSync(file, { force: true });
}

/** Entries in deletion order (children first); within a kind, the newest first. */
export function inDeletionOrder(entries: readonly LedgerEntry[]): LedgerEntry[] {
  const rank = (entry: LedgerEntry) => {
    const index = deletionOrder.indexOf(entry.kind);
    return index < 0 ? deletionOrder.length : index;
  };
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => rank(a.entry) - rank(b.entry) || b.index - a.index)
    .map(({ entry }) => entry);
}
