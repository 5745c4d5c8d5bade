import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { summarise } from '../../src/reporters/aggregate.js';
import {
  applyExpectations,
  expectationsFromReport,
  failsRun,
  parseExpectations,
  readExpectations,
  todoReason,
} from '../../src/reporters/expectations.js';
import type { Expectation, RuleOutcome, RunReport, TestOutcome } from '../../src/reporters/model.js';
import { testOutcome } from '../support/outcomes.js';

// Reports are built by hand: a rule's status is given, not aggregated, so each case states exactly what it applies to.

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'skc-expectations-test-'));
  temps.push(dir);
  return dir;
}

const outcomeOf = (fullName: string, state: TestOutcome['state'], rules: string[]): TestOutcome =>
  testOutcome(fullName, state, rules, { durationMs: 1 });

function ruleOutcome(id: string, status: RuleOutcome['status'], extra: Partial<RuleOutcome> = {}): RuleOutcome {
  return {
    id,
    force: 'MUST',
    area: 'auth-logs',
    statement: `the statement of ${id}`,
    sources: [],
    status,
    tests: [],
    ...extra,
  };
}

/** A completed report of these rules and tests; each rule lists the tests citing it. */
function runReport(rules: RuleOutcome[], tests: TestOutcome[] = []): RunReport {
  return {
    tool: { name: 'scalekit-conformance', version: '0.1.0' },
    target: 'https://acme.scalekit.dev',
    spec: { origin: 'pinned', sha256: 'abc' },
    seed: 42,
    only: [],
    exclude: [],
    startedAt: '2026-05-20T10:00:00.000Z',
    durationMs: 1000,
    summary: summarise(rules, tests),
    rules: rules.map((rule) => ({
      ...rule,
      tests: tests
        .filter((test) => test.rules.includes(rule.id))
        .map((test) => ({ name: test.fullName, file: test.file, state: test.state })),
    })),
    tests,
    errors: [],
    drift: [],
  };
}

const fail = (match: string, extra: Partial<Expectation> = {}): Expectation => ({
  match,
  outcome: 'fail',
  reason: `known: ${match}`,
  ...extra,
});
const skip = (match: string): Expectation => ({ match, outcome: 'skip', reason: `skipped: ${match}` });

const today = '2026-05-21';
const apply = (report: RunReport, entries: Expectation[], strict = false) =>
  applyExpectations(report, entries, { file: 'known.yaml', strict, today });
const ruleOf = (report: RunReport, id: string) => {
  const found = report.rules.find((rule) => rule.id === id);
  if (!found) throw new Error(`no rule ${id} in the report`);
  return found;
};

/** The UserError `run` throws, or a failed assertion when it throws nothing or something else. */
function userError(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError, got none');
}
const parseError = (text: string, file = 'known.yaml') => userError(() => parseExpectations(text, file));

