import { type AuthLogFilter, applyAuthLogFilter, filterProblem, parseStatus } from '../../oracles/auth-log-filter.js';
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
        const problem = unknown.length > 0 ? undefined : filterProblem(filter, settings);
        if (problem) throw badRequest(problem);

        // page_size 0 or below: the profile decides (G-17); unset, 0 means the default and below 0 is refused.
        const sizeText = query.get('page_size');
        if (sizeText !== null && Number(sizeText) <= 0 && settings.nonPositivePageSize !== null) {
          if (settings.nonPositivePageSize === 'rejected') throw badRequest('page_size must be positive');
          query.delete('page_size');
        }

        const matching = applyAuthLogFilter(storedView(state), filter, settings);
        if (state.has('auth-logs.reversed-order')) matching.reverse();
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
