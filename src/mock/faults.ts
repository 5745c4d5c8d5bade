import type { RuleId } from '../rules/catalogue.js';

/**
 * Deliberate bugs the mock can be started with. Each one breaks the rules it lists; test/mock/faults.test.ts runs
 * the suites against the mock with each fault on and proves that every listed rule then fails. A rule with no
 * fault here has a check nobody has seen fail.
 */
export const faults = [
  {
    id: 'auth-logs.ignore-status-filter',
    rules: ['ALG-007'],
    description: 'GET /api/v1/logs/authentication/requests ignores the status filter and returns every status',
  },
  {
    id: 'auth-logs.ignore-email-filter',
    rules: ['ALG-007'],
    description: 'GET /api/v1/logs/authentication/requests ignores the email filter',
  },
  {
    id: 'auth-logs.accept-unknown-status',
    rules: ['ALG-010'],
    description: 'a status filter outside the enum (e.g. Failure) is answered 200 with an empty list instead of 400',
  },
  {
    id: 'auth-logs.unknown-status-500',
    rules: ['ALG-010'],
    description: 'a status filter outside the enum crashes the handler (500) instead of a 400',
  },
  {
    id: 'auth-logs.no-auth-required',
    rules: ['ALG-012'],
    description: 'GET /api/v1/logs/authentication/requests answers 200 without a bearer token',
  },
] as const satisfies readonly { id: string; rules: readonly RuleId[]; description: string }[];

export type FaultId = (typeof faults)[number]['id'];

const known = new Set<string>(faults.map((f) => f.id));

export function isFaultId(value: string): value is FaultId {
  return known.has(value);
}
