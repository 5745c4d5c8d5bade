import { relative } from 'node:path';
import type { Reporter, SerializedError, TestCase, TestModule } from 'vitest/node';
import type { DriftFinding } from '../checks/drift.js';
import type { Failure } from '../checks/failure.js';
import { describeProblem, type Problem } from '../client/problems.js';
import type { TestOutcome } from './model.js';

/** The skip reason of a test outside the run's `--only` selection. */
export const notSelectedNote = 'not selected by --only';

/** The skip reason of a test citing a rule of the run's `--exclude`. */
export const excludedNote = 'left out by --exclude';

/** The skip reason of a test in a suite file another shard runs (`--shard K/N`). */
export const otherShardNote = (shard: { index: number; count: number }) =>
  `in another shard (--shard ${shard.index}/${shard.count} runs other files)`;

/** The skip reason of a test never started because the run stopped at `--max-failures`. */
export const maxFailuresNote = (limit: number) => `not run: the run stopped at --max-failures ${limit}`;

/** Whether a skip reason is the run's selection (`--only`, `--exclude`, `--shard`), not the test's own. */
export const isSelectionNote = (message: string | undefined) =>
  message === notSelectedNote || message === excludedNote || message?.startsWith('in another shard (') === true;

const firstLine = (text: string) => text.split('\n').find((line) => line.trim() !== '') ?? text;

/**
 * A vitest reporter that only collects: every test's outcome with its rule tags and typed failures, and every
 * error outside a test (a suite file that failed to load, an unhandled rejection). The CLI prints and writes
 * reports from what it collected, through the redactor, so vitest's own output never reaches the user.
 */
export class OutcomeCollector implements Reporter {
  readonly tests: TestOutcome[] = [];
  readonly errors: string[] = [];
  readonly #root: string;
  readonly #onTest: ((outcome: TestOutcome) => void) | undefined;
  readonly #leftOut: (rules: string[]) => 'only' | 'exclude' | undefined;

  constructor(
    root: string,
    options: {
      onTest?: (outcome: TestOutcome) => void;
      /** Why the run's selection leaves out a test citing these rules (undefined: it does not). */
      leftOut?: (rules: string[]) => 'only' | 'exclude' | undefined;
    } = {},
  ) {
    this.#root = root;
    this.#onTest = options.onTest;
    this.#leftOut = options.leftOut ?? (() => undefined);
  }

  onTestCaseResult(testCase: TestCase): void {
    const outcome = this.#toOutcome(testCase);
    this.tests.push(outcome);
    this.#onTest?.(outcome);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    for (const module of testModules) {
      for (const error of module.errors()) {
        this.errors.push(`${relative(this.#root, module.moduleId)} failed to load: ${firstLine(error.message)}`);
      }
      // Tests filtered out (by --only or --exclude) never produce onTestCaseResult; record them as skipped.
      for (const testCase of module.children.allTests()) {
        if (
          !this.tests.some((t) => t.file === relative(this.#root, module.moduleId) && t.fullName === testCase.fullName)
        ) {
          this.tests.push(this.#toOutcome(testCase));
        }
      }
    }
    for (const error of unhandledErrors)
      this.errors.push(`unhandled error: ${firstLine(error.message ?? String(error))}`);
  }

  #toOutcome(testCase: TestCase): TestOutcome {
    const result = testCase.result();
    const meta = testCase.meta() as {
      failures?: Failure[];
      precondition?: string;
      drift?: DriftFinding[];
      exercised?: Record<string, number[]>;
      diagnostics?: Failure[];
      errored?: Problem;
      requests?: number;
    };
    const rules = [...testCase.tags];
    const state =
      result.state === 'failed'
        ? meta.errored
          ? 'errored'
          : 'failed'
        : result.state === 'passed'
          ? 'passed'
          : 'skipped';
    let message: string | undefined;
    if (result.state === 'failed') message = firstLine(result.errors?.[0]?.message ?? 'failed');
    if (state === 'errored' && meta.errored) message = describeProblem(meta.errored);
    if (state === 'skipped') {
      message = result.state === 'skipped' && result.note ? result.note : meta.precondition;
      const leftOut = message ? undefined : this.#leftOut(rules);
      if (!message) message = leftOut === 'exclude' ? excludedNote : leftOut === 'only' ? notSelectedNote : 'skipped';
    }
    return {
      name: testCase.name,
      fullName: testCase.fullName,
      file: relative(this.#root, testCase.module.moduleId),
      state,
      rules,
      durationMs: Math.round(testCase.diagnostic()?.duration ?? 0),
      failures: meta.failures ?? [],
      drift: meta.drift ?? [],
      ...(meta.diagnostics?.length ? { diagnostics: meta.diagnostics } : {}),
      ...(state === 'errored' && meta.errored ? { errored: meta.errored } : {}),
      ...(meta.requests ? { requests: meta.requests } : {}),
      ...(meta.exercised ? { exercised: meta.exercised } : {}),
      ...(message ? { message } : {}),
    };
  }
}
