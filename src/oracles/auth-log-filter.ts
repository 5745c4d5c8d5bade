// The reference model of the auth-log list filters (ALG-007, ALG-008, ALG-009, ALG-013, ALG-014, ALG-020).
// The mock serves from it and the suites compare servers with it; neither re-implements the semantics.

export const authLogStatuses = ['INITIATED', 'PENDING', 'SUCCESS', 'FAILED'] as const;
export type AuthLogStatus = (typeof authLogStatuses)[number];

/** The fields of a log entry the filters look at. */
export interface FilterableAuthLog {
  status?: string | undefined;
  email?: string | undefined;
  client_id?: string | undefined;
  resource_id?: string | undefined;
  timestamp?: string | undefined;
}

export interface AuthLogFilter {
  /** Several statuses; the docs leave the combination open (G-17), the profile decides. */
  statuses?: readonly string[];
  email?: string;
  clientId?: string;
  resourceId?: string;
  /** Inclusive bounds, as epoch milliseconds. */
  startTime?: number;
  endTime?: number;
}

/**
 * Choices the docs leave open (G-17), as the profile's `authLogs` section names them. Defaults: OR across statuses,
 * AND across different filters, exact email match, an inverted window selects nothing.
 */
export interface AuthLogFilterProfile {
  statusCombination: 'or' | 'and';
  emailMatch: 'exact' | 'case-insensitive';
  invertedWindow: 'empty' | 'rejected';
}

export const defaultAuthLogFilterProfile: AuthLogFilterProfile = {
  statusCombination: 'or',
  emailMatch: 'exact',
  invertedWindow: 'empty',
};

/** Why the server must refuse this filter (400), or undefined when it must answer it. */
export function filterProblem(filter: AuthLogFilter, settings: Partial<AuthLogFilterProfile> = {}): string | undefined {
  const profile = { ...defaultAuthLogFilterProfile, ...settings };
  const unknown = (filter.statuses ?? []).find((s) => !parseStatus(s));
  if (unknown !== undefined) {
    return `status filter value ${JSON.stringify(unknown)} is not one of INITIATED, PENDING, SUCCESS, or FAILED`;
  }
  const { startTime, endTime } = filter;
  if (profile.invertedWindow === 'rejected' && startTime !== undefined && endTime !== undefined && startTime > endTime)
    return 'start_time must not be after end_time';
  return undefined;
}

/** Normalises a status filter value (the API matches case-insensitively); undefined when outside the enum. */
export function parseStatus(value: string): AuthLogStatus | undefined {
  const upper = value.toUpperCase();
  return (authLogStatuses as readonly string[]).includes(upper) ? (upper as AuthLogStatus) : undefined;
}

/**
 * The filter as a predicate, its settings and status set resolved once: the mock applies it to every stored entry
 * of every list request, so per-entry work is kept to comparisons.
 */
export function filterPredicate(
  filter: AuthLogFilter,
  settings: Partial<AuthLogFilterProfile> = {},
): (entry: FilterableAuthLog) => boolean {
  const { statusCombination, emailMatch } = { ...defaultAuthLogFilterProfile, ...settings };
  const wanted =
    filter.statuses && filter.statuses.length > 0 ? new Set(filter.statuses.map((s) => s.toUpperCase())) : undefined;
  // AND across several statuses: an entry has one status, so two different ones select nothing.
  const impossible = wanted !== undefined && statusCombination === 'and' && wanted.size > 1;
  const email = emailMatch === 'exact' ? filter.email : filter.email?.toLowerCase();
  const { clientId, resourceId, startTime, endTime } = filter;
  const windowed = startTime !== undefined || endTime !== undefined;
  return (entry) => {
    if (wanted) {
      const status = entry.status?.toUpperCase();
      if (impossible || !status || !wanted.has(status)) return false;
    }
    if (email !== undefined) {
      const actual = emailMatch === 'exact' ? entry.email : entry.email?.toLowerCase();
      if (actual !== email) return false;
    }
    if (clientId !== undefined && entry.client_id !== clientId) return false;
    if (resourceId !== undefined && entry.resource_id !== resourceId) return false;
    if (windowed) {
      const at = entry.timestamp ? Date.parse(entry.timestamp) : Number.NaN;
      if (Number.isNaN(at)) return false;
      if (startTime !== undefined && at < startTime) return false;
      if (endTime !== undefined && at > endTime) return false;
    }
    return true;
  };
}

export function matchesFilter(
  entry: FilterableAuthLog,
  filter: AuthLogFilter,
  settings: Partial<AuthLogFilterProfile> = {},
): boolean {
  return filterPredicate(filter, settings)(entry);
}

/** Entries that match, most recent first (ties keep their stored order, so pagination is stable). */
export function applyAuthLogFilter<T extends FilterableAuthLog>(
  entries: readonly T[],
  filter: AuthLogFilter,
  profile: Partial<AuthLogFilterProfile> = {},
): T[] {
  const matches = filterPredicate(filter, profile);
  return entries
    .filter((entry) => matches(entry))
    .map((entry, index) => ({ entry, index, at: entry.timestamp ? Date.parse(entry.timestamp) : 0 }))
    .sort((a, b) => b.at - a.at || a.index - b.index)
    .map(({ entry }) => entry);
}
