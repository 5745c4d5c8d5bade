import { type DriftFinding, driftKey } from '../checks/drift.js';
import { type ChangeKindId, type Classification, changeKinds, type SpecChange } from './change-kinds.js';
import type { DocsFinding } from './docs-vs-spec.js';
import type { DiffSummary } from './spec-diff.js';
import type { TypecheckResult } from './typecheck.js';

// The drift report: spec against spec, the suites' typecheck, docs against spec and server against spec, as one
// data structure rendered to Markdown (a pull-request comment or a CI step summary) or JSON. Building the groups
// and rendering are pure; the command gathers the inputs.

export interface SpecRef {
  origin: string;
  sha256: string;
}

/**
 * Changes of one kind at one place in the spec, with every location a client meets them: a component schema change
 * used by 30 operations is one group of 30 locations.
 */
export interface ChangeGroup {
  kind: ChangeKindId;
  title: string;
  clients: Classification;
  servers: Classification;
  why: string;
  pointer: string;
  fromPointer?: string;
  from?: unknown;
  to?: unknown;
  locations: string[];
}

export interface ServerDriftGroup {
  operation: string;
  findings: DriftFinding[];
}

export interface DriftReport {
  tool: { name: string; version: string };
  from?: SpecRef;
  /** The spec the docs are read against and the typecheck is generated from. */
  to?: SpecRef;
  specDiff?: { summary: DiffSummary; groups: ChangeGroup[] };
  typecheck?: TypecheckResult | { skipped: string };
  docs?: { dir: string; findings: DocsFinding[]; stale: DocsFinding[] };
  server?: {
    report: string;
    target?: string;
    spec?: string;
    total: number;
    operations: ServerDriftGroup[];
    /** `--since`: the earlier run report, how many findings are new (marked `new`), and those no longer seen. */
    since?: { report: string; added: number; gone: DriftFinding[] };
  };
}

/** Groups changes by kind and place (pointers and values), in kind order, keeping the diff's order within a kind. */
export function groupChanges(changes: readonly SpecChange[]): ChangeGroup[] {
  const groups = new Map<string, ChangeGroup>();
  for (const change of changes) {
    const key = JSON.stringify([change.kind, change.pointer, change.fromPointer, change.from, change.to]);
    const group = groups.get(key);
    if (group) {
      group.locations.push(change.location);
      continue;
    }
    const { title, why } = changeKinds[change.kind];
    groups.set(key, {
      kind: change.kind,
      title,
      clients: change.clients,
      servers: change.servers,
      why,
      pointer: change.pointer,
      ...(change.fromPointer === undefined ? {} : { fromPointer: change.fromPointer }),
      ...(change.from === undefined ? {} : { from: change.from }),
      ...(change.to === undefined ? {} : { to: change.to }),
      locations: [change.location],
    });
  }
  const order = Object.keys(changeKinds);
  return [...groups.values()].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
}

/** A run report's drift list, one group per operation in operation order. */
export function groupServerDrift(findings: readonly DriftFinding[]): ServerDriftGroup[] {
  const byOperation = new Map<string, DriftFinding[]>();
  for (const finding of findings) {
    byOperation.set(finding.operation, [...(byOperation.get(finding.operation) ?? []), finding]);
  }
  return [...byOperation.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([operation, list]) => ({ operation, findings: list }));
}

/**
 * A run's findings against an earlier run's: each marked `new` when the earlier run did not report it, and the
 * earlier findings this run no longer shows.
 */
export function compareServerDrift(
  current: readonly DriftFinding[],
  earlier: readonly DriftFinding[],
): { findings: DriftFinding[]; added: number; gone: DriftFinding[] } {
  const before = new Set(earlier.map(driftKey));
  const now = new Set(current.map(driftKey));
  const findings = current.map((f) => (before.has(driftKey(f)) ? f : { ...f, new: true }));
  return {
    findings,
    added: findings.filter((f) => f.new).length,
    gone: earlier.filter((f) => !now.has(driftKey(f))),
  };
}

export type FailOn = 'breaking' | 'breaking-for-servers' | 'new-drift';

/**
 * What trips `--fail-on`: changes breaking for clients (`breaking`) or for servers (`breaking-for-servers`), or
 * server drift the `--since` run did not show (`new-drift`).
 */
export function failingChanges(report: DriftReport, failOn: FailOn): number {
  if (failOn === 'new-drift') return report.server?.since?.added ?? 0;
  const side = failOn === 'breaking' ? 'clients' : 'servers';
  return report.specDiff?.summary[side].breaking ?? 0;
}

