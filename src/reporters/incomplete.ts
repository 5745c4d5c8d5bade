import { appendFileSync } from 'node:fs';
import { writeJsonReport } from './json.js';
import { renderIncompleteJunit } from './junit.js';
import type { RunReport } from './model.js';
import type { Redactor } from './redact.js';
import { writeAtomically } from './write.js';

/** Where a run's reports go; `stepSummary` is GitHub's $GITHUB_STEP_SUMMARY, appended to. */
export interface ReportPaths {
  json?: string | undefined;
  junit?: string | undefined;
  markdown?: string | undefined;
  html?: string | undefined;
  stepSummary?: string | undefined;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Reports for a run that ended before its verdict (exit 2 or 130) after report paths were given: they say so, so a
 * CI job that uploads reports whatever happened never shows an older run's green results or an empty file.
 */
export function writeIncompleteReports(
  paths: ReportPaths,
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
  const markdown = `## ${run.tool.name}: the run did not complete\n\n${reason}\n\nTarget: ${run.target}; started ${run.startedAt}. It has no verdict: no rule passed or failed.\n`;
  if (paths.markdown) writeAtomically(paths.markdown, redactor.redact(markdown));
  if (paths.stepSummary) appendFileSync(paths.stepSummary, redactor.redact(markdown));
  if (paths.html) {
    const title = `${run.tool.name}: the run did not complete`;
    const page = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'"><title>${escapeHtml(title)}</title></head>\n<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(reason)}</p><p>Target: ${escapeHtml(run.target)}; started ${escapeHtml(run.startedAt)}. It has no verdict: no rule passed or failed.</p></body></html>\n`;
    writeAtomically(paths.html, redactor.redact(page));
  }
}
