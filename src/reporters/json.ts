import type { RunReport } from './model.js';
import type { Redactor } from './redact.js';
import { writeAtomically } from './write.js';

export function writeJsonReport(path: string, report: RunReport, redactor: Redactor): void {
  writeAtomically(path, `${JSON.stringify(redactor.redactDeep(report), null, 2)}\n`);
}
