// Metamorphic properties of GET /api/v1/logs/authentication/requests that need no seeding: they compare the
// server's answers with each other, so they hold on whatever data a live target has (ALG-008, ALG-013 to
// ALG-020). On a target with the auth-requests hook the file seeds its own entries first and scopes every query to
// them (the mock keeps what other files seeded); without the hook it works inside a past time window taken from the
// target's most recent entries, so entries arriving meanwhile change nothing.
import { describe } from 'vitest';
import {
  type AuthLogItem,
  type AuthLogPage,
  authLogOperation,
  authLogQuery,
  buildAuthLogFixture,
  fetchAuthLogPage,
  walkAuthLogPages,
} from '../../fixtures/builders/auth-log-entries.js';
import {
  defaultPageSizeApplied,
  emptyResultAnswered,
  entriesOnBoundsReturned,
  entriesWithinWindow,
  maxPageSizeEnforced,
  narrowerWindowAddsNothing,
  newestFirst,
  noEntrySkippedAcrossPages,
  noEntryTwiceAcrossPages,
  pageLinksConsistent,
  pageWithinSize,
  perStatusResultsMakeUpUnfiltered,
  prevTokenLeadsBack,
  returnedEntriesMatchFilter,
  severalStatusesCombined,
  statusFilterIgnoresCase,
  timestampsAreRfc3339,
  totalSizeCountsEveryMatch,
  walkEndsWhereEntriesEnd,
} from '../../src/checks/auth-logs.js';
import type { Failure } from '../../src/checks/failure.js';
import { checkResponseSchema, checkStatus } from '../../src/checks/http.js';
import { assertConforms, exchangeOf, type Target, test } from '../../src/harness/index.js';
import { type AuthLogFilter, authLogStatuses } from '../../src/oracles/auth-log-filter.js';
import type { RuleId } from '../../src/rules/catalogue.js';

const path = authLogOperation.path;
const idOf = (item: AuthLogItem) => item.auth_request_id ?? JSON.stringify(item);
const timeOf = (item: AuthLogItem) => Date.parse(item.timestamp ?? '');

let seeding: Promise<AuthLogFilter> | undefined;

/**
 * The filter every query of this file starts from: its own seeded client, or a past window of live data. The read
 * that finds the window is held to `rule`, the calling test's own: a server error there fails the test, and only a
 * successful, empty answer skips it.
 */
async function population(target: Target, skip: (note?: string) => never, rule: RuleId): Promise<AuthLogFilter> {
  if (await target.hooks.has('auth-requests')) {
    seeding ??= (async () => {
      const fixture = buildAuthLogFixture(target.faker, target.runTag, { now: Date.now() - 60_000, count: 24 });
      await target.hooks.seedAuthRequests(fixture.entries);
      return { clientId: fixture.clientIds[0] ?? '' };
    })();
    return seeding;
  }
  const { page, problem } = await fetchAuthLogPage(target, { page_size: 30 }, rule);
  assertConforms(problem);
  const times = page.items.map(timeOf).filter(Number.isFinite);
  if (times.length === 0) skip('precondition not met: the target has no authentication log entries');
  return { startTime: Math.min(...times), endTime: Math.max(...times) };
}

async function all(target: Target, filter: AuthLogFilter, rule: RuleId, pageSize = 5) {
  const { pages, problem } = await walkAuthLogPages(target, authLogQuery(filter, pageSize), rule);
  assertConforms(problem);
  return { pages, items: pages.flatMap((p) => p.items) };
}

