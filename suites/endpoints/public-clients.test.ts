// Public clients (EPT-013): a single-page or native app has no client secret and uses the authorization code with
// PKCE. Its code is redeemed with the verifier alone, never without it; a native app's loopback callback is taken
// on whatever port the app found free (RFC 8252 §7.3, C-23), and its custom-scheme callback as registered. The
// `public-clients` hook registers the apps; each test deletes its own.
import { describe } from 'vitest';
import { callbackGotCode, codeWithoutVerifierRefused, publicClientTokensIssued } from '../../src/checks/endpoints.js';
import type { Failure } from '../../src/checks/failure.js';
import type { PublicClient } from '../../src/client/control-hooks.js';
import { assertConforms, requireHook, type Target, test } from '../../src/harness/index.js';
import { authorizePublic, redeemPublic } from './support/app.js';

/**
 * Registers a public client for the length of `body` and deletes it afterwards, however the body ends; a login is
 * scripted to approve, so an accepted authorization request comes straight back with a code.
 */
async function withPublicClient(
  target: Target,
  skip: (note?: string) => never,
  type: PublicClient['type'],
  redirectUris: string[],
  body: (client: PublicClient) => Promise<void>,
) {
  await requireHook(target, 'login', skip);
  await requireHook(target, 'public-clients', skip);
  await target.hooks.login({ email: `${target.runTag}-${type}@example.test`, decision: 'approve' });
  const client = await target.hooks.createPublicClient(type, redirectUris);
  try {
    await body(client);
  } finally {
    await target.hooks.deletePublicClient(client.client_id);
  }
}

/** A code for `redirectUri` (the answer judged first) redeemed with its verifier and no secret; the failures. */
async function signInWithoutSecret(target: Target, clientId: string, redirectUri: string, state: string) {
  const grant = await authorizePublic(target, clientId, redirectUri, state);
  const found: (Failure | undefined)[] = [callbackGotCode('EPT-013', grant.exchange, redirectUri, state)];
  if (found[0]) return found;
  found.push(publicClientTokensIssued('EPT-013', await redeemPublic(target, clientId, { ...grant, redirectUri })));
  return found;
}

describe('public clients', () => {
  test('a single-page app redeems its code with the PKCE verifier and no client secret, and gets tokens', {
    tags: ['EPT-013'],
  }, async ({ target, skip }) => {
    const callback = `https://spa-${target.runTag}.example.test/callback`;
    await withPublicClient(target, skip, 'spa', [callback], async (client) => {
      assertConforms(...(await signInWithoutSecret(target, client.client_id, callback, `spa-${target.runTag}`)));
    });
  });

  test("a public client's code redeemed without the code_verifier is refused, the next one with it is not", {
    tags: ['EPT-013'],
  }, async ({ target, skip }) => {
    const callback = `https://spa-${target.runTag}.example.test/callback`;
    await withPublicClient(target, skip, 'spa', [callback], async (client) => {
      const state = `no-verifier-${target.runTag}`;
      const grant = await authorizePublic(target, client.client_id, callback, state);
      assertConforms(callbackGotCode('EPT-013', grant.exchange, callback, state));
      const refused = await redeemPublic(target, client.client_id, { code: grant.code, redirectUri: callback });
      // A second code with its verifier shows the refusal was for the verifier, not for the missing secret.
      assertConforms(
        codeWithoutVerifierRefused('EPT-013', refused),
        ...(await signInWithoutSecret(target, client.client_id, callback, state)),
      );
    });
  });

  test('a native app is taken on loopback callbacks at two other ports and on its custom scheme, without a secret', {
    tags: ['EPT-013'],
  }, async ({ target, skip }) => {
    // Dynamic ports, each apart from the registered one: the app binds whatever is free at the time.
    const [registered, first, second] = target.faker.helpers.uniqueArray(
      () => target.faker.number.int({ min: 49152, max: 65535 }),
      3,
    );
    const loopback = (port: number | undefined) => `http://127.0.0.1:${port}/callback`;
    const custom = 'myapp://callback';
    await withPublicClient(target, skip, 'native', [loopback(registered), custom], async (client) => {
      const found: (Failure | undefined)[] = [];
      for (const [n, uri] of [loopback(first), loopback(second), custom].entries()) {
        found.push(...(await signInWithoutSecret(target, client.client_id, uri, `native-${n}-${target.runTag}`)));
      }
      assertConforms(...found);
    });
  });
});
