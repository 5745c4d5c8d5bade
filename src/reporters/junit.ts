import { formatFailure } from '../checks/failure.js';
import { describeHookStateOutcome } from '../client/hook-state.js';
import { describeProblem } from '../client/problems.js';
import { replayVariablesNote } from './console.js';
import type { RunReport } from './model.js';
import type { Redactor } from './redact.js';
import { writeAtomically } from './write.js';

// XML 1.0 cannot carry most control characters, even escaped; drop them (they only come from response bodies).
const xmlSafe = (text: string) =>
  [...text].filter((c) => c.charCodeAt(0) >= 0x20 || c === '\t' || c === '\n' || c === '\r').join('');

const escapeXml = (text: string) =>
  xmlSafe(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * JUnit XML with one testsuite per rule area and one testcase per rule (CI dashboards then show rules, not test
 * files). Uncovered rules are left out; skipped rules carry their reason.
 */
export function renderJunit(report: RunReport): string {
  const byArea = new Map<string, RunReport['rules']>();
  for (const rule of report.rules) {
    if (rule.status === 'uncovered') continue;
    byArea.set(rule.area, [...(byArea.get(rule.area) ?? []), rule]);
  }
  const suites = [...byArea].map(([area, rules]) => {
    const failures = rules.filter((r) => r.status === 'failed').length;
    const errors = rules.filter((r) => r.status === 'errored').length;
    const skipped = rules.filter((r) => r.status === 'skipped').length;
    const cases = rules.map((rule) => {
      const name = `${rule.id} ${rule.statement}`;
      const open = `    <testcase classname="${escapeXml(`scalekit-conformance.${area}`)}" name="${escapeXml(name)}">`;
      if (rule.status === 'skipped') return `${open}<skipped message="${escapeXml(rule.reason ?? '')}"/></testcase>`;
      if (rule.status === 'errored') {
        const text = (rule.errors ?? []).map((e) => `${e.test}\n  ${describeProblem(e)}`).join('\n\n');
        return `${open}\n      <error message="${escapeXml(`${rule.id}: no verdict: ${rule.reason ?? 'no usable answer'}`)}">${escapeXml(text)}</error>\n    </testcase>`;
      }
      if (rule.status === 'failed') {
        const failures = rule.failures ?? [];
        const replays = failures.some((f) => f.replay) ? `\n\n${replayVariablesNote}` : '';
        const text = failures.map(formatFailure).join('\n\n') + replays;
        const severity = rule.force === 'MUST' ? 'failure' : `${rule.force} warning`;
        return `${open}\n      <failure message="${escapeXml(`${rule.id} (${severity})`)}">${escapeXml(text)}</failure>\n    </testcase>`;
      }
      if (rule.diagnostics?.length) {
        const text = rule.diagnostics.map((d) => `warning: ${formatFailure(d)}`).join('\n');
        return `${open}\n      <system-out>${escapeXml(text)}</system-out>\n    </testcase>`;
      }
      return `${open}</testcase>`;
    });
    return `  <testsuite name="${escapeXml(area)}" tests="${rules.length}" failures="${failures}" errors="${errors}" skipped="${skipped}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const settings = report.targetSettings && describeHookStateOutcome(report.targetSettings);
  // What the run did to the target's settings is no test: a suite without test cases, read as its output.
  if (settings?.length) {
    const out = escapeXml(settings.join('\n'));
    suites.push(
      `  <testsuite name="target settings" tests="0" failures="0" errors="0" skipped="0">\n    <system-out>${out}</system-out>\n  </testsuite>`,
    );
  }
  const s = report.summary;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="scalekit-conformance" tests="${s.passed + s.failed + s.errored + s.skipped}" failures="${s.failed}" errors="${s.errored}" skipped="${s.skipped}" time="${(report.durationMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

export function writeJunitReport(path: string, report: RunReport, redactor: Redactor): void {
  writeAtomically(path, redactor.redact(renderJunit(report)));
}

/** The JUnit of a run that did not complete: one test case with an `<error>` saying why, so CI shows red. */
export function renderIncompleteJunit(reason: string): string {
  const message = escapeXml(`the run did not complete: ${reason}`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="scalekit-conformance" tests="1" failures="0" errors="1" skipped="0">\n  <testsuite name="run" tests="1" failures="0" errors="1" skipped="0">\n    <testcase classname="scalekit-conformance.run" name="the run completes">\n      <error message="${message}">${message}</error>\n    </testcase>\n  </testsuite>\n</testsuites>\n`;
}
