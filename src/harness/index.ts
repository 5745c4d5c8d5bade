import { setTimeout as pause } from 'node:timers/promises';
import fc from 'fast-check';
import { test as base, inject, TestRunner } from 'vitest';

import type { DriftFinding } from '../checks/drift.js';
import { type Failure, failure, formatFailure, PropertyFailure } from '../checks/failure.js';
import type { HookName } from '../client/control-hooks.js';
import { hookOfFailure, isHookFailure, isTransportFailure, type Problem, readStopReason } from '../client/problems.js';
import { interruptedNote, isRunInterruption, isWriteRefusal, writesDisabledNote } from '../client/safety.js';
import type { Exchange } from '../client/transport.js';
import type { RuleId } from '../rules/catalogue.js';
import { connectTarget, type Target } from './target.js';

// Defined beside what they work on, so code outside vitest workers (src/contract) can use them too.
export { PropertyFailure } from '../checks/failure.js';
export { exchangeOf } from '../client/transport.js';
export type { Target } from './target.js';

declare module 'vitest' {
  interface TaskMeta {
    /** The typed failures a conformance test found; the reporter copies them into the reports. */
    failures?: Failure[];
    /** Why a test did not run, e.g. a control hook the target does not advertise. */
    precondition?: string;
    /** Docs-versus-spec drift the test observed (not failures of the target). */
    drift?: DriftFinding[];
    /**
     * What the target said about itself beyond what the profile pins (the rules it named in a refusal, an error
     * code or message): shown under the rule as a warning, never a verdict.
     */
    diagnostics?: Failure[];
    /** Per operation (`GET /api/v1/...`), the statuses the target answered: the report's coverage of statuses. */
    exercised?: Record<string, number[]>;
    /** Set when the test failed without a typed failure because a request got no answer or a hook failed. */
    errored?: Problem;
  }
}

/** The note of a test cut short because the run stopped: the target stopped answering. */
export const targetStoppedNote = 'not finished: the run stopped because the target stopped answering';

const firstLine = (text: string) => text.split('\n').find((line) => line.trim() !== '') ?? text;

/**
 * Why a failed test got no verdict, if that is what happened: it has no typed failure (none was found on a real
 * answer), and a request of it got no usable answer or a control hook failed.
 */
function erroredBy(
  meta: { failures?: Failure[]; problems?: Problem[] },
  errors: readonly unknown[],
): Problem | undefined {
  if (errors.length === 0 || (meta.failures?.length ?? 0) > 0) return undefined;
  const problem = meta.problems?.[0];
  if (problem) return problem;
  // A shared step (one exercise or sign-in for the whole file) failed in another test: only its error came here.
  const unanswered = errors.find(isTransportFailure) as { message?: unknown } | undefined;
  if (unanswered) return { kind: 'transport', cause: firstLine(String(unanswered.message ?? 'no usable answer')) };
  const hookError = errors.find(isHookFailure) as { message?: unknown } | undefined;
  if (!hookError) return undefined;
  const hook = hookOfFailure(hookError);
  return { kind: 'hook', cause: firstLine(String(hookError.message ?? 'failed')), ...(hook ? { hook } : {}) };
}

/**
 * The suites' `test`: a vitest test with the target under test as a file-scoped fixture. A test that needed a write
 * the run may not send is reported skipped with one note, whatever it did with the WriteRefused (let it fail the
 * test, caught it, passed anyway, or failed on one a shared helper rethrew): a read-only run says "precondition not
 * met", never "failed". A test that failed only because the target gave no answer, or a control hook failed, is
 * marked errored: the reporters then count it apart from the failures.
 */
export const test = base.extend<{ target: Target; verdictGuard: undefined }>({
  verdictGuard: [
    async ({ task, skip }, use) => {
      await use(undefined);
      const errors = task.result?.errors ?? [];
      const refused = (task.meta.writesRefused?.length ?? 0) > 0 || errors.some(isWriteRefusal);
      // A stopped run sends nothing more: the tests it cut short say why instead of failing.
      const stopped = errors.some(isRunInterruption)
        ? readStopReason(inject('conformance').traffic?.stopFile)
          ? targetStoppedNote
          : interruptedNote
        : undefined;
      const note = refused ? writesDisabledNote : stopped;
      if (!note) {
        const errored = erroredBy(task.meta, errors);
        if (errored) task.meta.errored = errored;
        return;
      }
      task.meta.precondition = note;
      task.meta.failures = undefined;
      // Thrown from the fixture's teardown, after the test body: vitest then records the test as skipped.
      skip(note);
    },
    { auto: true },
  ],
  target: [
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from this pattern.
    async ({}, use) => {
      const file = TestRunner.getCurrentTest()?.file?.filepath ?? 'unknown';
      const { target, close } = await connectTarget(file);
      try {
        await use(target);
      } finally {
        close();
      }
    },
    { scope: 'file' },
  ],
});

/**
 * Fails the current test when any check returned a failure: the failures go into the test's metadata (for the
 * reports) and into the thrown message (for a human reading the console).
 */
export function assertConforms(...results: (Failure | undefined)[]): void {
  const failures = results.filter((f): f is Failure => f !== undefined);
  if (failures.length === 0) return;
  const task = TestRunner.getCurrentTest();
  if (task) task.meta.failures = [...(task.meta.failures ?? []), ...failures];
  throw new ConformanceError(failures.map(formatFailure).join('\n'));
}

