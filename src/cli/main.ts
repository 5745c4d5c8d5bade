import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { describeError, ExitCode, UserError } from '../errors.js';
import { toolName, toolVersion } from '../version.js';
import { markPhase } from './phases.js';

// Hard-wrapped to 80 columns, commander's help width when the output is not a terminal.
const exitCodesText = `
Exit codes: 0 every MUST rule that ran passed; 1 conformance failures (drift:
what --fail-on names; sweep: something tagged could not be deleted); 2 usage or
configuration error; 3 internal error (a bug in ${toolName}); 130 interrupted.`;

/**
 * A command's flags as the handlers take them: the long option names (`'report-json'`), strings as given (the
 * settings check and convert them), repeatable options as arrays, booleans `true`; an option not given is absent.
 */
export type Flags = Record<string, string | string[] | true>;

export type CommandName =
  | 'run'
  | 'mock'
  | 'sweep'
  | 'mutation'
  | 'rules'
  | 'drift'
  | 'generate'
  | 'token'
  | 'merge-reports'
  | 'expectations init';

/** A command to run, as the command line names it. */
export interface CommandInvocation {
  command: CommandName;
  flags: Flags;
  positionals: string[];
  /** `--cache-dir` as given, before or after the command name; not part of `flags`. */
  cacheDir?: string;
}

/** What to print instead of running a command: help, the version, or the usage after no command. */
export interface CommandLineOutput {
  output: string;
  exitCode: ExitCode;
}

/** Appends each occurrence, so `--only A --only B` gives `['A', 'B']` (the comma split happens in the settings). */
const appendTo = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

const option = (flags: string, description: string) => new Option(flags, description);
const repeatable = (flags: string, description: string) => new Option(flags, description).argParser(appendTo);

const cacheDirOption = () =>
  option(
    '--cache-dir <DIR>',
    'Where caches and generated files go (default: $SCALEKIT_CONFORMANCE_CACHE, else ' +
      '$XDG_CACHE_HOME/scalekit-conformance or ~/.cache/scalekit-conformance)',
  );

// Options several commands share, with the same meaning everywhere.
const shared = {
  spec: () =>
    option('--spec <PATH|URL>', 'OpenAPI spec, JSON or YAML (default: SCALEKIT_OPENAPI, else the pinned download)'),
  seed: () => option('--seed <N>', 'Seed for every generated value (printed on each run)'),
  reportJson: () => option('--report-json <PATH>', 'Write the JSON report'),
  reportJunit: () => option('--report-junit <PATH>', 'Write a JUnit XML report'),
  reportMarkdown: () =>
    option(
      '--report-markdown <PATH>',
      'Write a Markdown summary (written to $GITHUB_STEP_SUMMARY too when that is set)',
    ),
  reportHtml: () => option('--report-html <PATH>', 'Write a self-contained HTML report'),
  clientId: () => option('--client-id <ID>', 'Default: SCALEKIT_CLIENT_ID'),
  clientSecret: () =>
    option(
      '--client-secret <SECRET>',
      'Default: SCALEKIT_CLIENT_SECRET (prefer the variable: flags show in process lists)',
    ),
  config: () => option('--config <PATH>', 'JSON config file (default: ./scalekit-conformance.config.json if present)'),
  timeoutMs: () => option('--timeout-ms <N>', 'Per-request timeout (default 10000)'),
  maxRps: () =>
    option('--max-rps <N>', 'Requests per second (default: no limit for the mock and loopback, 20 otherwise; 0: none)'),
};

/**
 * commander, except that an option that takes a value refuses one starting with '-' unless written `--option=VALUE`:
 * `--report-json --seed 5` is a forgotten value far more often than a file named `--seed`.
 */
class CliCommand extends Command {
  override createCommand(name?: string): Command {
    return new CliCommand(name);
  }

