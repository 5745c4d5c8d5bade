import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  attemptsAsPredicted,
  checkEnvelope,
  checkPayloadSchema,
  compareSchedule,
  deliveredInCreationOrder,
  deliveredState,
  docsRecipeDrift,
  eventEnvelopesConform,
  eventTypeOf,
  everyAttemptVerifiesOnArrival,
  everyTriggeredTypeDelivered,
  failingDeliveryStates,
  objectValueFor,
  onlySubscribedTypesDelivered,
  payloadsMatchSchemas,
  type ReceivedDelivery,
  readEvent,
  retriedAfterTimeout,
  sameEventOnRetries,
  signatureCoversBodyAsSent,
  signatureEntriesWellFormed,
  signatureHeadersPresent,
  signatureVerified,
  signedBySomeScheme,
  undeclaredEventTypes,
} from '../../src/checks/webhooks.js';
import { expectedAttemptCount, retryProfiles } from '../../src/oracles/retry-schedule.js';
import { dereferencedSpec, readSpecFile } from '../../src/spec/document.js';
import { SchemaRegistry } from '../../src/spec/schemas.js';
import { verifyAttempt } from '../../src/webhooks/verify.js';

const specPath = process.env.SCALEKIT_OPENAPI ?? '../shared/openapi/scalekit.scalar.json';
const { document } = readSpecFile(specPath);
const registry = new SchemaRegistry(document);
const spec = await dereferencedSpec(specPath);
const objectFor = (type: string) => objectValueFor(spec, type);

/** The spec's own example for an event type, as a delivery. */
function exampleDelivery(type: string, change: (event: Record<string, unknown>) => void = () => {}): ReceivedDelivery {
  const webhook = document.webhooks?.[type] as {
    post: { requestBody: { content: { 'application/json': { example: Record<string, unknown> } } } };
  };
  const event = structuredClone(webhook.post.requestBody.content['application/json'].example);
  change(event);
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) };
}

const eventOf = (delivery: ReceivedDelivery) => readEvent(delivery).event ?? {};
const rulesOf = (delivery: ReceivedDelivery) =>
  checkEnvelope(eventOf(delivery), delivery, objectFor).map((f) => f.rule);

describe('webhook delivery checks', () => {
  it('reads a POSTed JSON object, and refuses another method, content type or body (WHD-016)', () => {
    expect(readEvent(exampleDelivery('organization.created')).problem).toBeUndefined();
    for (const bad of [
      { ...exampleDelivery('organization.created'), method: 'PUT' },
      { ...exampleDelivery('organization.created'), headers: { 'content-type': 'text/plain' } },
      { ...exampleDelivery('organization.created'), body: '[1]' },
    ]) {
      expect(readEvent(bad).problem?.rule).toBe('WHD-016');
    }
  });

  it('passes the spec’s example envelopes, and names the rule each broken field breaks (WHP-001..WHP-006)', () => {
    for (const type of ['organization.created', 'role.created', 'user.login'])
      expect(rulesOf(exampleDelivery(type))).toEqual([]);
    const broken: [string, (e: Record<string, unknown>) => void][] = [
      ['WHP-001', (e) => delete e.environment_id],
      ['WHP-002', (e) => (e.spec_version = 1)],
      ['WHP-003', (e) => (e.id = '1234567890')],
      ['WHP-004', (e) => (e.organization_id = 'acme')],
      ['WHP-005', (e) => (e.occurred_at = 1_700_000_000)],
      ['WHP-006', (e) => (e.object = 'Event')],
    ];
    for (const [rule, change] of broken)
      expect(rulesOf(exampleDelivery('organization.created', change))).toEqual([rule]);
    expect(objectFor('organization.created')).toBe('Organization');
  });

  it('validates the payload against webhooks.<type>, forgiving nulls unless strict (WHP-007, WHP-009, C-13)', () => {
    const delivery = exampleDelivery('organization.directory.group_created');
    expect(checkPayloadSchema('WHP-007', registry, eventOf(delivery), delivery, false)).toBeUndefined();
    // The example's own `external_id: null` against a string schema is what C-13 is about: refused only when strict.
    expect(checkPayloadSchema('WHP-007', registry, eventOf(delivery), delivery, true)?.details?.[0]).toBe(
      '/data/external_id must be string',
    );
    const withoutId = exampleDelivery('organization.created', (e) => delete (e.data as Record<string, unknown>).id);
    const problem = checkPayloadSchema('WHP-007', registry, eventOf(withoutId), withoutId, false);
    expect(problem?.details?.[0]).toMatch(/\/data must have required property 'id'/);
    const unknown = exampleDelivery('organization.created', (e) => (e.type = 'organization.exploded'));
    expect(checkPayloadSchema('WHP-007', registry, eventOf(unknown), unknown, false)).toBeUndefined();
  });

  it('compares observed retries with the schedule and shows both side by side (WHD-006)', () => {
    const seed = [0, 60_000, 360_000, 1_260_000];
    expect(compareSchedule('WHD-006', 'seed', seed, [0, 60_400, 359_800, 1_260_000], 1_000)).toBeUndefined();
    const late = compareSchedule('WHD-006', 'seed', seed, [0, 120_000, 420_000, 1_320_000], 1_000);
    expect(late?.received).toBe('4 attempts, off at attempt 2, 3, 4');
    expect(late?.details).toEqual([
      'attempt  expected        observed        difference',
      '1        +0.0 s          +0.0 s          0.0 s',
      '2        +1 min 0 s      +2 min 0 s      60.0 s',
      '3        +6 min 0 s      +7 min 0 s      60.0 s',
      '4        +21 min 0 s     +22 min 0 s     60.0 s',
    ]);
    expect(compareSchedule('WHD-004', 'seed', seed, [...seed, 2_160_000], 1_000)?.details?.at(-1)).toMatch(
      /not expected$/,
    );
    expect(compareSchedule('WHD-004', 'seed', seed, seed.slice(0, 3), 1_000)?.details?.at(-1)).toMatch(/missing$/);
  });
});

