import { resolve } from 'node:path';
import { describeError, type ExitCode, UserError } from '../errors.js';
import { formatRuleTable } from '../reporters/console.js';
import { applyExpectations, dayOf, readExpectations } from '../reporters/expectations.js';
import { writeHtmlReport } from '../reporters/html.js';
import { readRunReport, writeJsonReport } from '../reporters/json.js';
import { writeJunitReport } from '../reporters/junit.js';
import { writeMarkdownReport } from '../reporters/markdown.js';
import { expectationsLeftOut, mergeReports } from '../reporters/merge.js';
import type { RunReport } from '../reporters/model.js';
import { Redactor } from '../reporters/redact.js';
import { toolName } from '../version.js';
import { exitCodeOf } from './run-report.js';

export interface MergeReportsFlags {
  expectations?: string | undefined;
  'strict-expectations'?: boolean | undefined;
  'report-json'?: string | undefined;
  'report-junit'?: string | undefined;
  'report-markdown'?: string | undefined;
  'report-html'?: string | undefined;
}

export interface MergeReportsIo {
  out: (line: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

type Writer = (path: string, report: RunReport, redactor: Redactor) => void;

/** Each report format: its flag, its writer, and the line naming the file (as a run names it). */
const formats: { flag: `report-${string}` & keyof MergeReportsFlags; write: Writer; label: string }[] = [
  { flag: 'report-json', write: writeJsonReport, label: 'JSON report:    ' },
  { flag: 'report-junit', write: writeJunitReport, label: 'JUnit report:   ' },
  { flag: 'report-markdown', write: writeMarkdownReport, label: 'Markdown report:' },
  { flag: 'report-html', write: writeHtmlReport, label: 'HTML report:    ' },
];

export async function mergeReportsCommand(
  paths: string[],
  flags: MergeReportsFlags,
  io: MergeReportsIo,
): Promise<ExitCode> {
  if (paths.length === 0) {
    throw new UserError(
      'merge-reports needs the reports to merge',
      `Pass the --report-json file of every shard: \`${toolName} merge-reports shard-1.json shard-2.json\``,
    );
  }
  if (flags['strict-expectations'] && !flags.expectations) {
    throw new UserError('--strict-expectations needs an expectations file', 'Pass --expectations FILE as well');
  }
  // Read before the reports, so a mistake in the file is answered first.
  const expectationsFile = flags.expectations && resolve(io.cwd, flags.expectations);
  const entries = expectationsFile ? readExpectations(expectationsFile, io.cwd) : undefined;
  const fix = `Pass the files \`${toolName} run --shard K/N --report-json FILE\` wrote`;
  const reports = paths.map((path) => readRunReport(path, io.cwd, fix));
  const merged = mergeReports(reports, paths);
  // Applied to the whole: which entry wins, and which matched nothing, can only be told over every shard's tests.
  const report =
    expectationsFile && entries
      ? applyExpectations(merged, entries, {
          file: expectationsFile,
          strict: flags['strict-expectations'] ?? false,
          today: dayOf(new Date()),
        })
      : merged;
  // The shards' reports were redacted when written; this one masks the shapes of secrets again, knowing none.
  const redactor = new Redactor();
  const written: string[] = [];
  for (const { flag, write, label } of formats) {
    const given = flags[flag];
    if (given === undefined) continue;
    const path = resolve(io.cwd, given);
    try {
      write(path, report, redactor);
    } catch (error) {
      throw new UserError(
        `cannot write --${flag} ${path} (${describeError(error)})`,
        `Choose a writable path for --${flag}`,
      );
    }
    written.push(`${label} ${path}`);
  }
  // In the job that merges, GitHub's step summary shows the merged run, as a run's own job shows that run.
  const stepSummary = io.env.GITHUB_STEP_SUMMARY ? resolve(io.cwd, io.env.GITHUB_STEP_SUMMARY) : undefined;
  if (stepSummary) {
    try {
      writeMarkdownReport(stepSummary, report, redactor, { append: true });
      written.push(`step summary:    ${stepSummary} ($GITHUB_STEP_SUMMARY)`);
    } catch (error) {
      written.push(`could not write the step summary ${stepSummary}: ${describeError(error)}`);
    }
  }
  io.out(`merged ${reports.length} shard reports (seed ${report.seed}, target ${report.target})`);
  io.out('');
  io.out(formatRuleTable(report));
  for (const file of entries ? [] : expectationsLeftOut(reports)) {
    io.out(
      `expectations: the shards applied ${file}, each to its own part; the merged report and exit code judge without it (pass --expectations ${file} to apply it to the merge)`,
    );
  }
  for (const error of report.errors) io.out(`error: ${error}`);
  for (const line of written) io.out(line);
  return exitCodeOf(report);
}
