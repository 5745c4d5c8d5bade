import type { Exchange } from '../client/transport.js';
import type { RuleId } from '../rules/catalogue.js';
import { type DriftKind, driftKinds } from '../rules/drift-kinds.js';
import type { SchemaRegistry } from '../spec/schemas.js';

export { type DriftKind, driftKinds } from '../rules/drift-kinds.js';

/**
 * Something a target does that the spec does not declare: not a failure of the target, but drift between the server
 * and the spec, or between the docs and the spec when the docs promise it (PWL-017, C-18). Collected from the suites
 * into the report's `drift` list, which the drift report reads.
 */
export interface DriftFinding {
  /**
   * `undeclared-status`: the target answered a status the spec does not declare (which the docs may promise).
   * `docs-label`: the docs name a value differently from the spec's enum (C-01: "Failure" for FAILED).
   * `docs-recipe`: a recipe in the docs that does not work against the target (C-07: the other signature scheme).
   * `undeclared-event-type`: the target delivered a webhook event type the spec does not declare.
   * `undocumented-property`: a response carried properties its schema does not name (`pointers`).
   * `undeclared-content-type`: a body's media type for a status the spec declares no content for (`contentType`).
   * `undeclared-error-shape`: an error body whose envelope the spec leaves open or declares otherwise (`errorShape`).
   * `undeclared-operation`: the target serves a request the spec declares no operation for (one the SDK sends).
   */
  kind: DriftKind;
  rule: RuleId;
  /** The contradiction of the rules catalogue this finding is an instance of, when there is one. */
  contradiction?: string;
  operation: string;
  /** The status the target answered. */
  status?: number;
  /** JSON pointers of the undocumented properties (array positions as `*`). */
  pointers?: string[];
  contentType?: string;
  /** The error body's envelope: google.rpc.Status, ErrorInfo, other, not JSON. */
  errorShape?: string;
  detail: string;
  /** Set by `drift --since`: the earlier run did not report this finding. */
  new?: boolean;
  /** Set by `drift --accept`: an entry of the accepted-changes file covers this finding. */
  accepted?: { reason: string; until?: string };
}

/** One observation: findings with the same key are the same drift, whichever test or run reported them. */
export const driftKey = (f: DriftFinding): string => `${f.kind} ${f.rule} ${f.operation} ${f.status ?? ''} ${f.detail}`;

/** One line of the run's drift section. */
export function formatDrift(finding: DriftFinding): string {
  const status = finding.status === undefined ? '' : ` ${finding.status}`;
  const contradiction = finding.contradiction ? ` (${finding.contradiction})` : '';
  return `${finding.rule} ${finding.operation}${status}: ${finding.detail}${contradiction}`;
}

/** A finding when the spec declares no response for this status of the operation; undefined when it does. */
export function undeclaredStatus(
  rule: RuleId,
  exchange: Exchange,
  registry: SchemaRegistry,
  operation: { path: string; method: string },
): DriftFinding | undefined {
  if (registry.declaresStatus(operation.path, operation.method, exchange.status)) return undefined;
  return {
    kind: 'undeclared-status',
    rule,
    operation: `${operation.method.toUpperCase()} ${operation.path}`,
    status: exchange.status,
    detail: `documented by the docs but undeclared in the spec: ${exchange.status}`,
  };
}

/**
 * The run's drift section for the console: a kind with few findings line by line, a larger one as a count per
 * status (the spec's own gaps, such as 401s it never declares, add up to hundreds). The JSON report and
 * `drift --run-report` keep every finding.
 */
export function summariseDrift(findings: readonly DriftFinding[], listUpTo = 5): string[] {
  const lines: string[] = [];
  for (const kind of driftKinds) {
    const ofKind = findings.filter((f) => f.kind === kind);
    if (ofKind.length === 0) continue;
    if (ofKind.length <= listUpTo) {
      for (const finding of ofKind) lines.push(`- ${kind}: ${formatDrift(finding)}`);
      continue;
    }
    const operations = new Set(ofKind.map((f) => f.operation)).size;
    const byStatus = new Map<string, number>();
    for (const f of ofKind) byStatus.set(String(f.status ?? '-'), (byStatus.get(String(f.status ?? '-')) ?? 0) + 1);
    const statuses = [...byStatus].sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${s} ×${n}`);
    lines.push(`- ${kind}: ${ofKind.length} findings on ${operations} operations (${statuses.join(', ')})`);
  }
  return lines;
}
