import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBudgetMs, runCli } from './run-cli.js';

// The default profile runs the seed's schedule (WHD-006), so the faults test proves that one. A target following
// another documented schedule (C-03) selects it in its profile: these runs prove that the schedule check then
// passes against the mock, which follows the profile too, and fails when the mock's retries are a minute late.
// The three are MAY rules: a failure is a warning (failed in the report), and the run still exits 0.

const dir = mkdtempSync(join(tmpdir(), 'scalekit-conformance-schedules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const schedules = [
  ['implement-webhooks-6', 'WHD-007'],
  ['three-retries', 'WHD-008'],
  ['scim-8', 'WHD-009'],
] as const;

function statusOf(reportPath: string, rule: string): string | undefined {
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { rules: { id: string; status: string }[] };
  return report.rules.find((r) => r.id === rule)?.status;
}

describe('the alternative retry schedules', () => {
  it('pass on a mock that follows them and fail when its retries are late', { timeout: cliBudgetMs }, async () => {
    const outputs: string[] = [];
    const results: { schedule: string; faulty: boolean; code: number | null; status: string | undefined }[] = [];
    // Two runs at a time (one schedule, with and without the fault), not six: six CLI runs starting vitest at once
    // on a busy 2-core machine starve the embedded mocks past their request timeout.
    for (const [schedule, rule] of schedules) {
      const config = join(dir, `${schedule}.json`);
      writeFileSync(config, JSON.stringify({ profile: { webhooks: { retrySchedule: schedule } } }));
      const pair = [false, true].map(async (faulty) => {
        const report = join(dir, `${schedule}-${faulty}.json`);
        const args = ['run', '--config', config, '--only', rule, '--report-json', report];
        const result = await runCli(faulty ? [...args, '--fault', 'webhooks.first-retry-late'] : args, {});
        outputs.push(
          `--- ${schedule}${faulty ? ' (late)' : ''}: exit ${result.code}\n${result.stdout.slice(-1500)}${result.stderr}`,
        );
        return { schedule, faulty, code: result.code, status: statusOf(report, rule) };
      });
      results.push(...(await Promise.all(pair)));
    }
    expect(results, outputs.join('\n')).toEqual(
      schedules.flatMap(([schedule]) => [
        { schedule, faulty: false, code: 0, status: 'passed' },
        { schedule, faulty: true, code: 0, status: 'failed' },
      ]),
    );
  });
});
