import { relative } from 'node:path';
import { createVitest } from 'vitest/node';
import type { RunContext } from '../harness/context.js';
import { ruleSelector } from '../reporters/aggregate.js';
import type { TestOutcome } from '../reporters/model.js';
import { OutcomeCollector } from '../reporters/vitest-collector.js';
import { rules } from '../rules/catalogue.js';
import { ruleTags } from '../rules/tags.js';
import { packageRoot } from '../version.js';

/** The vitest options every programmatic run shares: the suites, the rule tags, no config file. */
function baseOptions() {
  return {
    config: false as const,
    root: packageRoot,
    watch: false,
    include: ['suites/**/*.test.ts'],
    tags: ruleTags(),
    strictTags: true,
  };
}

/**
 * Runs the conformance suites once against the target in `context`, in this process's vitest, and returns every
 * test's outcome plus the errors outside tests (a suite that failed to load). `only` holds rule-ID globs.
 */
export async function executeSuites(
  context: RunContext,
  options: { only?: readonly string[]; files?: readonly string[]; onTest?: (test: TestOutcome) => void } = {},
): Promise<{ tests: TestOutcome[]; errors: string[] }> {
  const only = options.only ?? [];
  const selected = ruleSelector(only);
  const collector = new OutcomeCollector(packageRoot, {
    ...(options.onTest ? { onTest: options.onTest } : {}),
    selected: (ids) => ids.some(selected),
  });
  // vitest's tag expressions know `*` but not `?`, so the globs are expanded to the IDs they match.
  const tagsFilter =
    only.length > 0
      ? [
          rules
            .map((r) => r.id)
            .filter(selected)
            .join(' || '),
        ]
      : undefined;
  const vitest = await createVitest(
    'test',
    {
      ...baseOptions(),
      // Only these suite files, when given: collecting the rest would cost time for tests the tag filter drops.
      ...(options.files ? { include: [...options.files] } : {}),
      setupFiles: ['src/harness/setup.ts'],
      provide: { conformance: context },
      // One target, one set of control hooks: the scripted login, the environment kind, the email templates and
      // the clock are environment-wide, so suite files take turns rather than race each other.
      fileParallelism: false,
      ...(tagsFilter ? { tagsFilter } : {}),
      reporters: [collector],
      testTimeout: 120_000,
      hookTimeout: 60_000,
      passWithNoTests: true,
    },
    { logLevel: 'silent' },
  );
  try {
    await vitest.start();
  } finally {
    await vitest.close();
  }
  return { tests: collector.tests, errors: collector.errors };
}

/** Rule IDs cited by at least one suite test, found by collecting the suites without running them. */
export async function citedRules(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const { rules } of await suiteIndex()) for (const rule of rules) counts.set(rule, (counts.get(rule) ?? 0) + 1);
  return counts;
}

/** Every suite test's rule tags with its file (relative to the package), collected without running anything. */
export async function suiteIndex(): Promise<{ file: string; rules: string[] }[]> {
  const vitest = await createVitest('test', { ...baseOptions(), reporters: [] }, { logLevel: 'silent' });
  try {
    const { testModules } = await vitest.collect();
    return testModules.flatMap((module) =>
      [...module.children.allTests()].map((test) => ({
        file: relative(packageRoot, module.moduleId),
        rules: [...test.tags],
      })),
    );
  } finally {
    await vitest.close();
  }
}
