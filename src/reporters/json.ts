import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeError, UserError } from '../errors.js';
import type { RunReport } from './model.js';
import type { Redactor } from './redact.js';
import { writeAtomically } from './write.js';

export function writeJsonReport(path: string, report: RunReport, redactor: Redactor): void {
  writeAtomically(path, `${JSON.stringify(redactor.redactDeep(report), null, 2)}\n`);
}

/** The parsed JSON of a report file the user named; a missing file or bad JSON is theirs to fix, in one line. */
export function readReportJson(file: string, cwd: string, fix: string): unknown {
  const path = resolve(cwd, file);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const problem = existsSync(path) ? `is not valid JSON (${describeError(error)})` : 'does not exist';
    throw new UserError(`the run report ${file} ${problem}`, fix);
  }
}

/** What a `run --report-json` file lacks to be read as a whole run report, or undefined when it is one. */
function missingField(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const report = value as Record<string, unknown>;
  const tool = report.tool as Record<string, unknown> | undefined;
  if (typeof tool?.name !== 'string' || typeof tool.version !== 'string') return 'no tool name and version';
  if (typeof report.seed !== 'number') return 'no seed';
  if (typeof report.target !== 'string') return 'no target';
  if (typeof report.startedAt !== 'string' || typeof report.durationMs !== 'number') return 'no start and duration';
  if (typeof (report.spec as Record<string, unknown> | undefined)?.sha256 !== 'string') return 'no spec sha256';
  if (typeof (report.summary as Record<string, unknown> | undefined)?.completed !== 'boolean') return 'no summary';
  for (const list of ['only', 'exclude', 'rules', 'tests', 'errors', 'drift'] as const) {
    if (!Array.isArray(report[list])) return `no list of ${list}`;
  }
  const isRule = (rule: unknown) =>
    ['id', 'status', 'force'].every((key) => typeof (rule as Record<string, unknown> | null)?.[key] === 'string');
  if (!(report.rules as unknown[]).every(isRule)) return 'a rule without id, status and force';
  return undefined;
}

/** A whole `run --report-json` file (complete or not: the caller decides); anything else is a one-line UserError. */
export function readRunReport(file: string, cwd: string, fix: string): RunReport {
  const parsed = readReportJson(file, cwd, fix);
  const missing = missingField(parsed);
  if (missing) throw new UserError(`${file} is not a run report (${missing})`, fix);
  return parsed as RunReport;
}
