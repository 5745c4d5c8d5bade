import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { type DriftFinding, driftKey, summariseDrift } from '../checks/drift.js';
import { createTokenSession } from '../client/api.js';
import { ControlHooks } from '../client/control-hooks.js';
import {
  describeHookStateOutcome,
  type HookStateOutcome,
  type HookStateSnapshot,
  restoreHookState,
  snapshotHookState,
} from '../client/hook-state.js';
import { TokenError } from '../client/oauth.js';
import { readStopReason, stoppedAnsweringThreshold } from '../client/problems.js';
import { interruptedNote, TokenBucket } from '../client/safety.js';
import { createTransport, TransportError } from '../client/transport.js';
import { systemClock } from '../clock.js';
import { describeError, ExitCode, UserError } from '../errors.js';
import { newRunId, type RunContext } from '../harness/context.js';
import { serveMock } from '../mock/http-server.js';
import { createMock } from '../mock/index.js';
import { aggregateRules, hasMustFailure, summarise } from '../reporters/aggregate.js';
import { formatRuleTable, formatTestLine, replayVariablesNote } from '../reporters/console.js';
import { writeIncompleteReports } from '../reporters/incomplete.js';
import { writeJsonReport } from '../reporters/json.js';
import { writeJunitReport } from '../reporters/junit.js';
import type { RunReport, TestOutcome } from '../reporters/model.js';
import { Redactor } from '../reporters/redact.js';
import { notSelectedNote } from '../reporters/vitest-collector.js';
import { rules } from '../rules/catalogue.js';
import { ruleSelector } from '../rules/selector.js';
import { ensureGeneratedTypes } from '../spec/generate.js';
import { resolveSpec } from '../spec/resolve.js';
import { toolName, toolVersion } from '../version.js';
import { cachedSuiteIndex, executeSuites, selectFiles } from './execute.js';
import { type RunFlags, type RunSettings, resolveRunSettings } from './run-settings.js';
import { runLedgerFile, sweepTarget, tagPattern } from './sweep.js';

/** 128 + SIGINT: how a shell reports a program stopped by Ctrl+C. */

