import { spawn } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type DriftFinding, driftKey } from '../checks/drift.js';
import { systemClock } from '../clock.js';
import { defaultProfile, mergeProfile, type Profile } from '../config/profile.js';
import { ExitCode, UserError } from '../errors.js';
import { newRunId } from '../harness/context.js';
import { diagnosticsOf, driftOf, type Fault, type FaultId, faults, isFaultId, profilesOf } from '../mock/faults.js';
import { serveMock } from '../mock/http-server.js';
import { createMock } from '../mock/index.js';
import { aggregateRules } from '../reporters/aggregate.js';
import { rules } from '../rules/catalogue.js';
import { ensureGeneratedTypes } from '../spec/generate.js';
import { resolveSpec } from '../spec/resolve.js';
import { packageRoot } from '../version.js';
import { cachedSuiteIndex, openSuiteSession, type SuiteSession } from './execute.js';

export interface MutationResult {
  fault: string;
  breaks: string[];
  /** True when every rule the fault claims to break failed and every drift it claims was newly reported. */
  caught: boolean;
  failedRules: string[];
  /** The suite tests the fault failed, as `file > full name`: the per-test proof that each test can fail. */
  failedTests: string[];
  /** The drift kinds the fault claims, and those the run reported that the run without faults did not. */
  drift?: { expected: string[]; reported: string[] };
  /** The rules the fault must show up under as a diagnostic, and those it did (without failing them). */
  diagnostics?: { expected: string[]; reported: string[] };
}

/** What the suites fail, leave unasserted and report as drift against the mock without faults (or with some). */
interface Baseline {
  failed: string[];
  notAsserted: string[];
  errors: string[];
  drift: DriftFinding[];
}

/** A suite test as the per-test proof names it: its file and full name. */
const testKey = (test: { file: string; fullName: string }) => `${test.file} > ${test.fullName}`;

/** One run of the suites against the mock with some faults on, as the mutation run judges it. */
interface FaultRun extends Baseline {
  /** The suite tests that failed on a real answer (`file > full name`). */
  failedTests: string[];
  /** The rules under which a test recorded a diagnostic. */
  diagnosed: string[];
}

/** Runs the suites against a fresh mock with `faultIds` on (none: the baseline), under the default profile or another. */
async function runWithFaults(
  session: SuiteSession,
  faultIds: FaultId[],
  options: { specPath: string; seed: number; only: readonly string[]; files?: readonly string[]; profile?: Profile },
): Promise<FaultRun> {
  const credentials = { clientId: 'skc_mutation', clientSecret: `mock-${randomUUID()}` };
  const profile = options.profile ?? defaultProfile;
  const served = await serveMock(
    createMock({ clock: systemClock, credentials, faults: faultIds, seed: options.seed, profile }),
  );
  try {
    const { tests, errors } = await session.run(
      {
        target: { kind: 'url', baseUrl: served.url, ...credentials },
        specPath: options.specPath,
        seed: options.seed,
        timeoutMs: 10_000,
        profile,
        runId: newRunId(),
        faultProof: faultIds.length > 0,
      },
      { only: options.only, ...(options.files ? { files: options.files } : {}) },
    );
    const aggregated = aggregateRules(rules, tests);
    const failed = aggregated.filter((r) => r.status === 'failed').map((r) => r.id);
    // Rules the profile does not assert (an alternative retry schedule): every citing test skipped.
    const notAsserted = aggregated.filter((r) => r.status === 'skipped').map((r) => r.id);
    // A test without an answer proves nothing either way: the run is not judged.
    const errored = tests.filter((t) => t.state === 'errored').map((t) => `${testKey(t)} errored: ${t.message}`);
    return {
      failed,
      notAsserted,
      errors: [...errors, ...errored],
      drift: tests.flatMap((t) => t.drift),
      failedTests: tests.filter((t) => t.state === 'failed').map(testKey),
      diagnosed: aggregated.filter((r) => (r.diagnostics?.length ?? 0) > 0).map((r) => r.id),
    };
  } finally {
    await served.close();
  }
}

