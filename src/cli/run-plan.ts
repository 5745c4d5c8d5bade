// `run --plan`: the run's settings and the tests it would select, per suite file, without contacting the target.
import { ExitCode } from '../errors.js';
import { leftOutBy } from '../rules/selector.js';
import type { ResolvedSpec } from '../spec/resolve.js';
import { toolName, toolVersion } from '../version.js';
import { cachedSuiteIndex } from './execute.js';
import { rateLine, specLine, writesLine } from './run-reporters.js';
import type { RunSettings } from './run-settings.js';

export async function printPlan(
  settings: RunSettings,
  spec: ResolvedSpec,
  out: (line: string) => void,
): Promise<ExitCode> {
  const target = settings.target.kind === 'mock' ? 'the embedded mock' : settings.target.baseUrl;
  out(`${toolName} ${toolVersion}: plan only, nothing is sent to the target`);
  out(`target: ${target} (from ${settings.targetSource})`);
  out(specLine(spec));
  out(`seed:   ${settings.seed}${settings.runs === 1 ? '' : `, each property with ${settings.runs}× its cases`}`);
  out(writesLine(settings));
  out(rateLine(settings));
  if (settings.only.length > 0) out(`only:   ${settings.only.join(', ')}`);
  if (settings.exclude.length > 0) out(`exclude: ${settings.exclude.join(', ')}`);
  // vitest picks a shard's files when it starts; the plan lists every file the selection holds.
  if (settings.shard) out(`shard:  ${settings.shard.index}/${settings.shard.count} of the files below`);
  if (settings.expectations) out(`expect: ${settings.expectations}${settings.strictExpectations ? ' (strict)' : ''}`);
  if (settings.maxFailures !== undefined) out(`stop:   after ${settings.maxFailures} failed MUST rules`);
  const leftOut = leftOutBy(settings);
  const byFile = new Map<string, { names: string[]; rules: Set<string> }>();
  for (const test of await cachedSuiteIndex()) {
    if (leftOut(test.rules) !== undefined) continue;
    const entry = byFile.get(test.file) ?? { names: [], rules: new Set<string>() };
    entry.names.push(`[${test.rules.join(', ')}] ${test.name}`);
    for (const rule of test.rules) entry.rules.add(rule);
    byFile.set(test.file, entry);
  }
  const total = [...byFile.values()].reduce((sum, entry) => sum + entry.names.length, 0);
  out(`tests that would run: ${total} in ${byFile.size} file(s)`);
  for (const [file, { names, rules }] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    out(`  ${file}: ${names.length} test(s), rules ${[...rules].sort().join(', ')}`);
    for (const name of names) out(`    ${name}`);
  }
  if (!settings.writes.allowed) out('Tests that need a write will be skipped: "precondition not met".');
  return ExitCode.ok;
}
