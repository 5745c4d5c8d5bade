import { ScalekitClient } from '@scalekit-sdk/node';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { signDelivery } from '../../src/mock/webhooks/signing.js';
import type { RuleId } from '../../src/rules/catalogue.js';
import { type DeliveryAttempt, startReceiver } from '../../src/webhooks/receiver.js';
import {
  type SignedDelivery,
  tamperedVariants,
  type VerificationReason,
  verifyAttempt,
} from '../../src/webhooks/verify.js';

// The suite's signature verifier (WHS-001..WHS-005) against deliveries the mock's signDelivery signs and the
// receiver records, with every tampered variant; the official SDK and standardwebhooks must give the same verdicts.
// The tampering proofs of WHS-002..WHS-005 are here, not in suites/webhooks/signatures.test.ts: they alter a
// delivery and ask the suite's own verifier, so nothing a target does could fail them.

const secret = `whsec_${Buffer.from('a 32-byte signing key for tests!').toString('base64')}`;
const runs = { seed: 20260521, numRuns: 200 };
// Offline: the constructor only stores the URL; signature checks never call it.
const sdk = new ScalekitClient('http://sdk.invalid', 'client', 'client-secret');

// Started at collection: the variant tables below are built from deliveries it recorded.
const receiver = await startReceiver();
afterAll(() => receiver.close());

/** A delivery signed by the mock's signer, as the receiver recorded it off the wire. */
async function delivered(body: string, timestampSeconds: number, id = 'evt_1'): Promise<DeliveryAttempt> {
  const headers = { 'content-type': 'application/json', ...signDelivery({ id, timestampSeconds, body, secret }) };
  const before = receiver.attempts().length;
  await fetch(receiver.url, { method: 'POST', headers, body }).then((r) => r.arrayBuffer());
  const attempt = receiver.attempts()[before];
  if (!attempt) throw new Error('the receiver recorded no attempt');
  return attempt;
}

const body = '{"id":"evt_1","type":"organization.created","data":{"display_name":"Zoë\\t & Co"}}';
const fixedSeconds = Date.UTC(2026, 0, 1) / 1000;

describe('verifyAttempt on the target clock', () => {
  it('accepts a delivery the mock signed and returns its payload', async () => {
    const attempt = await delivered(body, fixedSeconds);
    expect(verifyAttempt(attempt, secret, { now: fixedSeconds * 1000 })).toEqual({
      valid: true,
      payload: JSON.parse(body),
    });
  });

  it('takes up to the tolerance either way, and not a second more (WHS-004)', async () => {
    const attempt = await delivered(body, fixedSeconds);
    const at = (offsetSeconds: number, toleranceSeconds?: number) =>
      verifyAttempt(attempt, secret, { now: (fixedSeconds + offsetSeconds) * 1000, toleranceSeconds });
    expect(at(300).valid).toBe(true);
    expect(at(-300).valid).toBe(true);
    expect(at(301)).toMatchObject({ reason: 'timestamp-too-old', message: expect.stringMatching(/301 s behind/) });
    expect(at(-301)).toMatchObject({ reason: 'timestamp-too-new', message: expect.stringMatching(/301 s ahead/) });
    expect(at(61, 60)).toMatchObject({ reason: 'timestamp-too-old' });
  });

  it('accepts any matching v1 entry and ignores other versions and odd lengths', async () => {
    const attempt = await delivered(body, fixedSeconds);
    const signature = `v1a,abc v2,xyz v1,c2hvcnQ= ${attempt.headers['webhook-signature']}`;
    const rotated = { ...attempt, headers: { ...attempt.headers, 'webhook-signature': signature } };
    expect(verifyAttempt(rotated, secret, { now: fixedSeconds * 1000 }).valid).toBe(true);
  });

  it('reports a timestamp that is not Unix seconds, a body that is not JSON, and an unusable secret', () => {
    const now = fixedSeconds * 1000;
    const signedOver = (text: string) => ({
      headers: { ...signDelivery({ id: 'evt_1', timestampSeconds: fixedSeconds, body: text, secret }) },
      body: text,
    });
    const odd = signedOver(body);
    odd.headers['webhook-timestamp'] = `${fixedSeconds}abc`;
    expect(verifyAttempt(odd, secret, { now })).toMatchObject({ reason: 'malformed-timestamp' });
    expect(verifyAttempt(signedOver('not json'), secret, { now })).toMatchObject({ reason: 'payload-not-json' });
    expect(() => verifyAttempt(signedOver(body), 'plain-secret', { now })).toThrow(/use whsec_ followed by base64/);
  });

  it('agrees with the mock signer on any id, timestamp and body, and rejects any one-character change', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 4_102_444_800 }),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.nat(),
        (id, timestampSeconds, text, position) => {
          const headers = signDelivery({ id, timestampSeconds, body: text, secret });
          const now = timestampSeconds * 1000;
          const verdict = verifyAttempt({ headers, body: text }, secret, { now });
          expect(verdict.valid || verdict.reason === 'payload-not-json').toBe(true);
          const chars = [...text];
          const index = position % (chars.length + 1);
          const changed = [...chars.slice(0, index), index < chars.length ? '\u0000' : '!', ...chars.slice(index + 1)];
          fc.pre(changed.join('') !== text);
          expect(verifyAttempt({ headers, body: changed.join('') }, secret, { now })).toMatchObject({
            reason: 'bad-signature',
          });
        },
      ),
      runs,
    );
  });
});