/** A delivery as the receiver records it: every header it lists has a value. */
type Recorded = ReceivedDelivery & { headers: Record<string, string> };

/** One organization.created event as the receiver recorded it; its ids as given. */
function organizationEvent(
  options: { id?: string; webhookId?: string; displayName?: string; type?: string } = {},
): Recorded {
  const id = options.id ?? 'evt_1';
  const event = {
    id,
    type: options.type ?? 'organization.created',
    data: { display_name: options.displayName ?? 'Acme' },
  };
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': options.webhookId ?? id },
    body: JSON.stringify(event),
    eventId: id,
  };
}

describe('every delivery of a run (WHD-016, WHP-001..WHP-007, drift for WHP-010)', () => {
  const good = [exampleDelivery('organization.created'), exampleDelivery('role.created')];
  const put = { ...exampleDelivery('organization.created'), method: 'PUT' };
  const numberVersion = exampleDelivery('organization.created', (e) => (e.spec_version = 1));
  const undeclared = exampleDelivery('organization.created', (e) => (e.type = 'organization.exploded'));

  it('reads the event type a delivery carries, whatever its body', () => {
    expect(eventTypeOf(organizationEvent())).toBe('organization.created');
    expect(eventTypeOf({ ...organizationEvent(), body: 'not json' })).toBe('(not JSON)');
  });

  it('eventEnvelopesConform: the failures of the one rule asked for, at most 20', () => {
    for (const rule of ['WHD-016', 'WHP-001', 'WHP-002', 'WHP-006'] as const)
      expect(eventEnvelopesConform(rule, good, objectFor)).toEqual([]);
    const mixed = [...good, put, numberVersion];
    expect(eventEnvelopesConform('WHD-016', mixed, objectFor).map((f) => f.rule)).toEqual(['WHD-016']);
    expect(eventEnvelopesConform('WHP-002', mixed, objectFor).map((f) => f.rule)).toEqual(['WHP-002']);
    expect(eventEnvelopesConform('WHP-003', mixed, objectFor)).toEqual([]);
    expect(eventEnvelopesConform('WHP-002', Array(25).fill(numberVersion), objectFor)).toHaveLength(20);
  });

  it('payloadsMatchSchemas: a payload missing data.id fails; no event and an undeclared type are not its to judge', () => {
    expect(payloadsMatchSchemas('WHP-007', registry, [...good, put, undeclared], false)).toEqual([]);
    const withoutId = exampleDelivery('organization.created', (e) => delete (e.data as Record<string, unknown>).id);
    const found = payloadsMatchSchemas('WHP-007', registry, [...good, withoutId], false);
    expect(found.map((f) => [f.rule, f.title])).toEqual([['WHP-007', 'payload of organization.created']]);
  });

  it('undeclaredEventTypes: one drift finding per event type the spec does not declare', () => {
    expect(undeclaredEventTypes(registry, good)).toEqual([]);
    expect(undeclaredEventTypes(registry, [...good, undeclared, undeclared])).toEqual([
      {
        kind: 'undeclared-event-type',
        rule: 'WHP-010',
        operation: 'webhook organization.exploded',
        detail: "the target delivered organization.exploded, which the spec's webhooks do not declare",
      },
    ]);
  });

  it('everyTriggeredTypeDelivered: each type the API calls caused must arrive', () => {
    const triggered = ['organization.created', 'role.created'];
    expect(everyTriggeredTypeDelivered('WHD-016', triggered, good)).toBeUndefined();
    expect(everyTriggeredTypeDelivered('WHD-016', triggered, good.slice(0, 1))?.received).toBe('none of role.created');
  });

  it('onlySubscribedTypesDelivered: the subscribed type arrives, and nothing else', () => {
    const updated = organizationEvent({ type: 'organization.updated' });
    expect(onlySubscribedTypesDelivered('WHD-016', ['organization.updated'], [updated])).toBeUndefined();
    const extra = onlySubscribedTypesDelivered('WHD-016', ['organization.updated'], [organizationEvent(), updated]);
    expect(extra?.received).toBe('organization.created, organization.updated');
    expect(onlySubscribedTypesDelivered('WHD-016', ['organization.updated'], [])?.received).toBe('nothing');
  });
});

