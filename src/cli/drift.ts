import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DriftFinding } from '../checks/drift.js';
import { dayOf } from '../clock.js';
import { applyAcceptance, parseAcceptFile } from '../drift/accept.js';
import { type DocsPage, readDocsFolder } from '../drift/docs-parse.js';
import { docsVsSpec } from '../drift/docs-vs-spec.js';
import {
  compareServerDrift,
  type DriftReport,
  type FailOn,
  failingChanges,
  type GroupBy,
  groupChanges,
  groupServerDrift,
  renderGithub,
  renderJson,
  renderJunit,
  renderMarkdown,
} from '../drift/report.js';
import { diffSpecs, summarise } from '../drift/spec-diff.js';
import { typecheckAgainst } from '../drift/typecheck.js';
import { describeError, ExitCode, UserError } from '../errors.js';
import { readReportJson } from '../reporters/json.js';
import type { RunReport } from '../reporters/model.js';
import { type ResolvedSpec, resolveSpec } from '../spec/resolve.js';
import { toolName, toolVersion } from '../version.js';

export interface DriftFlags {
  from?: string | undefined;
  to?: string | undefined;
  docs?: string | undefined;
  'run-report'?: string | undefined;
  since?: string | undefined;
  format?: string | undefined;
  output?: string | undefined;
  'fail-on'?: string | undefined;
  accept?: string | undefined;
  'group-by'?: string | undefined;
  typecheck?: boolean | undefined;
  /** The default since issue 21; kept so older scripts still run. */
  'skip-typecheck'?: boolean | undefined;
}

export interface DriftIo {
  out: (line: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Today as YYYY-MM-DD, for the `until` of accepted changes (default: the local day). */
  today?: string;
}

const formats = ['markdown', 'json', 'github', 'junit'] as const;
const groupBys: readonly GroupBy[] = ['endpoint', 'kind'];
const failOns: readonly FailOn[] = ['breaking', 'breaking-for-servers', 'new-drift'];
const isFailOn = (value: string): value is FailOn => (failOns as readonly string[]).includes(value);
const specValue = 'PATH|URL|pinned (JSON or YAML)';

/**
 * A `--from`/`--to` spec through the run's resolver: `pinned` is the pinned download, anything else a path or URL.
 * The resolver's messages name `--spec`; here they name the flag the user actually gave.
 */
async function resolveDriftSpec(value: string | undefined, flag: '--from' | '--to', io: DriftIo) {
  const options =
    value === undefined
      ? { env: io.env.SCALEKIT_OPENAPI, cwd: io.cwd }
      : value === 'pinned'
        ? { cwd: io.cwd }
        : { flag: value, cwd: io.cwd };
  try {
    return await resolveSpec(options);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    const fix = value === undefined ? `Pass --to ${specValue} or set SCALEKIT_OPENAPI` : `Pass ${flag} ${specValue}`;
    throw new UserError(error.message.replaceAll('--spec', flag), fix);
  }
}

function readDocs(dir: string, io: DriftIo): DocsPage[] {
  const path = resolve(io.cwd, dir);
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    throw new UserError(`the docs folder ${dir} does not exist`, 'Pass --docs DIR, a folder of .mdx/.md pages');
  }
  const pages = readDocsFolder(path);
  if (pages.length === 0) {
    throw new UserError(`the docs folder ${dir} holds no .mdx, .md or seed .txt page`, 'Check the --docs path');
  }
  return pages;
}

/** The drift list of a `run --report-json` file; anything else is the user's to fix. */
function readRunReport(file: string, io: DriftIo): Pick<RunReport, 'target' | 'spec'> & { drift: DriftFinding[] } {
  const fix = `Write one with \`${toolName} run --report-json FILE\``;
  // Only its drift is read: a report of an older version, without what a merge or expectations init needs, will do.
  const report = readReportJson(file, io.cwd, fix) as Partial<RunReport> | null;
  const findings = report?.drift;
  const wellFormed = (finding: unknown) =>
    typeof (finding as DriftFinding | null)?.operation === 'string' &&
    typeof (finding as DriftFinding).kind === 'string';
  if (!Array.isArray(findings) || !findings.every(wellFormed)) {
    throw new UserError(`${file} is not a run report (no list of drift findings)`, fix);
  }
  return { target: String(report?.target ?? ''), spec: report?.spec ?? { origin: '', sha256: '' }, drift: findings };
}

/** Fails before the slow work if the report cannot be written. */
function assertWritable(path: string, flag: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    closeSync(openSync(path, 'a'));
  } catch (error) {
    throw new UserError(`cannot write ${flag} ${path} (${describeError(error)})`, `Choose a writable path for ${flag}`);
  }
}

/** The accepted-changes file, read and checked before anything slow runs. */
function readAccept(path: string, io: DriftIo) {
  const file = resolve(io.cwd, path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(
      `cannot read --accept ${path} (${describeError(error)})`,
      'Pass the path of an accepted-changes file',
    );
  }
  return { file: path, entries: parseAcceptFile(text, path) };
}

const specRef = (spec: ResolvedSpec) => ({ origin: spec.origin, sha256: spec.sha256 });

