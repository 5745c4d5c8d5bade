// merge-reports: the shards of one `run --shard K/N` series become the report one unsharded run would have written.
// Per-rule verdicts are aggregated again from the merged tests, so a rule whose tests ran in two shards is judged on
// all of them, exactly as buildRunReport judges a run.
import { type DriftFinding, driftKey } from '../checks/drift.js';
import { UserError } from '../errors.js';
import { catalogue } from '../rules/catalogue.js';
import { toolName } from '../version.js';
import { aggregateRules, deselectOutside, summarise } from './aggregate.js';
import type { RunReport, TestOutcome } from './model.js';
import { isSelectionNote } from './vitest-collector.js';

/** The skip reason a shard gives a test of another shard's files (vitest-collector's otherShardNote). */
const isShardNote = (message: string | undefined) => message?.startsWith('in another shard (') === true;

/** A test this report lists without having run it: another shard's, or one the run's selection left out. */
const notRunHere = (test: TestOutcome) =>
  test.state === 'skipped' && (isSelectionNote(test.message) || isShardNote(test.message));

const testKey = (test: TestOutcome) => `${test.file}\u0000${test.fullName}`;

/** The embedded mock is served on a port of its own per shard; only the rest of its label says which target it was. */
const mockLabel = /^embedded mock \([^)]*\)/;
const comparableTarget = (target: string) => target.replace(mockLabel, 'embedded mock');

const sameRunFix = `Merge the reports of one series of \`${toolName} run --shard K/N\` runs (same seed, spec, target, --only, --exclude and N), one report per shard`;

/**
 * The report one unsharded run would have written, from the reports of every shard of one run. `names` say which
 * report is which in errors (the CLI passes the file names). Throws a UserError when the reports do not belong
 * together, one is missing, or one did not complete.
 *
 * Expectations (`--expectations`) are not carried over: each shard applied them to its own part, and what they make
 * of the merged verdicts is not the union of those. The merged report judges without them.
 */
export function mergeReports(
  given: readonly RunReport[],
  names: readonly string[] = given.map((_, i) => `report ${i + 1}`),
): RunReport {
  // Shallow copies, so that a report given twice is still two reports, each with its name.
  const reports = given.map((report) => ({ ...report }));
  const nameOf = (report: RunReport) => names[reports.indexOf(report)] ?? 'a report';
  const first = reports[0];
  if (!first) throw new UserError('there is no report to merge', 'Pass the --report-json file of every shard');
  for (const report of reports) {
    if (report.summary.completed === false || report.incomplete !== undefined) {
      throw new UserError(
        `${nameOf(report)} is the report of a run that did not complete (${report.incomplete ?? 'no reason given'})`,
        'Run that shard again, then merge',
      );
    }
    if (!report.shard) {
      throw new UserError(
        `${nameOf(report)} is not a shard report (run --shard K/N)`,
        `Merge only the reports of \`${toolName} run --shard K/N\` runs`,
      );
    }
  }
  for (const report of reports.slice(1)) assertSameRun(first, report, nameOf);
  const shards = inShardOrder(reports, nameOf);
  for (const report of shards) assertCatalogue(report, nameOf(report));

  const tests = mergeTests(shards, nameOf);
  // As the run itself marks them: rules outside its --only or inside its --exclude that no test judged.
  const rules = deselectOutside(first, aggregateRules(catalogue, tests));
  const targets = new Set(shards.map((r) => r.target));
  const stopped = shards.find((r) => r.stopped)?.stopped;
  const withSettings = shards.filter((r) => r.targetSettings);
  const replayVariables = shards.find((r) => r.replayVariables)?.replayVariables;
  const maxFailures = mergeMaxFailures(shards);
  return {
    tool: first.tool,
    target: targets.size === 1 ? first.target : first.target.replace(mockLabel, 'embedded mock (one per shard)'),
    spec: first.spec,
    seed: first.seed,
    only: first.only,
    exclude: first.exclude,
    startedAt: earliestStart(shards) ?? first.startedAt,
    // The shards run side by side, so the run took as long as its longest shard, not the sum of them.
    durationMs: Math.max(...shards.map((r) => r.durationMs)),
    summary: summarise(rules, tests),
    rules,
    tests,
    errors: shards.flatMap((r) => r.errors.map((error) => `${shardLabel(r)}: ${error}`)),
    drift: uniqueDrift(shards.flatMap((r) => r.drift)),
    ...(shards.some((r) => r.operations) ? { operations: mergeOperations(shards) } : {}),
    ...(stopped ? { stopped } : {}),
    // Each shard puts back what it changed; with two or more, no one of them says how the target was left.
    ...(withSettings.length === 1 && withSettings[0]?.targetSettings
      ? { targetSettings: withSettings[0].targetSettings }
      : {}),
    ...(replayVariables ? { replayVariables } : {}),
    ...(maxFailures ? { maxFailures } : {}),
  };
}

/** The expectations files the shards applied (`run --expectations`), which the merged report does not carry. */
export function expectationsLeftOut(reports: readonly RunReport[]): string[] {
  return [...new Set(reports.flatMap((r) => (r.expectations ? [r.expectations.file] : [])))];
}

function earliestStart(shards: readonly RunReport[]): string | undefined {
  const starts = shards.map((r) => Date.parse(r.startedAt)).filter(Number.isFinite);
  return starts.length > 0 ? new Date(Math.min(...starts)).toISOString() : undefined;
}

const shardLabel = (report: RunReport) => `shard ${report.shard?.index}/${report.shard?.count}`;

