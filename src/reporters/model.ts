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
    /** Diagnostics recorded over the run (see RuleOutcome.diagnostics). */
    diagnostics: number;
    tests: { passed: number; failed: number; errored: number; skipped: number };
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
  /** Set when the run stopped early because the target stopped answering. */
  stopped?: { afterRequests: number; at: string; cause: string; request?: string };
  /**
   * A live target's settings after the run: those put back as the run found them, those that could not be, and how
   * far the run moved the target's clock (which only moves forward).
   */
  targetSettings?: HookStateOutcome;
}
