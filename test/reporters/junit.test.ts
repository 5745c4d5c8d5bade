import { parse, type TestCase, type TestSuite, type TestSuites } from 'junit2json';
import { describe, expect, it } from 'vitest';
import { formatFailure } from '../../src/checks/failure.js';
import { replayVariablesNote } from '../../src/reporters/console.js';
import { renderIncompleteJunit, renderJunit } from '../../src/reporters/junit.js';
import type { RunReport } from '../../src/reporters/model.js';
import {
  buildReport,
  expectationsFile,
  expectedEntry,
  listFile,
  mustFailure,
  redirectFile,
  secondMustFailure,
  tests,
  transportProblem,
} from './report-fixture.js';

// junit2json's types leave out what the parser keeps anyway: a testcase's properties and file attribute.
type Property = { name?: string; value?: string | number };
type Case = TestCase & { file?: string; properties?: Property[] };
type Suite = TestSuite & { testcase?: Case[] };

/** XML 1.0 cannot carry these, even as references: the only control characters allowed are tab, LF and CR. */
const isForbiddenControl = (c: string) => c.charCodeAt(0) < 0x20 && c !== '\t' && c !== '\n' && c !== '\r';
const withoutControls = (text: string) => [...text].filter((c) => !isForbiddenControl(c)).join('');

async function parsed(report: RunReport): Promise<{ xml: string; root: TestSuites; suites: Suite[]; cases: Case[] }> {
  const xml = renderJunit(report);
  const root = (await parse(xml)) as TestSuites;
  const suites = (root.testsuite ?? []) as Suite[];
  return { xml, root, suites, cases: suites.flatMap((s) => s.testcase ?? []) };
}

function caseOf(cases: Case[], ruleId: string): Case {
  const found = cases.filter((c) => c.name?.startsWith(`${ruleId} `));
  expect(found, `one testcase for ${ruleId}`).toHaveLength(1);
  return found[0] as Case;
}

const property = (c: Case | Suite, name: string) =>
  ((c as { properties?: Property[] }).properties ?? []).find((p) => p.name === name)?.value;

const verdictElements = (c: Case) => ({
  failure: c.failure?.length ?? 0,
  error: c.error?.length ?? 0,
  skipped: c.skipped?.length ?? 0,
});

