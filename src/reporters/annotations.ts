// GitHub Actions workflow commands (`::error …::…`), printed to stdout: GitHub turns them into annotations on the run
// and the pull request, beside the test file that found each failure.
import {
  expectationNotes,
  expectedOutcomeText,
  failureHeadline,
  gradeOf,
  noVerdictHeadline,
  unexpectedTestPasses,
} from './grade.js';
import type { RuleOutcome, RunReport } from './model.js';

type Level = 'error' | 'warning' | 'notice';

/**
 * At most this many annotations of each level. GitHub itself shows at most 10 errors and 10 warnings per step (and
 * 50 per job), so more would only be dropped; the rest are counted in one line and the reports have every one.
 */
export const annotationsPerLevel = 50;

/** A command's message: `%`, CR and LF are encoded, so a response body cannot end the command or start another. */
export const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** A command's property value: as its message, and `:` and `,` too, which end a property. */
export const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** Keeps a message readable in the annotation panel (GitHub cuts long ones anyway). */
const clip = (text: string, limit: number) => (text.length > limit ? `${text.slice(0, limit - 1)}…` : text);

interface Annotation {
  level: Level;
  title: string;
  message: string;
  file?: string | undefined;
}

const command = ({ level, title, message, file }: Annotation) => {
  const properties = [...(file ? [`file=${escapeProperty(file)}`] : []), `title=${escapeProperty(title)}`];
  return `::${level} ${properties.join(',')}::${escapeData(message)}`;
};

/** The first failure's line, its replay line on the next, and how many more failures the rule has. */
function failureMessage(rule: RuleOutcome): string {
  const failures = rule.failures ?? [];
  const first = failures[0];
  if (!first) return `${rule.id}: ${rule.statement}`;
  const lines = [clip(failureHeadline(first), 1_000)];
  if (first.replay) lines.push(`Reproduce with: ${clip(first.replay, 3_000)}`);
  const more = failures.length - 1;
  if (more > 0) lines.push(`(${more} more failure${more === 1 ? '' : 's'} of this rule in the reports)`);
  return lines.join('\n');
}

function annotationsOf(report: RunReport): Annotation[] {
  const annotations: Annotation[] = [];
  if (report.incomplete) {
    annotations.push({
      level: 'error',
      title: 'scalekit-conformance',
      message: `the run did not complete: ${report.incomplete}`,
    });
  }
  for (const error of report.errors)
    annotations.push({ level: 'error', title: 'scalekit-conformance', message: error });

  const strict = report.expectations?.strict === true;
  const expectationsFile = report.expectations?.file;
  const expectedFailures: string[] = [];
  for (const rule of report.rules) {
    const file = rule.tests[0]?.file;
    switch (gradeOf(rule)) {
      case 'must-failure':
        annotations.push({ level: 'error', title: `${rule.id} (${rule.force})`, message: failureMessage(rule), file });
        break;
      case 'warning':
        annotations.push({
          level: 'warning',
          title: `${rule.id} (${rule.force})`,
          message: failureMessage(rule),
          file,
        });
        break;
      case 'unexpected-pass':
        // With --strict-expectations an unexpected pass fails the run, so it is an error there.
        annotations.push({
          level: strict ? 'error' : 'warning',
          title: `${rule.id} unexpected pass`,
          message: `${rule.id} was ${expectedOutcomeText(rule)}, but passed; remove or update its entry in ${expectationsFile ?? 'the expectations file'}`,
          file,
        });
        break;
      case 'errored': {
        const problem = rule.errors?.[0];
        annotations.push({
          level: 'warning',
          title: `${rule.id} (${rule.force}) no verdict`,
          message: problem ? `${noVerdictHeadline(rule)}\nin test: ${problem.test}` : noVerdictHeadline(rule),
          file,
        });
        break;
      }
      case 'expected-failure':
        expectedFailures.push(rule.id);
        break;
      default:
        break;
    }
  }
  for (const test of unexpectedTestPasses(report)) {
    annotations.push({
      level: strict ? 'error' : 'warning',
      title: 'unexpected pass',
      message: `test "${test.name}" was expected to fail or be skipped${test.reason ? ` (${test.reason})` : ''}, but passed`,
      file: report.tests.find((t) => t.fullName === test.name)?.file,
    });
  }
  for (const note of expectationNotes(report)) {
    annotations.push({
      level: 'warning',
      title: 'expectations entry not applied',
      message: note,
      file: expectationsFile,
    });
  }
  if (expectedFailures.length > 0) {
    const listed = expectedFailures.slice(0, 20).join(', ') + (expectedFailures.length > 20 ? ', …' : '');
    annotations.push({
      level: 'notice',
      title: 'expected failures',
      message: `${expectedFailures.length} rule${expectedFailures.length === 1 ? '' : 's'} failed as expected by ${expectationsFile ?? 'the expectations file'} (they do not fail the run): ${listed}`,
    });
  }
  return annotations;
}

/**
 * Workflow commands for GitHub Actions, one per line: an error per MUST failure (not expected), a warning per
 * SHOULD/MAY warning, errored rule and expectations entry that did not apply, an unexpected pass as a warning (an
 * error with --strict-expectations), and one notice counting expected failures. At most `annotationsPerLevel` per
 * level, then a line counting the rest.
 */
export function githubAnnotations(report: RunReport): string[] {
  const annotations = annotationsOf(report);
  const lines: string[] = [];
  for (const level of ['error', 'warning', 'notice'] as const) {
    const ofLevel = annotations.filter((a) => a.level === level);
    lines.push(...ofLevel.slice(0, annotationsPerLevel).map(command));
    const rest = ofLevel.length - annotationsPerLevel;
    if (rest > 0) {
      lines.push(
        command({
          level,
          title: 'scalekit-conformance',
          message: `${rest} more ${level}${rest === 1 ? '' : 's'} not annotated; the JSON, JUnit and Markdown reports have every one`,
        }),
      );
    }
  }
  return lines;
}