/** Runs `work` with one suite session, closed after it whatever happens. */
async function withSession<T>(work: (session: SuiteSession) => Promise<T>): Promise<T> {
  const session = await openSuiteSession();
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

/** The run without faults, once more for the rules that failed: a check that fails only under load is named. */
async function runBaseline(
  session: SuiteSession,
  specPath: string,
  seed: number,
  out: (line: string) => void,
): Promise<Baseline> {
  let baseline: Baseline = await runWithFaults(session, [], { specPath, seed, only: [] });
  if (baseline.failed.length > 0 && baseline.errors.length === 0) {
    const again = await runWithFaults(session, [], { specPath, seed, only: baseline.failed });
    if (again.failed.length === 0 && again.errors.length === 0) {
      out(`warning: without faults, ${baseline.failed.join(', ')} failed once and passed when run again (flaky)`);
    }
    baseline = { failed: again.failed, notAsserted: again.notAsserted, errors: again.errors, drift: baseline.drift };
  }
  return baseline;
}

/** `--baseline FILE`: the baseline of an earlier mutation run's JSON report (as `--jobs` hands it to its children). */
function readBaseline(file: string): Baseline {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new UserError(`--baseline ${file} cannot be read as JSON`, 'Pass the --report-json file of a mutation run');
  }
  const baseline = (parsed as { baseline?: Partial<Baseline> } | null)?.baseline;
  const lists = ['failed', 'notAsserted', 'errors', 'drift'] as const;
  if (!baseline || !lists.every((key) => Array.isArray(baseline[key]))) {
    throw new UserError(`--baseline ${file} holds no baseline`, 'Pass the --report-json file of a mutation run');
  }
  return baseline as Baseline;
}

/** Every selected fault in turn against the mock, judged against the baseline. */
async function runFaults(
  session: SuiteSession,
  selected: readonly Fault[],
  baseline: Baseline,
  options: { specPath: string; seed: number; full: boolean },
  out: (line: string) => void,
): Promise<MutationResult[]> {
  const baselineDrift = new Set(baseline.drift.map(driftKey));
  const suiteTests = await cachedSuiteIndex();
  // Focused runs load only the suite files citing the rules they select.
  const focus = (only: readonly string[]) =>
    options.full
      ? { only: [] }
      : {
          only,
          files: [...new Set(suiteTests.filter((t) => t.rules.some((r) => only.includes(r))).map((t) => t.file))],
        };
  const results: MutationResult[] = [];
  for (const fault of selected) {
    const expectedDrift = driftOf(fault);
    const diagnostics = diagnosticsOf(fault);
    const only = [...new Set([...fault.rules, ...expectedDrift.map((d) => d.rule), ...diagnostics])];
    const run = await runWithFaults(session, [fault.id], {
      specPath: options.specPath,
      seed: options.seed,
      ...focus(only),
    });
    // test/cli/retry-schedules.test.ts proves the rules a default run does not assert, with their profiles.
    const asserted = (fault.rules as readonly string[]).filter((id) => !run.notAsserted.includes(id));
    const newDrift = run.drift.filter((f) => !baselineDrift.has(driftKey(f)));
    const reported = expectedDrift
      .filter((d) => newDrift.some((f) => f.kind === d.kind && f.rule === d.rule))
      .map((d) => d.kind);
    // A diagnostic fault is caught when it shows up under each of its rules and none of them fails for it.
    const diagnosed = diagnostics.filter((id) => run.diagnosed.includes(id) && !run.failed.includes(id));
    let caught =
      run.errors.length === 0 &&
      asserted.length + expectedDrift.length + diagnostics.length > 0 &&
      asserted.every((id) => run.failed.includes(id)) &&
      reported.length === expectedDrift.length &&
      diagnosed.length === diagnostics.length;
    const failedRules = new Set(run.failed);
    const failedTests = new Set(run.failedTests);
    // The rules another documented choice asserts: the same fault under that profile must fail them too.
    for (const variant of profilesOf(fault)) {
      const { profile, problems } = mergeProfile(variant.profile);
      if (problems.length > 0) throw new Error(`fault ${fault.id}: ${problems.join('; ')}`);
      const other = await runWithFaults(session, [fault.id], {
        specPath: options.specPath,
        seed: options.seed,
        profile,
        ...focus(variant.rules),
      });
      caught &&= other.errors.length === 0 && variant.rules.every((id) => other.failed.includes(id));
      for (const id of other.failed) failedRules.add(id);
      for (const test of other.failedTests) failedTests.add(test);
    }
    results.push({
      fault: fault.id,
      breaks: [...fault.rules],
      caught,
      failedRules: [...failedRules].sort(),
      failedTests: [...failedTests].sort(),
      ...(expectedDrift.length > 0 ? { drift: { expected: expectedDrift.map((d) => d.kind), reported } } : {}),
      ...(diagnostics.length > 0 ? { diagnostics: { expected: [...diagnostics], reported: diagnosed } } : {}),
    });
    const claims = [
      ...fault.rules,
      ...expectedDrift.map((d) => `drift ${d.kind}`),
      ...diagnostics.map((id) => `diagnostic ${id}`),
    ].join(', ');
    const driftSeen = expectedDrift.length > 0 ? `; drift: ${reported.join(', ') || 'none new'}` : '';
    const diagnosticSeen = diagnostics.length > 0 ? `; diagnostics under: ${diagnosed.join(', ') || 'none'}` : '';
    const erroredSeen = run.errors.length > 0 ? `; errors: ${run.errors.slice(0, 3).join('; ')}` : '';
    out(
      `  ${caught ? 'caught  ' : 'SURVIVED'} ${fault.id}  breaks ${claims}; failed: ${[...failedRules].join(', ') || 'nothing'}${driftSeen}${diagnosticSeen}${erroredSeen}`,
    );
  }
  return results;
}

