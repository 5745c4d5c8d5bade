import { describe, expect, it } from 'vitest';
import type { Failure } from '../../src/checks/failure.js';
import { aggregateRules, deselectOutside, hasMustFailure, summarise } from '../../src/reporters/aggregate.js';
import { renderJunit } from '../../src/reporters/junit.js';
import type { RunReport, TestOutcome } from '../../src/reporters/model.js';
import type { Rule } from '../../src/rules/types.js';
import { testOutcome } from '../support/outcomes.js';

const rule = (id: string, force: Rule['force'], area: Rule['area'], statement: string): Rule => ({
  id,
  force,
  area,
  statement,
  via: ['api'],
  sources: [{ kind: 'docs', page: 'auth-logs' }],
});

const catalogue: Rule[] = [
  rule('ALG-007', 'MUST', 'auth-logs', 'filters narrow the list'),
  rule('TOK-005', 'MUST', 'token-auth', 'a token is issued for valid credentials'),
  rule('ALG-013', 'SHOULD', 'auth-logs', 'the list is ordered most recent first'),
  rule('ALG-020', 'SHOULD', 'auth-logs', 'the total size counts every match'),
];

const outcome = (
  name: string,
  state: TestOutcome['state'],
  rules: string[],
  extra: Partial<TestOutcome> = {},
): TestOutcome => testOutcome(`suite > ${name}`, state, rules, extra);

const f007: Failure = { rule: 'ALG-007', title: 'status filter', expected: 'only FAILED', received: 'SUCCESS' };
const f013: Failure = { rule: 'ALG-013', title: 'order', expected: 'newest first', received: 'oldest first' };

const tests: TestOutcome[] = [
  outcome('filters pass', 'passed', ['ALG-007']),
  outcome('filters and order fail', 'failed', ['ALG-007', 'ALG-013'], { failures: [f007, f013] }),
  outcome('token issued', 'passed', ['TOK-005']),
  outcome('token live only', 'skipped', ['TOK-005'], { message: 'needs a live target' }),
];

describe('rules with no test', () => {
  it('are uncovered, except dashboard-only rules, which are skipped as not checkable through the API', () => {
    const dashboardOnly: Rule = {
      ...rule('TPL-001', 'MUST', 'email-templates', 'templates are edited in the dashboard'),
      via: ['dashboard'],
    };
    const mixed: Rule = {
      ...rule('TPL-003', 'MUST', 'email-templates', 'both bodies are sent'),
      via: ['dashboard', 'receiver'],
    };
    const [first, second] = aggregateRules([dashboardOnly, mixed], []);
    expect(first).toMatchObject({
      status: 'skipped',
      reason: 'not checkable through the API: dashboard-only configuration',
    });
    expect(second).toMatchObject({ status: 'uncovered', reason: 'no test cites this rule yet' });
  });
});

describe('aggregateRules', () => {
  const rules = aggregateRules(catalogue, tests);
  const byId = (id: string) => rules.find((r) => r.id === id);

  it('keeps catalogue order and one outcome per rule', () => {
    expect(rules.map((r) => [r.id, r.status])).toEqual([
      ['ALG-007', 'failed'],
      ['TOK-005', 'passed'],
      ['ALG-013', 'failed'],
      ['ALG-020', 'uncovered'],
    ]);
  });

  it('fails a rule when any citing test failed, carrying only the failures for that rule', () => {
    expect(byId('ALG-007')?.failures).toEqual([f007]);
    expect(byId('ALG-013')?.failures).toEqual([f013]);
    expect(byId('ALG-007')?.tests).toEqual([
      { name: 'suite > filters pass', file: 'suites/auth-logs/list.test.ts', state: 'passed' },
      { name: 'suite > filters and order fail', file: 'suites/auth-logs/list.test.ts', state: 'failed' },
    ]);
  });

  it('passes a rule when every citing test that ran passed, even if another was skipped', () => {
    const tok = byId('TOK-005');
    expect(tok?.status).toBe('passed');
    expect(tok?.failures).toBeUndefined();
    expect(tok?.reason).toBeUndefined();
  });

  it('marks a rule uncovered when no test cites it', () => {
    expect(byId('ALG-020')).toMatchObject({ status: 'uncovered', reason: 'no test cites this rule yet', tests: [] });
  });

  it('skips a rule when every citing test was skipped, with the distinct reasons joined', () => {
    const [skipped] = aggregateRules(
      [catalogue[0] as Rule],
      [
        outcome('a', 'skipped', ['ALG-007'], { message: 'needs a live target' }),
        outcome('b', 'skipped', ['ALG-007'], { message: 'needs a live target' }),
        outcome('c', 'skipped', ['ALG-007'], { message: 'profile turns it off' }),
        outcome('d', 'skipped', ['ALG-007']),
      ],
    );
    expect(skipped?.status).toBe('skipped');
    expect(skipped?.reason).toBe('needs a live target; profile turns it off; skipped');
  });

  it('keeps every failure of a failed test that has none for the rule', () => {
    const [outcomeOf] = aggregateRules(
      [catalogue[1] as Rule],
      [outcome('mixed', 'failed', ['TOK-005'], { failures: [f007] })],
    );
    expect(outcomeOf?.failures).toEqual([f007]);
  });

  it('turns a test that failed with an exception into one failure naming the test', () => {
    const [crashed] = aggregateRules(
      [catalogue[0] as Rule],
      [outcome('crashed', 'failed', ['ALG-007'], { message: 'TypeError: x is undefined' })],
    );
    expect(crashed?.failures).toEqual([
      {
        rule: 'ALG-007',
        title: 'suite > crashed',
        expected: 'the test to pass',
        received: 'TypeError: x is undefined',
      },
    ]);
  });
});