describe('tampered variants of one delivery', async () => {
  const attempt = await delivered(body, fixedSeconds);
  const variants = tamperedVariants(attempt, secret);

  it('cover every case the suite needs', () => {
    expect(variants.map((v) => [v.name, v.expect, v.reason])).toEqual([
      ['signed with another secret', 'invalid', 'bad-signature'],
      ['body changed by one byte', 'invalid', 'bad-signature'],
      ['timestamp 360 s in the past, re-signed', 'invalid', 'timestamp-too-old'],
      ['timestamp 360 s in the future, re-signed', 'invalid', 'timestamp-too-new'],
      ['webhook-id missing', 'invalid', 'missing-header'],
      ['webhook-timestamp missing', 'invalid', 'missing-header'],
      ['webhook-signature missing', 'invalid', 'missing-header'],
      ['v1 entries relabelled v1a', 'invalid', 'bad-signature'],
      ['a wrong v1 signature before the right one (key rotation)', 'valid', undefined],
    ]);
  });

  it('change only what they name', () => {
    const [, oneByte, tooOld] = variants;
    const differing = [...attempt.body].filter((char, i) => char !== oneByte?.attempt.body[i]);
    expect([differing.length, Buffer.byteLength(oneByte?.attempt.body ?? '')]).toEqual([1, Buffer.byteLength(body)]);
    expect(tooOld?.attempt.body).toBe(attempt.body);
    // Re-signed: at its own timestamp the old one verifies, so only the timestamp is wrong.
    const shifted = Number(tooOld?.attempt.headers['webhook-timestamp']) * 1000;
    expect(tooOld && verifyAttempt(tooOld.attempt, secret, { now: shifted }).valid).toBe(true);
  });

  it.each(variants.map((v) => [v.name, v] as const))('%s: verdict as expected', (_, variant) => {
    const verdict = verifyAttempt(variant.attempt, secret, { now: fixedSeconds * 1000 });
    expect(verdict.valid).toBe(variant.expect === 'valid');
    if (!verdict.valid) expect(verdict.reason).toBe(variant.reason);
  });

  it('need a delivery with its three headers', () => {
    const { 'webhook-id': _, ...headers } = attempt.headers;
    expect(() => tamperedVariants({ headers, body }, secret)).toThrow(/all three webhook-\* headers/);
  });
});

