import { HttpResponse, http } from 'msw';
import { parseStatus } from '../../oracles/auth-log-filter.js';
import { authenticate, errorInfo, unauthenticated } from '../responses.js';
import type { AuthLogEntry, MockState } from '../state.js';

/** The control hooks of the target contract (RUNNING.md, part 2) that the mock implements so far. */
export const implementedHooks = ['reset', 'auth-requests'] as const;

const prefix = '*/_conformance/v1';

export function conformanceHookHandlers(state: MockState) {
  return [
    http.get(prefix, ({ request }) => {
      if (!authenticate(request, state)) return unauthenticated();
      return HttpResponse.json({ version: 1, hooks: implementedHooks });
    }),
    http.post(`${prefix}/reset`, ({ request }) => {
      if (!authenticate(request, state)) return unauthenticated();
      state.reset();
      return new HttpResponse(null, { status: 204 });
    }),
    http.post(`${prefix}/auth-requests`, async ({ request }) => {
      if (!authenticate(request, state)) return unauthenticated();
      const body = (await request.json().catch(() => undefined)) as { entries?: unknown } | undefined;
      if (!body || !Array.isArray(body.entries)) {
        return errorInfo(400, 'INVALID_ARGUMENT', 'body must be { "entries": [...] }');
      }
      const stored: AuthLogEntry[] = [];
      for (const [index, raw] of body.entries.entries()) {
        const entry = raw as Record<string, unknown>;
        const status = typeof entry.status === 'string' ? parseStatus(entry.status) : undefined;
        const timestamp = typeof entry.timestamp === 'string' ? entry.timestamp : '';
        if (!status || typeof entry.email !== 'string' || Number.isNaN(Date.parse(timestamp))) {
          return errorInfo(400, 'INVALID_ARGUMENT', `entries[${index}] needs a valid status, email and timestamp`);
        }
        const text = (key: string) => (typeof entry[key] === 'string' ? (entry[key] as string) : undefined);
        stored.push({
          auth_request_id: text('auth_request_id') ?? state.id('ar_'),
          status,
          email: entry.email,
          timestamp: new Date(timestamp).toISOString(),
          environment_id: state.environmentId,
          ...(text('client_id') ? { client_id: text('client_id') } : {}),
          ...(text('organization_id') ? { organization_id: text('organization_id') } : {}),
          ...(text('connection_id') ? { connection_id: text('connection_id') } : {}),
          ...(text('resource_id') ? { resource_id: text('resource_id') } : {}),
          ...(text('workflow') ? { workflow: text('workflow') } : {}),
        });
      }
      // All or nothing: entries are stored only once every one is valid.
      state.authRequests.push(...stored);
      return HttpResponse.json({ entries: stored }, { status: 201 });
    }),
  ];
}
