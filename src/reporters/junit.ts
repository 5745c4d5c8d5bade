import { type Failure, formatFailure } from '../checks/failure.js';
import { describeHookStateOutcome } from '../client/hook-state.js';
import { describeProblem } from '../client/problems.js';
import { replayVariablesNote } from './console.js';
import {
  deselectedNote,
  expectationNotes,
  expectedOutcomeText,
  failureHeadline,
  gradeOf,
  noVerdictHeadline,
  runNotes,
  unexpectedTestPasses,
} from './grade.js';
import type { RuleOutcome, RunReport } from './model.js';
import type { Redactor } from './redact.js';
import { writeAtomically } from './write.js';

/** The formatted failures, then where the replay lines' variables come from when any has one. */
export function failuresText(failures: readonly Failure[]): string {
  const replays = failures.some((f) => f.replay) ? `\n\n${replayVariablesNote}` : '';
  return failures.map(formatFailure).join('\n\n') + replays;
}

// XML 1.0 cannot carry most control characters, even escaped, nor lone surrogates or U+FFFE/U+FFFF: drop them (they
// only come from response bodies).
const xmlSafe = (text: string) =>
  [...text]
    .filter((c) => {
      const code = c.codePointAt(0) ?? 0;
      return (
        code === 0x9 ||
        code === 0xa ||
        code === 0xd ||
        (code >= 0x20 && code <= 0xd7ff) ||
        (code >= 0xe000 && code <= 0xfffd) ||
        code >= 0x10000
      );
    })
    .join('');

