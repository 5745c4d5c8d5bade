import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhaseRecord } from '../../src/cli/phases.js';
import { systemClock } from '../../src/clock.js';
import { operationsOf } from '../../src/contract/operations.js';
import { type ServedMock, serveMock } from '../../src/mock/http-server.js';
import { createMock } from '../../src/mock/index.js';
import type { RunReport } from '../../src/reporters/model.js';
import { dereferencedSpec } from '../../src/spec/document.js';
import { specPath } from '../support/generation.js';
import { cliBudgetMs, runCli, startCli } from './run-cli.js';

const canary = 's3cr3t-canary';
const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
const oneLine = (text: string) => expect(text.trim().split('\n')).toHaveLength(1);

/** Every operation of the spec, as the report keys them (`GET /api/v1/...`). */
async function specOperationKeys(): Promise<string[]> {
  return operationsOf(await dereferencedSpec(specPath))
    .map((op) => op.key)
    .sort();
}

function readReport(dir: string): RunReport {
  return JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunReport;
}

// Each case starts the real CLI, which starts vitest: seconds, not milliseconds.
describe('scalekit-conformance run', { timeout: cliBudgetMs }, () => {
  let healthy: ServedMock;
  let faulty: ServedMock;
  let closedPort = 0;
  beforeAll(async () => {
    const probe = await serveMock(
      createMock({ clock: systemClock, credentials: { clientId: 'a', clientSecret: 'b' } }),
    );
    closedPort = Number(new URL(probe.url).port);
    await probe.close();
    const credentials = { clientId: 'skc_cli_test', clientSecret: canary };
    healthy = await serveMock(createMock({ clock: systemClock, credentials }));
    faulty = await serveMock(createMock({ clock: systemClock, credentials, faults: ['auth-logs.no-auth-required'] }));
  });
  afterAll(async () => {
    await healthy.close();
    await faulty.close();
  });

  it('passes against the embedded mock, prints a per-rule table and writes both reports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-run-'));
    const result = await runCli([
      'run',
      '--seed',
      '11',
      '--report-json',
      join(dir, 'r.json'),
      '--report-junit',
      join(dir, 'r.xml'),
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ALG-010\s+MUST\s+passed\s+spec /m);
    expect(result.stdout).toContain('seed:   11 (replay with --seed 11)');
    const report = readReport(dir);
    expect(Object.keys(report.summary).sort()).toEqual([
      'completed',
      'diagnostics',
      'errored',
      'failed',
      'passed',
      'skipped',
      'tests',
      'uncovered',
      'warnings',
    ]);
    expect(report.summary).toMatchObject({ errored: 0, tests: { errored: 0 } });
    // The contract exercise reached every operation of the spec: the suite's own coverage, not a rule of the target.
    expect(Object.keys(report.operations ?? {}).sort()).toEqual(await specOperationKeys());
    for (const id of ['ALG-007', 'ALG-010', 'ALG-012']) {
      const rule = report.rules.find((r) => r.id === id);
      expect(rule).toMatchObject({ id, force: 'MUST', status: 'passed' });
      expect(rule?.tests.length).toBeGreaterThan(0);
    }
    // The catalogue is closed (issue 20): every rule a target can show has a test.
    expect(report.rules.filter((r) => r.status === 'uncovered').map((r) => r.id)).toEqual([]);
    expect(report.rules.find((r) => r.id === 'WHD-014')).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining('dashboard'),
    });
    expect(report.summary.failed).toBe(0);
    const junit = readFileSync(join(dir, 'r.xml'), 'utf8');
    expect(junit).toMatch(/<testsuite name="auth-logs" tests="\d+" failures="0" errors="0" skipped="\d+"[ >]/);
    expect(junit).toContain('name="ALG-010 ');
  });

  it.each([
    ['a reserved port', () => 9, /cannot reach the target http:\/\/127\.0\.0\.1:9: .*blocked-port list/],
    ['a closed port', () => closedPort, /cannot reach the target http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/],
  ])('exits 2 with one line and no stack trace when the target is unreachable (%s)', async (_, port, message) => {
    const credentials = { SCALEKIT_CLIENT_ID: 'x', SCALEKIT_CLIENT_SECRET: 'y'.repeat(8) };
    const result = await runCli(['run', '--target', `http://127.0.0.1:${port()}`], credentials);
    expect(result.code).toBe(2);
    // The line that opens every run, then nothing: the error is one line on stderr.
    expect(result.stdout).toMatch(
      /^scalekit-conformance \S+: starting a run against http:\/\/127\.0\.0\.1:\d+ \(seed \d+\)\n$/,
    );
    oneLine(result.stderr);
    noStackTrace(result.stderr);
    expect(result.stderr).toMatch(message);
  });

  it('with --wait-for-target, waits for a target that starts after the run, then runs against it', async () => {
    const credentials = { clientId: 'skc_late', clientSecret: 'late-secret-123' };
    const probe = await serveMock(createMock({ clock: systemClock, credentials }));
    const port = Number(new URL(probe.url).port);
    await probe.close();
    let late: Promise<ServedMock> | undefined;
    // The target starts once the run says it waits: no timing guess decides the test.
    const run = startCli(
      ['run', '--target', `http://127.0.0.1:${port}`, '--wait-for-target', '600', '--only', 'ALG-010'],
      { SCALEKIT_CLIENT_ID: credentials.clientId, SCALEKIT_CLIENT_SECRET: credentials.clientSecret },
      (stdout) => {
        if (!late && stdout.includes(`waiting up to 600 s for http://127.0.0.1:${port} to answer`)) {
          late = serveMock(createMock({ clock: systemClock, credentials }), port);
        }
      },
    );
    const result = await run.done;
    await (await late)?.close();
    expect(late, result.stdout + result.stderr).toBeDefined();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^rules: \d+ passed, 0 failed/m);
  });

  it('with --wait-for-target, stops waiting at Ctrl-C and exits 130', async () => {
    const run = startCli(
      ['run', '--target', `http://127.0.0.1:${closedPort}`, '--wait-for-target', '600'],
      { SCALEKIT_CLIENT_ID: 'x', SCALEKIT_CLIENT_SECRET: 'y'.repeat(8) },
      (stdout) => {
        if (stdout.includes('waiting up to 600 s')) run.child.kill('SIGINT');
      },
    );
    const result = await run.done;
    expect(result.code, result.stdout + result.stderr).toBe(130);
    expect(result.stderr).not.toContain('cannot reach');
  });

  it('with --wait-for-target, still exits 2 naming the target once the time is up', async () => {
    const credentials = { SCALEKIT_CLIENT_ID: 'x', SCALEKIT_CLIENT_SECRET: 'y'.repeat(8) };
    const result = await runCli(
      ['run', '--target', `http://127.0.0.1:${closedPort}`, '--wait-for-target', '1'],
      credentials,
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(`waiting up to 1 s for http://127.0.0.1:${closedPort} to answer`);
    oneLine(result.stderr);
    expect(result.stderr).toMatch(/cannot reach the target .*ECONNREFUSED/);
  });

  it('exits 2 with a clear authentication error when the client secret is wrong', async () => {
    const result = await runCli(['run', '--target', healthy.url], {
      SCALEKIT_CLIENT_ID: 'skc_cli_test',
      SCALEKIT_CLIENT_SECRET: 'wrong-secret',
    });
    expect(result.code).toBe(2);
    oneLine(result.stderr);
    expect(result.stderr).toContain('authentication failed');
    expect(result.stderr).toContain('invalid_client');
    expect(result.stderr).toContain('SCALEKIT_CLIENT_SECRET');
    expect(result.stderr).not.toContain('wrong-secret');
  });

  it('exits 2 naming the credentials when a URL target has none', async () => {
    const result = await runCli(['run', '--target', healthy.url]);
    expect(result.code).toBe(2);
    oneLine(result.stderr);
    expect(result.stderr).toContain('SCALEKIT_CLIENT_ID and SCALEKIT_CLIENT_SECRET not set');
  });

  describe('against a target with a fault, over every suite', () => {
    // One run serves both tests: every suite passes the client secret, tokens and the webhook secret through, and
    // the authentication-log failures add their replays.
    const env = { SCALEKIT_CLIENT_ID: 'skc_cli_test', SCALEKIT_CLIENT_SECRET: canary };
    let dir = '';
    let failing: Awaited<ReturnType<typeof runCli>>;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'skc-canary-'));
      const reports = ['--report-json', join(dir, 'r.json'), '--report-junit', join(dir, 'r.xml')];
      failing = await runCli(['run', '--target', faulty.url, ...reports], env);
    }, cliBudgetMs);

    it('exits 1 and reports the failed rule with received, expected and a replay line', () => {
      expect(failing.code).toBe(1);
      const rule = readReport(dir).rules.find((r) => r.id === 'ALG-012');
      expect(rule?.status).toBe('failed');
      expect(rule?.failures?.[0]).toMatchObject({ rule: 'ALG-012', title: 'status code', expected: '401' });
      expect(rule?.failures?.[0]?.received).toMatch(/^200 /);
      expect(rule?.failures?.[0]?.replay).toMatch(
        /^curl -sS -X GET 'http:\/\/127\.0\.0\.1:\d+\/api\/v1\/logs\/authentication\/requests\?page_size=1'/,
      );
    });

    it('never prints or writes the client secret or a token, even in failure replays', () => {
      expect(failing.stdout).toContain('Reproduce with: curl');
      const written = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
      expect(written).toHaveLength(2);
      for (const text of [failing.stdout, failing.stderr, ...written]) {
        expect(text).not.toContain(canary);
        expect(text).not.toMatch(/Bearer (?!\$SCALEKIT_ACCESS_TOKEN)[A-Za-z0-9_-]{8,}/);
      }
    });
  });

  it('fails with one line naming --spec and SCALEKIT_OPENAPI when no spec is given and the pinned download fails', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'skc-cache-'));
    const result = await runCli(['run'], {
      SCALEKIT_OPENAPI: undefined,
      SCALEKIT_CONFORMANCE_CACHE: cache,
      SCALEKIT_OPENAPI_MIRROR: 'http://127.0.0.1:9/scalekit.scalar.json',
    });
    expect(result.code).toBe(2);
    oneLine(result.stderr);
    noStackTrace(result.stderr);
    expect(result.stderr).toContain('--spec');
    expect(result.stderr).toContain('SCALEKIT_OPENAPI');
  });

  it('runs only the tests citing --only rules and reports the others as not selected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-only-'));
    const phases = join(dir, 'phases.json');
    const junit = join(dir, 'j.xml');
    const result = await runCli(
      ['run', '--only', 'ALG-01?', '--report-json', join(dir, 'r.json'), '--report-junit', junit],
      { SCALEKIT_CONFORMANCE_PHASES: phases },
    );
    expect(result.code).toBe(0);
    // The tests the selection leaves out are counted in one line, not listed; the JUnit has no case for them.
    expect(result.stdout).not.toContain('not selected by --only');
    const countLine = /^ {2}(\d+) tests not selected \(--only ALG-01\?\): not listed$/m.exec(result.stdout);
    expect(Number(countLine?.[1])).toBe(readReport(dir).summary.tests.deselected);
    expect(readReport(dir).tests.filter((t) => t.message === 'not selected by --only')).toHaveLength(
      Number(countLine?.[1]),
    );
    expect(result.stdout).toMatch(/^rules: 10 passed, .*, \d+ not selected$/m);
    const cases = [...readFileSync(junit, 'utf8').matchAll(/<testcase [^>]*name="([A-Z]{3}-\d{3})/g)].map((m) => m[1]);
    expect(cases.length).toBeGreaterThan(0);
    expect(cases.every((id) => id?.startsWith('ALG-01'))).toBe(true);
    // The steps `npm run bench:run` reads, in order, and the files that ran.
    const noted = JSON.parse(readFileSync(phases, 'utf8')) as PhaseRecord;
    expect(noted.marks.map((m) => m.phase)).toEqual([
      'CLI loaded',
      'settings',
      'spec',
      'target served and answering',
      'vitest started',
      'suites',
      'report',
      'exit',
    ]);
    expect(noted.marks.map((m) => m.atMs)).toEqual([...noted.marks.map((m) => m.atMs)].sort((x, y) => x - y));
    expect(noted.files.map((f) => f.file)).toContain('suites/auth-logs/list-auth-requests.test.ts');
    const report = readReport(dir);
    expect(report.rules.find((r) => r.id === 'ALG-010')?.status).toBe('passed');
    expect(report.rules.find((r) => r.id === 'ALG-007')).toMatchObject({
      status: 'skipped',
      reason: 'not selected by --only',
    });
  });

  it('leaves out the tests citing --exclude rules, also inside the --only selection, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-exclude-'));
    const result = await runCli([
      'run',
      '--only',
      'ALG-01?',
      '--exclude',
      'ALG-010',
      '--report-json',
      join(dir, 'r.json'),
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('exclude: ALG-010');
    const report = readReport(dir);
    expect(report.exclude).toEqual(['ALG-010']);
    expect(report.rules.find((r) => r.id === 'ALG-010')).toMatchObject({
      status: 'skipped',
      reason: 'left out by --exclude',
    });
    const ran = report.tests.filter((t) => t.state === 'passed');
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.every((t) => t.rules.some((r) => r.startsWith('ALG-01')) && !t.rules.includes('ALG-010'))).toBe(true);
  });

  it.each([
    [['run', '--bogus'], /unknown option '--bogus' for run/],
    [['run', '--target', 'not a url'], /is not a URL/],
    [['run', '--only', 'XYZ-*'], /matches no rule ID/],
    [['run', '--seed=-1'], /--seed must be a whole number/],
    [['run', '--seed', '-1'], /option '--seed' needs a value/],
    [['run', '--fault', 'nope'], /unknown mock fault "nope"/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['mutation', '--jobs', '0'], /--jobs must be a whole number from 1 to 16/],
    [['mutation', '--baseline', 'package.json'], /--baseline .*package\.json holds no baseline/],
    [['run', '--exclude', 'XYZ-*'], /--exclude "XYZ-\*" matches no rule ID/],
    [['run', '--exclude', '*'], /--exclude \* selects no test/],
    [['run', '--spec', 'src'], /the spec src \(from --spec\) is a directory, not a file/],
    [['run', '--runs', '0'], /--runs must be a whole number from 1 to 100, got "0"/],
    [['run', '--runs', '2.5'], /--runs must be a whole number from 1 to 100/],
    [['run', '--wait-for-target', '-1'], /option '--wait-for-target' needs a value|--wait-for-target must be/],
    [['run', '--wait-for-target', '3601'], /--wait-for-target must be a whole number between 0 and 3600/],
  ])('rejects %j with exit 2 and one line', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    oneLine(result.stderr);
    expect(result.stderr).toMatch(message);
    noStackTrace(result.stderr);
  });

  it('replays the same generated cases for the same --seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-seed-'));
    const args = ['run', '--only', 'ALG-010', '--fault', 'auth-logs.accept-unknown-status', '--seed', '4242'];
    const first = await runCli([...args, '--report-json', join(dir, 'a.json')]);
    const second = await runCli([...args, '--report-json', join(dir, 'b.json')]);
    expect(first.code).toBe(1);
    expect(second.code).toBe(1);
    // The same failures, whatever order the suite files ran in; ports differ between the two mocks.
    const details = (file: string) =>
      (
        JSON.parse(readFileSync(join(dir, file), 'utf8')).rules.find((r: { id: string }) => r.id === 'ALG-010')
          .failures as unknown[]
      )
        .map((f) => JSON.stringify(f).replace(/127\.0\.0\.1:\d+/g, 'HOST'))
        .sort()
        .join('\n');
    expect(details('a.json')).toContain('fast-check seed=4242');
    expect(details('a.json')).toBe(details('b.json'));
  });

  it('runs every property with --runs times its cases, and says how to replay that', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-runs-'));
    // EPT-006's property: 19 cases by default (7 hand-picked, 12 generated), one authorize request each.
    const requestsWith = async (runs: string) => {
      const report = join(dir, `runs-${runs}.json`);
      const result = await runCli(['run', '--only', 'EPT-006', '--seed', '5', '--runs', runs, '--report-json', report]);
      expect(result.code).toBe(0);
      const tests = JSON.parse(readFileSync(report, 'utf8')).tests as { name: string; requests?: number }[];
      const property = tests.find((t) => t.name.includes('state comes back unchanged'));
      return { requests: property?.requests ?? 0, stdout: result.stdout };
    };
    const once = await requestsWith('1');
    const thrice = await requestsWith('3');
    expect(once.requests).toBeGreaterThanOrEqual(19);
    expect(thrice.requests - once.requests).toBeGreaterThanOrEqual(2 * 19);
    expect(thrice.stdout).toContain('seed:   5 (replay with --seed 5 --runs 3)');
  });
});

