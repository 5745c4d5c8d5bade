import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RuleExplanation } from '../../src/rules/explain.js';
import { cliBudgetMs, packageDir, runCli } from './run-cli.js';

const lineOf = (file: string, line: number) => readFileSync(join(packageDir, file), 'utf8').split('\n')[line - 1] ?? '';

// The first run may collect the suite index (seconds to a minute); the second reads it from the cache.
describe('scalekit-conformance rules --explain', { timeout: cliBudgetMs }, () => {
  it('leads from RDR-008 to its test with file and line, its checks, its oracle and its faults', async () => {
    const result = await runCli(['rules', '--explain', 'RDR-008']);
    expect(result.code).toBe(0);
    const [, file = '', line = '0', row = '0'] =
      /^ {2}(suites\/redirect-uris\/registration\.test\.ts):(\d+) .*\(table row at line (\d+)\)$/m.exec(
        result.stdout,
      ) ?? [];
    expect(file).not.toBe('');
    // The test is generated from a table: vitest's line is the test( call, the row is where grep finds the tag.
    expect(lineOf(file, Number(line))).toMatch(/\btest\(/);
    expect(lineOf(file, Number(row))).toContain("'RDR-008'");
    expect(result.stdout).toMatch(/^ {2}src\/checks\/redirects\.ts:\d+ +registrationAgreesWithOracle$/m);
    expect(result.stdout).toMatch(/^ {2}src\/oracles\/redirect-uri\.ts: redirectUriViolations \(line \d+\)/m);
    expect(result.stdout).toMatch(
      /^ {2}redirects\.accept-query +the redirects hook accepts URIs with a query string$/m,
    );

    const json = await runCli(['rules', '--explain', 'RDR-008', '--json']);
    expect(json.code).toBe(0);
    const explained = JSON.parse(json.stdout) as RuleExplanation;
    expect(explained).toMatchObject({ id: 'RDR-008', force: 'MUST', area: 'redirect-uris', tests: 1 });
    expect(explained.testLocations).toEqual([expect.objectContaining({ file, line: Number(line), row: Number(row) })]);
    expect(explained.oracles.map((o) => o.file)).toContain('src/oracles/redirect-uri.ts');
    expect(explained.faults).toContainEqual(expect.objectContaining({ id: 'redirects.accept-query', how: 'breaks' }));
  });

  it('refuses an unknown rule ID with exit 2 and one line suggesting the closest', async () => {
    const result = await runCli(['rules', '--explain', 'RDR-08']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/no rule "RDR-08" in the catalogue\. Did you mean RDR-008/);
  });
});
