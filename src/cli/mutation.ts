import { randomInt, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { type DriftFinding, driftKey } from '../checks/drift.js';
import { systemClock } from '../clock.js';
import { defaultProfile, mergeProfile, type Profile } from '../config/profile.js';
import { ExitCode, UserError } from '../errors.js';
import { newRunId, type TargetSpec } from '../harness/context.js';
import type { TlsUrlTarget } from '../harness/target.js';
import { diagnosticsOf, driftOf, type Fault, faults, isFaultId, profilesOf } from '../mock/faults.js';
import { type ServedMock, serveMock } from '../mock/http-server.js';
import { createMock, type Mock } from '../mock/index.js';
import { aggregateRules } from '../reporters/aggregate.js';
import { rules } from '../rules/catalogue.js';
import { ensureGeneratedTypes } from '../spec/generate.js';
import { resolveSpec } from '../spec/resolve.js';
import { packageRoot } from '../version.js';
import {
  cachedSuiteIndex,
  type IndexedTest,
  openSuiteSession,
  type SuiteResults,
  type SuiteSession,
} from './execute.js';
import { needsTls, runTlsMaterial } from './run-target.js';

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

/**
 * One suite file against a mock of its own: with a fault on (or none, for the baseline), under the default profile
 * or another the fault names, running only the tests citing `only` (all when empty).
 */
interface ProofJob {
  fault?: Fault;
  /** Which of the fault's other profiles (`profilesOf`), if not the default one. */
  variant?: number;
  file: string;
  only: readonly string[];
  profile: Profile;
}

/** Judges the outcomes of one fault's (or the baseline's) files as one run. */
function judge({ tests, errors }: SuiteResults): FaultRun {
  const aggregated = aggregateRules(rules, tests);
  return {
    failed: aggregated.filter((r) => r.status === 'failed').map((r) => r.id),
    // Rules the profile does not assert (an alternative retry schedule): every citing test skipped.
    notAsserted: aggregated.filter((r) => r.status === 'skipped').map((r) => r.id),
    // A test without an answer proves nothing either way: the run is not judged.
    errors: [
      ...errors,
      ...tests.filter((t) => t.state === 'errored').map((t) => `${testKey(t)} errored: ${t.message}`),
    ],
    drift: tests.flatMap((t) => t.drift),
    failedTests: tests.filter((t) => t.state === 'failed').map(testKey),
    diagnosed: aggregated.filter((r) => (r.diagnostics?.length ?? 0) > 0).map((r) => r.id),
  };
}

/**
 * Jobs per vitest run: each holds a listening socket for the whole run, and a machine may allow a process as few as
 * 256 open files (macOS); 64 keeps the worker starts few (about 5 for the 171 faults) and the sockets well below.
 */
const jobsPerRun = 64;

/**
 * Runs the jobs in the suite session, each suite file against a fresh mock of its own with the job's fault on (so
 * jobs may run side by side, and a fault never reaches another job's mock), and hands back each job's results.
 * vitest runs a file once per run, so each job runs its suite file through a file of its own in a temporary folder
 * that imports it (a query makes each import a module of its own): many jobs of one file share a run, its workers
 * started once. `onDone` hears of the jobs whose files have ended, as they end.
 */
async function runJobs(
  session: SuiteSession,
  jobs: readonly ProofJob[],
  options: { specPath: string; seed: number },
  onDone?: (done: ReadonlyMap<ProofJob, SuiteResults>) => void,
): Promise<Map<ProofJob, SuiteResults>> {
  const results = new Map<ProofJob, SuiteResults>();
  for (let from = 0; from < jobs.length; from += jobsPerRun) {
    await runBatch(session, jobs.slice(from, from + jobsPerRun), options, results, onDone);
  }
  return results;
}

/** One vitest run of `runJobs`: its jobs' results go into `results`. */
async function runBatch(
  session: SuiteSession,
  jobs: readonly ProofJob[],
  options: { specPath: string; seed: number },
  results: Map<ProofJob, SuiteResults>,
  onDone?: (done: ReadonlyMap<ProofJob, SuiteResults>) => void,
): Promise<void> {
  const credentials = { clientId: 'skc_mutation', clientSecret: `mock-${randomUUID()}` };
  const folder = mkdtempSync(join(tmpdir(), 'skc-proof-'));
  const runs: {
    job: ProofJob;
    /** The job's own test file, which imports the suite file, and its name as the collector gives it. */
    file: string;
    name: string;
    served?: ServedMock;
    mock?: Mock;
    /** The CA the workers trust for this job's mock, when it is served over TLS. */
    ca?: string;
  }[] = jobs.map((job, n) => {
    const file = join(folder, `${n}-${basename(job.file)}`);
    const from = relative(folder, resolve(packageRoot, job.file)).split(sep).join('/');
    writeFileSync(file, `import ${JSON.stringify(`${from}?proof=${n}`)};\n`);
    return { job, file, name: relative(packageRoot, file) };
  });
  // A job's outcomes under its suite file's name, as the index and the report name them.
  const resultsOf = (run: (typeof runs)[number], { tests, errors }: SuiteResults): SuiteResults => ({
    tests: tests.filter((t) => t.file === run.name).map((t) => ({ ...t, file: run.job.file })),
    // An error naming a file (it failed to load) is that file's; one naming none (unhandled) is every job's.
    errors: errors
      .filter((e) => e.startsWith(`${run.name} `) || !runs.some((other) => e.startsWith(`${other.name} `)))
      .map((e) => (e.startsWith(`${run.name} `) ? `${run.job.file}${e.slice(run.name.length)}` : e)),
  });
  try {
    // The mocks are made when their file first calls, and dropped when it ends: a few are alive at a time, not all.
    for (const run of runs) {
      // A file about the transport itself gets its mock over TLS (run-target.ts), with the run's CA.
      const tls = needsTls([run.job.file]) ? await runTlsMaterial() : undefined;
      if (tls) run.ca = tls.ca;
      run.served = await serveMock(
        {
          // Read on every request: the mock is made by the first.
          get handlers() {
            run.mock ??= createMock({
              clock: systemClock,
              credentials,
              faults: run.job.fault ? [run.job.fault.id] : [],
              seed: options.seed,
              profile: run.job.profile,
            });
            return run.mock.handlers;
          },
        },
        0,
        tls
          ? {
              tls: {
                key: tls.key,
                cert: tls.cert,
                ...(run.job.fault?.id === 'tls.plain-http-served' ? { plainHttpToo: true } : {}),
              },
            }
          : {},
      );
    }
    const target = (run: (typeof runs)[number]): TargetSpec => {
      const spec = { kind: 'url' as const, baseUrl: run.served?.url ?? '', ...credentials };
      if (!run.ca) return spec;
      const overTls: TlsUrlTarget = { ...spec, ca: run.ca };
      return overTls;
    };
    const byFile = new Map(runs.map((run) => [run.file, run]));
    const outcome = await session.run(
      {
        target: target(runs[0] as (typeof runs)[number]),
        files: Object.fromEntries(
          runs.map((run) => [
            run.file,
            { target: target(run), profile: run.job.profile, suite: resolve(packageRoot, run.job.file) },
          ]),
        ),
        specPath: options.specPath,
        seed: options.seed,
        timeoutMs: 10_000,
        profile: defaultProfile,
        runId: newRunId(),
        faultProof: jobs.some((job) => job.fault !== undefined),
      },
      runs.map((run) => ({ file: run.file, only: run.job.only })),
      (file, loaded, soFar) => {
        const run = byFile.get(file);
        if (!run) return;
        void run.served?.close();
        void run.mock?.webhooks.close();
        run.mock = undefined;
        // A file that failed to load is judged with the run's errors, once the run is over.
        if (!loaded || !onDone) return;
        results.set(run.job, resultsOf(run, soFar));
        onDone(results);
      },
    );
    for (const run of runs) results.set(run.job, resultsOf(run, outcome));
  } finally {
    await Promise.all(runs.map((run) => run.served?.close()));
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Every suite file, or the files holding a test that cites one of `only`. */
function filesCiting(index: readonly IndexedTest[], only: readonly string[] | 'all'): string[] {
  const citing = only === 'all' ? index : index.filter((t) => t.rules.some((r) => only.includes(r)));
  return [...new Set(citing.map((t) => t.file))];
}

/** The results of some jobs merged into one run's. */
function merged(results: ReadonlyMap<ProofJob, SuiteResults>, jobs: readonly ProofJob[]): SuiteResults {
  const parts = jobs.map((job) => results.get(job) ?? { tests: [], errors: [`${job.file}: not run`] });
  return { tests: parts.flatMap((p) => p.tests), errors: [...new Set(parts.flatMap((p) => p.errors))] };
}

/** Runs `work` with one suite session of `workers` side by side, closed after it whatever happens. */
async function withSession<T>(workers: number, work: (session: SuiteSession) => Promise<T>): Promise<T> {
  const session = await openSuiteSession({ workers });
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

/** The run without faults: every suite file against its own mock, once more for the files of rules that failed. */
async function runBaseline(
  session: SuiteSession,
  index: readonly IndexedTest[],
  options: { specPath: string; seed: number },
  out: (line: string) => void,
): Promise<Baseline> {
  const clean = (only: readonly string[] | 'all') =>
    filesCiting(index, only).map(
      (file): ProofJob => ({ file, only: only === 'all' ? [] : only, profile: defaultProfile }),
    );
  const first = clean('all');
  let baseline: Baseline = judge(merged(await runJobs(session, first, options), first));
  if (baseline.failed.length > 0 && baseline.errors.length === 0) {
    const again = clean(baseline.failed);
    const rerun = judge(merged(await runJobs(session, again, options), again));
    if (rerun.failed.length === 0 && rerun.errors.length === 0) {
      out(`warning: without faults, ${baseline.failed.join(', ')} failed once and passed when run again (flaky)`);
    }
    baseline = { failed: rerun.failed, notAsserted: rerun.notAsserted, errors: rerun.errors, drift: baseline.drift };
  }
  return baseline;
}

/** `--baseline FILE`: the baseline of an earlier mutation run's JSON report (to share one across CI shards). */
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

/** A fault's jobs: its files under the default profile, and under each other profile it names, the files of those rules. */
function jobsOf(fault: Fault, index: readonly IndexedTest[], full: boolean): ProofJob[] {
  const only = [...new Set([...fault.rules, ...driftOf(fault).map((d) => d.rule), ...diagnosticsOf(fault)])];
  const jobsFor = (rulesRun: readonly string[], profile: Profile, variant?: number): ProofJob[] =>
    filesCiting(index, full ? 'all' : rulesRun).map((file) => ({
      fault,
      file,
      only: full ? [] : rulesRun,
      profile,
      ...(variant === undefined ? {} : { variant }),
    }));
  return [
    ...jobsFor(only, defaultProfile),
    ...profilesOf(fault).flatMap((other, variant) => {
      const { profile, problems } = mergeProfile(other.profile);
      if (problems.length > 0) throw new Error(`fault ${fault.id}: ${problems.join('; ')}`);
      return jobsFor(other.rules, profile, variant);
    }),
  ];
}

/** Judges one fault from its jobs' results against the baseline. */
function verdictOf(
  fault: Fault,
  jobs: readonly ProofJob[],
  results: ReadonlyMap<ProofJob, SuiteResults>,
  baselineDrift: ReadonlySet<string>,
): MutationResult & { errors: string[] } {
  const expectedDrift = driftOf(fault);
  const diagnostics = diagnosticsOf(fault);
  const run = judge(
    merged(
      results,
      jobs.filter((job) => job.variant === undefined),
    ),
  );
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
  const errors = [...run.errors];
  // The rules another documented choice asserts: the same fault under that profile must fail them too.
  profilesOf(fault).forEach((other, variant) => {
    const otherRun = judge(
      merged(
        results,
        jobs.filter((job) => job.variant === variant),
      ),
    );
    caught &&= otherRun.errors.length === 0 && other.rules.every((id) => otherRun.failed.includes(id));
    for (const id of otherRun.failed) failedRules.add(id);
    for (const test of otherRun.failedTests) failedTests.add(test);
    errors.push(...otherRun.errors);
  });
  return {
    fault: fault.id,
    breaks: [...fault.rules],
    caught,
    failedRules: [...failedRules].sort(),
    failedTests: [...failedTests].sort(),
    ...(expectedDrift.length > 0 ? { drift: { expected: expectedDrift.map((d) => d.kind), reported } } : {}),
    ...(diagnostics.length > 0 ? { diagnostics: { expected: [...diagnostics], reported: diagnosed } } : {}),
    errors,
  };
}

/** The line a fault gets as soon as all its files have run. */
function faultLine(fault: Fault, verdict: MutationResult & { errors: string[] }): string {
  const claims = [
    ...fault.rules,
    ...driftOf(fault).map((d) => `drift ${d.kind}`),
    ...diagnosticsOf(fault).map((id) => `diagnostic ${id}`),
  ].join(', ');
  const driftSeen = verdict.drift ? `; drift: ${verdict.drift.reported.join(', ') || 'none new'}` : '';
  const diagnosticSeen = verdict.diagnostics
    ? `; diagnostics under: ${verdict.diagnostics.reported.join(', ') || 'none'}`
    : '';
  const erroredSeen = verdict.errors.length > 0 ? `; errors: ${verdict.errors.slice(0, 3).join('; ')}` : '';
  const failed = verdict.failedRules.join(', ') || 'nothing';
  return `  ${verdict.caught ? 'caught  ' : 'SURVIVED'} ${fault.id}  breaks ${claims}; failed: ${failed}${driftSeen}${diagnosticSeen}${erroredSeen}`;
}

/** Every selected fault, its files run beside the other faults' (`runJobs`), judged against the baseline. */
async function runFaults(
  session: SuiteSession,
  index: readonly IndexedTest[],
  selected: readonly Fault[],
  baseline: Baseline,
  options: { specPath: string; seed: number; full: boolean },
  out: (line: string) => void,
): Promise<MutationResult[]> {
  const baselineDrift = new Set(baseline.drift.map(driftKey));
  const jobsPerFault = new Map(selected.map((fault) => [fault, jobsOf(fault, index, options.full)]));
  const verdicts = new Map<Fault, MutationResult>();
  const settle = (results: ReadonlyMap<ProofJob, SuiteResults>) => {
    for (const [fault, jobs] of jobsPerFault) {
      if (verdicts.has(fault) || !jobs.every((job) => results.has(job))) continue;
      const { errors, ...verdict } = verdictOf(fault, jobs, results, baselineDrift);
      verdicts.set(fault, verdict);
      out(faultLine(fault, { ...verdict, errors }));
    }
  };
  const results = await runJobs(session, [...jobsPerFault.values()].flat(), options, settle);
  // Judged again on the whole run: an error outside every test comes with its end and undoes an early verdict.
  for (const [fault, jobs] of jobsPerFault) {
    const { errors, ...verdict } = verdictOf(fault, jobs, results, baselineDrift);
    if (!isDeepStrictEqual(verdicts.get(fault), verdict)) out(faultLine(fault, { ...verdict, errors }));
    verdicts.set(fault, verdict);
  }
  return selected.map((fault) => verdicts.get(fault) as MutationResult);
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
 * The mutation run: every seeded fault is switched on in turn and the suites are run against the mock. A fault
 * is caught when every rule it claims to break fails, among those the default profile asserts, and every drift it
 * claims is reported where the run without faults reported none like it. By default only the tests citing those
 * rules run (fast); `--full` runs every suite for every fault; `--jobs N` runs N suite files side by side.
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
  const seed = flags.seed === undefined ? randomInt(2 ** 31 - 1) : Number(flags.seed);
  const shard = /^(\d+)\/(\d+)$/.exec(flags.shard ?? '1/1');
  const [part, count] = [Number(shard?.[1]), Number(shard?.[2])];
  if (!shard || count < 1 || part < 1 || part > count) {
    throw new UserError(`--shard must be K/N with 1 <= K <= N, got "${flags.shard}"`, 'Pass e.g. --shard 1/2');
  }
  const given = flags.baseline === undefined ? undefined : readBaseline(resolve(io.cwd, flags.baseline));
  const spec = await resolveSpec({ env: io.env.SCALEKIT_OPENAPI, cwd: io.cwd });
  await ensureGeneratedTypes(spec);
  // Shards split the faults round-robin, so several processes (or CI jobs) can share one mutation run.
  const selected = faults
    .filter((f) => !flags.fault?.length || flags.fault.includes(f.id))
    .filter((_, i) => i % count === part - 1);
  const workers = jobs > 1 ? ` on ${jobs} workers` : '';
  io.out(`mutation run: ${selected.length} fault(s)${workers}, seed ${seed} (replay with --seed ${seed})`);

  // One vitest for the baseline and every fault (`openSuiteSession`), one run for each (`runJobs`): a fault costs
  // fresh mocks and its suite files' tests, not a vitest start nor a worker start.
  const clean = (run: Baseline) => run.failed.length === 0 && run.errors.length === 0;
  const index = await cachedSuiteIndex();
  const options = { specPath: spec.localPath, seed, full: flags.full === true };
  const { baseline, results } = await withSession(jobs, async (session) => {
    const baseline = given ?? (await runBaseline(session, index, options, io.out));
    return {
      baseline,
      results: clean(baseline) ? await runFaults(session, index, selected, baseline, options, io.out) : undefined,
    };
  });
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
