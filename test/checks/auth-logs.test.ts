import { describe, expect, it } from 'vitest';
import {
  type AuthLogEntry,
  type AuthLogPageRecord,
  approvalReturnedCode,
  defaultPageSizeApplied,
  emptyResultAnswered,
  entriesOnBoundsReturned,
  entriesUnderListField,
  entriesWithinWindow,
  entryReachedStatus,
  filtersSentAsSpecified,
  generatedSelectionMatchesModel,
  maxPageSizeEnforced,
  narrowerWindowAddsNothing,
  newestFirst,
  noEntrySkippedAcrossPages,
  noEntryTwiceAcrossPages,
  oneNewInitiatedEntry,
  pageLinksConsistent,
  pagesEndWithin,
  pageWithinSize,
  perStatusResultsMakeUpUnfiltered,
  prevTokenLeadsBack,
  returnedEntriesMatchFilter,
  selectionMatchesModel,
  severalStatusesCombined,
  signedInEntryNamesUserAndClient,
  statusesInEnum,
  statusFilterIgnoresCase,
  timestampsAreRfc3339,
  totalSizeCountsEveryMatch,
  walkEndsWhereEntriesEnd,
} from '../../src/checks/auth-logs.js';
import { type RecordedOptions, recorded } from '../support/exchanges.js';

// Recorded list answers, built by hand: what a target answered GET /api/v1/logs/authentication/requests.
const base = 'https://env.example.test';
const listPath = '/api/v1/logs/authentication/requests';

/** An answer to a first page of three unless told otherwise. */
const answer = (status: number, options: RecordedOptions = {}) =>
  recorded(status, { url: `${base}${listPath}?page_size=3`, ...options });
const json = (status: number, value: unknown) => answer(status, { body: value });
const ok = answer(200, { body: '{}' });

let serial = 0;
/** An entry a minute apart from the epoch-ish anchor; `at` is minutes after 2026-03-01T00:00:00Z. */
function entry(at: number, fields: Partial<AuthLogEntry> = {}): AuthLogEntry {
  serial += 1;
  return {
    auth_request_id: `ar_${serial}`,
    status: 'SUCCESS',
    email: 'a@example.test',
    client_id: 'skc_1',
    resource_id: 'res_1',
    timestamp: new Date(Date.UTC(2026, 2, 1) + at * 60_000).toISOString(),
    ...fields,
  };
}

function page(items: AuthLogEntry[], links: Partial<Omit<AuthLogPageRecord, 'items'>> = {}): AuthLogPageRecord {
  return { items, next: '', prev: '', total: undefined, exchange: ok, ...links };
}

/** Pages of the given entries in order, linked by page-number tokens, each with total_size of them all. */
function pagesOf(items: AuthLogEntry[], size: number): AuthLogPageRecord[] {
  const count = Math.max(1, Math.ceil(items.length / size));
  return Array.from({ length: count }, (_, i) =>
    page(items.slice(i * size, (i + 1) * size), {
      prev: i === 0 ? '' : String(i),
      next: i === count - 1 ? '' : String(i + 2),
      total: items.length,
    }),
  );
}

const query = { client_id: 'skc_1', page_size: 3 };

