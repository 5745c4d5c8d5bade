import { describe, expect, it } from 'vitest';
import type { DriftFinding } from '../../src/checks/drift.js';
import type { Failure } from '../../src/checks/failure.js';
import { aggregateRules, summarise } from '../../src/reporters/aggregate.js';
import { mergeReports } from '../../src/reporters/merge.js';
import type { RunReport, TestOutcome } from '../../src/reporters/model.js';
import { notSelectedNote } from '../../src/reporters/vitest-collector.js';
import { catalogue } from '../../src/rules/catalogue.js';
import { toolName } from '../../src/version.js';
import { outcome, shardReport } from '../support/shard-reports.js';
import { userErrorOf } from '../support/user-error.js';

const f007: Failure = { rule: 'ALG-007', title: 'status filter', expected: 'only FAILED', received: 'SUCCESS' };
const drift = (status: number): DriftFinding => ({
  kind: 'undeclared-status',
  rule: 'ALG-007',
  operation: 'GET /api/v1/logs/authentication/requests',
  status,
  detail: `status ${status}`,
});

const listFile = 'suites/auth-logs/list.test.ts';
const tokenFile = 'suites/token-auth/token.test.ts';
// ALG-007 is cited in both files: it passes in shard 1 and fails in shard 2.
const shard1Tests = [
  outcome(listFile, 'filters pass', 'passed', ['ALG-007'], { drift: [drift(418)] }),
  outcome(listFile, 'newest first', 'passed', ['ALG-013']),
  outcome(listFile, 'live only', 'skipped', ['ALG-020'], { message: 'needs a live target' }),
];
const shard2Tests = [
  outcome(tokenFile, 'filter on the token list', 'failed', ['ALG-007'], {
    failures: [f007],
    drift: [drift(418), drift(499)],
  }),
  outcome(tokenFile, 'token issued', 'passed', ['TOK-005']),
];
const allTests = [...shard1Tests, ...shard2Tests];
const shard1 = shardReport(1, 2, shard1Tests, shard2Tests);
const shard2 = shardReport(2, 2, shard2Tests, shard1Tests);
const statusOf = (report: RunReport, id: string) => report.rules.find((r) => r.id === id)?.status;

describe('mergeReports of two shards', () => {
  const merged = mergeReports([shard1, shard2]);

  it('judges a rule on the tests of every shard: passed in one, failed in the other, failed merged', () => {
    expect(statusOf(shard1, 'ALG-007')).toBe('passed');
    expect(statusOf(shard2, 'ALG-007')).toBe('failed');
    const rule = merged.rules.find((r) => r.id === 'ALG-007');
    expect(rule?.status).toBe('failed');
    expect(rule?.failures).toEqual([f007]);
    expect(rule?.tests.map((t) => [t.name, t.state])).toEqual([
      [`${listFile} > filters pass`, 'passed'],
      [`${tokenFile} > filter on the token list`, 'failed'],
    ]);
  });

  it('judges a rule only one shard ran as that shard did, no longer left out by the selection', () => {
    expect(shard1.rules.find((r) => r.id === 'TOK-005')?.deselected).toBe(true);
    expect(merged.rules.find((r) => r.id === 'TOK-005')).toMatchObject({ status: 'passed' });
    expect(merged.rules.some((r) => r.deselected)).toBe(false);
    expect(merged.summary.deselected).toBeUndefined();
  });

  it('gives every rule and the summary exactly what aggregating all the tests in one run gives', () => {
    const direct = aggregateRules(catalogue, allTests);
    expect(merged.rules.map((r) => r.id)).toEqual(direct.map((r) => r.id));
    for (const [i, rule] of merged.rules.entries()) expect(rule, rule.id).toEqual(direct[i]);
    expect(merged.summary).toEqual(summarise(direct, allTests));
    expect(merged.summary).toMatchObject({ failed: 1, tests: { passed: 3, failed: 1, skipped: 1 } });
  });

  it('lists every test once, as the shard that ran it saw it, and is no shard report', () => {
    expect(merged.tests).toEqual(allTests);
    expect(merged.shard).toBeUndefined();
    expect(JSON.stringify(merged)).not.toContain('in another shard');
  });

  it("leaves out, as the run does, the rules outside the shards' --only that no test judged", () => {
    const only = { only: ['ALG-*'] };
    const selected = mergeReports([
      shardReport(1, 2, shard1Tests, shard2Tests, only),
      shardReport(2, 2, shard2Tests, shard1Tests, only),
    ]);
    const outside = selected.rules.filter((r) => !r.id.startsWith('ALG-') && r.tests.length === 0);
    expect(outside.length).toBeGreaterThan(0);
    expect(outside.every((r) => r.deselected)).toBe(true);
    expect(selected.rules.find((r) => r.id === 'TOK-005')).toMatchObject({ status: 'passed' });
    expect(selected.summary.deselected).toBe(outside.length);
  });

  it('does not depend on the order the reports are given in', () => {
    expect(mergeReports([shard2, shard1])).toEqual(merged);
  });

  it('keeps each drift observation once', () => {
    expect(merged.drift).toEqual([drift(418), drift(499)]);
  });
});

