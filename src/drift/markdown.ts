import { type ChangeKindId, type Classification, changeKinds } from './change-kinds.js';
import type { DocsFinding } from './docs-vs-spec.js';
import type { Acceptance, ChangeGroup, DriftReport, SpecRef } from './report.js';
import {
  breakingCounts,
  breaksClients,
  type CollapsedFinding,
  changePhrase,
  changesByEndpoint,
  collapseServerDrift,
  componentSchemas,
  type EndpointChange,
  type EndpointChanges,
  findingHead,
  groupPointer,
  type Phrase,
  placeOf,
  plainPhrase,
  type Severity,
  securitySchemes,
  sentence,
  severityOf,
  specPlace,
} from './views.js';

// The drift report as Markdown, for a pull-request comment or a CI step summary: per endpoint (the default) or per
// change kind, every change once, identical server findings collapsed, and the whole bounded below GitHub's
// 65,536-character comment limit by leaving out the least severe parts first, with a note saying what went.

export type GroupBy = 'endpoint' | 'kind';

export interface MarkdownOptions {
  /** `endpoint` (default): per operation or webhook, most severe first; `kind`: per change kind. */
  groupBy?: GroupBy;
  /** Locations listed per group in the per-kind view (default 10). */
  maxLocations?: number;
  /** Groups listed per change kind in the per-kind view's "every change" section (default 20). */
  maxGroups?: number;
  /** Changes listed per endpoint (default 50). */
  maxPerEndpoint?: number;
  /** The report's length at most, in UTF-16 code units (default 65,000: GitHub refuses comments over 65,536). */
  maxChars?: number;
}

interface Limits {
  maxLocations: number;
  maxGroups: number;
  maxPerEndpoint: number;
}

/** GitHub's limit for an issue or pull-request comment. */
export const githubCommentLimit = 65_536;

// --- Text -----------------------------------------------------------------------------------------------------

