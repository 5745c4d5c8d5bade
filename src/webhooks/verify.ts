import { timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

// The suite's own check of a delivery's signature (WHS-001..WHS-005), and of an interceptor call's (WHS-008, the same
// scheme under interceptor-* headers): Standard Webhooks, as the Node SDK verifies it (C-07, C-08). Deliberately
// independent of the mock's signing code, which it is there to check.
//
// Why not `Webhook.verify`: it compares the timestamp with `Date.now()`, and the target's clock (read through the
// clock hook) can be hours ahead of ours. So the tolerance is checked here against the injected `now`, and the
// HMAC comes from the library's own `sign()` for the delivery's timestamp, compared entry by entry as `verify`
// does (only `v1,` entries count, any match wins).

/** What verification needs of a delivery attempt; `DeliveryAttempt` from the receiver fits. */
export interface SignedDelivery {
  headers: Readonly<Record<string, string>>;
  body: string;
}

export type VerificationReason =
  | 'missing-header'
  | 'malformed-timestamp'
  | 'timestamp-too-old'
  | 'timestamp-too-new'
  | 'bad-signature'
  | 'payload-not-json';

export type Verification =
  | { valid: true; payload: unknown }
  | { valid: false; reason: VerificationReason; message: string };

export const signatureHeaders = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/**
 * Whose headers carry the signature: a webhook delivery's (`webhook-*`), or an auth-flow interceptor call's, which
 * the same scheme signs under `interceptor-id`, `interceptor-timestamp` and `interceptor-signature` (WHS-008).
 */
export type SignatureScheme = 'webhook' | 'interceptor';

/** The id, timestamp and signature header names of a scheme. */
export function signatureHeadersOf(scheme: SignatureScheme = 'webhook'): readonly [string, string, string] {
  return [`${scheme}-id`, `${scheme}-timestamp`, `${scheme}-signature`];
}

const defaultToleranceSeconds = 300;

/**
 * Verifies a delivery against `now`, the TARGET's clock in ms since the epoch (WHS-004: 5 minutes either way).
 * A valid signature over a body that is not JSON is reported as `payload-not-json`: nothing usable arrived.
 */
export function verifyAttempt(
  attempt: SignedDelivery,
  secret: string,
  options: { now: number; toleranceSeconds?: number; scheme?: SignatureScheme },
): Verification {
  const webhook = webhookFor(secret);
  const names = signatureHeadersOf(options.scheme);
  const [, timestampName, signatureName] = names;
  const [id, timestampText, signatures] = names.map((name) => headerOf(attempt, name));
  if (!id || !timestampText || !signatures) {
    const missing = names.filter((name) => !headerOf(attempt, name));
    return invalid('missing-header', `missing ${missing.join(', ')}`);
  }
  // Stricter than the library's parseInt, which would take "1700000000abc": the header is Unix seconds.
  if (!/^\d+$/.test(timestampText)) {
    return invalid('malformed-timestamp', `${timestampName} "${timestampText}" is not Unix seconds`);
  }
  const timestamp = Number(timestampText);
  const tolerance = options.toleranceSeconds ?? defaultToleranceSeconds;
  const age = Math.floor(options.now / 1000) - timestamp;
  if (age > tolerance) {
    return invalid(
      'timestamp-too-old',
      `${timestampName} is ${age} s behind the target's clock (tolerance ${tolerance} s)`,
    );
  }
  if (-age > tolerance) {
    return invalid(
      'timestamp-too-new',
      `${timestampName} is ${-age} s ahead of the target's clock (tolerance ${tolerance} s)`,
    );
  }
  const expected = webhook.sign(id, new Date(timestamp * 1000), attempt.body).slice('v1,'.length);
  if (!v1Signatures(signatures).some((candidate) => sameText(candidate, expected))) {
    return invalid('bad-signature', `no v1 entry of ${signatureName} "${signatures}" matches the body and secret`);
  }
  try {
    return { valid: true, payload: JSON.parse(attempt.body) };
  } catch {
    return invalid('payload-not-json', 'the signature matches but the body is not JSON');
  }
}

export interface TamperedVariant<T extends SignedDelivery> {
  name: string;
  attempt: T;
  expect: 'valid' | 'invalid';
  reason?: VerificationReason;
}

/**
 * The cases a verifier must get right, derived from one genuine delivery (WHS-001..WHS-005). Timestamps move
 * relative to the delivery's own `webhook-timestamp`, by the tolerance plus a minute so a clock that moves a few
 * seconds between building and verifying still sees them outside it; verify with a `now` within that minute of
 * the delivery's timestamp (the target's clock when it sent).
 */
export function tamperedVariants<T extends SignedDelivery>(
  attempt: T,
  secret: string,
  options: { toleranceSeconds?: number; scheme?: SignatureScheme } = {},
): TamperedVariant<T>[] {
  const webhook = webhookFor(secret);
  const wrongKey = wrongKeyFor(secret);
  const names = signatureHeadersOf(options.scheme);
  const [, timestampName, signatureName] = names;
  const [id, timestampText, signature] = names.map((name) => headerOf(attempt, name));
  if (!id || !timestampText || !/^\d+$/.test(timestampText) || !signature) {
    throw new TypeError(
      `tamperedVariants needs a delivery with all three ${options.scheme ?? 'webhook'}-* headers; pass one as it arrived`,
    );
  }
  const timestamp = Number(timestampText);
  const shift = (options.toleranceSeconds ?? defaultToleranceSeconds) + 60;
  const withHeaders = (changes: Record<string, string | undefined>, body = attempt.body): T => {
    const headers = Object.fromEntries(
      Object.entries(attempt.headers).filter(([name]) => !(name.toLowerCase() in changes)),
    );
    for (const [name, value] of Object.entries(changes)) if (value !== undefined) headers[name] = value;
    return { ...attempt, headers, body };
  };
  const resignedAt = (seconds: number) =>
    withHeaders({
      [timestampName]: String(seconds),
      [signatureName]: webhook.sign(id, new Date(seconds * 1000), attempt.body),
    });
  const wrongSignature = wrongKey.sign(id, new Date(timestamp * 1000), attempt.body);
  return [
    {
      name: 'signed with another secret',
      attempt: withHeaders({ [signatureName]: wrongSignature }),
      expect: 'invalid',
      reason: 'bad-signature',
    },
    {
      name: 'body changed by one byte',
      attempt: withHeaders({}, changeOneByte(attempt.body)),
      expect: 'invalid',
      reason: 'bad-signature',
    },
    {
      name: `timestamp ${shift} s in the past, re-signed`,
      attempt: resignedAt(timestamp - shift),
      expect: 'invalid',
      reason: 'timestamp-too-old',
    },
    {
      name: `timestamp ${shift} s in the future, re-signed`,
      attempt: resignedAt(timestamp + shift),
      expect: 'invalid',
      reason: 'timestamp-too-new',
    },
    ...names.map(
      (name): TamperedVariant<T> => ({
        name: `${name} missing`,
        attempt: withHeaders({ [name]: undefined }),
        expect: 'invalid',
        reason: 'missing-header',
      }),
    ),
    {
      name: 'v1 entries relabelled v1a',
      attempt: withHeaders({ [signatureName]: signature.replaceAll(/(^| )v1,/g, '$1v1a,') }),
      expect: 'invalid',
      reason: 'bad-signature',
    },
    {
      name: 'a wrong v1 signature before the right one (key rotation)',
      attempt: withHeaders({ [signatureName]: `${wrongSignature} ${signature}` }),
      expect: 'valid',
    },
  ];
}

function webhookFor(secret: string): Webhook {
  try {
    if (!secret.startsWith('whsec_')) throw new Error('no whsec_ prefix');
    return new Webhook(secret);
  } catch (error) {
    throw new TypeError(
      `webhook secret is unusable (${error instanceof Error ? error.message : String(error)}); use whsec_ followed by base64`,
    );
  }
}

/** A key that differs from the real one in every byte, so a signature made with it can never match. */
function wrongKeyFor(secret: string): Webhook {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64').map((byte) => byte ^ 0xff);
  return new Webhook(`whsec_${Buffer.from(key).toString('base64')}`);
}

/** Flips the lowest bit of the first ASCII character, so the body stays valid UTF-8; appends a space if none. */
function changeOneByte(body: string): string {
  // Surrogate halves are >= 0xd800, so an index found here is a whole one-byte character.
  let index = 0;
  while (index < body.length && body.charCodeAt(index) >= 0x80) index += 1;
  if (index === body.length) return `${body} `;
  return body.slice(0, index) + String.fromCharCode(body.charCodeAt(index) ^ 1) + body.slice(index + 1);
}

function headerOf(attempt: SignedDelivery, name: string): string | undefined {
  const key = Object.keys(attempt.headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : attempt.headers[key];
}

/** The signature parts of the `v1,` entries, split as `Webhook.verify` and the SDK split them. */
function v1Signatures(header: string): string[] {
  return header
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version]) => version === 'v1')
    .map(([, signature]) => signature ?? '');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function invalid(reason: VerificationReason, message: string): Verification {
  return { valid: false, reason, message };
}
