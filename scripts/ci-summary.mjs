// Prints the closing line CI reads ("N passed, N failed, N skipped") from vitest's JSON report. When the report is
// missing (typecheck or lint failed before vitest ran), it counts that as one failure rather than printing nothing.
import { existsSync, readFileSync } from 'node:fs';

const path = process.argv[2] ?? 'reports/vitest-results.json';
if (!existsSync(path)) {
  console.log('0 passed, 1 failed');
  process.exit(0);
}
const report = JSON.parse(readFileSync(path, 'utf8'));
const failed = report.numFailedTests + (report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? 1 : 0);
console.log(
  `${report.numPassedTests} passed, ${failed} failed, ${report.numPendingTests + report.numTodoTests} skipped`,
);
