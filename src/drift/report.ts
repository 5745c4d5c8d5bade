import { type DriftFinding, driftKey } from '../checks/drift.js';
import { type ChangeKindId, type Classification, changeKinds, type SpecChange } from './change-kinds.js';
import type { DocsFinding } from './docs-vs-spec.js';
import type { DiffSummary } from './spec-diff.js';
import type { TypecheckResult } from './typecheck.js';
import { breakingCounts } from './views.js';

export { renderGithub, renderJunit } from './formats.js';
export { type GroupBy, type MarkdownOptions, renderMarkdown } from './markdown.js';

// The drift report: spec against spec, the suites' typecheck, docs against spec and server against spec, as one
// data structure rendered to Markdown (markdown.ts: a pull-request comment or a CI step summary), GitHub
// annotations or JUnit XML (formats.ts), or JSON (its schema: schemas/drift-report.schema.json). Building the groups
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
  /** Set by `drift --accept`: an entry of the accepted-changes file covers this group; it counts for no `--fail-on`. */
  accepted?: Acceptance;
}

/** Why a change or finding was accepted, and until when (an ISO date) the acceptance holds. */
export interface Acceptance {
  reason: string;
  until?: string;
}

/** The accepted-changes file as applied: entries that matched nothing and entries past their `until`. */
export interface AcceptanceReport {
  file: string;
  unmatched: { entry: string; reason: string }[];
  expired: { entry: string; reason: string; until: string }[];
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
  /** `--accept FILE`: what the file matched nothing of, or no longer covers. */
  acceptance?: AcceptanceReport;
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
 * server drift the `--since` run did not show (`new-drift`). Accepted changes and findings count for none.
 */
export function failingChanges(report: DriftReport, failOn: FailOn): number {
  if (failOn === 'new-drift') {
    if (!report.server?.since) return 0;
    return report.server.operations.flatMap((group) => group.findings).filter((f) => f.new && !f.accepted).length;
  }
  return breakingCounts(report.specDiff?.groups ?? [], failOn === 'breaking' ? 'clients' : 'servers').breaking;
}

export function renderJson(report: DriftReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
