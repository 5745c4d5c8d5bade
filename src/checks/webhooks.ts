import type { RuleId } from '../rules/catalogue.js';
import { type DereferencedDocument, resolveRef } from '../spec/document.js';
import type { SchemaRegistry } from '../spec/schemas.js';
import { type Failure, failure } from './failure.js';

// Checks on webhook deliveries as a receiver sees them (WHD-016, WHP-001..WHP-009) and on the timing of their
// retries (WHD-004, WHD-006..WHD-009). Pure functions over recorded deliveries: the suites collect, these judge.

/** One delivery attempt as the suite's receiver recorded it. */
export interface ReceivedDelivery {
  method: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The raw body, exactly as received. */
  body: string;
}

/** A short description of a delivery for failure details: its headers that identify it, and the body's start. */
export function describeDelivery(delivery: ReceivedDelivery): string[] {
  return [
    `webhook-id: ${delivery.headers['webhook-id'] ?? '(none)'}, webhook-timestamp: ${delivery.headers['webhook-timestamp'] ?? '(none)'}`,
    `body: ${delivery.body.slice(0, 300)}`,
  ];
}

/** WHD-016: a POST with a JSON object body. The parsed event, or why the delivery is not one. */
export function readEvent(
  delivery: ReceivedDelivery,
): { event: Record<string, unknown>; problem?: undefined } | { event?: undefined; problem: Failure } {
  const contentType = delivery.headers['content-type'] ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(delivery.body);
  } catch {
    parsed = undefined;
  }
  if (delivery.method !== 'POST' || !/^application\/json\b/i.test(contentType) || !isObject(parsed)) {
    return {
      problem: failure(
        'WHD-016',
        'delivery',
        'an HTTP POST with Content-Type application/json and a JSON object body',
        `${delivery.method} with Content-Type ${contentType || '(none)'} and ${isObject(parsed) ? 'a JSON object' : 'no JSON object'}`,
        undefined,
        describeDelivery(delivery),
      ),
    };
  }
  return { event: parsed };
}

const envelopeFields = ['spec_version', 'id', 'type', 'occurred_at', 'environment_id', 'object', 'data'] as const;
/** ISO 8601 / RFC 3339 date-time with any number of fractional digits (WHP-005: nanoseconds included). */
const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * The envelope rules every event shares, one failure per rule broken (WHP-001..WHP-006). `objectFor` gives the
 * `object` value the spec fixes for an event type (undefined when the spec leaves it open).
 */
export function checkEnvelope(
  event: Record<string, unknown>,
  delivery: ReceivedDelivery,
  objectFor: (type: string) => string | undefined,
): Failure[] {
  const found: Failure[] = [];
  const fail = (rule: RuleId, title: string, expected: string, received: unknown) =>
    found.push(
      failure(rule, title, expected, JSON.stringify(received) ?? 'undefined', undefined, describeDelivery(delivery)),
    );

  const missing = envelopeFields.filter((field) => !(field in event));
  if (missing.length > 0) fail('WHP-001', 'event envelope', envelopeFields.join(', '), `missing ${missing.join(', ')}`);
  const { spec_version: specVersion, id, type, occurred_at: occurredAt, object } = event;
  if (specVersion !== undefined && (typeof specVersion !== 'string' || !/^\d+$/.test(specVersion))) {
    fail('WHP-002', 'spec_version', 'a string of digits, e.g. "1"', specVersion);
  }
  if (id !== undefined && (typeof id !== 'string' || !id.startsWith('evt_'))) {
    fail('WHP-003', 'event id', 'a string starting with evt_', id);
  }
  const environmentId = event.environment_id;
  if (environmentId !== undefined && (typeof environmentId !== 'string' || !environmentId.startsWith('env_'))) {
    fail('WHP-004', 'environment_id', 'a string starting with env_', environmentId);
  }
  const organizationId = event.organization_id;
  if (organizationId !== undefined && organizationId !== null && !String(organizationId).startsWith('org_')) {
    fail('WHP-004', 'organization_id', 'absent, or a string starting with org_', organizationId);
  }
  if (occurredAt !== undefined && (typeof occurredAt !== 'string' || !dateTime.test(occurredAt))) {
    fail('WHP-005', 'occurred_at', 'an ISO 8601 date-time', occurredAt);
  }
  const expectedObject = typeof type === 'string' ? objectFor(type) : undefined;
  if (expectedObject !== undefined && object !== expectedObject) {
    fail('WHP-006', `object of ${String(type)}`, JSON.stringify(expectedObject), object);
  }
  return found;
}

