import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/main.js';
import { UserError } from '../../src/errors.js';
import { cliBudgetMs, runCli } from './run-cli.js';

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
const oneLine = (text: string) => expect(text.trim().split('\n')).toHaveLength(1);

/** The UserError parseCommandLine throws for `argv`, as the one line the CLI prints. */
function usageLine(argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UserError) return error.line;
    throw error;
  }
  throw new Error(`${argv.join(' ')} parsed without an error`);
}

// Each command's options as the handlers receive them: the long names, string values, repeatable ones as arrays,
// booleans true. Every option given once: a renamed key or a lost option shows here.
const commandOptions: Record<string, { values: string[]; repeatable?: string[]; booleans?: string[] }> = {
  run: {
    values: [
      'target',
      'spec',
      'seed',
      'runs',
      'expectations',
      'report-json',
      'report-junit',
      'report-markdown',
      'report-html',
      'shard',
      'max-failures',
      'client-id',
      'client-secret',
      'config',
      'timeout-ms',
      'max-body-bytes',
      'receiver-url',
      'max-rps',
      'wait-for-target',
    ],
    repeatable: ['only', 'exclude', 'fault'],
    booleans: ['strict-expectations', 'real-time', 'allow-writes', 'read-only', 'plan'],
  },
  mock: {
    values: ['port', 'client-id', 'request-log'],
    repeatable: ['fault', 'without-hook'],
    booleans: ['list-faults'],
  },
  sweep: {
    values: ['target', 'tag', 'client-id', 'client-secret', 'config', 'timeout-ms', 'max-rps'],
    booleans: ['plan'],
  },
  mutation: { values: ['seed', 'shard', 'jobs', 'baseline', 'report-json'], repeatable: ['fault'], booleans: ['full'] },
  rules: { values: ['explain'], booleans: ['uncovered', 'json'] },
  drift: {
    values: ['from', 'to', 'docs', 'run-report', 'since', 'format', 'output', 'fail-on', 'accept', 'group-by'],
    booleans: ['typecheck', 'skip-typecheck'],
  },
  generate: { values: ['spec'] },
  token: { values: ['target', 'client-id', 'client-secret', 'config', 'timeout-ms'] },
  'merge-reports': { values: ['report-json', 'report-junit', 'report-markdown', 'report-html'] },
  'expectations init': { values: ['from-report', 'output'] },
};

describe('parseCommandLine', () => {
  it('keeps the flags as given: repeats accumulated, values as strings, booleans true; --cache-dir apart', () => {
    expect(
      parseCommandLine(['run', '--only', 'A', '--only', 'B,C', '--seed', '5', '--real-time', '--cache-dir', '/tmp/x']),
    ).toEqual({
      command: 'run',
      flags: { only: ['A', 'B,C'], seed: '5', 'real-time': true },
      positionals: [],
      cacheDir: '/tmp/x',
    });
  });

  it('leaves the options not given absent, not false or empty', () => {
    const parsed = parseCommandLine(['run']);
    expect(parsed).toEqual({ command: 'run', flags: {}, positionals: [] });
    expect(Object.keys('flags' in parsed ? parsed.flags : {})).toEqual([]);
  });

  it.each(Object.entries(commandOptions))('passes every %s option under its long name', (command, options) => {
    const argv = [...command.split(' ')];
    const expected: Record<string, unknown> = {};
    for (const name of options.values) {
      argv.push(`--${name}`, `value of ${name}`);
      expected[name] = `value of ${name}`;
    }
    for (const name of options.repeatable ?? []) {
      argv.push(`--${name}`, `${name} 1`, `--${name}=${name} 2`);
      expected[name] = [`${name} 1`, `${name} 2`];
    }
    for (const name of options.booleans ?? []) {
      argv.push(`--${name}`);
      expected[name] = true;
    }
    if (command === 'merge-reports') argv.push('a.json');
    expect(parseCommandLine(argv)).toMatchObject({ command, flags: expected });
  });

  it('takes --cache-dir before or after the command name, the command-level one winning', () => {
    expect(parseCommandLine(['--cache-dir', 'before', 'rules'])).toEqual({
      command: 'rules',
      flags: {},
      positionals: [],
      cacheDir: 'before',
    });
    expect(parseCommandLine(['--cache-dir=before', 'expectations', 'init', '--from-report', 'r.json'])).toEqual({
      command: 'expectations init',
      flags: { 'from-report': 'r.json' },
      positionals: [],
      cacheDir: 'before',
    });
    expect(parseCommandLine(['--cache-dir', 'before', 'mock', '--cache-dir', 'after'])).toMatchObject({
      cacheDir: 'after',
    });
  });

  it("passes merge-reports' report paths as positionals", () => {
    expect(parseCommandLine(['merge-reports', 'a.json', 'b.json', '--report-html', 'r.html'])).toEqual({
      command: 'merge-reports',
      flags: { 'report-html': 'r.html' },
      positionals: ['a.json', 'b.json'],
    });
  });

  it('accepts a value starting with - only as --option=VALUE', () => {
    expect(parseCommandLine(['run', '--seed=-1'])).toMatchObject({ flags: { seed: '-1' } });
    expect(usageLine(['run', '--seed', '-1'])).toMatch(
      /option '--seed' needs a value \(write --seed=VALUE for a value starting with '-'\)/,
    );
    // A forgotten value is not taken from the next option.
    expect(usageLine(['run', '--report-json', '--seed', '5'])).toMatch(/option '--report-json' needs a value/);
  });

  it.each([
    [['run', '--bogus'], "unknown option '--bogus' for run. Run `scalekit-conformance run --help` for the options"],
    [['run', '--sed', '1'], /unknown option '--sed' for run \(did you mean --seed\?\)/],
    [['run', '--only'], "option '--only' needs a value. Run `scalekit-conformance run --help` for the options"],
    [['run', 'extra'], /unexpected argument 'extra' for run/],
    [['frobnicate'], "unknown command 'frobnicate'. Run `scalekit-conformance --help`"],
    [['--bogus', 'run'], /unknown option '--bogus'\. Run `scalekit-conformance --help`/],
    [['expectations', 'init'], /option '--from-report' is required for expectations init/],
    [['merge-reports'], /missing required argument 'reports' for merge-reports/],
    [['run', '--version'], /unknown option '--version' for run/],
  ])('turns the parsing error of %j into one line', (argv, line) => {
    const text = usageLine(argv);
    if (typeof line === 'string') expect(text).toBe(`scalekit-conformance: ${line}`);
    else expect(text).toMatch(line);
    oneLine(text);
  });

  it('returns help and the version as output to print, without running anything', () => {
    expect(parseCommandLine(['--version'])).toEqual({ output: expect.stringMatching(/^\d+\.\d+\.\d+/), exitCode: 0 });
    expect(parseCommandLine(['help', 'drift'])).toMatchObject({
      output: expect.stringContaining('--fail-on'),
      exitCode: 0,
    });
    // No command (or a group without its subcommand) is a usage error, with the help to say what to write.
    expect(parseCommandLine([])).toMatchObject({ output: expect.stringContaining('Commands:'), exitCode: 2 });
    expect(parseCommandLine(['expectations'])).toMatchObject({ output: expect.stringContaining('init'), exitCode: 2 });
  });
});

