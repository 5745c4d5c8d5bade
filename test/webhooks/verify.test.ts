import { ScalekitClient } from '@scalekit-sdk/node';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { signDelivery } from '../../src/mock/webhooks/signing.js';
import { type DeliveryAttempt, startReceiver } from '../../src/webhooks/receiver.js';
import {
  type SignedDelivery,
  tamperedVariants,
  type VerificationReason,
  verifyAttempt,
} from '../../src/webhooks/verify.js';

// The suite's signature verifier (WHS-001..WHS-005) against deliveries the mock's signDelivery signs and the
// receiver records, with every tampered variant; the official SDK and standardwebhooks must give the same verdicts.

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