describe('scalekit-conformance rules', { timeout: cliBudgetMs }, () => {
  it('lists uncovered rules (none now), leaving out the ones a suite cites and those no target can show', async () => {
    const result = await runCli(['rules', '--uncovered']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/^WHS-008 /m);
    expect(result.stdout).not.toMatch(/^ALG-010 /m);
    // A fact of the spec (held by a harness test) and a dashboard-only rule are counted apart, not uncovered.
    expect(result.stdout).not.toMatch(/^OAS-001 /m);
    expect(result.stdout).not.toMatch(/^TPL-001 /m);
    const [, covered, elsewhere, uncovered] =
      /167 rules: (\d+) covered by a suite test, (\d+) not checkable against a target .*, (\d+) uncovered/.exec(
        result.stdout,
      ) ?? [];
    expect(Number(covered) + Number(elsewhere) + Number(uncovered)).toBe(167);
    expect(Number(covered)).toBeGreaterThanOrEqual(3);
    expect(Number(elsewhere)).toBeGreaterThanOrEqual(3);
    // The listing holds exactly the uncovered rules, one line each: none, since issue 20 closed the catalogue.
    expect(Number(uncovered)).toBe(0);
    expect(result.stdout.match(/^[A-Z]{3}-\d{3} /gm) ?? []).toHaveLength(Number(uncovered));
  });
});
