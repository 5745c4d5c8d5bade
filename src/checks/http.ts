import type { Exchange } from '../client/transport.js';
import { redactShapes } from '../reporters/redact.js';
import type { RuleId } from '../rules/catalogue.js';
import type { SchemaRegistry } from '../spec/schemas.js';
import { type Failure, failure } from './failure.js';

// Small named checks over one recorded exchange. Each returns a Failure or undefined, never a boolean, so a
// suite can combine them and the report says exactly what differed.

/** A body as a failure shows it: masked before the cut, so a token the cut would split is still recognised whole. */
export const bodyPreview = (body: string, max = 300) => {
  const safe = redactShapes(body);
  return (safe.length > max ? `${safe.slice(0, max)}…` : safe) || '(empty body)';
};

/** An answer as a failure shows it: its status and the start of its body. */
export const answerPreview = (exchange: Exchange) => `${exchange.status} ${bodyPreview(exchange.responseBody)}`;

export function checkStatus(
  rule: RuleId,
  exchange: Exchange,
  expected: number | readonly number[],
): Failure | undefined {
  const allowed = typeof expected === 'number' ? [expected] : expected;
  if (allowed.includes(exchange.status)) return undefined;
  return failure(rule, 'status code', allowed.join(' or '), answerPreview(exchange), exchange);
}

export function parseJsonBody(exchange: Exchange): { ok: true; value: unknown } | { ok: false; reason: string } {
  const type = exchange.responseHeaders['content-type'] ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type))
    return { ok: false, reason: `content-type ${type || '(none)'}` };
  try {
    return { ok: true, value: JSON.parse(exchange.responseBody) };
  } catch {
    return { ok: false, reason: `unparseable JSON ${bodyPreview(exchange.responseBody)}` };
  }
}

/**
 * The body is JSON and valid against the schema the spec declares for this operation and status. A status the
 * spec declares no JSON body for is reported as such (drift), not silently passed.
 */
export function checkResponseSchema(
  rule: RuleId,
  exchange: Exchange,
  registry: SchemaRegistry,
  operation: { path: string; method: string },
): Failure | undefined {
  const schema = registry.responseSchema(operation.path, operation.method, exchange.status);
  if (schema === undefined) {
    return failure(
      rule,
      'response declared in the spec',
      `a JSON response declared for ${operation.method.toUpperCase()} ${operation.path} ${exchange.status}`,
      'a status the spec does not declare',
      exchange,
    );
  }
  const body = parseJsonBody(exchange);
  if (!body.ok) return failure(rule, 'response body', 'a JSON body', body.reason, exchange);
  const violations = registry.validate(schema, body.value);
  if (violations.length === 0) return undefined;
  return failure(
    rule,
    'response body schema',
    `a body valid against the spec's ${exchange.status} schema`,
    `${violations.length} violation(s)`,
    exchange,
    violations.slice(0, 10).map((v) => `${v.at || '(root)'} ${v.message}`),
  );
}

/** An error response carries the spec's ErrorInfo body with a non-empty `error_code` (OAS-005, C-21). */
export function checkErrorInfo(
  rule: RuleId,
  exchange: Exchange,
  registry: SchemaRegistry,
  operation: { path: string; method: string },
): Failure | undefined {
  const schemaFailure = checkResponseSchema(rule, exchange, registry, operation);
  if (schemaFailure) return schemaFailure;
  const body = parseJsonBody(exchange);
  const code = body.ok ? (body.value as { error_code?: unknown } | null)?.error_code : undefined;
  if (typeof code === 'string' && code !== '') return undefined;
  return failure(
    rule,
    'error body',
    'an ErrorInfo body with a non-empty error_code',
    bodyPreview(exchange.responseBody),
    exchange,
  );
}
