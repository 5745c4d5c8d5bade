import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ExitCode, UserError } from '../errors.js';
import { faults } from '../mock/faults.js';
import { notCheckableReason } from '../reporters/aggregate.js';
import { rules } from '../rules/catalogue.js';
import {
  checksByRule,
  faultsNaming,
  formatExplanation,
  oraclesByRule,
  type RuleExplanation,
  relatedFindings,
  type SourceText,
  tagRowLine,
} from '../rules/explain.js';
import { contradictions, gaps } from '../rules/findings.js';
import { closestIds } from '../rules/selector.js';
import { findRule } from '../rules/tags.js';
import type { Rule } from '../rules/types.js';
import { packageRoot, toolName } from '../version.js';
import type { IndexedTest } from './execute.js';

/** Where the checks, the oracles and the suites live, relative to the package root (the CLI runs from an installed package). */
const checkSources = ['src/checks', 'src/contract/checks.ts', 'src/contract/chain-checks.ts'];
const oracleSources = ['src/oracles'];
const suiteSources = ['suites'];

/** The TypeScript sources under each path (a file or a folder, recursively), with paths relative to the package. */
function readSources(paths: readonly string[]): SourceText[] {
  return paths.flatMap((path) => {
    const full = join(packageRoot, path);
    const files = statSync(full).isDirectory()
      ? readdirSync(full, { recursive: true, encoding: 'utf8' })
          .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
          .sort()
          .map((file) => join(full, file))
      : [full];
    return files.map((file) => ({
      file: relative(packageRoot, file).split('\\').join('/'),
      text: readFileSync(file, 'utf8'),
    }));
  });
}

/**
 * Per rule, everything `--explain` shows: the tests citing it with their lines (from the suite index), the checks
 * and oracles naming it (static scans of the sources), the faults bearing on it.
 */
async function explainRules(selected: readonly Rule[]): Promise<RuleExplanation[]> {
  // vitest loads only once the index is needed, so a mistyped ID is answered at once.
  const { cachedSuiteIndex } = await import('./execute.js');
  const index = await cachedSuiteIndex();
  const suites = readSources(suiteSources);
  const checks = checksByRule(readSources(checkSources), suites);
  const oracles = oraclesByRule(readSources(oracleSources));
  const suiteText = (file: string) => suites.find((source) => source.file === file)?.text ?? '';
  // Several tests at one location are generated from a table: the row writing the tag is where to look.
  const locationOf = (test: IndexedTest) => `${test.file}:${test.line}`;
  const testsAt = new Map<string, number>();
  for (const test of index) testsAt.set(locationOf(test), (testsAt.get(locationOf(test)) ?? 0) + 1);
  const locate = (test: IndexedTest, id: string) => {
    const row = (testsAt.get(locationOf(test)) ?? 0) > 1 ? tagRowLine(suiteText(test.file), id) : undefined;
    return { file: test.file, line: test.line ?? 0, name: test.name, ...(row ? { row } : {}) };
  };
  return selected.map((rule) => {
    const citing = index.filter((test) => test.rules.includes(rule.id));
    const notCheckable = citing.length === 0 ? notCheckableReason(rule) : undefined;
    return {
      id: rule.id,
      force: rule.force,
      area: rule.area,
      tests: citing.length,
      ...(notCheckable ? { notCheckable } : {}),
      statement: rule.statement,
      sources: rule.sources,
      related: relatedFindings(rule, contradictions, gaps),
      testLocations: citing.map((test) => locate(test, rule.id)),
      checks: checks.get(rule.id) ?? [],
      oracles: oracles.get(rule.id) ?? [],
      faults: faultsNaming(rule.id, faults),
    };
  });
}

/** The catalogue rule an `--explain` argument names (case folded), or a one-line error suggesting the closest IDs. */
function ruleNamed(id: string): Rule {
  const rule = findRule(id.trim().toUpperCase());
  if (rule) return rule;
  const closest = closestIds(
    id.trim(),
    rules.map((r) => r.id),
  );
  throw new UserError(
    `no rule "${id}" in the catalogue`,
    closest.length > 0
      ? `Did you mean ${closest.join(', ')}? \`${toolName} rules\` lists them all`
      : `\`${toolName} rules\` lists them all`,
  );
}

/**
 * `rules`: every rule with the number of suite tests citing it. `--uncovered` lists the rules nothing checks yet;
 * a rule no test can check against a target (dashboard-only, an SDK fact, a fact of the spec the harness holds)
 * is counted apart, with why. `--explain ID` shows one rule from its sources to its tests, checks, oracles and
 * faults; `--json` carries the same for every rule listed.
 */
export async function rulesCommand(
  flags: { uncovered?: boolean; json?: boolean; explain?: string },
  out: (line: string) => void,
): Promise<ExitCode> {
  if (flags.explain !== undefined) {
    if (flags.uncovered) {
      throw new UserError('--explain and --uncovered cannot be combined', 'Give one of them');
    }
    const [explained] = await explainRules([ruleNamed(flags.explain)]);
    if (!explained) return ExitCode.internal;
    if (flags.json) out(JSON.stringify(explained, null, 2));
    else for (const line of formatExplanation(explained)) out(line);
    return ExitCode.ok;
  }
  if (flags.json) {
    const all = await explainRules(rules);
    const listed = flags.uncovered ? all.filter((rule) => rule.tests === 0 && !rule.notCheckable) : all;
    out(JSON.stringify(listed, null, 2));
    return ExitCode.ok;
  }
  const { citedRules } = await import('./execute.js');
  const cited = await citedRules();
  const all = rules.map((rule) => {
    const tests = cited.get(rule.id) ?? 0;
    const notCheckable = tests === 0 ? notCheckableReason(rule) : undefined;
    return { id: rule.id, force: rule.force, tests, notCheckable, statement: rule.statement };
  });
  const uncovered = all.filter((rule) => rule.tests === 0 && !rule.notCheckable);
  for (const rule of flags.uncovered ? uncovered : all) {
    const count = rule.notCheckable ? 'elsewhere' : `${String(rule.tests).padStart(2)} test(s)`;
    out(`${rule.id.padEnd(8)} ${rule.force.padEnd(6)} ${count.padEnd(10)} ${rule.statement}`);
  }
  const covered = all.filter((rule) => rule.tests > 0).length;
  const elsewhere = all.length - covered - uncovered.length;
  out(
    `\n${all.length} rules: ${covered} covered by a suite test, ${elsewhere} not checkable against a target ` +
      `(dashboard-only, an SDK fact, or held by the harness's own tests), ${uncovered.length} uncovered`,
  );
  return ExitCode.ok;
}
