// What a rule's outcome means for the run, and the one-line notes about a run, shared by the console, JUnit,
// Markdown, HTML and annotation reporters, so they never disagree on what a failed rule means.
import { type Failure, formatFailure } from '../checks/failure.js';
import { describeProblem } from '../client/problems.js';
import type { RuleOutcome, RunReport } from './model.js';

/**
 * What a rule's outcome means for the run: a MUST failure fails it; a warning (a failed SHOULD or MAY rule), an
 * expected failure (an `--expectations` entry that was met) and an unexpected pass (one that was not, on a passed
 * rule) are reported without failing it (an unexpected pass does with `--strict-expectations`). Deselected rules
 * were left out by the run's selection and are only counted.
 */
export type RuleGrade =
  | 'must-failure'
  | 'warning'
  | 'expected-failure'
  | 'unexpected-pass'
  | 'errored'
  | 'skipped'
  | 'passed'
  | 'uncovered'
  | 'deselected';

export function gradeOf(rule: RuleOutcome): RuleGrade {
  if (rule.deselected) return 'deselected';
  if (rule.status === 'failed') {
    if (rule.expectation?.met) return 'expected-failure';
    return rule.force === 'MUST' ? 'must-failure' : 'warning';
  }
  if (rule.status === 'passed' && rule.expectation && !rule.expectation.met) return 'unexpected-pass';
  return rule.status;
}

/** The first line of a text (failure messages and problems may carry response bodies over many lines). */
export const firstLine = (text: string) => text.split(/\r?\n|\r/, 1)[0] ?? '';

/** `ALG-010 status code: expected 401 but got 200`: the line a CI viewer shows for a failure. */
export const failureHeadline = (failure: Failure) => firstLine(formatFailure(failure));

/** One line for an errored rule: `ALG-007: no verdict: GET http://…: did not answer within 10000 ms`. */
export function noVerdictHeadline(rule: RuleOutcome): string {
  const problem = rule.errors?.[0];
  return `${rule.id}: no verdict: ${firstLine(problem ? describeProblem(problem) : (rule.reason ?? 'no usable answer'))}`;
}

/** What an unexpected pass's entry said: `expected to fail (reason)`. */
export function expectedOutcomeText(rule: RuleOutcome): string {
  const outcome = rule.expectation?.outcome === 'skip' ? 'be skipped' : 'fail';
  return `expected to ${outcome} (${rule.expectation?.reason ?? 'no reason given'})`;
}

/** `3 rules not selected (--only ALG-*, --shard 1/2)`, or undefined when the selection left nothing out. */
export function deselectedNote(report: RunReport): string | undefined {
  const count = report.rules.filter((r) => r.deselected).length;
  if (count === 0) return undefined;
  const how = [
    report.only.length > 0 ? `--only ${report.only.join(',')}` : '',
    report.exclude.length > 0 ? `--exclude ${report.exclude.join(',')}` : '',
    report.shard ? `--shard ${report.shard.index}/${report.shard.count}` : '',
  ].filter(Boolean);
  return `${count} rule${count === 1 ? '' : 's'} not selected (${how.join(', ') || "the run's selection"})`;
}

/** Entries of the expectations file that did not apply: expired ones, and ones that matched nothing. */
export function expectationNotes(report: RunReport): string[] {
  const outcome = report.expectations;
  if (!outcome) return [];
  return [
    ...outcome.expired.map(
      (e) => `expectations ${outcome.file}: entry "${e.match}" expired on ${e.until ?? '?'}, not applied (${e.reason})`,
    ),
    ...outcome.unmatched.map(
      (e) => `expectations ${outcome.file}: entry "${e.match}" matched no rule and no test of the run (${e.reason})`,
    ),
  ];
}

/**
 * Unexpected passes of entries naming a test rather than a rule: no rule's outcome carries them, so the reporters
 * list them by the test's name.
 */
export function unexpectedTestPasses(report: RunReport): { name: string; reason?: string }[] {
  const ruleIds = new Set(report.rules.map((r) => r.id));
  return (report.expectations?.unexpectedPasses ?? [])
    .filter((name) => !ruleIds.has(name))
    .map((name) => {
      const reason = report.tests.find((t) => t.fullName === name)?.expectation?.reason;
      return reason === undefined ? { name } : { name, reason };
    });
}

/** Lines about how the run went that belong to no rule: stopped early, stopped at --max-failures. */
export function runNotes(report: RunReport): string[] {
  const notes: string[] = [];
  const { maxFailures, stopped } = report;
  if (maxFailures?.reached) {
    notes.push(
      `the run stopped after ${maxFailures.limit} failed MUST rule${maxFailures.limit === 1 ? '' : 's'} (--max-failures ${maxFailures.limit}); ${maxFailures.notRun} test${maxFailures.notRun === 1 ? ' was' : 's were'} not run`,
    );
  }
  if (stopped) {
    notes.push(
      `the target stopped answering after ${stopped.afterRequests} requests at ${stopped.at}: ${stopped.cause}; the rest of the run was not sent`,
    );
  }
  return notes;
}
