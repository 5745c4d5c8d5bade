// What CI adoption rests on, through the real CLI against the embedded mock: an expectations file accepting a seeded
// fault's failure (and an unexpected pass once the fault is gone), GitHub's step summary and annotations, and
// --max-failures stopping the run with its reports written.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shardSeed } from '../../src/cli/run.js';
import type { RunReport } from '../../src/reporters/model.js';
import { cliBudgetMs, runCli } from './run-cli.js';

// The fault answers the auth-log list without a token: ALG-012's two tests fail, nothing else --only selects.
const fault = 'auth-logs.no-auth-required';
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as RunReport;

function knownFailures(dir: string): string {
  const path = join(dir, 'known.yaml');
  writeFileSync(
    path,
    '- match: ALG-012\n  outcome: fail\n  reason: our gateway lets tokenless reads through (PLAT-1)\n',
  );
  return path;
}

describe('CI adoption through the CLI', { timeout: cliBudgetMs }, () => {
  it('accepts an expected failure (exit 0, reported as expected) and reports an unexpected pass without the fault', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-expect-'));
    const known = knownFailures(dir);
    const base = ['run', '--seed', '3', '--only', 'ALG-012', '--expectations', known];
    const withFault = await runCli([...base, '--fault', fault, '--report-json', join(dir, 'a.json')]);
    expect(withFault.code, withFault.stdout + withFault.stderr).toBe(0);
    expect(withFault.stdout).toMatch(/^ALG-012 +MUST +expected failure/m);
    expect(withFault.stdout).toContain('expected failure  ALG-012: our gateway lets tokenless reads through (PLAT-1)');
    const accepted = readJson(join(dir, 'a.json'));
    expect(accepted.expectations?.expectedFailures).toEqual(['ALG-012']);
    expect(accepted.rules.find((r) => r.id === 'ALG-012')).toMatchObject({
      status: 'failed',
      expectation: { met: true },
    });

    const healthy = await runCli([...base, '--report-json', join(dir, 'b.json')]);
    expect(healthy.code, healthy.stdout + healthy.stderr).toBe(0);
    expect(healthy.stdout).toMatch(/^ALG-012 +MUST +unexpected pass/m);
    expect(readJson(join(dir, 'b.json')).expectations?.unexpectedPasses).toEqual(['ALG-012']);
    const strict = await runCli([...base, '--strict-expectations']);
    expect(strict.code, strict.stdout + strict.stderr).toBe(1);
    expect(strict.stdout).toContain('unexpected pass   ALG-012 (fails the run: --strict-expectations)');
  });

  it('writes the failures with replay lines to $GITHUB_STEP_SUMMARY and prints ::error annotations', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-gha-'));
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# an earlier step\n');
    const result = await runCli(
      ['run', '--seed', '3', '--only', 'ALG-01?', '--fault', fault, '--report-html', join(dir, 'r.html')],
      { GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: 'true' },
    );
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const markdown = readFileSync(summary, 'utf8');
    // Appended to what earlier steps wrote, each failure with its replay line (the order of the sections is
    // test/reporters/markdown.test.ts's).
    expect(markdown.startsWith('# an earlier step\n')).toBe(true);
    expect(markdown).toMatch(/ALG-012[\s\S]*```sh\ncurl [^\n]*\/api\/v1\/logs\/authentication\/requests/);
    expect(result.stdout).toMatch(/^::error file=suites\/auth-logs\/[^,]+,title=ALG-012 \(MUST\)::ALG-012 /m);
    expect(result.stdout).not.toMatch(/^::error [^\n]*title=ALG-010/m);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toMatch(/^<!doctype html>/i);

    const local = await runCli(['run', '--seed', '3', '--only', 'ALG-012', '--fault', fault]);
    expect(local.code).toBe(1);
    expect(local.stdout).not.toContain('::error');
  });

  it('stops at --max-failures with its reports written, exit 1, the tests it never started skipped with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-max-'));
    const result = await runCli([
      'run',
      '--seed',
      '3',
      '--fault',
      fault,
      '--fault',
      'auth-logs.ignore-status-filter',
      '--max-failures',
      '1',
      '--report-json',
      join(dir, 'r.json'),
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^ {2}stopped after \d+ failed MUST rules \(--max-failures 1\): \d+ tests not run$/m);
    const report = readJson(join(dir, 'r.json'));
    expect(report.maxFailures).toMatchObject({ limit: 1, reached: true });
    const notRun = report.tests.filter((t) => t.message === 'not run: the run stopped at --max-failures 1');
    expect(notRun.length).toBe(report.maxFailures?.notRun);
    expect(notRun.length).toBeGreaterThan(100);
    expect(report.summary.failed).toBeGreaterThanOrEqual(1);
  });

  it('gives the shards of a run without --seed one seed, derived from the spec, printed as any seed', async () => {
    const spec = process.env.SCALEKIT_OPENAPI ?? '';
    const expected = shardSeed(createHash('sha256').update(readFileSync(spec)).digest('hex'));
    const seedLine = (stdout: string) => /^seed: +(\d+)/m.exec(stdout)?.[1];
    const [first, second, unsharded] = await Promise.all([
      runCli(['run', '--plan', '--shard', '1/2']),
      runCli(['run', '--plan', '--shard', '2/2']),
      runCli(['run', '--plan']),
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(seedLine(first.stdout)).toBe(String(expected));
    expect(seedLine(second.stdout)).toBe(String(expected));
    // Without a shard the seed is drawn at random: the derived one is only for shards.
    expect(seedLine(unsharded.stdout)).toMatch(/^\d+$/);
    expect(seedLine(unsharded.stdout)).not.toBe(String(expected));
  });
});
