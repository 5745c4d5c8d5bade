// Runs in every suite worker before the test files: seeds fast-check from the run's seed, so every property
// replays exactly with `--seed`.
import fc from 'fast-check';
import { inject } from 'vitest';

const { seed, faultProof } = inject('conformance');
fc.configureGlobal({
  seed,
  endOnFailure: faultProof === true,
  numRuns: 25,
  interruptAfterTimeLimit: 20_000,
  markInterruptAsFailure: true,
});
