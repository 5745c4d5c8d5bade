import {
  type AuthLogFilter,
  type AuthLogFilterProfile,
  applyAuthLogFilter,
  filterPredicate,
  filterProblem,
  parseStatus,
} from '../../oracles/auth-log-filter.js';
import { paginate } from '../pagination.js';
import { badRequest, MockError, route } from '../route.js';
import type { AuthLogEntry, MockState } from '../state.js';

function parseTime(value: string | null, name: string): number | undefined {
  if (value === null) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) throw badRequest(`${name} must be an RFC 3339 date-time`);
  return at;
}

/** The entries as the server believes them to be: the lifecycle faults show a stale or missing status. */
function storedView(state: MockState): AuthLogEntry[] {
  return state.authRequests
    .filter((entry) => !(state.has('auth-logs.initiated-hidden') && entry.status === 'INITIATED'))
    .map((entry) => {
      const stale =
        (state.has('auth-logs.success-shown-as-initiated') && entry.status === 'SUCCESS') ||
        (state.has('auth-logs.failed-shown-as-initiated') && entry.status === 'FAILED');
      return stale ? { ...entry, status: 'INITIATED' as const } : entry;
    });
}

/** The lifecycle faults that change the stored view (`storedView`). */
const viewFaults = [
  'auth-logs.initiated-hidden',
  'auth-logs.success-shown-as-initiated',
  'auth-logs.failed-shown-as-initiated',
] as const;

/** An entry's time as applyAuthLogFilter sorts by it. */
const entryTime = (entry: AuthLogEntry) => (entry.timestamp ? Date.parse(entry.timestamp) : 0);

/** At most this many filters' matches are kept; past it, all are dropped. */
const maxKeptFilters = 32;

/**
 * What list requests share over one stored list: its entries in the order `applyAuthLogFilter` gives its matches
 * (most recent first, ties in stored order), and the matches of the latest filters. Entries are only appended,
 * and of an entry only its status changes (the OAuth flow moves it on); so:
 * - entries added since the last request are sorted and merged in, and a store replaced or shortened (reset) is
 *   ordered afresh;
 * - filtering the ordered entries keeps their order, so it selects what applyAuthLogFilter does, in its order;
 * - matches stay valid while no entry is added and no status changes, which one pass of identity comparisons
 *   finds (each status is remembered as it was when the matches were taken).
 */
interface AuthLogIndex {
  source: readonly AuthLogEntry[];
  /** How many of `source` (its first ones) are in `order`. */
  count: number;
  order: AuthLogEntry[];
  /** The time of each entry of `order`. */
  times: number[];
  /** The status of each entry of `source` (stored order), as last read. */
  statuses: (string | undefined)[];
  settings: Partial<AuthLogFilterProfile> | undefined;
  matches: Map<string, readonly AuthLogEntry[]>;
}

const indexes = new WeakMap<MockState, AuthLogIndex>();

/** Merges the entries added to the store since the index last saw it; false when one has no readable time. */
function catchUp(index: AuthLogIndex): boolean {
  const { source } = index;
  if (index.count === source.length) return true;
  const added = source
    .slice(index.count)
    .map((entry, at) => ({ entry, stored: at, time: entryTime(entry) }))
    .sort((a, b) => b.time - a.time || a.stored - b.stored);
  // An unreadable time makes applyAuthLogFilter's order its own sort's business: it decides.
  if (added.some(({ time }) => Number.isNaN(time))) return false;
  const order: AuthLogEntry[] = [];
  const times: number[] = [];
  let i = 0;
  let j = 0;
  while (i < index.order.length || j < added.length) {
    const next = added[j];
    const older = index.times[i] ?? Number.NEGATIVE_INFINITY;
    // At equal times the entry stored earlier, already in the order, comes first.
    if (next === undefined || (i < index.order.length && older >= next.time)) {
      order.push(index.order[i] as AuthLogEntry);
      times.push(older);
      i += 1;
    } else {
      order.push(next.entry);
      times.push(next.time);
      j += 1;
    }
  }
  index.order = order;
  index.times = times;
  index.statuses = source.map((entry) => entry.status);
  index.count = source.length;
  index.matches.clear();
  return true;
}

