// The GitHub Action (action.yml): its shape, then its run step run as GitHub runs it (the step's `env:` evaluated
// from the inputs, its `run:` text given to bash, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY as files) against the
// standalone mock started with a seeded fault.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { RunReport } from '../../src/reporters/model.js';
import { type CliResult, cacheWithSuiteIndex, cliBudgetMs, cliEnv, packageDir, startCli } from './run-cli.js';

interface ActionStep {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface ActionDefinition {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

const action = parseYaml(readFileSync(join(packageDir, 'action.yml'), 'utf8')) as ActionDefinition;
const steps = action.runs.steps;
const runStep = steps.find((step) => step.id === 'run');
const uploadStep = steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'));

// A client the mock is started with; the secret is distinctive, so any leak of it is found by a plain search.
const clientId = 'skc_action_test';
const clientSecret = 'action-test-secret-4f1c9e2b7d';
// Breaks ALG-012 (a list answered without a bearer token), one of the rules `ALG-01?` selects.
const fault = 'auth-logs.no-auth-required';
const failingRule = 'ALG-012';
// Above 2^31, as GitHub's run IDs are now: a shard's default seed is this modulo 2^31.
const workflowRunId = 15_234_567_890;
const reportOutputs = ['report-json', 'report-junit', 'report-html', 'report-markdown'] as const;
/** A workflow expression as action.yml writes it. */
const expression = (body: string) => `\${{ ${body} }}`;

/**
 * An `env:` value as the runner evaluates it, for the two expression forms the action may use there: an input (its
 * value, else its default) and the action's folder. Any other expression fails the test: this stand-in would not
 * evaluate it as GitHub does.
 */
function evaluate(text: string, inputs: Record<string, string>): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (whole, body: string) => {
    const name = /^\s*inputs\.([A-Za-z0-9_-]+)\s*$/.exec(body)?.[1];
    if (name !== undefined) {
      const declared = action.inputs[name];
      if (!declared) throw new Error(`${whole} names no input of action.yml`);
      return inputs[name] ?? declared.default ?? '';
    }
    if (/^\s*github\.action_path\s*$/.test(body)) return packageDir;
    throw new Error(`the test cannot evaluate ${whole}`);
  });
}

/** `name=value` lines of a GITHUB_OUTPUT file. */
function readOutputs(path: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) outputs[line.slice(0, at)] = line.slice(at + 1);
  }
  return outputs;
}

interface StepRun extends CliResult {
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
}

let cacheDir = '';
const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/**
 * The run step as a runner runs it: `bash --noprofile --norc -eo pipefail` on its `run:` text, in a fresh workspace,
 * with the step's `env:` evaluated from `inputs`; killed after cliBudgetMs (a hang).
 */