describe('entries an OAuth flow leaves (ALG-002 to ALG-005)', () => {
  it('passes an authorize answer with a code, and fails a redirect with an error or a 5xx', () => {
    const redirect = answer(302, { location: 'https://app.example.com/cb?code=abc' });
    expect(approvalReturnedCode('ALG-003', redirect, 'abc')).toBeUndefined();
    const denied = answer(302, { location: 'https://app.example.com/cb?error=access_denied' });
    expect(approvalReturnedCode('ALG-003', denied, '')?.received).toContain('error=access_denied');
    expect(approvalReturnedCode('ALG-004', answer(500, { body: '{}' }), '')?.received).toMatch(/^500 /);
  });

  it('passes exactly one new INITIATED entry, and fails none or two', () => {
    expect(oneNewInitiatedEntry('ALG-002', ['ar_1'], 'skc_1', 5000, ok)).toBeUndefined();
    expect(oneNewInitiatedEntry('ALG-002', [], 'skc_1', 5000, ok)?.received).toBe('0 new INITIATED entries');
    expect(oneNewInitiatedEntry('ALG-002', ['ar_1', 'ar_2'], 'skc_1', 5000, ok)?.rule).toBe('ALG-002');
  });

  it('passes one entry in the status of the rule, and fails another status or a second entry', () => {
    const one = (status: string) => page([entry(1, { status })]);
    expect(entryReachedStatus('ALG-003', one('PENDING'), 'a@example.test', 5000)).toBeUndefined();
    expect(entryReachedStatus('ALG-004', one('SUCCESS'), 'a@example.test', 5000)).toBeUndefined();
    expect(entryReachedStatus('ALG-005', one('FAILED'), 'a@example.test', 5000)).toBeUndefined();
    const stuck = entryReachedStatus('ALG-004', one('INITIATED'), 'a@example.test', 5000);
    expect([stuck?.title, stuck?.received]).toEqual(['entry after the code exchange', 'INITIATED']);
    const two = page([entry(1, { status: 'FAILED' }), entry(2, { status: 'FAILED' })]);
    expect(entryReachedStatus('ALG-005', two, 'a@example.test', 5000)?.received).toBe('FAILED, FAILED');
    expect(entryReachedStatus('ALG-003', page([]), 'a@example.test', 5000)?.received).toBe('no entry');
  });

  it("passes a signed-in flow's entry naming the user and client, and fails a wrong user, client or status", () => {
    const good = page([entry(1, { status: 'PENDING', email: 'A@example.test' })]);
    expect(signedInEntryNamesUserAndClient('ALG-002', good, 'a@example.test', 'skc_1', 5000)).toEqual([]);
    // Fields it leaves out are not judged: the email filter found it.
    const bare = page([{ auth_request_id: 'ar_x', status: 'INITIATED' }]);
    expect(signedInEntryNamesUserAndClient('ALG-002', bare, 'a@example.test', 'skc_1', 5000)).toEqual([]);
    const wrong = page([entry(1, { status: 'INITIATED', email: 'b@example.test', client_id: 'skc_2' })]);
    expect(
      signedInEntryNamesUserAndClient('ALG-002', wrong, 'a@example.test', 'skc_1', 5000).map((f) => f.title),
    ).toEqual(['entry user', 'entry client']);
    const finished = page([entry(1, { status: 'SUCCESS' })]);
    expect(
      signedInEntryNamesUserAndClient('ALG-002', finished, 'a@example.test', 'skc_1', 5000).map((f) => f.title),
    ).toEqual(['entry after /oauth/authorize']);
  });
});

describe("the answer's shape (ALG-001, ALG-007, ALG-014, ALG-018, ALG-019)", () => {
  it('passes statuses of the enum, and fails the docs label FAILURE', () => {
    expect(statusesInEnum('ALG-001', page([entry(1), entry(2, { status: 'FAILED' })]))).toBeUndefined();
    expect(statusesInEnum('ALG-001', page([entry(1, { status: 'FAILURE' })]))?.received).toBe('FAILURE');
  });

  it('passes filters sent once each with the status repeated, and fails a comma-joined status', () => {
    const sent = { page_size: 5, status: ['SUCCESS', 'FAILED'], email: 'a@example.test' };
    const repeated = answer(200, {
      url: `${base}${listPath}?page_size=5&status=SUCCESS&status=FAILED&email=a%40example.test`,
    });
    expect(filtersSentAsSpecified('ALG-007', repeated, sent)).toBeUndefined();
    const joined = answer(200, {
      url: `${base}${listPath}?page_size=5&status=SUCCESS%2CFAILED&email=a%40example.test`,
    });
    expect(filtersSentAsSpecified('ALG-007', joined, sent)?.details).toEqual([
      'status: sent ["SUCCESS,FAILED"] for ["SUCCESS","FAILED"]',
    ]);
  });

  it('passes entries under the profiled list field, and fails them under the other spelling only', () => {
    expect(entriesUnderListField('ALG-014', json(200, { authRequests: [] }), 'authRequests')).toBeUndefined();
    expect(entriesUnderListField('ALG-014', json(200, { total_size: 0 }), 'authRequests')).toBeUndefined();
    expect(entriesUnderListField('ALG-014', json(200, { auth_requests: [] }), 'auth_requests')).toBeUndefined();
    expect(entriesUnderListField('ALG-014', json(200, { auth_requests: [] }), 'authRequests')?.title).toBe(
      'list field (C-22)',
    );
  });

  it('passes an empty 200 with the list empty or left out, and fails a 404, an item or a next page', () => {
    expect(emptyResultAnswered('ALG-018', json(200, { authRequests: [], total_size: 0 }), 'authRequests')).toBe(
      undefined,
    );
    expect(emptyResultAnswered('ALG-018', json(200, { total_size: '0', next_page_token: '' }), 'authRequests')).toBe(
      undefined,
    );
    expect(emptyResultAnswered('ALG-018', json(404, { error_code: 'NOT_FOUND' }), 'authRequests')?.title).toBe(
      'status code',
    );
    expect(emptyResultAnswered('ALG-018', json(200, { authRequests: [{}] }), 'authRequests')?.title).toBe(
      'empty result',
    );
    expect(emptyResultAnswered('ALG-018', json(200, { next_page_token: '2' }), 'authRequests')?.rule).toBe('ALG-018');
  });

  it('passes RFC 3339 timestamps, and fails epoch milliseconds or none', () => {
    expect(timestampsAreRfc3339('ALG-019', page([entry(1), entry(2)]))).toBeUndefined();
    const epoch = { ...entry(1), timestamp: 1767225600000 as unknown as string };
    expect(timestampsAreRfc3339('ALG-019', page([epoch, { auth_request_id: 'ar_y' }]))?.received).toBe(
      '2 item(s) without one',
    );
  });
});

