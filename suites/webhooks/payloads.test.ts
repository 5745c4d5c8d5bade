// Webhook event payloads (WHP-001..WHP-010): the file makes the target emit every event type it can through its
// API (fixtures/builders/webhook-triggers.ts), receives the deliveries at its own endpoint, and checks each one:
// the envelope every event shares, the spec's schema for its type (webhooks.<type>, OpenAPI 3.1 top-level
// webhooks), nulls per the profile (C-13), and event types outside the spec as drift. Types the API cannot
// produce (a DNS check, a directory sync, a sign-up on the hosted page) are named by the fixture, not hidden.
// What binds only the receiving side (unknown fields and nulls accepted, WHP-008/009) and the spec's own 41 types
// (WHP-010) are proven by the harness tests of the checks themselves.
import { describe, inject } from 'vitest';
import { cleanupTriggers, runTriggers, type TriggerRun } from '../../fixtures/builders/webhook-triggers.js';
import { type Failure, failure } from '../../src/checks/failure.js';
import { checkEnvelope, checkPayloadSchema, objectValueFor, readEvent } from '../../src/checks/webhooks.js';
import { assertConforms, noteDrift, requireHook, type Target, test } from '../../src/harness/index.js';
import { waitBudgetMs } from '../../src/harness/target.js';
import { withWebhookEndpoint } from '../../src/harness/webhooks.js';
import type { RuleId } from '../../src/rules/catalogue.js';
import { dereferencedSpec } from '../../src/spec/document.js';
import type { DeliveryAttempt } from '../../src/webhooks/receiver.js';

interface Collected {
  run: TriggerRun;
  deliveries: DeliveryAttempt[];
}

let collecting: Promise<Collected> | undefined;

/** Triggers every event type once for the whole file and collects what arrives at the receiver. */
function collect(target: Target, skip: (note?: string) => never): Promise<Collected> {
  collecting ??= (async () => {
    await requireHook(target, 'webhooks', skip);
    return withWebhookEndpoint(target, {}, async ({ receiver }) => {
      const run = await runTriggers(target);
      const arrivedTypes = () => new Set(receiver.attempts().map((a) => typeOf(a)));
      // Deliveries leave one at a time; wait until every triggered type has arrived, or the deadline.
      for (let seen = receiver.attempts().length; !run.triggered.every((t) => arrivedTypes().has(t)); seen += 1) {
        const more = await receiver
          .waitForAttempts(seen + 1, { timeoutMs: waitBudgetMs(target) })
          .catch(() => undefined);
        if (!more) break;
      }
      await cleanupTriggers(target, run.context);
      return { run, deliveries: receiver.attempts() };
    });
  })();
  return collecting;
}

const typeOf = (attempt: DeliveryAttempt) => {
  try {
    return String((JSON.parse(attempt.body) as { type?: unknown }).type);
  } catch {
    return '(not JSON)';
  }
};

async function deliveries(target: Target, skip: (note?: string) => never): Promise<DeliveryAttempt[]> {
  const { deliveries: all } = await collect(target, skip);
  if (all.length === 0) skip('precondition not met: no event was delivered to the receiver');
  return all;
}

describe('webhook event payloads', () => {
  // One test per rule, so a report names exactly the rules a delivery breaks.
  const envelopeRules = {
    'WHD-016': 'every delivery is a POST with a JSON event body',
    'WHP-001': 'every event has spec_version, id, type, occurred_at, environment_id, object and data',
    'WHP-002': 'spec_version is a string of digits',
    'WHP-003': 'the event id starts with evt_',
    'WHP-004': 'environment_id starts with env_, and organization_id, when present, with org_',
    'WHP-005': 'occurred_at is an ISO 8601 date-time',
    'WHP-006': 'object is the one value the spec gives the event type',
  } as const satisfies Partial<Record<RuleId, string>>;
  for (const [rule, title] of Object.entries(envelopeRules) as [keyof typeof envelopeRules, string][]) {
    test(title, { tags: [rule] }, async ({ target, skip }) => {
      const spec = await dereferencedSpec(inject('conformance').specPath);
      const objectFor = (type: string) => objectValueFor(spec, type);
      const failures: Failure[] = [];
      for (const delivery of await deliveries(target, skip)) {
        const read = readEvent(delivery);
        if (read.problem) failures.push(read.problem);
        else failures.push(...checkEnvelope(read.event, delivery, objectFor));
      }
      assertConforms(...failures.filter((f) => f.rule === rule).slice(0, 20));
    });
  }

  test('every payload is valid against the spec’s schema for its event type, nulls as the profile says', {
    tags: ['WHP-007'],
  }, async ({ target, skip }) => {
    const failures: (Failure | undefined)[] = [];
    for (const delivery of await deliveries(target, skip)) {
      const { event } = readEvent(delivery);
      if (!event) continue;
      const type = String(event.type);
      if (target.schemas.webhookSchema(type) === undefined) {
        noteDrift({
          kind: 'undeclared-event-type',
          rule: 'WHP-010',
          operation: `webhook ${type}`,
          detail: `the target delivered ${type}, which the spec's webhooks do not declare`,
        });
        continue;
      }
      failures.push(checkPayloadSchema(target.schemas, event, delivery, target.profile.schema.strictNulls));
    }
    assertConforms(...failures.filter(Boolean).slice(0, 20));
  });

  test('an endpoint subscribed to every event receives each event type the API calls caused', {
    tags: ['WHD-016'],
  }, async ({ target, skip }) => {
    const { run, deliveries: all } = await collect(target, skip);
    if (run.triggered.length === 0) {
      skip(
        `precondition not met: no API call could emit an event (${run.notTriggered.map((n) => `${n.type}: ${n.reason}`).join('; ')})`,
      );
    }
    const arrived = new Set(all.map(typeOf));
    const missing = run.triggered.filter((type) => !arrived.has(type));
    assertConforms(
      missing.length === 0
        ? undefined
        : failure(
            'WHD-016',
            'events delivered',
            `a delivery of each event type the API calls caused (${run.triggered.length})`,
            `none of ${missing.join(', ')}`,
          ),
    );
  });
});
