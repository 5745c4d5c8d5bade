// Webhook signatures (WHS-001..WHS-007): a real delivery from the target must carry the three Standard Webhooks
// headers and verify with the secret registered for the endpoint, against the target's clock; and what binds the
// signature must really bind it: another secret, one changed byte of the body, a re-serialised body, a timestamp
// outside the 5-minute tolerance, a non-v1 entry all fail, while a rotation list with the right entry passes
// (G-20). The docs' other recipe (C-07) is tried too and reported as drift when it does not verify.
import { createHmac } from 'node:crypto';
import { describe } from 'vitest';
import { type Failure, failure } from '../../src/checks/failure.js';
import { describeDelivery } from '../../src/checks/webhooks.js';
import { assertConforms, exchangeOf, noteDrift, requireHook, type Target, test } from '../../src/harness/index.js';
import { targetNow } from '../../src/harness/target.js';
import { withWebhookEndpoint } from '../../src/harness/webhooks.js';
import type { RuleId } from '../../src/rules/catalogue.js';
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
      if (exchange.status >= 300)
        skip(`precondition not met: creating an organization was answered ${exchange.status}`);
      const [delivery] = await receiver.waitForAttempts(1, { timeoutMs: 5_000 });
      return { delivery: delivery as DeliveryAttempt, secret, now: await targetNow(target) };
    });
  })();
  return receiving;
}

/** Which rule each kind of tampering proves. */
function ruleOfVariant(name: string): RuleId | undefined {
  if (name.includes('secret')) return 'WHS-003';
  if (name.includes('body')) return 'WHS-006';
  if (name.includes('timestamp')) return 'WHS-004';
  // A missing header (WHS-005) binds the receiver only: test/webhooks/verify.test.ts holds the verifier to it.
  if (name.includes('missing')) return undefined;
  return 'WHS-002';
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

  // One test per rule, so a report names exactly the rule a target breaks.
  const tamperingRules = {
    'WHS-002': 'only v1 entries count, and a rotation list with the right entry among wrong ones passes',
    'WHS-003': 'a delivery checked with another secret fails',
    'WHS-004': 'a timestamp more than 5 minutes off the target’s clock, either way, fails even when re-signed',
  } as const satisfies Partial<Record<RuleId, string>>;

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
    for (const variant of tamperedVariants(delivery, secret).filter((v) => ruleOfVariant(v.name) === 'WHS-006')) {
      if (verifyAttempt(variant.attempt, secret, { now }).valid !== (variant.expect === 'valid')) {
        failures.push(
          failure('WHS-006', variant.name, variant.expect, variant.expect === 'valid' ? 'invalid' : 'valid'),
        );
      }
    }
    assertConforms(...failures);
  });

  for (const [rule, title] of Object.entries(tamperingRules) as [keyof typeof tamperingRules, string][]) {
    test(title, { tags: [rule] }, async ({ target, skip }) => {
      const { delivery, secret, now } = await signedDelivery(target, skip);
      if (!verifyAttempt(delivery, secret, { now }).valid)
        skip('precondition not met: the delivery itself does not verify');
      const failures: Failure[] = [];
      for (const variant of tamperedVariants(delivery, secret).filter((v) => ruleOfVariant(v.name) === rule)) {
        const verdict = verifyAttempt(variant.attempt, secret, { now });
        const got = verdict.valid ? 'valid' : 'invalid';
        if (got !== variant.expect) failures.push(failure(rule, variant.name, variant.expect, got));
      }
      assertConforms(...failures);
    });
  }

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
