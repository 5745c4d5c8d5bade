import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  type JWTVerifyResult,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { MockState } from './state.js';

export const signingAlgorithm = 'RS256';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public half as served by `/keys`. */
  publicJwk: JWK;
}

// Kept beside the state rather than in a slice: `reset` drops slices, and tokens issued before a reset must still
// verify against /keys. The key material itself is not seeded (WebCrypto cannot be), but nothing compares it across
// runs; the kid is its RFC 7638 thumbprint, so it takes nothing from the seeded faker either.
const keys = new WeakMap<MockState, Promise<SigningKey>>();

async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(signingAlgorithm, { extractable: true });
  const exported = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(exported);
  return { kid, privateKey, publicKey, publicJwk: { ...exported, kid, use: 'sig', alg: signingAlgorithm } };
}

/** The mock's one RS256 key pair, made on first use. */
export function signingKey(state: MockState): Promise<SigningKey> {
  let key = keys.get(state);
  if (!key) {
    key = createSigningKey();
    keys.set(state, key);
  }
  return key;
}

/** The JWKS document `/keys` serves. */
export async function publicJwks(state: MockState): Promise<{ keys: JWK[] }> {
  return { keys: [(await signingKey(state)).publicJwk] };
}

/** The public key as PEM (SPKI): what a server that serves its key instead of a JWKS sends (a seeded fault). */
export async function publicKeyPem(state: MockState): Promise<string> {
  return exportSPKI((await signingKey(state)).publicKey);
}

/** Signs claims as a compact JWS with the mock's key; the caller sets iss, aud, iat and exp from the mock's clock. */
export async function signJwt(state: MockState, claims: JWTPayload): Promise<string> {
  const key = await signingKey(state);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: signingAlgorithm, kid: key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}

/**
 * Verifies a JWT the mock signed. Time claims are checked against the mock's clock, unless `ignoreExpiry` (an
 * `id_token_hint` may be expired: OIDC RP-Initiated Logout §2).
 */
export async function verifyJwt(
  state: MockState,
  token: string,
  options: { issuer?: string; audience?: string; ignoreExpiry?: boolean } = {},
): Promise<JWTVerifyResult> {
  const key = await signingKey(state);
  return jwtVerify(token, key.publicKey, {
    algorithms: [signingAlgorithm],
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
    // jose has no switch to skip exp; an unbounded tolerance has the same effect.
    ...(options.ignoreExpiry ? { clockTolerance: Number.MAX_SAFE_INTEGER } : {}),
    currentDate: new Date(state.clock.now()),
  });
}
