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

/** Choices the docs leave open (G-17). Defaults: OR across statuses, exact email match. */
export interface AuthLogFilterProfile {
  emailMatch: 'exact' | 'case-insensitive';
}

export const defaultAuthLogFilterProfile: AuthLogFilterProfile = { emailMatch: 'exact' };

/** Normalises a status filter value (the API matches case-insensitively); undefined when outside the enum. */
export function parseStatus(value: string): AuthLogStatus | undefined {
  const upper = value.toUpperCase();
  return (authLogStatuses as readonly string[]).includes(upper) ? (upper as AuthLogStatus) : undefined;
}

export function matchesFilter(
  entry: FilterableAuthLog,
  filter: AuthLogFilter,
  profile: AuthLogFilterProfile = defaultAuthLogFilterProfile,
): boolean {
  if (filter.statuses && filter.statuses.length > 0) {
    const wanted = new Set(filter.statuses.map((s) => s.toUpperCase()));
    if (!entry.status || !wanted.has(entry.status.toUpperCase())) return false;
  }
  if (filter.email !== undefined) {
    const same =
      profile.emailMatch === 'exact'
        ? entry.email === filter.email
        : entry.email?.toLowerCase() === filter.email.toLowerCase();
    if (!same) return false;
  }
  if (filter.clientId !== undefined && entry.client_id !== filter.clientId) return false;
  if (filter.resourceId !== undefined && entry.resource_id !== filter.resourceId) return false;
  if (filter.startTime !== undefined || filter.endTime !== undefined) {
    const at = entry.timestamp ? Date.parse(entry.timestamp) : Number.NaN;
    if (Number.isNaN(at)) return false;
    if (filter.startTime !== undefined && at < filter.startTime) return false;
    if (filter.endTime !== undefined && at > filter.endTime) return false;
  }
  return true;
}

/** Entries that match, most recent first (ties keep their stored order, so pagination is stable). */
export function applyAuthLogFilter<T extends FilterableAuthLog>(
  entries: readonly T[],
  filter: AuthLogFilter,
  profile: AuthLogFilterProfile = defaultAuthLogFilterProfile,
): T[] {
  return entries
    .map((entry, index) => ({ entry, index, at: entry.timestamp ? Date.parse(entry.timestamp) : 0 }))
    .filter(({ entry }) => matchesFilter(entry, filter, profile))
    .sort((a, b) => b.at - a.at || a.index - b.index)
    .map(({ entry }) => entry);
}
