// Metamorphic properties of GET /api/v1/logs/authentication/requests that need no seeding: they compare the
// server's answers with each other, so they hold on whatever data a live target has (ALG-008, ALG-013 to
// ALG-020). On a target with the auth-requests hook the file seeds its own entries first and scopes every query to
// them (the loopback mock is shared by files running in parallel); without the hook it works inside a past time
// window taken from the target's most recent entries, so entries arriving meanwhile change nothing.
import { describe } from 'vitest';
import {
  type AuthLogItem,
  type AuthLogPage,
  authLogOperation,
  authLogQuery,
  buildAuthLogFixture,
  describeItems,
  fetchAuthLogPage,
  walkAuthLogPages,
} from '../../fixtures/builders/auth-log-entries.js';
import { type Failure, failure } from '../../src/checks/failure.js';
import { checkResponseSchema, checkStatus, parseJsonBody } from '../../src/checks/http.js';
import { assertConforms, exchangeOf, type Target, test } from '../../src/harness/index.js';
import { type AuthLogFilter, authLogStatuses, matchesFilter } from '../../src/oracles/auth-log-filter.js';
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

const sameIds = (a: readonly AuthLogItem[], b: readonly AuthLogItem[]) => {
  const left = a.map(idOf).sort();
  const right = b.map(idOf).sort();
  return left.length === right.length && left.every((id, i) => id === right[i]);
};

