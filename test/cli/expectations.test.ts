import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ExpectationsInitFlags, expectationsInitCommand } from '../../src/cli/expectations.js';
import { ExitCode, UserError } from '../../src/errors.js';
import { readExpectations, todoReason } from '../../src/reporters/expectations.js';
import type { RuleOutcome, RunReport } from '../../src/reporters/model.js';

// `expectations init` called directly, on report files written to a temp folder.

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'skc-expectations-cli-'));
  temps.push(dir);
  return dir;
}

const rule = (id: string, status: RuleOutcome['status'], force: RuleOutcome['force'] = 'MUST'): RuleOutcome => ({
  id,
  force,
  area: 'auth-logs',
  statement: `the statement of ${id}`,
  sources: [],
  status,
  tests: [],
});

function runReport(rules: RuleOutcome[], completed = true): RunReport {
  return {
    tool: { name: 'scalekit-conformance', version: '0.1.0' },
    target: 'mock',
    spec: { origin: 'pinned', sha256: 'abc' },
    seed: 7,
    only: [],
    exclude: [],
    startedAt: '2026-05-20T10:00:00.000Z',
    durationMs: 10,
    summary: {
      completed,
      passed: 0,
      failed: rules.filter((r) => r.status === 'failed').length,
      errored: 0,
      skipped: 0,
      uncovered: 0,
      warnings: 0,
      diagnostics: 0,
      tests: { passed: 0, failed: 0, errored: 0, skipped: 0 },
    },
    rules,
    tests: [],
    errors: [],
    drift: [],
    ...(completed ? {} : { incomplete: 'interrupted by SIGINT' }),
  };
}

/** A folder holding `report.json` with this content (a report, or any text). */
function folderWithReport(content: RunReport | string): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'report.json'), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

async function init(flags: ExpectationsInitFlags, cwd: string) {
  const lines: string[] = [];
  const code = await expectationsInitCommand(flags, { out: (line) => lines.push(line), env: {}, cwd });
  return { code, lines };
}
async function initError(flags: ExpectationsInitFlags, cwd: string): Promise<UserError> {
  const error = await init(flags, cwd).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof UserError)) throw new Error(`expected a UserError, got ${String(error)}`);
  expect(error.line).not.toContain('\n');
  return error;
}

const failing = runReport([rule('TOK-005', 'failed'), rule('ALG-003', 'failed', 'SHOULD'), rule('ALG-007', 'passed')]);

describe('expectations init', () => {
  it('writes a file accepting the failed rules, which run can read, and says where and how many', async () => {
    const dir = folderWithReport(failing);
    const { code, lines } = await init({ 'from-report': 'report.json', output: 'known/known.yaml' }, dir);
    expect(code).toBe(ExitCode.ok);
    expect(readExpectations('known/known.yaml', dir)).toEqual([
      { match: 'ALG-003', outcome: 'fail', reason: todoReason },
      { match: 'TOK-005', outcome: 'fail', reason: todoReason },
    ]);
    expect(readFileSync(join(dir, 'known/known.yaml'), 'utf8')).toContain('run --expectations known/known.yaml');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^expectations written to .*known\/known\.yaml: 2 entries accepting the failed rules/);
    // Only the file itself: no temporary file left beside it.
    expect(existsSync(join(dir, 'known', `.known.yaml.${process.pid}.tmp`))).toBe(false);
  });

  it('prints the file when no --output is given', async () => {
    const dir = folderWithReport(failing);
    const { code, lines } = await init({ 'from-report': 'report.json' }, dir);
    expect(code).toBe(ExitCode.ok);
    writeFileSync(join(dir, 'printed.yaml'), lines.join('\n'));
    expect(readExpectations('printed.yaml', dir).map((entry) => entry.match)).toEqual(['ALG-003', 'TOK-005']);
  });

  it('writes a file of no entries for a run without failures, and says so', async () => {
    const dir = folderWithReport(runReport([rule('ALG-007', 'passed')]));
    const { lines } = await init({ 'from-report': 'report.json', output: 'known.yaml' }, dir);
    expect(readExpectations('known.yaml', dir)).toEqual([]);
    expect(lines[0]).toMatch(/: no entries, the run had no failed rule$/);
  });

  it('does not overwrite an existing expectations file', async () => {
    const dir = folderWithReport(failing);
    writeFileSync(join(dir, 'known.yaml'), '- match: TOK-005\n  outcome: fail\n  reason: PLAT-1\n');
    const error = await initError({ 'from-report': 'report.json', output: 'known.yaml' }, dir);
    expect(error.message).toBe('known.yaml already exists; expectations init does not overwrite an expectations file');
    expect(readExpectations('known.yaml', dir)).toEqual([{ match: 'TOK-005', outcome: 'fail', reason: 'PLAT-1' }]);
  });

  describe('refuses, on one line', () => {
    it('no --from-report', async () => {
      const error = await initError({ output: 'known.yaml' }, tempDir());
      expect(error.message).toBe('expectations init needs --from-report FILE, a run report in JSON');
    });

    it('a report that does not exist', async () => {
      const error = await initError({ 'from-report': 'missing.json' }, tempDir());
      expect(error.message).toBe('the run report missing.json does not exist');
      expect(error.fix).toContain('run --report-json FILE');
    });

    it('a report that is not JSON', async () => {
      const error = await initError({ 'from-report': 'report.json' }, folderWithReport('<testsuites/>'));
      expect(error.message).toMatch(/^the run report report\.json is not valid JSON \(.+\)$/);
    });

    it('JSON that is not a run report', async () => {
      const rule = { id: 'ALG-010', status: 'failed', force: 'MUST' };
      for (const [content, missing] of [
        ['{"drift": [], "total": 0}', 'no tool name and version'],
        ['[]', 'not a JSON object'],
        ['null', 'not a JSON object'],
        [JSON.stringify(runReport([])).replace('"summary":{"completed":true', '"summary":{"done":true'), 'no summary'],
        [JSON.stringify(runReport([])).replace('"tests":[]', '"tests":{}'), 'no list of tests'],
        [JSON.stringify(runReport([{ ...rule, id: 1 } as never])), 'a rule without id, status and force'],
      ]) {
        const error = await initError({ 'from-report': 'report.json' }, folderWithReport(content ?? ''));
        expect(error.message).toBe(`report.json is not a run report (${missing})`);
      }
    });

    it('the report of a run that did not complete', async () => {
      const dir = folderWithReport(runReport([], false));
      const error = await initError({ 'from-report': 'report.json', output: 'known.yaml' }, dir);
      expect(error.message).toBe('the run report report.json is of a run that did not complete: interrupted by SIGINT');
      expect(existsSync(join(dir, 'known.yaml'))).toBe(false);
    });
  });
});