  override parseOptions(args: string[]): ReturnType<Command['parseOptions']> {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] ?? '';
      // After `--`, or at a subcommand's name, the rest is not this command's to read.
      if (arg === '--' || (this.commands.length > 0 && !arg.startsWith('-'))) break;
      const known = this.options.find((o) => o.long === arg || o.short === arg);
      if (!known?.required) continue;
      const value = args[i + 1];
      if (value !== undefined && value.length > 1 && value.startsWith('-')) {
        const name = known.long ?? arg;
        throw new UserError(
          `option '${name}' needs a value (write ${name}=VALUE for a value starting with '-')`,
          helpHint(this),
        );
      }
      i++;
    }
    return super.parseOptions(args);
  }
}

/** The command's words after the tool's name: `run`, `expectations init`; empty for the tool itself. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

function helpHint(command: Command): string {
  const path = commandPath(command);
  if (!path) return `Run \`${toolName} --help\``;
  return `Run \`${toolName} ${path} --help\` for ${command.commands.length > 0 ? 'its commands' : 'the options'}`;
}

/** commander's error message as one line of ours: no "error: " prefix, its "Did you mean" kept, the command named. */
function usageError(error: CommanderError, command: Command): UserError {
  const [first = '', ...rest] = error.message.replace(/^error: /, '').split('\n');
  if (error.code === 'commander.optionMissingArgument') {
    // The hint names the command; "needs a value for run" would read as if run were the value.
    return new UserError(`option '${/'(\S+)/.exec(first)?.[1]}' needs a value`, helpHint(command));
  }
  let problem = first.replace(/\.$/, '');
  if (error.code === 'commander.missingMandatoryOptionValue') {
    problem = `option '${/'(\S+)/.exec(first)?.[1]}' is required`;
  } else if (error.code === 'commander.excessArguments') {
    problem = `unexpected argument '${command.args[command.registeredArguments.length]}'`;
  }
  const suggestion = rest
    .join(' ')
    .trim()
    .replace(/^\(Did/, '(did');
  const path = commandPath(command);
  return new UserError([problem, path && `for ${path}`, suggestion].filter(Boolean).join(' '), helpHint(command));
}

/** The tool's commands and their options, each with its help text (the option descriptions of the old usage). */
function buildProgram(): Command {
  const program = new CliCommand(toolName)
    .description('Contract conformance suite for the Scalekit API: documented rules and OpenAPI conformance')
    .version(toolVersion, '-v, --version', 'Print the version')
    .helpOption('-h, --help', 'Print the help')
    .helpCommand('help [command]', 'Print the help of a command')
    // Options after a command's name are that command's: a value such as `--client-secret -v` is never read as
    // the tool's own `-v`. So every command takes --cache-dir itself too.
    .enablePositionalOptions()
    .addOption(cacheDirOption())
    .addHelpText('after', exitCodesText);

  program
    .command('run')
    .description('Run the conformance suites against a target (default: the embedded mock)')
    .addOption(option('--target <mock|URL>', 'Server under test (default: SCALEKIT_ENVIRONMENT_URL if set, else mock)'))
    .addOption(shared.spec())
    .addOption(
      repeatable(
        '--only <RULE-GLOB>',
        "Run only tests citing matching rules, e.g. ALG-010 or 'ALG-*' (repeatable, or comma-separated)",
      ),
    )
    .addOption(
      repeatable(
        '--exclude <RULE-GLOB>',
        'Leave out tests citing matching rules, also those --only selects (repeatable, or comma-separated)',
      ),
    )
    .addOption(shared.seed())
    .addOption(option('--runs <N>', 'Run every property with N times its number of cases (default 1; up to 100)'))
    .addOption(
      option(
        '--expectations <FILE>',
        'Expected failures and skips, YAML or JSON: rule ID, rule glob or test name, outcome fail|skip, reason, ' +
          'optional link and until',
      ),
    )
    .addOption(option('--strict-expectations', 'An expected failure or skip that passes fails the run'))
    .addOption(shared.reportJson())
    .addOption(shared.reportJunit())
    .addOption(shared.reportMarkdown())
    .addOption(shared.reportHtml())
    .addOption(
      option(
        '--shard <K/N>',
        "Run the K-th of N parts of the suite files (vitest's sharding by file); merge the reports with merge-reports",
      ),
    )
    .addOption(option('--max-failures <N>', 'Stop after N failed MUST rules; the reports are written, exit 1'))
    .addOption(shared.clientId())
    .addOption(shared.clientSecret())
    .addOption(shared.config())
    .addOption(shared.timeoutMs())
    .addOption(
      option(
        '--max-body-bytes <N>',
        'Longest response body read; a longer one is no answer, the test errored (default 16 MiB)',
      ),
    )
    .addOption(
      repeatable(
        '--fault <ID>',
        `Start the embedded mock with a seeded fault (repeatable; see \`${toolName} mock --list-faults\`)`,
      ),
    )
    .addOption(
      option(
        '--real-time',
        "Without the target's clock hook, wait in real time for webhook retries (minutes; bounded)",
      ),
    )
    .addOption(
      option(
        '--receiver-url <URL>',
        "Public URL of the suite's webhook receiver, for a target that cannot reach 127.0.0.1",
      ),
    )
    .addOption(
      option(
        '--allow-writes',
        'Let the run create and delete data on a target that is not the mock or loopback (or config ' +
          '"allowWrites": true, or "writeAllowlist": ["host", ...]); default: read-only',
      ),
    )
    .addOption(
      option('--read-only', 'Send no POST, PUT, PATCH or DELETE (bar the token request), even to the mock or loopback'),
    )
    .addOption(shared.maxRps())
    .addOption(option('--plan', 'Print the settings, the write decision and the tests that would run; contact nothing'))
    .addOption(
      repeatable(
        '--without-hook <NAME>',
        'Switch a control hook of the embedded mock off (repeatable): its tests are skipped, naming the hook',
      ),
    )
    .addOption(
      option(
        '--wait-for-target <S>',
        'Wait up to S seconds for a URL target that does not answer yet (one that is starting)',
      ),
    );

  program
    .command('mock')
    .description('Serve the reference mock on 127.0.0.1 until interrupted')
    .addOption(option('--port <N>', 'Port on 127.0.0.1 (default: a free port)'))
    .addOption(repeatable('--fault <ID>', 'Seeded fault (repeatable)'))
    .addOption(
      repeatable(
        '--without-hook <NAME>',
        'Switch a control hook off (repeatable), to see the suites on a target without it',
      ),
    )
    .addOption(option('--list-faults', 'List the seeded faults and the rules each one breaks'))
    .addOption(
      option('--client-id <ID>', 'Client ID the mock accepts (default: SCALEKIT_CLIENT_ID, else the built-in one)'),
    )
    .addOption(option('--request-log <FILE>', 'Append one JSON line per request (time, method, path, status)'))
    .addOption(
      repeatable(
        '--redirect-uri <URI>',
        'Register a callback URI at start, as the redirects hook does (repeatable), to sign in from a browser',
      ),
    )
    .addOption(
      option(
        '--tls',
        'Serve HTTPS and gRPC over TLS, with a certificate from a local CA it makes (prints the CA file)',
      ),
    )
    .addOption(
      option('--tls-dir <DIR>', 'Where --tls writes ca.pem, cert.pem and key.pem (default: <cache>/mock-tls)'),
    );

  program
    .command('sweep')
    .summary('Delete what conformance runs left on a target, found by their run tag')
    .description(
      'Delete what conformance runs left on a target, found by their run tag: organizations, users, roles, ' +
        'permissions, clients, connected accounts, MCP configs',
    )
    .addOption(option('--target <URL>', 'Target (default: SCALEKIT_ENVIRONMENT_URL); credentials as for run'))
    .addOption(
      option('--tag <PREFIX>', "Only this run's data: conf and the run ID a run prints (default: any run's tag)"),
    )
    .addOption(option('--plan', 'List what would be deleted, delete nothing'))
    .addOption(shared.clientId())
    .addOption(shared.clientSecret())
    .addOption(shared.config())
    .addOption(shared.timeoutMs())
    .addOption(shared.maxRps());

  program
    .command('mutation')
    .description('Run the suites against the mock once per seeded fault and report which faults they catch')
    .addOption(repeatable('--fault <ID>', 'Only these faults (repeatable; default: all)'))
    .addOption(option('--full', "Run every suite for every fault (default: only the tests citing the fault's rules)"))
    .addOption(option('--jobs <N>', 'Run N suite files side by side, each against a mock of its own (default 1)'))
    .addOption(option('--shard <K/N>', 'Only every N-th fault starting with the K-th, to split a run across machines'))
    .addOption(option('--baseline <PATH>', 'Reuse the run without faults from an earlier mutation --report-json file'))
    .addOption(shared.seed())
    .addOption(shared.reportJson());

  program
    .command('rules')
    .description('List the rule catalogue with test coverage, or explain one rule (--explain ID)')
    .addOption(option('--uncovered', 'Only rules no test cites'))
    .addOption(
      option(
        '--explain <ID>',
        'One rule: statement, force, sources, its tests (file:line), checks, oracles and faults',
      ),
    )
    .addOption(option('--json', 'Machine-readable output (per rule the same as --explain; with --explain, that rule)'));

  program
    .command('drift')
    .summary(
      "Compare spec with spec, docs with spec, and a run's server drift (Markdown, JSON, GitHub annotations or JUnit)",
    )
    .description(
      "Compare spec with spec, docs with spec, and a run's server drift (Markdown, JSON, GitHub annotations or JUnit); " +
        'at least one of --from, --docs, --run-report',
    )
    .addOption(
      option('--from <SPEC>', 'Older spec (PATH, URL or pinned): changes to --to, classified for clients and servers'),
    )
    .addOption(option('--to <SPEC>', 'Newer spec (default: SCALEKIT_OPENAPI, else the pinned download)'))
    .addOption(
      option('--docs <DIR>', 'Docs folder (.mdx/.md pages) checked against --to; stale catalogue sources listed'),
    )
    .addOption(option('--run-report <PATH>', 'A `run --report-json` file: its server-vs-spec drift, per operation'))
    .addOption(
      option('--since <PATH>', 'An earlier run report: mark the findings it did not have, list those now gone'),
    )
    .addOption(
      option(
        '--typecheck',
        "Also type-check this project's src/, suites/, fixtures/ against types generated from --to (slow)",
      ),
    )
    .addOption(option('--skip-typecheck', 'No longer needed: the typecheck runs only with --typecheck').hideHelp())
    .addOption(
      option(
        '--accept <FILE>',
        'Accepted changes (YAML: kind, location, reason, until?): listed as accepted, not counted by --fail-on',
      ),
    )
    .addOption(
      option(
        '--format <FORMAT>',
        'markdown (default), json (everything; schemas/drift-report.schema.json), github (::error/::warning lines), junit',
      ),
    )
    .addOption(
      option(
        '--group-by <VIEW>',
        'Markdown: endpoint (default; per operation, most severe first) or kind (per change kind)',
      ),
    )
    .addOption(option('--output <PATH>', 'Write the report there instead (prints one line saying where)'))
    .addOption(
      option(
        // A short term: a wide one leaves commander too narrow a column to wrap the descriptions in.
        '--fail-on <WHEN>',
        'breaking|breaking-for-servers: exit 1 if any change breaks clients (or servers); ' +
          'new-drift: exit 1 if the run report has drift the --since report did not',
      ),
    );

  program
    .command('generate')
    .description('Resolve the spec and regenerate generated/openapi.ts if it changed')
    .addOption(shared.spec());

  program
    .command('token')
    .summary('Print `export SCALEKIT_ACCESS_TOKEN=...` for the target, for the replay lines of a report')
    .description(
      'Print `export SCALEKIT_ACCESS_TOKEN=...` for the target, for the replay lines of a report; the target and ' +
        `credentials as for run, a URL target (e.g. one \`${toolName} mock\` serves)`,
    )
    .addOption(option('--target <URL>', 'Target (default: SCALEKIT_ENVIRONMENT_URL)'))
    .addOption(shared.clientId())
    .addOption(shared.clientSecret())
    .addOption(shared.config())
    .addOption(shared.timeoutMs());

  program
    .command('merge-reports')
    .description(
      'Merge the JSON reports of sharded runs (run --shard K/N) into one report, with the verdicts of one ' +
        'unsharded run',
    )
    .argument('<reports...>', "The shards' JSON reports (run --report-json)")
    .addOption(
      option(
        '--expectations <FILE>',
        'Apply this expectations file to the merged report (the file the shards ran with), for its verdict',
      ),
    )
    .addOption(option('--strict-expectations', 'An expected failure or skip that passes fails the merged run'))
    .addOption(shared.reportJson())
    .addOption(shared.reportJunit())
    .addOption(shared.reportMarkdown())
    .addOption(shared.reportHtml());

  program
    .command('expectations')
    .description('Expectations files: the failures and skips a run expects (run --expectations)')
    .command('init')
    .description("Write an expectations file accepting a run's failures, each with a placeholder reason")
    .addOption(
      option('--from-report <PATH>', 'A `run --report-json` file whose failures to accept').makeOptionMandatory(),
    )
    .addOption(option('--output <PATH>', 'Write the file there (default: print it to stdout)'));

  return program;
}

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

/**
 * Reads the command line without running anything: the command with its flags, or what to print instead (help,
 * version). A parsing error throws a one-line UserError; commander never prints or exits by itself.
 */
export function parseCommandLine(argv: readonly string[]): CommandInvocation | CommandLineOutput {
  const program = buildProgram();
  let output = '';
  let invocation: CommandInvocation | undefined;
  for (const command of allCommands(program)) {
    if (command !== program) command.addOption(cacheDirOption());
    command
      .configureOutput({
        writeOut: (text) => {
          output += text;
        },
        writeErr: (text) => {
          output += text;
        },
        // Errors become UserErrors (below), printed by runCli as one line.
        outputError: () => {},
      })
      .exitOverride((error) => {
        if (['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code)) throw error;
        throw usageError(error, command);
      });
    if (command.commands.length > 0) continue;
    command.action(() => {
      const lineage = [command, ...ancestorsOf(command)];
      const cacheDir = lineage.map((c) => c.opts().cacheDir as string | undefined).find((dir) => dir !== undefined);
      invocation = {
        command: commandPath(command) as CommandName,
        flags: flagsOf(command),
        positionals: [...command.args],
        ...(cacheDir === undefined ? {} : { cacheDir }),
      };
    });
  }
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    // Help shown for no command (or a group without its subcommand) is a usage error, as is any other exit code.
    if (error instanceof CommanderError)
      return { output, exitCode: error.exitCode === 0 ? ExitCode.ok : ExitCode.usage };
    throw error;
  }
  if (invocation === undefined) throw new Error('commander parsed the command line but ran no command');
  return invocation;
}

function ancestorsOf(command: Command): Command[] {
  return command.parent ? [command.parent, ...ancestorsOf(command.parent)] : [];
}

/** The options given, keyed by their long names as the handlers expect (`'report-json'`, not `reportJson`). */
function flagsOf(command: Command): Flags {
  const values = command.opts();
  const flags: Flags = {};
  for (const known of command.options) {
    const name = known.long?.replace(/^--/, '');
    const value = values[known.attributeName()] as Flags[string] | undefined;
    if (name === undefined || name === 'cache-dir' || value === undefined) continue;
    flags[name] = value;
  }
  return flags;
}

type Handler = (flags: Flags, positionals: string[], out: (line: string) => void) => Promise<ExitCode>;

// Each command's module is imported only once its flags parsed: vitest and the mock load in seconds, a bad flag
// must answer at once.
const handlers: Record<CommandName, Handler> = {
  run: async (flags, _, out) => {
    const { runCommand } = await import('./run.js');
    return runCommand(flags as Parameters<typeof runCommand>[0], { out, env: process.env, cwd: process.cwd() });
  },
  mock: async (flags, _, out) => {
    const { mockCommand } = await import('./mock.js');
    return mockCommand(flags as Parameters<typeof mockCommand>[0], { out, env: process.env });
  },
  sweep: async (flags, _, out) => {
    const { sweepCommand } = await import('./sweep.js');
    return sweepCommand(flags as Parameters<typeof sweepCommand>[0], { out, env: process.env, cwd: process.cwd() });
  },
  mutation: async (flags, _, out) => {
    const { mutationCommand } = await import('./mutation.js');
    return mutationCommand(flags as Parameters<typeof mutationCommand>[0], {
      out,
      env: process.env,
      cwd: process.cwd(),
    });
  },
  drift: async (flags, _, out) => {
    const { driftCommand } = await import('./drift.js');
    return driftCommand(flags as Parameters<typeof driftCommand>[0], { out, env: process.env, cwd: process.cwd() });
  },
  token: async (flags, _, out) => {
    const { tokenCommand } = await import('./token.js');
    return tokenCommand(flags as Parameters<typeof tokenCommand>[0], { out, env: process.env, cwd: process.cwd() });
  },
  rules: async (flags, _, out) => {
    const { rulesCommand } = await import('./rules.js');
    return rulesCommand(flags as Parameters<typeof rulesCommand>[0], out);
  },
  generate: async (flags, _, out) => {
    const { resolveSpec } = await import('../spec/resolve.js');
    const { ensureGeneratedTypes, generatedTypesPath } = await import('../spec/generate.js');
    const spec = await resolveSpec({ flag: flags.spec as string | undefined, env: process.env.SCALEKIT_OPENAPI });
    const wrote = await ensureGeneratedTypes(spec);
    out(
      `${wrote ? 'generated' : 'up to date:'} ${generatedTypesPath} (spec ${spec.origin}, sha256 ${spec.sha256.slice(0, 12)})`,
    );
    return ExitCode.ok;
  },
  'merge-reports': async (flags, positionals, out) => {
    const { mergeReportsCommand } = await import('./merge-reports.js');
    return mergeReportsCommand(positionals, flags as Parameters<typeof mergeReportsCommand>[1], {
      out,
      env: process.env,
      cwd: process.cwd(),
    });
  },
  'expectations init': async (flags, _, out) => {
    const { expectationsInitCommand } = await import('./expectations.js');
    return expectationsInitCommand(flags as Parameters<typeof expectationsInitCommand>[0], {
      out,
      env: process.env,
      cwd: process.cwd(),
    });
  },
};

export async function main(argv: string[]): Promise<ExitCode> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const commandLine = parseCommandLine(argv);
  if ('output' in commandLine) {
    process.stdout.write(commandLine.output);
    return commandLine.exitCode;
  }
  if (commandLine.cacheDir !== undefined) {
    if (commandLine.cacheDir === '') {
      throw new UserError('--cache-dir needs a directory', `Run \`${toolName} --help\` for the options`);
    }
    // src/spec/resolve.ts's defaultCacheDir() reads it, in this process and in the vitest workers it starts.
    process.env.SCALEKIT_CONFORMANCE_CACHE = resolve(process.cwd(), commandLine.cacheDir);
  }
  return handlers[commandLine.command](commandLine.flags, commandLine.positionals, out);
}

/** Runs the CLI and exits: a UserError prints one line (no stack), anything else is reported as a bug. */
export async function runCli(argv: string[]): Promise<void> {
  markPhase('CLI loaded');
  // A reader that stops early (`| head`) closes the pipe: that ends the output, it is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  let code: ExitCode;
  try {
    code = await main(argv);
  } catch (error) {
    if (error instanceof UserError) {
      process.stderr.write(`${error.line}\n`);
      code = error.exitCode;
    } else {
      const detail = process.env.SCALEKIT_CONFORMANCE_DEBUG && error instanceof Error ? `\n${error.stack}` : '';
      process.stderr.write(
        `${toolName}: internal error: ${describeError(error)}. Please report it (set SCALEKIT_CONFORMANCE_DEBUG=1 for a stack trace)${detail}\n`,
      );
      code = ExitCode.internal;
    }
  }
  process.exitCode = code;
}
