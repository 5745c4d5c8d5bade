import { toCurl } from '../client/curl.js';
import type { Exchange } from '../client/transport.js';
import { redactShapes } from '../reporters/redact.js';
import type { RuleId } from '../rules/catalogue.js';

/**
 * What a check returns when a target breaks a rule: never a bare boolean. Everything here is plain data, so it
 * crosses from the vitest worker to the reporter (as task meta) and into the JSON report unchanged.
 */
export interface Failure {
  rule: RuleId;
  /** A short name for what was checked, e.g. `status code` or `response body schema`. */
  title: string;
  expected: string;
  received: string;
  /**
   * A curl line that repeats the request, with the bearer token, client secret, ID token and authorization code
   * replaced by shell variables (`$SCALEKIT_ACCESS_TOKEN`, `$SCALEKIT_CLIENT_SECRET`, ...).
   */
  replay?: string;
  /** Extra lines: schema violations, the offending items, a fast-check seed and path. */
  details?: string[];
}

export function failure(
  rule: RuleId,
  title: string,
  expected: string,
  received: string,
  exchange?: Exchange,
  details?: string[],
): Failure {
  // Masked here, whatever cut the text before: every failure is safe to print and to write to a report.
  return {
    rule,
    title: redactShapes(title),
    expected: redactShapes(expected),
    received: redactShapes(received),
    ...(exchange ? { replay: toCurl(exchange) } : {}),
    ...(details && details.length > 0 ? { details: details.map(redactShapes) } : {}),
  };
}

/** The message a failing test throws: `RULE title: expected X but got Y`, then details and the replay line. */
export function formatFailure(f: Failure): string {
  const lines = [`${f.rule} ${f.title}: expected ${f.expected} but got ${f.received}`];
  for (const detail of f.details ?? []) lines.push(`  ${detail}`);
  if (f.replay) lines.push(`  Reproduce with: ${f.replay}`);
  return lines.join('\n');
}

/** Thrown inside a property to carry typed failures out to `assertProperty` (src/harness). */
export class PropertyFailure extends Error {
  readonly failures: Failure[];
  constructor(failures: Failure[]) {
    super(failures.map(formatFailure).join('\n'));
    this.name = 'PropertyFailure';
    this.failures = failures;
  }
}
