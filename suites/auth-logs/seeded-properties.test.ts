// Seeded properties for GET /api/v1/logs/authentication/requests (ALG-007, ALG-020): generated entry sets are
// seeded through the auth-requests hook, and for generated filter combinations the server's answer across all
// pages is the model's (src/oracles/auth-log-filter.ts, with the open points from the profile, G-17).
import fc from 'fast-check';
import { describe } from 'vitest';
import {
  authLogQuery,
  generatedEntrySet,
  generatedFilter,
  materialise,
  scopedFilter,
  walkAuthLogPages,
} from '../../fixtures/builders/auth-log-entries.js';
import { generatedSelectionMatchesModel } from '../../src/checks/auth-logs.js';
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
            const rules = { selection: 'ALG-007', ignoredFilter: 'ALG-020' } as const;
            const exchange = pages.at(-1)?.exchange;
            conformsOrThrow(generatedSelectionMatchesModel(rules, filter, query, expected, got, exchange));
          }
        },
      ),
      { numRuns: 6 },
    );
  });
});
