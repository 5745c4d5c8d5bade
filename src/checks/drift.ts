import type { Exchange } from '../client/transport.js';
import type { RuleId } from '../rules/catalogue.js';
import type { SchemaRegistry } from '../spec/schemas.js';

/**
 * Something a target does that the spec does not declare, where the docs say the target should: not a failure of
 * the target, but drift between the docs and the spec (PWL-017, C-18). Collected from the suites into the report's
 * `drift` list, which the drift report reads.
 */
export interface DriftFinding {
  kind: 'undeclared-status';
  rule: RuleId;
  operation: string;
  status: number;
  detail: string;
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