describe('GET /api/v1/logs/authentication/requests: properties that hold on any data', () => {
  test('the per-status results together are the unfiltered result for the same window', {
    tags: ['ALG-008'],
  }, async ({ target, skip }) => {
    const base = await population(target, skip, 'ALG-008');
    const unfiltered = (await all(target, base, 'ALG-008')).items;
    const perStatus = new Map<string, AuthLogItem[]>();
    for (const status of authLogStatuses)
      perStatus.set(status, (await all(target, { ...base, statuses: [status] }, 'ALG-008')).items);
    const union = [...perStatus.values()].flat();
    assertConforms(
      sameIds(union, unfiltered)
        ? undefined
        : failure(
            'ALG-008',
            'union of the per-status results',
            `the ${unfiltered.length} unfiltered entries of ${JSON.stringify(authLogQuery(base))}, each once`,
            `${union.length} entries over the four statuses`,
            target.exchanges.at(-1),
            describeItems(union.filter((i) => union.filter((j) => idOf(j) === idOf(i)).length > 1)),
          ),
    );
    // Several statuses in one request: OR by default (G-17, authLogs.statusCombination).
    const pair = ['SUCCESS', 'FAILED'] as const;
    const both = (await all(target, { ...base, statuses: [...pair] }, 'ALG-008')).items;
    const expected =
      target.profile.authLogs.statusCombination === 'or' ? pair.flatMap((s) => perStatus.get(s) ?? []) : [];
    assertConforms(
      sameIds(both, expected)
        ? undefined
        : failure(
            'ALG-008',
            'several status values',
            `${expected.length} entries (${target.profile.authLogs.statusCombination.toUpperCase()} of SUCCESS and FAILED)`,
            `${both.length} entries`,
            target.exchanges.at(-1),
          ),
    );
  });

  test('a status filter in lower or mixed case returns the same entries as in upper case', {
    tags: ['ALG-009'],
  }, async ({ target, skip }) => {
    const base = await population(target, skip, 'ALG-009');
    const failures: (Failure | undefined)[] = [];
    for (const status of authLogStatuses) {
      const upper = (await all(target, { ...base, statuses: [status] }, 'ALG-009')).items;
      const spellings = [status.toLowerCase(), status.charAt(0) + status.slice(1).toLowerCase()];
      for (const spelling of spellings) {
        const other = (await all(target, { ...base, statuses: [spelling] }, 'ALG-009')).items;
        failures.push(
          sameIds(other, upper)
            ? undefined
            : failure(
                'ALG-009',
                `status=${spelling}`,
                `the ${upper.length} entries status=${status} returns for ${JSON.stringify(authLogQuery(base))}`,
                `${other.length} entries`,
                target.exchanges.at(-1),
              ),
        );
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
    const failures: Failure[] = [];
    for (const filter of filters) {
      const { items, pages } = await all(target, filter, 'ALG-020');
      const wrong = items.filter((i) => !matchesFilter(i, filter, target.profile.authLogs));
      if (wrong.length > 0)
        failures.push(
          failure(
            'ALG-020',
            'filter honoured',
            `only items matching ${JSON.stringify(authLogQuery(filter))}`,
            `${wrong.length} item(s) that do not match`,
            pages.at(-1)?.exchange,
            describeItems(wrong, 3),
          ),
        );
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
    const narrow = (await all(target, { ...base, startTime: start + quarter, endTime: end - quarter }, 'ALG-013'))
      .items;
    const wideIds = new Set(wide.map(idOf));
    const added = narrow.filter((i) => !wideIds.has(idOf(i)));
    const outside = narrow.filter((i) => timeOf(i) < start + quarter || timeOf(i) > end - quarter);
    assertConforms(
      added.length === 0
        ? undefined
        : failure(
            'ALG-013',
            'narrowing the window',
            'a subset of the wider window',
            `${added.length} item(s) only in the narrower window`,
            target.exchanges.at(-1),
            describeItems(added),
          ),
      outside.length === 0
        ? undefined
        : failure(
            'ALG-013',
            'inclusive window',
            `timestamps within ${new Date(start + quarter).toISOString()}..${new Date(end - quarter).toISOString()}`,
            `${outside.length} item(s) outside`,
            target.exchanges.at(-1),
            describeItems(outside),
          ),
      // The wide window's bounds are the oldest and newest entries themselves: inclusive bounds keep them all.
      wide.length === times.length
        ? undefined
        : failure(
            'ALG-013',
            'entries exactly on the bounds',
            `all ${times.length} entries, the oldest and newest being exactly on start_time and end_time`,
            `${wide.length} entries`,
            target.exchanges.at(-1),
          ),
    );
  });

  test('items are ordered most recent first, within and across pages', { tags: ['ALG-014'] }, async ({
    target,
    skip,
  }) => {
    const base = await population(target, skip, 'ALG-014');
    const { items, pages } = await all(target, base, 'ALG-014', 3);
    const at = items.findIndex((item, i) => i > 0 && timeOf(item) > timeOf(items[i - 1] ?? item));
    assertConforms(
      at < 0
        ? undefined
        : failure(
            'ALG-014',
            'ordering',
            'timestamps non-increasing across all pages',
            `item ${at} (${items[at]?.timestamp}) is newer than item ${at - 1} (${items[at - 1]?.timestamp})`,
            pages[Math.floor(at / 3)]?.exchange,
            describeItems(items.slice(Math.max(0, at - 1), at + 1)),
          ),
    );
  });

  test('paging forward and then back returns the same page, and the first page has no previous page', {
    tags: ['ALG-015'],
  }, async ({ target, skip }) => {
    const base = await population(target, skip, 'ALG-015');
    const query = authLogQuery(base, 3);
    const { pages } = await all(target, base, 'ALG-015', 3);
    if (pages.length < 3) skip('precondition not met: fewer than three pages of three entries in scope');
    const failures: (Failure | undefined)[] = [
      pages[0]?.prev === ''
        ? undefined
        : failure('ALG-015', 'first page', 'prev_page_token empty', JSON.stringify(pages[0]?.prev), pages[0]?.exchange),
      pages.at(-1)?.next === ''
        ? undefined
        : failure('ALG-015', 'last page', 'next_page_token empty', 'a token', pages.at(-1)?.exchange),
    ];
    // G-17: with page-number tokens (as the spec's examples suggest), page n links to n - 1 and n + 1.
    if (target.profile.authLogs.pageTokenFormat === 'page-number') {
      for (const [index, page] of pages.entries()) {
        const expected = {
          prev: index === 0 ? '' : String(index),
          next: index === pages.length - 1 ? '' : String(index + 2),
        };
        failures.push(
          page.prev === expected.prev && page.next === expected.next
            ? undefined
            : failure(
                'ALG-015',
                'page-number tokens (authLogs.pageTokenFormat)',
                `page ${index + 1}: prev ${JSON.stringify(expected.prev)}, next ${JSON.stringify(expected.next)}`,
                `prev ${JSON.stringify(page.prev)}, next ${JSON.stringify(page.next)}`,
                page.exchange,
              ),
        );
      }
    }
    for (const [index, page] of pages.entries()) {
      if (index === 0 || !page.prev) continue;
      const back = await fetchAuthLogPage(target, query, 'ALG-015', page.prev);
      const original = pages[index - 1] as AuthLogPage;
      failures.push(
        back.problem ??
          (back.page.items.map(idOf).join() === original.items.map(idOf).join()
            ? undefined
            : failure(
                'ALG-015',
                'prev_page_token',
                `page ${index} again: ${original.items.map(idOf).join(', ')}`,
                back.page.items.map(idOf).join(', '),
                back.page.exchange,
              )),
      );
    }
    assertConforms(...failures);
  });

  test('across pages no item appears twice and none is skipped', { tags: ['ALG-015'] }, async ({ target, skip }) => {
    const base = await population(target, skip, 'ALG-015');
    const { items, pages } = await all(target, base, 'ALG-015', 3);
    const seen = new Map<string, number>();
    for (const item of items) seen.set(idOf(item), (seen.get(idOf(item)) ?? 0) + 1);
    const twice = items.filter((i) => (seen.get(idOf(i)) ?? 0) > 1);
    const failures: (Failure | undefined)[] = [
      twice.length === 0
        ? undefined
        : failure(
            'ALG-015',
            'no duplicates across pages',
            'each item once',
            `${new Set(twice.map(idOf)).size} item(s) more than once`,
            pages.at(-1)?.exchange,
            describeItems(twice),
          ),
    ];
    // One page holding everything, when the server allows one that large, shows what the walk should have seen.
    const size = Math.max(items.length, 1) + 5;
    if (size <= (target.profile.authLogs.maxPageSize ?? 100)) {
      const { page, problem } = await fetchAuthLogPage(target, authLogQuery(base, size), 'ALG-015');
      const walked = new Set(items.map(idOf));
      const skipped = page.items.filter((i) => !walked.has(idOf(i)));
      failures.push(
        problem ??
          (skipped.length === 0
            ? undefined
            : failure(
                'ALG-015',
                'none skipped across pages',
                'every item of the single large page also on the pages of three',
                `${skipped.length} item(s) skipped`,
                page.exchange,
                describeItems(skipped),
              )),
      );
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
      failures.push(problem);
      const seen = new Set<string>();
      for (const [index, page] of pages.entries()) {
        for (const item of page.items) seen.add(idOf(item));
        const which = `page ${index + 1} with page_size ${size}`;
        failures.push(
          index === 0 || page.items.length > 0
            ? undefined
            : failure(
                'ALG-015',
                'page behind a next_page_token',
                'at least one entry',
                `an empty ${which}`,
                page.exchange,
              ),
          !page.next || seen.size < total
            ? undefined
            : failure(
                'ALG-015',
                'next_page_token on the last page',
                `empty once all ${total} entries are seen`,
                `a token on ${which}, after ${seen.size} entries`,
                page.exchange,
              ),
          page.next || seen.size >= total
            ? undefined
            : failure(
                'ALG-015',
                'end of the pages',
                `all ${total} entries of the large-page read before next_page_token is empty`,
                `${seen.size} entries when ${which} ended the walk`,
                page.exchange,
              ),
        );
      }
    }
    assertConforms(...failures);
  });

  test('total_size is the same on every page and equals the number of items seen', { tags: ['ALG-016'] }, async ({
    target,
    skip,
  }) => {
    const base = await population(target, skip, 'ALG-016');
    const { items, pages } = await all(target, base, 'ALG-016', 3);
    const totals = pages.map((p) => p.total ?? 0);
    const differing = pages.find((p) => (p.total ?? 0) !== totals[0]);
    assertConforms(
      differing === undefined
        ? undefined
        : failure(
            'ALG-016',
            'total_size stable across pages',
            `${totals[0]} on every page`,
            `total_size per page: ${totals.join(', ')}`,
            differing.exchange,
          ),
      totals[0] === items.length
        ? undefined
        : failure(
            'ALG-016',
            'total_size',
            `${items.length} (the items on all pages)`,
            String(totals[0]),
            pages[0]?.exchange,
          ),
    );
  });

  test('a page never holds more than page_size items', { tags: ['ALG-017'] }, async ({ target, skip }) => {
    const base = await population(target, skip, 'ALG-017');
    const failures: (Failure | undefined)[] = [];
    for (const size of [1, 2, 5]) {
      const { page, problem } = await fetchAuthLogPage(target, authLogQuery(base, size), 'ALG-017');
      failures.push(
        problem ??
          (page.items.length <= size
            ? undefined
            : failure('ALG-017', 'page length', `at most ${size} items`, `${page.items.length}`, page.exchange)),
      );
    }
    const { defaultPageSize, maxPageSize } = target.profile.authLogs;
    if (defaultPageSize !== null) {
      const { page, problem } = await fetchAuthLogPage(target, authLogQuery(base), 'ALG-017');
      const expected = Math.min(defaultPageSize, page.total ?? page.items.length);
      failures.push(
        problem ??
          (page.items.length === expected
            ? undefined
            : failure('ALG-017', 'default page size', `${expected} items`, `${page.items.length}`, page.exchange)),
      );
    }
    if (maxPageSize !== null) {
      const { page, problem } = await fetchAuthLogPage(target, authLogQuery(base, maxPageSize + 50), 'ALG-017');
      failures.push(
        problem ??
          (page.items.length <= maxPageSize
            ? undefined
            : failure('ALG-017', 'maximum page size', `at most ${maxPageSize}`, `${page.items.length}`, page.exchange)),
      );
    }
    assertConforms(...failures);
  });

  test('a filter that matches nothing returns 200 with an empty list, total_size 0 and no next page', {
    tags: ['ALG-018'],
  }, async ({ target }) => {
    const query = authLogQuery({ email: `${target.runTag}-nobody@example.test` }, 5);
    const { exchange } = await exchangeOf(target, () => target.api.GET(path, { params: { query } }));
    const body = parseJsonBody(exchange);
    const value = (body.ok ? body.value : undefined) as Record<string, unknown> | undefined;
    const list = value?.[target.profile.authLogs.listField];
    const total = value?.total_size;
    assertConforms(
      checkStatus('ALG-018', exchange, 200) ??
        ((list === undefined || (Array.isArray(list) && list.length === 0)) &&
        (total === undefined || Number(total) === 0) &&
        !value?.next_page_token
          ? undefined
          : failure(
              'ALG-018',
              'empty result',
              `${target.profile.authLogs.listField} [] (or omitted), total_size 0 (or omitted), next_page_token empty`,
              exchange.responseBody.slice(0, 200),
              exchange,
            )),
    );
  });

  test('every item has the auditlogsAuthLogRequest shape with an RFC 3339 timestamp', { tags: ['ALG-019'] }, async ({
    target,
    skip,
  }) => {
    const base = await population(target, skip, 'ALG-019');
    const { page } = await fetchAuthLogPage(target, authLogQuery(base, 10), 'ALG-019');
    const badTime = page.items.filter(
      (i) => typeof i.timestamp !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(i.timestamp) || !Number.isFinite(timeOf(i)),
    );
    assertConforms(
      checkStatus('ALG-019', page.exchange, 200) ??
        checkResponseSchema('ALG-019', page.exchange, target.schemas, authLogOperation),
      badTime.length === 0
        ? undefined
        : failure(
            'ALG-019',
            'item timestamp',
            'an RFC 3339 date-time string on every item',
            `${badTime.length} item(s) without one`,
            page.exchange,
            describeItems(badTime),
          ),
    );
  });
});
