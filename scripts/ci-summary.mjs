// Prints the closing line CI reads ("N passed, N failed, N skipped") from vitest's JSON report. When the report is
// missing (the lint failed before vitest ran), it counts that as one failure rather than printing nothing; a failed
// type-check (reports/typecheck.json, written by scripts/test.mjs beside the tests) counts as one more.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const path = process.argv[2] ?? 'reports/vitest-results.json';
if (!existsSync(path)) {
  console.log('0 passed, 1 failed');
  process.exit(0);
}
const typecheck = join(dirname(path), 'typecheck.json');
const typeErrors = existsSync(typecheck) && JSON.parse(readFileSync(typecheck, 'utf8')).passed === false ? 1 : 0;
const report = JSON.parse(readFileSync(path, 'utf8'));
const failed =
  report.numFailedTests + (report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? 1 : 0) + typeErrors;
console.log(
  `${report.numPassedTests} passed, ${failed} failed, ${report.numPendingTests + report.numTodoTests} skipped`,
);
