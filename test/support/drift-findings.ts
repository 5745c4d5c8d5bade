import type { DriftFinding } from '../../src/checks/drift.js';

/** A server-against-spec finding as a run reports it: an undeclared 401 on `operation`, with `extra` over it. */
export const undeclared401 = (operation: string, extra: Partial<DriftFinding> = {}): DriftFinding => ({
  kind: 'undeclared-status',
  rule: 'OAS-010',
  operation,
  status: 401,
  detail: 'the target answered 401, which the spec does not declare',
  ...extra,
});
