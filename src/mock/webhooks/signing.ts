import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

// Webhook signatures (WHS-001..WHS-005): the Standard Webhooks scheme the Node SDK verifies (C-07, C-08). The
// signed content is `<webhook-id>.<webhook-timestamp>.<raw body>`, HMAC-SHA256 keyed with the base64-decoded
// part of the secret after `whsec_`, sent as `v1,<base64>`. The `standardwebhooks` library computes it.

// A type alias, not an interface, so it passes where a plain header record is expected.
export type DeliveryHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

const secretPattern = /^whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;

/**
 * Whether a secret works with both the SDK (which decodes the part after the first `_`) and standardwebhooks
 * (which strips `whsec_`): `whsec_` followed by non-empty standard base64.
 */
export function isWebhookSecret(secret: string): boolean {
  return secretPattern.test(secret);
}

export function signDelivery(delivery: {
  id: string;
  timestampSeconds: number;
  body: string;
  secret: string;
}): DeliveryHeaders {
  if (!isWebhookSecret(delivery.secret)) throw new TypeError('webhook secret must be whsec_ followed by base64');
  const timestamp = Math.floor(delivery.timestampSeconds);
  return {
    'webhook-id': delivery.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': new Webhook(delivery.secret).sign(delivery.id, new Date(timestamp * 1000), delivery.body),
  };
}

/** A signature over the raw body alone, without the id and timestamp: only the `webhooks.sign-body-only` fault. */
export function signBodyOnly(secret: string, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(body).digest('base64')}`;
}

export type VerificationFailure =
  | 'missing-headers'
  | 'invalid-secret'
  | 'invalid-timestamp'
  | 'timestamp-too-old'
  | 'timestamp-too-new'
  | 'no-matching-signature';

export type VerificationResult = { valid: true } | { valid: false; reason: VerificationFailure; message: string };

/** Header values as fetch's Headers, node's IncomingHttpHeaders or a plain record give them. */
export type HeaderSource = Headers | { readonly [name: string]: string | string[] | undefined };

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

const fail = (reason: VerificationFailure, message: string): VerificationResult => ({ valid: false, reason, message });

/**
 * Verifies a delivery as a receiver would. The timestamp is checked against `nowMs`, the target's clock (target
 * contract, clock hook), not the receiver's own: under a mock clock the two differ. Tolerance 5 minutes (WHS-004).
 */
export function verifyDelivery(delivery: {
  headers: HeaderSource;
  body: string;
  secret: string;
  nowMs: number;
  toleranceSeconds?: number;
}): VerificationResult {
  const id = header(delivery.headers, 'webhook-id');
  const timestampText = header(delivery.headers, 'webhook-timestamp');
  const signatures = header(delivery.headers, 'webhook-signature');
  if (!id || !timestampText || !signatures) return fail('missing-headers', 'Missing required headers');
  if (!isWebhookSecret(delivery.secret)) return fail('invalid-secret', 'secret is not whsec_ followed by base64');
  if (!/^\d+$/.test(timestampText)) return fail('invalid-timestamp', `webhook-timestamp "${timestampText}"`);
  const timestamp = Number(timestampText);
  const age = Math.floor(delivery.nowMs / 1000) - timestamp;
  const tolerance = delivery.toleranceSeconds ?? 300;
  if (age > tolerance) return fail('timestamp-too-old', `${age} s old, tolerance ${tolerance} s`);
  if (-age > tolerance) return fail('timestamp-too-new', `${-age} s ahead, tolerance ${tolerance} s`);
  const { secret, body } = delivery;
  const expected = Buffer.from(signDelivery({ id, timestampSeconds: timestamp, body, secret })['webhook-signature']);
  // A space-separated list; only v1 entries count (WHS-002).
  const matches = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .some((entry) => {
      const candidate = Buffer.from(entry);
      return candidate.length === expected.length && timingSafeEqual(candidate, expected);
    });
  return matches ? { valid: true } : fail('no-matching-signature', 'No matching v1 signature found');
}
