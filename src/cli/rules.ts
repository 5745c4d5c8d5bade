import { ExitCode } from '../errors.js';
import { notCheckableReason } from '../reporters/aggregate.js';
import { rules } from '../rules/catalogue.js';
import { citedRules } from './execute.js';

/**
 * `rules`: every rule with the number of suite tests citing it. `--uncovered` lists the rules nothing checks yet;
 * a rule no test can check against a target (dashboard-only, an SDK fact, a fact of the spec the harness holds)
 * is counted apart, with why.
 */
export async function rulesCommand(
  flags: { uncovered?: boolean; json?: boolean },
  out: (line: string) => void,
): Promise<ExitCode> {
  const cited = await citedRules();
  const all = rules.map((rule) => {
    const tests = cited.get(rule.id) ?? 0;
    const notCheckable = tests === 0 ? notCheckableReason(rule) : undefined;
    return {
      id: rule.id,
      force: rule.force,
      area: rule.area,
      tests,
      ...(notCheckable ? { notCheckable } : {}),
      statement: rule.statement,
    };
  });
  const uncovered = all.filter((rule) => rule.tests === 0 && !rule.notCheckable);
  const listed = flags.uncovered ? uncovered : all;
  if (flags.json) {
    out(JSON.stringify(listed, null, 2));
    return ExitCode.ok;
  }
  for (const rule of listed) {
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
