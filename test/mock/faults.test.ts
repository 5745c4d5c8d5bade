import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MutationResult, TestProof } from '../../src/cli/mutation.js';
import { driftOf, faults } from '../../src/mock/faults.js';
import { runCli } from '../cli/run-cli.js';

// The mock is held to the suite (style principle 8): `scalekit-conformance mutation` switches on each seeded fault
// in turn, and every one must make the suites fail every rule it claims to break. And every rule a suite cites
// must be broken by at least one fault, or its checks have never been seen to fail. Faults that only add drift
// (a property or content type the spec does not declare) are caught when the run reports it and the run without
// faults did not.

// One vitest for the whole proof, each suite file a fault touches against a mock of its own, every fault in one run
// (CONTRIBUTING.md). One file at a time: it then takes about 1.5 minutes of CPU, and 2 to 4 minutes with the other
// tests beside it; the budget is far above that, so a busy machine never decides the verdict, and only a hang ends
// it.
const mutationBudgetMs = 45 * 60_000;

describe('seeded faults in the mock', { timeout: mutationBudgetMs + 60_000 }, () => {
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

  it('make every kind of server-against-spec drift appear at least once', () => {
    const produced = new Set(faults.flatMap((f) => driftOf(f).map((d) => d.kind)));
    expect([...produced].sort()).toEqual([
      'undeclared-content-type',
      'undeclared-error-shape',
      'undeclared-operation',
      'undocumented-property',
    ]);
  });

  it('are each caught by the suites on the rules they break, and fail every suite test', async () => {
    const report = join(mkdtempSync(join(tmpdir(), 'skc-mutation-')), 'mutation.json');
    const result = await runCli(
      ['mutation', '--seed', '1', '--jobs', '1', '--report-json', report],
      {},
      mutationBudgetMs,
    );
    const written = JSON.parse(readFileSync(report, 'utf8')) as { faults: MutationResult[]; tests: TestProof[] };
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/(\d+) of \1 faults caught \(100\.0%\)/);
    expect(written.faults.map((o) => o.fault).sort()).toEqual(faults.map((f) => f.id).sort());
    expect(written.faults.filter((o) => !o.caught)).toEqual([]);
    // Every suite test can fail: at least one fault fails it. A test no server bug can fail belongs in test/.
    expect(written.tests.length).toBeGreaterThan(0);
    expect(written.tests.filter((t) => t.faults.length === 0).map((t) => `${t.file} > ${t.name}`)).toEqual([]);
    expect(result.stdout).toMatch(/(\d+) of \1 suite tests failed by at least one fault/);
    expect(result.code).toBe(0);
  });
});