/** A suite test with the faults that fail it: the per-test proof that every test can fail. */
export interface TestProof {
  name: string;
  file: string;
  rules: string[];
  faults: string[];
}

/** Per suite test, the faults that failed it (from every fault's `failedTests`). */
async function testProofs(results: readonly MutationResult[]): Promise<TestProof[]> {
  return (await cachedSuiteIndex()).map((test) => ({
    name: test.fullName,
    file: test.file,
    rules: test.rules,
    faults: results.filter((r) => r.failedTests.includes(testKey(test))).map((r) => r.fault),
  }));
}

/**
 * `--jobs N`: the faults split over N child processes (shards), which share this process's baseline instead of
 * each running its own. Their per-fault lines are passed on as they come; their reports are merged.
 */
async function runInChildren(
  jobs: number,
  baseline: Baseline,
  flags: { fault?: string[]; full?: boolean },
  seed: number,
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<MutationResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'skc-mutation-jobs-'));
  try {
    const baselineFile = join(dir, 'baseline.json');
    writeFileSync(baselineFile, JSON.stringify({ baseline }));
    const children = Array.from({ length: jobs }, (_, i) => {
      const report = join(dir, `shard-${i + 1}.json`);
      const args = ['mutation', '--seed', String(seed), '--shard', `${i + 1}/${jobs}`, '--baseline', baselineFile];
      for (const id of flags.fault ?? []) args.push('--fault', id);
      if (flags.full) args.push('--full');
      args.push('--report-json', report);
      return new Promise<MutationResult[]>((resolveChild, reject) => {
        const child = spawn(process.execPath, [join(packageRoot, 'bin', 'scalekit-conformance.js'), ...args], {
          cwd: packageRoot,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let pending = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          const lines = (pending + chunk).split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) if (/^\s+(caught|SURVIVED) /.test(line)) out(line);
        });
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
        });
        child.on('error', reject);
        child.on('close', (code) => {
          try {
            const parsed = JSON.parse(readFileSync(report, 'utf8')) as { faults: MutationResult[] };
            resolveChild(parsed.faults);
          } catch {
            const why = stderr.trim().split('\n')[0] || `exit code ${code}`;
            reject(new Error(`mutation shard ${i + 1}/${jobs} left no report: ${why}`));
          }
        });
      });
    });
    const results = (await Promise.all(children)).flat();
    const order = faults.map((f) => f.id as string);
    return results.sort((a, b) => order.indexOf(a.fault) - order.indexOf(b.fault));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The mutation run: every seeded fault is switched on in turn and the suites are run against the mock. A fault
 * is caught when every rule it claims to break fails, among those the default profile asserts, and every drift it
 * claims is reported where the run without faults reported none like it. By default only the tests citing those
 * rules run (fast); `--full` runs every suite for every fault; `--jobs N` spreads the faults over N processes.
 */
