// The kinds of drift a run reports (src/checks/drift.ts describes each). Here, beside the rules, so the mock's
// seeded faults can name the drift they must cause without depending on the checks.

export const driftKinds = [
  'undeclared-status',
  'docs-label',
  'docs-recipe',
  'undeclared-event-type',
  'undocumented-property',
  'undeclared-content-type',
  'undeclared-error-shape',
  'undeclared-operation',
] as const;
export type DriftKind = (typeof driftKinds)[number];
