// A run as Markdown, for a CI step summary page ($GITHUB_STEP_SUMMARY) or a pull-request comment: the verdict first,
// then what needs a person's attention, most urgent first, bounded in size so the page or comment is never refused.
import { appendFileSync } from 'node:fs';
import type { Failure } from '../checks/failure.js';
import { describeHookStateOutcome } from '../client/hook-state.js';
import { describeProblem } from '../client/problems.js';
import { replayVariablesNote } from './console.js';
import {
  deselectedNote,
  expectationNotes,
  expectedOutcomeText,
  gradeOf,
  type RuleGrade,
  runNotes,
  unexpectedTestPasses,
} from './grade.js';
import type { RuleOutcome, RunReport } from './model.js';
import type { Redactor } from './redact.js';
import { writeAtomically } from './write.js';

/** Far below a pull-request comment's 65,536 characters (a step summary may hold 1 MiB), with room for a preamble. */
export const defaultMarkdownMaxChars = 60_000;

/** Failures shown per rule; the JSON report has the rest. */
const failuresPerRule = 5;
/** Expected and received values and details are cut here, so one huge body cannot crowd out every other failure. */
const valueLimit = 1_000;
/** A replay line cut short no longer runs, so it gets more room than a value. */
const replayLimit = 4_000;

// Text that is not code is escaped so a response's `<tag>`, `*` or `|` shows as written and cannot break the page.
const escapeText = (text: string) =>
  text
    .replace(/[\\`*_[\]<>|~&#]/g, (c) => `\\${c}`)
    .replace(/\r\n?|\n/g, ' ')
    .trim();

/** A table cell: escaped text, `|` included, and line breaks as `<br>`. */
export const escapeCell = (text: string) =>
  text
    .split(/\r\n?|\n/)
    .map((line) => line.replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`))
    .join('<br>');

