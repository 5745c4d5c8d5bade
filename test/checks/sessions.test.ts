import { describe, expect, it } from 'vitest';
import { listedSessionIds, sessionsListedExactly } from '../../src/checks/sessions.js';
import { recorded } from '../support/exchanges.js';

// Recorded session-list answers, built by hand.
const listed = (ids: string[], contentType?: string) =>
  recorded(200, {
    url: 'https://env.example.test/api/v1/users/usr_1/sessions?filter.status=active&filter.status=revoked',
    body: { sessions: ids.map((session_id) => ({ session_id, status: 'ACTIVE' })) },
    contentType,
  });

describe('the session list (OAS-008)', () => {
  it('reads the listed session IDs, and none from a body that is not a session list', () => {
    expect(listedSessionIds(listed(['ses_2', 'ses_1']))).toEqual(['ses_2', 'ses_1']);
    expect(listedSessionIds(listed(['ses_1'], 'text/html'))).toEqual([]);
    expect(listedSessionIds({ ...listed([]), responseBody: '{"sessions": null}' })).toEqual([]);
  });

  it('passes exactly the expected sessions, in any order', () => {
    expect(sessionsListedExactly('OAS-008', 'both', ['ses_1', 'ses_2'], listed(['ses_2', 'ses_1']))).toBeUndefined();
    expect(sessionsListedExactly('OAS-008', 'none', [], listed([]))).toBeUndefined();
  });

  it('fails a missing session (statuses AND-ed) and an extra one, naming both lists', () => {
    const anded = sessionsListedExactly('OAS-008', 'active and revoked (OR)', ['ses_1', 'ses_2'], listed([]));
    expect(anded).toMatchObject({
      rule: 'OAS-008',
      title: 'active and revoked (OR)',
      expected: 'ses_1, ses_2',
      received: 'no session',
    });
    expect(sessionsListedExactly('OAS-008', 'active', ['ses_2'], listed(['ses_1', 'ses_2']))?.received).toBe(
      'ses_1, ses_2',
    );
  });
});
