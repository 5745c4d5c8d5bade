import { parseArgs } from 'node:util';
import { describeError, ExitCode, UserError } from '../errors.js';
import { toolName, toolVersion } from '../version.js';
import { markPhase } from './phases.js';

const usage = `Usage: ${toolName} <command> [options]

Commands:
  run        Run the conformance suites against a target (default: the embedded mock)
  mock       Serve the reference mock on 127.0.0.1 until interrupted
  sweep      Delete what conformance runs left on a target, found by their run tag
  mutation   Run the suites against the mock once per seeded fault and report which faults they catch
  rules      List the rule catalogue with test coverage, or explain one rule (--explain ID)
  drift      Compare spec with spec, docs with spec, and a run's server drift (Markdown or JSON report)
  generate   Resolve the spec and regenerate generated/openapi.ts if it changed
  token      Print \`export SCALEKIT_ACCESS_TOKEN=...\` for the target, for the replay lines of a report

run options:
  --target mock|URL        Server under test (default: SCALEKIT_ENVIRONMENT_URL if set, else mock)
  --spec PATH|URL          OpenAPI spec, JSON or YAML (default: SCALEKIT_OPENAPI, else the pinned download)
  --only RULE-GLOB         Run only tests citing matching rules, e.g. ALG-010 or 'ALG-*' (repeatable, or comma-separated)
  --exclude RULE-GLOB      Leave out tests citing matching rules, also those --only selects (repeatable, or comma-separated)
  --seed N                 Seed for every generated value (printed on each run)
  --runs N                 Run every property with N times its number of cases (default 1; up to 100)
  --report-json PATH       Write the JSON report
  --report-junit PATH      Write a JUnit XML report
  --client-id ID           Default: SCALEKIT_CLIENT_ID
  --client-secret SECRET   Default: SCALEKIT_CLIENT_SECRET (prefer the variable: flags show in process lists)
  --config PATH            JSON config file (default: ./scalekit-conformance.config.json if present)
  --timeout-ms N           Per-request timeout (default 10000)
  --max-body-bytes N       Longest response body read; a longer one is no answer, the test errored (default 16 MiB)
  --fault ID               Start the embedded mock with a seeded fault (repeatable; see \`${toolName} mock --list-faults\`)
  --real-time              Without the target's clock hook, wait in real time for webhook retries (minutes; bounded)
  --receiver-url URL       Public URL of the suite's webhook receiver, for a target that cannot reach 127.0.0.1
  --allow-writes           Let the run create and delete data on a target that is not the mock or loopback
                           (or config "allowWrites": true, or "writeAllowlist": ["host", ...]); default: read-only
  --read-only              Send no POST, PUT, PATCH or DELETE (bar the token request), even to the mock or loopback
  --max-rps N              Requests per second (default: no limit for the mock and loopback, 20 otherwise; 0: none)
  --plan                   Print the settings, the write decision and the tests that would run; contact nothing
  --wait-for-target S      Wait up to S seconds for a URL target that does not answer yet (one that is starting)

mock options:
  --port N                 Port on 127.0.0.1 (default: a free port)
  --fault ID               Seeded fault (repeatable)
  --without-hook NAME      Switch a control hook off (repeatable), to see the suites on a target without it
  --list-faults            List the seeded faults and the rules each one breaks
  --request-log FILE       Append one JSON line per request (time, method, path, status)

sweep options (deletes organizations, users, roles, permissions, clients, connected accounts, MCP configs):
  --target URL             Target (default: SCALEKIT_ENVIRONMENT_URL); credentials as for run
  --tag PREFIX             Only this run's data: conf and the run ID a run prints (default: any run's tag)
  --plan                   List what would be deleted, delete nothing
  --max-rps N, --timeout-ms N, --client-id ID, --client-secret SECRET, --config PATH

mutation options:
  --fault ID               Only these faults (repeatable; default: all)
  --full                   Run every suite for every fault (default: only the tests citing the fault's rules)
  --jobs N                 Run N suite files side by side, each against a mock of its own (default 1)
  --shard K/N              Only every N-th fault starting with the K-th, to split a run across machines
  --baseline PATH          Reuse the run without faults from an earlier mutation --report-json file
  --seed N, --report-json PATH

drift options (at least one of --from, --docs, --run-report):
  --from SPEC              Older spec (PATH, URL or pinned): changes to --to, classified for clients and servers
  --to SPEC                Newer spec (default: SCALEKIT_OPENAPI, else the pinned download)
  --docs DIR               Docs folder (.mdx/.md pages) checked against --to; stale catalogue sources listed
  --run-report PATH        A \`run --report-json\` file: its server-vs-spec drift, per operation
  --since PATH             An earlier run report: mark the findings it did not have, list those now gone
  --skip-typecheck         Skip type-checking src/, suites/, fixtures/ against types generated from --to
  --format markdown|json   Default markdown, to stdout
  --output PATH            Write the report there instead (prints one line saying where)
  --fail-on breaking|breaking-for-servers   Exit 1 if any change breaks clients (or servers)
  --fail-on new-drift      Exit 1 if the run report has drift the --since report did not

token options (the target and credentials as for run; a URL target, e.g. one \`${toolName} mock\` serves):
  --target URL, --client-id ID, --client-secret SECRET, --config PATH, --timeout-ms N

rules options:
  --uncovered              Only rules no test cites
  --explain ID             One rule: statement, force, sources, its tests (file:line), checks, oracles and faults
  --json                   Machine-readable output (per rule the same as --explain; with --explain, that rule)

Exit codes: 0 every MUST rule that ran passed; 1 conformance failures (drift: what --fail-on names; sweep: something
tagged could not be deleted); 2 usage or configuration error; 3 internal error (a bug in ${toolName}); 130 interrupted.`;