export async function driftCommand(flags: DriftFlags, io: DriftIo): Promise<ExitCode> {
  if (flags.from === undefined && flags.docs === undefined && flags['run-report'] === undefined) {
    throw new UserError(
      'drift needs at least one of --from SPEC, --docs DIR, --run-report FILE',
      `Run \`${toolName} --help\` for the drift options`,
    );
  }
  const format = flags.format ?? 'markdown';
  if (!(formats as readonly string[]).includes(format)) {
    throw new UserError(
      `--format must be markdown, json, github or junit, got "${format}"`,
      'Pass --format markdown, json, github (workflow annotations) or junit',
    );
  }
  const groupBy = flags['group-by'] ?? 'endpoint';
  if (!(groupBys as readonly string[]).includes(groupBy)) {
    throw new UserError(
      `--group-by must be endpoint or kind, got "${groupBy}"`,
      'Pass --group-by endpoint (per operation) or --group-by kind (per change kind)',
    );
  }
  if (flags['group-by'] !== undefined && format !== 'markdown') {
    throw new UserError('--group-by applies to --format markdown only', 'Drop --group-by or pass --format markdown');
  }
  const failOn = flags['fail-on'];
  if (failOn !== undefined && !isFailOn(failOn)) {
    throw new UserError(
      `--fail-on must be breaking, breaking-for-servers or new-drift, got "${failOn}"`,
      'Pass --fail-on breaking (breaking for clients), breaking-for-servers, or new-drift (with --since)',
    );
  }
  if (failOn === 'new-drift' && flags.since === undefined) {
    throw new UserError(
      '--fail-on new-drift needs --since: it counts findings the earlier run did not show',
      'Pass --run-report NEW --since OLD',
    );
  }
  if (failOn !== undefined && failOn !== 'new-drift' && flags.from === undefined) {
    throw new UserError('--fail-on needs --from: it counts breaking spec changes', 'Pass --from SPEC');
  }
  if (flags.typecheck && flags['skip-typecheck']) {
    throw new UserError('--typecheck and --skip-typecheck contradict each other', 'Pass one of them');
  }
  if (flags.since !== undefined && flags['run-report'] === undefined) {
    throw new UserError('--since needs --run-report: it compares two runs', 'Pass --run-report NEW --since OLD');
  }
  const output = flags.output === undefined ? undefined : resolve(io.cwd, flags.output);
  if (output) assertWritable(output, '--output');

  // Every input is read and checked before the slow typecheck, so a usage error comes at once.
  const needsTo = flags.from !== undefined || flags.docs !== undefined || flags.to !== undefined;
  const from = flags.from === undefined ? undefined : await resolveDriftSpec(flags.from, '--from', io);
  const to = needsTo ? await resolveDriftSpec(flags.to, '--to', io) : undefined;
  const docs = flags.docs === undefined ? undefined : { dir: flags.docs, pages: readDocs(flags.docs, io) };
  const runReport = flags['run-report'];
  const run = runReport === undefined ? undefined : { file: runReport, ...readRunReport(runReport, io) };
  const earlier = flags.since === undefined ? undefined : readRunReport(flags.since, io);
  const accept = flags.accept === undefined ? undefined : readAccept(flags.accept, io);

  const report: DriftReport = { tool: { name: toolName, version: toolVersion } };
  if (from) report.from = specRef(from);
  if (to) report.to = specRef(to);
  if (from && to) {
    const changes = diffSpecs(from.document, to.document);
    report.specDiff = { summary: summarise(changes, from.document, to.document), groups: groupChanges(changes) };
  }
  // The suites' own typecheck against --to is for this project's maintainers, not for a spec's: asked for only.
  if (to && flags.typecheck) report.typecheck = await typecheckAgainst(to);
  if (docs && to) {
    const findings = docsVsSpec(docs.pages, to.document);
    report.docs = {
      dir: docs.dir,
      findings: findings.filter((finding) => finding.kind !== 'stale'),
      stale: findings.filter((finding) => finding.kind === 'stale'),
    };
  }
  if (run) {
    const compared = earlier && flags.since !== undefined ? compareServerDrift(run.drift, earlier.drift) : undefined;
    const findings = compared?.findings ?? run.drift;
    report.server = {
      report: run.file,
      ...(run.target ? { target: run.target } : {}),
      ...(run.spec.origin ? { spec: run.spec.origin } : {}),
      total: findings.length,
      operations: groupServerDrift(findings),
      ...(compared && flags.since !== undefined
        ? { since: { report: flags.since, added: compared.added, gone: compared.gone } }
        : {}),
    };
  }

  if (accept) applyAcceptance(report, accept.entries, accept.file, io.today ?? dayOf(new Date()));
  const rendered =
    format === 'json'
      ? renderJson(report)
      : format === 'github'
        ? renderGithub(report)
        : format === 'junit'
          ? renderJunit(report)
          : renderMarkdown(report, { groupBy: groupBy as GroupBy });
  const failing = failOn === undefined ? 0 : failingChanges(report, failOn);
  if (output) {
    writeFileSync(output, rendered);
    const one = failing === 1;
    const what =
      failOn === 'new-drift'
        ? `new drift finding${one ? '' : 's'}`
        : `change${one ? '' : 's'} breaking for ${failOn === 'breaking' ? 'clients' : 'servers'}`;
    const verdict = failing > 0 ? `; ${failing} ${what}` : '';
    io.out(`drift report (${format}) written to ${output}${verdict}`);
  } else {
    io.out(rendered.trimEnd());
  }
  return failing > 0 ? ExitCode.conformanceFailure : ExitCode.ok;
}
