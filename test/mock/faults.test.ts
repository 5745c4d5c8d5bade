import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MutationResult } from '../../src/cli/mutation.js';
import { faults } from '../../src/mock/faults.js';
import { runCli } from '../cli/run-cli.js';

// The mock is held to the suite (style principle 8): `scalekit-conformance mutation` switches on each seeded fault
// in turn, and every one must make the suites fail every rule it claims to break. And every rule a suite cites
// must be broken by at least one fault, or its checks have never been seen to fail.

// One vitest start per fault: the mutation run grows with the fault list, so it gets minutes, not seconds.
describe('seeded faults in the mock', { timeout: 600_000 }, () => {
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

  it('are each caught by the suites on the rules they break (the mutation run)', async () => {
    const report = join(mkdtempSync(join(tmpdir(), 'skc-mutation-')), 'mutation.json');
    const result = await runCli(['mutation', '--seed', '1', '--report-json', report], {}, 540_000);
    expect(result.stderr).toBe('');
    const { faults: outcomes, share } = JSON.parse(readFileSync(report, 'utf8')) as {
      faults: MutationResult[];
      share: number;
    };
    expect(outcomes.map((o) => o.fault)).toEqual(faults.map((f) => f.id));
    expect(outcomes.filter((o) => !o.caught)).toEqual([]);
    expect(share).toBe(1);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${faults.length} of ${faults.length} faults caught (100.0%)`);
  });
});