/**
 * Whether an entry's status changed since the matches were taken; if so, the statuses are read again. The one
 * per-request pass over every entry (a few ns each: 0.5 ms at 100,000, bound by memory, not by the comparisons).
 */
function statusesChanged(index: AuthLogIndex): boolean {
  const { source, statuses, count } = index;
  for (let i = 0; i < count; i += 1) {
    if ((source[i] as AuthLogEntry).status !== statuses[i]) {
      index.statuses = source.slice(0, count).map((entry) => entry.status);
      return true;
    }
  }
  return false;
}

const filterKey = (filter: AuthLogFilter) =>
  JSON.stringify([filter.statuses, filter.email, filter.clientId, filter.resourceId, filter.startTime, filter.endTime]);

/** filterProblem's verdicts, by settings and filter: a pure function, asked again by every list request. */
const problems = new WeakMap<Partial<AuthLogFilterProfile>, Map<string, string | undefined>>();

function problemOf(filter: AuthLogFilter, key: string, settings: Partial<AuthLogFilterProfile>): string | undefined {
  let known = problems.get(settings);
  if (!known) {
    known = new Map();
    problems.set(settings, known);
  }
  if (known.has(key)) return known.get(key);
  const problem = filterProblem(filter, settings);
  if (known.size >= maxKeptFilters) known.clear();
  known.set(key, problem);
  return problem;
}

/**
 * The entries that match, in applyAuthLogFilter's order (most recent first), as applyAuthLogFilter gives them;
 * read from the index where it can be. The list is shared with later requests: not to be changed.
 */
function matchingEntries(
  state: MockState,
  filter: AuthLogFilter,
  key: string,
  settings: Partial<AuthLogFilterProfile>,
): readonly AuthLogEntry[] {
  if (viewFaults.some((fault) => state.has(fault))) return applyAuthLogFilter(storedView(state), filter, settings);
  const source = state.authRequests;
  let index = indexes.get(state);
  if (!index || index.source !== source || index.count > source.length) {
    index = { source, count: 0, order: [], times: [], statuses: [], settings, matches: new Map() };
    indexes.set(state, index);
  }
  if (!catchUp(index)) return applyAuthLogFilter(source, filter, settings);
  if (statusesChanged(index) || index.settings !== settings) index.matches.clear();
  index.settings = settings;
  let matches = index.matches.get(key);
  if (!matches) {
    const predicate = filterPredicate(filter, settings);
    matches = index.order.filter((entry) => predicate(entry));
    if (index.matches.size >= maxKeptFilters) index.matches.clear();
    index.matches.set(key, matches);
  }
  return matches;
}

/** How an entry goes on the wire; the vocabulary and shape faults change it only here. */
function wireItem(state: MockState, entry: AuthLogEntry): Record<string, unknown> {
  const item: Record<string, unknown> = { ...entry };
  if (state.has('auth-logs.failure-label') && entry.status === 'FAILED') item.status = 'FAILURE';
  if (state.has('auth-logs.epoch-timestamps') && entry.timestamp) item.timestamp = Date.parse(entry.timestamp);
  return item;
}

