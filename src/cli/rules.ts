import { ExitCode } from '../errors.js';
import { rules } from '../rules/catalogue.js';
import { citedRules } from './execute.js';

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
