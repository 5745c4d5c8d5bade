// Expectations (`run --expectations FILE`): known failures of the target, each with a reason, as in the OpenID
// conformance suite's expected-failures file and WPT's expectation metadata. A failed rule the file expects does not
// fail the run; a rule expected to fail that passes is an unexpected pass (the entry is stale).
//
// The canonical form, which `expectations init` writes, is a YAML list of entries:
//
//   - match: ALG-010            # a rule ID, a rule glob (ALG-*, ALG-01?) or a test's full name (tests[].fullName)
//     outcome: fail             # fail | skip
//     reason: "our filter ignores end_time until PLAT-123 ships"
//     link: https://tracker.example/PLAT-123   # optional, an http(s) URL
//     until: 2027-03-01         # optional YYYY-MM-DD: after that day the entry is expired and not applied
//
// `{ "expectations": [ … ] }` parses too, and either form written as JSON (YAML's superset: one parser reads both,
// whatever the file's extension); so does a file with no entries at all (empty, or only comments). Everything here but readExpectations is pure.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isCalendarDay } from '../clock.js';
import { describeError, entryFields, parseUserYaml, UserError } from '../errors.js';
import { rules as catalogue } from '../rules/catalogue.js';
import { closestIds, ruleSelector } from '../rules/selector.js';
import { toolName } from '../version.js';
import type { Expectation, ExpectationsOutcome, MetExpectation, RuleOutcome, RunReport, TestOutcome } from './model.js';

// Kept here for the callers that read `until` days with the expectations.
export { dayOf } from '../clock.js';

const entryKeys = ['match', 'outcome', 'reason', 'link', 'until'] as const;
const outcomes = ['fail', 'skip'] as const;

/** What `init` writes as the reason of a failure nobody has explained yet. */
export const todoReason = 'TODO: why this rule fails on our server';

/** A rule ID as the catalogue writes them (`ALG-010`), or a near miss of one (`ALG-10`): never a test name. */
const ruleIdShape = /^[A-Za-z]{2,5}-\d{1,4}$/;
/** Rule-ID characters with a wildcard: the same globs as --only and --exclude. */
const globShape = /^[A-Za-z0-9*?-]*[*?][A-Za-z0-9*?-]*$/;

type MatchKind = 'rule' | 'glob' | 'test';

/** How an entry's `match` is read: by its shape alone, so the file and the run agree whatever the report holds. */
function matchKind(match: string): MatchKind {
  if (ruleIdShape.test(match)) return 'rule';
  if (globShape.test(match)) return 'glob';
  return 'test';
}

/** Rule IDs and globs are case-insensitive, as --only's are; test names are compared exactly. */
function matchKey(match: string): string {
  return matchKind(match) === 'test' ? match : match.toUpperCase();
}

const catalogueIds: readonly string[] = catalogue.map((rule) => rule.id);

/** A value quoted on one line, shortened: error messages stay one line whatever the file holds. */
function quoted(value: unknown, max = 80): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const entryFix = 'Each entry needs match (a rule ID, a rule glob or a test name), outcome (fail or skip) and reason';

/** One entry, checked; `where` names the file and the entry in every message. */
function parseEntry(raw: unknown, where: string): Expectation {
  const fields = entryFields(raw, where, entryKeys, 'match, outcome and reason', entryFix);
  for (const key of ['match', 'outcome', 'reason'] as const) {
    if (fields[key] === undefined || fields[key] === null) throw new UserError(`${where} has no ${key}`, entryFix);
  }
  for (const key of entryKeys) {
    if (fields[key] !== undefined && typeof fields[key] !== 'string') {
      throw new UserError(`${where}: ${key} must be a string, got ${quoted(fields[key])}`, entryFix);
    }
  }
  const { match, outcome, reason, link, until } = fields as Record<string, string | undefined> & { match: string };

  if (!(outcomes as readonly string[]).includes(outcome ?? '')) {
    throw new UserError(
      `${where}: outcome must be fail or skip, got ${quoted(outcome)}`,
      'Write outcome: fail for a known failure, outcome: skip for a rule or test the run skips',
    );
  }
  if (!reason?.trim()) {
    throw new UserError(
      `${where}: reason is empty`,
      'Say why it fails on your server, e.g. reason: "our filter ignores end_time until PLAT-123 ships"',
    );
  }
  if (link !== undefined && !isHttpUrl(link)) {
    throw new UserError(
      `${where}: link ${quoted(link)} is not an http(s) URL`,
      'Write link: https://tracker.example/PLAT-123, or leave link out',
    );
  }
  if (until !== undefined && !isCalendarDay(until)) {
    throw new UserError(
      `${where}: until ${quoted(until)} is not a date written YYYY-MM-DD`,
      'Write until: 2027-03-01 (the last day the entry applies), or leave until out',
    );
  }
  checkMatch(match, where);
  return {
    match,
    outcome: outcome as Expectation['outcome'],
    reason,
    ...(link !== undefined ? { link } : {}),
    ...(until !== undefined ? { until } : {}),
  };
}