describe('GET /api/v1/logs/authentication/requests: properties that hold on any data', () => {
  test('the per-status results together are the unfiltered result for the same window', {
    tags: ['ALG-008'],
  }, async ({ target, skip }) => {
    const base = await population(target, skip, 'ALG-008');
    const unfiltered = (await all(target, base, 'ALG-008')).items;
    const perStatus = new Map<string, AuthLogItem[]>();
    for (const status of authLogStatuses)
      perStatus.set(status, (await all(target, { ...base, statuses: [status] }, 'ALG-008')).items);
    const query = authLogQuery(base);
    const results = [...perStatus.values()];
    assertConforms(perStatusResultsMakeUpUnfiltered('ALG-008', query, unfiltered, results, target.exchanges.at(-1)));
    // Several statuses in one request: OR by default (G-17, authLogs.statusCombination).
    const pair = ['SUCCESS', 'FAILED'] as const;
    const both = (await all(target, { ...base, statuses: [...pair] }, 'ALG-008')).items;
    const single = new Map(pair.map((s) => [s, perStatus.get(s) ?? []]));
    const combination = target.profile.authLogs.statusCombination;
    assertConforms(severalStatusesCombined('ALG-008', combination, single, both, target.exchanges.at(-1)));
  });

  test('a status filter in lower or mixed case returns the same entries as in upper case', {
    tags: ['ALG-009'],
  }, async ({ target, skip }) => {
    const base = await population(target, skip, 'ALG-009');
    const query = authLogQuery(base);
    const failures: (Failure | undefined)[] = [];
    for (const status of authLogStatuses) {
      const upper = (await all(target, { ...base, statuses: [status] }, 'ALG-009')).items;
      const spellings = [status.toLowerCase(), status.charAt(0) + status.slice(1).toLowerCase()];
      for (const spelling of spellings) {
        const other = (await all(target, { ...base, statuses: [spelling] }, 'ALG-009')).items;
        failures.push(statusFilterIgnoresCase('ALG-009', spelling, query, upper, other, target.exchanges.at(-1)));
      }
    }
    assertConforms(...failures);
  });

  test('every returned item matches every filter it was asked for', { tags: ['ALG-020'] }, async ({ target, skip }) => {
    const base = await population(target, skip, 'ALG-020');
    const sample = (await all(target, base, 'ALG-020')).items;
    const first = <K extends keyof AuthLogItem>(key: K) => sample.find((i) => i[key])?.[key];
    const email = first('email');
    const clientId = first('client_id');
    const resourceId = first('resource_id');
    const filters: AuthLogFilter[] = [
      ...authLogStatuses.map((s) => ({ ...base, statuses: [s] })),
      ...(email
        ? [
            { ...base, email },
            { ...base, email, statuses: ['FAILED', 'SUCCESS'] },
          ]
        : []),
      ...(clientId ? [{ ...base, clientId }] : []),
      ...(resourceId ? [{ ...base, resourceId }] : []),
    ];
    const failures: (Failure | undefined)[] = [];
    for (const filter of filters) {
      const { items, pages } = await all(target, filter, 'ALG-020');
      const settings = target.profile.authLogs;
      const query = authLogQuery(filter);
      failures.push(returnedEntriesMatchFilter('ALG-020', filter, settings, query, items, pages.at(-1)?.exchange));
    }
    assertConforms(...failures);
  });

  test('every item lies within the inclusive window, and narrowing the window never adds items', {
    tags: ['ALG-013'],
  }, async ({ target, skip }) => {
    const base = await population(target, skip, 'ALG-013');
    const times = (await all(target, base, 'ALG-013')).items.map(timeOf).filter(Number.isFinite);
    if (times.length === 0) skip('precondition not met: no entries with a timestamp in scope');
    const start = Math.min(...times);
    const end = Math.max(...times);
    const quarter = Math.floor((end - start) / 4);
    const wide = (await all(target, { ...base, startTime: start, endTime: end }, 'ALG-013')).items;
    const inner = { startTime: start + quarter, endTime: end - quarter };
    const narrow = (await all(target, { ...base, ...inner }, 'ALG-013')).items;
    const last = target.exchanges.at(-1);
    assertConforms(
      narrowerWindowAddsNothing('ALG-013', wide, narrow, last),
      entriesWithinWindow('ALG-013', inner, narrow, last),
      // The wide window's bounds are the oldest and newest entries themselves: inclusive bounds keep them all.
      entriesOnBoundsReturned('ALG-013', times.length, wide, last),
    );
  });

  test('items are ordered most recent first, within and across pages', { tags: ['ALG-014'] }, async ({
    target,
    skip,
  }) => {
    const base = await population(target, skip, 'ALG-014');
    const { pages } = await all(target, base, 'ALG-014', 3);
    assertConforms(newestFirst('ALG-014', pages));
  });

  test('paging forward and then back returns the same page, and the first page has no previous page', {
    tags: ['ALG-015'],
  }, async ({ target, skip }) => {
    const base = await population(target, skip, 'ALG-015');
    const query = authLogQuery(base, 3);
    const { pages } = await all(target, base, 'ALG-015', 3);
    if (pages.length < 3) skip('precondition not met: fewer than three pages of three entries in scope');
    const failures: (Failure | undefined)[] = pageLinksConsistent(
      'ALG-015',
      pages,
      target.profile.authLogs.pageTokenFormat,
    );
    for (const [index, page] of pages.entries()) {
      if (index === 0 || !page.prev) continue;
      const back = await fetchAuthLogPage(target, query, 'ALG-015', page.prev);
      const original = pages[index - 1] as AuthLogPage;
      failures.push(back.problem ?? prevTokenLeadsBack('ALG-015', index, original, back.page));
    }
    assertConforms(...failures);
  });

  test('across pages no item appears twice and none is skipped', { tags: ['ALG-015'] }, async ({ target, skip }) => {
    const base = await population(target, skip, 'ALG-015');
    const { items, pages } = await all(target, base, 'ALG-015', 3);
    const failures: (Failure | undefined)[] = [noEntryTwiceAcrossPages('ALG-015', pages)];
    // One page holding everything, when the server allows one that large, shows what the walk should have seen.
    const size = Math.max(items.length, 1) + 5;
    if (size <= (target.profile.authLogs.maxPageSize ?? 100)) {
      const { page, problem } = await fetchAuthLogPage(target, authLogQuery(base, size), 'ALG-015');
      failures.push(problem ?? noEntrySkippedAcrossPages('ALG-015', items, page));
    }
    assertConforms(...failures);
  });

  test('every next_page_token leads to entries, and the walk ends exactly where the entries end', {
    tags: ['ALG-015'],
  }, async ({ target, skip }) => {
    const base = await population(target, skip, 'ALG-015');
    // What the pages must add up to: a read in pages as large as the server allows.
    const largest = target.profile.authLogs.maxPageSize ?? 100;
    const total = new Set((await all(target, base, 'ALG-015', largest)).items.map(idOf)).size;
    if (total === 0) skip('precondition not met: no entries in scope');
    // Sizes whose last page is full, where a next_page_token to an empty page hides (one page of everything, half
    // of them when that divides), and pages of three, whose last page may be short.
    const sizes = [total, total % 2 === 0 ? total / 2 : 0, 3].filter(
      (size, i, list) => size > 0 && size <= largest && total / size <= 30 && list.indexOf(size) === i,
    );
    const failures: (Failure | undefined)[] = [];
    for (const size of sizes) {
      const { pages, problem } = await walkAuthLogPages(target, authLogQuery(base, size), 'ALG-015');
      failures.push(problem, ...walkEndsWhereEntriesEnd('ALG-015', pages, total, size));
    }
    assertConforms(...failures);
  });

  test('total_size is the same on every page and equals the number of items seen', { tags: ['ALG-016'] }, async ({
    target,
    skip,
  }) => {
    const base = await population(target, skip, 'ALG-016');
    const { pages } = await all(target, base, 'ALG-016', 3);
    assertConforms(...totalSizeCountsEveryMatch('ALG-016', pages));
  });

  test('a page never holds more than page_size items', { tags: ['ALG-017'] }, async ({ target, skip }) => {
    const base = await population(target, skip, 'ALG-017');
    const failures: (Failure | undefined)[] = [];
    for (const size of [1, 2, 5]) {
      const { page, problem } = await fetchAuthLogPage(target, authLogQuery(base, size), 'ALG-017');
      failures.push(problem ?? pageWithinSize('ALG-017', page, size));
    }
    const { defaultPageSize, maxPageSize } = target.profile.authLogs;
    if (defaultPageSize !== null) {
      const { page, problem } = await fetchAuthLogPage(target, authLogQuery(base), 'ALG-017');
      failures.push(problem ?? defaultPageSizeApplied('ALG-017', page, defaultPageSize));
    }
    if (maxPageSize !== null) {
      const { page, problem } = await fetchAuthLogPage(target, authLogQuery(base, maxPageSize + 50), 'ALG-017');
      failures.push(problem ?? maxPageSizeEnforced('ALG-017', page, maxPageSize));
    }
    assertConforms(...failures);
  });

  test('a filter that matches nothing returns 200 with an empty list, total_size 0 and no next page', {
    tags: ['ALG-018'],
  }, async ({ target }) => {
    const query = authLogQuery({ email: `${target.runTag}-nobody@example.test` }, 5);
    const { exchange } = await exchangeOf(target, () => target.api.GET(path, { params: { query } }));
    assertConforms(emptyResultAnswered('ALG-018', exchange, target.profile.authLogs.listField));
  });

  test('every item has the auditlogsAuthLogRequest shape with an RFC 3339 timestamp', { tags: ['ALG-019'] }, async ({
    target,
    skip,
  }) => {
    const base = await population(target, skip, 'ALG-019');
    const { page } = await fetchAuthLogPage(target, authLogQuery(base, 10), 'ALG-019');
    assertConforms(
      checkStatus('ALG-019', page.exchange, 200) ??
        checkResponseSchema('ALG-019', page.exchange, target.schemas, authLogOperation),
      timestampsAreRfc3339('ALG-019', page),
    );
  });
});