/** An inline code span that survives backticks in its text (its fence is longer than any run of them). */
function inlineCode(text: string): string {
  const flat = text.replace(/\r\n?|\n/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced code block whose fence is longer than any run of backticks in the text. */
function codeBlock(text: string, language: string): string[] {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${language}`, ...text.split(/\r\n?|\n/), fence];
}

const clip = (text: string, limit: number, what: string) =>
  text.length > limit
    ? `${text.slice(0, limit)}… (${what} cut at ${limit} characters; the JSON report has it whole)`
    : text;

/** A link only when it is a plain http(s) URL; anything else is shown as code, never as markup. */
const linkTo = (url: string) =>
  /^https?:\/\/[^\s<>()[\]|`]+$/.test(url) ? `[${escapeText(url)}](${url})` : inlineCode(url);

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

function durationText(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function countsOf(report: RunReport): Record<RuleGrade, number> {
  const counts: Record<RuleGrade, number> = {
    'must-failure': 0,
    warning: 0,
    'expected-failure': 0,
    'unexpected-pass': 0,
    errored: 0,
    skipped: 0,
    passed: 0,
    uncovered: 0,
    deselected: 0,
  };
  for (const rule of report.rules) counts[gradeOf(rule)] += 1;
  return counts;
}

/** The verdict, as the exit code would give it: MUST failures, strict unexpected passes, errored rules. */
function verdictOf(report: RunReport, counts: Record<RuleGrade, number>): string {
  if (report.incomplete) return 'did not complete';
  const unexpected = counts['unexpected-pass'] + unexpectedTestPasses(report).length;
  const failing = [
    counts['must-failure'] > 0 ? plural(counts['must-failure'], 'MUST failure') : '',
    report.expectations?.strict && unexpected > 0
      ? `${plural(unexpected, 'unexpected pass', 'unexpected passes')} (--strict-expectations)`
      : '',
    counts.errored > 0 ? `${plural(counts.errored, 'rule')} errored (no verdict)` : '',
  ].filter(Boolean);
  if (failing.length > 0) return failing.join(', ');
  return counts.warning > 0 ? `passed, with ${plural(counts.warning, 'SHOULD/MAY warning')}` : 'passed';
}

function headOf(report: RunReport, counts: Record<RuleGrade, number>): string {
  const facts = [
    `target ${inlineCode(report.target)}`,
    `seed ${report.seed} (replay with ${inlineCode(`--seed ${report.seed}`)})`,
    `spec ${escapeText(report.spec.origin)} (sha256 ${inlineCode(report.spec.sha256.slice(0, 12))})`,
    durationText(report.durationMs),
    ...(report.shard ? [`shard ${report.shard.index}/${report.shard.count}`] : []),
  ];
  const columns: [string, number][] = [
    ['passed', counts.passed],
    ['failed (MUST)', counts['must-failure']],
    ['warnings', counts.warning],
    ['expected failures', counts['expected-failure']],
    ['unexpected passes', counts['unexpected-pass']],
    ['errored', counts.errored],
    ['skipped', counts.skipped],
    ['uncovered', counts.uncovered],
    ['deselected', counts.deselected],
  ];
  const lines = [`## scalekit-conformance: ${verdictOf(report, counts)}`, '', facts.join(' · ')];
  if (report.incomplete) lines.push('', `The run did not complete: ${escapeText(report.incomplete)}`);
  lines.push(
    '',
    `| ${columns.map(([name]) => name).join(' | ')} |`,
    `| ${columns.map(() => '---:').join(' | ')} |`,
    `| ${columns.map(([, count]) => count).join(' | ')} |`,
  );
  return lines.join('\n');
}

function failureLines(failure: Failure): string[] {
  const value = (label: string, text: string) => {
    const shown = clip(text, valueLimit, label);
    // Short values read inline; long or multi-line ones (response bodies) go in a block inside the list item.
    return !shown.includes('\n') && shown.length <= 160
      ? [`- ${label}: ${inlineCode(shown)}`]
      : [`- ${label}:`, '', ...codeBlock(shown, 'text').map((line) => `  ${line}`), ''];
  };
  const lines = [
    `**${escapeText(failure.title)}**`,
    '',
    ...value('expected', failure.expected),
    ...value('received', failure.received),
  ];
  if (failure.details?.length) lines.push(...value('details', failure.details.join('\n')));
  if (failure.replay) {
    if (lines.at(-1) !== '') lines.push('');
    lines.push(...codeBlock(clip(failure.replay, replayLimit, 'replay line'), 'sh'));
  }
  return lines;
}

function ruleHeading(rule: RuleOutcome, label: string): string[] {
  const file = rule.tests[0]?.file;
  return [`#### ${rule.id} (${label}): ${escapeText(rule.statement)}`, ...(file ? ['', `in ${inlineCode(file)}`] : [])];
}

function failedRuleEntry(rule: RuleOutcome, label: string): string {
  const failures = rule.failures ?? [];
  const lines = ruleHeading(rule, label);
  for (const failure of failures.slice(0, failuresPerRule)) lines.push('', ...failureLines(failure));
  if (failures.length > failuresPerRule) {
    lines.push('', `… ${plural(failures.length - failuresPerRule, 'more failure')} of this rule in the JSON report`);
  }
  return lines.join('\n');
}

function erroredRuleEntry(rule: RuleOutcome): string {
  const problems = (rule.errors ?? []).map((e) => `- ${escapeText(e.test)}: ${inlineCode(describeProblem(e))}`);
  const lines = ruleHeading(rule, rule.force);
  lines.push('', ...(problems.length > 0 ? problems : [`- ${escapeText(rule.reason ?? 'no usable answer')}`]));
  return lines.join('\n');
}

/** What a section says, in order: the most important first, since entries are cut from the end. */
interface Section {
  heading: string;
  entries: string[];
  /** Table rows join with one newline; paragraphs with a blank line. */
  joiner: string;
  /** A table's header rows, between the heading and the entries (its rows). */
  tableHeader?: string;
  /** Failures are counted apart in the line that says what was cut. */
  failures?: true;
}

function sectionsOf(report: RunReport): Section[] {
  const byGrade = (grade: RuleGrade) => report.rules.filter((r) => gradeOf(r) === grade);
  const sections: Section[] = [];
  const add = (section: Section) => {
    if (section.entries.length > 0) sections.push(section);
  };

  const mustFailures = byGrade('must-failure');
  const hasReplay = mustFailures.some((r) => r.failures?.some((f) => f.replay));
  add({
    heading: `### MUST failures (${mustFailures.length})${hasReplay ? `\n\n${replayVariablesNote}` : ''}`,
    entries: mustFailures.map((r) => failedRuleEntry(r, 'MUST')),
    joiner: '\n\n',
    failures: true,
  });
  const errored = byGrade('errored');
  add({
    heading: `### Errored (${errored.length}): no verdict, the target gave no usable answer or a control hook failed`,
    entries: errored.map(erroredRuleEntry),
    joiner: '\n\n',
  });
  const warnings = byGrade('warning');
  add({
    heading: `### Warnings (${warnings.length}): SHOULD and MAY rules not followed; they do not fail the run`,
    entries: warnings.map((r) => failedRuleEntry(r, `${r.force} warning`)),
    joiner: '\n\n',
  });

  const file = report.expectations?.file;
  const unexpected = [
    ...byGrade('unexpected-pass').map(
      (r) => `- **${r.id}** (${r.force}) ${escapeText(r.statement)}: ${escapeText(expectedOutcomeText(r))}, but passed`,
    ),
    ...unexpectedTestPasses(report).map(
      (t) =>
        `- test ${escapeText(t.name)}: expected to fail or be skipped${t.reason ? ` (${escapeText(t.reason)})` : ''}, but passed`,
    ),
  ];
  const strict = report.expectations?.strict ? ' (--strict-expectations: they fail the run)' : '';
  add({
    heading: `### Unexpected passes (${unexpected.length})${strict}\n\nRemove or update their entries in ${inlineCode(file ?? 'the expectations file')}.`,
    entries: unexpected,
    joiner: '\n',
  });

  const expected = byGrade('expected-failure');
  add({
    heading: `### Expected failures (${expected.length}): listed in ${inlineCode(file ?? 'the expectations file')}; they do not fail the run`,
    tableHeader: '| rule | force | reason | link | until |\n| --- | --- | --- | --- | --- |',
    entries: expected.map((r) => {
      const e = r.expectation;
      const link = e?.link ? linkTo(e.link).replace(/\|/g, '\\|') : '';
      return `| ${r.id} | ${r.force} | ${escapeCell(e?.reason ?? '')} | ${link} | ${escapeCell(e?.until ?? '')} |`;
    }),
    joiner: '\n',
  });

  const notes = expectationNotes(report);
  add({
    heading: `### Expectations file: ${plural(notes.length, 'entry', 'entries')} not applied`,
    entries: notes.map((n) => `- ${escapeText(n)}`),
    joiner: '\n',
  });

  const settings = report.targetSettings ? describeHookStateOutcome(report.targetSettings) : [];
  const runLines = [
    ...runNotes(report),
    ...settings,
    ...report.errors.map((e) => `error: ${e}`),
    ...(report.summary.diagnostics > 0
      ? [
          `${plural(report.summary.diagnostics, 'diagnostic')}: what the target says about itself differs from the profile (warnings, not verdicts); see the JSON report`,
        ]
      : []),
    ...[deselectedNote(report)].filter((n): n is string => n !== undefined),
  ];
  add({ heading: '### Run', entries: runLines.map((line) => `- ${escapeText(line)}`), joiner: '\n' });
  return sections;
}

/**
 * The run as Markdown: a verdict line, where and how it ran, a table of counts, then MUST failures (with their
 * replay lines), errored rules, warnings, unexpected passes, expected failures and notes. Longer than `maxChars`,
 * whole entries are cut from the end (failures last, the first ones kept), and a final line says how many.
 */
export function renderMarkdownReport(report: RunReport, options: { maxChars?: number } = {}): string {
  const maxChars = options.maxChars ?? defaultMarkdownMaxChars;
  const counts = countsOf(report);
  const head = headOf(report, counts);
  const sections = sectionsOf(report);

  const sectionText = (section: Section, entries: string[]) =>
    [section.heading, [...(section.tableHeader ? [section.tableHeader] : []), ...entries].join(section.joiner)].join(
      '\n\n',
    );
  const whole = [head, ...sections.map((s) => sectionText(s, s.entries))].join('\n\n');
  if (whole.length + 1 <= maxChars) return `${whole}\n`;

  const cutLine = (failures: number, others: number) =>
    `… ${plural(failures, 'more failure')} and ${plural(others, 'more entry', 'more entries')} cut to stay under ${maxChars} characters; the JSON report has everything.`;
  const allFailures = sections.filter((s) => s.failures).reduce((sum, s) => sum + s.entries.length, 0);
  const allEntries = sections.reduce((sum, s) => sum + s.entries.length, 0);
  // Room for the cut line at its longest, whatever ends up cut.
  const reserve = cutLine(allFailures, allEntries).length + 3;

  const parts = [head];
  let used = head.length;
  let cut = false;
  let cutFailures = 0;
  let cutOthers = 0;
  for (const section of sections) {
    const kept: string[] = [];
    for (const entry of section.entries) {
      const opening = section.heading.length + (section.tableHeader?.length ?? 0) + 5;
      const cost = entry.length + section.joiner.length + (kept.length === 0 ? opening : 0);
      if (!cut && used + cost + reserve <= maxChars) {
        kept.push(entry);
        used += cost;
        continue;
      }
      // Once one entry does not fit, everything after it goes too: what is kept stays in order of importance.
      cut = true;
      if (section.failures) cutFailures += 1;
      else cutOthers += 1;
    }
    if (kept.length > 0) parts.push(sectionText(section, kept));
  }
  parts.push(cutLine(cutFailures, cutOthers));
  return `${parts.join('\n\n')}\n`;
}

/**
 * Writes the Markdown report, redacted. `append` adds it to the file instead (GitHub's $GITHUB_STEP_SUMMARY file is
 * shared by the job's steps, so it is appended to, never replaced).
 */
export function writeMarkdownReport(
  path: string,
  report: RunReport,
  redactor: Redactor,
  options: { append?: boolean } = {},
): void {
  const text = redactor.redact(renderMarkdownReport(report));
  // A blank line first, so the report never runs on from what an earlier step wrote.
  if (options.append) appendFileSync(path, `\n${text}`);
  else writeAtomically(path, text);
}