describe('what the target retries (WHD-001..WHD-013)', () => {
  const attempts = (count: number, change: (n: number) => Parameters<typeof organizationEvent>[0] = () => ({})) =>
    Array.from({ length: count }, (_, n) => organizationEvent(change(n)));

  it('attemptsAsPredicted: as many attempts as the oracle predicts for the answers, no more and no fewer', () => {
    const answered = [500, 500, 200];
    const predicted = expectedAttemptCount(retryProfiles.seed, { responses: answered });
    expect(predicted).toBe(3);
    expect(attemptsAsPredicted('WHD-003', answered, predicted, attempts(3))).toBeUndefined();
    const given = attemptsAsPredicted('WHD-003', answered, predicted, attempts(1));
    expect([given?.rule, given?.expected, given?.received]).toEqual(['WHD-003', '3 attempt(s)', '1 attempt(s)']);
    const retried = attemptsAsPredicted(
      'WHD-002',
      [201],
      1,
      attempts(2, (n) => ({ webhookId: `msg_${n}` })),
    );
    expect(retried?.title).toBe('attempts when the receiver answers 201');
    expect(retried?.details?.[0]).toMatch(/^webhook-id: msg_1,/);
    const final = attemptsAsPredicted('WHD-012', [400, 200], 1, attempts(2), 'the profile names it final');
    expect(final?.expected).toBe('1 attempt(s) (the profile names it final)');
  });

  it('sameEventOnRetries: every retry with the first attempt’s body id and webhook-id', () => {
    expect(sameEventOnRetries('WHD-013', attempts(3))).toBeUndefined();
    const renewed = sameEventOnRetries(
      'WHD-013',
      attempts(3, (n) => (n === 2 ? { id: 'evt_2' } : {})),
    );
    expect([renewed?.expected, renewed?.received]).toEqual([
      'every attempt with evt_1 / evt_1 (body id / webhook-id)',
      'evt_2 / evt_2',
    ]);
    expect(
      sameEventOnRetries(
        'WHD-013',
        attempts(2, (n) => ({ webhookId: `msg_${n}` })),
      )?.received,
    ).toBe('evt_1 / msg_1');
    expect(sameEventOnRetries('WHD-013', attempts(1))?.received).toBe('1 attempt(s): no retry to compare');
  });

  it('retriedAfterTimeout: the event that got no answer is attempted again', () => {
    const timing = { timeoutMs: 10_000, retryDueMs: 61_000 };
    expect(retriedAfterTimeout('WHD-010', attempts(2), timing)).toBeUndefined();
    const otherEvent = [organizationEvent(), organizationEvent({ id: 'evt_2' })];
    expect(retriedAfterTimeout('WHD-010', otherEvent, timing)?.received).toBe('no retry');
    expect(retriedAfterTimeout('WHD-010', attempts(1), timing)?.expected).toBe(
      'a retry once 10 s had passed and the first retry fell due (61 s)',
    );
  });

  it('failingDeliveryStates: one record per attempt, Retrying until the last, then Failed', () => {
    expect(failingDeliveryStates('WHD-001', ['Retrying', 'Retrying', 'Retrying', 'Failed'], 4)).toBeUndefined();
    const neverRetrying = failingDeliveryStates('WHD-001', ['Failed', 'Failed', 'Failed', 'Failed'], 4);
    expect([neverRetrying?.expected, neverRetrying?.received]).toEqual([
      'Retrying → Retrying → Retrying → Failed',
      'Failed → Failed → Failed → Failed',
    ]);
    expect(failingDeliveryStates('WHD-001', ['Retrying', 'Failed'], 4)?.rule).toBe('WHD-001');
    expect(failingDeliveryStates('WHD-001', [], 4)?.received).toBe('no records');
  });

  it('deliveredState: a delivered event is one Success record', () => {
    expect(deliveredState('WHD-001', ['Success'])).toBeUndefined();
    expect(deliveredState('WHD-001', ['Queued', 'Success'])?.received).toBe('Queued → Success');
    expect(deliveredState('WHD-001', [])?.received).toBe('no records');
  });

  it('deliveredInCreationOrder: events arrive in the order their organizations were created', () => {
    const names = ['Order 0', 'Order 1', 'Order 2'];
    const inOrder = names.map((displayName, n) => organizationEvent({ id: `evt_${n}`, displayName }));
    expect(deliveredInCreationOrder('WHD-005', names, inOrder)).toBeUndefined();
    expect(deliveredInCreationOrder('WHD-005', names, [...inOrder].reverse())?.received).toBe(
      'Order 2, Order 1, Order 0',
    );
  });
});

