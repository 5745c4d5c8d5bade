import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeReportsCommand } from '../../src/cli/merge-reports.js';
import type { RunReport } from '../../src/reporters/model.js';
import { cacheWithSuiteIndex, cliBudgetMs, runCli } from './run-cli.js';

// Two real `run --shard K/N` runs, merged, give the verdicts of one unsharded run of the same seed: the proof that
// sharding loses no test and judges no rule differently. A seeded fault makes some rules fail, so the verdicts
// compared are not all `passed`.

const readReport = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as RunReport;
const verdicts = (report: RunReport) => Object.fromEntries(report.rules.map((r) => [r.id, r.status]));
const testKeys = (report: RunReport) => report.tests.map((t) => `${t.file} > ${t.fullName}`).sort();

describe('run --shard, then merge-reports', { timeout: cliBudgetMs }, () => {
  it('gives every rule the verdict one unsharded run gives, and lists every test once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-shard-merge-'));
    const args = ['run', '--seed', '7', '--fault', 'auth-logs.no-auth-required'];
    // The shards run side by side, as on two CI machines; each with a cache of its own for its ledger.
    const runWith = async (extra: string[]) => {
      const cache = await cacheWithSuiteIndex('skc-shard-merge-cache-');
      return runCli([...args, ...extra], { SCALEKIT_CONFORMANCE_CACHE: cache });
    };
    const [first, second, whole] = await Promise.all([
      runWith(['--shard', '1/2', '--report-json', join(dir, 'a.json')]),
      runWith(['--shard', '2/2', '--report-json', join(dir, 'b.json')]),
      runWith(['--report-json', join(dir, 'all.json')]),
    ]);
    expect(whole.code, whole.stderr).toBe(1);
    expect([first.code, second.code], first.stderr + second.stderr).not.toContain(2);

    const a = readReport(join(dir, 'a.json'));
    const b = readReport(join(dir, 'b.json'));
    expect(a.shard).toEqual({ index: 1, count: 2 });
    expect(b.shard).toEqual({ index: 2, count: 2 });
    // Each shard ran part of the suites and listed the rest as another shard's.
    for (const shard of [a, b]) {
      expect(shard.tests.some((t) => t.message?.startsWith('in another shard'))).toBe(true);
      expect(shard.tests.some((t) => t.state === 'passed')).toBe(true);
    }

    const lines: string[] = [];
    const code = await mergeReportsCommand(
      ['a.json', 'b.json'],
      { 'report-json': 'merged.json' },
      { out: (line) => lines.push(line), env: {}, cwd: dir },
    );
    const merged = readReport(join(dir, 'merged.json'));
    const unsharded = readReport(join(dir, 'all.json'));
    expect(code).toBe(whole.code);
    expect(verdicts(merged)).toEqual(verdicts(unsharded));
    expect(Object.values(verdicts(merged))).toContain('failed');
    expect(testKeys(merged)).toEqual(testKeys(unsharded));
    expect(merged.summary).toEqual(unsharded.summary);
  });
});
