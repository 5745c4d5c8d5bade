import type { HttpHandler } from 'msw';
import type { components } from '../../../generated/openapi.js';
import { notifyBackChannelLogout } from '../back-channel-logout.js';
import { paginate } from '../pagination.js';
import { badRequest, MockError, notFound, route } from '../route.js';
import type { MockState } from '../state.js';
import { onUserDeleted, requireUser } from './users.js';

type Session = components['schemas']['sessionsSessionDetails'];
type RevokedSession = components['schemas']['sessionsRevokedSessionDetails'];

export const sessionStatuses = ['active', 'expired', 'revoked', 'logout'] as const;
export type SessionStatus = (typeof sessionStatuses)[number];

const idleTimeoutMs = 30 * 60 * 1000;
const absoluteTimeoutMs = 7 * 24 * 60 * 60 * 1000;

const sessions = (state: MockState) => state.slice('sessions', () => new Map<string, Session>());

/** The ID of an existing user; 404 (a MockError) for an unknown one. */
const requireUserId = (state: MockState, id: string): string => requireUser(state, id).id ?? id;

// States whose user-deletion listener is registered; the handlers may be built more than once for one state.
const wired = new WeakSet<MockState>();

/** An active session past its idle or absolute deadline on the mock clock becomes expired (at that deadline). */
function refresh(state: MockState, session: Session): Session {
  if (session.status !== 'active') return session;
  const deadline = Math.min(
    Date.parse(session.idle_expires_at ?? '') || Number.POSITIVE_INFINITY,
    Date.parse(session.absolute_expires_at ?? '') || Number.POSITIVE_INFINITY,
  );
  if (deadline <= state.clock.now()) {
    const at = new Date(deadline).toISOString();
    Object.assign(session, { status: 'expired', expired_at: at, updated_at: at });
  }
  return session;
}

/**
 * Adds a session for a user, as a sign-in would; sessions cannot be created through the public API. `fields`
 * override the defaults (an active session created now, with a desktop Chrome device).
 */
export function seedSession(state: MockState, userId: string, fields: Partial<Session> = {}): Session {
  requireUserId(state, userId);
  if (fields.status !== undefined && !sessionStatuses.includes(fields.status as SessionStatus)) {
    throw badRequest(`session status must be one of ${sessionStatuses.join(', ')}`);
  }
  if (fields.created_at !== undefined && Number.isNaN(Date.parse(fields.created_at))) {
    throw badRequest('created_at must be an RFC 3339 date-time');
  }
  const createdAt = fields.created_at ?? state.nowIso();
  const organizationId = fields.organization_id;
  const session: Session = {
    session_id: state.id('ses_'),
    status: 'active',
    created_at: createdAt,
    updated_at: createdAt,
    last_active_at: createdAt,
    idle_expires_at: new Date(Date.parse(createdAt) + idleTimeoutMs).toISOString(),
    absolute_expires_at: new Date(Date.parse(createdAt) + absoluteTimeoutMs).toISOString(),
    authenticated_organizations: organizationId ? [organizationId] : [],
    authenticated_clients: [],
    device: {
      browser: 'Chrome',
      browser_version: '120.0.0.0',
      device_type: 'desktop',
      os: 'macOS',
      os_version: '14.2',
      ip: '192.0.2.1',
      user_agent:
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      location: {
        city: 'San Francisco',
        region: 'United States',
        region_subdivision: 'CA',
        latitude: '37.7749',
        longitude: '-122.4194',
      },
    },
    ...fields,
    user_id: userId,
  };
  sessions(state).set(session.session_id ?? '', session);
  // A copy: the stored session changes only through the API.
  return structuredClone(refresh(state, session));
}

/** A session as the API shows it now, or undefined when there is none with this ID. */
export function findSession(state: MockState, id: string): Session | undefined {
  const session = sessions(state).get(id);
  return session ? structuredClone(refresh(state, session)) : undefined;
}

/**
 * Ends a session as a sign-out does: an active session becomes `logout` at the current time. Returns the session
 * as it now is, or undefined when there is no such session or it had already ended (expired, revoked, logged out).
 */
export function logoutSession(state: MockState, id: string): Session | undefined {
  const session = sessions(state).get(id);
  if (!session || refresh(state, session).status !== 'active') return undefined;
  const now = state.nowIso();
  Object.assign(session, { status: 'logout', logout_at: now, updated_at: now });
  return structuredClone(session);
}

function requireSession(state: MockState, id: string): Session {
  const session = sessions(state).get(id);
  if (!session) throw notFound(`session ${id}`);
  return refresh(state, session);
}

function revokedView(session: Session): RevokedSession {
  const { absolute_expires_at, created_at, expired_at, idle_expires_at, last_active_at, logout_at } = session;
  const { session_id, status, updated_at, user_id } = session;
  return {
    session_id,
    user_id,
    status,
    created_at,
    updated_at,
    last_active_at,
    idle_expires_at,
    absolute_expires_at,
    expired_at,
    ...(logout_at ? { logout_at } : {}),
  };
}