describe('renderJunit', async () => {
  const report = buildReport();
  const { xml, root, suites, cases } = await parsed(report);

  it('is well-formed XML without control characters, and keeps <, & and " of a received body', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect([...xml].filter(isForbiddenControl)).toEqual([]);
    const body = caseOf(cases, 'ALG-010').failure?.[0]?.inner ?? '';
    expect(body).toContain('{"error":"<b>bad</b> & "worse""} end');
    expect(xml).not.toContain('<b>bad</b>');
  });

  it('writes a MUST failure as <failure> whose message is the first line of the first failure', () => {
    const failed = caseOf(cases, 'ALG-010');
    const [failure] = failed.failure ?? [];
    const firstLine = `${mustFailure.rule} ${mustFailure.title}: expected ${mustFailure.expected} but got ${mustFailure.received.split('\n')[0]}`;
    expect(failure?.message).toBe(withoutControls(firstLine));
    expect(failure?.message).not.toContain('second line');
    expect(failure?.type).toBe('MUST');
    expect(verdictElements(failed)).toEqual({ failure: 1, error: 0, skipped: 0 });
  });

  it('puts every failure of the rule, its replay line and the replay-variables note in the failure body', () => {
    const body = caseOf(cases, 'ALG-010').failure?.[0]?.inner ?? '';
    expect(body).toContain(`Reproduce with: ${mustFailure.replay}`);
    expect(body).toContain(formatFailure(secondMustFailure));
    expect(body).toContain(replayVariablesNote);
  });

  it('gives each testcase its file, its time (the citing tests summed) and its properties', () => {
    const failed = caseOf(cases, 'ALG-010');
    const citing = tests.filter((t) => t.rules.includes('ALG-010'));
    expect(failed.file).toBe(listFile);
    expect(failed.time).toBeCloseTo(citing.reduce((sum, t) => sum + t.durationMs, 0) / 1000, 3);
    expect(failed.name).toBe('ALG-010 statement of ALG-010');
    expect(failed.classname).toBe('scalekit-conformance.auth-logs');
    expect(property(failed, 'rule')).toBe('ALG-010');
    expect(property(failed, 'force')).toBe('MUST');
    expect(String(property(failed, 'seed'))).toBe(String(report.seed));
    expect(property(failed, 'spec-sha256')).toBe(report.spec.sha256);
    expect(property(failed, 'replay')).toBe(mustFailure.replay);
    // A rule without a replay line gets no replay property.
    expect(property(caseOf(cases, 'ALG-001'), 'replay')).toBeUndefined();
  });

  it('lets a SHOULD warning pass, with the warning as its output and a warning property', () => {
    const warning = caseOf(cases, 'ALG-013');
    expect(verdictElements(warning)).toEqual({ failure: 0, error: 0, skipped: 0 });
    expect(warning['system-out']?.join('\n')).toContain('oldest first');
    expect(property(warning, 'warning')).toBe('SHOULD');
    expect(property(caseOf(cases, 'ALG-010'), 'warning')).toBeUndefined();
  });

  it('writes an errored rule as <error> with the first problem as its message', () => {
    const errored = caseOf(cases, 'ALG-007');
    expect(verdictElements(errored)).toEqual({ failure: 0, error: 1, skipped: 0 });
    expect(errored.error?.[0]?.message).toBe(
      `ALG-007: no verdict: ${transportProblem.request}: ${transportProblem.cause}`,
    );
    expect(errored.error?.[0]?.inner).toContain('auth logs > filters by status');
  });

  it('shows an expected failure as skipped, with its reason and link, never as a failure', () => {
    const expected = caseOf(cases, 'RDR-003');
    expect(verdictElements(expected)).toEqual({ failure: 0, error: 0, skipped: 1 });
    expect(expected.skipped?.[0]?.message).toBe(`expected failure: ${expectedEntry.reason}`);
    expect(property(expected, 'expected')).toBe('fail');
    expect(property(expected, 'reason')).toBe(expectedEntry.reason);
    expect(property(expected, 'link')).toBe(expectedEntry.link);
    expect(expected.file).toBe(redirectFile);
  });

  it('lets an unexpected pass pass, marked, unless expectations are strict', async () => {
    const lenient = caseOf(cases, 'RDR-004');
    expect(verdictElements(lenient)).toEqual({ failure: 0, error: 0, skipped: 0 });
    expect(property(lenient, 'unexpected-pass')).toBe('true');
    expect(lenient['system-out']?.join('\n')).toContain('unexpected pass');

    const expectations = { ...(report.expectations as NonNullable<RunReport['expectations']>), strict: true };
    const strict = caseOf((await parsed(buildReport({ expectations }))).cases, 'RDR-004');
    expect(verdictElements(strict)).toEqual({ failure: 1, error: 0, skipped: 0 });
    expect(strict.failure?.[0]?.message).toMatch(/^unexpected pass: RDR-004 /);
    expect(strict.failure?.[0]?.message).toContain(expectationsFile);
  });

  it('skips a skipped rule with its reason and passes a passed one', () => {
    const skipped = caseOf(cases, 'TOK-005');
    expect(verdictElements(skipped)).toEqual({ failure: 0, error: 0, skipped: 1 });
    expect(skipped.skipped?.[0]?.message).toBe('needs a live target');
    expect(verdictElements(caseOf(cases, 'ALG-001'))).toEqual({ failure: 0, error: 0, skipped: 0 });
  });

  it('leaves deselected and uncovered rules out, and counts the deselected in the run suite', () => {
    const names = cases.map((c) => c.name ?? '');
    expect(names.filter((n) => n.startsWith('TOK-009 ') || n.startsWith('ALG-020 '))).toEqual([]);
    expect(xml).not.toContain('TOK-009');
    const run = suites.find((s) => s.name === 'run');
    expect(run?.tests).toBe(0);
    const output = run?.['system-out']?.join('\n') ?? '';
    expect(output).toContain('1 rule not selected (--exclude TOK-*, --shard 1/2)');
    expect(output).toContain('entry "ALG-*" expired on 2020-01-01');
    expect(output).toContain('entry "suite > gone, renamed: test" matched no rule and no test');
  });

  it('has no run suite when nothing was deselected and there is no expectations file', async () => {
    const plain = buildReport({
      rules: report.rules.filter((r) => !r.deselected),
      expectations: undefined,
      shard: undefined,
    });
    expect((await parsed(plain)).suites.map((s) => s.name)).not.toContain('run');
  });

  it('counts in every suite and at the root exactly the testcases written', () => {
    const tally = (list: Case[]) => ({
      tests: list.length,
      failures: list.filter((c) => c.failure?.length).length,
      errors: list.filter((c) => c.error?.length).length,
      skipped: list.filter((c) => c.skipped?.length).length,
    });
    for (const suite of suites) {
      const { tests: count, failures, errors, skipped } = tally(suite.testcase ?? []);
      expect({ name: suite.name, tests: suite.tests, failures: suite.failures, errors: suite.errors }).toEqual({
        name: suite.name,
        tests: count,
        failures,
        errors,
      });
      expect(suite.skipped).toBe(skipped);
    }
    const all = tally(cases);
    expect({ tests: root.tests, failures: root.failures, errors: root.errors }).toEqual({
      tests: all.tests,
      failures: all.failures,
      errors: all.errors,
    });
    // One case per rule the run selected and covered; the summary counts deselected rules and warnings too.
    expect(all.tests).toBe(report.rules.filter((r) => !r.deselected && r.status !== 'uncovered').length);
    const { passed, failed, errored, skipped } = report.summary;
    expect(root.tests).not.toBe(passed + failed + errored + skipped);
    expect(root.failures).not.toBe(failed);
  });

  it('gives each suite a time, the run start as timestamp and the run facts as properties', () => {
    const area = suites.find((s) => s.name === 'auth-logs') as Suite;
    const areaMs = tests.filter((t) => t.file === listFile).reduce((sum, t) => sum + t.durationMs, 0);
    expect(area.time).toBeCloseTo(areaMs / 1000, 3);
    for (const suite of suites) {
      expect(suite.timestamp).toBe(report.startedAt);
      expect(property(suite, 'target')).toBe(report.target);
      expect(property(suite, 'spec-sha256')).toBe(report.spec.sha256);
      expect(String(property(suite, 'seed'))).toBe(String(report.seed));
    }
    expect(root.time).toBeCloseTo(report.durationMs / 1000, 3);
  });

  it('keeps a reason with a newline or tab whole in a property', async () => {
    const reason = 'line one\nline two\ttabbed';
    const rules = report.rules.map((r) =>
      r.id === 'RDR-003' && r.expectation ? { ...r, expectation: { ...r.expectation, reason } } : r,
    );
    const { xml: text, cases: withReason } = await parsed(buildReport({ rules }));
    expect(property(caseOf(withReason, 'RDR-003'), 'reason')).toBe(reason);
    // A conforming parser turns a raw newline or tab in an attribute into a space: they must be character references.
    expect(text).toContain('value="line one&#10;line two&#9;tabbed"');
  });
});

describe('renderIncompleteJunit', () => {
  it('is one errored testcase saying why the run did not complete', async () => {
    const root = (await parse(renderIncompleteJunit('cannot reach <the> target & "more"'))) as TestSuites;
    const [testcase] = (root.testsuite?.[0]?.testcase ?? []) as Case[];
    expect(root.errors).toBe(1);
    expect(testcase?.error?.[0]?.message).toBe('the run did not complete: cannot reach <the> target & "more"');
  });
});
