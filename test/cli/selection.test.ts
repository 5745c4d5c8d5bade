// The selection is checked before vitest loads, from the rule IDs the sources name (src/cli/selection.ts): that list
// must hold every rule a collected test cites, or a selection with tests would be refused.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { citedRules } from '../../src/cli/execute.js';
import { assertSelectionCanRun, rulesNamedBySuites } from '../../src/cli/selection.js';
import { UserError } from '../../src/errors.js';
import { packageRoot } from '../../src/version.js';
import { cliBudgetMs, runCli } from './run-cli.js';

const refusal = (only: string[], exclude: string[] = [], root = packageRoot) => {
  try {
    assertSelectionCanRun({ only, exclude }, root);
    return undefined;
  } catch (error) {
    if (error instanceof UserError) return `${error.message}. ${error.fix}`;
    throw error;
  }
};

describe('the selection checked before vitest loads', { timeout: cliBudgetMs }, () => {
  it('finds in the sources every rule a collected suite test cites', async () => {
    const cited = [...(await citedRules()).keys()];
    const named = rulesNamedBySuites(packageRoot);
    expect(cited.length).toBeGreaterThan(100);
    expect(cited.filter((id) => !named.has(id))).toEqual([]);
  });

  it('refuses a selection no named rule is in, pointing at rules --uncovered, and lets one with tests through', () => {
    // WHD-014 is dashboard-only: no test cites it, so selecting it alone selects nothing.
    expect(refusal(['WHD-014'])).toMatch(
      /^--only WHD-014 selects no test: no test cites WHD-014\. .*rules --uncovered/,
    );
    expect(refusal(['ALG-010'], ['ALG-010'])).toMatch(/^--only ALG-010 --exclude ALG-010 selects no test\./);
    expect(refusal([], ['*'])).toMatch(/^--exclude \* selects no test/);
    expect(refusal(['ALG-010'])).toBeUndefined();
    expect(refusal(['ALG-01?'], ['ALG-010'])).toBeUndefined();
    expect(refusal([])).toBeUndefined();
  });

  it('reads the rule IDs from the package it is given, as string literals only', () => {
    const root = mkdtempSync(join(tmpdir(), 'conformance-selection-'));
    try {
      mkdirSync(join(root, 'suites'));
      writeFileSync(join(root, 'suites', 'a.test.ts'), "test('x', { tags: ['EPT-002'] }, () => {}); // ALG-010\n");
      expect([...rulesNamedBySuites(root)]).toEqual(['EPT-002']);
      expect(refusal(['EPT-002'], [], root)).toBeUndefined();
      expect(refusal(['ALG-010'], [], root)).toMatch(/selects no test/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('answers `run --only` with a rule no test cites with one line and exit 2, before anything else is printed', async () => {
    const result = await runCli(['run', '--only', 'WHD-014']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('rules --uncovered');
  });
});