const hasControlCharacter = (text: string) =>
  [...text].some((character) => character.charCodeAt(0) < 0x20 || character.charCodeAt(0) === 0x7f);

/** A rule ID must be in the catalogue, a glob must pick a rule; anything else is a test name, and must be one line. */
function checkMatch(match: string, where: string): void {
  const rulesFix = `List the rules with \`${toolName} rules\``;
  switch (matchKind(match)) {
    case 'rule': {
      if (catalogueIds.includes(match.toUpperCase())) return;
      const near = closestIds(match, catalogueIds);
      throw new UserError(
        `${where}: ${match} is not a rule ID of the catalogue`,
        near.length > 0 ? `Did you mean ${near.join(' or ')}? ${rulesFix}` : rulesFix,
      );
    }
    case 'glob':
      if (catalogueIds.some(ruleSelector([match]))) return;
      throw new UserError(
        `${where}: the glob ${match} matches no rule ID`,
        `Use globs such as ALG-*, RDR-01?. ${rulesFix}`,
      );
    case 'test':
      if (match.trim() === '') throw new UserError(`${where}: match is empty`, entryFix);
      // A name that could never equal a test's full name is a mistake, not an entry to report as unmatched later.
      if (hasControlCharacter(match) || match.trim() !== match) {
        throw new UserError(
          `${where}: match is neither a rule ID, a rule glob nor a test name (it has line breaks, control characters or spaces at an end)`,
          "Copy the test's fullName from the JSON report (tests[].fullName), in quotes",
        );
      }
  }
}

/** The entries of a parsed file: a list, or `{ expectations: [...] }`; nothing at all is no entries. */
function entriesOf(document: unknown, file: string): unknown[] {
  if (document === null || document === undefined) return [];
  if (Array.isArray(document)) return document;
  if (typeof document === 'object') {
    const unknown = Object.keys(document).filter((key) => key !== 'expectations');
    if (unknown.length > 0) {
      throw new UserError(
        `${file} has unknown top-level key(s) ${unknown.join(', ')}`,
        'Write a list of entries, or an object whose only key is expectations',
      );
    }
    const listed = (document as { expectations?: unknown }).expectations;
    if (listed === null || listed === undefined) return [];
    if (Array.isArray(listed)) return listed;
  }
  throw new UserError(
    `${file} does not hold a list of expectation entries`,
    `Write a YAML list of entries with match, outcome and reason (\`${toolName} expectations init\` writes one)`,
  );
}

/**
 * The entries of an expectations file's text, checked; `file` names it in errors. Every problem is a UserError of one
 * line naming the file, the entry (its position from 1, and its match) and the problem.
 */
export function parseExpectations(text: string, file: string): Expectation[] {
  const document = parseUserYaml(text, file, 'Fix the expectations file');
  const seen = new Map<string, number>();
  return entriesOf(document, file).map((raw, index) => {
    const match = (raw as { match?: unknown } | null)?.match;
    const label = typeof match === 'string' ? `(match ${quoted(match)})` : '(no match)';
    const where = `${file} entry ${index + 1} ${label}`;
    const entry = parseEntry(raw, where);
    const earlier = seen.get(matchKey(entry.match));
    if (earlier !== undefined) {
      throw new UserError(`${where} repeats the match of entry ${earlier}`, 'Keep one entry per match');
    }
    seen.set(matchKey(entry.match), index + 1);
    return entry;
  });
}

