import { createVitest } from 'vitest/node';
import { ExitCode } from '../errors.js';
import { rules } from '../rules/catalogue.js';
import { ruleTags } from '../rules/tags.js';
import { packageRoot } from '../version.js';

/** Rule IDs cited by at least one suite test, found by collecting the suites without running them. */
export async function citedRules(): Promise<Map<string, number>> {
  const vitest = await createVitest(
    'test',
    {
      config: false,
      root: packageRoot,
      watch: false,
      include: ['suites/**/*.test.ts'],
      tags: ruleTags(),
      strictTags: true,
      reporters: [],
    },
    { logLevel: 'silent' },
  );
  const counts = new Map<string, number>();
  try {
    const { testModules } = await vitest.collect();
    for (const module of testModules) {
      for (const test of module.children.allTests())
        for (const tag of test.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    }
  } finally {
    await vitest.close();
  }
  return counts;
}

export async function rulesCommand(
  flags: { uncovered?: boolean; json?: boolean },
  out: (line: string) => void,
): Promise<ExitCode> {
  const cited = await citedRules();
  const listed = rules
    .map((rule) => ({
      id: rule.id,
      force: rule.force,
      area: rule.area,
      tests: cited.get(rule.id) ?? 0,
      statement: rule.statement,
    }))
    .filter((rule) => !flags.uncovered || rule.tests === 0);
  if (flags.json) {
    out(JSON.stringify(listed, null, 2));
  } else {
    for (const rule of listed)
      out(`${rule.id.padEnd(8)} ${rule.force.padEnd(6)} ${String(rule.tests).padStart(2)} test(s)  ${rule.statement}`);
    const uncovered = rules.filter((r) => !cited.has(r.id)).length;
    out(`\n${rules.length} rules, ${rules.length - uncovered} covered by a test, ${uncovered} uncovered`);
  }
  return ExitCode.ok;
}