const escapeXml = (text: string) =>
  xmlSafe(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// A parser turns a raw tab or newline in an attribute into a space; character references survive.
const escapeAttribute = (text: string) =>
  escapeXml(text).replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');

const attributes = (pairs: [string, string | number | undefined][]) =>
  pairs
    .filter((pair): pair is [string, string | number] => pair[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeAttribute(String(value))}"`)
    .join('');

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** Attribute messages stay one readable line; the element's text has everything. */
const messageLimit = 500;
const clipMessage = (text: string) => (text.length > messageLimit ? `${text.slice(0, messageLimit - 1)}…` : text);

function propertiesXml(properties: [string, string][], indent: string): string[] {
  if (properties.length === 0) return [];
  return [
    `${indent}<properties>`,
    ...properties.map(
      ([name, value]) =>
        `${indent}  <property${attributes([
          ['name', name],
          ['value', value],
        ])}/>`,
    ),
    `${indent}</properties>`,
  ];
}

type Verdict = 'passed' | 'failure' | 'error' | 'skipped';

interface Testcase {
  verdict: Verdict;
  ms: number;
  lines: string[];
}

/** Sums of the durations of the report's tests, by file and full name (a test may run more than once). */
function durationsOf(report: RunReport): Map<string, number> {
  const durations = new Map<string, number>();
  for (const test of report.tests) {
    const key = `${test.file}\u0000${test.fullName}`;
    durations.set(key, (durations.get(key) ?? 0) + test.durationMs);
  }
  return durations;
}

function testcaseOf(rule: RuleOutcome, report: RunReport, durations: Map<string, number>): Testcase {
  const grade = gradeOf(rule);
  const keys = new Set(rule.tests.map((t) => `${t.file}\u0000${t.name}`));
  const ms = [...keys].reduce((sum, key) => sum + (durations.get(key) ?? 0), 0);
  const failures = rule.failures ?? [];
  const replay = failures.find((f) => f.replay)?.replay;
  const expectation = rule.expectation;
  const strict = report.expectations?.strict === true;

  const properties: [string, string][] = [
    ['rule', rule.id],
    ['force', rule.force],
    ['seed', String(report.seed)],
    ['spec-sha256', report.spec.sha256],
  ];
  if (replay) properties.push(['replay', replay]);
  if (expectation) {
    properties.push(['expected', expectation.outcome], ['reason', expectation.reason]);
    if (expectation.link) properties.push(['link', expectation.link]);
    if (expectation.until) properties.push(['until', expectation.until]);
  }
  if (grade === 'warning') properties.push(['warning', rule.force]);
  if (grade === 'unexpected-pass') properties.push(['unexpected-pass', 'true']);

  let verdict: Verdict = 'passed';
  let element: string | undefined;
  const output: string[] = [];
  switch (grade) {
    case 'must-failure': {
      verdict = 'failure';
      const first = failures[0];
      const message = first ? failureHeadline(first) : `${rule.id}: failed`;
      element = `<failure${attributes([
        ['message', clipMessage(message)],
        ['type', rule.force],
      ])}>${escapeXml(failuresText(failures))}</failure>`;
      break;
    }
    case 'warning':
      // A SHOULD or MAY rule does not fail the run, so the case passes and carries the failure as its output.
      output.push(`warning (${rule.force}): the target does not follow this rule\n${failuresText(failures)}`);
      break;
    case 'expected-failure':
      // Listed in the expectations file: CI viewers show it as skipped, not red.
      verdict = 'skipped';
      element = `<skipped${attributes([['message', clipMessage(`expected failure: ${expectation?.reason ?? ''}`)]])}/>`;
      output.push(
        [
          `expected failure (entry "${expectation?.match ?? rule.id}" of ${report.expectations?.file ?? 'the expectations file'}): ${expectation?.reason ?? ''}`,
          ...(expectation?.link ? [`link: ${expectation.link}`] : []),
          ...(expectation?.until ? [`until: ${expectation.until}`] : []),
          '',
          failuresText(failures),
        ].join('\n'),
      );
      break;
    case 'unexpected-pass': {
      const text = `unexpected pass: ${rule.id} was ${expectedOutcomeText(rule)}, but passed; remove or update its entry in ${report.expectations?.file ?? 'the expectations file'}`;
      if (strict) {
        verdict = 'failure';
        element = `<failure${attributes([
          ['message', clipMessage(text)],
          ['type', 'unexpected pass'],
        ])}>${escapeXml(`${text}\n(--strict-expectations makes an unexpected pass fail the run)`)}</failure>`;
      } else output.push(text);
      break;
    }
    case 'errored': {
      verdict = 'error';
      const text = (rule.errors ?? []).map((e) => `${e.test}\n  ${describeProblem(e)}`).join('\n\n');
      element = `<error${attributes([['message', clipMessage(noVerdictHeadline(rule))]])}>${escapeXml(text)}</error>`;
      break;
    }
    case 'skipped':
      verdict = 'skipped';
      element = `<skipped${attributes([['message', rule.reason ?? '']])}/>`;
      break;
    default:
      break;
  }
  if (rule.diagnostics?.length) output.push(rule.diagnostics.map((d) => `warning: ${formatFailure(d)}`).join('\n'));

  const open = `    <testcase${attributes([
    ['classname', `scalekit-conformance.${rule.area}`],
    ['name', `${rule.id} ${rule.statement}`],
    ['file', rule.tests[0]?.file],
    ['time', seconds(ms)],
  ])}>`;
  const lines = [open, ...propertiesXml(properties, '      ')];
  if (element) lines.push(`      ${element}`);
  if (output.length > 0) lines.push(`      <system-out>${escapeXml(output.join('\n\n'))}</system-out>`);
  lines.push('    </testcase>');
  return { verdict, ms, lines };
}

interface Suite {
  name: string;
  cases: Testcase[];
  output?: string[];
  errors?: string[];
}

/**
 * JUnit XML with one testsuite per rule area and one testcase per rule (CI dashboards then show rules, not test
 * files). MUST failures are `<failure>`s, errored rules `<error>`s; warnings pass with the failure as their output,
 * expected failures are skipped. Uncovered and deselected rules are left out; a final `run` suite says how many
 * rules the selection left out and what became of the expectations file. Counts are taken from the cases written.
 */
export function renderJunit(report: RunReport): string {
  const durations = durationsOf(report);
  const byArea = new Map<string, Testcase[]>();
  for (const rule of report.rules) {
    const grade = gradeOf(rule);
    if (grade === 'uncovered' || grade === 'deselected') continue;
    byArea.set(rule.area, [...(byArea.get(rule.area) ?? []), testcaseOf(rule, report, durations)]);
  }
  const suites: Suite[] = [...byArea].map(([name, cases]) => ({ name, cases }));

  // What the run did to the target's settings is no test: a suite without test cases, read as its output.
  const settings = report.targetSettings && describeHookStateOutcome(report.targetSettings);
  if (settings?.length) suites.push({ name: 'target settings', cases: [], output: settings });

  const testPasses = unexpectedTestPasses(report).map(
    (t) => `unexpected pass: test "${t.name}" was expected to fail or be skipped${t.reason ? ` (${t.reason})` : ''}`,
  );
  const runOutput = [
    ...[deselectedNote(report)].filter((line): line is string => line !== undefined),
    ...expectationNotes(report),
    ...testPasses,
    ...runNotes(report),
  ];
  if (runOutput.length > 0 || report.errors.length > 0) {
    suites.push({ name: 'run', cases: [], output: runOutput, errors: report.errors });
  }

  const suiteProperties: [string, string][] = [
    ['seed', String(report.seed)],
    ['spec-sha256', report.spec.sha256],
    ['target', report.target],
  ];
  const count = (cases: Testcase[], verdict: Verdict) => cases.filter((c) => c.verdict === verdict).length;
  const totals = (cases: Testcase[]): [string, string | number][] => [
    ['tests', cases.length],
    ['failures', count(cases, 'failure')],
    ['errors', count(cases, 'error')],
    ['skipped', count(cases, 'skipped')],
  ];
  const body = suites.map((suite) => {
    const ms = suite.cases.reduce((sum, c) => sum + c.ms, 0);
    const lines = [
      `  <testsuite${attributes([['name', suite.name], ...totals(suite.cases), ['time', seconds(ms)], ['timestamp', report.startedAt]])}>`,
      ...propertiesXml(suiteProperties, '    '),
      ...suite.cases.flatMap((c) => c.lines),
    ];
    if (suite.output?.length) lines.push(`    <system-out>${escapeXml(suite.output.join('\n'))}</system-out>`);
    if (suite.errors?.length) lines.push(`    <system-err>${escapeXml(suite.errors.join('\n'))}</system-err>`);
    lines.push('  </testsuite>');
    return lines.join('\n');
  });
  const allCases = suites.flatMap((s) => s.cases);
  const root = `<testsuites${attributes([
    ['name', 'scalekit-conformance'],
    ...totals(allCases),
    ['time', seconds(report.durationMs)],
    ['timestamp', report.startedAt],
  ])}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n${body.join('\n')}${body.length > 0 ? '\n' : ''}</testsuites>\n`;
}

export function writeJunitReport(path: string, report: RunReport, redactor: Redactor): void {
  writeAtomically(path, redactor.redact(renderJunit(report)));
}

/** The JUnit of a run that did not complete: one test case with an `<error>` saying why, so CI shows red. */
export function renderIncompleteJunit(reason: string): string {
  const message = escapeXml(`the run did not complete: ${reason}`);
  const attribute = escapeAttribute(`the run did not complete: ${reason}`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="scalekit-conformance" tests="1" failures="0" errors="1" skipped="0">\n  <testsuite name="run" tests="1" failures="0" errors="1" skipped="0">\n    <testcase classname="scalekit-conformance.run" name="the run completes">\n      <error message="${attribute}">${message}</error>\n    </testcase>\n  </testsuite>\n</testsuites>\n`;
}