export class ConformanceError extends Error {
  override name = 'ConformanceError';
}

/** Records drift findings on the current test (undefined entries are ignored); they never fail it. */
export function noteDrift(...findings: (DriftFinding | undefined)[]): void {
  const task = TestRunner.getCurrentTest();
  const found = findings.filter((f): f is DriftFinding => f !== undefined);
  if (task && found.length > 0) task.meta.drift = [...(task.meta.drift ?? []), ...found];
}

/**
 * Records diagnostics on the current test (undefined entries are ignored): a mismatch in what the target says about
 * itself that the profile does not pin. They are reported under the rule with both sides, and never fail the test.
 */
export function noteDiagnostic(...found: (Failure | undefined)[]): void {
  const task = TestRunner.getCurrentTest();
  const diagnostics = found.filter((f): f is Failure => f !== undefined);
  if (task && diagnostics.length > 0) task.meta.diagnostics = [...(task.meta.diagnostics ?? []), ...diagnostics];
}

/** Skips the current test, reported as "precondition not met", unless the target advertises the hook. */
export async function requireHook(target: Target, hook: HookName, skip: (note?: string) => never): Promise<void> {
  if (await target.hooks.has(hook)) return;
  const note = `precondition not met: the target does not advertise the "${hook}" control hook`;
  const task = TestRunner.getCurrentTest();
  if (task) task.meta.precondition = note;
  skip(note);
}

/**
 * Reads again until `done` holds or `budgetMs` has passed, and returns the last reading. Between readings it pauses,
 * from 20 ms doubling up to 500 ms, so a target that takes seconds to write an entry is not asked hundreds of times
 * a second (a shared environment's rate limit, the CPU of the machine serving the mock). The budget decides, never
 * the pauses: the last reading is taken at the deadline. With `idle` (`targetIdle`), a reading taken once the target
 * says it owes nothing more is final: no need to wait out the budget for what will not come (a hook that fails
 * says nothing, and the budget decides as before).
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  budgetMs: number,
  idle?: () => Promise<boolean>,
): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
    const value = await read();
    const left = deadline - Date.now();
    if (done(value) || left <= 0) return value;
    // Idle now, so the next reading holds everything the target will write.
    if (idle && (await idle().catch(() => false))) return read();
    await pause(Math.min(wait, left));
  }
}

/** Skips the current test up front, reported as "precondition not met", when the run may not write to the target. */
export function requireWrites(target: Target, skip: (note?: string) => never): void {
  if (target.writesAllowed) return;
  const task = TestRunner.getCurrentTest();
  if (task) task.meta.precondition = writesDisabledNote;
  skip(writesDisabledNote);
}

/**
 * A request the test needs before it can judge its rule (creating the organization whose event it watches) was
 * answered with another status. The answer is real, so the test fails on it, citing its own first rule: a server
 * error in a precondition is never a skip, and never a pass.
 */
export function assertPrecondition(what: string, exchange: Exchange, expected: number | readonly number[]): void {
  const allowed = typeof expected === 'number' ? [expected] : expected;
  if (allowed.includes(exchange.status)) return;
  const rule = (TestRunner.getCurrentTest()?.tags?.[0] ?? 'OAS-009') as RuleId;
  assertConforms(
    failure(
      rule,
      `precondition: ${what}`,
      allowed.join(' or '),
      `${exchange.status} ${exchange.responseBody.slice(0, 200)}`,
      exchange,
    ),
  );
}

/** Inside a property: throw the failures, if any, so fast-check shrinks towards the smallest failing input. */
export function conformsOrThrow(...results: (Failure | undefined)[]): void {
  const failures = results.filter((f): f is Failure => f !== undefined);
  if (failures.length > 0) throw new PropertyFailure(failures);
}

/**
 * How many cases a property or a sampler with `defaultCount` cases runs: `run --runs N` multiplies them all, for a
 * deeper run with the same suites.
 */
export function caseCount(defaultCount: number): number {
  return Math.max(1, Math.round(defaultCount * (inject('conformance').runs ?? 1)));
}

/**
 * Runs a fast-check property with the run's seed and `caseCount` of its cases. On failure, the shrunk
 * counterexample's failures are recorded with the seed and path that replay it exactly, and the test fails with them.
 */
export async function assertProperty<T>(
  property: fc.IAsyncPropertyWithHooks<T>,
  params: fc.Parameters<T> = {},
): Promise<void> {
  const numRuns = caseCount(params.numRuns ?? fc.readConfigureGlobal().numRuns ?? 100);
  const details = await fc.check(property, { ...params, numRuns });
  if (!details.failed) return;
  const replay = `fast-check seed=${details.seed} path=${details.counterexamplePath ?? ''} counterexample=${fc.stringify(details.counterexample)}`;
  const cause = details.errorInstance;
  const failures =
    cause instanceof PropertyFailure
      ? cause.failures.map((f) => ({ ...f, details: [...(f.details ?? []), replay] }))
      : [];
  if (failures.length > 0) assertConforms(...failures);
  throw new ConformanceError(`${cause instanceof Error ? cause.message : String(cause)}\n  ${replay}`, { cause });
}
