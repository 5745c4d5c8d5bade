import type { DriftFinding } from '../checks/drift.js';
import type { Failure } from '../checks/failure.js';
import type { Force, RuleArea, SourceRef } from '../rules/types.js';

export type TestState = 'passed' | 'failed' | 'skipped';

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
  /** Per operation, the statuses the target answered (the contract suite's coverage of statuses). */
  exercised?: Record<string, number[]>;
  /** For a failure without typed failures (an exception), its first line; for a skip, the reason. */
  message?: string;
}

export type RuleStatus = 'passed' | 'failed' | 'skipped' | 'uncovered';

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
}

export interface RunReport {
  tool: { name: string; version: string };
  target: string;
  spec: { origin: string; sha256: string };
  seed: number;
  only: string[];
  startedAt: string;
  durationMs: number;
  summary: {
    passed: number;
    failed: number;
    skipped: number;
    uncovered: number;
    /** Failed rules whose force is SHOULD or MAY: reported, but they do not change the exit code. */
    warnings: number;
    tests: { passed: number; failed: number; skipped: number };
  };
  rules: RuleOutcome[];
  tests: TestOutcome[];
  /** Suite files that could not be loaded, and errors outside any test. */
  errors: string[];
  /** Docs-versus-spec drift observed during the run, one entry per operation, status and rule. */
  drift: DriftFinding[];
  /** Per operation of the spec (`GET /api/v1/...`), the statuses the run saw it answer; empty when not run. */
  operations?: Record<string, number[]>;
}