describe('summarise and hasMustFailure', () => {
  it('counts rules by status, failed non-MUST rules as warnings, and tests by state', () => {
    const rules = aggregateRules(catalogue, tests);
    expect(summarise(rules, tests)).toEqual({
      completed: true,
      passed: 1,
      failed: 2,
      errored: 0,
      skipped: 0,
      uncovered: 1,
      warnings: 1,
      diagnostics: 0,
      tests: { passed: 2, failed: 1, errored: 0, skipped: 1 },
    });
    expect(hasMustFailure(rules)).toBe(true);
  });

  it('does not fail the run when only a SHOULD rule failed', () => {
    const onlyShould = [
      outcome('filters pass', 'passed', ['ALG-007', 'TOK-005']),
      outcome('order fails', 'failed', ['ALG-013'], { failures: [f013] }),
    ];
    const rules = aggregateRules(catalogue, onlyShould);
    expect(hasMustFailure(rules)).toBe(false);
    expect(summarise(rules, onlyShould)).toMatchObject({ passed: 2, failed: 1, warnings: 1, uncovered: 1 });
  });
});

/** A run report over these test outcomes, as the CLI builds it. */
function reportOf(tests: TestOutcome[], durationMs = 1): RunReport {
  const rules = aggregateRules(catalogue, tests);
  return {
    tool: { name: 'scalekit-conformance', version: '0.1.0' },
    target: 'mock',
    spec: { origin: 'test', sha256: 'a'.repeat(64) },
    seed: 1,
    only: [],
    exclude: [],
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs,
    summary: summarise(rules, tests),
    rules,
    tests,
    errors: [],
    drift: [],
  };
}

describe('errored tests and diagnostics', () => {
  const hang = {
    kind: 'transport' as const,
    cause: 'did not answer within 10000 ms',
    request: 'GET http://t/api/v1/x',
  };
  const hook = { kind: 'hook' as const, cause: 'control hook clock answered 500: boom', hook: 'clock' };
  const named: Failure = { rule: 'ALG-007', title: 'rules named', expected: 'RDR-010', received: 'RDR-010, RDR-014' };

  it('makes a rule errored when a test got no answer and none failed, and failed when another test failed', () => {
    const rules = aggregateRules(catalogue, [
      outcome('a filter', 'passed', ['ALG-007']),
      outcome('a filter that hung', 'errored', ['ALG-007'], { errored: hang, message: 'GET http://t/api/v1/x: hung' }),
      outcome('order errored', 'errored', ['ALG-013'], { errored: hook }),
      outcome('order failed', 'failed', ['ALG-013'], { failures: [f013] }),
    ]);
    const alg007 = rules.find((r) => r.id === 'ALG-007');
    expect(alg007).toMatchObject({ status: 'errored', errors: [{ test: 'suite > a filter that hung', ...hang }] });
    expect(rules.find((r) => r.id === 'ALG-013')?.status).toBe('failed');
    expect(hasMustFailure(rules)).toBe(false);
  });

  it('keeps diagnostics under a passed rule without changing its verdict, and counts them', () => {
    const tests = [outcome('a refusal', 'passed', ['ALG-007'], { diagnostics: [named] })];
    const rules = aggregateRules(catalogue, tests);
    expect(rules.find((r) => r.id === 'ALG-007')).toMatchObject({ status: 'passed', diagnostics: [named] });
    expect(summarise(rules, tests)).toMatchObject({ passed: 1, failed: 0, errored: 0, diagnostics: 1 });
  });

  it('writes an errored rule as a JUnit <error> and a diagnostic as output of a passing case', () => {
    const tests = [
      outcome('a filter that hung', 'errored', ['ALG-007'], { errored: hang }),
      outcome('order passes', 'passed', ['ALG-013'], { diagnostics: [{ ...named, rule: 'ALG-013' }] }),
    ];
    const xml = renderJunit(reportOf(tests));
    expect(xml).toMatch(/<testsuite name="auth-logs" tests="2" failures="0" errors="1" skipped="0"[ >]/);
    expect(xml).toMatch(
      /<error message="ALG-007: no verdict: [^"]*">suite &gt; a filter that hung\n {2}GET http:\/\/t/,
    );
    expect(xml).toContain('<system-out>warning: ALG-013 rules named: expected RDR-010 but got RDR-010, RDR-014');
    expect(xml).not.toContain('<failure');
  });
});

describe('deselectOutside', () => {
  it('marks the rules outside --only or inside --exclude that no test judged, and keeps every verdict a test gave', () => {
    const tests = [outcome('a filter fails', 'failed', ['ALG-007', 'TOK-005'], { failures: [f007] })];
    const rules = deselectOutside({ only: ['ALG-*'], exclude: ['ALG-013'] }, aggregateRules(catalogue, tests));
    const byId = (id: string) => rules.find((r) => r.id === id);
    expect(byId('ALG-007')).toMatchObject({ status: 'failed' });
    expect(byId('ALG-007')?.deselected).toBeUndefined();
    // Outside --only, but judged by a selected test: its verdict stays.
    expect(byId('TOK-005')).toMatchObject({ status: 'failed' });
    expect(byId('TOK-005')?.deselected).toBeUndefined();
    expect(byId('ALG-013')).toMatchObject({ deselected: true });
    expect(byId('ALG-020')?.deselected).toBeUndefined();
    expect(summarise(rules, tests).deselected).toBe(rules.filter((r) => r.deselected).length);
    expect(deselectOutside({ only: [], exclude: [] }, aggregateRules(catalogue, tests)).some((r) => r.deselected)).toBe(
      false,
    );
  });
});