export interface RunIo {
  out: (line: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/**
 * Fails early, before any test runs, if a report path cannot be written: a probe file is written beside it and
 * removed, so neither an empty report nor an older run's is left by the check itself.
 */
function assertWritable(path: string | undefined, flag: string): void {
  if (!path) return;
  try {
    if (existsSync(path) && statSync(path).isDirectory()) throw new Error('it is a directory');
    mkdirSync(dirname(path), { recursive: true });
    const probe = join(dirname(path), `.${basename(path)}.${process.pid}.probe`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    throw new UserError(`cannot write ${flag} ${path} (${describeError(error)})`, `Choose a writable path for ${flag}`);
  }
}

/** Checks that a URL target answers and accepts the credentials; every problem becomes a one-line UserError. */
export async function preflight(
  baseUrl: string,
  credentials: { clientId: string; clientSecret: string },
  timeoutMs: number,
) {
  const session = createTokenSession({ baseUrl, credentials, timeoutMs, clock: systemClock });
  try {
    await session.token();
  } catch (error) {
    if (error instanceof TokenError && error.kind === 'unreachable') {
      throw new UserError(
        `cannot reach the target ${baseUrl}: ${error.cause instanceof TransportError ? error.cause.reason : describeError(error.cause)}`,
        'Check --target and that the server is running and reachable',
      );
    }
    if (error instanceof TokenError && error.kind === 'rejected') {
      throw new UserError(
        `authentication failed: ${error.message}`,
        'Check SCALEKIT_CLIENT_ID and SCALEKIT_CLIENT_SECRET (or --client-id/--client-secret) for this environment',
      );
    }
    if (error instanceof TokenError) {
      throw new UserError(
        `the target's token endpoint misbehaved: ${error.message}`,
        'Check that --target is a Scalekit environment URL',
      );
    }
    throw error;
  }
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

const writesLine = (settings: RunSettings) =>
  `writes: ${settings.writes.allowed ? 'allowed' : 'refused (read-only run)'}: ${settings.writes.reason}`;
const rateLine = (settings: RunSettings) =>
  `rate:   ${settings.maxRps ? `at most ${settings.maxRps} requests per second` : 'no limit'}`;

/** `run --plan`: the run's settings and the tests it would run, per suite file, without contacting the target. */
async function printPlan(settings: RunSettings, specLine: string, out: (line: string) => void): Promise<ExitCode> {
  const target = settings.target.kind === 'mock' ? 'the embedded mock' : settings.target.baseUrl;
  out(`${toolName} ${toolVersion}: plan only, nothing is sent to the target`);
  out(`target: ${target} (from ${settings.targetSource})`);
  out(specLine);
  out(`seed:   ${settings.seed}`);
  out(writesLine(settings));
  out(rateLine(settings));
  if (settings.only.length > 0) out(`only:   ${settings.only.join(', ')}`);
  const selected = ruleSelector(settings.only);
  const byFile = new Map<string, { names: string[]; rules: Set<string> }>();
  for (const test of await cachedSuiteIndex()) {
    if (!test.rules.some(selected)) continue;
    const entry = byFile.get(test.file) ?? { names: [], rules: new Set<string>() };
    entry.names.push(`[${test.rules.join(', ')}] ${test.name}`);
    for (const rule of test.rules) entry.rules.add(rule);
    byFile.set(test.file, entry);
  }
  const total = [...byFile.values()].reduce((sum, entry) => sum + entry.names.length, 0);
  out(`tests that would run: ${total} in ${byFile.size} file(s)`);
  for (const [file, { names, rules }] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    out(`  ${file}: ${names.length} test(s), rules ${[...rules].sort().join(', ')}`);
    for (const name of names) out(`    ${name}`);
  }
  if (!settings.writes.allowed) out('Tests that need a write will be skipped: "precondition not met".');
  return ExitCode.ok;
}

/**
 * Handles SIGINT and SIGTERM for the run: the first one calls `onInterrupt`, a second one exits at once. vitest
 * exits the process on these signals as soon as it starts, which would skip the sweep, so listeners added for them
 * while the run watches are taken off again. Returns the function that stops watching.
 */
function watchInterrupts(onInterrupt: (signal: NodeJS.Signals) => void, onSecond: () => never): () => void {
  let seen = false;
  const handle = (signal: NodeJS.Signals) => {
    if (seen) onSecond();
    seen = true;
    onInterrupt(signal);
  };
  const dropOthers = (event: string | symbol, listener: (...args: unknown[]) => void) => {
    if ((event === 'SIGINT' || event === 'SIGTERM') && listener !== handle) {
      queueMicrotask(() => process.off(event, listener));
    }
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
  process.on('newListener', dropOthers);
  return () => {
    process.off('SIGINT', handle);
    process.off('SIGTERM', handle);
    process.off('newListener', dropOthers);
  };
}

/**
 * How long the clean-up of an interrupted run (the sweep, then the target's settings put back) may take before the
 * run exits anyway, saying what to run later.
 */
export const interruptedSweepMs = 3_000;

/**
 * The clean-up of an interrupted run, given at most `interruptedSweepMs`; past that the run says what to run later
 * and the process is made to exit soon after, however many requests the clean-up still has in flight.
 */
async function boundedCleanup(sweep: Promise<void>, retry: string, out: (line: string) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolveLate) => {
    timer = setTimeout(() => resolveLate('late'), interruptedSweepMs);
  });
  const outcome = await Promise.race([sweep.then(() => 'done' as const), late]);
  clearTimeout(timer);
  if (outcome === 'done') return;
  out(
    `sweep: stopped after ${interruptedSweepMs / 1000} s because the run was interrupted; ${retry}; settings the run changed through the control hooks may not have been put back`,
  );
  // Let the output drain, then end the requests the sweep still has in flight with the process.
  setTimeout(() => process.exit(ExitCode.interrupted), 500);
}

/** A test the interrupt cut short, as the console shows it: skipped, with the interrupt as its reason. */
function asInterrupted(test: TestOutcome): TestOutcome {
  return { ...test, state: 'skipped', message: interruptedNote, failures: [] };
}

/** Removes what this run created (its run ID's tag); never throws, so it cannot hide the run's own outcome. */
async function sweepRun(settings: RunSettings, tag: string, retry: string, out: (line: string) => void): Promise<void> {
  if (settings.target.kind !== 'url') return;
  const { baseUrl, clientId, clientSecret } = settings.target;
  try {
    const { swept, problems } = await sweepTarget(
      { baseUrl, credentials: { clientId, clientSecret }, timeoutMs: settings.timeoutMs, maxRps: settings.maxRps },
      tagPattern(tag),
      { plan: false, out: (line) => out(`sweep: ${line}`) },
    );
    if (problems.length > 0) out(`sweep: incomplete; ${retry}`);
    else if (swept.length === 0) out(`sweep: nothing tagged ${tag} was left on the target`);
  } catch (error) {
    out(`sweep failed: ${describeError(error)}; ${retry}`);
  }
}

/**
 * Keeps the target's environment-wide settings as the run found them: `snapshot` before the suites, `restore` after
 * them (and after the sweep, so what the sweep's deletions trigger never reaches the owners' webhook endpoint).
 */
function targetSettingsKeeper(settings: RunSettings, out: (line: string) => void) {
  if (settings.target.kind !== 'url') return undefined;
  const { baseUrl, clientId, clientSecret } = settings.target;
  const { timeoutMs } = settings;
  const session = createTokenSession({
    baseUrl,
    credentials: { clientId, clientSecret },
    timeoutMs,
    clock: systemClock,
  });
  const traffic = { allowWrites: true, limiter: settings.maxRps ? new TokenBucket(settings.maxRps) : undefined };
  const hooks = new ControlHooks(
    baseUrl,
    createTransport({ timeoutMs, traffic }),
    () => session.token(),
    () => session.invalidate(),
  );
  let snapshot: HookStateSnapshot | undefined;
  return {
    async snapshot() {
      snapshot = await snapshotHookState(hooks, systemClock);
    },
    /** Never throws; undefined when nothing was read before the run. */
    async restore(): Promise<HookStateOutcome | undefined> {
      if (!snapshot) return undefined;
      const outcome = await restoreHookState(hooks, snapshot, systemClock);
      for (const line of describeHookStateOutcome(outcome)) out(line);
      return outcome;
    },
  };
}

/**
 * `run`: a run that ends without a verdict (a usage error, an unreachable target, an interrupt) after report paths
 * were given leaves reports saying it did not complete, never an older run's results or an empty file.
 */
export async function runCommand(flags: RunFlags, io: RunIo): Promise<ExitCode> {
  const started = Date.now();
  const redactor = new Redactor([flags['client-secret'], io.env.SCALEKIT_CLIENT_SECRET]);
  // Until the settings are read, the flags are all that say where reports go.
  let paths = {
    json: flags['report-json'] && resolve(io.cwd, flags['report-json']),
    junit: flags['report-junit'] && resolve(io.cwd, flags['report-junit']),
  };
  const incomplete = (reason: string) => {
    try {
      const run = { tool: { name: toolName, version: toolVersion }, startedAt: new Date(started).toISOString() };
      const target = flags.target ?? io.env.SCALEKIT_ENVIRONMENT_URL ?? 'mock';
      writeIncompleteReports(paths, reason, { ...run, target, durationMs: Date.now() - started }, redactor);
    } catch {
      // The run's own error says what went wrong; a report that cannot be written adds nothing to it.
    }
  };
  try {
    const settings = resolveRunSettings(flags, io.env, io.cwd);
    paths = {
      json: settings.reportJson && resolve(io.cwd, settings.reportJson),
      junit: settings.reportJunit && resolve(io.cwd, settings.reportJunit),
    };
    assertWritable(paths.json, '--report-json');
    assertWritable(paths.junit, '--report-junit');
    const code = await runWithSettings(settings, paths, redactor, started, io, incomplete);
    if (code === ExitCode.interrupted) incomplete('interrupted by a signal');
    return code;
  } catch (error) {
    incomplete(error instanceof UserError ? error.message : describeError(error));
    throw error;
  }
}

async function runWithSettings(
  settings: RunSettings,
  paths: { json?: string | undefined; junit?: string | undefined },
  redactor: Redactor,
  started: number,
  io: RunIo,
  incomplete: (reason: string) => void,
): Promise<ExitCode> {
  const reportJson = paths.json;
  const reportJunit = paths.junit;
  if (settings.target.kind === 'url') redactor.addSecret(settings.target.clientSecret);
  const spec = await resolveSpec({ flag: settings.spec, env: io.env.SCALEKIT_OPENAPI, cwd: io.cwd });
  await ensureGeneratedTypes(spec);
  const specLine = `spec:   ${spec.origin} (sha256 ${spec.sha256.slice(0, 12)})`;
  if (settings.plan) return printPlan(settings, specLine, io.out);

  let targetLabel: string;
  let target: RunContext['target'];
  let stopMock: (() => Promise<void>) | undefined;
  if (settings.target.kind === 'mock') {
    // The embedded mock is served on loopback, so a default run takes the same socket path as a live target.
    const credentials = { clientId: 'skc_embedded_mock', clientSecret: `mock-${randomUUID()}` };
    redactor.addSecret(credentials.clientSecret);
    const served = await serveMock(
      // The mock follows the run's profile too, so a config that decides an open point differently still passes.
      createMock({
        clock: systemClock,
        credentials,
        faults: settings.target.faults,
        seed: settings.seed,
        profile: settings.profile,
      }),
    );
    stopMock = served.close;
    target = { kind: 'url', baseUrl: served.url, ...credentials };
    const faultNote = settings.target.faults.length > 0 ? ` with fault(s) ${settings.target.faults.join(', ')}` : '';
    targetLabel = `embedded mock (${served.url})${faultNote}`;
  } else {
    const { baseUrl, clientId, clientSecret } = settings.target;
    target = { kind: 'url', baseUrl, clientId, clientSecret };
    targetLabel = settings.target.baseUrl;
  }

  const runId = newRunId();
  const tag = `conf${runId}`;
  // The embedded mock is thrown away after the run: only a URL target the run may write to needs sweeping.
  const sweepable = settings.target.kind === 'url' && settings.writes.allowed;
  const sweepLater = `run \`${toolName} sweep --target ${target.baseUrl} --tag ${tag}\``;
  // Only a live target the run may write to has settings the run could change and that outlive it.
  const keeper = sweepable ? targetSettingsKeeper(settings, io.out) : undefined;
  let targetSettings: HookStateOutcome | undefined;
  // The suites run in other processes: a file is how they learn that the run was interrupted.
  const stopDir = mkdtempSync(join(tmpdir(), 'skc-run-'));
  const stopFile = join(stopDir, 'interrupted');
  const streakFile = join(stopDir, 'unanswered-streak');
  let interrupted = false;
  // vitest starts no further test once this aborts; the transports already refuse to send (the stop file).
  const stopSuites = new AbortController();
  const stopWatching = watchInterrupts(
    (signal) => {
      interrupted = true;
      writeFileSync(stopFile, signal);
      stopSuites.abort();
      io.out(`${signal}: stopping the suites${sweepable ? `, then removing what the run created (tag ${tag})` : ''}`);
    },
    () => {
      const left = sweepable
        ? `exiting without the sweep: what the run created (tagged ${tag}) may still be on the target; ${sweepLater}; settings the run changed through the control hooks were not put back`
        : 'exiting';
      io.out(`interrupted again: ${left}`);
      incomplete('interrupted twice by a signal');
      rmSync(stopDir, { recursive: true, force: true });
      process.exit(ExitCode.interrupted);
    },
  );
  const restoreOutput = redactor.guardProcessOutput();
  try {
    await preflight(target.baseUrl, target, settings.timeoutMs);
    io.out(`${toolName} ${toolVersion}`);
    io.out(`target: ${targetLabel} (from ${settings.targetSource})`);
    io.out(specLine);
    io.out(`seed:   ${settings.seed} (replay with --seed ${settings.seed})`);
    io.out(`run id: ${runId} (what the run creates is tagged ${tag}…)`);
    io.out(writesLine(settings));
    io.out(rateLine(settings));
    if (settings.only.length > 0) io.out(`only:   ${settings.only.join(', ')}`);
    await keeper?.snapshot();

    const context: RunContext = {
      target,
      specPath: spec.localPath,
      seed: settings.seed,
      timeoutMs: settings.timeoutMs,
      profile: settings.profile,
      runId,
      ...(sweepable ? { ledgerFile: runLedgerFile(runId) } : {}),
      traffic: {
        allowWrites: settings.writes.allowed,
        maxRps: settings.maxRps,
        stopFile,
        streakFile,
        maxBodyBytes: settings.maxBodyBytes,
      },
    };
    let collector: Awaited<ReturnType<typeof executeSuites>> | undefined;
    try {
      if (!interrupted) {
        // With --only, only the files citing a selected rule are loaded (the other tests would be dropped anyway).
        const selection = await selectFiles(settings.only, stopSuites.signal);
        for (const test of selection?.notLoaded ?? []) io.out(formatTestLine(test));
        const executed = await executeSuites(context, {
          only: settings.only,
          ...(selection ? { files: selection.files } : {}),
          // A test cut short by the interrupt has no verdict: it says so, never FAIL.
          onTest: (test) => io.out(formatTestLine(interrupted && test.state !== 'passed' ? asInterrupted(test) : test)),
          signal: stopSuites.signal,
        });
        collector = { ...executed, tests: [...executed.tests, ...(selection?.notLoaded ?? [])] };
      }
    } catch (error) {
      // Once interrupted, vitest's complaints about stopped suites are expected; the exit code says what happened.
      if (!interrupted) throw error;
    } finally {
      // After vitest, whatever happened: no suite is sending any more, so the sweep sees all the run created.
      // After an interrupt the sweep gets a bounded time: whoever pressed Ctrl-C wants the prompt back.
      // The settings go back after the sweep, so its deletions never notify the owners' webhook endpoint.
      const cleanup = async () => {
        await sweepRun(settings, tag, sweepLater, io.out);
        targetSettings = await keeper?.restore();
      };
      if (sweepable && !interrupted) await cleanup();
      else if (sweepable) await boundedCleanup(cleanup(), sweepLater, io.out);
    }
    if (interrupted || !collector) {
      io.out('interrupted: the run stopped early, so it has no verdict; its reports say it did not complete');
      return ExitCode.interrupted;
    }

    // Written by a worker when requests went unanswered `stoppedAnsweringThreshold` times in a row.
    const stopReason = readStopReason(stopFile);
    const stopped = stopReason && {
      afterRequests: collector.tests.reduce((sum, t) => sum + (t.requests ?? 0), 0),
      at: stopReason.at,
      cause: stopReason.request ? `${stopReason.request}: ${stopReason.cause}` : stopReason.cause,
    };
    const ruleOutcomes = aggregateRules(rules, collector.tests);
    const report: RunReport = {
      tool: { name: toolName, version: toolVersion },
      target: targetLabel,
      spec: { origin: spec.origin, sha256: spec.sha256 },
      seed: settings.seed,
      only: settings.only,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      summary: summarise(ruleOutcomes, collector.tests),
      rules: ruleOutcomes,
      tests: collector.tests,
      errors: collector.errors,
      drift: uniqueDrift(collector.tests.flatMap((t) => t.drift)),
      operations: exercisedStatuses(collector.tests),
      ...(stopped ? { stopped } : {}),
      ...(targetSettings ? { targetSettings } : {}),
      ...(ruleOutcomes.some((r) => r.failures?.some((f) => f.replay)) ? { replayVariables: replayVariablesNote } : {}),
    };
    if (reportJson) writeJsonReport(reportJson, report, redactor);
    if (reportJunit) writeJunitReport(reportJunit, report, redactor);
    io.out('');
    io.out(formatRuleTable(report));
    if (report.drift.length > 0) {
      io.out('');
      io.out('Drift: what the target does that the spec does not declare (reported, not failures):');
      for (const line of summariseDrift(report.drift)) io.out(line);
      io.out(
        `  Every finding, grouped per operation: scalekit-conformance drift --run-report ${reportJson ?? '<run --report-json file>'}`,
      );
    }
    if (stopped) {
      io.out('');
      io.out(
        `the target stopped answering after ${stopped.afterRequests} requests at ${stopped.at}: ${stopped.cause} (${stoppedAnsweringThreshold} requests in a row got no answer; the rest of the run was not sent)`,
      );
    }
    if (reportJson) io.out(`JSON report:  ${reportJson}`);
    if (reportJunit) io.out(`JUnit report: ${reportJunit}`);

    for (const error of collector.errors) io.out(`error: ${error}`);
    // A suite that could not even set itself up because the target went away is the outage, not a bug of ours.
    if (collector.errors.length > 0) return stopped ? ExitCode.errored : ExitCode.internal;
    // Only when nothing was selected: tests cut short by a stopped target or skipped for a precondition were.
    if (
      settings.only.length > 0 &&
      collector.tests.every((t) => t.state === 'skipped' && t.message === notSelectedNote)
    ) {
      throw new UserError(
        `--only ${settings.only.join(',')} selected no test`,
        'Pick rules that have tests: `scalekit-conformance rules`',
      );
    }
    if (hasMustFailure(ruleOutcomes)) return ExitCode.conformanceFailure;
    const s = report.summary;
    return stopped || s.errored > 0 || s.tests.errored > 0 ? ExitCode.errored : ExitCode.ok;
  } finally {
    stopWatching();
    restoreOutput();
    await stopMock?.();
    rmSync(stopDir, { recursive: true, force: true });
  }
}
