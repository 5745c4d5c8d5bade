// Reports of the shards of one run (`run --shard K/N`), built as a shard builds its own, for the merge's tests.

import { aggregateRules, summarise } from '../../src/reporters/aggregate.js';
import type { RunReport, TestOutcome } from '../../src/reporters/model.js';
import { otherShardNote } from '../../src/reporters/vitest-collector.js';
import { catalogue } from '../../src/rules/catalogue.js';
import { toolName, toolVersion } from '../../src/version.js';
import { testOutcome } from './outcomes.js';

// Shard reports built as a shard builds its own: the tests of its files with their outcomes, every other shard's test
// skipped with the shard note, and the rules aggregated from that list.

export const outcome = (
  file: string,
  name: string,
  state: TestOutcome['state'],
  rules: string[],
  extra: Partial<TestOutcome> = {},
): TestOutcome => testOutcome(`${file} > ${name}`, state, rules, { file, ...extra });

/** As another shard lists a test it did not run. */
export const notRunHere = (test: TestOutcome, note: string): TestOutcome => ({
  name: test.name,
  fullName: test.fullName,
  file: test.file,
  state: 'skipped',
  rules: test.rules,
  durationMs: 0,
  failures: [],
  drift: [],
  message: note,
});

/**
 * Shard `index` of `count`: `own` are the tests of its files (as they ran), `others` the tests of the other shards'
 * files, which it lists with the shard note.
 */
export function shardReport(
  index: number,
  count: number,
  own: TestOutcome[],
  others: TestOutcome[],
  extra: Partial<RunReport> = {},
): RunReport {
  const tests = [...own, ...others.map((t) => notRunHere(t, otherShardNote({ index, count })))];
  const rules = aggregateRules(catalogue, tests);
  return {
    tool: { name: toolName, version: toolVersion },
    target: 'https://staging.example.test',
    spec: { origin: 'pinned', sha256: 'a'.repeat(64) },
    seed: 7,
    only: [],
    exclude: [],
    startedAt: '2026-05-21T10:00:00.000Z',
    durationMs: 1000,
    summary: summarise(rules, tests),
    rules,
    tests,
    errors: [],
    drift: own.flatMap((t) => t.drift),
    operations: {},
    shard: { index, count },
    ...extra,
  };
}