/** Text outside code: characters Markdown or HTML would act on are escaped, so `<timestamp>` stays visible. */
function text(value: string): string {
  return value.replace(/[\\`*[\]<>|&]/g, '\\$&').replace(/\n+/g, ' ');
}

/** An inline code span; in a table a `|` would end the cell, so it is escaped there. */
function code(value: string, inTable = false): string {
  const body = (inTable ? value.replaceAll('|', '\\|') : value).replace(/\n+/g, ' ');
  return body.includes('`') ? `\`\` ${body} \`\`` : `\`${body}\``;
}

/** Text inside HTML (a `<summary>`). */
function html(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replace(/\n+/g, ' ');
}

function shorten(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

function phraseText(phrase: Phrase): string {
  return phrase.map((part) => (typeof part === 'string' ? text(part) : code(shorten(part.value, 160)))).join('');
}

/** `response 200 .user.email` with the property path as code: brackets and underscores stay as written. */
function subjectText(subject: string): string {
  const path = /^(?:(.*?) )?(\.\S*)$/.exec(subject);
  if (!path || path[2] === undefined) return text(subject);
  return `${path[1] ? `${text(path[1])} ` : ''}${code(path[2])}`;
}

function sentenceText(subject: string, phrase: Phrase, subjectMarkdown = subjectText(subject)): string {
  if (!subject) return phraseText(phrase);
  const [subjectPart = '', ...rest] = sentence(subject, phrase);
  const joiner = typeof subjectPart === 'string' ? subjectPart.slice(subject.length) : ' ';
  return `${subjectMarkdown}${text(joiner)}${phraseText(rest)}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const specLabel = (spec: SpecRef | undefined) => (spec ? code(spec.origin) : 'the spec');
const acceptedText = (accepted: Acceptance) =>
  `accepted${accepted.until ? ` until ${text(accepted.until)}` : ''}: ${text(accepted.reason)}`;

function table(header: string[], rows: string[][], align: ('l' | 'r')[] = []): string[] {
  const rule = header.map((_, index) => (align[index] === 'r' ? '--:' : '---'));
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`);
}

function details(summary: string, body: string[]): string[] {
  return [`<details><summary>${summary}</summary>`, '', ...body, '', '</details>', ''];
}

// --- The budget -----------------------------------------------------------------------------------------------

/** A part the budget may leave out: one endpoint, one change kind, one server finding. */
interface Block {
  lines: string[];
  severity: Severity;
  /** What it counts as in the note about what was cut. */
  unit: [one: string, many: string];
}

/** A heading and what follows it; its blocks are kept in order, the least severe left out first. */
interface Section {
  head: string[];
  blocks: Block[];
  /** What its most severe blocks are, for the cut note: `breaking for clients`, `new`. */
  severe?: string;
}

const size = (lines: readonly string[]) => lines.reduce((total, line) => total + line.length + 1, 0);

function unitCounts(blocks: readonly Block[]): string {
  const counts = new Map<string, { n: number; unit: [string, string] }>();
  for (const block of blocks) {
    const entry = counts.get(block.unit[0]) ?? { n: 0, unit: block.unit };
    entry.n++;
    counts.set(block.unit[0], entry);
  }
  return [...counts.values()].map(({ n, unit }) => plural(n, unit[0], unit[1])).join(', ');
}

function cutLine(cut: readonly Block[], severe: string | undefined): string {
  const breaking = cut.filter((block) => block.severity === 0).length;
  const which = severe === undefined ? '' : breaking === 0 ? ` (none ${severe})` : ` (${breaking} of them ${severe})`;
  return `_${unitCounts(cut)} not shown here${which}: cut to fit a GitHub comment; \`--format json\` has everything._`;
}

/**
 * Keeps the top and every section's heading, then the blocks most severe first while they fit; once a block does
 * not fit, nothing less severe is added (a smaller block of the same severity still may be).
 */
function assemble(top: string[], sections: Section[], maxChars: number): string {
  const fixed = size(top) + sections.reduce((total, section) => total + size(section.head), 0);
  // Room for the cut notes, written once the cut is known.
  let room = maxChars - fixed - 600 - 300 * sections.length;
  // Within a severity the sections take turns, so one long section does not crowd out the others.
  const candidates = sections
    .flatMap((section, s) =>
      section.blocks.map((block) => {
        const turn = section.blocks.filter((other) => other.severity === block.severity).indexOf(block);
        return { block, s, turn };
      }),
    )
    .sort((x, y) => x.block.severity - y.block.severity || x.turn - y.turn || x.s - y.s);
  const kept = new Set<Block>();
  let stopAfter = Number.POSITIVE_INFINITY;
  for (const { block } of candidates) {
    if (block.severity > stopAfter) continue;
    const needed = size(block.lines);
    if (needed <= room) {
      kept.add(block);
      room -= needed;
    } else stopAfter = Math.min(stopAfter, block.severity);
  }
  const cut = sections.flatMap((section) => section.blocks.filter((block) => !kept.has(block)));
  const note =
    cut.length === 0
      ? []
      : [
          `> **Cut to fit a GitHub comment** (at most ${githubCommentLimit.toLocaleString('en')} characters): ` +
            `${unitCounts(cut)} not shown, the least severe first. The JSON report (\`--format json\`) has everything.`,
          '',
        ];
  const lines = [...top, ...note];
  for (const section of sections) {
    lines.push(...section.head);
    const missing = section.blocks.filter((block) => !kept.has(block));
    for (const block of section.blocks) if (kept.has(block)) lines.push(...block.lines);
    if (missing.length > 0) lines.push(cutLine(missing, section.severe), '');
  }
  const markdown = `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
  if (markdown.length <= maxChars) return markdown;
  // Only the fixed parts can get here (a huge docs table); the limit holds regardless.
  const tail = '\n\n_… cut to fit a GitHub comment; `--format json` has everything._\n';
  return markdown.slice(0, maxChars - tail.length) + tail;
}

// --- Summary ----------------------------------------------------------------------------------------------------

function summaryRows(report: DriftReport): string[][] {
  const rows: string[][] = [];
  const diff = report.specDiff;
  if (diff) {
    const { total } = diff.summary;
    const clients = breakingCounts(diff.groups, 'clients');
    const servers = breakingCounts(diff.groups, 'servers');
    const accepted = (n: number) => (n > 0 ? ` (${n} accepted)` : '');
    rows.push([
      'spec against spec',
      total === 0
        ? 'no changes'
        : `${plural(total, 'change')} in ${plural(diff.groups.length, 'group')}: ` +
          `**${clients.breaking} breaking for clients**${accepted(clients.accepted)}, ` +
          `${servers.breaking} breaking for servers${accepted(servers.accepted)}`,
    ]);
  }
  const typecheck = report.typecheck;
  if (typecheck && 'skipped' in typecheck) rows.push(["suites' typecheck", `skipped (${text(typecheck.skipped)})`]);
  else if (typecheck) {
    const broken = typecheck.broken.length;
    rows.push([
      "suites' typecheck",
      broken === 0
        ? `all ${typecheck.filesChecked} files compile (${seconds(typecheck.durationMs)})`
        : `**${plural(broken, 'file no longer compiles', 'files no longer compile')}** (${seconds(typecheck.durationMs)})`,
    ]);
  }
  if (report.docs) {
    const { findings, stale } = report.docs;
    rows.push([
      'docs against spec',
      `${plural(findings.length, 'disagreement')}, ${plural(stale.length, 'stale source')}`,
    ]);
  }
  if (report.server) {
    const { total, operations } = report.server;
    const findings = operations.flatMap((o) => o.findings);
    const byKind = new Map<string, number>();
    for (const finding of findings) byKind.set(finding.kind, (byKind.get(finding.kind) ?? 0) + 1);
    const kinds = [...byKind].map(([kind, count]) => `${count} ${kind}`).join(', ');
    const since = report.server.since
      ? `; ${report.server.since.added} new, ${report.server.since.gone.length} gone`
      : '';
    const accepted = findings.filter((f) => f.accepted).length;
    rows.push([
      'server against spec',
      `${plural(total, 'finding')} on ${plural(operations.length, 'operation')}${kinds ? ` (${kinds})` : ''}${since}` +
        (accepted > 0 ? `; ${accepted} accepted` : ''),
    ]);
  }
  if (report.acceptance) {
    const { file, unmatched, expired } = report.acceptance;
    const problems = unmatched.length + expired.length;
    rows.push([
      'accepted changes',
      `${code(file, true)}: ${problems === 0 ? 'every entry matched' : `**${plural(unmatched.length, 'entry', 'entries')} matched nothing, ${expired.length} expired**`}`,
    ]);
  }
  return rows;
}

function acceptanceSection(report: DriftReport): Section[] {
  const acceptance = report.acceptance;
  if (!acceptance) return [];
  const groups = report.specDiff?.groups.filter((group) => group.accepted) ?? [];
  const findings = report.server?.operations.flatMap((o) => o.findings).filter((f) => f.accepted) ?? [];
  const head = [
    '### Accepted changes',
    '',
    `${code(acceptance.file)} accepts ${plural(groups.length, 'spec change group')} and ${plural(findings.length, 'server finding')}; ` +
      'they are listed where they occur, marked accepted, and count for no `--fail-on`.',
    '',
  ];
  const entry = (one: string, many: string, lines: string[]): Block => ({
    lines: [...lines, ''],
    severity: 0,
    unit: [one, many],
  });
  const blocks: Block[] = [];
  if (acceptance.unmatched.length > 0) {
    blocks.push(
      entry('unmatched entry list', 'unmatched entry lists', [
        `**${plural(acceptance.unmatched.length, 'entry matches', 'entries match')} nothing** (fix its location or remove it):`,
        '',
        ...acceptance.unmatched.map((item) => `- ${code(item.entry)}: ${text(item.reason)}`),
      ]),
    );
  }
  if (acceptance.expired.length > 0) {
    blocks.push(
      entry('expired entry list', 'expired entry lists', [
        `**${plural(acceptance.expired.length, 'entry has', 'entries have')} expired** (what it covered counts again):`,
        '',
        ...acceptance.expired.map((item) => `- ${code(item.entry)}, until ${text(item.until)}: ${text(item.reason)}`),
      ]),
    );
  }
  return [{ head, blocks }];
}

// --- Spec against spec -------------------------------------------------------------------------------------------

function specDiffHead(report: DriftReport): string[] {
  const diff = report.specDiff;
  if (!diff) return [];
  const { summary, groups } = diff;
  const lines = [
    '### Spec against spec',
    '',
    `${specLabel(report.from)} → ${specLabel(report.to)}`,
    '',
    ...table(
      ['', 'before', 'after'],
      [
        ['operations', String(summary.operations.from), String(summary.operations.to)],
        ['webhooks', String(summary.webhooks.from), String(summary.webhooks.to)],
        ['component schemas', String(summary.schemas.from), String(summary.schemas.to)],
      ],
      ['l', 'r', 'r'],
    ),
    '',
  ];
  if (summary.total === 0) return [...lines, 'No changes.', ''];
  const clients = breakingCounts(groups, 'clients');
  const servers = breakingCounts(groups, 'servers');
  const classes: Classification[] = ['review', 'non-breaking'];
  const rows = [
    ['breaking', String(clients.breaking), String(servers.breaking)],
    ...(clients.accepted + servers.accepted > 0
      ? [['breaking, accepted', String(clients.accepted), String(servers.accepted)]]
      : []),
    ...classes.map((c) => [c, String(summary.clients[c]), String(summary.servers[c])]),
    ['total', String(summary.total), String(summary.total)],
  ];
  lines.push(...table(['classification', 'for clients', 'for servers'], rows, ['l', 'r', 'r']), '');
  const kinds = Object.keys(summary.byKind) as ChangeKindId[];
  lines.push(
    ...table(
      ['kind', 'change', 'clients', 'servers', 'changes', 'groups'],
      kinds.map((kind) => {
        const { title, clients, servers } = changeKinds[kind];
        const count = groups.filter((group) => group.kind === kind).length;
        return [kind, title, clients, servers, String(summary.byKind[kind]), String(count)];
      }),
      ['l', 'l', 'l', 'l', 'r', 'r'],
    ),
    '',
  );
  return lines;
}

const badges: Record<Severity, string> = {
  0: '**breaking**',
  1: '_review_',
  2: '_breaking for servers_',
  3: '**accepted**',
  4: '_non-breaking_',
};

/** After a change: its kind and, when accepted, why. */
function changeTail(group: ChangeGroup): string {
  return ` · ${group.kind}${group.accepted ? ` (${acceptedText(group.accepted)})` : ''}`;
}

/**
 * An endpoint's changes, one line each; the same change to several properties under one subject (`response 200`)
 * is one line naming them all.
 */
function endpointChangeLines(changes: readonly EndpointChange[]): string[] {
  const lines = new Map<string, { change: EndpointChange; prefix: string; paths: string[] }>();
  for (const change of changes) {
    const path = /^(?:(.*?) )?(\.\S*)$/.exec(change.subject);
    const prefix = path ? (path[1] ?? '') : change.subject;
    const key = path
      ? JSON.stringify([change.severity, change.group.kind, plainPhrase(change.phrase), prefix, change.group.accepted])
      : `${lines.size} alone`;
    const line = lines.get(key) ?? { change, prefix, paths: [] };
    if (path?.[2] !== undefined) line.paths.push(path[2]);
    lines.set(key, line);
  }
  return [...lines.values()].map(({ change, prefix, paths }) => {
    const subject = paths.length === 0 ? change.subject : `${prefix} ${paths.join(', ')}`.trim();
    const markdown =
      paths.length === 0
        ? subjectText(change.subject)
        : `${prefix ? `${text(prefix)} ` : ''}${paths.map((path) => code(path)).join(', ')}`;
    return `- ${badges[change.severity]} ${sentenceText(subject, change.phrase, markdown)}${changeTail(change.group)}`;
  });
}

/** Component schemas and security schemes: one line per phrase, naming every schema it applies to. */
function componentLines(entry: EndpointChanges): string[] {
  const byPhrase = new Map<string, { change: EndpointChange; names: string[] }>();
  for (const change of entry.changes) {
    const key = JSON.stringify([plainPhrase(change.phrase), change.severity, change.group.accepted]);
    const line = byPhrase.get(key) ?? { change, names: [] };
    line.names.push(change.subject);
    byPhrase.set(key, line);
  }
  return [...byPhrase.values()].map(
    ({ change, names }) =>
      `- ${badges[change.severity]} ${phraseText(change.phrase)} (${names.length}): ${names.map((name) => code(name)).join(', ')}` +
      changeTail(change.group),
  );
}

function severityCounts(changes: readonly EndpointChange[]): string {
  const counts = new Map<Severity, number>();
  for (const change of changes) counts.set(change.severity, (counts.get(change.severity) ?? 0) + 1);
  const labels: Record<Severity, string> = {
    0: 'breaking for clients',
    1: 'review',
    2: 'breaking for servers',
    3: 'accepted',
    4: 'non-breaking',
  };
  return [...counts]
    .sort(([a], [b]) => a - b)
    .map(([severity, n]) => `${n} ${labels[severity]}`)
    .join(', ');
}

/** The lines listing an endpoint's changes. */
function endpointBody(entry: EndpointChanges, limits: Limits): string[] {
  const components = entry.endpoint === componentSchemas || entry.endpoint === securitySchemes;
  const shown = components ? entry.changes : entry.changes.slice(0, limits.maxPerEndpoint);
  const more = entry.changes.length - shown.length;
  return [
    ...(components ? componentLines(entry) : endpointChangeLines(shown)),
    ...(more > 0 ? [`- … and ${plural(more, 'more change')} (the JSON report lists them all)`] : []),
  ];
}

/**
 * Endpoints with the same changes (the webhooks sharing an event envelope) are one block naming them all; an
 * endpoint with a change breaking for clients is open, the others fold.
 */
function endpointBlocks(entries: readonly EndpointChanges[], limits: Limits): Block[] {
  const same = new Map<string, { entries: EndpointChanges[]; body: string[] }>();
  for (const entry of entries) {
    const body = endpointBody(entry, limits);
    const key = body.join('\n');
    const existing = same.get(key);
    if (existing) existing.entries.push(entry);
    else same.set(key, { entries: [entry], body });
  }
  return [...same.values()].map(({ entries: alike, body }) => {
    const [first] = alike;
    const changes = first?.changes ?? [];
    const severity = first?.severity ?? 4;
    const counted = `${plural(changes.length, 'change')}: ${severityCounts(changes)}`;
    const unit: [string, string] = ['endpoint', 'endpoints'];
    const names = alike.map((entry) => entry.endpoint);
    if (alike.length === 1) {
      const name = names[0] ?? '';
      if (severity === 0) return { lines: [`**${code(name)}** (${counted})`, '', ...body, ''], severity, unit };
      return { lines: details(`<code>${html(name)}</code> (${html(counted)})`, body), severity, unit };
    }
    const webhooks = names.every((name) => name.startsWith('webhook '));
    const what = plural(alike.length, webhooks ? 'webhook' : 'endpoint');
    const list = names.map((name) => code(webhooks ? name.slice('webhook '.length) : name)).join(', ');
    const summary = `${what} with the same ${counted}`;
    const lines = [`${what}: ${list}`, '', ...body];
    if (severity === 0) return { lines: [`**${summary}**`, '', ...lines, ''], severity, unit };
    return { lines: details(html(summary), lines), severity, unit };
  });
}

/** Endpoints whose one change is being added: a list, not a block each. */
function isOnlyAdded(entry: EndpointChanges): boolean {
  const [only] = entry.changes;
  return entry.changes.length === 1 && (only?.group.kind === 'SD-002' || only?.group.kind === 'SD-050');
}

function addedBlock(entries: EndpointChanges[]): Block[] {
  if (entries.length === 0) return [];
  const operations = entries.filter((entry) => !entry.endpoint.startsWith('webhook '));
  const webhooks = entries.length - operations.length;
  const what = [
    operations.length ? plural(operations.length, 'operation') : '',
    webhooks ? plural(webhooks, 'webhook') : '',
  ].filter(Boolean);
  const lines = entries.map((entry) => {
    const group = entry.changes[0]?.group;
    const operationId = group?.kind === 'SD-002' && typeof group.to === 'string' ? ` (${code(group.to)})` : '';
    return `- ${code(entry.endpoint)}${operationId}${group?.accepted ? ` (${acceptedText(group.accepted)})` : ''}`;
  });
  const summary = `${what.join(' and ')} added: breaking for servers, which must implement them`;
  const severity = Math.min(...entries.map((entry) => entry.severity)) as Severity;
  return [{ lines: details(html(summary), lines), severity, unit: ['list of additions', 'lists of additions'] }];
}

function endpointSections(report: DriftReport, limits: Limits): Section[] {
  const diff = report.specDiff;
  if (!diff || diff.summary.total === 0) return [];
  const endpoints = changesByEndpoint(diff.groups);
  const breaking = endpoints.filter((entry) => entry.severity === 0);
  const others = endpoints.filter((entry) => entry.severity !== 0 && !isOnlyAdded(entry));
  const sections: Section[] = [];
  if (breaking.length > 0) {
    sections.push({
      head: ['#### Breaking for clients', ''],
      blocks: endpointBlocks(breaking, limits),
      severe: 'breaking for clients',
    });
  }
  sections.push({
    head: ['#### Every other change, by endpoint', ''],
    severe: 'breaking for clients',
    blocks: [
      ...addedBlock(endpoints.filter((entry) => entry.severity !== 0 && isOnlyAdded(entry))),
      ...endpointBlocks(others, limits),
    ],
  });
  return sections;
}

/** A place in the per-kind view: the endpoint as code, then what inside it. */
function locationText(location: string): string {
  const { endpoint, subject } = placeOf(location);
  if (endpoint === componentSchemas || endpoint === securitySchemes) return code(subject);
  return `${code(endpoint)}${subject ? ` ${subjectText(subject)}` : ''}`;
}

function groupLines(group: ChangeGroup, { maxLocations }: Limits): string[] {
  const phrase = changePhrase(group);
  const accepted = group.accepted ? ` (${acceptedText(group.accepted)})` : '';
  const [only] = group.locations;
  if (group.locations.length === 1 && only !== undefined) {
    const { endpoint, subject } = placeOf(only);
    const component = endpoint === componentSchemas || endpoint === securitySchemes;
    const inside = component ? sentenceText('', phrase) : sentenceText(subject, phrase);
    return [`- ${component ? `${code(subject)} ` : `${code(endpoint)} `}${inside}${accepted}`];
  }
  const shown = group.locations.slice(0, maxLocations).map((location) => `  - ${locationText(location)}`);
  const more = group.locations.length - shown.length;
  return [
    `- ${sentenceText(specPlace(groupPointer(group)), phrase)}${accepted}, at ${group.locations.length} places:`,
    ...shown,
    ...(more > 0 ? [`  - … and ${more} more (the JSON report lists them all)`] : []),
  ];
}

function kindSections(report: DriftReport, limits: Limits): Section[] {
  const diff = report.specDiff;
  if (!diff || diff.summary.total === 0) return [];
  const kinds = Object.keys(diff.summary.byKind) as ChangeKindId[];
  const groupsOf = (kind: ChangeKindId) => diff.groups.filter((group) => group.kind === kind);
  const kindOf = (kind: ChangeKindId) => `**${kind}** ${text(changeKinds[kind].title)}: ${text(changeKinds[kind].why)}`;
  const unit: [string, string] = ['change kind', 'change kinds'];
  const severe = 'breaking for clients';
  // What a reviewer must see is listed in full; everything else folds away below, each group once.
  const breaking = kinds
    .map((kind) => ({ kind, groups: groupsOf(kind).filter(breaksClients) }))
    .filter(({ groups }) => groups.length > 0)
    .map(({ kind, groups }) => ({
      lines: [kindOf(kind), '', ...groups.flatMap((group) => groupLines(group, limits)), ''],
      severity: 0 as const,
      unit,
    }));
  const rest = kinds
    .map((kind) => ({ kind, groups: groupsOf(kind).filter((group) => !breaksClients(group)) }))
    .filter(({ groups }) => groups.length > 0)
    .map(({ kind, groups }): Block => {
      const { title, clients, servers, why } = changeKinds[kind];
      const shown = groups.slice(0, limits.maxGroups);
      const more = groups.length - shown.length;
      const changes = groups.reduce((total, group) => total + group.locations.length, 0);
      const summary =
        `<b>${kind}</b> ${html(title)}: clients ${clients}, servers ${servers} ` +
        `(${plural(changes, 'change')}, ${plural(groups.length, 'group')})`;
      const body = [
        `_${text(why)}_`,
        '',
        ...shown.flatMap((group) => groupLines(group, limits)),
        ...(more > 0 ? [`- … and ${plural(more, 'more group')} (the JSON report lists them all)`] : []),
      ];
      return { lines: details(summary, body), severity: Math.min(...groups.map(severityOf)) as Severity, unit };
    });
  return [
    ...(breaking.length > 0 ? [{ head: ['#### Breaking for clients', ''], blocks: breaking, severe }] : []),
    ...(rest.length > 0 ? [{ head: ['#### Every other change, by kind', ''], blocks: rest, severe }] : []),
  ];
}

// --- The suites' typecheck, docs against spec -----------------------------------------------------------------------

function typecheckSection(report: DriftReport): Section[] {
  const typecheck = report.typecheck;
  if (!typecheck || 'skipped' in typecheck) return [];
  const head = [`### Suites' typecheck against ${code(typecheck.spec)}`, ''];
  const took = `${typecheck.filesChecked} files of src/, suites/ and fixtures/ checked in ${seconds(typecheck.durationMs)}`;
  if (typecheck.broken.length === 0) return [{ head: [...head, `No file breaks (${took}).`, ''], blocks: [] }];
  const rows = typecheck.broken.map((file) => [
    code(file.file, true),
    String(file.errors),
    text(shorten(file.first, 200)),
  ]);
  const intro = `${plural(typecheck.broken.length, 'file no longer compiles', 'files no longer compile')} against types generated from this spec (${took}):`;
  const blocks: Block[] = [
    {
      lines: [...table(['file', 'errors', 'first error'], rows, ['l', 'r', 'l']), ''],
      severity: 1,
      unit: ['typecheck table', 'typecheck tables'],
    },
  ];
  return [{ head: [...head, intro, ''], blocks }];
}

function docsFindingLines(finding: DocsFinding): string[] {
  const rules = finding.rules?.length ? ` (rules ${finding.rules.join(', ')})` : '';
  return [
    `**${finding.id}** ${finding.kind === 'stale' ? '' : `${finding.kind}: `}${text(finding.summary)}${rules}`,
    '',
    ...finding.sides.map((side) => `- ${text(side.source)}: ${text(side.claim)}`),
    '',
  ];
}

function docsSection(report: DriftReport): Section[] {
  const docs = report.docs;
  if (!docs) return [];
  const head = [`### Docs against spec`, '', `${code(docs.dir)} against ${specLabel(report.to)}`, ''];
  if (docs.findings.length === 0) head.push('The docs and the spec agree on every checked fact.', '');
  else {
    const rows = docs.findings.map((finding) => [finding.id, finding.kind, text(finding.summary)]);
    head.push(...table(['id', 'kind', 'summary'], rows), '');
  }
  const blocks: Block[] = docs.findings.map((finding) => ({
    lines: docsFindingLines(finding),
    severity: 1,
    unit: ['docs finding', 'docs findings'],
  }));
  if (docs.stale.length > 0) {
    const summary = `Stale catalogue sources (${docs.stale.length}): a cited sentence changed or disappeared`;
    blocks.push({
      lines: details(summary, docs.stale.flatMap(docsFindingLines)),
      severity: 4,
      unit: ['stale source list', 'stale source lists'],
    });
  }
  return [{ head, blocks }];
}

// --- Server against spec ------------------------------------------------------------------------------------------

function findingLines(finding: CollapsedFinding): string[] {
  const mark = finding.new ? '**new** ' : '';
  const said = `${text(findingHead(finding))} [${finding.rules.join(', ')}]`;
  const accepted = finding.accepted ? ` (${acceptedText(finding.accepted)})` : '';
  const [only] = finding.operations;
  if (finding.operations.length === 1 && only !== undefined) {
    return [`- ${mark}${said} on ${code(only)}${accepted}`];
  }
  const count = plural(finding.operations.length, 'operation');
  return [
    `- ${mark}${said} on ${count}${accepted}`,
    '',
    `  <details><summary>${count}</summary>`,
    '',
    `  ${finding.operations.map((operation) => code(operation)).join(', ')}`,
    '',
    '  </details>',
    '',
  ];
}

function serverSection(report: DriftReport): Section[] {
  const server = report.server;
  if (!server) return [];
  const context = [
    server.target ? `target ${text(server.target)}` : '',
    server.spec ? `spec ${code(server.spec)}` : '',
  ].filter(Boolean);
  const head = [
    '### Server against spec',
    '',
    `From the run report ${code(server.report)}${context.length ? ` (${context.join(', ')})` : ''}.`,
    '',
  ];
  if (server.since) {
    const { report: earlier, added, gone } = server.since;
    head.push(`Compared with ${code(earlier)}: ${added} new (marked **new**), ${gone.length} no longer seen.`, '');
    for (const finding of gone.slice(0, 20)) {
      head.push(`- gone: ${text(finding.operation)} ${finding.kind}${finding.status ? ` ${finding.status}` : ''}`);
    }
    if (gone.length > 20) head.push(`- and ${gone.length - 20} more`);
    if (gone.length > 0) head.push('');
  }
  if (server.total === 0) return [{ head: [...head, 'The run observed no drift.', ''], blocks: [] }];
  const collapsed = collapseServerDrift(server.operations);
  head.push(
    `${plural(server.total, 'finding')}, ${collapsed.length} distinct: each below once, with the operations it was ` +
      'seen on (new ones first, then by kind, the most widespread first).',
    '',
  );
  const blocks = collapsed.map(
    (finding): Block => ({
      lines: findingLines(finding),
      severity: finding.accepted ? 3 : finding.new ? 0 : 1,
      unit: ['server finding', 'server findings'],
    }),
  );
  return [{ head, blocks, ...(server.since ? { severe: 'new' } : {}) }];
}

// --- The report ---------------------------------------------------------------------------------------------------

export function renderMarkdown(report: DriftReport, options: MarkdownOptions = {}): string {
  const limits = {
    maxLocations: options.maxLocations ?? 10,
    maxGroups: options.maxGroups ?? 20,
    maxPerEndpoint: options.maxPerEndpoint ?? 50,
  };
  const top = [`## ${report.tool.name} drift`, '', ...table(['check', 'result'], summaryRows(report)), ''];
  const specHead = specDiffHead(report);
  const spec =
    (options.groupBy ?? 'endpoint') === 'kind' ? kindSections(report, limits) : endpointSections(report, limits);
  const sections: Section[] = [
    ...acceptanceSection(report),
    ...(specHead.length ? [{ head: specHead, blocks: [] }] : []),
    ...spec,
    ...typecheckSection(report),
    ...docsSection(report),
    ...serverSection(report),
  ];
  return assemble(top, sections, options.maxChars ?? 65_000);
}