describe('the run-wide fields of a merged report', () => {
  const op = 'GET /api/v1/organizations';
  const a = shardReport(1, 2, shard1Tests, shard2Tests, {
    startedAt: '2026-05-21T10:00:05.000Z',
    durationMs: 900,
    operations: { [op]: [404, 200], 'DELETE /api/v1/users/{id}': [204] },
    errors: ['suites/a.test.ts failed to load: boom'],
    maxFailures: { limit: 3, reached: false, notRun: 0 },
    targetSettings: { restored: ['session policy'], notRestored: [] },
  });
  const b = shardReport(2, 2, shard2Tests, shard1Tests, {
    startedAt: '2026-05-21T10:00:01.000Z',
    durationMs: 1500,
    operations: { [op]: [200, 401] },
    errors: ['unhandled error: late'],
    maxFailures: { limit: 3, reached: true, notRun: 4 },
    stopped: { afterRequests: 20, at: '2026-05-21T10:00:20.000Z', cause: 'connection refused' },
    replayVariables: 'Replay lines use …',
  });
  const merged = mergeReports([a, b]);

  it('starts with the earliest shard and lasts as long as the longest one (they run side by side)', () => {
    expect(merged.startedAt).toBe('2026-05-21T10:00:01.000Z');
    expect(merged.durationMs).toBe(1500);
  });

  it('unites the statuses per operation, sorted, and names each error’s shard', () => {
    expect(merged.operations).toEqual({ 'DELETE /api/v1/users/{id}': [204], [op]: [200, 401, 404] });
    expect(merged.errors).toEqual([
      'shard 1/2: suites/a.test.ts failed to load: boom',
      'shard 2/2: unhandled error: late',
    ]);
  });

  it('combines --max-failures, keeps the first stop and replay note, and the one shard’s target settings', () => {
    expect(merged.maxFailures).toEqual({ limit: 3, reached: true, notRun: 4 });
    expect(merged.stopped).toEqual(b.stopped);
    expect(merged.replayVariables).toBe('Replay lines use …');
    expect(merged.targetSettings).toEqual(a.targetSettings);
  });

  it('leaves out the target settings when more than one shard reports them: none says how the target was left', () => {
    const both = mergeReports([a, { ...b, targetSettings: { restored: [], notRestored: [] } }]);
    expect(both.targetSettings).toBeUndefined();
    expect(both).not.toHaveProperty('targetSettings');
  });

  it('accepts embedded mocks served on a port per shard', () => {
    const mockA = { ...shard1, target: 'embedded mock (http://127.0.0.1:40001)' };
    const mockB = { ...shard2, target: 'embedded mock (http://127.0.0.1:40002)' };
    expect(mergeReports([mockA, mockB]).target).toBe('embedded mock (one per shard)');
    const faulty = { ...mockB, target: 'embedded mock (http://127.0.0.1:40002) with fault(s) ALG-007-ignore-status' };
    expect(userErrorOf(() => mergeReports([mockA, faulty])).message).toContain('target');
  });
});

describe('a test no shard ran', () => {
  it('keeps the selection note of the run (--only), not the shard note', () => {
    const token = outcome(tokenFile, 'token issued', 'skipped', ['TOK-005'], { message: notSelectedNote });
    const only = { only: ['ALG-*'] };
    const a = shardReport(1, 2, shard1Tests, [token], only);
    const b = shardReport(2, 2, [token], shard1Tests, only);
    const merged = mergeReports([a, b]);
    expect(merged.tests).toEqual([...shard1Tests, token]);
    expect(merged.rules.find((r) => r.id === 'TOK-005')?.reason).toBe(notSelectedNote);
  });

  it('is dropped when only other shards list it: its own shard did not (its file failed to load there)', () => {
    const lost = outcome(tokenFile, 'never loaded', 'passed', ['TOK-005']);
    const a = shardReport(1, 2, shard1Tests, [lost]);
    const b = shardReport(2, 2, [], shard1Tests, { errors: [`${tokenFile} failed to load: SyntaxError`] });
    const merged = mergeReports([a, b]);
    expect(merged.tests).toEqual(shard1Tests);
    expect(merged.errors).toEqual([`shard 2/2: ${tokenFile} failed to load: SyntaxError`]);
  });
});

