// `scalekit-conformance expectations init --from-report r.json [--output known.yaml]`: an expectations file
// accepting a run's failures, for an implementer whose first run is not green. The flags are parsed in main.ts.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeError, ExitCode, UserError } from '../errors.js';
import { dayOf, expectationsFromReport, parseExpectations, todoReason } from '../reporters/expectations.js';
import { readRunReport } from '../reporters/json.js';
import type { RunReport } from '../reporters/model.js';
import { writeAtomically } from '../reporters/write.js';
import { toolName } from '../version.js';

export interface ExpectationsInitFlags {
  'from-report'?: string | undefined;
  output?: string | undefined;
}

export interface ExpectationsIo {
  out: (line: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const writeReportFix = `Write one with \`${toolName} run --report-json FILE\``;

/** A complete `run --report-json` file: init accepts the failures of a run that reached its verdict. */
function readCompleteRunReport(file: string, cwd: string): RunReport {
  const report = readRunReport(file, cwd, writeReportFix);
  if (report.summary.completed === false) {
    const why = report.incomplete ? `: ${String(report.incomplete).split('\n')[0]}` : '';
    throw new UserError(
      `the run report ${file} is of a run that did not complete${why}`,
      'Accept failures from a complete run: run again with --report-json FILE',
    );
  }
  return report;
}

/** What init writes must be what run reads: a mismatch is a bug here (exit 3), not the user's to fix. */
function parsedBack(text: string) {
  try {
    return parseExpectations(text, 'the written expectations');
  } catch (error) {
    throw new Error(`expectations init wrote a file run cannot read: ${describeError(error)}`);
  }
}

export async function expectationsInitCommand(flags: ExpectationsInitFlags, io: ExpectationsIo): Promise<ExitCode> {
  const from = flags['from-report'];
  if (from === undefined) {
    throw new UserError('expectations init needs --from-report FILE, a run report in JSON', writeReportFix);
  }
  const report = readCompleteRunReport(from, io.cwd);
  const text = expectationsFromReport(report, {
    today: dayOf(new Date()),
    ...(flags.output === undefined ? {} : { file: flags.output }),
  });
  const entries = parsedBack(text);

  if (flags.output === undefined) {
    io.out(text.trimEnd());
    return ExitCode.ok;
  }
  const output = resolve(io.cwd, flags.output);
  // The file holds reasons people wrote by hand: a second init must not replace them with TODOs.
  if (existsSync(output)) {
    throw new UserError(
      `${flags.output} already exists; expectations init does not overwrite an expectations file`,
      'Choose another --output and merge the entries you need, or delete the file first',
    );
  }
  try {
    writeAtomically(output, text);
  } catch (error) {
    throw new UserError(`cannot write --output ${flags.output} (${describeError(error)})`, 'Choose a writable path');
  }
  const todo = entries.some((entry) => entry.reason === todoReason) ? 'replace each TODO reason, then ' : '';
  const errored = report.rules.filter((rule) => rule.status === 'errored').length;
  const erroredNote = errored > 0 ? `; ${errored} errored rule(s) not accepted, listed in a comment` : '';
  io.out(
    entries.length === 0
      ? `expectations written to ${output}: no entries, the run had no failed rule${erroredNote}`
      : `expectations written to ${output}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} accepting the failed rules of ${from}${erroredNote}; ${todo}run with --expectations ${flags.output}`,
  );
  return ExitCode.ok;
}