describe('readExpectations', () => {
  it('reads the canonical YAML list, with comments, links and until days', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'known.yaml'),
      [
        '# scalekit-conformance expectations',
        '- match: ALG-010            # a rule ID',
        '  outcome: fail',
        '  reason: "our filter ignores end_time until PLAT-123 ships"',
        '  link: https://tracker.example/PLAT-123',
        '  until: 2027-03-01',
        '- match: ALG-01?',
        '  outcome: skip',
        '  reason: not on our plan',
        '- match: "GET /api/v1/logs > a request without a token: 401"',
        '  outcome: fail',
        '  reason: PLAT-9',
      ].join('\n'),
    );
    expect(readExpectations('known.yaml', dir)).toEqual([
      {
        match: 'ALG-010',
        outcome: 'fail',
        reason: 'our filter ignores end_time until PLAT-123 ships',
        link: 'https://tracker.example/PLAT-123',
        until: '2027-03-01',
      },
      { match: 'ALG-01?', outcome: 'skip', reason: 'not on our plan' },
      { match: 'GET /api/v1/logs > a request without a token: 401', outcome: 'fail', reason: 'PLAT-9' },
    ]);
  });

  it('reads { expectations: [...] } in YAML and in JSON alike', () => {
    const dir = tempDir();
    const entries = [{ match: 'TOK-005', outcome: 'fail', reason: 'PLAT-1', until: '2027-01-31' }];
    writeFileSync(join(dir, 'known.json'), JSON.stringify({ expectations: entries }, null, 2));
    writeFileSync(
      join(dir, 'wrapped.yaml'),
      'expectations:\n  - match: TOK-005\n    outcome: fail\n    reason: PLAT-1\n    until: 2027-01-31\n',
    );
    writeFileSync(join(dir, 'list.json'), JSON.stringify(entries));
    expect(readExpectations('known.json', dir)).toEqual(entries);
    expect(readExpectations('wrapped.yaml', dir)).toEqual(entries);
    expect(readExpectations(join(dir, 'list.json'), '/')).toEqual(entries);
  });

  it('reads a file of only comments, or an empty list, as no entries', () => {
    expect(parseExpectations('# nothing known yet\n', 'known.yaml')).toEqual([]);
    expect(parseExpectations('[]\n', 'known.yaml')).toEqual([]);
    expect(parseExpectations('expectations: []\n', 'known.yaml')).toEqual([]);
  });

  it('says when the file does not exist', () => {
    const error = userError(() => readExpectations('missing.yaml', tempDir()));
    expect(error.message).toBe('the expectations file missing.yaml does not exist');
    expect(error.fix).toContain('expectations init');
    expect(error.exitCode).toBe(2);
  });

  it('says when the file is not YAML, or not JSON, on one line', () => {
    const yaml = parseError('- match: ALG-010\n  reason: TODO: why\n');
    expect(yaml.message).toMatch(/^known\.yaml is not valid YAML \(.+line 2.+\)$/);
    const dir = tempDir();
    writeFileSync(join(dir, 'known.json'), '[{"match": "ALG-010",');
    const json = userError(() => readExpectations('known.json', dir));
    expect(json.message).toMatch(/^known\.json is not valid JSON \(.+\)$/);
    for (const error of [yaml, json]) expect(error.line).not.toContain('\n');
  });

  it('refuses a file that holds no list of entries, and unknown top-level keys', () => {
    expect(parseError('ALG-010: fail\n').message).toBe('known.yaml has unknown top-level key(s) ALG-010');
    expect(parseError('just a sentence\n').message).toBe('known.yaml does not hold a list of expectation entries');
    expect(parseError('expectations: ALG-010\n').message).toBe(
      'known.yaml does not hold a list of expectation entries',
    );
  });

  const entry = (fields: string) => `- match: TOK-005\n  outcome: fail\n  reason: ok\n${fields}`;
  const cases: { name: string; text: string; message: string; fix?: string }[] = [
    {
      name: 'an entry that is not a mapping',
      text: `${entry('')}- ALG-010\n`,
      message: 'known.yaml entry 2 (no match) is not a mapping of match, outcome and reason',
    },
    {
      name: 'an unknown key',
      text: '- match: ALG-010\n  outcome: fail\n  reasn: typo\n',
      message: 'known.yaml entry 1 (match "ALG-010") has unknown key(s) reasn',
      fix: 'Allowed keys: match, outcome, reason, link, until',
    },
    {
      name: 'a missing match',
      text: `${entry('')}- outcome: fail\n  reason: x\n`,
      message: 'known.yaml entry 2 (no match) has no match',
    },
    {
      name: 'a missing outcome',
      text: '- match: ALG-010\n  reason: x\n',
      message: 'known.yaml entry 1 (match "ALG-010") has no outcome',
    },
    {
      name: 'a missing reason',
      text: '- match: ALG-010\n  outcome: fail\n',
      message: 'known.yaml entry 1 (match "ALG-010") has no reason',
    },
    {
      name: 'an outcome other than fail or skip',
      text: '- match: ALG-010\n  outcome: pass\n  reason: x\n',
      message: 'known.yaml entry 1 (match "ALG-010"): outcome must be fail or skip, got "pass"',
    },
    {
      name: 'an empty reason',
      text: '- match: ALG-010\n  outcome: fail\n  reason: "  "\n',
      message: 'known.yaml entry 1 (match "ALG-010"): reason is empty',
    },
    {
      name: 'a day that does not exist',
      text: entry('  until: 2027-02-30\n'),
      message: 'known.yaml entry 1 (match "TOK-005"): until "2027-02-30" is not a date written YYYY-MM-DD',
      fix: 'until: 2027-03-01',
    },
    {
      name: 'a date not written YYYY-MM-DD',
      text: entry('  until: 2027-3-1\n'),
      message: 'known.yaml entry 1 (match "TOK-005"): until "2027-3-1" is not a date written YYYY-MM-DD',
    },
    {
      name: 'an until that is a number',
      text: entry('  until: 20270301\n'),
      message: 'known.yaml entry 1 (match "TOK-005"): until must be a string, got 20270301',
    },
    {
      name: 'a link that is not http(s)',
      text: entry('  link: ftp://tracker.example/1\n'),
      message: 'known.yaml entry 1 (match "TOK-005"): link "ftp://tracker.example/1" is not an http(s) URL',
    },
    {
      name: 'a link that is not a URL',
      text: entry('  link: PLAT-123\n'),
      message: 'known.yaml entry 1 (match "TOK-005"): link "PLAT-123" is not an http(s) URL',
    },
    {
      name: 'a rule ID the catalogue does not have',
      text: '- match: ALG-099\n  outcome: fail\n  reason: x\n',
      message: 'known.yaml entry 1 (match "ALG-099"): ALG-099 is not a rule ID of the catalogue',
      fix: 'Did you mean ALG-009',
    },
    {
      name: 'a glob matching no rule',
      text: '- match: XYZ-*\n  outcome: fail\n  reason: x\n',
      message: 'known.yaml entry 1 (match "XYZ-*"): the glob XYZ-* matches no rule ID',
    },
    {
      name: 'a match that cannot be a test name',
      text: '- match: "a test\\nname"\n  outcome: fail\n  reason: x\n',
      message: 'known.yaml entry 1 (match "a test\\nname"): match is neither a rule ID, a rule glob nor a test name',
    },
    {
      name: 'a duplicate match (rule IDs compare without case)',
      text: `${entry('')}- match: tok-005\n  outcome: skip\n  reason: y\n`,
      message: 'known.yaml entry 2 (match "tok-005") repeats the match of entry 1',
    },
  ];
  it.each(cases)('names the file, the entry and the problem for $name', ({ text, message, fix }) => {
    const error = parseError(text);
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.line).not.toContain('\n');
    if (fix) expect(error.fix).toContain(fix);
    expect(error.exitCode).toBe(2);
  });

  it('takes any other one-line match as a test name', () => {
    expect(parseExpectations('- match: GET /a > b\n  outcome: skip\n  reason: x\n', 'k.yaml')).toEqual([
      { match: 'GET /a > b', outcome: 'skip', reason: 'x' },
    ]);
  });
});