describe('expectations', () => {
  it('are not carried over: each shard applied them to its own part', () => {
    const expectation = { match: 'ALG-007', outcome: 'fail' as const, reason: 'known bug', met: false };
    const expectations = {
      file: 'expected.json',
      expectedFailures: [],
      unexpectedPasses: ['ALG-007'],
      expired: [],
      unmatched: [],
      strict: false,
    };
    const a = shardReport(1, 2, shard1Tests, shard2Tests, { expectations });
    a.rules = a.rules.map((r) => (r.id === 'ALG-007' ? { ...r, expectation } : r));
    a.tests = a.tests.map((t, i) => (i === 0 ? { ...t, expectation } : t));
    a.summary = { ...a.summary, expectedFailures: 0, unexpectedPasses: 1 };
    const merged = mergeReports([a, shard2]);
    expect(merged.expectations).toBeUndefined();
    expect(merged.summary.unexpectedPasses).toBeUndefined();
    expect(merged.rules.find((r) => r.id === 'ALG-007')).not.toHaveProperty('expectation');
    expect(merged.tests[0]).not.toHaveProperty('expectation');
    expect(merged.tests).toEqual(allTests);
  });
});

describe('reports that do not merge', () => {
  it('shards of another run: a different seed', () => {
    const error = userErrorOf(() => mergeReports([shard1, { ...shard2, seed: 8 }], ['a.json', 'b.json']));
    expect(error.message).toBe('b.json and a.json are not shards of one run: seed 8 and 7');
  });

  it('another --only, spec, shard count or tool version', () => {
    const variants: [Partial<RunReport>, string][] = [
      [{ only: ['ALG-*'] }, '--only'],
      [{ spec: { origin: 'pinned', sha256: 'b'.repeat(64) } }, 'spec sha256'],
      [{ tool: { name: toolName, version: '9.9.9' } }, 'tool'],
    ];
    for (const [change, what] of variants) {
      expect(userErrorOf(() => mergeReports([shard1, { ...shard2, ...change }])).message).toContain(`: ${what} `);
    }
    const threeShards = { ...shard2, shard: { index: 2, count: 3 } };
    expect(userErrorOf(() => mergeReports([shard1, threeShards])).message).toContain(': shard count 3 and 2');
  });

  it('a missing shard, named', () => {
    const error = userErrorOf(() => mergeReports([shard1]));
    expect(error.message).toBe('shard 2/2 is missing: the merged report would lack its tests');
  });

  it('two reports of one shard', () => {
    const error = userErrorOf(() => mergeReports([shard1, shard2, shard1], ['a.json', 'b.json', 'c.json']));
    expect(error.message).toBe('a.json and c.json are both shard 1/2');
  });

  it('a shard index outside 1..N', () => {
    const error = userErrorOf(() => mergeReports([shard1, { ...shard2, shard: { index: 3, count: 2 } }]));
    expect(error.message).toBe('report 2 names no shard of 2: shard 3/2');
  });

  it('overlapping shards: a test run by two of them', () => {
    const overlapping = shardReport(2, 2, [...shard2Tests, shard1Tests[0] as TestOutcome], shard1Tests.slice(1));
    const error = userErrorOf(() => mergeReports([shard1, overlapping], ['a.json', 'b.json']));
    expect(error.message).toBe(
      `"${listFile} > filters pass" (${listFile}) was run by both shard 1/2 (a.json) and shard 2/2 (b.json): the shards overlap`,
    );
  });

  it('a report of a run that did not complete, with its reason', () => {
    const incomplete: RunReport = {
      ...shard2,
      summary: { ...shard2.summary, completed: false },
      rules: [],
      tests: [],
      incomplete: 'interrupted by SIGINT',
    };
    const { shard: _, ...withoutShard } = incomplete;
    for (const report of [incomplete, withoutShard]) {
      const error = userErrorOf(() => mergeReports([shard1, report], ['a.json', 'b.json']));
      expect(error.message).toBe('b.json is the report of a run that did not complete (interrupted by SIGINT)');
    }
  });

  it('a report that is no shard report', () => {
    const { shard: _, ...unsharded } = shard2;
    const error = userErrorOf(() => mergeReports([shard1, unsharded], ['a.json', 'all.json']));
    expect(error.message).toBe('all.json is not a shard report (run --shard K/N)');
  });

  it('a report written with another rule catalogue', () => {
    const older = { ...shard2, rules: shard2.rules.slice(1) };
    expect(userErrorOf(() => mergeReports([shard1, older])).message).toContain('another rule catalogue');
  });

  it('no report at all', () => {
    expect(userErrorOf(() => mergeReports([])).message).toBe('there is no report to merge');
  });
});
