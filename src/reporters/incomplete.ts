import { writeJsonReport } from './json.js';
import { renderIncompleteJunit } from './junit.js';
import type { RunReport } from './model.js';
import type { Redactor } from './redact.js';
import { writeAtomically } from './write.js';

/**
 * Reports for a run that ended before its verdict (exit 2 or 130) after report paths were given: they say so, so a
 * CI job that uploads reports whatever happened never shows an older run's green results or an empty file.
 */
export function writeIncompleteReports(
  paths: { json?: string | undefined; junit?: string | undefined },
  reason: string,
  run: Pick<RunReport, 'tool' | 'target' | 'startedAt' | 'durationMs'>,
  redactor: Redactor,
): void {
  if (paths.json) {
    const report: RunReport = {
      ...run,
      spec: { origin: '', sha256: '' },
      seed: 0,
      only: [],
      exclude: [],
      summary: {
        completed: false,
        passed: 0,
        failed: 0,
        errored: 0,
        skipped: 0,
        uncovered: 0,
        warnings: 0,
        diagnostics: 0,
        tests: { passed: 0, failed: 0, errored: 0, skipped: 0 },
      },
      incomplete: reason,
      rules: [],
      tests: [],
      errors: [reason],
      drift: [],
    };
    writeJsonReport(paths.json, report, redactor);
  }
  if (paths.junit) writeAtomically(paths.junit, redactor.redact(renderIncompleteJunit(reason)));
}
