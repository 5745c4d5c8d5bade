import { randomInt, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DriftFinding } from '../checks/drift.js';
import { systemClock } from '../clock.js';
import { defaultProfile } from '../config/profile.js';
import { ExitCode, UserError } from '../errors.js';
import { newRunId } from '../harness/context.js';
import { driftOf, type FaultId, faults, isFaultId } from '../mock/faults.js';
import { serveMock } from '../mock/http-server.js';
import { createMock } from '../mock/index.js';
import { aggregateRules } from '../reporters/aggregate.js';
import { rules } from '../rules/catalogue.js';
import { ensureGeneratedTypes } from '../spec/generate.js';
import { resolveSpec } from '../spec/resolve.js';
import { cachedSuiteIndex, executeSuites } from './execute.js';

export interface MutationResult {
  fault: string;
  breaks: string[];
  /** True when every rule the fault claims to break failed and every drift it claims was newly reported. */
  caught: boolean;
  failedRules: string[];
  /** The drift kinds the fault claims, and those the run reported that the run without faults did not. */
  drift?: { expected: string[]; reported: string[] };
}

/** One drift observation, as the run report dedupes them. */
const driftKey = (f: DriftFinding) => `${f.kind} ${f.rule} ${f.operation} ${f.status ?? ''} ${f.detail}`;

/** Runs the suites against the mock with no fault, then once per fault; returns the failed MUST/SHOULD rules. */
async function failedRulesWith(
  faultIds: FaultId[],
  options: { specPath: string; seed: number; only: readonly string[]; files?: readonly string[] },
): Promise<{ failed: string[]; notAsserted: string[]; errors: string[]; drift: DriftFinding[] }> {
  const credentials = { clientId: 'skc_mutation', clientSecret: `mock-${randomUUID()}` };
  const served = await serveMock(createMock({ clock: systemClock, credentials, faults: faultIds, seed: options.seed }));
  try {
    const { tests, errors } = await executeSuites(
      {
        target: { kind: 'url', baseUrl: served.url, ...credentials },
        specPath: options.specPath,
        seed: options.seed,
        timeoutMs: 10_000,
        profile: defaultProfile,
        runId: newRunId(),
      },
      { only: options.only, ...(options.files ? { files: options.files } : {}) },
    );
    const aggregated = aggregateRules(rules, tests);
    const failed = aggregated.filter((r) => r.status === 'failed').map((r) => r.id);
    // Rules the default profile does not assert (an alternative retry schedule): every citing test skipped.
    const notAsserted = aggregated.filter((r) => r.status === 'skipped').map((r) => r.id);
    return { failed, notAsserted, errors, drift: tests.flatMap((t) => t.drift) };
  } finally {
    await served.close();
  }
}

/**
 * The mutation run: every seeded fault is switched on in turn and the suites are run against the mock. A fault
 * is caught when every rule it claims to break fails, among those the default profile asserts, and every drift it
 * claims is reported where the run without faults reported none like it. By default only the tests citing those
 * rules run (fast); `--full` runs every suite for every fault.
 */
