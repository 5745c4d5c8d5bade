// Aggregation: the suites' outcomes become one verdict per catalogue rule and the run's report, and the report decides
// the exit code.
import { type DriftFinding, driftKey } from '../checks/drift.js';
import type { HookStateOutcome } from '../client/hook-state.js';
import type { StopReason } from '../client/problems.js';
import { ExitCode, UserError } from '../errors.js';
import { aggregateRules, deselectOutside, hasMustFailure, summarise } from '../reporters/aggregate.js';
import { replayVariablesNote } from '../reporters/console.js';
import type { RunReport, TestOutcome } from '../reporters/model.js';
import { isSelectionNote } from '../reporters/vitest-collector.js';
import { rules } from '../rules/catalogue.js';
import type { ResolvedSpec } from '../spec/resolve.js';
import { toolName, toolVersion } from '../version.js';
import type { SuiteResults } from './execute.js';
import type { RunSettings } from './run-settings.js';

export interface FinishedRun {
  settings: RunSettings;
  spec: ResolvedSpec;
  /** What `--max-failures` did, when it was given. */
  maxFailures?: RunReport['maxFailures'];
  /** The target as the console named it. */
  targetLabel: string;
  started: number;
  results: SuiteResults;
  /** Why the workers stopped sending, when the target stopped answering. */
  targetStopped: StopReason | undefined;
  /** What became of the target's settings, for a run that put them back. */
  targetSettings: HookStateOutcome | undefined;
}

/** The report of a run that completed: every rule's verdict, every test, the drift and what the run exercised. */
export function buildRunReport(run: FinishedRun): RunReport {
  const { settings, spec, results, targetStopped: stopReason, targetSettings } = run;
  const stopped = stopReason && {
    afterRequests: results.tests.reduce((sum, t) => sum + (t.requests ?? 0), 0),
    at: stopReason.at,
    cause: stopReason.request ? `${stopReason.request}: ${stopReason.cause}` : stopReason.cause,
  };
  const ruleOutcomes = deselectOutside(settings, aggregateRules(rules, results.tests));
  return {
    tool: { name: toolName, version: toolVersion },
    target: run.targetLabel,
    spec: { origin: spec.origin, sha256: spec.sha256 },
    seed: settings.seed,
    only: settings.only,
    exclude: settings.exclude,
    startedAt: new Date(run.started).toISOString(),
    durationMs: Date.now() - run.started,
    summary: summarise(ruleOutcomes, results.tests),
    rules: ruleOutcomes,
    tests: results.tests,
    errors: results.errors,
    drift: uniqueDrift(results.tests.flatMap((t) => t.drift)),
    operations: exercisedStatuses(results.tests),
    ...(settings.shard ? { shard: settings.shard } : {}),
    ...(run.maxFailures ? { maxFailures: run.maxFailures } : {}),
    ...(stopped ? { stopped } : {}),
    ...(targetSettings ? { targetSettings } : {}),
    ...(ruleOutcomes.some((r) => r.failures?.some((f) => f.replay)) ? { replayVariables: replayVariablesNote } : {}),
  };
}

/**
 * 3 if a suite failed to load (4 if the target had stopped answering), 1 if a MUST rule failed, 4 if anything errored
 * or the target stopped answering, else 0; a UserError (exit 2) when `--only` selected no test at all.
 */
export function exitCodeOf(report: RunReport): ExitCode {
  // A suite that could not even set itself up because the target went away is the outage, not a bug of ours.
  if (report.errors.length > 0) return report.stopped ? ExitCode.errored : ExitCode.internal;
  // Only when nothing was selected: tests cut short by a stopped target or skipped for a precondition were.
  const selecting = report.only.length > 0 || report.exclude.length > 0;
  if (selecting && report.tests.every((t) => t.state === 'skipped' && isSelectionNote(t.message))) {
    const flags = [
      ...(report.only.length > 0 ? [`--only ${report.only.join(',')}`] : []),
      ...(report.exclude.length > 0 ? [`--exclude ${report.exclude.join(',')}`] : []),
    ];
    throw new UserError(
      `${flags.join(' ')} selected no test`,
      'Pick rules that have tests: `scalekit-conformance rules`',
    );
  }
  // A MUST failure the expectations file expects does not fail the run; with --strict-expectations, a stale entry does.
  if (hasMustFailure(report.rules)) return ExitCode.conformanceFailure;
  if (report.expectations?.strict && report.expectations.unexpectedPasses.length > 0) {
    return ExitCode.conformanceFailure;
  }
  const s = report.summary;
  return report.stopped || s.errored > 0 || s.tests.errored > 0 ? ExitCode.errored : ExitCode.ok;
}

/** Per operation, every status any test saw it answer, sorted: the report's coverage of statuses. */
function exercisedStatuses(tests: readonly TestOutcome[]): Record<string, number[]> {
  const statuses = new Map<string, Set<number>>();
  for (const test of tests) {
    for (const [operation, seen] of Object.entries(test.exercised ?? {})) {
      const set = statuses.get(operation) ?? new Set<number>();
      for (const status of seen) set.add(status);
      statuses.set(operation, set);
    }
  }
  return Object.fromEntries(
    [...statuses].sort(([a], [b]) => a.localeCompare(b)).map(([op, set]) => [op, [...set].sort((x, y) => x - y)]),
  );
}

/** One drift entry per observation (kind, operation, status, rule and what was seen), however many tests saw it. */
function uniqueDrift(findings: DriftFinding[]): DriftFinding[] {
  const byKey = new Map(findings.map((f) => [driftKey(f), f]));
  return [...byKey.values()];
}
