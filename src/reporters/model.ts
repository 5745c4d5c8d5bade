import type { DriftFinding } from '../checks/drift.js';
import type { Failure } from '../checks/failure.js';
import type { HookStateOutcome } from '../client/hook-state.js';
import type { Problem } from '../client/problems.js';
import type { Force, RuleArea, SourceRef } from '../rules/types.js';

/**
 * `failed`: a rule broken on a real answer. `errored`: no verdict, because a request got no usable answer (refused,
 * reset, timed out, too long) or a control hook failed.
 */
export type TestState = 'passed' | 'failed' | 'errored' | 'skipped';

/** One test's outcome, as the reporters see it. */
export interface TestOutcome {
  name: string;
  /** Suite path and name, e.g. `GET /api/v1/... > a request without ... 401`. */
  fullName: string;
  file: string;
  state: TestState;
  rules: string[];
  durationMs: number;
  failures: Failure[];
  /** Docs-versus-spec drift the test observed. */
  drift: DriftFinding[];
  /** What the target said about itself that the profile does not pin, where it differed: never a verdict. */
  diagnostics?: Failure[];
  /** For an errored test: the request without an answer, or the hook that failed, and why. */
  errored?: Problem;
  /** Requests the test sent, answered or not. */
  requests?: number;
  /** Per operation, the statuses the target answered (the contract suite's coverage of statuses). */
  exercised?: Record<string, number[]>;
  /** For a failure without typed failures (an exception), its first line; for a skip, the reason. */
  message?: string;
  /** The `--expectations` entry naming this test, and whether the run met it. */
  expectation?: MetExpectation;
}

/** An entry of an expectations file (`--expectations`): a rule ID, a rule glob or a test name, and what to expect. */
export interface Expectation {
  /** A rule ID (`ALG-010`), a rule glob (`ALG-*`) or a test's full name, as written in the file. */
  match: string;
  outcome: 'fail' | 'skip';
  reason: string;
  link?: string;
  /** `YYYY-MM-DD`: after this day the entry is reported as expired and no longer applies. */
  until?: string;
}

/**
 * An expectation as a run found it. `met`: the rule (or test) failed, or was skipped, as expected. An expected
 * failure that passed is an unexpected pass.
 */
export interface MetExpectation extends Expectation {
  met: boolean;
}

/** What became of an expectations file over a run. */
export interface ExpectationsOutcome {
  /** The file, as given. */
  file: string;
  /** Rule IDs that failed as expected: reported, they do not fail the run. */
  expectedFailures: string[];
  /** Rule IDs (or test names) expected to fail or be skipped that passed; fail the run with --strict-expectations. */
  unexpectedPasses: string[];
  /** Entries past their `until` day: not applied. */
  expired: Expectation[];
  /** Entries that matched no rule and no test of the run. */
  unmatched: Expectation[];
  strict: boolean;
}

export type RuleStatus = 'passed' | 'failed' | 'errored' | 'skipped' | 'uncovered';

export interface RuleOutcome {
  id: string;
  force: Force;
  area: RuleArea;
  statement: string;
  sources: readonly SourceRef[];
  status: RuleStatus;
  /** Names of the tests that cite this rule, with their states. */
  tests: { name: string; file: string; state: TestState }[];
  /** Why the rule was skipped or is uncovered; empty otherwise. */
  reason?: string;
  failures?: Failure[];
  /** For an errored rule: each errored test and what went wrong. */
  errors?: (Problem & { test: string })[];
  /** Mismatches in what the target says about itself (the rules it names, its wording): warnings, not verdicts. */
  diagnostics?: Failure[];
  /**
   * Every test citing the rule was left out by the run's selection (--only, --exclude, another --shard): the rule is
   * `skipped`, and the console, JUnit, Markdown and HTML reports count it in one line instead of listing it.
   */
  deselected?: true;
  /** The `--expectations` entry this rule matched. A failed rule whose expectation is met does not fail the run. */
  expectation?: MetExpectation;
}

export interface RunReport {
  tool: { name: string; version: string };
  target: string;
  spec: { origin: string; sha256: string };
  seed: number;
  only: string[];
  /** The run's `--exclude` globs. */
  exclude: string[];
  startedAt: string;
  durationMs: number;
  summary: {
    /** False when the run ended before its verdict (a usage error, an interrupt): see `incomplete`. */
    completed: boolean;
    passed: number;
    failed: number;
    /** Rules with no failure but an errored test: not judged, since the target gave no answer (exit code 4). */
    errored: number;
    skipped: number;
    uncovered: number;
    /** Failed rules whose force is SHOULD or MAY: reported, but they do not change the exit code. */
    warnings: number;
    /** Failed rules an expectations entry expected to fail (counted in `failed` too); absent without --expectations. */
    expectedFailures?: number;
    /** Rules or tests expected to fail or be skipped that passed; absent without --expectations. */
    unexpectedPasses?: number;
    /** Rules the selection left out (--only, --exclude, another --shard): not counted as skipped or uncovered. */
    deselected?: number;
    /** Diagnostics recorded over the run (see RuleOutcome.diagnostics). */
    diagnostics: number;
    /** Tests by state; `deselected`: those the selection left out, not counted as skipped. */
    tests: { passed: number; failed: number; errored: number; skipped: number; deselected?: number };
  };
  rules: RuleOutcome[];
  tests: TestOutcome[];
  /** Suite files that could not be loaded, and errors outside any test. */
  errors: string[];
  /** Docs-versus-spec drift observed during the run, one entry per operation, status and rule. */
  drift: DriftFinding[];
  /** Per operation of the spec (`GET /api/v1/...`), the statuses the run saw it answer; empty when not run. */
  operations?: Record<string, number[]>;
  /** Where the replay lines' variables come from, when the report has replay lines. */
  replayVariables?: string;
  /** Why the run did not complete, when it did not (then rules and tests are empty). */
  incomplete?: string;
  /** The run's `--expectations` file and what became of it. */
  expectations?: ExpectationsOutcome;
  /** `--shard K/N`: this report holds the K-th of N parts of the suite files; merge them with merge-reports. */
  shard?: { index: number; count: number };
  /** `--max-failures N`: the run stopped after N failed MUST rules; tests not started are skipped, so saying. */
  maxFailures?: { limit: number; reached: boolean; notRun: number };
  /** Set when the run stopped early because the target stopped answering. */
  stopped?: { afterRequests: number; at: string; cause: string; request?: string };
  /**
   * A live target's settings after the run: those put back as the run found them, those that could not be, and how
   * far the run moved the target's clock (which only moves forward).
   */
  targetSettings?: HookStateOutcome;
}
