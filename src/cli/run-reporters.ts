// The reporters of a run: where its JSON and JUnit reports go, the console lines that open it, and the report written
// and printed at its end, all through the Redactor. A run that ends without a verdict after report paths were given
// leaves reports saying it did not complete, never an older run's results or an empty file.
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { summariseDrift } from '../checks/drift.js';
import { stoppedAnsweringThreshold } from '../client/problems.js';
import { describeError, UserError } from '../errors.js';
import { escapeData, githubAnnotations } from '../reporters/annotations.js';
import { formatRuleTable } from '../reporters/console.js';
import { writeHtmlReport } from '../reporters/html.js';
import { type ReportPaths, writeIncompleteReports } from '../reporters/incomplete.js';
import { writeJsonReport } from '../reporters/json.js';
import { writeJunitReport } from '../reporters/junit.js';
import { writeMarkdownReport } from '../reporters/markdown.js';
import type { RunReport } from '../reporters/model.js';
import type { Redactor } from '../reporters/redact.js';
import type { ResolvedSpec } from '../spec/resolve.js';
import { toolName, toolVersion } from '../version.js';
import type { RunFlags, RunSettings } from './run-settings.js';
import type { RunTarget } from './run-target.js';

export interface RunIo {
  out: (line: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The terminal the run's progress line is drawn on, when the output is one; undefined: no progress line. */
  terminal?: { write(text: string): unknown; columns?: number | undefined } | undefined;
}

/** One per run, from its first moment: what it reports, and where. */
export class RunReporters {
  readonly #flags: RunFlags;
  readonly #io: RunIo;
  readonly #started: number;
  readonly #redactor: Redactor;
  // Until the settings are read, the flags are all that say where reports go.
  #paths: ReportPaths;

  constructor(flags: RunFlags, io: RunIo, started: number, redactor: Redactor) {
    this.#flags = flags;
    this.#io = io;
    this.#started = started;
    this.#redactor = redactor;
    const at = (path: string | undefined) => path && resolve(io.cwd, path);
    this.#paths = {
      json: at(flags['report-json']),
      junit: at(flags['report-junit']),
      markdown: at(flags['report-markdown']),
      html: at(flags['report-html']),
      stepSummary: at(io.env.GITHUB_STEP_SUMMARY || undefined),
    };
  }