/** Reads and checks an expectations file (`path` as given, resolved against `cwd`). */
export function readExpectations(path: string, cwd: string): Expectation[] {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UserError(
      missing
        ? `the expectations file ${path} does not exist`
        : `cannot read the expectations file ${path} (${describeError(error)})`,
      `Check the --expectations path, or write one with \`${toolName} expectations init --from-report REPORT.json\``,
    );
  }
  return parseExpectations(text, path);
}

/** How specific a glob is: its literal characters (`ALG-01?` beats `ALG-*`, which beats `*`). */
const literalCount = (glob: string) => glob.replace(/[*?]/g, '').length;

/** Whether a rule or test in `state` met an entry expecting `outcome`. */
const meets = (outcome: Expectation['outcome'], state: string) =>
  outcome === 'fail' ? state === 'failed' : state === 'skipped';

/** A copy without the expectation a report may already carry, so applying twice gives the same report. */
function withoutExpectation<T extends { expectation?: MetExpectation }>(item: T): T {
  const { expectation: _dropped, ...rest } = item;
  return rest as T;
}

/**
 * The report with the entries applied (pure: `today` is injected). Entries past `until` are expired and not applied.
 * When several entries match a rule, the most specific wins: an exact rule ID, then test names (when every failing
 * test citing the rule has a met `fail` test entry), then the glob with the most literal characters (the first in
 * the file on a tie). `summary.failed` is left as it is: expected failures are counted again in `expectedFailures`.
 */
export function applyExpectations(
  report: RunReport,
  entries: readonly Expectation[],
  options: { file: string; strict: boolean; today: string },
): RunReport {
  if (!isCalendarDay(options.today))
    throw new Error(`applyExpectations: today must be YYYY-MM-DD, got ${options.today}`);
  const expired = entries.filter((entry) => entry.until !== undefined && entry.until < options.today);
  const active = entries.filter((entry) => !expired.includes(entry));
  const ruleEntries = active.filter((entry) => matchKind(entry.match) === 'rule');
  const globEntries = active
    .filter((entry) => matchKind(entry.match) === 'glob')
    .map((entry, order) => ({ entry, order, matches: ruleSelector([entry.match]) }))
    .sort((a, b) => literalCount(b.entry.match) - literalCount(a.entry.match) || a.order - b.order);
  const testEntries = new Map(
    active.filter((entry) => matchKind(entry.match) === 'test').map((entry) => [entry.match, entry]),
  );
  const matched = new Set<Expectation>();
  const unexpectedPasses = new Set<string>();

  const tests = report.tests.map((test): TestOutcome => {
    const plain = withoutExpectation(test);
    const entry = testEntries.get(test.fullName);
    if (!entry) return plain;
    matched.add(entry);
    if (test.state === 'passed') unexpectedPasses.add(test.fullName);
    return { ...plain, expectation: { ...entry, met: meets(entry.outcome, test.state) } };
  });

  /** The test entry standing for a failed rule: only when every failing test citing it failed as its entry expects. */
  const byFailingTests = (rule: RuleOutcome): Expectation | undefined => {
    if (rule.status !== 'failed') return undefined;
    const failing = tests.filter((test) => test.state === 'failed' && test.rules.includes(rule.id));
    const allExpected = failing.every((test) => test.expectation?.outcome === 'fail' && test.expectation.met);
    // Several test entries may stand for one rule: the first failing test's reason is the rule's; the rest stay on
    // their tests.
    const first = failing[0]?.expectation;
    return allExpected && first ? testEntries.get(first.match) : undefined;
  };

  const rules = report.rules.map((rule): RuleOutcome => {
    const plain = withoutExpectation(rule);
    // Rules the run did not judge: left out by the selection, or cited by no test.
    if (rule.deselected || rule.status === 'uncovered') return plain;
    const exact = ruleEntries.filter((entry) => entry.match.toUpperCase() === rule.id.toUpperCase());
    const globs = globEntries.filter(({ matches }) => matches(rule.id)).map(({ entry }) => entry);
    for (const entry of [...exact, ...globs]) matched.add(entry);
    const entry = exact[0] ?? byFailingTests(rule) ?? globs[0];
    if (!entry) return plain;
    // Test entries stand for failed rules only, so a passed rule here was expected by its ID or a glob.
    if (rule.status === 'passed') unexpectedPasses.add(rule.id);
    return { ...plain, expectation: { ...entry, met: meets(entry.outcome, rule.status) } };
  });

  const expectedFailures = rules
    .filter((rule) => rule.status === 'failed' && rule.expectation?.met)
    .map((rule) => rule.id)
    .sort();
  const outcome: ExpectationsOutcome = {
    file: options.file,
    expectedFailures,
    unexpectedPasses: [...unexpectedPasses].sort(),
    expired,
    unmatched: active.filter((entry) => !matched.has(entry)),
    strict: options.strict,
  };
  return {
    ...report,
    rules,
    tests,
    summary: {
      ...report.summary,
      expectedFailures: outcome.expectedFailures.length,
      unexpectedPasses: outcome.unexpectedPasses.length,
    },
    expectations: outcome,
  };
}

