// IdP-initiated login (EPT-004): what an identity provider's app tile starts (the `idp-initiated-login` hook) lands on
// the app's initiate-login URI with `idp_initiated_login`, a JWT the app verifies against the target's published keys
// (found through the discovery document's jwks_uri) before it trusts the organization, connection, login hint and
// relay state it carries. A copy with a claim changed after signing must not verify, or the check proves nothing.
import type { JSONWebKeySet } from 'jose';
import { describe } from 'vitest';
import { withOrganization } from '../../fixtures/builders/organizations.js';
import {
  idpInitiatedLoginToken,
  idpInitiatedLoginVerified,
  jwksPathOf,
  keySetOf,
  tamperedTokenRefused,
} from '../../src/checks/endpoints.js';
import { navigate } from '../../src/harness/browser.js';
import { assertConforms, exchangeOf, requireHook, type Target, test } from '../../src/harness/index.js';
import { targetNow } from '../../src/harness/target.js';
import { appUris, withRegistrations } from './support/app.js';

/** Clock skew allowed between the suite and a live target when judging exp and nbf. */
const skewSeconds = 30;

/** The keys the target publishes, read as an app reads them: discovery, then its jwks_uri, through the run's transport. */
async function publishedKeys(target: Target): Promise<JSONWebKeySet> {
  const discovery = await navigate(target, '/.well-known/openid-configuration', {});
  const jwks = jwksPathOf('EPT-004', discovery, target.baseUrl);
  assertConforms(jwks.problem);
  const keys = keySetOf('EPT-004', await navigate(target, jwks.path ?? '/keys', {}));
  assertConforms(keys.problem);
  // assertConforms has thrown unless there is a key set.
  return keys.jwks as JSONWebKeySet;
}

describe('IdP-initiated login', () => {
  test('the initiate-login URI gets an idp_initiated_login JWT that verifies with /keys and carries the given claims', {
    tags: ['EPT-004'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'redirects', skip);
    await requireHook(target, 'idp-initiated-login', skip);
    const { callback, initiateLogin } = appUris(target);
    await withRegistrations(target, { callback: [callback], initiate_login: [initiateLogin] }, async () => {
      await withOrganization(target, 'EPT-004', async (organizationId) => {
        const given = {
          organization_id: organizationId,
          connection_id: `conn_${target.runTag}`,
          login_hint: `${target.runTag}-tile@example.test`,
          relay_state: `/dashboard?from=${target.runTag}`,
        };
        const { exchange } = await exchangeOf(target, () => target.hooks.idpInitiatedLogin(given));
        const delivered = idpInitiatedLoginToken('EPT-004', exchange, initiateLogin);
        assertConforms(delivered.problem);
        const token = delivered.token ?? '';
        const jwks = await publishedKeys(target);
        const clock = { now: await targetNow(target), skewSeconds };
        assertConforms(
          ...(await idpInitiatedLoginVerified('EPT-004', token, jwks, given, clock, exchange)),
          await tamperedTokenRefused('EPT-004', token, jwks, clock),
        );
      });
    });
  });
});
