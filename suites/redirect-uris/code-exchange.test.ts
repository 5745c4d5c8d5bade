// POST /oauth/token with an authorization code from /oauth/authorize: single use, and a lifetime of about ten
// minutes on the target's clock (EPT-007).
import { describe } from 'vitest';
import { codeExchangedForToken, codeExchangeRefused } from '../../src/checks/redirects.js';
import { assertConforms, requireHook, test } from '../../src/harness/index.js';
import { authorizationCode, exchangeCode, prepareFlow } from './support/flows.js';

/** The docs' "about ten minutes". */
const codeLifetimeMs = 10 * 60 * 1000;

describe('POST /oauth/token with an authorization code', () => {
  test('an authorization code can be exchanged once; a second exchange is refused', {
    tags: ['EPT-007'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const grant = await authorizationCode(target, flow, 'EPT-007');
    assertConforms(codeExchangedForToken('EPT-007', await exchangeCode(target, flow, grant)));
    assertConforms(codeExchangeRefused('EPT-007', await exchangeCode(target, flow, grant)));
  });

  test('an authorization code works a minute after it was issued and is refused once 15 minutes have passed', {
    tags: ['EPT-007'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'clock', skip);
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const early = await authorizationCode(target, flow, 'EPT-007');
    const late = await authorizationCode(target, flow, 'EPT-007');
    await target.hooks.advanceClock(60_000);
    assertConforms(codeExchangedForToken('EPT-007', await exchangeCode(target, flow, early)));
    // "About ten minutes": 15 leaves room for a lifetime a little over ten.
    await target.hooks.advanceClock(codeLifetimeMs + 5 * 60_000 - 60_000);
    assertConforms(codeExchangeRefused('EPT-007', await exchangeCode(target, flow, late)));
  });
});