describe('signatures (WHS-001..WHS-007)', () => {
  const secret = `whsec_${Buffer.from('a 32-byte signing key for tests!').toString('base64')}`;
  const otherSecret = `whsec_${Buffer.from('another 32-byte key, not the one').toString('base64')}`;
  const sentAt = 1_767_225_600; // Unix seconds, the target's clock when it signed

  /** A delivery signed the Standard Webhooks way by the library itself, not by the mock's signer. */
  function signed(options: { key?: string; signedBody?: string; at?: number } = {}): Recorded {
    const delivery = organizationEvent();
    const at = options.at ?? sentAt;
    const signature = new Webhook(options.key ?? secret).sign(
      'evt_1',
      new Date(at * 1000),
      options.signedBody ?? delivery.body,
    );
    return {
      ...delivery,
      headers: { ...delivery.headers, 'webhook-timestamp': String(at), 'webhook-signature': signature },
    };
  }
  const verdictOf = (delivery: Recorded, nowSeconds = sentAt) =>
    verifyAttempt(delivery, secret, { now: nowSeconds * 1000 });
  const without = (delivery: Recorded, header: string): Recorded => ({
    ...delivery,
    headers: Object.fromEntries(Object.entries(delivery.headers).filter(([name]) => name !== header)),
  });
  const withSignature = (value: string) => ({
    ...signed(),
    headers: { ...signed().headers, 'webhook-signature': value },
  });

  it('signatureHeadersPresent: webhook-id, webhook-timestamp and webhook-signature', () => {
    expect(signatureHeadersPresent('WHS-001', signed())).toBeUndefined();
    expect(signatureHeadersPresent('WHS-001', without(signed(), 'webhook-timestamp'))?.received).toBe(
      'missing webhook-timestamp',
    );
  });

  it('signatureEntriesWellFormed: space-separated v<n>,<base64> entries, one of them v1', () => {
    expect(signatureEntriesWellFormed('WHS-002', signed())).toBeUndefined();
    expect(signatureEntriesWellFormed('WHS-002', withSignature('v1a,c2ln v1,c2ln'))).toBeUndefined();
    for (const bad of ['v2,c2ln', 'v1:c2ln', 't=1,v1=abc', ''])
      expect(signatureEntriesWellFormed('WHS-002', withSignature(bad))?.rule, bad).toBe('WHS-002');
    expect(signatureEntriesWellFormed('WHS-002', without(signed(), 'webhook-signature'))?.received).toBe('(none)');
  });

  it('signatureVerified: the verifier’s verdict with the registered secret', () => {
    expect(signatureVerified('WHS-003', signed(), verdictOf(signed()))).toBeUndefined();
    const otherKey = signed({ key: otherSecret });
    expect(signatureVerified('WHS-003', otherKey, verdictOf(otherKey))?.received).toMatch(/^no v1 entry/);
  });

  it('everyAttemptVerifiesOnArrival: each attempt against the target’s clock when it arrived', () => {
    const first = signed();
    const retry = signed({ at: sentAt + 60 });
    const onArrival = [
      { delivery: first, verdict: verdictOf(first) },
      { delivery: retry, verdict: verdictOf(retry, sentAt + 61) },
    ];
    expect(everyAttemptVerifiesOnArrival('WHS-004', onArrival)).toBeUndefined();
    // A retry sent 10 minutes later with the first attempt's timestamp: stale when it arrives.
    const stale = [
      { delivery: first, verdict: verdictOf(first) },
      { delivery: first, verdict: verdictOf(first, sentAt + 600) },
    ];
    expect(everyAttemptVerifiesOnArrival('WHS-004', stale)?.received).toBe(
      "attempt 2: webhook-timestamp is 600 s behind the target's clock (tolerance 300 s)",
    );
  });

  it('signatureCoversBodyAsSent: a signature over another serialisation of the same JSON fails', () => {
    expect(signatureCoversBodyAsSent('WHS-006', signed(), verdictOf(signed()))).toBeUndefined();
    const indented = signed({ signedBody: JSON.stringify(JSON.parse(organizationEvent().body), null, 2) });
    expect(signatureCoversBodyAsSent('WHS-006', indented, verdictOf(indented))?.title).toBe('signed bytes');
  });

  it('docsRecipeDrift and signedBySomeScheme: the docs’ scalekit-signature recipe (C-07) beside the SDK’s', () => {
    const delivery = signed();
    const hex = createHmac('sha256', secret).update(`${sentAt}.${delivery.body}`).digest('hex');
    const recipe = { ...delivery, headers: { ...delivery.headers, 'scalekit-signature': `t=${sentAt},v1=${hex}` } };
    expect(docsRecipeDrift(recipe, secret)).toBeUndefined();
    expect(docsRecipeDrift(delivery, secret)?.detail).toMatch(/carry no scalekit-signature header$/);
    const wrong = { ...recipe, headers: { ...recipe.headers, 'scalekit-signature': `t=${sentAt},v1=00` } };
    expect(docsRecipeDrift(wrong, secret)).toMatchObject({
      kind: 'docs-recipe',
      rule: 'WHS-007',
      contradiction: 'C-07',
    });

    expect(signedBySomeScheme('WHS-007', delivery, secret)).toBeUndefined();
    expect(signedBySomeScheme('WHS-007', without(recipe, 'webhook-signature'), secret)).toBeUndefined();
    expect(signedBySomeScheme('WHS-007', without(wrong, 'webhook-signature'), secret)?.received).toBe('neither header');
  });
});

describe('rules for the receiving side and the spec, which the suite’s checks are held to', () => {
  it('WHP-008: fields the schema does not name are accepted, in the envelope and in data', () => {
    const delivery = exampleDelivery('organization.created', (e) => {
      e.x_extra = 1;
      (e.data as Record<string, unknown>).x_extra = 'x';
    });
    expect(checkPayloadSchema('WHP-007', registry, eventOf(delivery), delivery, false)).toBeUndefined();
    expect(rulesOf(delivery)).toEqual([]);
  });

  it('WHP-009: null is accepted for the nullable fields the spec’s examples send null in (C-13)', () => {
    for (const type of ['organization.created', 'user.signup', 'user.login', 'organization.directory.group_created']) {
      const delivery = exampleDelivery(type);
      expect(checkPayloadSchema('WHP-007', registry, eventOf(delivery), delivery, false), type).toBeUndefined();
    }
  });

  it('WHP-010: the spec declares 41 event types, each with a payload schema and a one-value object', () => {
    const types = registry.webhookTypes();
    expect(types).toHaveLength(41);
    expect(types.filter((type) => registry.webhookSchema(type) === undefined)).toEqual([]);
    expect(types.filter((type) => objectFor(type) === undefined)).toEqual([]);
  });
});