describe('cross-checked with @scalekit-sdk/node and standardwebhooks (both on the real clock)', async () => {
  const sdkMessages: Record<VerificationReason, RegExp> = {
    'missing-header': /Missing required headers/,
    'malformed-timestamp': /Invalid Signature Headers/,
    'timestamp-too-old': /timestamp too old/,
    'timestamp-too-new': /timestamp too new/,
    'bad-signature': /Invalid Signature/,
    'payload-not-json': /never thrown/,
  };
  const sdkVerdict = (d: SignedDelivery) => {
    try {
      return sdk.verifyWebhookPayload(secret, { ...d.headers }, d.body) ? 'valid' : 'false';
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  };
  const libraryVerdict = (d: SignedDelivery) => {
    try {
      new Webhook(secret).verify(d.body, { ...d.headers });
      return 'valid';
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  };
  const attempt = await delivered(body, Math.floor(Date.now() / 1000));

  it('all three accept the delivery as sent', () => {
    expect(verifyAttempt(attempt, secret, { now: Date.now() }).valid).toBe(true);
    expect([sdkVerdict(attempt), libraryVerdict(attempt)]).toEqual(['valid', 'valid']);
  });

  it.each(tamperedVariants(attempt, secret).map((v) => [v.name, v] as const))('%s: all three agree', (_, variant) => {
    const ours = verifyAttempt(variant.attempt, secret, { now: Date.now() });
    const theirs = [sdkVerdict(variant.attempt), libraryVerdict(variant.attempt)];
    if (variant.expect === 'valid') {
      expect([ours.valid, ...theirs]).toEqual([true, 'valid', 'valid']);
    } else {
      expect(ours).toMatchObject({ valid: false, reason: variant.reason });
      expect(theirs[0]).toMatch(sdkMessages[variant.reason ?? 'payload-not-json']);
      expect(theirs[1]).not.toBe('valid');
    }
  });
});

/** Which rule each tampered variant proves (the split suites/webhooks/signatures.test.ts once made). */
function ruleOfVariant(name: string): RuleId {
  if (name.endsWith(' missing')) return 'WHS-005';
  if (name.includes('another secret')) return 'WHS-003';
  if (name.startsWith('body ')) return 'WHS-006';
  if (name.startsWith('timestamp ')) return 'WHS-004';
  return 'WHS-002';
}

describe('the tampering proofs of WHS-002..WHS-004, on deliveries signed here and a target clock moved by hand', () => {
  // The target's clock is a ManualClock decades away from ours: a verifier that looked at Date.now() would refuse
  // every delivery as too new, so each valid verdict below also proves the clock is the injected one.
  const deliveries = fc.record({
    id: fc.string({ minLength: 1, maxLength: 40 }),
    body: fc
      .dictionary(fc.string(), fc.jsonValue(), { maxKeys: 5 })
      .map((data) => JSON.stringify({ id: 'evt_1', type: 'organization.created', data })),
    sentAt: fc.integer({ min: Date.UTC(2040, 0, 1), max: Date.UTC(2100, 0, 1) }),
    // How long the delivery took to arrive, on the target's clock: within the minute tamperedVariants allows.
    transitMs: fc.integer({ min: 0, max: 59_000 }),
  });
  const otherSecrets = fc
    .uint8Array({ minLength: 1, maxLength: 64 })
    .map((key) => `whsec_${Buffer.from(key).toString('base64')}`)
    .filter((other) => other !== secret);
  const base64 = fc.uint8Array({ minLength: 1, maxLength: 48 }).map((bytes) => Buffer.from(bytes).toString('base64'));

  /** A delivery the target signed with its clock's time, and that clock once the delivery has arrived. */
  function arrived(delivery: { id: string; body: string; sentAt: number; transitMs: number }) {
    const clock = new ManualClock(delivery.sentAt);
    const { id, body } = delivery;
    const headers = signDelivery({ id, timestampSeconds: clock.now() / 1000, body, secret });
    clock.advance(delivery.transitMs);
    return { attempt: { headers, body }, clock };
  }

  /** The same delivery with one header replaced. */
  const withHeader = (attempt: SignedDelivery, name: string, value: string): SignedDelivery => ({
    ...attempt,
    headers: { ...attempt.headers, [name]: value },
  });

  it('sort every tampered variant under one rule, with variants for each of WHS-002..WHS-004', async () => {
    const variants = tamperedVariants(await delivered(body, fixedSeconds), secret);
    const rules = variants.map((v) => ruleOfVariant(v.name));
    expect(rules).toEqual([
      'WHS-003',
      'WHS-006',
      'WHS-004',
      'WHS-004',
      'WHS-005',
      'WHS-005',
      'WHS-005',
      'WHS-002',
      'WHS-002',
    ]);
  });

  it.each(['WHS-002', 'WHS-003', 'WHS-004'] as const)('%s: its variants get the verdicts the rule gives', (rule) => {
    fc.assert(
      fc.property(deliveries, (delivery) => {
        const { attempt, clock } = arrived(delivery);
        expect(verifyAttempt(attempt, secret, { now: clock.now() }).valid).toBe(true);
        const variants = tamperedVariants(attempt, secret).filter((v) => ruleOfVariant(v.name) === rule);
        expect(variants.length).toBeGreaterThan(0);
        for (const variant of variants) {
          const verdict = verifyAttempt(variant.attempt, secret, { now: clock.now() });
          expect([variant.name, verdict.valid ? 'valid' : 'invalid']).toEqual([variant.name, variant.expect]);
          if (!verdict.valid) expect(verdict.reason).toBe(variant.reason);
        }
      }),
      { ...runs, numRuns: 50 },
    );
  });

  it('WHS-002: only v1 entries count, and a rotation list passes wherever the right v1 entry stands among wrong ones', () => {
    fc.assert(
      fc.property(
        deliveries,
        fc.array(fc.oneof(otherSecrets, base64), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('v0', 'v1a', 'v2', 'V1', 'v'),
        fc.nat(),
        (delivery, wrong, label, position) => {
          const { attempt, clock } = arrived(delivery);
          const now = clock.now();
          const right = attempt.headers['webhook-signature'];
          const timestampSeconds = Number(attempt.headers['webhook-timestamp']);
          // A wrong v1 entry: signed with another key, or just some base64.
          const wrongEntries = wrong.map((w) =>
            w.startsWith('whsec_')
              ? signDelivery({ id: delivery.id, timestampSeconds, body: delivery.body, secret: w })['webhook-signature']
              : `v1,${w}`,
          );
          const relabelled = right.replace(/^v1,/, `${label},`);
          const list = (entries: string[]) => withHeader(attempt, 'webhook-signature', entries.join(' '));
          const at = position % (wrongEntries.length + 1);
          const rotation = [...wrongEntries.slice(0, at), right, ...wrongEntries.slice(at)];
          expect(verifyAttempt(list(rotation), secret, { now }).valid).toBe(true);
          expect(verifyAttempt(list([relabelled, ...rotation]), secret, { now }).valid).toBe(true);
          expect(verifyAttempt(list([relabelled]), secret, { now })).toMatchObject({ reason: 'bad-signature' });
          expect(verifyAttempt(list([...wrongEntries, relabelled]), secret, { now })).toMatchObject({
            reason: 'bad-signature',
          });
        },
      ),
      { ...runs, numRuns: 100 },
    );
  });

  it('WHS-003: a delivery signed with any other secret fails, and verifies with the secret it was signed with', () => {
    fc.assert(
      fc.property(deliveries, otherSecrets, (delivery, other) => {
        const { attempt, clock } = arrived(delivery);
        const now = clock.now();
        const timestampSeconds = Number(attempt.headers['webhook-timestamp']);
        const signedWithOther = signDelivery({ id: delivery.id, timestampSeconds, body: delivery.body, secret: other });
        const forged = withHeader(attempt, 'webhook-signature', signedWithOther['webhook-signature']);
        expect(verifyAttempt(forged, secret, { now })).toMatchObject({ valid: false, reason: 'bad-signature' });
        expect(verifyAttempt(forged, other, { now }).valid).toBe(true);
        expect(verifyAttempt(attempt, other, { now })).toMatchObject({ valid: false, reason: 'bad-signature' });
      }),
      { ...runs, numRuns: 100 },
    );
  });

  it('WHS-004: a timestamp more than 300 s off the target’s clock, either way, fails even when re-signed', () => {
    fc.assert(
      fc.property(deliveries, fc.integer({ min: -3_600, max: 3_600 }), (delivery, offsetSeconds) => {
        const { clock } = arrived(delivery);
        const now = clock.now();
        const timestampSeconds = Math.floor(now / 1000) + offsetSeconds;
        const resigned = { headers: signDelivery({ ...delivery, timestampSeconds, secret }), body: delivery.body };
        const verdict = verifyAttempt(resigned, secret, { now });
        if (Math.abs(offsetSeconds) <= 300) expect(verdict.valid).toBe(true);
        else expect(verdict).toMatchObject({ reason: offsetSeconds < 0 ? 'timestamp-too-old' : 'timestamp-too-new' });
      }),
      { ...runs, numRuns: 200 },
    );
  });

  it('WHS-004: a delivery that verified on arrival fails once the target’s clock is past the tolerance', () => {
    fc.assert(
      fc.property(deliveries, fc.integer({ min: 1, max: 86_400 }), (delivery, lateSeconds) => {
        const { attempt, clock } = arrived(delivery);
        expect(verifyAttempt(attempt, secret, { now: clock.now() }).valid).toBe(true);
        const sentSeconds = Number(attempt.headers['webhook-timestamp']);
        clock.advance((sentSeconds + 300 + lateSeconds) * 1000 - clock.now());
        expect(verifyAttempt(attempt, secret, { now: clock.now() })).toMatchObject({ reason: 'timestamp-too-old' });
      }),
      { ...runs, numRuns: 100 },
    );
  });
});
