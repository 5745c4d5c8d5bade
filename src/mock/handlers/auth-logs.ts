import { HttpResponse, http } from 'msw';
import type { paths } from '../../../generated/openapi.js';
import { type AuthLogFilter, applyAuthLogFilter, parseStatus } from '../../oracles/auth-log-filter.js';
import { authenticate, errorInfo, unauthenticated } from '../responses.js';
import type { MockState } from '../state.js';

type ListResponse =
  paths['/api/v1/logs/authentication/requests']['get']['responses'][200]['content']['application/json'];

const defaultPageSize = 10;
const maxPageSize = 100;

// Page tokens are opaque to clients; here they carry the offset, so a malformed one is detectable (ALG-011).
export const encodePageToken = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');
function decodePageToken(token: string): number | undefined {
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function parseTime(value: string | null): number | undefined | 'invalid' {
  if (value === null) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T/.test(value) ? 'invalid' : at;
}

export function authLogHandlers(state: MockState) {
  return [
    http.get('*/api/v1/logs/authentication/requests', ({ request }) => {
      if (!state.has('auth-logs.no-auth-required') && !authenticate(request, state)) return unauthenticated();
      const query = new URL(request.url).searchParams;

      const rawStatuses = query.getAll('status');
      const unknown = rawStatuses.filter((s) => !parseStatus(s));
      if (unknown.length > 0) {
        if (state.has('auth-logs.unknown-status-500')) return errorInfo(500, 'INTERNAL', 'unexpected status value');
        if (!state.has('auth-logs.accept-unknown-status')) {
          return errorInfo(
            400,
            'INVALID_ARGUMENT',
            `status filter value ${JSON.stringify(unknown[0])} is not one of INITIATED, PENDING, SUCCESS, or FAILED`,
          );
        }
      }

      const pageSizeText = query.get('page_size');
      const pageSize = pageSizeText === null ? defaultPageSize : Number(pageSizeText);
      if (!Number.isInteger(pageSize) || pageSize < 0) {
        return errorInfo(400, 'INVALID_ARGUMENT', 'page_size must be a non-negative integer');
      }
      const size = Math.min(pageSize === 0 ? defaultPageSize : pageSize, maxPageSize);

      const pageToken = query.get('page_token');
      const offset = pageToken ? decodePageToken(pageToken) : 0;
      if (offset === undefined) return errorInfo(400, 'INVALID_ARGUMENT', 'page_token is malformed');

      const startTime = parseTime(query.get('start_time'));
      const endTime = parseTime(query.get('end_time'));
      if (startTime === 'invalid' || endTime === 'invalid') {
        return errorInfo(400, 'INVALID_ARGUMENT', 'start_time and end_time must be RFC 3339 date-times');
      }

      const filter: AuthLogFilter = {};
      const statuses = rawStatuses.filter((s) => parseStatus(s));
      if (statuses.length > 0 && !state.has('auth-logs.ignore-status-filter')) filter.statuses = statuses;
      // With unknown statuses accepted (a fault), the filter still applies them, so nothing matches.
      if (unknown.length > 0) filter.statuses = rawStatuses;
      const email = query.get('email');
      if (email !== null && !state.has('auth-logs.ignore-email-filter')) filter.email = email;
      const clientId = query.get('client_id');
      if (clientId !== null) filter.clientId = clientId;
      const resourceId = query.get('resource_id');
      if (resourceId !== null) filter.resourceId = resourceId;
      if (startTime !== undefined) filter.startTime = startTime;
      if (endTime !== undefined) filter.endTime = endTime;

      const matching = applyAuthLogFilter(state.authRequests, filter);
      const page = matching.slice(offset, offset + size);
      const body: ListResponse = {
        authRequests: page,
        next_page_token: offset + size < matching.length ? encodePageToken(offset + size) : '',
        prev_page_token: offset > 0 ? encodePageToken(Math.max(0, offset - size)) : '',
        total_size: matching.length,
      };
      return HttpResponse.json(body);
    }),
  ];
}
