import { describe, expect, it } from 'vitest';
import {
  checkEnvelope,
  checkPayloadSchema,
  compareSchedule,
  objectValueFor,
  type ReceivedDelivery,
  readEvent,
} from '../../src/checks/webhooks.js';
import { dereferencedSpec, readSpecFile } from '../../src/spec/document.js';
import { SchemaRegistry } from '../../src/spec/schemas.js';

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
    expect(checkPayloadSchema(registry, eventOf(delivery), delivery, false)).toBeUndefined();
    // The example's own `external_id: null` against a string schema is what C-13 is about: refused only when strict.
    expect(checkPayloadSchema(registry, eventOf(delivery), delivery, true)?.details?.[0]).toBe(
      '/data/external_id must be string',
    );
    const withoutId = exampleDelivery('organization.created', (e) => delete (e.data as Record<string, unknown>).id);
    const problem = checkPayloadSchema(registry, eventOf(withoutId), withoutId, false);
    expect(problem?.details?.[0]).toMatch(/\/data must have required property 'id'/);
    const unknown = exampleDelivery('organization.created', (e) => (e.type = 'organization.exploded'));
    expect(checkPayloadSchema(registry, eventOf(unknown), unknown, false)).toBeUndefined();
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

describe('rules for the receiving side and the spec, which the suite’s checks are held to', () => {
  it('WHP-008: fields the schema does not name are accepted, in the envelope and in data', () => {
    const delivery = exampleDelivery('organization.created', (e) => {
      e.x_extra = 1;
      (e.data as Record<string, unknown>).x_extra = 'x';
    });
    expect(checkPayloadSchema(registry, eventOf(delivery), delivery, false)).toBeUndefined();
    expect(rulesOf(delivery)).toEqual([]);
  });

  it('WHP-009: null is accepted for the nullable fields the spec’s examples send null in (C-13)', () => {
    for (const type of ['organization.created', 'user.signup', 'user.login', 'organization.directory.group_created']) {
      const delivery = exampleDelivery(type);
      expect(checkPayloadSchema(registry, eventOf(delivery), delivery, false), type).toBeUndefined();
    }
  });

  it('WHP-010: the spec declares 41 event types, each with a payload schema and a one-value object', () => {
    const types = registry.webhookTypes();
    expect(types).toHaveLength(41);
    expect(types.filter((type) => registry.webhookSchema(type) === undefined)).toEqual([]);
    expect(types.filter((type) => objectFor(type) === undefined)).toEqual([]);
  });
});
