import { availableParallelism } from 'node:os';
import { defineConfig, type ViteUserConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defaultProfile } from './src/config/profile.js';
import { newRunId, type RunContext } from './src/harness/context.js';
import { ruleTags } from './src/rules/tags.js';
import { resolveSpec } from './src/spec/resolve.js';

// Three projects: the harness's own unit tests, and the conformance suites against the reference mock in-process
// through msw, or served on a loopback port (the live-target code path). `npm test` runs the first two: the
// loopback path is run whole by the CLI's own tests (test/cli/cli.test.ts runs every suite against the embedded
// mock and wants no failure) and by the fault proof's run without faults; `npm run test:loopback` runs it alone.
// Rule IDs are vitest tags; strictTags makes a test that cites an unknown ID fail to load.

/**
 * The fault proof first, then the tests that start CLI processes, then the rest: the long files start while the short
 * ones fill the other worker. (vitest orders a fresh clone, which has no timings yet, by file size, and would start
 * the fault proof last.)
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) =>
      spec.moduleId.endsWith('/test/mock/faults.test.ts') ? 0 : spec.moduleId.includes('/test/cli/') ? 1 : 2;
    return (await super.sort(files))
      .map((spec, order) => ({ spec, order }))
      .sort((a, b) => rank(a.spec) - rank(b.spec) || a.order - b.order)
      .map(({ spec }) => spec);
  }
}

export default defineConfig(async (): Promise<ViteUserConfig> => {
  const spec = await resolveSpec({ env: process.env.SCALEKIT_OPENAPI });
  const seed = Number(process.env.SCALEKIT_CONFORMANCE_SEED ?? 20260521);
  // The config is loaded once per project; say it once.
  if (!process.env.SCALEKIT_CONFORMANCE_SEED_SHOWN) {
    process.env.SCALEKIT_CONFORMANCE_SEED_SHOWN = '1';
    console.log(`conformance suites: seed ${seed} (set SCALEKIT_CONFORMANCE_SEED to change it), spec ${spec.origin}`);
  }
  const base: Omit<RunContext, 'target'> = {
    specPath: spec.localPath,
    seed,
    timeoutMs: 10_000,
    profile: defaultProfile,
    runId: newRunId(),
  };
  const inProcess: RunContext = { ...base, target: { kind: 'in-process-mock', faults: [] } };
  return {
    test: {
      tags: ruleTags(),
      strictTags: true,
      // vitest's default leaves a core idle (one worker on two cores), while the longest harness files mostly wait
      // on the CLI processes they start: two workers at least take a 2-core CI from about 6.8 to 5.5 minutes.
      maxWorkers: Math.max(2, availableParallelism() - 1),
      // Far above what any test needs idle, so a busy 2-core machine makes `npm test` slower, never red; the
      // long CLI and mutation tests set their own, larger budgets (test/cli/run-cli.ts).
      testTimeout: 120_000,
      hookTimeout: 120_000,
      // The results CI counts (scripts/ci-summary.mjs); a test that runs vitest again names a file of its own.
      reporters: [
        'default',
        ['json', { outputFile: process.env.SCALEKIT_CONFORMANCE_RESULTS ?? 'reports/vitest-results.json' }],
      ],
      // Threads without isolation: a worker imports msw, faker, ajv, the mock and the spec's schemas once for all
      // the files it runs, not once per file (about half a second each).
      pool: 'threads',
      isolate: false,
      sequence: { sequencer: LongestFirst },
      provide: { conformance: inProcess },
      projects: [
        { extends: true, test: { name: 'harness', include: ['test/**/*.test.ts'] } },
        {
          extends: true,
          test: { name: 'suites:in-process', include: ['suites/**/*.test.ts'], setupFiles: ['src/harness/setup.ts'] },
        },
        {
          extends: true,
          test: {
            name: 'suites:loopback',
            include: ['suites/**/*.test.ts'],
            setupFiles: ['src/harness/setup.ts'],
            globalSetup: ['src/harness/loopback-mock.ts'],
            // One shared mock: files take turns with its environment-wide hooks, as a CLI run against a target does.
            fileParallelism: false,
          },
        },
      ],
    },
  };
});
