import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { faults } from '../../src/mock/faults.js';
import type { RunReport } from '../../src/reporters/model.js';
import { runCli } from '../cli/run-cli.js';

// The mock is held to the suite (style principle 8): for every seeded fault, running the suites against the mock
// with that fault on must fail every rule the fault claims to break. And every rule a suite cites must be broken
// by at least one fault, or its checks have never been seen to fail.

describe('seeded faults in the mock', { timeout: 120_000 }, () => {
  it('cover every rule that a suite cites', async () => {
    const listed = await runCli(['rules', '--json']);
    expect(listed.code).toBe(0);
    const cited = (JSON.parse(listed.stdout) as { id: string; tests: number }[])
      .filter((r) => r.tests > 0)
      .map((r) => r.id);
    expect(cited.length).toBeGreaterThan(0);
    const broken = new Set<string>(faults.flatMap((f) => [...f.rules]));
    expect(cited.filter((id) => !broken.has(id))).toEqual([]);
  });

  it.each(faults.map((f) => [f.id, f]))('%s makes the suites fail the rules it breaks', async (_, fault) => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-fault-'));
    const report = join(dir, 'report.json');
    const result = await runCli([
      'run',
      '--fault',
      fault.id,
      '--only',
      fault.rules.join(','),
      '--seed',
      '1',
      '--report-json',
      report,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const rules = (JSON.parse(readFileSync(report, 'utf8')) as RunReport).rules;
    for (const id of fault.rules) expect(rules.find((r) => r.id === id)?.status, id).toBe('failed');
  });
});