/** The value at a JSON pointer such as `/data/metadata`; undefined when the path does not exist. */
function at(value: unknown, pointer: string): unknown {
  let current = value;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * WHP-007: the event against the spec's schema for its type (`webhooks.<type>`). A null where the schema wants a
 * value is forgiven unless `strictNulls` (G-21, C-13: the spec's own examples send such nulls, WHP-009). An event
 * type the spec does not declare gives no failure here: the caller reports it as drift.
 */
export function checkPayloadSchema(
  registry: SchemaRegistry,
  event: Record<string, unknown>,
  delivery: ReceivedDelivery,
  strictNulls: boolean,
): Failure | undefined {
  const type = String(event.type);
  const schema = registry.webhookSchema(type);
  if (schema === undefined) return undefined;
  const violations = registry
    .validate(schema, event)
    .filter((v) => strictNulls || at(event, v.at) !== null)
    // A null that breaks `type` also fails the `anyOf`/`oneOf` around it: forgiven with it.
    .filter((v) => strictNulls || !/must match (?:a|exactly one) schema/.test(v.message) || at(event, v.at) !== null);
  if (violations.length === 0) return undefined;
  return failure(
    'WHP-007',
    `payload of ${type}`,
    `valid against webhooks.${type}`,
    `${violations.length} violation(s)`,
    undefined,
    [...violations.slice(0, 10).map((v) => `${v.at || '(root)'} ${v.message}`), ...describeDelivery(delivery)],
  );
}

/** The `object` value the spec fixes for an event type: a one-value enum or const in its payload schema. */
export function objectValueFor(document: DereferencedDocument, eventType: string): string | undefined {
  const webhook = document.webhooks?.[eventType] as
    | { post?: { requestBody?: { content?: Record<string, { schema?: Record<string, unknown> }> } } }
    | undefined;
  let schema = webhook?.post?.requestBody?.content?.['application/json']?.schema;
  // A payload that is itself a ref the tree kept (a recursive schema) is followed once.
  if (typeof schema?.$ref === 'string') schema = resolveRef(document, schema.$ref) as Record<string, unknown>;
  const object = (schema?.properties as Record<string, Record<string, unknown>> | undefined)?.object;
  if (typeof object?.const === 'string') return object.const;
  const values = object?.enum;
  return Array.isArray(values) && values.length === 1 && typeof values[0] === 'string' ? values[0] : undefined;
}

// --- retry timing ------------------------------------------------------------------------------------------------

const formatOffset = (ms: number | undefined) => {
  if (ms === undefined) return '—';
  const seconds = ms / 1000;
  return seconds >= 60 ? `+${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s` : `+${seconds.toFixed(1)} s`;
};

/**
 * The observed attempts against the schedule: the same number of attempts, each within `toleranceMs` of when the
 * schedule puts it (offsets from the first attempt). A failure shows both schedules side by side.
 */
export function compareSchedule(
  rule: RuleId,
  scheduleName: string,
  expectedOffsets: readonly number[],
  observedOffsets: readonly number[],
  toleranceMs: number,
): Failure | undefined {
  const rows = Math.max(expectedOffsets.length, observedOffsets.length);
  const off: number[] = [];
  const table = ['attempt  expected        observed        difference'];
  for (let n = 0; n < rows; n += 1) {
    const expected = expectedOffsets[n];
    const observed = observedOffsets[n];
    const difference = expected !== undefined && observed !== undefined ? observed - expected : undefined;
    if (difference === undefined || Math.abs(difference) > toleranceMs) off.push(n + 1);
    table.push(
      `${String(n + 1).padEnd(9)}${formatOffset(expected).padEnd(16)}${formatOffset(observed).padEnd(16)}` +
        (difference === undefined
          ? expected === undefined
            ? 'not expected'
            : 'missing'
          : `${(difference / 1000).toFixed(1)} s`),
    );
  }
  if (off.length === 0) return undefined;
  return failure(
    rule,
    `retry schedule (${scheduleName})`,
    `${expectedOffsets.length} attempts, each within ${toleranceMs / 1000} s of the schedule`,
    `${observedOffsets.length} attempts, off at attempt ${off.join(', ')}`,
    undefined,
    table,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
