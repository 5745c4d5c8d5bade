// GET /api/v1/logs/authentication/requests (AuditLogsService_ListAuthRequests): filters, status vocabulary and
// authentication. Rule IDs are vitest tags; `scalekit-conformance run --only 'ALG-*'` selects them.
import fc from 'fast-check';
import { describe } from 'vitest';
import { authLogItemsOf, buildAuthLogFixture } from '../../fixtures/builders/auth-log-entries.js';
import type { paths } from '../../generated/openapi.js';
import { failure } from '../../src/checks/failure.js';
import { checkErrorInfo, checkResponseSchema, checkStatus, parseJsonBody } from '../../src/checks/http.js';
import {
  assertConforms,
  assertProperty,
  conformsOrThrow,
  exchangeOf,
  requireHook,
  type Target,
  test,
} from '../../src/harness/index.js';
import {
  type AuthLogFilter,
  applyAuthLogFilter,
  authLogStatuses,
  matchesFilter,
} from '../../src/oracles/auth-log-filter.js';

const path = '/api/v1/logs/authentication/requests';
const operation = { path, method: 'get' } as const;
type Query = NonNullable<paths[typeof path]['get']['parameters']['query']>;
type Item = NonNullable<
  paths[typeof path]['get']['responses'][200]['content']['application/json']['authRequests']
>[number];

/** Deliberately outside the enum: the status parameter's type forbids them, so they go through a cast. */
const asStatuses = (values: string[]) => values as unknown as Query['status'];

function toQuery(filter: AuthLogFilter, pageSize: number): Query {
  return {
    page_size: pageSize,
    ...(filter.statuses ? { status: asStatuses([...filter.statuses]) } : {}),
    ...(filter.email !== undefined ? { email: filter.email } : {}),
    ...(filter.clientId !== undefined ? { client_id: filter.clientId } : {}),
    ...(filter.resourceId !== undefined ? { resource_id: filter.resourceId } : {}),
    ...(filter.startTime !== undefined ? { start_time: new Date(filter.startTime).toISOString() } : {}),
    ...(filter.endTime !== undefined ? { end_time: new Date(filter.endTime).toISOString() } : {}),
  };
}

/** Every item for a filter, following next_page_token (bounded, so a server that loops cannot hang the run). */
async function listAll(target: Target, filter: AuthLogFilter, pageSize = 5) {
  const items: Item[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < 40; page += 1) {
    const query = { ...toQuery(filter, pageSize), ...(pageToken ? { page_token: pageToken } : {}) };
    const result = await exchangeOf(target, () => target.api.GET(path, { params: { query } }));
    const problem =
      checkStatus('ALG-007', result.exchange, 200) ??
      checkResponseSchema('ALG-007', result.exchange, target.schemas, operation);
    if (problem) return { items, problem, exchange: result.exchange };
    items.push(...authLogItemsOf(target, result.data));
    pageToken = result.data?.next_page_token || undefined;
    if (!pageToken) return { items, problem: undefined, exchange: result.exchange };
  }
  const last = target.exchanges.at(-1);
  return {
    items,
    problem: failure('ALG-007', 'pagination ends', 'a last page within 40 pages', 'a next_page_token on page 40', last),
    exchange: last,
  };
}