describe('filters against the model (ALG-007, ALG-013, ALG-020)', () => {
  const a = entry(3);
  const b = entry(2, { client_id: 'skc_2' });
  const c = entry(1, { email: 'c@example.test' });

  it('passes exactly the selected entries in any order, and fails one missing, one extra or one twice', () => {
    expect(selectionMatchesModel('ALG-007', 'filtered result set', query, [a, c], [c, a], ok)).toBeUndefined();
    const missing = selectionMatchesModel('ALG-013', 'inclusive time bounds', query, [a, c], [a], ok);
    expect(missing?.received).toBe('1 entries (1 missing, 0 extra)');
    expect(missing?.details?.[0]).toContain(`"auth_request_id":"${c.auth_request_id}"`);
    expect(selectionMatchesModel('ALG-020', 'filter result', query, [a], [a, b], ok)?.received).toBe(
      '2 entries (0 missing, 1 extra)',
    );
    expect(selectionMatchesModel('ALG-007', 'filtered result set', query, [a, c], [a, c, c], ok)?.rule).toBe('ALG-007');
  });

  it('blames a generated filter on ALG-020 when an extra entry breaks its client or email, else on ALG-007', () => {
    const rules = { selection: 'ALG-007', ignoredFilter: 'ALG-020' } as const;
    const filter = { clientId: 'skc_1', email: 'a@example.test' };
    expect(generatedSelectionMatchesModel(rules, filter, query, [a], [a], ok)).toBeUndefined();
    expect(generatedSelectionMatchesModel(rules, filter, query, [a], [a, b], ok)?.rule).toBe('ALG-020');
    expect(generatedSelectionMatchesModel(rules, filter, query, [a], [a, c], ok)?.rule).toBe('ALG-020');
    expect(generatedSelectionMatchesModel(rules, filter, query, [a, entry(4)], [a], ok)?.rule).toBe('ALG-007');
    const sameClient = entry(5);
    expect(generatedSelectionMatchesModel(rules, filter, query, [a], [a, sameClient], ok)?.rule).toBe('ALG-007');
  });

  it('passes items that match every filter asked for, by the profile, and fails one that does not', () => {
    const filter = { clientId: 'skc_1', email: 'A@example.test' };
    expect(returnedEntriesMatchFilter('ALG-020', filter, { emailMatch: 'case-insensitive' }, query, [a], ok)).toBe(
      undefined,
    );
    expect(returnedEntriesMatchFilter('ALG-020', filter, {}, query, [a], ok)?.received).toBe(
      '1 item(s) that do not match',
    );
    expect(returnedEntriesMatchFilter('ALG-007', { statuses: ['failed'] }, {}, query, [a], ok)?.rule).toBe('ALG-007');
  });
});