export { failsRun } from './aggregate.js';

/** Text on one comment line, shortened. */
function commentText(text: string, max = 160): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * An expectations file accepting a run's failures: one `fail` entry per failed rule, MUST or not, sorted by rule ID.
 * The reason is a TODO, or the reason of the met expectation the rule already had. Errored rules are not accepted
 * (an outage is not a known failure) but listed in a comment; so are rules the catalogue no longer has, which the
 * file could not name. The text parses back with readExpectations. `file`, where it will be written, goes in the usage
 * line.
 */
export function expectationsFromReport(report: RunReport, options: { today: string; file?: string }): string {
  const failed = report.rules.filter((rule) => rule.status === 'failed').sort((a, b) => a.id.localeCompare(b.id));
  const accepted = failed.filter((rule) => catalogueIds.includes(rule.id));
  const unknown = failed.filter((rule) => !catalogueIds.includes(rule.id));
  const errored = report.rules.filter((rule) => rule.status === 'errored').sort((a, b) => a.id.localeCompare(b.id));
  const ranOn = commentText(report.startedAt.slice(0, 10) || 'an unknown day');

  const lines = [
    `# ${toolName} expectations: rules known to fail on this server, each with a reason.`,
    `# Use it: ${toolName} run --expectations ${options.file === undefined ? '<this file>' : commentText(options.file)}`,
    '# A rule listed here that fails is an expected failure and does not fail the run; one that passes is an',
    '# unexpected pass (remove its entry; --strict-expectations fails the run on it).',
    '# Each entry: match (a rule ID, a rule glob such as ALG-*, or a test full name from the JSON report, quoted),',
    '# outcome (fail or skip), reason; optionally link (an http(s) URL) and until (YYYY-MM-DD, the last day it applies).',
    '#',
    `# Accepted from the run against ${commentText(report.target)} (seed ${report.seed}, run on ${ranOn}), written ${options.today}.`,
    ...(accepted.some((rule) => !rule.expectation?.met) ? ['# Replace each TODO reason with why the rule fails.'] : []),
  ];
  if (errored.length > 0) {
    lines.push(
      '#',
      '# Not accepted: rules that errored (the target gave no usable answer; an outage is not a known failure):',
      ...errored.map((rule) => `#   ${rule.id}: ${commentText(rule.reason ?? 'no usable answer')}`),
    );
  }
  if (unknown.length > 0) {
    lines.push(
      '#',
      `# Not accepted: failed rules this version of ${toolName} does not have:`,
      ...unknown.map((rule) => `#   ${commentText(rule.id)}`),
    );
  }
  lines.push('');
  if (accepted.length === 0) {
    lines.push('# The run had no failed rule: nothing to accept.', '[]');
    return `${lines.join('\n')}\n`;
  }
  for (const rule of accepted) {
    // A failure already explained keeps its explanation.
    const known = rule.expectation?.met && rule.expectation.outcome === 'fail' ? rule.expectation : undefined;
    const warning = rule.force === 'MUST' ? '' : ', a warning';
    lines.push(
      `# ${rule.id} (${rule.force}${warning}): ${commentText(rule.statement)}`,
      `- match: ${rule.id}`,
      '  outcome: fail',
      `  reason: ${JSON.stringify(known?.reason ?? todoReason)}`,
      ...(known?.link ? [`  link: ${JSON.stringify(known.link)}`] : []),
      ...(known?.until ? [`  until: ${JSON.stringify(known.until)}`] : []),
      '',
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
