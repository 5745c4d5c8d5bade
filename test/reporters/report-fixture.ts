// A run report built by hand with one rule of every kind a reporter must tell apart, for the JUnit, Markdown and
// annotation reporters' tests. Rule IDs are real (failures are typed by them); statements and forces are the
// fixture's own.
import type { Failure } from '../../src/checks/failure.js';
import type { ExpectationsOutcome, RuleOutcome, RunReport, TestOutcome } from '../../src/reporters/model.js';
import type { RuleId } from '../../src/rules/catalogue.js';
import { testOutcome } from '../support/outcomes.js';

export const listFile = 'suites/auth-logs/list.test.ts';
export const tokenFile = 'suites/token-auth/token.test.ts';
export const redirectFile = 'suites/redirect-uris/redirects.test.ts';
export const expectationsFile = 'conformance-expectations.yaml';

/** A received body with what XML cannot carry (control characters) and what it must escape (`<&"`). */
export const nastyBody = `{"error":"<b>bad</b> & "worse""}\u0001\u0007\u001b end\nsecond line`;

export const mustFailure: Failure = {
  rule: 'ALG-010',
  title: 'status code',
  expected: '401',
  received: `200 with body ${nastyBody}`,
  replay: `curl -sS -X GET 'http://target/api/v1/auth-logs?x=1' -H "Authorization: Bearer $SCALEKIT_ACCESS_TOKEN"`,
};
export const secondMustFailure: Failure = {
  rule: 'ALG-010',
  title: 'response body schema',
  expected: 'an error body',
  received: 'an empty body',
};
export const warningFailure: Failure = {
  rule: 'ALG-013',
  title: 'order',
  expected: 'newest first',
  received: 'oldest first',
};
export const expectedFailure: Failure = {
  rule: 'RDR-003',
  title: 'redirect refused',
  expected: '400',
  received: '302',
  replay: "curl -sS 'http://target/oauth/authorize?redirect_uri=x'",
};

export const transportProblem = {
  kind: 'transport' as const,
  cause: 'did not answer within 10000 ms',
  request: 'GET http://target/api/v1/auth-logs',
};

export const expectedEntry = {
  match: 'RDR-003',
  outcome: 'fail' as const,
  reason: 'known bug | tracked upstream',
  link: 'https://github.com/example/issues/42',
  until: '2099-12-31',
};
export const unexpectedEntry = { match: 'RDR-004', outcome: 'fail' as const, reason: 'flaky on staging' };

const testOutcomeIn = (
  fullName: string,
  file: string,
  state: TestOutcome['state'],
  rules: RuleId[],
  durationMs: number,
  extra: Partial<TestOutcome> = {},
): TestOutcome => testOutcome(fullName, state, rules, { file, durationMs, ...extra });

export const tests: TestOutcome[] = [
  testOutcomeIn('auth logs > rejects a missing token', listFile, 'failed', ['ALG-010'], 120, {
    failures: [mustFailure, secondMustFailure],
  }),
  testOutcomeIn('auth logs > rejects an expired token', listFile, 'passed', ['ALG-010'], 30),
  testOutcomeIn('auth logs > orders newest first', listFile, 'failed', ['ALG-013'], 45, { failures: [warningFailure] }),
  testOutcomeIn('auth logs > filters by status', listFile, 'errored', ['ALG-007'], 10_000, {
    errored: transportProblem,
    message: 'GET http://target/api/v1/auth-logs: did not answer within 10000 ms',
  }),
  testOutcomeIn('auth logs > lists', listFile, 'passed', ['ALG-001'], 15),
  testOutcomeIn('token > live only', tokenFile, 'skipped', ['TOK-005'], 0, { message: 'needs a live target' }),
  testOutcomeIn('redirects > refuses unknown', redirectFile, 'failed', ['RDR-003'], 80, {
    failures: [expectedFailure],
  }),
  testOutcomeIn('redirects > allows listed', redirectFile, 'passed', ['RDR-004'], 20),
];