describe('applyExpectations', () => {
  it('expects a failed rule by its ID: met, an expected failure, and it no longer fails the run', () => {
    const report = runReport([ruleOutcome('ALG-010', 'failed'), ruleOutcome('ALG-007', 'failed')]);
    const applied = apply(report, [fail('ALG-010', { link: 'https://tracker.example/1' })]);
    expect(ruleOf(applied, 'ALG-010').expectation).toEqual({
      ...fail('ALG-010'),
      link: 'https://tracker.example/1',
      met: true,
    });
    expect(failsRun(ruleOf(applied, 'ALG-010'))).toBe(false);
    expect(ruleOf(applied, 'ALG-007').expectation).toBeUndefined();
    expect(failsRun(ruleOf(applied, 'ALG-007'))).toBe(true);
    expect(applied.expectations).toEqual({
      file: 'known.yaml',
      expectedFailures: ['ALG-010'],
      unexpectedPasses: [],
      expired: [],
      unmatched: [],
      strict: false,
    });
    // Expected failures are counted apart; `failed` still counts every failed rule.
    expect(applied.summary).toMatchObject({ failed: 2, expectedFailures: 1, unexpectedPasses: 0 });
  });

  it('matches rule IDs without case, as --only does', () => {
    const applied = apply(runReport([ruleOutcome('ALG-010', 'failed')]), [fail('alg-010')]);
    expect(ruleOf(applied, 'ALG-010').expectation?.met).toBe(true);
  });

  it('applies a glob to every rule it matches: failures met, passes unexpected', () => {
    const report = runReport([
      ruleOutcome('ALG-010', 'failed'),
      ruleOutcome('ALG-011', 'failed'),
      ruleOutcome('ALG-007', 'passed'),
      ruleOutcome('TOK-005', 'failed'),
    ]);
    const applied = apply(report, [fail('ALG-*')], true);
    expect(applied.rules.map((rule) => [rule.id, rule.expectation?.met])).toEqual([
      ['ALG-010', true],
      ['ALG-011', true],
      ['ALG-007', false],
      ['TOK-005', undefined],
    ]);
    expect(applied.expectations).toMatchObject({
      expectedFailures: ['ALG-010', 'ALG-011'],
      unexpectedPasses: ['ALG-007'],
      strict: true,
    });
    expect(applied.summary).toMatchObject({ expectedFailures: 2, unexpectedPasses: 1 });
  });

  it('does not count an expected failure that errored or was skipped as an unexpected pass', () => {
    const report = runReport([ruleOutcome('ALG-010', 'errored'), ruleOutcome('ALG-011', 'skipped')]);
    const applied = apply(report, [fail('ALG-010'), fail('ALG-011')]);
    expect(ruleOf(applied, 'ALG-010').expectation?.met).toBe(false);
    expect(ruleOf(applied, 'ALG-011').expectation?.met).toBe(false);
    expect(applied.expectations).toMatchObject({ expectedFailures: [], unexpectedPasses: [], unmatched: [] });
  });

  it('meets a skip entry on a skipped rule; a passed one is an unexpected pass; a failed one still fails', () => {
    const report = runReport([
      ruleOutcome('ALG-010', 'skipped'),
      ruleOutcome('ALG-011', 'passed'),
      ruleOutcome('ALG-012', 'failed'),
    ]);
    const applied = apply(report, [skip('ALG-010'), skip('ALG-011'), skip('ALG-012')]);
    expect(applied.rules.map((rule) => [rule.id, rule.expectation?.met])).toEqual([
      ['ALG-010', true],
      ['ALG-011', false],
      ['ALG-012', false],
    ]);
    expect(failsRun(ruleOf(applied, 'ALG-012'))).toBe(true);
    expect(applied.expectations).toMatchObject({ expectedFailures: [], unexpectedPasses: ['ALG-011'] });
  });

  describe('by test name', () => {
    const filterTest = 'GET /logs > filters by end_time';
    const otherTest = 'GET /logs > filters by status';
    const passingTest = 'GET /logs > lists newest first';

    it('applies to the test, and through it to a rule all of whose failing tests it expects', () => {
      const report = runReport(
        [ruleOutcome('ALG-010', 'failed'), ruleOutcome('ALG-011', 'failed')],
        [
          outcomeOf(filterTest, 'failed', ['ALG-010', 'ALG-011']),
          outcomeOf(otherTest, 'failed', ['ALG-011']),
          outcomeOf(passingTest, 'passed', ['ALG-010']),
        ],
      );
      const applied = apply(report, [fail(filterTest)]);
      expect(applied.tests.map((test) => test.expectation?.met)).toEqual([true, undefined, undefined]);
      expect(ruleOf(applied, 'ALG-010').expectation).toEqual({ ...fail(filterTest), met: true });
      // ALG-011 also fails in a test nobody expected to fail: it still fails the run.
      expect(ruleOf(applied, 'ALG-011').expectation).toBeUndefined();
      expect(failsRun(ruleOf(applied, 'ALG-011'))).toBe(true);
      expect(applied.expectations?.expectedFailures).toEqual(['ALG-010']);
    });

    it('lists a test expected to fail that passed as an unexpected pass, by its name', () => {
      const report = runReport([ruleOutcome('ALG-010', 'passed')], [outcomeOf(passingTest, 'passed', ['ALG-010'])]);
      const applied = apply(report, [fail(passingTest)]);
      expect(applied.tests[0]?.expectation).toEqual({ ...fail(passingTest), met: false });
      expect(ruleOf(applied, 'ALG-010').expectation).toBeUndefined();
      expect(applied.expectations).toMatchObject({ unexpectedPasses: [passingTest], unmatched: [] });
      expect(applied.summary.unexpectedPasses).toBe(1);
    });

    it('meets a skip entry on a skipped test', () => {
      const report = runReport([ruleOutcome('ALG-010', 'skipped')], [outcomeOf(filterTest, 'skipped', ['ALG-010'])]);
      const applied = apply(report, [skip(filterTest)]);
      expect(applied.tests[0]?.expectation?.met).toBe(true);
      expect(applied.expectations?.unexpectedPasses).toEqual([]);
    });
  });

  describe('when several entries match a rule, the most specific wins', () => {
    const testName = 'GET /logs > filters by end_time';
    const report = runReport(
      [ruleOutcome('ALG-010', 'failed'), ruleOutcome('ALG-007', 'failed')],
      [outcomeOf(testName, 'failed', ['ALG-010'])],
    );

    it('an exact ID over a test name and a glob, in any order in the file', () => {
      const applied = apply(report, [fail('ALG-*'), fail(testName), fail('ALG-010')]);
      expect(ruleOf(applied, 'ALG-010').expectation?.reason).toBe('known: ALG-010');
      expect(ruleOf(applied, 'ALG-007').expectation?.reason).toBe('known: ALG-*');
    });

    it('a test name over a glob', () => {
      const applied = apply(report, [fail('ALG-*'), fail(testName)]);
      expect(ruleOf(applied, 'ALG-010').expectation?.reason).toBe(`known: ${testName}`);
    });

    it('the glob with more literal characters over a looser one', () => {
      const applied = apply(report, [fail('ALG-*'), fail('ALG-01?'), fail('*')]);
      expect(ruleOf(applied, 'ALG-010').expectation?.reason).toBe('known: ALG-01?');
      expect(ruleOf(applied, 'ALG-007').expectation?.reason).toBe('known: ALG-*');
      // Losing to a more specific entry is not going unmatched.
      expect(applied.expectations?.unmatched).toEqual([]);
    });
  });

  it('does not apply an entry past its until day, and lists it as expired', () => {
    const report = runReport([ruleOutcome('ALG-010', 'failed'), ruleOutcome('ALG-011', 'failed')]);
    const stale = fail('ALG-010', { until: '2026-05-20' });
    const lastDay = fail('ALG-011', { until: today });
    const applied = apply(report, [stale, lastDay]);
    expect(ruleOf(applied, 'ALG-010').expectation).toBeUndefined();
    expect(failsRun(ruleOf(applied, 'ALG-010'))).toBe(true);
    expect(ruleOf(applied, 'ALG-011').expectation?.met).toBe(true);
    expect(applied.expectations).toMatchObject({ expired: [stale], unmatched: [], expectedFailures: ['ALG-011'] });
  });

  it('lists entries that match no rule and no test of the run as unmatched', () => {
    const report = runReport(
      [ruleOutcome('ALG-010', 'failed'), ruleOutcome('TOK-005', 'uncovered')],
      [outcomeOf('GET /logs > filters', 'failed', ['ALG-010'])],
    );
    const entries = [fail('ALG-010'), fail('TOK-005'), fail('TOK-*'), fail('GET /logs > no such test')];
    expect(apply(report, entries).expectations?.unmatched).toEqual(entries.slice(1));
  });

  it('does not match rules the selection left out', () => {
    const report = runReport([
      ruleOutcome('ALG-010', 'skipped', { deselected: true, reason: 'not selected' }),
      ruleOutcome('ALG-011', 'failed'),
    ]);
    const applied = apply(report, [skip('ALG-010'), fail('ALG-01?')]);
    expect(ruleOf(applied, 'ALG-010').expectation).toBeUndefined();
    expect(ruleOf(applied, 'ALG-011').expectation?.met).toBe(true);
    expect(applied.expectations?.unmatched).toEqual([skip('ALG-010')]);
  });

  it('leaves its input alone, and applying twice gives the same report', () => {
    const report = runReport(
      [ruleOutcome('ALG-010', 'failed'), ruleOutcome('ALG-007', 'passed')],
      [outcomeOf('GET /logs > filters', 'failed', ['ALG-010'])],
    );
    const before = structuredClone(report);
    const entries = [fail('GET /logs > filters'), fail('ALG-007')];
    const once = apply(report, entries);
    expect(report).toEqual(before);
    expect(apply(once, entries)).toEqual(once);
    // A second file's entries replace the first's, never add to them.
    expect(ruleOf(apply(once, []), 'ALG-010').expectation).toBeUndefined();
  });
});

