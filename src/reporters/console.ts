import { formatFailure } from '../checks/failure.js';
import { describeProblem } from '../client/problems.js';
import type { SourceRef } from '../rules/types.js';
import { gradeOf, type RuleGrade } from './grade.js';
import type { RuleOutcome, RunReport, TestOutcome } from './model.js';

const mark: Record<TestOutcome['state'], string> = { passed: 'ok  ', failed: 'FAIL', errored: 'ERR ', skipped: 'skip' };

/** One line per finished test, printed as the run goes. */
export function formatTestLine(test: TestOutcome): string {
  const why = (test.state === 'skipped' || test.state === 'errored') && test.message ? ` (${test.message})` : '';
  return `  ${mark[test.state]} [${test.rules.join(', ') || 'no rule'}] ${test.name}${why}`;
}

/** A rule's source in a few words, as the console table and the HTML report show it. */
export function sourceLabel(source: SourceRef): string {
  switch (source.kind) {
    case 'spec':
      return `spec ${source.pointer}`;
    case 'docs':
      return `docs ${source.page}${source.section ? ` § ${source.section}` : ''}`;
    case 'seed':
      return `seed "${source.document}"${source.section ? ` § ${source.section}` : ''}`;
    case 'repo':
      return `docs ${source.path}${source.section ? ` § ${source.section}` : ''}`;
    case 'sdk':
      return `sdk ${source.path}${source.lines ? `:${source.lines}` : ''}`;
    case 'derived':
      return `from ${source.from.join(', ')}`;
  }
}

const sourceText = (rule: RuleOutcome) => (rule.sources[0] ? sourceLabel(rule.sources[0]) : '');

/** Where the replay lines' variables come from; the JSON and JUnit reports say the same. */
export const replayVariablesNote =
  'Replay lines use $SCALEKIT_ACCESS_TOKEN (`scalekit-conformance token --target URL` prints it) and $SCALEKIT_CLIENT_SECRET; $SCALEKIT_ID_TOKEN and $SCALEKIT_AUTH_CODE come from a fresh sign-in.';

/** A rule's status as the table shows it: SHOULD/MAY failures are warnings; expectations are named. */
const statusText: Record<RuleGrade, string> = {
  'must-failure': 'failed',
  warning: 'warning',
  'expected-failure': 'expected failure',
  'unexpected-pass': 'unexpected pass',
  errored: 'errored',
  skipped: 'skipped',
  passed: 'passed',
  uncovered: 'uncovered',
  deselected: 'not selected',
};

/** The per-rule table: every rule that has tests and was selected, then a count of the uncovered ones. */
export function formatRuleTable(report: RunReport): string {
  const shown = report.rules.filter((r) => r.status !== 'uncovered' && !r.deselected);
  const rows = shown.map((r) => {
    const status = statusText[gradeOf(r)];
    const reason = r.status === 'skipped' && r.reason ? ` (${r.reason})` : '';
    const noted = r.diagnostics?.length
      ? ` (${r.diagnostics.length} diagnostic${r.diagnostics.length > 1 ? 's' : ''})`
      : '';
    return [r.id, r.force, status + reason + noted, sourceText(r)];
  });
  const header = ['rule', 'force', 'status', 'source'];
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  const failures = shown.filter((r) => r.status === 'failed' && !r.expectation?.met);
  if (failures.length > 0) {
    out.push('', 'Failures:', `  (${replayVariablesNote})`);
    for (const rule of failures) {
      out.push(`- ${rule.id} (${rule.force}) ${rule.statement}`);
      for (const f of rule.failures ?? [])
        out.push(
          ...formatFailure(f)
            .split('\n')
            .map((l) => `    ${l}`),
        );
    }
  }
  const errored = shown.filter((r) => r.status === 'errored');
  if (errored.length > 0) {
    out.push('', 'Errors (no verdict: the target gave no usable answer, or a control hook failed):');
    for (const rule of errored) {
      out.push(`- ${rule.id} (${rule.force}) ${rule.statement}`);
      for (const e of rule.errors ?? []) out.push(`    ${e.test}`, `      ${describeProblem(e)}`);
    }
  }
  const noted = shown.filter((r) => (r.diagnostics?.length ?? 0) > 0);
  if (noted.length > 0) {
    out.push('', 'Diagnostics (what the target says about itself differs; warnings, not verdicts):');
    for (const rule of noted) {
      out.push(`- ${rule.id} (${rule.status})`);
      for (const d of rule.diagnostics ?? [])
        out.push(`    warning: ${d.title}: expected ${d.expected} but got ${d.received}`);
    }
  }
  out.push(...expectationLines(report));
  const s = report.summary;
  const expected = s.expectedFailures ? `, ${s.expectedFailures} of them expected` : '';
  const unexpected = s.unexpectedPasses
    ? `, ${s.unexpectedPasses} unexpected pass${s.unexpectedPasses > 1 ? 'es' : ''}`
    : '';
  out.push(
    '',
    `rules: ${s.passed} passed${unexpected}, ${s.failed} failed (${s.warnings} of them SHOULD/MAY warnings${expected}), ${s.errored} errored, ${s.skipped} skipped, ${s.uncovered} uncovered (list them with \`scalekit-conformance rules --uncovered\`)${s.deselected ? `, ${s.deselected} not selected` : ''}`,
    `tests: ${s.tests.passed} passed, ${s.tests.failed} failed, ${s.tests.errored} errored, ${s.tests.skipped} skipped${s.tests.deselected ? `, ${s.tests.deselected} not selected` : ''}${s.diagnostics > 0 ? `; ${s.diagnostics} diagnostic(s)` : ''}`,
  );
  return out.join('\n');
}

/** What the expectations file came to: expected failures with their reasons, unexpected passes, stale entries. */
function expectationLines(report: RunReport): string[] {
  const outcome = report.expectations;
  if (!outcome) return [];
  const out = ['', `Expectations (${outcome.file}):`];
  for (const rule of report.rules.filter((r) => r.status === 'failed' && r.expectation?.met)) {
    const link = rule.expectation?.link ? ` (${rule.expectation.link})` : '';
    out.push(`  expected failure  ${rule.id}: ${rule.expectation?.reason}${link}`);
  }
  const strict = outcome.strict ? ' (fails the run: --strict-expectations)' : ' (remove the entry)';
  for (const name of outcome.unexpectedPasses) out.push(`  unexpected pass   ${name}${strict}`);
  for (const entry of outcome.expired)
    out.push(`  expired           ${entry.match}: its until ${entry.until} has passed, not applied`);
  for (const entry of outcome.unmatched) out.push(`  matched nothing   ${entry.match}`);
  return out.length > 2 ? out : [...out, '  every entry as expected, nothing stale'];
}
