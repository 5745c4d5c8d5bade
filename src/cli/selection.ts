// The run's selection checked before vitest loads: `--only` and `--exclude` against the rule IDs the suites cite,
// found by reading the sources (milliseconds), so a selection with no test is answered at once instead of after
// vitest has loaded and collected every suite (seconds). The suite index (execute.ts) still decides which tests run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { rules } from '../rules/catalogue.js';
import { type RuleSelection, ruleSelector } from '../rules/selector.js';
import { toolName } from '../version.js';

/**
 * Where a test's rule tags are written: in the suites, in the fixtures' tables and in the contract checks (the
 * contract suite tags each generated test with its check's rule). test/cli/selection.test.ts holds this list to the
 * suite index: every rule a collected test cites is found here.
 */
const citingFolders = ['suites', 'fixtures', join('src', 'contract')];

/** Every catalogue rule ID written as a string literal in the folders that tag tests: a superset of the cited ones. */
export function rulesNamedBySuites(root: string): Set<string> {
  const known = new Set<string>(rules.map((rule) => rule.id));
  const named = new Set<string>();
  for (const folder of citingFolders) {
    const dir = join(root, folder);
    let files: string[];
    try {
      files = readdirSync(dir, { recursive: true, encoding: 'utf8' });
    } catch {
      continue;
    }
    for (const file of files) {
      if (!file.endsWith('.ts')) continue;
      for (const [, id] of readFileSync(join(dir, file), 'utf8').matchAll(/['"`]([A-Z]{3}-\d{3})['"`]/g)) {
        if (id && known.has(id)) named.add(id);
      }
    }
  }
  return named;
}

/**
 * A UserError when no rule the suites name is selected and not excluded: then no test can run. (A test citing a
 * selected rule and an excluded one is left out too; that finer case is found once the suite index is read.)
 */
export function assertSelectionCanRun(selection: RuleSelection, root: string): void {
  if (selection.only.length === 0 && selection.exclude.length === 0) return;
  const selected = ruleSelector(selection.only);
  const excluded = selection.exclude.length > 0 ? ruleSelector(selection.exclude) : () => false;
  const named = rulesNamedBySuites(root);
  if ([...named].some((id) => selected(id) && !excluded(id))) return;
  const flags = [
    ...(selection.only.length > 0 ? [`--only ${selection.only.join(',')}`] : []),
    ...(selection.exclude.length > 0 ? [`--exclude ${selection.exclude.join(',')}`] : []),
  ].join(' ');
  const uncovered = rules.filter((rule) => selected(rule.id) && !named.has(rule.id)).map((rule) => rule.id);
  const why =
    uncovered.length > 0 && selection.exclude.length === 0
      ? `: no test cites ${uncovered.length > 3 ? `${uncovered.slice(0, 3).join(', ')}, …` : uncovered.join(', ')}`
      : '';
  throw new UserError(
    `${flags} selects no test${why}`,
    `Pick rules that have tests; \`${toolName} rules --uncovered\` lists those that have none`,
  );
}