async function runTheRunStep(inputs: Record<string, string>): Promise<StepRun> {
  if (!runStep?.run) throw new Error('action.yml has no step with id "run" and a run: text');
  const workspace = tempDir('skc-action-workspace-');
  const runner = tempDir('skc-action-runner-');
  const outputFile = join(runner, 'github-output');
  const summaryFile = join(runner, 'step-summary.md');
  const script = join(runner, 'step.sh');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  writeFileSync(script, runStep.run);
  const stepEnv = Object.fromEntries(Object.entries(runStep.env ?? {}).map(([k, v]) => [k, evaluate(v, inputs)]));
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd: workspace,
    env: cliEnv({
      ...stepEnv,
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTION_PATH: packageDir,
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: runner,
      GITHUB_RUN_ID: String(workflowRunId),
      SCALEKIT_CONFORMANCE_CACHE: cacheDir,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the run step did not finish within ${cliBudgetMs} ms`));
    }, cliBudgetMs);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  return {
    code,
    stdout,
    stderr,
    outputs: readOutputs(outputFile),
    summary: readFileSync(summaryFile, 'utf8'),
    workspace,
  };
}

/** Everything a step leaves behind that a reader of the workflow run could see. */
function everythingWritten(step: StepRun): string {
  const reports = reportOutputs
    .map((name) => step.outputs[name])
    .filter((path): path is string => path !== undefined && existsSync(path))
    .map((path) => readFileSync(path, 'utf8'));
  return [step.stdout, step.stderr, step.summary, JSON.stringify(step.outputs), ...reports].join('\n');
}

function expectReportPaths(step: StepRun, suffix = ''): void {
  const dir = join(step.workspace, 'conformance-reports');
  expect(step.outputs).toMatchObject({
    'report-json': join(dir, `report${suffix}.json`),
    'report-junit': join(dir, `report${suffix}.xml`),
    'report-html': join(dir, `report${suffix}.html`),
    'report-markdown': join(dir, `report${suffix}.md`),
  });
}

const readReport = (path: string | undefined) => JSON.parse(readFileSync(path ?? '', 'utf8')) as RunReport;

describe('action.yml', () => {
  it('is a composite action with the documented inputs and outputs', () => {
    expect(action.runs.using).toBe('composite');
    for (const name of ['target', 'client-id', 'client-secret']) expect(action.inputs[name]?.required).toBe(true);
    expect(action.inputs['client-secret']?.description).toContain('from a secret (secrets.NAME)');
    expect(action.inputs['strict-expectations']?.default).toBe('false');
    expect(action.inputs['wait-for-target']?.default).toBe('0');
    expect(action.inputs['report-dir']?.default).toBe('conformance-reports');
    expect(Object.keys(action.inputs).sort()).toEqual(
      [
        'target',
        'client-id',
        'client-secret',
        'only',
        'exclude',
        'expectations',
        'strict-expectations',
        'shard',
        'seed',
        'max-failures',
        'wait-for-target',
        'report-dir',
        'args',
      ].sort(),
    );
    // Each output is the run step's output of the same name.
    expect(Object.keys(action.outputs).sort()).toEqual(['exit-code', 'verdict', ...reportOutputs].sort());
    for (const [name, output] of Object.entries(action.outputs))
      expect(output.value).toBe(expression(`steps.run.outputs.${name}`));
  });

  it('hands every input to the run step through env, the secret as SCALEKIT_CLIENT_SECRET', () => {
    const env = runStep?.env ?? {};
    const mapped = Object.values(env).flatMap((value) => [...value.matchAll(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g)]);
    expect(mapped.map((match) => match[1]).sort()).toEqual(Object.keys(action.inputs).sort());
    expect(env.SCALEKIT_CLIENT_SECRET).toBe(expression('inputs.client-secret'));
    expect(runStep?.shell).toBe('bash');
    // A flag would show the secret in process lists.
    expect(readFileSync(join(packageDir, 'scripts/action/run.sh'), 'utf8')).not.toContain('--client-secret');
  });

  it('puts no expression in any run: text, where the runner would paste its value into the script', () => {
    const runTexts = steps.flatMap((step) => (step.run === undefined ? [] : [step.run]));
    expect(runTexts.length).toBeGreaterThanOrEqual(2);
    // Not only `inputs.`: github.head_ref and the like are as open to injection, and github.action_path is wrong
    // in container jobs ($GITHUB_ACTION_PATH is right).
    for (const text of runTexts) expect(text).not.toContain('${{');
  });

  it('uploads the report folder also when the run failed', () => {
    expect(uploadStep?.uses).toBe('actions/upload-artifact@v4');
    expect(uploadStep?.if).toBe('always()');
    expect(uploadStep?.with?.path).toBe(expression('inputs.report-dir'));
    expect(uploadStep?.with?.name).toContain('steps.run.outputs.artifact-name');
  });
});

describe('the run step, against the standalone mock', { timeout: cliBudgetMs }, () => {
  let mock: ReturnType<typeof startCli> | undefined;
  let target = '';

  beforeAll(async () => {
    cacheDir = await cacheWithSuiteIndex('skc-action-cache-');
    temps.push(cacheDir);
    let listening: (url: string) => void = () => {};
    const url = new Promise<string>((resolve) => {
      listening = resolve;
    });
    mock = startCli(
      ['mock', '--port', '0', '--fault', fault],
      { SCALEKIT_CLIENT_ID: clientId, SCALEKIT_CLIENT_SECRET: clientSecret },
      (out) => {
        const found = /mock listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (found?.[1]) listening(found[1]);
      },
    );
    const exited = mock.done.then((result) => Promise.reject(new Error(`the mock exited: ${result.stderr}`)));
    target = await Promise.race([url, exited]);
  }, cliBudgetMs);

  afterAll(async () => {
    if (mock) {
      mock.child.kill('SIGINT');
      await mock.done;
    }
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  const credentials = { 'client-id': clientId, 'client-secret': clientSecret };

  it('fails on the seeded fault: exit 1, verdict failed, four reports, a step summary with the replay line, annotations', async () => {
    const step = await runTheRunStep({ ...credentials, target, only: 'ALG-01?', seed: '7' });

    expect(step.code, step.stderr).toBe(1);
    expect(step.outputs['exit-code']).toBe('1');
    expect(step.outputs.verdict).toBe('failed');
    expectReportPaths(step);
    expect(step.outputs['artifact-name']).toBe('conformance-reports');

    const report = readReport(step.outputs['report-json']);
    expect(report.seed).toBe(7);
    expect(report.rules.find((rule) => rule.id === failingRule)?.status).toBe('failed');
    expect(readFileSync(step.outputs['report-junit'] ?? '', 'utf8')).toContain('<failure');
    expect(readFileSync(step.outputs['report-html'] ?? '', 'utf8')).toMatch(/^<!doctype html>/i);
    expect(readFileSync(step.outputs['report-markdown'] ?? '', 'utf8')).toContain(failingRule);

    expect(step.summary).toContain(`#### ${failingRule} (MUST)`);
    expect(step.summary).toMatch(/```sh\ncurl [^\n]*\/api\/v1\/logs\/authentication\/requests/);
    expect(step.stdout).toMatch(new RegExp(`^::error [^\\n]*title=${failingRule} \\(MUST\\)::`, 'm'));

    expect(everythingWritten(step)).not.toContain(clientSecret);
  });

  it('passes when an expectations file accepts the failure; a shard names the reports and takes the run ID seed', async () => {
    const expectations = join(tempDir('skc-action-expectations-'), 'expectations.yml');
    writeFileSync(expectations, `- match: ${failingRule}\n  outcome: fail\n  reason: known\n`);
    const step = await runTheRunStep({ ...credentials, target, only: 'ALG-01?', expectations, shard: '1/1' });

    expect(step.code, step.stderr).toBe(0);
    expect(step.outputs['exit-code']).toBe('0');
    expect(step.outputs.verdict).toBe('passed');
    expectReportPaths(step, '-1-of-1');
    expect(step.outputs['artifact-name']).toBe('conformance-reports-1-of-1');
    // Still failed on the target, but expected: the report says so.
    const report = readReport(step.outputs['report-json']);
    // No seed input: the shards of one workflow run share the seed its ID gives, as merge-reports requires.
    expect(report.seed).toBe(workflowRunId % 2 ** 31);
    const rule = report.rules.find((r) => r.id === failingRule);
    expect(rule?.status).toBe('failed');
    expect(rule?.expectation).toMatchObject({ outcome: 'fail', reason: 'known', met: true });
    expect(report.expectations?.expectedFailures).toEqual([failingRule]);
    expect(step.stdout).not.toMatch(/^::error /m);
    expect(everythingWritten(step)).not.toContain(clientSecret);
  });

  it('writes its outputs for a target that refuses connections: exit 2, verdict incomplete', async () => {
    const step = await runTheRunStep({ ...credentials, target: await refusingTarget(), only: 'ALG-01?' });

    expect(step.code, step.stderr).toBe(2);
    expect(step.outputs['exit-code']).toBe('2');
    expect(step.outputs.verdict).toBe('incomplete');
    expectReportPaths(step);
    const report = readReport(step.outputs['report-json']);
    expect(report.summary.completed).toBe(false);
    expect(report.incomplete).toMatch(/cannot reach the target/);
    expect(step.summary).toContain('the run did not complete');
    // The CLI annotates a run without a verdict with its reason, once; the step adds none of its own.
    expect(step.stdout.match(/^::error /gm)).toHaveLength(1);
    expect(step.stdout).toMatch(/^::error title=scalekit-conformance::the run did not complete: cannot reach/m);
    expect(everythingWritten(step)).not.toContain(clientSecret);
  });
});

/**
 * A loopback URL nothing listens on: a port the system just handed out and that was closed again. (Port 9, the
 * obvious choice, is on fetch's blocked-port list: the CLI then sends nothing at all rather than being refused.)
 */
async function refusingTarget(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}
