import { formatFailure } from '../checks/failure.js';
import { describeProblem } from '../client/problems.js';
import type { RuleOutcome, RunReport, TestOutcome } from './model.js';

const mark: Record<TestOutcome['state'], string> = { passed: 'ok  ', failed: 'FAIL', errored: 'ERR ', skipped: 'skip' };

/** One line per finished test, printed as the run goes. */
export function formatTestLine(test: TestOutcome): string {
  const why = (test.state === 'skipped' || test.state === 'errored') && test.message ? ` (${test.message})` : '';
  return `  ${mark[test.state]} [${test.rules.join(', ') || 'no rule'}] ${test.name}${why}`;
}

function sourceText(rule: RuleOutcome): string {
  const first = rule.sources[0];
  if (!first) return '';
  switch (first.kind) {
    case 'spec':
      return `spec ${first.pointer}`;
    case 'docs':
      return `docs ${first.page}${first.section ? ` § ${first.section}` : ''}`;
    case 'seed':
      return `seed "${first.document}"${first.section ? ` § ${first.section}` : ''}`;
    case 'repo':
      return `docs ${first.path}`;
    case 'sdk':
      return `sdk ${first.path}`;
    case 'derived':
      return `from ${first.from.join(', ')}`;
  }
}

/** Where the replay lines' variables come from; the JSON and JUnit reports say the same. */
export const replayVariablesNote =
  'Replay lines use $SCALEKIT_ACCESS_TOKEN (`scalekit-conformance token --target URL` prints it) and $SCALEKIT_CLIENT_SECRET; $SCALEKIT_ID_TOKEN and $SCALEKIT_AUTH_CODE come from a fresh sign-in.';

/** The per-rule table: every rule that has tests, then a count of the uncovered ones. */
export function formatRuleTable(report: RunReport): string {
  const shown = report.rules.filter((r) => r.status !== 'uncovered');
  const rows = shown.map((r) => {
    const status = r.status === 'failed' && r.force !== 'MUST' ? 'warning' : r.status;
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
  const failures = shown.filter((r) => r.status === 'failed');
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
  const s = report.summary;
  out.push(
    '',
    `rules: ${s.passed} passed, ${s.failed} failed (${s.warnings} of them SHOULD/MAY warnings), ${s.errored} errored, ${s.skipped} skipped, ${s.uncovered} uncovered (list them with \`scalekit-conformance rules --uncovered\`)`,
    `tests: ${s.tests.passed} passed, ${s.tests.failed} failed, ${s.tests.errored} errored, ${s.tests.skipped} skipped${s.diagnostics > 0 ? `; ${s.diagnostics} diagnostic(s)` : ''}`,
  );
  return out.join('\n');
}