/** Revokes an active session, emits user.logout (UserAuthEventData) and tells the back-channel logout URLs. */
function revoke(state: MockState, session: Session, issuer: string): RevokedSession {
  const now = state.nowIso();
  Object.assign(session, { status: 'revoked', expired_at: now, updated_at: now });
  // Seeded fault: only sign-outs are told, not sessions an admin revokes (EPT-012).
  if (!state.has('logout.back-channel-admin-silent')) {
    const clientIds = (session.authenticated_clients ?? []).map((c) => c.client_id ?? '').filter(Boolean);
    const ended = { sessionId: session.session_id ?? '', userId: session.user_id ?? '', clientIds };
    notifyBackChannelLogout(state, ended, issuer);
  }
  const { device, authenticated_organizations, ...rest } = session;
  state.emit(
    'user.logout',
    'User',
    {
      user: { id: session.user_id },
      user_session: {
        ...rest,
        // The webhook examples spell session statuses in capitals, unlike the REST API.
        status: 'REVOKED',
        authenticated_organizations: authenticated_organizations ?? [],
        device: device ?? {},
      },
    },
    session.organization_id,
  );
  return revokedView(session);
}

function parseTime(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) throw badRequest(`${name} must be an RFC 3339 date-time`);
  return at;
}

/** Sessions: read and revoke one, list a user's sessions (filtered), revoke all of a user's active sessions. */
export function sessionHandlers(state: MockState): HttpHandler[] {
  if (!wired.has(state)) {
    wired.add(state);
    // A deleted user's sessions go with them.
    onUserDeleted(state, (userId) => {
      const store = sessions(state);
      for (const [id, session] of [...store]) if (session.user_id === userId) store.delete(id);
    });
  }
  const userSessions = (userId: string) =>
    [...sessions(state).values()]
      .filter((s) => s.user_id === userId)
      .map((s) => refresh(state, s))
      // Newest first; the map's insertion order breaks ties, so the order is stable.
      .reverse()
      .sort((a, b) => Date.parse(b.created_at ?? '') - Date.parse(a.created_at ?? ''));

  return [
    route(state, 'get', '/api/v1/sessions/{session_id}', ({ params }) => ({
      status: 200,
      body: requireSession(state, params.session_id ?? ''),
    })),

    route(state, 'post', '/api/v1/sessions/{session_id}/revoke', ({ params, request }) => {
      const session = requireSession(state, params.session_id ?? '');
      if (session.status !== 'active') {
        throw new MockError(
          400,
          'FAILED_PRECONDITION',
          `session is ${session.status}; only active sessions can be revoked`,
        );
      }
      return { status: 200, body: { revoked_session: revoke(state, session, new URL(request.url).origin) } };
    }),

    route(state, 'get', '/api/v1/users/{user_id}/sessions', ({ params, query }) => {
      const userId = requireUserId(state, params.user_id ?? '');
      // Repeated parameters (the spec's form/explode style), comma-separated values accepted too; OR-ed.
      const statuses = query
        .getAll('filter.status')
        .flatMap((v) => v.split(','))
        .map((v) => v.trim().toLowerCase())
        .filter((v) => v !== '');
      const unknown = statuses.find((s) => !sessionStatuses.includes(s as SessionStatus));
      if (unknown !== undefined) {
        throw badRequest(`filter.status ${JSON.stringify(unknown)} is not one of ${sessionStatuses.join(', ')}`);
      }
      const start = parseTime(query, 'filter.start_time');
      const end = parseTime(query, 'filter.end_time');
      if (
        start !== undefined &&
        end !== undefined &&
        end <= start &&
        !state.has('sessions.end-before-start-accepted')
      ) {
        throw badRequest('filter.end_time must be after filter.start_time');
      }
      const matching = userSessions(userId).filter((s) => {
        const createdAt = Date.parse(s.created_at ?? '');
        return (
          // Seeded fault: several statuses AND-ed, so no session matches two (OAS-008).
          (statuses.length === 0 ||
            (state.has('sessions.status-filter-and')
              ? statuses.every((status) => status === s.status)
              : statuses.includes(s.status ?? ''))) &&
          (start === undefined || createdAt >= start) &&
          (end === undefined || createdAt <= end)
        );
      });
      const page = paginate(matching, query, { defaultSize: 10, maxSize: 100 });
      return {
        status: 200,
        body: {
          sessions: page.items,
          next_page_token: page.next_page_token,
          prev_page_token: page.prev_page_token,
          total_size: page.total_size,
        },
      };
    }),

    route(state, 'post', '/api/v1/users/{user_id}/sessions/revoke', ({ params, request }) => {
      const userId = requireUserId(state, params.user_id ?? '');
      const issuer = new URL(request.url).origin;
      const revoked = userSessions(userId)
        .filter((s) => s.status === 'active')
        .map((s) => revoke(state, s, issuer));
      return { status: 200, body: { revoked_sessions: revoked, total_revoked: revoked.length } };
    }),
  ];
}