export async function mutationCommand(
  flags: {
    fault?: string[];
    seed?: string;
    full?: boolean;
    shard?: string;
    jobs?: string;
    baseline?: string;
    'report-json'?: string;
  },
  io: { out: (line: string) => void; env: NodeJS.ProcessEnv; cwd: string },
): Promise<ExitCode> {
  for (const id of flags.fault ?? []) {
    if (!isFaultId(id))
      throw new UserError(`unknown fault "${id}"`, 'List them with `scalekit-conformance mock --list-faults`');
  }
  if (flags.seed !== undefined && !/^\d+$/.test(flags.seed)) {
    throw new UserError(`--seed must be a whole number, got "${flags.seed}"`, 'Pass --seed N');
  }
  const jobs = flags.jobs === undefined ? 1 : Number(flags.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 16) {
    throw new UserError(`--jobs must be a whole number from 1 to 16, got "${flags.jobs}"`, 'Pass e.g. --jobs 2');
  }
  if (jobs > 1 && flags.shard !== undefined) {
    throw new UserError('--jobs and --shard cannot be combined', 'Split with one or the other');
  }
  const seed = flags.seed === undefined ? randomInt(2 ** 31 - 1) : Number(flags.seed);
  const shard = /^(\d+)\/(\d+)$/.exec(flags.shard ?? '1/1');
  const [index, count] = [Number(shard?.[1]), Number(shard?.[2])];
  if (!shard || count < 1 || index < 1 || index > count) {
    throw new UserError(`--shard must be K/N with 1 <= K <= N, got "${flags.shard}"`, 'Pass e.g. --shard 1/2');
  }
  const given = flags.baseline === undefined ? undefined : readBaseline(resolve(io.cwd, flags.baseline));
  const spec = await resolveSpec({ env: io.env.SCALEKIT_OPENAPI, cwd: io.cwd });
  await ensureGeneratedTypes(spec);
  // Shards split the faults round-robin, so several processes (or CI jobs) can share one mutation run.
  const selected = faults
    .filter((f) => !flags.fault?.length || flags.fault.includes(f.id))
    .filter((_, i) => i % count === index - 1);
  const spread = jobs > 1 ? ` over ${jobs} processes` : '';
  io.out(`mutation run: ${selected.length} fault(s)${spread}, seed ${seed} (replay with --seed ${seed})`);

  // One vitest per process for the baseline and every fault (`openSuiteSession`): a fault costs a fresh mock and a
  // run of the suite files citing its rules, not a vitest start. With --jobs, the baseline's vitest is closed
  // before the shards start, each with its own.
  const clean = (run: Baseline) => run.failed.length === 0 && run.errors.length === 0;
  let baseline: Baseline;
  let results: MutationResult[] | undefined;
  if (jobs > 1) {
    baseline = given ?? (await withSession((session) => runBaseline(session, spec.localPath, seed, io.out)));
    if (clean(baseline)) results = await runInChildren(jobs, baseline, flags, seed, io.env, io.out);
  } else {
    const options = { specPath: spec.localPath, seed, full: flags.full === true };
    ({ baseline, results } = await withSession(async (session) => {
      const baseline = given ?? (await runBaseline(session, spec.localPath, seed, io.out));
      return {
        baseline,
        results: clean(baseline) ? await runFaults(session, selected, baseline, options, io.out) : undefined,
      };
    }));
  }
  if (!results) {
    io.out(
      `the mock without faults already fails ${[...baseline.failed, ...baseline.errors].join(', ')}; fix that first`,
    );
    return ExitCode.conformanceFailure;
  }
  const caught = results.filter((r) => r.caught).length;
  const share = results.length === 0 ? 1 : caught / results.length;
  io.out('');
  io.out(`${caught} of ${results.length} faults caught (${(share * 100).toFixed(1)}%)`);
  const survivors = results.filter((r) => !r.caught);
  if (survivors.length > 0) io.out(`survived: ${survivors.map((r) => r.fault).join(', ')}`);
  // Every test can fail: judged only when every fault ran here (a shard or a --fault selection sees a part).
  const everyFault = !flags.fault?.length && count === 1;
  const tests = await testProofs(results);
  const unproven = tests.filter((t) => t.faults.length === 0);
  if (everyFault) {
    io.out(`${tests.length - unproven.length} of ${tests.length} suite tests failed by at least one fault`);
    for (const test of unproven) io.out(`  no fault fails: ${test.file} > ${test.name} [${test.rules.join(', ')}]`);
  }
  if (flags['report-json']) {
    const path = resolve(io.cwd, flags['report-json']);
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(
      temporary,
      `${JSON.stringify({ seed, caught, total: results.length, share, baseline, faults: results, tests }, null, 2)}\n`,
    );
    renameSync(temporary, path);
  }
  const provenPerTest = !everyFault || unproven.length === 0;
  return survivors.length === 0 && provenPerTest ? ExitCode.ok : ExitCode.conformanceFailure;
}