export function renderJson(report: DriftReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

// --- Markdown ---------------------------------------------------------------------------------------------------

/**
 * How much of each list the Markdown shows before "and N more"; the JSON report has everything. The defaults keep
 * a report on the whole published history under GitHub's 65,536-character limit for a pull-request comment.
 */
export interface MarkdownOptions {
  /** Locations listed per group (default 10). */
  maxLocations?: number;
  /** Groups listed per change kind in the "every change" section (default 20). */
  maxGroups?: number;
}

interface Limits {
  maxLocations: number;
  maxGroups: number;
}

/** Text outside code: characters Markdown or HTML would act on are escaped, so `<timestamp>` stays visible. */
function text(value: string): string {
  return value.replace(/[\\`*[\]<>|&]/g, '\\$&').replace(/\n+/g, ' ');
}

/** An inline code span; in a table a `|` would end the cell, so it is escaped there. */
function code(value: string, inTable = false): string {
  const body = (inTable ? value.replaceAll('|', '\\|') : value).replace(/\n+/g, ' ');
  return body.includes('`') ? `\`\` ${body} \`\`` : `\`${body}\``;
}

function shorten(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

function valueText(value: unknown): string {
  return shorten(typeof value === 'string' ? value : JSON.stringify(value), 160);
}

function changeValues(group: ChangeGroup): string {
  const parts: string[] = [];
  if (group.from !== undefined) parts.push(`from ${code(valueText(group.from))}`);
  if (group.to !== undefined) parts.push(`${group.from === undefined ? '' : 'to '}${code(valueText(group.to))}`);
  return parts.join(' ');
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const specLabel = (spec: SpecRef | undefined) => (spec ? code(spec.origin) : 'the spec');

function summaryRows(report: DriftReport): string[][] {
  const rows: string[][] = [];
  const diff = report.specDiff;
  if (diff) {
    const { clients, servers, total } = diff.summary;
    rows.push([
      'spec against spec',
      total === 0
        ? 'no changes'
        : `${plural(total, 'change')} in ${plural(diff.groups.length, 'group')}: ` +
          `**${clients.breaking} breaking for clients**, ${servers.breaking} breaking for servers`,
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
    const byKind = new Map<string, number>();
    for (const finding of operations.flatMap((o) => o.findings)) {
      byKind.set(finding.kind, (byKind.get(finding.kind) ?? 0) + 1);
    }
    const kinds = [...byKind].map(([kind, count]) => `${count} ${kind}`).join(', ');
    const since = report.server.since
      ? `; ${report.server.since.added} new, ${report.server.since.gone.length} gone`
      : '';
    rows.push([
      'server against spec',
      `${plural(total, 'finding')} on ${plural(operations.length, 'operation')}${kinds ? ` (${kinds})` : ''}${since}`,
    ]);
  }
  return rows;
}

function table(header: string[], rows: string[][], align: ('l' | 'r')[] = []): string[] {
  const rule = header.map((_, index) => (align[index] === 'r' ? '--:' : '---'));
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`);
}

function details(summary: string, body: string[], open = false): string[] {
  return [`<details${open ? ' open' : ''}><summary>${summary}</summary>`, '', ...body, '', '</details>', ''];
}

function groupLines(group: ChangeGroup, { maxLocations }: Limits): string[] {
  const values = changeValues(group);
  const [only] = group.locations;
  if (group.locations.length === 1 && only !== undefined) {
    return [`- ${text(only)}${values ? `: ${values}` : ''} (${code(group.pointer)})`];
  }
  const shown = group.locations.slice(0, maxLocations).map((location) => `  - ${text(location)}`);
  const more = group.locations.length - shown.length;
  return [
    `- ${code(group.pointer)}${values ? `: ${values}` : ''}, at ${group.locations.length} places:`,
    ...shown,
    ...(more > 0 ? [`  - … and ${more} more (the JSON report lists them all)`] : []),
  ];
}

/** A kind's groups, at most `maxGroups` of them unless `all`. */
function kindLines(groups: ChangeGroup[], limits: Limits, all = false): string[] {
  const shown = all ? groups : groups.slice(0, limits.maxGroups);
  const more = groups.length - shown.length;
  return [
    ...shown.flatMap((group) => groupLines(group, limits)),
    ...(more > 0 ? [`- … and ${plural(more, 'more group')} (the JSON report lists them all)`] : []),
  ];
}

function specDiffSection(report: DriftReport, limits: Limits): string[] {
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
  const classes: Classification[] = ['breaking', 'review', 'non-breaking'];
  lines.push(
    ...table(
      ['classification', 'for clients', 'for servers'],
      [
        ...classes.map((c) => [c, String(summary.clients[c]), String(summary.servers[c])]),
        ['total', String(summary.total), String(summary.total)],
      ],
      ['l', 'r', 'r'],
    ),
    '',
  );
  const kinds = Object.keys(summary.byKind) as ChangeKindId[];
  const groupsOf = (kind: ChangeKindId) => groups.filter((group) => group.kind === kind);
  lines.push(
    ...table(
      ['kind', 'change', 'clients', 'servers', 'changes', 'groups'],
      kinds.map((kind) => {
        const { title, clients, servers } = changeKinds[kind];
        return [kind, title, clients, servers, String(summary.byKind[kind]), String(groupsOf(kind).length)];
      }),
      ['l', 'l', 'l', 'l', 'r', 'r'],
    ),
    '',
  );
  // What a reviewer must see is listed in full; everything else folds away below.
  const breakingKinds = kinds.filter((kind) => changeKinds[kind].clients === 'breaking');
  if (breakingKinds.length > 0) {
    lines.push(`#### Breaking for clients`, '');
    for (const kind of breakingKinds) {
      const { title, why } = changeKinds[kind];
      lines.push(`**${kind}** ${text(title)}: ${text(why)}`, '', ...kindLines(groupsOf(kind), limits, true), '');
    }
  }
  lines.push('#### Every change, by kind', '');
  for (const kind of kinds) {
    const { title, clients, servers, why } = changeKinds[kind];
    const kindGroups = groupsOf(kind);
    const summaryLine =
      `<b>${kind}</b> ${title}: clients ${clients}, servers ${servers} ` +
      `(${plural(summary.byKind[kind] ?? 0, 'change')}, ${plural(kindGroups.length, 'group')})`;
    lines.push(...details(summaryLine, [`_${text(why)}_`, '', ...kindLines(kindGroups, limits)]));
  }
  return lines;
}

function typecheckSection(report: DriftReport): string[] {
  const typecheck = report.typecheck;
  if (!typecheck || 'skipped' in typecheck) return [];
  const head = [`### Suites' typecheck against ${code(typecheck.spec)}`, ''];
  const took = `${typecheck.filesChecked} files of src/, suites/ and fixtures/ checked in ${seconds(typecheck.durationMs)}`;
  if (typecheck.broken.length === 0) return [...head, `No file breaks (${took}).`, ''];
  const rows = typecheck.broken.map((file) => [
    code(file.file, true),
    String(file.errors),
    text(shorten(file.first, 200)),
  ]);
  return [
    ...head,
    `${plural(typecheck.broken.length, 'file no longer compiles', 'files no longer compile')} against types generated from this spec (${took}):`,
    '',
    ...table(['file', 'errors', 'first error'], rows, ['l', 'r', 'l']),
    '',
  ];
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

function docsSection(report: DriftReport): string[] {
  const docs = report.docs;
  if (!docs) return [];
  const lines = [`### Docs against spec`, '', `${code(docs.dir)} against ${specLabel(report.to)}`, ''];
  if (docs.findings.length === 0) lines.push('The docs and the spec agree on every checked fact.', '');
  else {
    lines.push(
      ...table(
        ['id', 'kind', 'summary'],
        docs.findings.map((finding) => [finding.id, finding.kind, text(finding.summary)]),
      ),
      '',
      ...docs.findings.flatMap(docsFindingLines),
    );
  }
  if (docs.stale.length > 0) {
    const summary = `Stale catalogue sources (${docs.stale.length}): a cited sentence changed or disappeared`;
    lines.push(...details(summary, docs.stale.flatMap(docsFindingLines)));
  }
  return lines;
}

function serverSection(report: DriftReport): string[] {
  const server = report.server;
  if (!server) return [];
  const context = [
    server.target ? `target ${text(server.target)}` : '',
    server.spec ? `spec ${code(server.spec)}` : '',
  ].filter(Boolean);
  const lines = [
    '### Server against spec',
    '',
    `From the run report ${code(server.report)}${context.length ? ` (${context.join(', ')})` : ''}.`,
    '',
  ];
  if (server.since) {
    const { report: earlier, added, gone } = server.since;
    lines.push(`Compared with ${code(earlier)}: ${added} new (marked **new**), ${gone.length} no longer seen.`, '');
    for (const finding of gone.slice(0, 20)) {
      lines.push(`- gone: ${text(finding.operation)} ${finding.kind}${finding.status ? ` ${finding.status}` : ''}`);
    }
    if (gone.length > 20) lines.push(`- and ${gone.length - 20} more`);
    if (gone.length > 0) lines.push('');
  }
  if (server.total === 0) return [...lines, 'The run observed no drift.', ''];
  for (const group of server.operations) {
    // Several rules often see the same undeclared status: one line, every rule named.
    const sameObservation = new Map<string, { head: string; rules: string[] }>();
    for (const finding of group.findings) {
      const status = finding.status === undefined ? '' : ` ${finding.status}`;
      const contradiction = finding.contradiction ? ` (${finding.contradiction})` : '';
      const head = `${finding.new ? '**new** ' : ''}${finding.kind}${status}${contradiction}: ${text(finding.detail)}`;
      const entry = sameObservation.get(head) ?? { head, rules: [] };
      entry.rules.push(finding.rule);
      sameObservation.set(head, entry);
    }
    lines.push(`**${text(group.operation)}**`, '');
    for (const { head, rules } of sameObservation.values()) lines.push(`- ${head} [${rules.join(', ')}]`);
    lines.push('');
  }
  return lines;
}

export function renderMarkdown(report: DriftReport, options: MarkdownOptions = {}): string {
  const limits = { maxLocations: options.maxLocations ?? 10, maxGroups: options.maxGroups ?? 20 };
  const lines = [
    `## ${report.tool.name} drift`,
    '',
    ...table(['check', 'result'], summaryRows(report)),
    '',
    ...specDiffSection(report, limits),
    ...typecheckSection(report),
    ...docsSection(report),
    ...serverSection(report),
  ];
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