export async function mutationCommand(
  flags: { fault?: string[]; seed?: string; full?: boolean; shard?: string; 'report-json'?: string },
  io: { out: (line: string) => void; env: NodeJS.ProcessEnv; cwd: string },
): Promise<ExitCode> {
  for (const id of flags.fault ?? []) {
    if (!isFaultId(id))
      throw new UserError(`unknown fault "${id}"`, 'List them with `scalekit-conformance mock --list-faults`');
  }
  if (flags.seed !== undefined && !/^\d+$/.test(flags.seed)) {
    throw new UserError(`--seed must be a whole number, got "${flags.seed}"`, 'Pass --seed N');
  }
  const seed = flags.seed === undefined ? randomInt(2 ** 31 - 1) : Number(flags.seed);
  const spec = await resolveSpec({ env: io.env.SCALEKIT_OPENAPI, cwd: io.cwd });
  await ensureGeneratedTypes(spec);
  const shard = /^(\d+)\/(\d+)$/.exec(flags.shard ?? '1/1');
  const [index, count] = [Number(shard?.[1]), Number(shard?.[2])];
  if (!shard || count < 1 || index < 1 || index > count) {
    throw new UserError(`--shard must be K/N with 1 <= K <= N, got "${flags.shard}"`, 'Pass e.g. --shard 1/2');
  }
  // Shards split the faults round-robin, so several processes (or CI jobs) can share one mutation run.
  const selected = faults
    .filter((f) => !flags.fault?.length || flags.fault.includes(f.id))
    .filter((_, i) => i % count === index - 1);
  io.out(`mutation run: ${selected.length} fault(s), seed ${seed} (replay with --seed ${seed})`);

  let baseline = await failedRulesWith([], { specPath: spec.localPath, seed, only: [] });
  if (baseline.failed.length > 0 && baseline.errors.length === 0) {
    // Once more for the rules that failed: a check that fails only on a loaded machine is named, not hidden.
    const again = await failedRulesWith([], { specPath: spec.localPath, seed, only: baseline.failed });
    if (again.failed.length === 0 && again.errors.length === 0) {
      io.out(`warning: without faults, ${baseline.failed.join(', ')} failed once and passed when run again (flaky)`);
    }
    baseline = { ...again, drift: baseline.drift };
  }
  if (baseline.failed.length > 0 || baseline.errors.length > 0) {
    io.out(
      `the mock without faults already fails ${[...baseline.failed, ...baseline.errors].join(', ')}; fix that first`,
    );
    return ExitCode.conformanceFailure;
  }

  const baselineDrift = new Set(baseline.drift.map(driftKey));
  const suiteTests = await cachedSuiteIndex();
  const results: MutationResult[] = [];
  for (const fault of selected) {
    const expectedDrift = driftOf(fault);
    const only: string[] = flags.full ? [] : [...new Set([...fault.rules, ...expectedDrift.map((d) => d.rule)])];
    // Focused runs load only the suite files citing the fault's rules.
    const files = flags.full
      ? undefined
      : [...new Set(suiteTests.filter((t) => t.rules.some((r) => only.includes(r))).map((t) => t.file))];
    const { failed, notAsserted, errors, drift } = await failedRulesWith([fault.id], {
      specPath: spec.localPath,
      seed,
      only,
      ...(files && files.length > 0 ? { files } : {}),
    });
    // test/cli/retry-schedules.test.ts proves the rules a default run does not assert, with their profiles.
    const asserted = (fault.rules as readonly string[]).filter((id) => !notAsserted.includes(id));
    const newDrift = drift.filter((f) => !baselineDrift.has(driftKey(f)));
    const reported = expectedDrift
      .filter((d) => newDrift.some((f) => f.kind === d.kind && f.rule === d.rule))
      .map((d) => d.kind);
    const caught =
      errors.length === 0 &&
      asserted.length + expectedDrift.length > 0 &&
      asserted.every((id) => failed.includes(id)) &&
      reported.length === expectedDrift.length;
    results.push({
      fault: fault.id,
      breaks: [...fault.rules],
      caught,
      failedRules: failed,
      ...(expectedDrift.length > 0 ? { drift: { expected: expectedDrift.map((d) => d.kind), reported } } : {}),
    });
    const claims = [...fault.rules, ...expectedDrift.map((d) => `drift ${d.kind}`)].join(', ');
    const driftSeen = expectedDrift.length > 0 ? `; drift: ${reported.join(', ') || 'none new'}` : '';
    io.out(
      `  ${caught ? 'caught  ' : 'SURVIVED'} ${fault.id}  breaks ${claims}; failed: ${failed.join(', ') || 'nothing'}${driftSeen}`,
    );
  }
  const caught = results.filter((r) => r.caught).length;
  const share = results.length === 0 ? 1 : caught / results.length;
  io.out('');
  io.out(`${caught} of ${results.length} faults caught (${(share * 100).toFixed(1)}%)`);
  const survivors = results.filter((r) => !r.caught);
  if (survivors.length > 0) io.out(`survived: ${survivors.map((r) => r.fault).join(', ')}`);
  if (flags['report-json']) {
    const path = resolve(io.cwd, flags['report-json']);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(
      path,
      `${JSON.stringify({ seed, caught, total: results.length, share, faults: results }, null, 2)}\n`,
    );
  }
  return survivors.length === 0 ? ExitCode.ok : ExitCode.conformanceFailure;
}
