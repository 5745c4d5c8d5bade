import { createHmac } from 'node:crypto';
import type { RuleId } from '../rules/catalogue.js';
import { type DereferencedDocument, resolveRef } from '../spec/document.js';
import type { SchemaRegistry } from '../spec/schemas.js';
import type { DriftFinding } from './drift.js';
import { type Failure, failure } from './failure.js';

// Checks on webhook deliveries as a receiver sees them: the payload (WHD-016, WHP-001..WHP-009), what the target
// retries and how (WHD-001..WHD-013), the timing of retries against the retry-schedule oracle (WHD-004,
// WHD-006..WHD-009) and signatures (WHS-001..WHS-007). Pure functions over recorded deliveries and the verifier's
// verdicts: the suites collect, these judge. Each check's rule parameter lists the rules it may decide.

/** One delivery attempt as the suite's receiver recorded it. */
export interface ReceivedDelivery {
  method: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The raw body, exactly as received. */
  body: string;
  /** The receiver's reading of the event id (the body's `id`, else the webhook-id header), when it has one. */
  eventId?: string | undefined;
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

/** The event type a delivery carries, or `(not JSON)`: what the payload suite waits for and groups by. */
export function eventTypeOf(delivery: ReceivedDelivery): string {
  try {
    return String((JSON.parse(delivery.body) as { type?: unknown }).type);
  } catch {
    return '(not JSON)';
  }
}

/** A top-level field of a delivery's JSON body; undefined when the body is not a JSON object or lacks it. */
function bodyField(delivery: ReceivedDelivery, name: string): unknown {
  try {
    const parsed: unknown = JSON.parse(delivery.body);
    return isObject(parsed) ? parsed[name] : undefined;
  } catch {
    return undefined;
  }
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
  rule: 'WHP-007',
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
    rule,
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

// --- every delivery of a run ---------------------------------------------------------------------------------------

/** The rules the envelope checks decide, one test each, so a report names exactly the rules a delivery breaks. */
export type EnvelopeRule = 'WHD-016' | 'WHP-001' | 'WHP-002' | 'WHP-003' | 'WHP-004' | 'WHP-005' | 'WHP-006';

/** Each delivery read as an event (WHD-016) and its envelope checked (WHP-001..WHP-006): the failures of `rule`. */
export function eventEnvelopesConform(
  rule: EnvelopeRule,
  deliveries: readonly ReceivedDelivery[],
  objectFor: (type: string) => string | undefined,
): Failure[] {
  const found: Failure[] = [];
  for (const delivery of deliveries) {
    const read = readEvent(delivery);
    found.push(...(read.problem ? [read.problem] : checkEnvelope(read.event, delivery, objectFor)));
  }
  return found.filter((f) => f.rule === rule).slice(0, maxListed);
}

/**
 * WHP-007: each delivered event valid against the spec's schema for its type. A delivery that is no event is
 * WHD-016's to judge, and a type the spec does not declare is drift (`undeclaredEventTypes`), not a failure here.
 */
export function payloadsMatchSchemas(
  rule: 'WHP-007',
  registry: SchemaRegistry,
  deliveries: readonly ReceivedDelivery[],
  strictNulls: boolean,
): Failure[] {
  const found: Failure[] = [];
  for (const delivery of deliveries) {
    const { event } = readEvent(delivery);
    const problem = event && checkPayloadSchema(rule, registry, event, delivery, strictNulls);
    if (problem) found.push(problem);
  }
  return found.slice(0, maxListed);
}

/** WHP-010 drift: each event type delivered that the spec's webhooks do not declare, once. */
export function undeclaredEventTypes(
  registry: SchemaRegistry,
  deliveries: readonly ReceivedDelivery[],
): DriftFinding[] {
  const types = new Set<string>();
  for (const delivery of deliveries) {
    const { event } = readEvent(delivery);
    if (event && registry.webhookSchema(String(event.type)) === undefined) types.add(String(event.type));
  }
  return [...types].map((type) => ({
    kind: 'undeclared-event-type',
    rule: 'WHP-010',
    operation: `webhook ${type}`,
    detail: `the target delivered ${type}, which the spec's webhooks do not declare`,
  }));
}

/** WHD-016: every event type the API calls caused arrived at an endpoint subscribed to all of them. */
export function everyTriggeredTypeDelivered(
  rule: 'WHD-016',
  triggered: readonly string[],
  deliveries: readonly ReceivedDelivery[],
): Failure | undefined {
  const arrived = new Set(deliveries.map(eventTypeOf));
  const missing = triggered.filter((type) => !arrived.has(type));
  if (missing.length === 0) return undefined;
  return failure(
    rule,
    'events delivered',
    `a delivery of each event type the API calls caused (${triggered.length})`,
    `none of ${missing.join(', ')}`,
  );
}

/** WHD-016: an endpoint receives its subscribed event, and no type it did not subscribe to. */
export function onlySubscribedTypesDelivered(
  rule: 'WHD-016',
  subscribed: readonly string[],
  deliveries: readonly ReceivedDelivery[],
): Failure | undefined {
  const types = deliveries.map(eventTypeOf);
  if (types.length > 0 && types.every((type) => subscribed.includes(type))) return undefined;
  return failure(rule, 'subscribed event types', `${subscribed.join(', ')} only`, types.join(', ') || 'nothing');
}

// --- what the target retries ---------------------------------------------------------------------------------------

/** The rules decided by how many attempts the receiver's answers lead to. */
export type AttemptCountRule = 'WHD-002' | 'WHD-003' | 'WHD-012';

/**
 * The receiver saw as many attempts of an event as predicted for its answers (the retry-schedule oracle's
 * `expectedAttemptCount`, or one for a status the profile names final): no retry after a success (WHD-002), a
 * retry after each failure until one succeeds (WHD-003, WHD-012). `answered` lists the receiver's scripted answers.
 */
export function attemptsAsPredicted(
  rule: AttemptCountRule,
  answered: readonly number[],
  predicted: number,
  attempts: readonly ReceivedDelivery[],
  why?: string,
): Failure | undefined {
  if (attempts.length === predicted) return undefined;
  const firstUnexpected = attempts[predicted];
  return failure(
    rule,
    `attempts when the receiver answers ${answered.join(', ')}`,
    `${predicted} attempt(s)${why ? ` (${why})` : ''}`,
    `${attempts.length} attempt(s)`,
    undefined,
    firstUnexpected ? describeDelivery(firstUnexpected) : undefined,
  );
}

/** WHD-013: every retry carries the first attempt's event id, in the body and in the webhook-id header. */
export function sameEventOnRetries(rule: 'WHD-013', attempts: readonly ReceivedDelivery[]): Failure | undefined {
  const ids = (a: ReceivedDelivery) => `${bodyField(a, 'id') ?? '(none)'} / ${a.headers['webhook-id'] ?? '(none)'}`;
  const [first] = attempts;
  const changed = attempts.filter((a) => first && ids(a) !== ids(first));
  if (first && attempts.length >= 2 && changed.length === 0) return undefined;
  return failure(
    rule,
    'event id on retries',
    `every attempt with ${first ? ids(first) : 'the first attempt’s ids'} (body id / webhook-id)`,
    attempts.length < 2 ? `${attempts.length} attempt(s): no retry to compare` : changed.map(ids).join(', '),
  );
}

/**
 * WHD-010: after a first attempt the receiver never answered, the same event is attempted again (`attempts` in
 * arrival order, the unanswered one first). `timing` says when the retry was due, for the report.
 */
export function retriedAfterTimeout(
  rule: 'WHD-010',
  attempts: readonly ReceivedDelivery[],
  timing: { timeoutMs: number; retryDueMs: number },
): Failure | undefined {
  const [first, ...later] = attempts;
  if (first && later.some((a) => a.eventId === first.eventId)) return undefined;
  return failure(
    rule,
    'attempt after a receiver that never answered',
    `a retry once ${timing.timeoutMs / 1000} s had passed and the first retry fell due (${timing.retryDueMs / 1000} s)`,
    'no retry',
  );
}

/**
 * WHD-001: the states the webhooks hook reports for a delivery that always failed, one record per attempt:
 * Retrying for each attempt but the last, then Failed.
 */
export function failingDeliveryStates(
  rule: 'WHD-001',
  states: readonly string[],
  attemptCount: number,
): Failure | undefined {
  const expected = [...states.slice(0, -1).map(() => 'Retrying'), 'Failed'];
  if (states.length === attemptCount && states.join() === expected.join()) return undefined;
  return failure(
    rule,
    'states of a failing delivery',
    expected.join(' → ') || 'one record per attempt',
    states.join(' → ') || 'no records',
  );
}

/** WHD-001: a delivery the receiver accepted at once is reported as one record, Success. */
export function deliveredState(rule: 'WHD-001', states: readonly string[]): Failure | undefined {
  if (states.join() === 'Success') return undefined;
  return failure(rule, 'state of a delivered event', 'Success', states.join(' → ') || 'no records');
}

/** WHD-005: organizations created one after another arrive in that order (their organization.created events). */
export function deliveredInCreationOrder(
  rule: 'WHD-005',
  createdDisplayNames: readonly string[],
  deliveries: readonly ReceivedDelivery[],
): Failure | undefined {
  const order = deliveries.map((d) => {
    const data = bodyField(d, 'data');
    return isObject(data) ? String(data.display_name) : '(no data)';
  });
  if (order.join() === createdDisplayNames.join()) return undefined;
  return failure(rule, 'delivery order', createdDisplayNames.join(', '), order.join(', '));
}

// --- signatures ----------------------------------------------------------------------------------------------------

/** The Standard Webhooks headers (the verifier in src/webhooks/ names the same three). */
const signatureHeaderNames = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/** The suite's verifier's verdict on one delivery; `Verification` from src/webhooks/verify.ts fits. */
export type SignatureVerdict = { valid: true } | { valid: false; message: string };

/** WHS-001: a delivery carries webhook-id, webhook-timestamp and webhook-signature. */
export function signatureHeadersPresent(rule: 'WHS-001', delivery: ReceivedDelivery): Failure | undefined {
  const missing = signatureHeaderNames.filter((name) => !delivery.headers[name]);
  if (missing.length === 0) return undefined;
  return failure(
    rule,
    'signature headers',
    signatureHeaderNames.join(', '),
    `missing ${missing.join(', ')}`,
    undefined,
    describeDelivery(delivery),
  );
}

/** WHS-002: webhook-signature is space-separated `v<n>,<base64>` entries, at least one of them v1. */
export function signatureEntriesWellFormed(rule: 'WHS-002', delivery: ReceivedDelivery): Failure | undefined {
  const header = delivery.headers['webhook-signature'];
  const entries = (header ?? '').split(' ').filter(Boolean);
  const wellFormed = entries.every((entry) => /^v\d+[a-z]*,[A-Za-z0-9+/]+=*$/.test(entry));
  if (entries.length > 0 && wellFormed && entries.some((entry) => entry.startsWith('v1,'))) return undefined;
  return failure(rule, 'webhook-signature', 'space-separated v1,<base64> entries', header ?? '(none)');
}

/** WHS-003: the delivery verifies with the secret registered for the endpoint, on the target's clock. */
export function signatureVerified(
  rule: 'WHS-003',
  delivery: ReceivedDelivery,
  verdict: SignatureVerdict,
): Failure | undefined {
  if (verdict.valid) return undefined;
  return failure(
    rule,
    'signature',
    'verifies with the registered secret',
    verdict.message,
    undefined,
    describeDelivery(delivery),
  );
}

/** WHS-004: every attempt, retries included, verifies against the target's clock when it arrived. */
export function everyAttemptVerifiesOnArrival(
  rule: 'WHS-004',
  verified: readonly { delivery: ReceivedDelivery; verdict: SignatureVerdict }[],
): Failure | undefined {
  const refused = verified
    .map(({ delivery, verdict }, n) => ({ n: n + 1, delivery, verdict }))
    .filter(({ verdict }) => !verdict.valid);
  const [firstRefused] = refused;
  if (!firstRefused) return undefined;
  return failure(
    rule,
    'signature of retries',
    'every attempt verifies against the target’s clock when it arrives (5-minute tolerance)',
    refused.map(({ n, verdict }) => `attempt ${n}: ${verdict.valid ? '' : verdict.message}`).join('; '),
    undefined,
    describeDelivery(firstRefused.delivery),
  );
}

/**
 * WHS-006: the signature covers the body as sent. Call it with the verdict on the body as received; a delivery that
 * verifies over no serialisation of its JSON at all is WHS-003's failure, not this one.
 */
export function signatureCoversBodyAsSent(
  rule: 'WHS-006',
  delivery: ReceivedDelivery,
  verdictAsSent: SignatureVerdict,
): Failure | undefined {
  if (verdictAsSent.valid) return undefined;
  return failure(
    rule,
    'signed bytes',
    'a signature over the body as sent',
    'a signature over the same JSON serialised differently',
    undefined,
    describeDelivery(delivery),
  );
}

/** C-07's recipe from the docs: scalekit-signature `t=…,v1=<hex>` over `timestamp.body`, keyed by the raw secret. */
function docsRecipeVerifies(delivery: ReceivedDelivery, secret: string): boolean {
  const timestamp = delivery.headers['webhook-timestamp'] ?? '';
  const hex = createHmac('sha256', secret).update(`${timestamp}.${delivery.body}`).digest('hex');
  return delivery.headers['scalekit-signature']?.includes(`v1=${hex}`) === true;
}

/** WHS-007 drift: the docs' other signature recipe (C-07) does not verify this delivery. */
export function docsRecipeDrift(delivery: ReceivedDelivery, secret: string): DriftFinding | undefined {
  if (docsRecipeVerifies(delivery, secret)) return undefined;
  return {
    kind: 'docs-recipe',
    rule: 'WHS-007',
    contradiction: 'C-07',
    operation: 'webhook delivery',
    detail:
      delivery.headers['scalekit-signature'] === undefined
        ? 'the docs’ scalekit-signature recipe cannot be followed: deliveries carry no scalekit-signature header'
        : 'the scalekit-signature header does not match the docs’ recipe',
  };
}

/**
 * WHS-007: a delivery is signed by one scheme or the other: a webhook-signature header (held to WHS-003's MUST), or
 * a scalekit-signature that the docs' recipe verifies.
 */
export function signedBySomeScheme(rule: 'WHS-007', delivery: ReceivedDelivery, secret: string): Failure | undefined {
  if (delivery.headers['webhook-signature'] || docsRecipeVerifies(delivery, secret)) return undefined;
  return failure(rule, 'any signature', 'webhook-signature or scalekit-signature', 'neither header');
}

// --- retry timing ------------------------------------------------------------------------------------------------

const formatOffset = (ms: number | undefined) => {
  if (ms === undefined) return '—';
  const seconds = ms / 1000;
  return seconds >= 60 ? `+${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s` : `+${seconds.toFixed(1)} s`;
};

/** The rules of the four documented retry schedules (C-03): the seed's, and the three alternatives. */
export type ScheduleRule = 'WHD-004' | 'WHD-006' | 'WHD-007' | 'WHD-008' | 'WHD-009';

/**
 * The observed attempts against the schedule: the same number of attempts, each within `toleranceMs` of when the
 * schedule puts it (offsets from the first attempt). A failure shows both schedules side by side.
 */
export function compareSchedule(
  rule: ScheduleRule,
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

/** How many failures of one kind a check lists: enough to see a pattern, few enough to read. */
const maxListed = 20;

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
