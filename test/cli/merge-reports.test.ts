import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeReportsCommand } from '../../src/cli/merge-reports.js';
import { ExitCode } from '../../src/errors.js';
import type { RunReport, TestOutcome } from '../../src/reporters/model.js';
import { outcome, shardReport } from '../support/shard-reports.js';
import { userErrorOfAsync } from '../support/user-error.js';

/** A shard's report: its own tests as they ran, the other shard's listed with the shard note. */
const shardOf = (index: number, own: TestOutcome[], others: TestOutcome[]): RunReport =>
  shardReport(index, 2, own, others, {
    target: `embedded mock (http://127.0.0.1:4000${index})`,
    spec: { origin: 'pinned', sha256: 'c'.repeat(64) },
  });

/** Two shard reports in a fresh folder; the shard-2 test of ALG-007 ends as `secondState`. */
function shardFiles(secondState: TestOutcome['state']) {
  const dir = mkdtempSync(join(tmpdir(), 'skc-merge-'));
  const first = [outcome('suites/a.test.ts', 'filters', 'passed', ['ALG-007'])];
  const second = [outcome('suites/b.test.ts', 'more filters', secondState, ['ALG-007'])];
  writeFileSync(join(dir, 'a.json'), JSON.stringify(shardOf(1, first, second)));
  writeFileSync(join(dir, 'b.json'), JSON.stringify(shardOf(2, second, first)));
  return { dir, lines: [] as string[] };
}

const ioIn = (dir: string, lines: string[]) => ({ out: (line: string) => lines.push(line), env: {}, cwd: dir });

