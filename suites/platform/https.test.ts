// https only (TOK-006): against a target served over TLS, every request the suite sent went to an https:// URL, and
// a plain http:// request to the environment's host and port is refused or redirected to https. A plain-http target
// (the mock on a loopback port, msw in-process) says nothing about the rule: the test is skipped with the reason.
// The embedded mock of `run` and `mutation` serves this file over TLS (src/cli/run-target.ts, tlsSuiteFiles).
import { describe } from 'vitest';
import { httpsOnly, plainHttpRefused } from '../../src/checks/platform.js';
import { navigate } from '../../src/harness/browser.js';
import { assertConforms, assertPrecondition, exchangeOf, test } from '../../src/harness/index.js';
import { probePlainHttp, requireTls } from '../../src/harness/target.js';

/** Public on every environment (RUNNING.md, part 1): the probe needs no credentials, so none cross in clear. */
const discoveryPath = '/.well-known/openid-configuration';

describe('https only', () => {
  test('every request goes over https, and plain http to the environment is refused or redirected to https', {
    tags: ['TOK-006'],
  }, async ({ target, skip }) => {
    requireTls(target, skip);
    const before = target.exchanges.length;
    // A token request, an authenticated read and a public document: the three kinds of request a suite sends.
    const listed = await exchangeOf(target, () =>
      target.api.GET('/api/v1/organizations', { params: { query: { page_size: 1 } } }),
    );
    assertPrecondition('an authenticated read over https', listed.exchange, 200);
    assertPrecondition('the discovery document over https', await navigate(target, discoveryPath, {}), 200);
    assertConforms(httpsOnly('TOK-006', target.exchanges.slice(before)));
    assertConforms(plainHttpRefused('TOK-006', await probePlainHttp(target, discoveryPath)));
  });
});
