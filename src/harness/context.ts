import { randomInt } from 'node:crypto';
import type { TrafficPolicy } from '../client/safety.js';
import type { Profile } from '../config/profile.js';

// What the CLI (or vitest.config.ts) hands every test worker through vitest's `provide`. Plain data only: it
// is serialised into each worker and never written to disk.

export type TargetSpec =
  /** The reference mock, inside the worker, behind msw (no socket). */
  | { kind: 'in-process-mock'; faults: string[] }
  /** Any server reachable over HTTP: a live target, or the mock served on a loopback port. */
  | {
      kind: 'url';
      baseUrl: string;
      clientId: string;
      clientSecret: string;
      /** A CA (PEM) the workers trust for this origin only: the embedded mock's TLS side (src/cli/run-target.ts). */
      ca?: string;
    };

export interface RunContext {
  target: TargetSpec;
  /** How the open points of the docs are decided for this run. */
  profile: Profile;
  /** A local file holding the resolved spec. */
  specPath: string;
  /** Seeds fast-check and every faker instance; printed at the start of a run. */
  seed: number;
  /**
   * Unique to this run (not derived from the seed): part of the tag on every piece of data the suites create, so
   * replaying a seed against the same live target never collides with what the first run left there.
   */
  runId: string;
  /** Each property runs this many times its default number of cases; absent, 1 (`run --runs`). */
  runs?: number;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Write guard, rate limit and stop switch for the run; absent, they follow from the target (safe by default). */
  traffic?: TrafficPolicy;
  /**
   * The run's ledger (src/client/ledger.ts): every create the workers see answered is appended here at once, so
   * `sweep` can undo even a killed run. Absent: no ledger (the embedded mock, a read-only run).
   */
  ledgerFile?: string;
  /**
   * Set by the fault proof: a property stops at its first counterexample without shrinking it, since the proof needs
   * only the verdict. A run against a target always shrinks, so its failures show the smallest input.
   */
  faultProof?: boolean;
  /**
   * Set by the fault proof: a target and profile per test file (keyed by its absolute path), each file against a
   * mock of its own with its own fault on, so one vitest run proves the faults of many files at once. The proof runs
   * a suite file once per fault through a file of its own that imports it; `suite` names the suite file, whose path
   * seeds the data as in any other run.
   */
  files?: Record<string, { target: TargetSpec; profile: Profile; suite?: string }>;
}

/** A short run identifier (base 36); deliberately not seeded, since it must differ between replays. */
export function newRunId(): string {
  return randomInt(36 ** 6)
    .toString(36)
    .padStart(6, '0');
}

declare module 'vitest' {
  export interface ProvidedContext {
    conformance: RunContext;
  }
}