const rule = (
  id: RuleId,
  force: RuleOutcome['force'],
  area: RuleOutcome['area'],
  status: RuleOutcome['status'],
  extra: Partial<RuleOutcome> = {},
): RuleOutcome => {
  const citing = tests.filter((t) => t.rules.includes(id));
  return {
    id,
    force,
    area,
    statement: `statement of ${id}`,
    sources: [{ kind: 'docs', page: 'auth-logs' }],
    status,
    tests: citing.map((t) => ({ name: t.fullName, file: t.file, state: t.state })),
    ...extra,
  };
};

export const rules: RuleOutcome[] = [
  rule('ALG-010', 'MUST', 'auth-logs', 'failed', { failures: [mustFailure, secondMustFailure] }),
  rule('ALG-013', 'SHOULD', 'auth-logs', 'failed', { failures: [warningFailure] }),
  rule('ALG-007', 'MUST', 'auth-logs', 'errored', {
    reason: 'GET http://target/api/v1/auth-logs: did not answer within 10000 ms',
    errors: [{ test: 'auth logs > filters by status', ...transportProblem }],
  }),
  rule('ALG-001', 'MUST', 'auth-logs', 'passed'),
  rule('ALG-020', 'MUST', 'auth-logs', 'uncovered', { reason: 'no test cites this rule yet' }),
  rule('TOK-005', 'MUST', 'token-auth', 'skipped', { reason: 'needs a live target' }),
  // Cited by a test of another shard: left out by the selection.
  {
    ...rule('TOK-009', 'MUST', 'token-auth', 'skipped', { reason: 'not selected' }),
    tests: [{ name: 'token > refresh', file: tokenFile, state: 'skipped' }],
    deselected: true,
  },
  rule('RDR-003', 'MUST', 'redirect-uris', 'failed', {
    failures: [expectedFailure],
    expectation: { ...expectedEntry, met: true },
  }),
  rule('RDR-004', 'MUST', 'redirect-uris', 'passed', { expectation: { ...unexpectedEntry, met: false } }),
];

export const expectations: ExpectationsOutcome = {
  file: expectationsFile,
  expectedFailures: ['RDR-003'],
  unexpectedPasses: ['RDR-004'],
  expired: [{ match: 'ALG-*', outcome: 'fail', reason: 'old bug', until: '2020-01-01' }],
  unmatched: [{ match: 'suite > gone, renamed: test', outcome: 'skip', reason: 'removed test' }],
  strict: false,
};

/** The whole report; `overrides` replace top-level fields (rules, expectations, …). */
export function buildReport(overrides: Partial<RunReport> = {}): RunReport {
  const report: RunReport = {
    tool: { name: 'scalekit-conformance', version: '0.1.0' },
    target: 'http://target',
    spec: { origin: 'shared/openapi/scalekit.scalar.json', sha256: 'ab12'.repeat(16) },
    seed: 424242,
    only: [],
    exclude: ['TOK-*'],
    startedAt: '2026-05-21T10:00:00.000Z',
    durationMs: 12_345,
    summary: {
      completed: true,
      passed: 2,
      failed: 3,
      errored: 1,
      skipped: 2,
      uncovered: 1,
      warnings: 1,
      expectedFailures: 1,
      unexpectedPasses: 1,
      deselected: 1,
      diagnostics: 0,
      tests: { passed: 3, failed: 3, errored: 1, skipped: 1 },
    },
    rules,
    tests,
    errors: [],
    drift: [],
    expectations,
    shard: { index: 1, count: 2 },
    ...overrides,
  };
  return report;
}

/** The rule of the fixture with this ID (the tests fail loudly if the fixture changes under them). */
export function ruleOf(report: RunReport, id: string): RuleOutcome {
  const found = report.rules.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id} in the fixture`);
  return found;
}

/** `count` MUST failures, each its own rule, with a long received body: for the size bounds. */
export function manyFailures(count: number): RuleOutcome[] {
  return Array.from({ length: count }, (_, i) => ({
    ...rule('ALG-010', 'MUST', 'auth-logs', 'failed'),
    id: `ALG-${String(1000 + i)}`,
    statement: `generated rule ${i}`,
    failures: [{ ...mustFailure, received: `failure number ${i}: ${'x'.repeat(300)}` }],
  }));
}