  /** The report paths the settings give (a config file may name them); fails early if one cannot be written. */
  useSettings(settings: RunSettings): void {
    const at = (path: string | undefined) => path && resolve(this.#io.cwd, path);
    this.#paths = {
      ...this.#paths,
      json: at(settings.reportJson),
      junit: at(settings.reportJunit),
      markdown: at(settings.reportMarkdown),
      html: at(settings.reportHtml),
    };
    assertWritable(this.#paths.json, '--report-json');
    assertWritable(this.#paths.junit, '--report-junit');
    assertWritable(this.#paths.markdown, '--report-markdown');
    assertWritable(this.#paths.html, '--report-html');
  }

  /** The run's first line, printed as soon as the settings are read: the rest waits for the target. */
  starting(settings: RunSettings): void {
    const target = settings.target.kind === 'mock' ? 'the embedded mock' : settings.target.baseUrl;
    this.#io.out(`${toolName} ${toolVersion}: starting a run against ${target} (seed ${settings.seed})`);
  }

  /** Reports saying the run ended without a verdict, and why; never throws. */
  incomplete(reason: string): void {
    try {
      const started = this.#started;
      const run = { tool: { name: toolName, version: toolVersion }, startedAt: new Date(started).toISOString() };
      const target = this.#flags.target ?? this.#io.env.SCALEKIT_ENVIRONMENT_URL ?? 'mock';
      writeIncompleteReports(this.#paths, reason, { ...run, target, durationMs: Date.now() - started }, this.#redactor);
      // On GitHub, a run without a verdict is an error on the job's page too, not only a line in its log.
      if (this.#io.env.GITHUB_ACTIONS === 'true') {
        const line = `::error title=${toolName}::${escapeData(`the run did not complete: ${reason}`)}`;
        this.#io.out(this.#redactor.redact(line));
      }
    } catch {
      // The run's own error says what went wrong; a report that cannot be written adds nothing to it.
    }
  }

  /** The lines that open a run, once the target passed the preflight. */
  header(settings: RunSettings, spec: ResolvedSpec, target: RunTarget): void {
    const out = this.#io.out;
    out(`target: ${target.label} (from ${settings.targetSource})`);
    out(specLine(spec));
    const replay = `--seed ${settings.seed}${settings.runs === 1 ? '' : ` --runs ${settings.runs}`}`;
    out(`seed:   ${settings.seed} (replay with ${replay})`);
    out(`run id: ${target.runId} (what the run creates is tagged ${target.tag}…)`);
    out(writesLine(settings));
    out(rateLine(settings));
    if (settings.only.length > 0) out(`only:   ${settings.only.join(', ')}`);
    if (settings.exclude.length > 0) out(`exclude: ${settings.exclude.join(', ')}`);
    if (settings.shard)
      out(
        `shard:  ${settings.shard.index}/${settings.shard.count} (merge the shards' JSON reports with merge-reports)`,
      );
    if (settings.expectations) out(`expect: ${settings.expectations}${settings.strictExpectations ? ' (strict)' : ''}`);
  }

  /** The report of a completed run: written to the report files, then the rule table and the rest on the console. */
  publish(report: RunReport): void {
    const out = this.#io.out;
    const { json, junit, markdown, html, stepSummary } = this.#paths;
    if (json) writeJsonReport(json, report, this.#redactor);
    if (junit) writeJunitReport(junit, report, this.#redactor);
    if (markdown) writeMarkdownReport(markdown, report, this.#redactor);
    if (html) writeHtmlReport(html, report, this.#redactor);
    // GitHub Actions shows this file on the job's page; other steps append to it too.
    if (stepSummary) writeStepSummary(stepSummary, report, this.#redactor);
    // Workflow commands: GitHub turns them into annotations on the run and the pull request.
    if (this.#io.env.GITHUB_ACTIONS === 'true') for (const line of githubAnnotations(report)) out(line);
    out('');
    out(formatRuleTable(report));
    if (report.drift.length > 0) {
      out('');
      out('Drift: what the target does that the spec does not declare (reported, not failures):');
      for (const line of summariseDrift(report.drift)) out(line);
      out(
        `  Every finding, grouped per operation: scalekit-conformance drift --run-report ${json ?? '<run --report-json file>'}`,
      );
    }
    const { stopped } = report;
    if (stopped) {
      out('');
      out(
        `the target stopped answering after ${stopped.afterRequests} requests at ${stopped.at}: ${stopped.cause} (${stoppedAnsweringThreshold} requests in a row got no answer; the rest of the run was not sent)`,
      );
    }
    if (json) out(`JSON report:     ${json}`);
    if (junit) out(`JUnit report:    ${junit}`);
    if (markdown) out(`Markdown report: ${markdown}`);
    if (html) out(`HTML report:     ${html}`);
    if (stepSummary) out(`step summary:    ${stepSummary} ($GITHUB_STEP_SUMMARY)`);
    for (const error of report.errors) out(`error: ${error}`);
  }
}

export const specLine = (spec: ResolvedSpec) => `spec:   ${spec.origin} (sha256 ${spec.sha256.slice(0, 12)})`;
export const writesLine = (settings: RunSettings) =>
  `writes: ${settings.writes.allowed ? 'allowed' : 'refused (read-only run)'}: ${settings.writes.reason}`;
export const rateLine = (settings: RunSettings) =>
  `rate:   ${settings.maxRps ? `at most ${settings.maxRps} requests per second` : 'no limit'}`;

/** The Markdown summary appended to GitHub's step summary file; one that cannot be written is said, not fatal. */
function writeStepSummary(path: string, report: RunReport, redactor: Redactor): void {
  try {
    writeMarkdownReport(path, report, redactor, { append: true });
  } catch (error) {
    process.stderr.write(`${toolName}: could not write the step summary ${path}: ${describeError(error)}\n`);
  }
}

/**
 * Fails early, before any test runs, if a report path cannot be written: a probe file is written beside it and
 * removed, so neither an empty report nor an older run's is left by the check itself.
 */
function assertWritable(path: string | undefined, flag: string): void {
  if (!path) return;
  try {
    if (existsSync(path) && statSync(path).isDirectory()) throw new Error('it is a directory');
    mkdirSync(dirname(path), { recursive: true });
    const probe = join(dirname(path), `.${basename(path)}.${process.pid}.probe`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    throw new UserError(`cannot write ${flag} ${path} (${describeError(error)})`, `Choose a writable path for ${flag}`);
  }
}