function parse(args: string[], options: NonNullable<Parameters<typeof parseArgs>[0]>['options']) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    const first = (describeError(error).split('\n')[0] ?? '').replace(/\.$/, '');
    throw new UserError(
      first.replace(/ argument is ambiguous$/, " needs a value (write --option=VALUE for a value starting with '-')"),
      `Run \`${toolName} --help\` for the options`,
    );
  }
}

export async function main(argv: string[]): Promise<ExitCode> {
  const [command, ...rest] = argv;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(usage);
      return command === undefined ? ExitCode.usage : ExitCode.ok;
    case '--version':
    case '-v':
      out(toolVersion);
      return ExitCode.ok;
    case 'run': {
      const { values } = parse(rest, {
        target: { type: 'string' },
        spec: { type: 'string' },
        only: { type: 'string', multiple: true },
        exclude: { type: 'string', multiple: true },
        seed: { type: 'string' },
        runs: { type: 'string' },
        'report-json': { type: 'string' },
        'report-junit': { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        config: { type: 'string' },
        'timeout-ms': { type: 'string' },
        'max-body-bytes': { type: 'string' },
        fault: { type: 'string', multiple: true },
        'real-time': { type: 'boolean' },
        'receiver-url': { type: 'string' },
        'allow-writes': { type: 'boolean' },
        'read-only': { type: 'boolean' },
        'max-rps': { type: 'string' },
        plan: { type: 'boolean' },
        'wait-for-target': { type: 'string' },
      });
      const { runCommand } = await import('./run.js');
      return runCommand(values as Parameters<typeof runCommand>[0], { out, env: process.env, cwd: process.cwd() });
    }
    case 'mock': {
      const { values } = parse(rest, {
        port: { type: 'string' },
        fault: { type: 'string', multiple: true },
        'without-hook': { type: 'string', multiple: true },
        'list-faults': { type: 'boolean' },
        'client-id': { type: 'string' },
        'request-log': { type: 'string' },
      });
      const { mockCommand } = await import('./mock.js');
      return mockCommand(values as Parameters<typeof mockCommand>[0], { out, env: process.env });
    }
    case 'sweep': {
      const { values } = parse(rest, {
        target: { type: 'string' },
        tag: { type: 'string' },
        plan: { type: 'boolean' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        config: { type: 'string' },
        'timeout-ms': { type: 'string' },
        'max-rps': { type: 'string' },
      });
      const { sweepCommand } = await import('./sweep.js');
      return sweepCommand(values as Parameters<typeof sweepCommand>[0], { out, env: process.env, cwd: process.cwd() });
    }
    case 'mutation': {
      const { values } = parse(rest, {
        fault: { type: 'string', multiple: true },
        seed: { type: 'string' },
        full: { type: 'boolean' },
        shard: { type: 'string' },
        jobs: { type: 'string' },
        baseline: { type: 'string' },
        'report-json': { type: 'string' },
      });
      const { mutationCommand } = await import('./mutation.js');
      return mutationCommand(values as Parameters<typeof mutationCommand>[0], {
        out,
        env: process.env,
        cwd: process.cwd(),
      });
    }
    case 'drift': {
      const { values } = parse(rest, {
        from: { type: 'string' },
        to: { type: 'string' },
        docs: { type: 'string' },
        'run-report': { type: 'string' },
        since: { type: 'string' },
        format: { type: 'string' },
        output: { type: 'string' },
        'fail-on': { type: 'string' },
        'skip-typecheck': { type: 'boolean' },
      });
      const { driftCommand } = await import('./drift.js');
      return driftCommand(values as Parameters<typeof driftCommand>[0], { out, env: process.env, cwd: process.cwd() });
    }
    case 'token': {
      const { values } = parse(rest, {
        target: { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        config: { type: 'string' },
        'timeout-ms': { type: 'string' },
      });
      const { tokenCommand } = await import('./token.js');
      return tokenCommand(values as Parameters<typeof tokenCommand>[0], { out, env: process.env, cwd: process.cwd() });
    }
    case 'rules': {
      const { values } = parse(rest, {
        uncovered: { type: 'boolean' },
        json: { type: 'boolean' },
        explain: { type: 'string' },
      });
      const { rulesCommand } = await import('./rules.js');
      return rulesCommand(values as Parameters<typeof rulesCommand>[0], out);
    }
    case 'generate': {
      const { values } = parse(rest, { spec: { type: 'string' } });
      const { resolveSpec } = await import('../spec/resolve.js');
      const { ensureGeneratedTypes, generatedTypesPath } = await import('../spec/generate.js');
      const spec = await resolveSpec({ flag: (values as { spec?: string }).spec, env: process.env.SCALEKIT_OPENAPI });
      const wrote = await ensureGeneratedTypes(spec);
      out(
        `${wrote ? 'generated' : 'up to date:'} ${generatedTypesPath} (spec ${spec.origin}, sha256 ${spec.sha256.slice(0, 12)})`,
      );
      return ExitCode.ok;
    }
    default:
      throw new UserError(`unknown command "${command}"`, `Run \`${toolName} --help\``);
  }
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
