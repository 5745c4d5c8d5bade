import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultCacheDir } from '../../src/spec/resolve.js';

export const binPath = fileURLToPath(new URL('../../bin/scalekit-conformance.js', import.meta.url));
export const packageDir = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** SCALEKIT_OPENAPI made absolute, so a child started in another folder (the action's workspace) finds it; URLs kept. */
function specForChild(spec: string | undefined): string | undefined {
  if (!spec || /^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) return spec;
  return resolve(spec);
}

/**
 * The environment a CLI child starts with: PATH, HOME, the cache and the spec, so a developer's own SCALEKIT_* never
 * leak.
 */
export function cliEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_CACHE_HOME: process.env.XDG_CACHE_HOME,
    SCALEKIT_OPENAPI: specForChild(process.env.SCALEKIT_OPENAPI),
    SCALEKIT_CONFORMANCE_CACHE: process.env.SCALEKIT_CONFORMANCE_CACHE,
    ...env,
  };
}

/**
 * The real CLI as a child process, in the environment `cliEnv` gives: the child (to signal), and its exit code and
 * output once it closes. `onStdout` sees the output so far each time more arrives.
 */
export function startCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  onStdout: (text: string) => void = () => {},
  cwd: string = packageDir,
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [binPath, ...args], {
    cwd,
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
    onStdout(stdout);
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

/**
 * How long a CLI run may take before it counts as hung: far above what any run here needs on a busy 2-core machine
 * (the longest takes about a minute idle), so the machine's load never decides a verdict; only a hang ends one.
 */
export const cliBudgetMs = 20 * 60_000;

/** Runs the real CLI in a child process, as a user would; killed and rejected after `timeoutMs` (a hang). */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = cliBudgetMs,
): Promise<CliResult> {
  const { child, done } = startCli(args, env);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    done.then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

let indexCollected: Promise<unknown> | undefined;

/**
 * A fresh cache folder for one run (its ledgers kept apart from other runs') that already holds the suite index,
 * so the run does not collect the suites again: `rules` collects it into the default cache once, when missing.
 */
export async function cacheWithSuiteIndex(prefix: string): Promise<string> {
  indexCollected ??= runCli(['rules', '--json']);
  await indexCollected;
  const from = defaultCacheDir();
  const cache = mkdtempSync(join(tmpdir(), prefix));
  for (const file of readdirSync(from)) {
    if (/^suite-index-[0-9a-f]+\.json$/.test(file)) copyFileSync(join(from, file), join(cache, file));
  }
  return cache;
}
