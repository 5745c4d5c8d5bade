// Seeded properties for GET /api/v1/logs/authentication/requests (ALG-007, ALG-020): generated entry sets are
// seeded through the auth-requests hook, and for generated filter combinations the server's answer across all
// pages is the model's (src/oracles/auth-log-filter.ts, with the open points from the profile, G-17).
import fc from 'fast-check';
import { describe } from 'vitest';
import {
  authLogQuery,
  describeItems,
  generatedEntrySet,
  generatedFilter,
  materialise,
  scopedFilter,
  walkAuthLogPages,
} from '../../fixtures/builders/auth-log-entries.js';
import { failure } from '../../src/checks/failure.js';
import { checkStatus } from '../../src/checks/http.js';
import { assertProperty, conformsOrThrow, exchangeOf, requireHook, test } from '../../src/harness/index.js';
import { applyAuthLogFilter, filterProblem } from '../../src/oracles/auth-log-filter.js';

describe('GET /api/v1/logs/authentication/requests on generated, seeded entries', () => {
  test('for generated filter combinations the answer across all pages is exactly what the model selects', {
    tags: ['ALG-007', 'ALG-020'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'auth-requests', skip);
    const settings = target.profile.authLogs;
    let run = 0;
    await assertProperty(
      fc.asyncProperty(
        generatedEntrySet,
        fc.array(generatedFilter, { minLength: 2, maxLength: 3 }),
        async (set, filters) => {
          // A fresh scope per run: the entries of earlier runs (and shrinking) never match this run's filters.
          run += 1;
          const scope = `${target.runTag}p${run}`;
          const { entries, pools } = materialise(set, scope, Date.now() - 60_000);
          const seeded = await target.hooks.seedAuthRequests(entries);
          for (const generated of filters) {
            const filter = scopedFilter(generated, pools, pools.clientIds[0] ?? '');
            const query = authLogQuery(filter, 3);
            const refusal = filterProblem(filter, settings);
            if (refusal) {
              const { exchange } = await exchangeOf(target, () =>
                target.api.GET('/api/v1/logs/authentication/requests', { params: { query } }),
              );
              conformsOrThrow(checkStatus('ALG-007', exchange, 400));
              continue;
            }
            const expected = applyAuthLogFilter(seeded, filter, settings);
            const { pages, problem } = await walkAuthLogPages(target, query, 'ALG-007');
            conformsOrThrow(problem);
            const got = pages.flatMap((p) => p.items);
            const expectedIds = new Set(expected.map((e) => e.auth_request_id));
            const gotIds = new Set(got.map((i) => i.auth_request_id ?? ''));
            const missing = expected.filter((e) => !gotIds.has(e.auth_request_id));
            const extra = got.filter((i) => !expectedIds.has(i.auth_request_id ?? ''));
            conformsOrThrow(
              missing.length + extra.length === 0 && got.length === expected.length
                ? undefined
                : failure(
                    extra.some((i) => i.client_id !== filter.clientId || (filter.email && i.email !== filter.email))
                      ? 'ALG-020'
                      : 'ALG-007',
                    'filtered result set across pages',
                    `${expected.length} entries selected by ${JSON.stringify(query)}`,
                    `${got.length} entries (${missing.length} missing, ${extra.length} not selected)`,
                    pages.at(-1)?.exchange,
                    [
                      `filter: ${JSON.stringify(query)}`,
                      ...missing.slice(0, 5).map((e) => `missing: ${JSON.stringify(e)}`),
                      ...describeItems(extra).map((line) => `not selected: ${line}`),
                    ],
                  ),
            );
          }
        },
      ),
      { numRuns: 6 },
    );
  });
});
