import { formatFailure } from '../checks/failure.js';
import type { RuleOutcome, RunReport, TestOutcome } from './model.js';

const mark: Record<TestOutcome['state'], string> = { passed: 'ok  ', failed: 'FAIL', skipped: 'skip' };

/** One line per finished test, printed as the run goes. */
export function formatTestLine(test: TestOutcome): string {
  const why = test.state === 'skipped' && test.message ? ` (${test.message})` : '';
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

/** The per-rule table: every rule that has tests, then a count of the uncovered ones. */
export function formatRuleTable(report: RunReport): string {
  const shown = report.rules.filter((r) => r.status !== 'uncovered');
  const rows = shown.map((r) => {
    const status = r.status === 'failed' && r.force !== 'MUST' ? 'warning' : r.status;
    const reason = r.status === 'skipped' && r.reason ? ` (${r.reason})` : '';
    return [r.id, r.force, status + reason, sourceText(r)];
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
    out.push('', 'Failures:');
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
  const s = report.summary;
  out.push(
    '',
    `rules: ${s.passed} passed, ${s.failed} failed (${s.warnings} of them SHOULD/MAY warnings), ${s.skipped} skipped, ${s.uncovered} uncovered (list them with \`scalekit-conformance rules --uncovered\`)`,
    `tests: ${s.tests.passed} passed, ${s.tests.failed} failed, ${s.tests.skipped} skipped`,
  );
  return out.join('\n');
}
