import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBudgetMs, runCli } from './run-cli.js';

// The default profile runs the seed's schedule (WHD-006). A target following another documented schedule (C-03)
// selects it in its profile: these runs prove that `--config` reaches the profile and that the schedule check then
// passes against the mock, which follows the profile too. That the same check fails when the mock's retries are a
// minute late is the fault proof's (test/mock/faults.test.ts runs webhooks.first-retry-late under each of these
// profiles). The three are MAY rules: a failure would be a warning, and the run would still exit 0.

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
  it('pass on a mock that follows the schedule the config file selects', { timeout: cliBudgetMs }, async () => {
    const outputs: string[] = [];
    const results: { schedule: string; code: number | null; status: string | undefined }[] = [];
    // One at a time: CLI runs starting vitest side by side on a busy 2-core machine starve their embedded mocks.
    for (const [schedule, rule] of schedules) {
      const config = join(dir, `${schedule}.json`);
      writeFileSync(config, JSON.stringify({ profile: { webhooks: { retrySchedule: schedule } } }));
      const report = join(dir, `${schedule}.json.report`);
      const result = await runCli(['run', '--config', config, '--only', rule, '--report-json', report], {});
      outputs.push(`--- ${schedule}: exit ${result.code}\n${result.stdout.slice(-1500)}${result.stderr}`);
      results.push({ schedule, code: result.code, status: statusOf(report, rule) });
    }
    expect(results, outputs.join('\n')).toEqual(
      schedules.map(([schedule]) => ({ schedule, code: 0, status: 'passed' })),
    );
  });
});
