// GET /api/v1/logs/authentication/requests (AuditLogsService_ListAuthRequests): filters, status vocabulary and
// authentication. Rule IDs are vitest tags; `scalekit-conformance run --only 'ALG-*'` selects them.
import fc from 'fast-check';
import { describe } from 'vitest';
import {
  type AuthLogItem,
  type AuthLogQuery,
  asStatuses,
  authLogItemsOf,
  authLogOperation,
  authLogQuery,
  buildAuthLogFixture,
  walkAuthLogPages,
} from '../../fixtures/builders/auth-log-entries.js';
import {
  entriesUnderListField,
  filtersSentAsSpecified,
  returnedEntriesMatchFilter,
  selectionMatchesModel,
} from '../../src/checks/auth-logs.js';
import { checkErrorInfo, checkResponseSchema, checkStatus } from '../../src/checks/http.js';
import {
  assertConforms,
  assertProperty,
  conformsOrThrow,
  exchangeOf,
  requireHook,
  test,
} from '../../src/harness/index.js';
import { type AuthLogFilter, applyAuthLogFilter, authLogStatuses } from '../../src/oracles/auth-log-filter.js';

const path = authLogOperation.path;

describe('GET /api/v1/logs/authentication/requests', () => {
  test('typed filters are sent as the spec describes (status as repeated form parameters) and accepted', {
    tags: ['ALG-007'],
  }, async ({ target }) => {
    const query: AuthLogQuery = {
      page_size: 5,
      email: `${target.runTag}@example.test`,
      status: ['SUCCESS', 'FAILED'],
      start_time: '2026-01-01T00:00:00Z',
      end_time: '2026-12-31T23:59:59Z',
      resource_id: `res_${target.runTag}`,
      client_id: `skc_${target.runTag}`,
    };
    const { exchange } = await exchangeOf(target, () => target.api.GET(path, { params: { query } }));
    assertConforms(filtersSentAsSpecified('ALG-007', exchange, query), checkStatus('ALG-007', exchange, 200));
    assertConforms(checkResponseSchema('ALG-007', exchange, target.schemas, authLogOperation));
  });

  test('on seeded entries, each filter returns exactly the entries the model selects, across pages', {
    tags: ['ALG-007'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'auth-requests', skip);
    const fixture = buildAuthLogFixture(target.faker, target.runTag, { now: Date.now() });
    const seeded = await target.hooks.seedAuthRequests(fixture.entries);
    const [c0 = '', c1 = ''] = fixture.clientIds;
    const [e0 = ''] = fixture.emails;
    const [r0 = ''] = fixture.resourceIds;
    const times = seeded.map((e) => Date.parse(e.timestamp)).sort((a, b) => a - b);
    const lower = fixture.boundaries[0] ? Date.parse(fixture.boundaries[0]) : (times[2] ?? 0);
    const upper = times[times.length - 3] ?? Date.now();
    const cases: AuthLogFilter[] = [
      { clientId: c0 },
      { email: e0 },
      { clientId: c1, resourceId: r0 },
      ...authLogStatuses.map((s) => ({ clientId: c0, statuses: [s] })),
      { clientId: c0, startTime: lower, endTime: upper },
      { email: e0, startTime: lower, endTime: lower },
    ];
    for (const filter of cases) {
      const expected = applyAuthLogFilter(seeded, filter);
      const query = authLogQuery(filter, 5);
      const { pages, problem } = await walkAuthLogPages(target, query, 'ALG-007');
      assertConforms(problem);
      const got = pages.flatMap((p) => p.items);
      assertConforms(
        selectionMatchesModel('ALG-007', 'filtered result set', query, expected, got, target.exchanges.at(-1)),
      );
    }
  });

  test('on whatever data the target has, every returned item matches every filter it was asked for', {
    tags: ['ALG-007'],
  }, async ({ target, skip }) => {
    if (await target.hooks.has('auth-requests')) {
      await target.hooks.seedAuthRequests(
        buildAuthLogFixture(target.faker, target.runTag, { now: Date.now() }).entries,
      );
    }
    const sample = await exchangeOf(target, () => target.api.GET(path, { params: { query: { page_size: 50 } } }));
    assertConforms(checkStatus('ALG-007', sample.exchange, 200));
    const items = authLogItemsOf(target, sample.data);
    if (items.length === 0) skip('precondition not met: the target has no authentication log entries to filter');
    const pick = <K extends keyof AuthLogItem>(key: K) => items.find((i) => i[key])?.[key];
    const filters: AuthLogFilter[] = [];
    for (const status of authLogStatuses)
      if (items.some((i) => i.status === status)) filters.push({ statuses: [status] });
    const email = pick('email');
    if (email) filters.push({ email });
    const clientId = pick('client_id');
    if (clientId) filters.push({ clientId });
    for (const filter of filters) {
      const query = authLogQuery(filter, 50);
      const result = await exchangeOf(target, () => target.api.GET(path, { params: { query } }));
      assertConforms(checkStatus('ALG-007', result.exchange, 200));
      const returned = authLogItemsOf(target, result.data);
      const settings = target.profile.authLogs;
      assertConforms(returnedEntriesMatchFilter('ALG-007', filter, settings, query, returned, result.exchange));
    }
  });

  test('the entries come in the list array the profile names (authRequests, as the spec spells it), never the other', {
    tags: ['ALG-014'],
  }, async ({ target }) => {
    const { exchange } = await exchangeOf(target, () => target.api.GET(path, { params: { query: { page_size: 5 } } }));
    assertConforms(checkStatus('ALG-014', exchange, 200));
    assertConforms(entriesUnderListField('ALG-014', exchange, target.profile.authLogs.listField));
  });

  test("a status outside the enum, including the docs' own label Failure, is rejected with 400 and an ErrorInfo body", {
    tags: ['ALG-010'],
  }, async ({ target }) => {
    for (const values of [['Failure'], ['failure'], ['FAILURE'], ['Initiate'], ['SUCCESS', 'Failure']]) {
      const { exchange } = await exchangeOf(target, () =>
        target.api.GET(path, { params: { query: { status: asStatuses(values) } } }),
      );
      assertConforms(
        checkStatus('ALG-010', exchange, 400) ?? checkErrorInfo('ALG-010', exchange, target.schemas, authLogOperation),
      );
    }
  });

  test('any generated status word that is not an enum value in some letter case is rejected with 400', {
    tags: ['ALG-010'],
  }, async ({ target }) => {
    const enumValues = new Set<string>(authLogStatuses);
    const word = fc.stringMatching(/^[A-Za-z_]{1,12}$/).filter((w) => !enumValues.has(w.toUpperCase()));
    await assertProperty(
      fc.asyncProperty(word, async (value) => {
        const { exchange } = await exchangeOf(target, () =>
          target.api.GET(path, { params: { query: { status: asStatuses([value]) } } }),
        );
        conformsOrThrow(
          checkStatus('ALG-010', exchange, 400) ??
            checkErrorInfo('ALG-010', exchange, target.schemas, authLogOperation),
        );
      }),
      { numRuns: 15 },
    );
  });

  test('a request without an Authorization header is rejected with 401 and an ErrorInfo body', {
    tags: ['ALG-012'],
  }, async ({ target }) => {
    const { exchange } = await exchangeOf(target, () =>
      target.anonymous.GET(path, { params: { query: { page_size: 1 } } }),
    );
    assertConforms(
      checkStatus('ALG-012', exchange, 401) ?? checkErrorInfo('ALG-012', exchange, target.schemas, authLogOperation),
    );
  });

  test('a request with a bearer token the target never issued is rejected with 401', { tags: ['ALG-012'] }, async ({
    target,
  }) => {
    const forged = `forged-${target.faker.string.alphanumeric(32)}`;
    const { exchange } = await exchangeOf(target, () =>
      target.withBearer(forged).GET(path, { params: { query: { page_size: 1 } } }),
    );
    assertConforms(
      checkStatus('ALG-012', exchange, 401) ?? checkErrorInfo('ALG-012', exchange, target.schemas, authLogOperation),
    );
  });
});
