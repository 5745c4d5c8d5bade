import { leftOutBy, type RuleSelection } from '../rules/selector.js';
import type { Rule } from '../rules/types.js';
import type { RuleOutcome, RuleStatus, RunReport, TestOutcome } from './model.js';
import { isSelectionNote } from './vitest-collector.js';

/**
 * Why no suite test can cite a rule, or undefined when one could: a rule observable only in the dashboard, a fact
 * about the SDK, or one the harness's own tests hold (a rule for receivers, a fact of the spec). Such a rule is
 * reported as skipped with this reason, never as uncovered.
 */
export function notCheckableReason(rule: Rule): string | undefined {
  if (rule.via.length > 0 && rule.via.every((v) => v === 'dashboard')) {
    return 'not checkable through the API: dashboard-only configuration';
  }
  if (rule.provenByHarness) return `not checkable against a target: ${rule.provenByHarness}`;
  if (rule.via.length > 0 && rule.via.every((v) => v === 'sdk' || v === 'dashboard')) {
    return 'not checkable through the API: a fact about the SDK, kept true by the harness tests';
  }
  return undefined;
}

/** At most this many diagnostics per rule in a report; the rest are counted. */
const diagnosticsKept = 20;

/**
 * Per-rule verdicts from per-test outcomes. A rule fails if any test citing it failed on a real answer, is errored
 * if none failed but one got no answer, passes if every test citing it that ran passed, is skipped if none ran
 * (with the reasons), and is uncovered if no test cites it. Diagnostics ride along under the rule, whatever it is.
 */
export function aggregateRules(catalogue: readonly Rule[], tests: readonly TestOutcome[]): RuleOutcome[] {
  return catalogue.map((rule): RuleOutcome => {
    const citing = tests.filter((t) => t.rules.includes(rule.id));
    const diagnostics = citing.flatMap((t) => (t.diagnostics ?? []).filter((d) => d.rule === rule.id));
    const base = {
      id: rule.id,
      force: rule.force,
      area: rule.area,
      statement: rule.statement,
      sources: rule.sources,
      tests: citing.map((t) => ({ name: t.fullName, file: t.file, state: t.state })),
      ...(diagnostics.length > 0 ? { diagnostics: diagnostics.slice(0, diagnosticsKept) } : {}),
    };
    if (citing.length === 0) {
      const reason = notCheckableReason(rule);
      return reason
        ? { ...base, status: 'skipped', reason }
        : { ...base, status: 'uncovered', reason: 'no test cites this rule yet' };
    }
    // A failure on a real answer decides the rule, whatever else happened.
    const failed = citing.filter((t) => t.state === 'failed');
    if (failed.length > 0) {
      return {
        ...base,
        status: 'failed',
        failures: failed.flatMap((t) =>
          t.failures.length > 0
            ? t.failures.filter((f) => f.rule === rule.id || !t.failures.some((g) => g.rule === rule.id))
            : [
                {
                  rule: rule.id as never,
                  title: t.fullName,
                  expected: 'the test to pass',
                  received: t.message ?? 'an error',
                },
              ],
        ),
      };
    }
    // No failure, but a test got no answer: the rule was not judged, whatever the other tests found.
    const errored = citing.filter((t) => t.state === 'errored');
    if (errored.length > 0) {
      return {
        ...base,
        status: 'errored',
        reason: errored[0]?.message ?? 'no usable answer',
        errors: errored.map((t) => ({
          test: t.fullName,
          ...(t.errored ?? { kind: 'transport' as const, cause: t.message ?? 'no usable answer' }),
        })),
      };
    }
    if (citing.some((t) => t.state === 'passed')) return { ...base, status: 'passed' };
    const reasons = [...new Set(citing.map((t) => t.message ?? 'skipped'))];
    // Left out by the run's selection, not skipped for a reason of the target's: reports count it, not list it.
    const deselected = citing.every((t) => isSelectionNote(t.message)) ? { deselected: true as const } : {};
    return { ...base, status: 'skipped', reason: reasons.join('; '), ...deselected };
  });
}

export function summarise(rules: readonly RuleOutcome[], tests: readonly TestOutcome[]): RunReport['summary'] {
  // What the selection left out is counted apart: `skipped` is what the run chose to run and could not.
  const judged = rules.filter((r) => !r.deselected);
  const count = (status: RuleStatus) => judged.filter((r) => r.status === status).length;
  const run = tests.filter((t) => !isSelectionNote(t.message));
  const tally = (state: TestOutcome['state']) => run.filter((t) => t.state === state).length;
  const deselected = rules.length - judged.length;
  const testsDeselected = tests.length - run.length;
  return {
    completed: true,
    passed: count('passed'),
    failed: count('failed'),
    errored: count('errored'),
    skipped: count('skipped'),
    uncovered: count('uncovered'),
    warnings: judged.filter((r) => r.status === 'failed' && r.force !== 'MUST').length,
    diagnostics: tests.reduce((sum, t) => sum + (t.diagnostics?.length ?? 0), 0),
    ...(deselected > 0 ? { deselected } : {}),
    tests: {
      passed: tally('passed'),
      failed: tally('failed'),
      errored: tally('errored'),
      skipped: tally('skipped'),
      ...(testsDeselected > 0 ? { deselected: testsDeselected } : {}),
    },
  };
}

/** True for a failed MUST rule no met expectation covers: such a rule fails the run (exit 1). */
export function failsRun(rule: RuleOutcome): boolean {
  return rule.status === 'failed' && rule.force === 'MUST' && !rule.expectation?.met;
}

/** True when a rule fails the run: the run's verdict (exit code 1). */
export function hasMustFailure(rules: readonly RuleOutcome[]): boolean {
  return rules.some(failsRun);
}

/**
 * Rules outside the run's --only or inside its --exclude that no test judged (skipped, uncovered): the selection's,
 * not the target's, so reports count them instead of listing them. A rule a selected test judged keeps its verdict.
 */
export function deselectOutside(selection: RuleSelection, outcomes: RuleOutcome[]): RuleOutcome[] {
  if (selection.only.length === 0 && selection.exclude.length === 0) return outcomes;
  const leftOut = leftOutBy(selection);
  return outcomes.map((rule) =>
    (rule.status === 'skipped' || rule.status === 'uncovered') && leftOut([rule.id]) && !rule.deselected
      ? { ...rule, deselected: true as const }
      : rule,
  );
}
