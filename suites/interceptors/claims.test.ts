// Claims in session tokens (OTH-005): the claims a PRE_SESSION_CREATION interceptor returns with ALLOW, in
// response.claims, appear in the access token of that sign-in under `custom_claims`, as they were returned.
import { describe } from 'vitest';
import { customClaimsInAccessToken, interceptorCalled } from '../../src/checks/interceptors.js';
import { assertConforms, assertPrecondition, test } from '../../src/harness/index.js';
import { allowWithClaims, freshEmail, intercepting, signIn } from './support/flows.js';

describe('interceptor claims', () => {
  test('claims a PRE_SESSION_CREATION interceptor returns appear under custom_claims in the access token', {
    tags: ['OTH-005'],
  }, async ({ target, skip }) => {
    // Shaped like the docs' example: strings, a list and a date.
    const claims = {
      plan: target.faker.helpers.arrayElement(['free', 'pro', 'enterprise']),
      plan_expires_at: target.faker.date.future().toISOString(),
      features: target.faker.helpers.arrayElements(['analytics', 'api_access', 'advanced_reports', 'sso'], 2),
      org_role: target.faker.helpers.arrayElement(['admin', 'member', 'viewer']),
      cost_center: `CC-${target.faker.string.alphanumeric(6)}`,
    };
    await intercepting(target, skip, 'PRE_SESSION_CREATION', 'allow', async ({ receiver }) => {
      receiver.script([allowWithClaims(claims)]);
      const flow = await signIn(target, skip, freshEmail(target));
      assertConforms(interceptorCalled('OTH-005', 'PRE_SESSION_CREATION', receiver.attempts()));
      assertPrecondition('the sign-in', flow.exchange, [302, 303]);
      const token = await flow.redeem();
      assertPrecondition('the code exchange', token, 200);
      assertConforms(customClaimsInAccessToken('OTH-005', token, claims));
    });
  });
});