describe('answers compared with each other (ALG-008, ALG-009, ALG-013)', () => {
  const success = entry(3);
  const failed = entry(2, { status: 'FAILED' });
  const pending = entry(1, { status: 'PENDING' });

  it('passes per-status results that add up to the unfiltered one, and fails one ignored or missing', () => {
    const unfiltered = [success, failed, pending];
    expect(
      perStatusResultsMakeUpUnfiltered('ALG-008', query, unfiltered, [[], [pending], [success], [failed]], ok),
    ).toBeUndefined();
    // A status filter that is ignored returns everything under each status.
    const ignored = perStatusResultsMakeUpUnfiltered('ALG-008', query, unfiltered, [unfiltered, unfiltered], ok);
    expect(ignored?.received).toBe('6 entries over the 2 statuses (0 missing, 3 extra)');
    expect(perStatusResultsMakeUpUnfiltered('ALG-008', query, unfiltered, [[success]], ok)?.rule).toBe('ALG-008');
  });

  it('passes several statuses as the profile combines them, and fails the other combination', () => {
    const single = new Map([
      ['SUCCESS', [success]],
      ['FAILED', [failed]],
    ]);
    expect(severalStatusesCombined('ALG-008', 'or', single, [failed, success], ok)).toBeUndefined();
    expect(severalStatusesCombined('ALG-008', 'and', single, [], ok)).toBeUndefined();
    expect(severalStatusesCombined('ALG-008', 'or', single, [success], ok)?.expected).toBe(
      '2 entries (OR of SUCCESS and FAILED)',
    );
    expect(severalStatusesCombined('ALG-008', 'and', single, [success, failed], ok)?.rule).toBe('ALG-008');
  });

  it('passes a lower-case status filter that returns the upper-case result, and fails one that returns nothing', () => {
    expect(statusFilterIgnoresCase('ALG-009', 'failed', query, [failed], [failed], ok)).toBeUndefined();
    const caseSensitive = statusFilterIgnoresCase('ALG-009', 'Failed', query, [failed], [], ok);
    expect([caseSensitive?.title, caseSensitive?.received]).toEqual([
      'status=Failed as status=FAILED',
      '0 entries (1 missing, 0 extra)',
    ]);
  });

  it('passes a narrower window that returns a subset, and fails one that adds an entry', () => {
    expect(narrowerWindowAddsNothing('ALG-013', [success, failed], [failed], ok)).toBeUndefined();
    expect(narrowerWindowAddsNothing('ALG-013', [success], [failed], ok)?.title).toBe('narrowing the window');
  });

  it('passes entries inside the inclusive window, bounds included, and fails one outside', () => {
    const window = { startTime: Date.parse(pending.timestamp ?? ''), endTime: Date.parse(failed.timestamp ?? '') };
    expect(entriesWithinWindow('ALG-013', window, [pending, failed], ok)).toBeUndefined();
    expect(entriesWithinWindow('ALG-013', window, [success, failed], ok)?.received).toBe('1 item(s) outside');
  });

  it('passes a window on the oldest and newest entries that returns all of them, and fails one short', () => {
    expect(entriesOnBoundsReturned('ALG-013', 3, [success, failed, pending], ok)).toBeUndefined();
    expect(entriesOnBoundsReturned('ALG-013', 3, [failed], ok)?.received).toBe('1 entries');
  });
});