describe('merge-reports', () => {
  it('writes the merged reports and exits 1 when a MUST rule failed in one shard', async () => {
    const { dir, lines } = shardFiles('failed');
    const code = await mergeReportsCommand(
      ['a.json', 'b.json'],
      {
        'report-json': 'merged/all.json',
        'report-junit': 'merged/all.xml',
        'report-markdown': 'merged/all.md',
        'report-html': 'merged/all.html',
      },
      ioIn(dir, lines),
    );
    expect(code).toBe(ExitCode.conformanceFailure);
    const merged = JSON.parse(readFileSync(join(dir, 'merged/all.json'), 'utf8')) as RunReport;
    expect(merged.shard).toBeUndefined();
    expect(merged.rules.find((r) => r.id === 'ALG-007')?.status).toBe('failed');
    expect(merged.summary.tests).toEqual({ passed: 1, failed: 1, errored: 0, skipped: 0 });
    expect(readFileSync(join(dir, 'merged/all.xml'), 'utf8')).toContain('failures="1"');
    expect(lines[0]).toBe('merged 2 shard reports (seed 7, target embedded mock (one per shard))');
    expect(lines).toContain(`JSON report:     ${join(dir, 'merged/all.json')}`);
    expect(lines).toContain(`JUnit report:    ${join(dir, 'merged/all.xml')}`);
    expect(lines).toContain(`Markdown report: ${join(dir, 'merged/all.md')}`);
    expect(lines).toContain(`HTML report:     ${join(dir, 'merged/all.html')}`);
    expect(readFileSync(join(dir, 'merged/all.md'), 'utf8')).toContain('ALG-007');
    expect(readFileSync(join(dir, 'merged/all.html'), 'utf8')).toContain('ALG-007');
    expect(lines.join('\n')).toMatch(/^ALG-007\s+MUST\s+failed/m);
  });

  it('exits 0 when every rule that ran passed, and without a report flag prints the table only', async () => {
    const { dir, lines } = shardFiles('passed');
    const code = await mergeReportsCommand(['a.json', 'b.json'], {}, ioIn(dir, lines));
    expect(code).toBe(ExitCode.ok);
    expect(lines.join('\n')).toMatch(/^ALG-007\s+MUST\s+passed/m);
    expect(lines.some((line) => line.includes(' report: '))).toBe(false);
  });

  it('appends the merged summary to GitHub’s step summary when $GITHUB_STEP_SUMMARY is set', async () => {
    const { dir, lines } = shardFiles('failed');
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, 'an earlier step\n');
    await mergeReportsCommand(['a.json', 'b.json'], {}, { ...ioIn(dir, lines), env: { GITHUB_STEP_SUMMARY: summary } });
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('an earlier step\n')).toBe(true);
    expect(text).toContain('ALG-007');
    expect(lines).toContain(`step summary:    ${summary} ($GITHUB_STEP_SUMMARY)`);
  });

  it('says when the shards applied an expectations file the merged report does not carry', async () => {
    const { dir, lines } = shardFiles('passed');
    const withExpectations = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')) as RunReport;
    withExpectations.expectations = {
      file: 'known.json',
      expectedFailures: [],
      unexpectedPasses: [],
      expired: [],
      unmatched: [],
      strict: false,
    };
    writeFileSync(join(dir, 'a.json'), JSON.stringify(withExpectations));
    await mergeReportsCommand(['a.json', 'b.json'], {}, ioIn(dir, lines));
    expect(lines).toContain(
      'expectations: the shards applied known.json, each to its own part; the merged report and exit code judge without it (pass --expectations known.json to apply it to the merge)',
    );
  });

  it('applies --expectations to the merged report: an expected failure no longer fails the merge', async () => {
    const { dir, lines } = shardFiles('failed');
    writeFileSync(join(dir, 'known.yaml'), '- match: ALG-007\n  outcome: fail\n  reason: filter not shipped yet\n');
    const withoutFile = await mergeReportsCommand(['a.json', 'b.json'], {}, ioIn(dir, []));
    expect(withoutFile).toBe(ExitCode.conformanceFailure);
    const code = await mergeReportsCommand(
      ['a.json', 'b.json'],
      { expectations: 'known.yaml', 'report-json': 'merged.json' },
      ioIn(dir, lines),
    );
    expect(code).toBe(ExitCode.ok);
    const merged = JSON.parse(readFileSync(join(dir, 'merged.json'), 'utf8')) as RunReport;
    expect(merged.expectations?.expectedFailures).toEqual(['ALG-007']);
    expect(lines.join('\n')).toMatch(/^ALG-007\s+MUST\s+expected failure/m);
  });

  it('refuses a missing file, a file that is not JSON or not a run report, and no file at all, in one line', async () => {
    const { dir, lines } = shardFiles('passed');
    writeFileSync(join(dir, 'broken.json'), '{"tool":');
    writeFileSync(join(dir, 'other.json'), '{"tool":{"name":"x","version":"1"},"seed":7}');
    const merge = (paths: string[]) => mergeReportsCommand(paths, { 'report-json': 'out.json' }, ioIn(dir, lines));
    expect((await userErrorOfAsync(() => merge(['a.json', 'gone.json']))).message).toBe(
      'the run report gone.json does not exist',
    );
    expect((await userErrorOfAsync(() => merge(['a.json', 'broken.json']))).message).toMatch(
      /^the run report broken\.json is not valid JSON \(/,
    );
    expect((await userErrorOfAsync(() => merge(['a.json', 'other.json']))).message).toBe(
      'other.json is not a run report (no target)',
    );
    expect((await userErrorOfAsync(() => merge([]))).message).toBe('merge-reports needs the reports to merge');
    expect(existsSync(join(dir, 'out.json'))).toBe(false);
  });

  it('passes on the merge’s own refusal, naming the file', async () => {
    const { dir, lines } = shardFiles('passed');
    const error = await userErrorOfAsync(() => mergeReportsCommand(['a.json'], {}, ioIn(dir, lines)));
    expect(error.message).toBe('shard 2/2 is missing: the merged report would lack its tests');
    const again = await userErrorOfAsync(() => mergeReportsCommand(['a.json', 'a.json'], {}, ioIn(dir, lines)));
    expect(again.message).toBe('a.json and a.json are both shard 1/2');
  });
});