/** GET /api/v1/logs/authentication/requests over the entries the auth-requests hook (and the OAuth flow) record. */
export function authLogHandlers(state: MockState) {
  return [
    route(
      state,
      'get',
      '/api/v1/logs/authentication/requests',
      ({ query }) => {
        const settings = state.profile.authLogs;
        let rawStatuses = query.getAll('status');
        // The fault takes one status parameter only (several values comma-separated), refusing the spec's
        // repeated form (ALG-007).
        if (state.has('auth-logs.repeated-status-refused')) {
          if (rawStatuses.length > 1) throw badRequest('status may be given once; separate several values with commas');
          rawStatuses = rawStatuses.flatMap((s) => s.split(','));
        }
        const unknown = rawStatuses.filter((s) => !parseStatus(s));
        if (unknown.length > 0) {
          if (state.has('auth-logs.unknown-status-500'))
            throw new MockError(500, 'INTERNAL', 'unexpected status value');
          if (!state.has('auth-logs.accept-unknown-status')) {
            throw badRequest(
              `status filter value ${JSON.stringify(unknown[0])} is not one of INITIATED, PENDING, SUCCESS, or FAILED`,
            );
          }
        }
        const filter: AuthLogFilter = {};
        // With unknown statuses accepted (a fault), they still filter, so nothing matches them.
        if (rawStatuses.length > 0 && (unknown.length > 0 || !state.has('auth-logs.ignore-status-filter'))) {
          // Case-sensitive matching (a fault): a value not in upper case can match no stored status.
          filter.statuses = state.has('auth-logs.case-sensitive-status')
            ? rawStatuses.map((s) => (s === s.toUpperCase() ? s : `~${s}`))
            : rawStatuses;
        }
        const email = query.get('email');
        if (email !== null && !state.has('auth-logs.ignore-email-filter')) filter.email = email;
        const clientId = query.get('client_id');
        if (clientId !== null && !state.has('auth-logs.ignore-client-filter')) filter.clientId = clientId;
        const resourceId = query.get('resource_id');
        if (resourceId !== null) filter.resourceId = resourceId;
        const startTime = parseTime(query.get('start_time'), 'start_time');
        if (startTime !== undefined) filter.startTime = startTime;
        const endTime = parseTime(query.get('end_time'), 'end_time');
        if (endTime !== undefined) filter.endTime = state.has('auth-logs.end-time-exclusive') ? endTime - 1 : endTime;
        const key = filterKey(filter);
        const problem = unknown.length > 0 ? undefined : problemOf(filter, key, settings);
        if (problem) throw badRequest(problem);

        // page_size 0 or below: the profile decides (G-17); unset, 0 means the default and below 0 is refused.
        const sizeText = query.get('page_size');
        if (sizeText !== null && Number(sizeText) <= 0 && settings.nonPositivePageSize !== null) {
          if (settings.nonPositivePageSize === 'rejected') throw badRequest('page_size must be positive');
          query.delete('page_size');
        }

        const matching = state.has('auth-logs.reversed-order')
          ? [...matchingEntries(state, filter, key, settings)].reverse()
          : matchingEntries(state, filter, key, settings);
        if (matching.length === 0 && state.has('auth-logs.empty-null-list')) {
          throw new MockError(404, 'NOT_FOUND', 'no authentication requests found');
        }
        const page = paginate(
          matching,
          query,
          { defaultSize: settings.defaultPageSize ?? 10, maxSize: settings.maxPageSize ?? 100 },
          {
            duplicateAcrossPages: state.has('auth-logs.duplicate-across-pages'),
            wrongPrevToken: state.has('auth-logs.wrong-prev-token'),
            acceptMalformedToken: state.has('auth-logs.accept-malformed-token'),
            ignorePageSize: state.has('auth-logs.ignore-page-size'),
            trailingEmptyPage: state.has('auth-logs.trailing-empty-page'),
          },
        );
        const items = page.items.map((entry) => wireItem(state, entry));
        // The fault answers the snake_case name the other lists use (C-22); the spec's type does not know it.
        const list = state.has('auth-logs.snake-case-list')
          ? ({ auth_requests: items } as { authRequests?: never })
          : { authRequests: items };
        return {
          status: 200,
          body: {
            ...list,
            next_page_token: page.next_page_token,
            prev_page_token: page.prev_page_token,
            total_size: state.has('auth-logs.page-total-size') ? page.items.length : page.total_size,
          },
        };
      },
      { skipAuth: () => state.has('auth-logs.no-auth-required') },
    ),
  ];
}