describe('paging, ordering and totals (ALG-014 to ALG-017)', () => {
  const newestFirstEntries = [entry(7), entry(6), entry(6), entry(4), entry(3), entry(1), entry(0)];

  it('passes timestamps that never increase across pages, and fails a page boundary that goes back in time', () => {
    expect(newestFirst('ALG-014', pagesOf(newestFirstEntries, 3))).toBeUndefined();
    const pages = pagesOf([...newestFirstEntries].reverse(), 3);
    const failed = newestFirst('ALG-014', pages);
    expect(failed?.received).toMatch(/^item 1 \(.*\) is newer than item 0/);
    // The failure replays the request of the page that holds the newer entry, here the later one.
    const [first, second] = pagesOf(newestFirstEntries, 3) as [AuthLogPageRecord, AuthLogPageRecord];
    const secondExchange = answer(200, { url: `${base}${listPath}?page_size=3&page_token=2` });
    expect(newestFirst('ALG-014', [second, { ...first, exchange: secondExchange }])?.replay).toContain('page_token=2');
  });

  it('passes page links that end at both ends (and number the pages when profiled), and fails others', () => {
    const pages = pagesOf(newestFirstEntries, 3);
    expect(pageLinksConsistent('ALG-015', pages, 'page-number')).toEqual([]);
    const opaque = pages.map((p, i) => ({ ...p, prev: i === 0 ? '' : `t${i}`, next: i === 2 ? '' : `t${i + 2}` }));
    expect(pageLinksConsistent('ALG-015', opaque, 'opaque')).toEqual([]);
    expect(pageLinksConsistent('ALG-015', opaque, 'page-number').map((f) => f.title)).toEqual([
      'page-number tokens (authLogs.pageTokenFormat)',
      'page-number tokens (authLogs.pageTokenFormat)',
      'page-number tokens (authLogs.pageTokenFormat)',
    ]);
    const openEnded = pages.map((p, i) => ({ ...p, prev: i === 0 ? '1' : p.prev, next: i === 2 ? '4' : p.next }));
    expect(pageLinksConsistent('ALG-015', openEnded, 'opaque').map((f) => f.title)).toEqual([
      'first page',
      'last page',
    ]);
  });

  it('passes a prev_page_token that returns the previous page, and fails one a step off', () => {
    const [first, second] = pagesOf(newestFirstEntries, 3) as [AuthLogPageRecord, AuthLogPageRecord];
    expect(prevTokenLeadsBack('ALG-015', 1, first, first)).toBeUndefined();
    const offByOne = page([...first.items.slice(1), ...second.items.slice(0, 1)]);
    expect(prevTokenLeadsBack('ALG-015', 1, first, offByOne)?.title).toBe('prev_page_token');
  });

  it('passes pages without repeats, and fails an entry on two pages', () => {
    expect(noEntryTwiceAcrossPages('ALG-015', pagesOf(newestFirstEntries, 3))).toBeUndefined();
    const [x, y, z] = newestFirstEntries as [AuthLogEntry, AuthLogEntry, AuthLogEntry];
    const repeated = [page([x, y]), page([y, z])];
    expect(noEntryTwiceAcrossPages('ALG-015', repeated)?.received).toBe('1 item(s) more than once');
  });

  it('passes a walk that saw every entry of the single large page, and fails one that skipped some', () => {
    const all = page(newestFirstEntries);
    expect(noEntrySkippedAcrossPages('ALG-015', newestFirstEntries, all)).toBeUndefined();
    expect(noEntrySkippedAcrossPages('ALG-015', newestFirstEntries.slice(2), all)?.received).toBe('2 item(s) skipped');
  });

  it('passes a walk whose tokens stop with the last entry, and fails an empty trailing page or an early end', () => {
    const entries = newestFirstEntries.slice(0, 6);
    expect(walkEndsWhereEntriesEnd('ALG-015', pagesOf(entries, 3), 6, 3)).toEqual([]);
    const trailing = [...pagesOf(entries, 3), page([])];
    const withToken = trailing.map((p, i) => (i === 1 ? { ...p, next: '3' } : p));
    expect(walkEndsWhereEntriesEnd('ALG-015', withToken, 6, 3).map((f) => f.title)).toEqual([
      'next_page_token on the last page',
      'page behind a next_page_token',
    ]);
    const early = pagesOf(entries, 3)
      .slice(0, 1)
      .map((p) => ({ ...p, next: '' }));
    expect(walkEndsWhereEntriesEnd('ALG-015', early, 6, 3).map((f) => f.title)).toEqual(['end of the pages']);
  });

  it('passes a walk that ends within its bound, and fails one still handed a token on its last allowed page', () => {
    const pages = pagesOf(newestFirstEntries.slice(0, 6), 3);
    expect(pagesEndWithin('ALG-007', pages, 2)).toBeUndefined();
    expect(pagesEndWithin('ALG-007', pages.slice(0, 1), 2)).toBeUndefined();
    expect(pagesEndWithin('ALG-007', pages.slice(0, 1), 1)).toMatchObject({
      rule: 'ALG-007',
      title: 'pagination ends',
      received: 'a next_page_token on page 1',
    });
  });

  it('passes total_size equal on every page to every match, and fails a per-page count', () => {
    expect(totalSizeCountsEveryMatch('ALG-016', pagesOf(newestFirstEntries, 3))).toEqual([]);
    const perPage = pagesOf(newestFirstEntries, 3).map((p) => ({ ...p, total: p.items.length }));
    expect(totalSizeCountsEveryMatch('ALG-016', perPage).map((f) => f.title)).toEqual([
      'total_size stable across pages',
      'total_size',
    ]);
  });

  it('passes pages within page_size, the default and the maximum, and fails pages beyond them', () => {
    const five = page(newestFirstEntries.slice(0, 5), { total: 7 });
    expect(pageWithinSize('ALG-017', five, 5)).toBeUndefined();
    expect(pageWithinSize('ALG-017', five, 2)?.received).toBe('5');
    expect(defaultPageSizeApplied('ALG-017', five, 5)).toBeUndefined();
    expect(defaultPageSizeApplied('ALG-017', page(newestFirstEntries.slice(0, 2), { total: 2 }), 5)).toBeUndefined();
    expect(defaultPageSizeApplied('ALG-017', page(newestFirstEntries, { total: 7 }), 5)?.expected).toBe('5 items');
    expect(maxPageSizeEnforced('ALG-017', five, 5)).toBeUndefined();
    expect(maxPageSizeEnforced('ALG-017', page(newestFirstEntries), 5)?.title).toBe('maximum page size');
  });
});