function assertSameRun(first: RunReport, report: RunReport, nameOf: (report: RunReport) => string): void {
  const sorted = (values: readonly string[]) => JSON.stringify([...values].sort());
  const differences: [string, string, string][] = [
    ['tool', `${first.tool.name} ${first.tool.version}`, `${report.tool.name} ${report.tool.version}`],
    ['seed', String(first.seed), String(report.seed)],
    ['spec sha256', first.spec.sha256, report.spec.sha256],
    ['target', comparableTarget(first.target), comparableTarget(report.target)],
    ['--only', sorted(first.only), sorted(report.only)],
    ['--exclude', sorted(first.exclude), sorted(report.exclude)],
    ['shard count', String(first.shard?.count), String(report.shard?.count)],
  ];
  for (const [what, expected, found] of differences) {
    if (expected !== found) {
      throw new UserError(
        `${nameOf(report)} and ${nameOf(first)} are not shards of one run: ${what} ${found} and ${expected}`,
        sameRunFix,
      );
    }
  }
}

/** The reports ordered by shard index, each index from 1 to N exactly once. */
function inShardOrder(reports: readonly RunReport[], nameOf: (report: RunReport) => string): RunReport[] {
  const count = reports[0]?.shard?.count ?? 0;
  const byIndex = new Map<number, RunReport>();
  for (const report of reports) {
    const index = report.shard?.index ?? 0;
    if (!Number.isInteger(index) || !Number.isInteger(count) || index < 1 || index > count) {
      throw new UserError(`${nameOf(report)} names no shard of ${count}: ${shardLabel(report)}`, sameRunFix);
    }
    const twin = byIndex.get(index);
    if (twin) throw new UserError(`${nameOf(twin)} and ${nameOf(report)} are both ${shardLabel(report)}`, sameRunFix);
    byIndex.set(index, report);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !byIndex.has(index));
  if (missing.length > 0) {
    const list = missing.map((index) => `${index}/${count}`).join(', ');
    throw new UserError(
      `shard ${list} ${missing.length === 1 ? 'is' : 'are'} missing: the merged report would lack its tests`,
      `Pass the --report-json file of every shard, 1/${count} to ${count}/${count}`,
    );
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, report]) => report);
}

/** The rules are judged again with this tool's catalogue: a report written with another one would be misjudged. */
function assertCatalogue(report: RunReport, name: string): void {
  const known = new Set(catalogue.map((rule) => rule.id));
  if (report.rules.length !== known.size || report.rules.some((rule) => !known.has(rule.id))) {
    throw new UserError(
      `${name} was written with another rule catalogue (${report.tool.name} ${report.tool.version})`,
      `Merge it with the ${toolName} that wrote it`,
    );
  }
}

/**
 * Every test once: as the shard that ran it saw it, then those no shard ran, with the run's selection note. A test
 * only ever listed as another shard's is dropped: its own shard did not list it (its file failed to load there, an
 * error the merged report carries), and an unsharded run would not have listed it either.
 */
function mergeTests(shards: readonly RunReport[], nameOf: (report: RunReport) => string): TestOutcome[] {
  const ranBy = new Map<string, RunReport>();
  const ran: TestOutcome[] = [];
  for (const shard of shards) {
    for (const test of shard.tests) {
      if (notRunHere(test)) continue;
      const key = testKey(test);
      const other = ranBy.get(key);
      if (other && other !== shard) {
        throw new UserError(
          `"${test.fullName}" (${test.file}) was run by both ${shardLabel(other)} (${nameOf(other)}) and ${shardLabel(shard)} (${nameOf(shard)}): the shards overlap`,
          sameRunFix,
        );
      }
      ranBy.set(key, shard);
      ran.push(withoutExpectation(test));
    }
  }
  // One shard's entries per test no shard ran: a file may hold tests of one name, and each shard lists them all.
  const noteFrom = new Map<string, RunReport>();
  const leftOut: TestOutcome[] = [];
  for (const shard of shards) {
    for (const test of shard.tests) {
      const key = testKey(test);
      if (ranBy.has(key) || isShardNote(test.message)) continue;
      if ((noteFrom.get(key) ?? shard) !== shard) continue;
      noteFrom.set(key, shard);
      leftOut.push(withoutExpectation(test));
    }
  }
  return [...ran, ...leftOut];
}

function withoutExpectation(test: TestOutcome): TestOutcome {
  const { expectation, ...rest } = test;
  return expectation ? rest : test;
}

/** One drift entry per observation, however many shards saw it (as buildRunReport keeps one per run). */
function uniqueDrift(findings: readonly DriftFinding[]): DriftFinding[] {
  return [...new Map(findings.map((f) => [driftKey(f), f])).values()];
}

/** Per operation, every status any shard saw it answer, sorted. */
function mergeOperations(shards: readonly RunReport[]): Record<string, number[]> {
  const statuses = new Map<string, Set<number>>();
  for (const shard of shards) {
    for (const [operation, seen] of Object.entries(shard.operations ?? {})) {
      statuses.set(operation, new Set([...(statuses.get(operation) ?? []), ...seen]));
    }
  }
  return Object.fromEntries(
    [...statuses].sort(([a], [b]) => a.localeCompare(b)).map(([op, set]) => [op, [...set].sort((x, y) => x - y)]),
  );
}

/** Each shard counts its own failed MUST rules against the limit: reached if any shard reached it. */
function mergeMaxFailures(shards: readonly RunReport[]): RunReport['maxFailures'] {
  const limited = shards.flatMap((r) => (r.maxFailures ? [r.maxFailures] : []));
  const limit = limited[0]?.limit;
  if (limit === undefined) return undefined;
  return {
    limit,
    reached: limited.some((m) => m.reached),
    notRun: limited.reduce((sum, m) => sum + m.notRun, 0),
  };
}
