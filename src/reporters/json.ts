import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunReport } from './model.js';
import type { Redactor } from './redact.js';

export function writeJsonReport(path: string, report: RunReport, redactor: Redactor): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(redactor.redactDeep(report), null, 2)}\n`);
}
