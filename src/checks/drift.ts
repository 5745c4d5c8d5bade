import type { Exchange } from '../client/transport.js';
import type { RuleId } from '../rules/catalogue.js';
import type { SchemaRegistry } from '../spec/schemas.js';

/**
 * Something a target does that the spec does not declare, where the docs say the target should: not a failure of
 * the target, but drift between the docs and the spec (PWL-017, C-18). Collected from the suites into the report's
 * `drift` list, which the drift report reads.
 */
export interface DriftFinding {
  /**
   * `undeclared-status`: the target answered a status the docs promise and the spec does not declare.
   * `docs-label`: the docs name a value differently from the spec's enum (C-01: "Failure" for FAILED).
   * `docs-recipe`: a recipe in the docs that does not work against the target (C-07: the other signature scheme).
   * `undeclared-event-type`: the target delivered a webhook event type the spec does not declare.
   */
  kind: 'undeclared-status' | 'docs-label' | 'docs-recipe' | 'undeclared-event-type';
  rule: RuleId;
  /** The contradiction of the rules catalogue this finding is an instance of, when there is one. */
  contradiction?: string;
  operation: string;
  /** The status the target answered, for `undeclared-status`. */
  status?: number;
  detail: string;
}

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
