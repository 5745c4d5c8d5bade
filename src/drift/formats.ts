import { changeKinds } from './change-kinds.js';
import type { DriftReport } from './report.js';
import {
  breakingCounts,
  breaksClients,
  type CollapsedFinding,
  changesByEndpoint,
  collapseServerDrift,
  type EndpointChange,
  findingHead,
  findingSentence,
  groupSentence,
  plainPhrase,
  sentence,
  severityLabels,
  severityOf,
} from './views.js';

// The drift report for CI: GitHub Actions workflow commands (annotations on the run and the pull request) and
// JUnit XML (a CI's test view). Both say what the Markdown says, in the same words (views.ts); what fails is what
// `--fail-on` counts: changes breaking for clients and, with `--since`, new server findings, accepted ones neither.

// --- GitHub Actions annotations -----------------------------------------------------------------------------------

type Level = 'error' | 'warning' | 'notice';

/** A workflow command's message: `%`, CR and LF would end or garble it (GitHub's toolkit escapes these). */
export function escapeData(value: string): string {
  return value.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** A workflow command's property value: also `:` (ends the properties) and `,` (separates them). */
export function escapeProperty(value: string): string {
  return escapeData(value).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

function command(level: Level, properties: Record<string, string | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',');
  return `::${level}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

/** A list in one line, at most `max` items. */
function inline(items: readonly string[], max = 10): string {
  const shown = items.slice(0, max).join('; ');
  return items.length > max ? `${shown}; and ${items.length - max} more` : shown;
}

const acceptedNote = (accepted: { reason: string; until?: string } | undefined) =>
  accepted ? ` (accepted${accepted.until ? ` until ${accepted.until}` : ''}: ${accepted.reason})` : '';

/**
 * One workflow command per change group, server finding, docs finding, broken suite file and unused acceptance
 * entry: `::error` for changes breaking for clients, `::notice` for accepted ones, `::warning` for everything else;
 * the most severe first (GitHub shows only the first few annotations of a step), then one plain summary line.
 */
export function renderGithub(report: DriftReport): string {
  const lines: string[] = [];
  const groups = [...(report.specDiff?.groups ?? [])].sort((a, b) => severityOf(a) - severityOf(b));
  for (const group of groups) {
    const level: Level = breaksClients(group) ? 'error' : group.accepted ? 'notice' : 'warning';
    const where =
      group.locations.length > 1 ? ` (at ${group.locations.length} places: ${inline(group.locations)})` : '';
    const title = `${group.kind} ${changeKinds[group.kind].title}`;
    lines.push(
      command(level, { title }, `${plainPhrase(groupSentence(group))}${where}${acceptedNote(group.accepted)}`),
    );
  }
  const typecheck = report.typecheck;
  if (typecheck && !('skipped' in typecheck)) {
    for (const broken of typecheck.broken) {
      // `12:5 TS2339 message`: the place GitHub can point at in the file.
      const [, line, col, message] = /^(\d+):(\d+) (.*)$/.exec(broken.first) ?? [];
      const title = `no longer compiles against ${typecheck.spec}`;
      lines.push(command('warning', { file: broken.file, line, col, title }, message ?? broken.first));
    }
  }
  for (const finding of [...(report.docs?.findings ?? []), ...(report.docs?.stale ?? [])]) {
    const sides = finding.sides.map((side) => `${side.source}: ${side.claim}`);
    lines.push(command('warning', { title: `${finding.id} ${finding.kind}` }, `${finding.summary} (${inline(sides)})`));
  }
  for (const finding of collapseServerDrift(report.server?.operations ?? [])) {
    const level: Level = finding.accepted ? 'notice' : 'warning';
    const title = `${finding.new ? 'new ' : ''}server drift: ${finding.kind}`;
    const on =
      finding.operations.length === 1
        ? ` on ${finding.operations[0]}`
        : ` on ${finding.operations.length} operations: ${inline(finding.operations)}`;
    lines.push(command(level, { title }, `${findingSentence(finding)}${on}${acceptedNote(finding.accepted)}`));
  }
  const acceptance = report.acceptance;
  for (const entry of acceptance?.unmatched ?? []) {
    const title = `accepted change matches nothing (${acceptance?.file})`;
    lines.push(command('warning', { title }, `${entry.entry}: ${entry.reason}`));
  }
  for (const entry of acceptance?.expired ?? []) {
    const title = `accepted change expired on ${entry.until} (${acceptance?.file})`;
    lines.push(command('warning', { title }, `${entry.entry}: ${entry.reason}`));
  }
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

/** The report in one plain line. */
function summaryLine(report: DriftReport): string {
  const parts: string[] = [];
  if (report.specDiff) {
    const clients = breakingCounts(report.specDiff.groups, 'clients');
    const servers = breakingCounts(report.specDiff.groups, 'servers');
    const accepted = (n: number) => (n > 0 ? ` (${n} accepted)` : '');
    parts.push(
      `${report.specDiff.summary.total} spec changes: ${clients.breaking} breaking for clients${accepted(clients.accepted)}, ` +
        `${servers.breaking} breaking for servers${accepted(servers.accepted)}`,
    );
  }
  if (report.docs) parts.push(`${report.docs.findings.length} docs disagreements`);
  if (report.server) {
    const distinct = collapseServerDrift(report.server.operations).length;
    const since = report.server.since ? `, ${report.server.since.added} new` : '';
    parts.push(`${report.server.total} server findings (${distinct} distinct${since})`);
  }
  return escapeData(`${report.tool.name} drift: ${parts.join('; ') || 'nothing compared'}`);
}

// --- JUnit XML ----------------------------------------------------------------------------------------------------

/** Text and attribute values: the five markup characters escaped, characters XML 1.0 forbids dropped. */
export function xml(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

interface TestCase {
  name: string;
  /** Set when the case fails: the message, and the lines behind it. */
  failure?: string;
  out: string[];
}

function testSuite(name: string, classname: string, cases: readonly TestCase[]): string[] {
  const failures = cases.filter((c) => c.failure !== undefined).length;
  return [
    `  <testsuite name="${xml(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">`,
    ...cases.flatMap((c) => {
      const body = xml(c.out.join('\n'));
      const inner =
        c.failure === undefined
          ? [`      <system-out>${body}</system-out>`]
          : [`      <failure message="${xml(c.failure)}" type="drift">${body}</failure>`];
      return [`    <testcase classname="${xml(classname)}" name="${xml(c.name)}">`, ...inner, '    </testcase>'];
    }),
    '  </testsuite>',
  ];
}

function changeLine(change: EndpointChange): string {
  const said = plainPhrase(sentence(change.subject, change.phrase));
  return `${severityLabels[change.severity]}: ${said} (${change.group.kind})${acceptedNote(change.group.accepted)}`;
}

function findingCase(finding: CollapsedFinding): TestCase {
  const failing = finding.new === true && !finding.accepted;
  return {
    name: `${finding.new ? 'new: ' : ''}${findingHead(finding)}`,
    ...(failing ? { failure: `new drift on ${finding.operations.length} operation(s)` } : {}),
    out: [
      `${findingSentence(finding)}${acceptedNote(finding.accepted)}`,
      `on ${finding.operations.length} operation(s):`,
      ...finding.operations,
    ],
  };
}

/**
 * One test suite per part of the report: spec against spec with one case per endpoint (failing when a change
 * breaks clients and is not accepted), the suites' typecheck per broken file, docs against spec per finding, server
 * against spec per distinct finding (failing when new and not accepted), and the accepted-changes file's unused
 * entries. Only what `--fail-on breaking` or `--fail-on new-drift` counts fails.
 */
export function renderJunit(report: DriftReport): string {
  const suites: string[][] = [];
  if (report.specDiff) {
    const cases = changesByEndpoint(report.specDiff.groups).map((entry): TestCase => {
      const breaking = entry.changes.filter((change) => change.severity === 0).length;
      return {
        name: entry.endpoint,
        ...(breaking > 0 ? { failure: `${breaking} change(s) breaking for clients` } : {}),
        out: entry.changes.map(changeLine),
      };
    });
    suites.push(testSuite('spec against spec', 'drift.spec', cases));
  }
  const typecheck = report.typecheck;
  if (typecheck && !('skipped' in typecheck)) {
    const cases = typecheck.broken.map((broken) => ({
      name: broken.file,
      out: [`${broken.errors} error(s) against ${typecheck.spec}; the first: ${broken.first}`],
    }));
    suites.push(testSuite("suites' typecheck", 'drift.typecheck', cases));
  }
  if (report.docs) {
    const cases = [...report.docs.findings, ...report.docs.stale].map((finding) => ({
      name: `${finding.id} ${finding.kind}`,
      out: [finding.summary, ...finding.sides.map((side) => `${side.source}: ${side.claim}`)],
    }));
    suites.push(testSuite('docs against spec', 'drift.docs', cases));
  }
  if (report.server) {
    suites.push(
      testSuite('server against spec', 'drift.server', collapseServerDrift(report.server.operations).map(findingCase)),
    );
  }
  if (report.acceptance) {
    const { unmatched, expired } = report.acceptance;
    const cases = [
      ...unmatched.map((entry) => ({ name: `matches nothing: ${entry.entry}`, out: [entry.reason] })),
      ...expired.map((entry) => ({ name: `expired ${entry.until}: ${entry.entry}`, out: [entry.reason] })),
    ];
    suites.push(testSuite(`accepted changes (${report.acceptance.file})`, 'drift.accept', cases));
  }
  const all = suites.flat();
  const tests = all.filter((line) => line.startsWith('    <testcase')).length;
  const failures = all.filter((line) => line.startsWith('      <failure')).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(`${report.tool.name} drift`)}" tests="${tests}" failures="${failures}" errors="0">`,
    ...all,
    '</testsuites>',
    '',
  ].join('\n');
}
