// Webhook event payloads (WHP-001..WHP-010): the file makes the target emit every event type it can through its
// API (fixtures/builders/webhook-triggers.ts), receives the deliveries at its own endpoint, and checks each one:
// the envelope every event shares, the spec's schema for its type (webhooks.<type>, OpenAPI 3.1 top-level
// webhooks), nulls per the profile (C-13), and event types outside the spec as drift. Types the API cannot
// produce (a DNS check, a directory sync, a sign-up on the hosted page) are named by the fixture, not hidden.
// What binds only the receiving side (unknown fields and nulls accepted, WHP-008/009) and the spec's own 41 types
// (WHP-010) are proven by the harness tests of the checks themselves.
import { describe, inject } from 'vitest';
import { cleanupTriggers, runTriggers, type TriggerRun } from '../../fixtures/builders/webhook-triggers.js';
import {
  type EnvelopeRule,
  eventEnvelopesConform,
  eventTypeOf,
  everyTriggeredTypeDelivered,
  objectValueFor,
  payloadsMatchSchemas,
  undeclaredEventTypes,
} from '../../src/checks/webhooks.js';
import { assertConforms, noteDrift, requireHook, type Target, test } from '../../src/harness/index.js';
import { targetWait } from '../../src/harness/target.js';
import { withWebhookEndpoint } from '../../src/harness/webhooks.js';
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
      const arrivedTypes = () => new Set(receiver.attempts().map(eventTypeOf));
      // Deliveries leave one at a time; wait until every triggered type has arrived, or the deadline.
      for (let seen = receiver.attempts().length; !run.triggered.every((t) => arrivedTypes().has(t)); seen += 1) {
        const more = await receiver.waitForAttempts(seen + 1, targetWait(target)).catch(() => undefined);
        if (!more) break;
      }
      await cleanupTriggers(target, run.context);
      return { run, deliveries: receiver.attempts() };
    });
  })();
  return collecting;
}

async function deliveries(target: Target, skip: (note?: string) => never): Promise<DeliveryAttempt[]> {
  const { deliveries: all } = await collect(target, skip);
  if (all.length === 0) skip('precondition not met: no event was delivered to the receiver');
  return all;
}

describe('webhook event payloads', () => {
  // One test per rule, so a report names exactly the rules a delivery breaks.
  const envelopeCases: [EnvelopeRule, string][] = [
    ['WHD-016', 'every delivery is a POST with a JSON event body'],
    ['WHP-001', 'every event has spec_version, id, type, occurred_at, environment_id, object and data'],
    ['WHP-002', 'spec_version is a string of digits'],
    ['WHP-003', 'the event id starts with evt_'],
    ['WHP-004', 'environment_id starts with env_, and organization_id, when present, with org_'],
    ['WHP-005', 'occurred_at is an ISO 8601 date-time'],
    ['WHP-006', 'object is the one value the spec gives the event type'],
  ];
  for (const [rule, title] of envelopeCases) {
    test(title, { tags: [rule] }, async ({ target, skip }) => {
      const spec = await dereferencedSpec(inject('conformance').specPath);
      const objectFor = (type: string) => objectValueFor(spec, type);
      assertConforms(...eventEnvelopesConform(rule, await deliveries(target, skip), objectFor));
    });
  }

  test('every payload is valid against the spec’s schema for its event type, nulls as the profile says', {
    tags: ['WHP-007'],
  }, async ({ target, skip }) => {
    const all = await deliveries(target, skip);
    noteDrift(...undeclaredEventTypes(target.schemas, all));
    assertConforms(...payloadsMatchSchemas('WHP-007', target.schemas, all, target.profile.schema.strictNulls));
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
    assertConforms(everyTriggeredTypeDelivered('WHD-016', run.triggered, all));
  });
});
