import type { Exchange } from '../client/transport.js';
import { type Failure, failure } from './failure.js';
import { parseJsonBody } from './http.js';

// Checks on a user's session list (OAS-008: the one place the spec states filter semantics). Pure functions over
// the recorded list answers: the suite signs the user in and reads the list, these judge.

/** The session IDs a session-list answer carries, in its order; none when the body is not a session list. */
export function listedSessionIds(exchange: Exchange): string[] {
  const body = parseJsonBody(exchange);
  if (!body.ok) return [];
  const sessions = (body.value as { sessions?: unknown } | null)?.sessions;
  if (!Array.isArray(sessions)) return [];
  return sessions.map((s) => String((s as { session_id?: unknown } | null)?.session_id ?? ''));
}

/**
 * OAS-008: a filtered list holds exactly the `expected` sessions, in any order: several filter.status values are
 * OR-ed, so none is missing and none is extra. `what` names the filter in the failure.
 */
export function sessionsListedExactly(
  rule: 'OAS-008',
  what: string,
  expected: readonly string[],
  exchange: Exchange,
): Failure | undefined {
  const got = listedSessionIds(exchange).sort();
  const want = [...expected].sort();
  if (got.length === want.length && got.every((id, i) => id === want[i])) return undefined;
  return failure(rule, what, want.join(', ') || 'no session', got.join(', ') || 'no session', exchange);
}