describe('failsRun', () => {
  it('is true only for a failed MUST rule without a met expectation', () => {
    const met = { ...fail('ALG-010'), met: true };
    expect(failsRun(ruleOutcome('ALG-010', 'failed'))).toBe(true);
    expect(failsRun(ruleOutcome('ALG-010', 'failed', { expectation: { ...met, met: false } }))).toBe(true);
    expect(failsRun(ruleOutcome('ALG-010', 'failed', { expectation: met }))).toBe(false);
    expect(failsRun(ruleOutcome('ALG-003', 'failed', { force: 'SHOULD' }))).toBe(false);
    expect(failsRun(ruleOutcome('ALG-021', 'failed', { force: 'MAY' }))).toBe(false);
    expect(failsRun(ruleOutcome('ALG-010', 'errored'))).toBe(false);
    expect(failsRun(ruleOutcome('ALG-010', 'passed'))).toBe(false);
  });
});

describe('expectationsFromReport', () => {
  const report = runReport([
    ruleOutcome('TOK-005', 'failed'),
    ruleOutcome('ALG-010', 'failed'),
    ruleOutcome('ALG-003', 'failed', { force: 'SHOULD' }),
    ruleOutcome('ALG-007', 'passed'),
    ruleOutcome('TOK-001', 'errored', { reason: 'timed out' }),
  ]);
  const text = expectationsFromReport(report, { today });

  it('accepts every failed rule, MUST or not, sorted by ID, with a TODO reason; it parses back', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'known.yaml'), text);
    expect(readExpectations('known.yaml', dir)).toEqual(
      ['ALG-003', 'ALG-010', 'TOK-005'].map((match) => ({ match, outcome: 'fail', reason: todoReason })),
    );
  });

  it('turns the same run green: every failure is expected, nothing is unexpected', () => {
    const applied = apply(report, parseExpectations(text, 'known.yaml'));
    expect(applied.rules.filter(failsRun)).toEqual([]);
    expect(applied.expectations).toMatchObject({
      expectedFailures: ['ALG-003', 'ALG-010', 'TOK-005'],
      unexpectedPasses: [],
      unmatched: [],
    });
  });

  it('says how to use it, and the run it came from, in comments', () => {
    expect(text).toContain('scalekit-conformance run --expectations <this file>');
    expect(text).toContain('against https://acme.scalekit.dev (seed 42, run on 2026-05-20), written 2026-05-21');
    expect(text).toContain('# ALG-003 (SHOULD, a warning): the statement of ALG-003');
  });

  it('does not accept errored rules, but lists them in a comment', () => {
    expect(text).toMatch(/^# {3}TOK-001: timed out$/m);
    expect(text).not.toMatch(/match: TOK-001/);
  });

  it('writes an empty list for a run without failures', () => {
    const green = expectationsFromReport(runReport([ruleOutcome('ALG-007', 'passed')]), { today });
    expect(green).toContain('nothing to accept');
    expect(parseExpectations(green, 'known.yaml')).toEqual([]);
  });

  it('keeps the reason, link and until of a failure already expected', () => {
    const known = fail('ALG-010', { reason: 'PLAT-123: "end_time" # ignored', link: 'https://t.example/1' });
    const expected = apply(runReport([ruleOutcome('ALG-010', 'failed')]), [{ ...known, until: '2027-01-01' }]);
    expect(parseExpectations(expectationsFromReport(expected, { today }), 'known.yaml')).toEqual([
      { ...known, until: '2027-01-01' },
    ]);
  });

  it('leaves out rules the catalogue does not have, which the file could not name, and survives odd statements', () => {
    const odd = runReport([
      ruleOutcome('ALG-010', 'failed', { statement: 'two\nlines: with # and "quotes"' }),
      ruleOutcome('ZZZ-001', 'failed'),
    ]);
    const written = expectationsFromReport(odd, { today });
    expect(parseExpectations(written, 'known.yaml').map((entry) => entry.match)).toEqual(['ALG-010']);
    expect(written).toMatch(/^# {3}ZZZ-001$/m);
  });
});