describe('GET /api/v1/logs/authentication/requests', () => {
  test('typed filters are sent as the spec describes (status as repeated form parameters) and accepted', {
    tags: ['ALG-007'],
  }, async ({ target }) => {
    const query: Query = {
      page_size: 5,
      email: `${target.runTag}@example.test`,
      status: ['SUCCESS', 'FAILED'],
      start_time: '2026-01-01T00:00:00Z',
      end_time: '2026-12-31T23:59:59Z',
      resource_id: `res_${target.runTag}`,
      client_id: `skc_${target.runTag}`,
    };
    const { exchange } = await exchangeOf(target, () => target.api.GET(path, { params: { query } }));
    const sent = new URL(exchange.url).searchParams;
    const wire =
      sent.getAll('status').join(',') === 'SUCCESS,FAILED' &&
      sent.get('email') === query.email &&
      sent.get('client_id') === query.client_id &&
      sent.get('resource_id') === query.resource_id &&
      sent.get('start_time') === query.start_time &&
      sent.get('end_time') === query.end_time &&
      sent.get('page_size') === '5';
    assertConforms(
      wire
        ? undefined
        : failure(
            'ALG-007',
            'query serialisation',
            'status=SUCCESS&status=FAILED and every other filter once',
            exchange.url,
            exchange,
          ),
      checkStatus('ALG-007', exchange, 200),
    );
    assertConforms(checkResponseSchema('ALG-007', exchange, target.schemas, operation));
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
      const expected = new Set(applyAuthLogFilter(seeded, filter).map((e) => e.auth_request_id));
      const { items, problem } = await listAll(target, filter);
      assertConforms(problem);
      const got = new Set(items.map((i) => i.auth_request_id ?? ''));
      const missing = [...expected].filter((id) => !got.has(id));
      const extra = [...got].filter((id) => !expected.has(id));
      assertConforms(
        missing.length + extra.length === 0
          ? undefined
          : failure(
              'ALG-007',
              'filtered result set',
              `${expected.size} entries selected by ${JSON.stringify(toQuery(filter, 5))}`,
              `${got.size} entries`,
              target.exchanges.at(-1),
              [
                ...(missing.length ? [`missing: ${missing.slice(0, 5).join(', ')}`] : []),
                ...(extra.length ? [`not matching the filter: ${extra.slice(0, 5).join(', ')}`] : []),
              ],
            ),
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
    const pick = <K extends keyof Item>(key: K) => items.find((i) => i[key])?.[key];
    const filters: AuthLogFilter[] = [];
    for (const status of authLogStatuses)
      if (items.some((i) => i.status === status)) filters.push({ statuses: [status] });
    const email = pick('email');
    if (email) filters.push({ email });
    const clientId = pick('client_id');
    if (clientId) filters.push({ clientId });
    for (const filter of filters) {
      const result = await exchangeOf(target, () => target.api.GET(path, { params: { query: toQuery(filter, 50) } }));
      assertConforms(checkStatus('ALG-007', result.exchange, 200));
      const wrong = authLogItemsOf(target, result.data).filter((i) => !matchesFilter(i, filter));
      assertConforms(
        wrong.length === 0
          ? undefined
          : failure(
              'ALG-007',
              'filter honoured',
              `only items matching ${JSON.stringify(filter)}`,
              `${wrong.length} item(s) that do not match`,
              result.exchange,
              wrong.slice(0, 3).map((i) =>
                JSON.stringify({
                  auth_request_id: i.auth_request_id,
                  status: i.status,
                  email: i.email,
                  client_id: i.client_id,
                }),
              ),
            ),
      );
    }
  });

  test('the entries come in the list array the profile names (authRequests, as the spec spells it), never the other', {
    tags: ['ALG-014'],
  }, async ({ target }) => {
    const { exchange } = await exchangeOf(target, () => target.api.GET(path, { params: { query: { page_size: 5 } } }));
    assertConforms(checkStatus('ALG-014', exchange, 200));
    const parsed = parseJsonBody(exchange);
    const body = (parsed.ok && parsed.value && typeof parsed.value === 'object' ? parsed.value : {}) as object;
    const expected = target.profile.authLogs.listField;
    const other = expected === 'authRequests' ? 'auth_requests' : 'authRequests';
    // C-22: every other list of the API is snake_case, so a server may well answer auth_requests.
    assertConforms(
      other in body && !(expected in body)
        ? failure(
            'ALG-014',
            'list field (C-22)',
            `the entries under ${expected} (authLogs.listField)`,
            `the entries under ${other}; if that is your server's choice, set authLogs.listField to "${other}"`,
            exchange,
          )
        : undefined,
    );
  });

  test("a status outside the enum, including the docs' own label Failure, is rejected with 400 and an ErrorInfo body", {
    tags: ['ALG-010'],
  }, async ({ target }) => {
    for (const values of [['Failure'], ['failure'], ['FAILURE'], ['Initiate'], ['SUCCESS', 'Failure']]) {
      const { exchange } = await exchangeOf(target, () =>
        target.api.GET(path, { params: { query: { status: asStatuses(values) } } }),
      );
      assertConforms(
        checkStatus('ALG-010', exchange, 400) ?? checkErrorInfo('ALG-010', exchange, target.schemas, operation),
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
          checkStatus('ALG-010', exchange, 400) ?? checkErrorInfo('ALG-010', exchange, target.schemas, operation),
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
      checkStatus('ALG-012', exchange, 401) ?? checkErrorInfo('ALG-012', exchange, target.schemas, operation),
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
      checkStatus('ALG-012', exchange, 401) ?? checkErrorInfo('ALG-012', exchange, target.schemas, operation),
    );
  });
});
