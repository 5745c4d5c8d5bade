import { type AuthLogFilter, applyAuthLogFilter, parseStatus } from '../../oracles/auth-log-filter.js';
import { paginate } from '../pagination.js';
import { badRequest, MockError, route } from '../route.js';
import type { MockState } from '../state.js';

function parseTime(value: string | null, name: string): number | undefined {
  if (value === null) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) throw badRequest(`${name} must be an RFC 3339 date-time`);
  return at;
}

/** GET /api/v1/logs/authentication/requests over the entries the auth-requests hook (and the OAuth flow) record. */
export function authLogHandlers(state: MockState) {
  return [
    route(
      state,
      'get',
      '/api/v1/logs/authentication/requests',
      ({ query }) => {
        const rawStatuses = query.getAll('status');
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
          filter.statuses = rawStatuses;
        }
        const email = query.get('email');
        if (email !== null && !state.has('auth-logs.ignore-email-filter')) filter.email = email;
        const clientId = query.get('client_id');
        if (clientId !== null) filter.clientId = clientId;
        const resourceId = query.get('resource_id');
        if (resourceId !== null) filter.resourceId = resourceId;
        const startTime = parseTime(query.get('start_time'), 'start_time');
        if (startTime !== undefined) filter.startTime = startTime;
        const endTime = parseTime(query.get('end_time'), 'end_time');
        if (endTime !== undefined) filter.endTime = endTime;

        const page = paginate(applyAuthLogFilter(state.authRequests, filter), query);
        return {
          status: 200,
          body: {
            authRequests: page.items,
            next_page_token: page.next_page_token,
            prev_page_token: page.prev_page_token,
            total_size: page.total_size,
          },
        };
      },
      { skipAuth: () => state.has('auth-logs.no-auth-required') },
    ),
  ];
}
