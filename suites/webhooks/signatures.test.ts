// Webhook signatures (WHS-001..WHS-007): a real delivery from the target must carry the three Standard Webhooks
// headers and verify with the secret registered for the endpoint (G-20), against the target's clock; its signature
// must cover the raw body bytes as sent. The docs' other recipe (C-07) is tried too and reported as drift when it
// does not verify.
//
// The tampering proofs of WHS-002..WHS-005 (another secret, a timestamp outside the 5-minute tolerance, a non-v1
// entry, a rotation list, a missing header) live in test/webhooks/verify.test.ts: they alter a received delivery
// and ask the suite's own verifier, so nothing the target does can fail them. They hold the verifier, not the
// target, to those rules; the tests here use that verifier on what the target really sends.
import { createHmac } from 'node:crypto';
import { describe } from 'vitest';
import { type Failure, failure } from '../../src/checks/failure.js';
import { describeDelivery } from '../../src/checks/webhooks.js';
import {
  assertConforms,
  assertPrecondition,
  exchangeOf,
  noteDrift,
  requireHook,
  type Target,
  test,
} from '../../src/harness/index.js';
import { targetNow, waitBudgetMs } from '../../src/harness/target.js';
import { withWebhookEndpoint } from '../../src/harness/webhooks.js';
import type { DeliveryAttempt } from '../../src/webhooks/receiver.js';
import { signatureHeaders, tamperedVariants, verifyAttempt } from '../../src/webhooks/verify.js';

interface Signed {
  delivery: DeliveryAttempt;
  secret: string;
  /** The target's clock when the delivery had arrived. */
  now: number;
}

let receiving: Promise<Signed> | undefined;

/** One real delivery for the whole file: an organization is created and its organization.created received. */
function signedDelivery(target: Target, skip: (note?: string) => never): Promise<Signed> {
  receiving ??= (async () => {
    await requireHook(target, 'webhooks', skip);
    return withWebhookEndpoint(target, { events: ['organization.created'] }, async ({ receiver, secret }) => {
      const { exchange } = await exchangeOf(target, () =>
        target.api.POST('/api/v1/organizations', { body: { display_name: `Signatures ${target.runTag}` } }),
      );
      assertPrecondition('creating an organization', exchange, [200, 201]);
      const [delivery] = await receiver.waitForAttempts(1, { timeoutMs: waitBudgetMs(target) });
      return { delivery: delivery as DeliveryAttempt, secret, now: await targetNow(target) };
    });
  })();
  return receiving;
}

describe('webhook signatures', () => {
  test('every delivery carries webhook-id, webhook-timestamp and webhook-signature', { tags: ['WHS-001'] }, async ({
    target,
    skip,
  }) => {
    const { delivery } = await signedDelivery(target, skip);
    const missing = signatureHeaders.filter((name) => !delivery.headers[name]);
    assertConforms(
      missing.length === 0
        ? undefined
        : failure(
            'WHS-001',
            'signature headers',
            signatureHeaders.join(', '),
            `missing ${missing.join(', ')}`,
            undefined,
            describeDelivery(delivery),
          ),
    );
  });

  test('the signature is v1,<base64 HMAC-SHA256> over id.timestamp.body, keyed by the registered secret', {
    tags: ['WHS-002', 'WHS-003'],
  }, async ({ target, skip }) => {
    const { delivery, secret, now } = await signedDelivery(target, skip);
    const entries = (delivery.headers['webhook-signature'] ?? '').split(' ').filter(Boolean);
    const verdict = verifyAttempt(delivery, secret, { now });
    assertConforms(
      entries.length > 0 &&
        entries.every((e) => /^v\d+[a-z]*,[A-Za-z0-9+/]+=*$/.test(e)) &&
        entries.some((e) => e.startsWith('v1,'))
        ? undefined
        : failure(
            'WHS-002',
            'webhook-signature',
            'space-separated v1,<base64> entries',
            delivery.headers['webhook-signature'] ?? '(none)',
          ),
      verdict.valid
        ? undefined
        : failure(
            'WHS-003',
            'signature',
            'verifies with the registered secret',
            verdict.message,
            undefined,
            describeDelivery(delivery),
          ),
    );
  });

  test('the signature covers the raw body bytes as sent, not another serialisation of the same JSON', {
    tags: ['WHS-006'],
  }, async ({ target, skip }) => {
    const { delivery, secret, now } = await signedDelivery(target, skip);
    const parsed = JSON.parse(delivery.body) as unknown;
    const serialisations = [JSON.stringify(parsed), JSON.stringify(parsed, null, 2), JSON.stringify(parsed, null, 4)];
    const verifies = (body: string) => verifyAttempt({ ...delivery, body }, secret, { now }).valid;
    const failures: Failure[] = [];
    if (!verifies(delivery.body)) {
      // Not valid as sent: tell a signature over another serialisation of the same JSON from a plain bad one.
      const signed = serialisations.find((body) => body !== delivery.body && verifies(body));
      if (signed === undefined) skip('precondition not met: the delivery does not verify at all (see WHS-003)');
      failures.push(
        failure(
          'WHS-006',
          'signed bytes',
          'a signature over the body as sent',
          'a signature over the same JSON serialised differently',
          undefined,
          describeDelivery(delivery),
        ),
      );
    }
    // And a changed byte of the body must not verify (a check of the verifier, kept beside the rule's target check).
    for (const variant of tamperedVariants(delivery, secret).filter((v) => v.name.startsWith('body '))) {
      if (verifyAttempt(variant.attempt, secret, { now }).valid !== (variant.expect === 'valid')) {
        failures.push(
          failure('WHS-006', variant.name, variant.expect, variant.expect === 'valid' ? 'invalid' : 'valid'),
        );
      }
    }
    assertConforms(...failures);
  });

  test('the docs’ other recipe (scalekit-signature, t=…,v1=<hex> over timestamp.body with the raw secret) does not apply: reported as drift', {
    tags: ['WHS-007'],
  }, async ({ target, skip }) => {
    const { delivery, secret } = await signedDelivery(target, skip);
    const timestamp = delivery.headers['webhook-timestamp'] ?? '';
    const hex = createHmac('sha256', secret).update(`${timestamp}.${delivery.body}`).digest('hex');
    const header = delivery.headers['scalekit-signature'];
    const recipeWorks = header?.includes(`v1=${hex}`) === true;
    if (!recipeWorks) {
      noteDrift({
        kind: 'docs-recipe',
        rule: 'WHS-007',
        contradiction: 'C-07',
        operation: 'webhook delivery',
        detail:
          header === undefined
            ? 'the docs’ scalekit-signature recipe cannot be followed: deliveries carry no scalekit-signature header'
            : 'the scalekit-signature header does not match the docs’ recipe',
      });
    }
    // Either scheme may be what a target sends; the SDK's scheme (WHS-003) is the one held to a MUST.
    assertConforms(
      recipeWorks || delivery.headers['webhook-signature']
        ? undefined
        : failure('WHS-007', 'any signature', 'webhook-signature or scalekit-signature', 'neither header'),
    );
  });
});