// Each case starts the real CLI: a fraction of a second each, more for the first if the CLI's bundle is stale.
describe('scalekit-conformance --help', { timeout: cliBudgetMs }, () => {
  it.each([
    [['run'], ['--expectations', '--shard', '--max-failures', '--report-markdown']],
    [['mock'], ['--port', '--without-hook']],
    [['sweep'], ['--tag']],
    [['mutation'], ['--jobs', '--baseline']],
    [['rules'], ['--uncovered', '--explain']],
    [['drift'], ['--from', '--fail-on']],
    [['generate'], ['--spec']],
    [['token'], ['--target']],
    [['merge-reports'], ['--report-html', '<reports...>']],
    [
      ['expectations', 'init'],
      ['--from-report', '--output'],
    ],
  ])('%j --help names the command and its options, exit 0', async (command, options) => {
    const result = await runCli([...command, '--help']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Usage: scalekit-conformance ${command.join(' ')} [options]`);
    for (const name of [...options, '--cache-dir']) expect(result.stdout).toContain(name);
    expect(result.stderr).toBe('');
  });

  it('-h and help COMMAND print the same help', async () => {
    const [long, short, viaHelp] = await Promise.all([
      runCli(['mock', '--help']),
      runCli(['mock', '-h']),
      runCli(['help', 'mock']),
    ]);
    expect(short).toEqual(long);
    expect(viaHelp).toEqual(long);
  });

  it('--help lists every command and ends with the exit codes', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of Object.keys(commandOptions)) {
      expect(result.stdout).toMatch(new RegExp(`^ {2}${command.split(' ')[0]} `, 'm'));
    }
    expect(result.stdout).toMatch(/Exit codes: 0 every MUST rule that ran passed;.*130 interrupted\.\n$/s);
  });

  it('prints the usage and exits 2 without a command', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('Usage: scalekit-conformance [options] [command]');
    expect(result.stdout).toContain('Exit codes:');
  });

  it('prints the version with --version and -v, exit 0', async () => {
    for (const flag of ['--version', '-v']) {
      const result = await runCli([flag]);
      expect(result).toEqual({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\S*\n$/), stderr: '' });
    }
  });

  it.each([
    [
      ['run', '--bogus'],
      /^scalekit-conformance: unknown option '--bogus' for run\. Run `scalekit-conformance run --help`/,
    ],
    [['run', '--only'], /^scalekit-conformance: option '--only' needs a value\./],
    [['frobnicate'], /^scalekit-conformance: unknown command 'frobnicate'\./],
  ])('rejects %j with exit 2 and one line, nothing on stdout', async (argv, line) => {
    const result = await runCli(argv);
    expect(result.code).toBe(2);
    oneLine(result.stderr);
    expect(result.stderr).toMatch(line);
    noStackTrace(result.stderr);
    expect(result.stdout).toBe('');
  });
});
