// Runs in every suite worker before the test files: seeds fast-check from the run's seed, so every property
// replays exactly with `--seed`. A property is bounded by its number of runs and each request by the per-request
// timeout, never by a wall-clock limit: on a slow machine or a rate-limited target such a limit would turn time
// into a verdict.
import fc from 'fast-check';
import { inject } from 'vitest';

const { seed, faultProof } = inject('conformance');
fc.configureGlobal({ seed, numRuns: 25, endOnFailure: faultProof === true });
