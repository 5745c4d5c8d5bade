// GET /oauth/authorize against the callback allowlist: an unregistered or altered redirect_uri is refused and never
// redirected to (RDR-001, RDR-002), invalid requests get an error and no code (EPT-005), the state round trip
// (EPT-006), a denied login (EPT-008) and the error vocabulary (EPT-009).
import fc from 'fast-check';
import { describe } from 'vitest';
import type { Failure } from '../../src/checks/failure.js';
import {
  authorizationErrorDocumented,
  codeRedirectedTo,
  deniedLoginReturnsAccessDenied,
  invalidRequestErrorReported,
  noCodeOrTokenIssued,
  refusedWithoutRedirect,
  stateReturnedUnchanged,
} from '../../src/checks/redirects.js';
import { navigate } from '../../src/harness/browser.js';
import { assertConforms, assertProperty, conformsOrThrow, type Target, test } from '../../src/harness/index.js';
import { splitUri } from '../../src/oracles/redirect-uri.js';
import { authorizeRequest, prepareFlow, unregisteredRefusal } from './support/flows.js';

/** The canonical redirect_uri mismatches (after the OpenID conformance suite), each with the rule it breaks. */
function mismatches(callback: string): { what: string; uri: string; rule: 'RDR-001' | 'RDR-002' }[] {
  const host = splitUri(callback).host ?? '';
  return [
    { what: 'a URI on another host', uri: callback.replace(host, `other-${host}`), rule: 'RDR-001' },
    { what: 'an unregistered custom-scheme URI', uri: `app${host.split('.')[0]}://oauth/callback`, rule: 'RDR-001' },
    { what: 'a query string added', uri: `${callback}?extra=1`, rule: 'RDR-002' },
    { what: 'a query imitating the response', uri: `${callback}?code=forged&state=forged`, rule: 'RDR-002' },
    { what: 'an empty query added', uri: `${callback}?`, rule: 'RDR-002' },
    { what: 'a fragment added', uri: `${callback}#fragment`, rule: 'RDR-002' },
    { what: 'a trailing slash added', uri: `${callback}/`, rule: 'RDR-002' },
    { what: 'a path segment added', uri: `${callback}/more`, rule: 'RDR-002' },
    {
      what: 'the path in other letter case',
      uri: callback.replace('/oauth/callback', '/OAuth/Callback'),
      rule: 'RDR-002',
    },
    { what: 'the scheme changed to http', uri: callback.replace(/^https:/, 'http:'), rule: 'RDR-002' },
    { what: 'a port added', uri: callback.replace(host, `${host}:8443`), rule: 'RDR-002' },
    { what: 'the default port written out', uri: callback.replace(host, `${host}:443`), rule: 'RDR-002' },
  ];
}

async function assertMismatchesRefused(target: Target, skip: (note?: string) => never, rule: 'RDR-001' | 'RDR-002') {
  // With a scripted approval (when the target has the hook), a wrongly accepted URI shows as a redirect with a code.
  const login = (await target.hooks.has('login')) ? { decision: 'approve' as const } : undefined;
  const flow = await prepareFlow(target, skip, login);
  const failures: Failure[] = [];
  for (const { what, uri } of mismatches(flow.callback).filter((m) => m.rule === rule)) {
    const exchange = await navigate(target, '/oauth/authorize', authorizeRequest(flow, uri));
    const expected = unregisteredRefusal(target, uri, [flow.callback], 'invalid_redirect_uri');
    const found = refusedWithoutRedirect(rule, exchange, expected);
    if (found) failures.push({ ...found, details: [`case: ${what}`, ...(found.details ?? [])] });
  }
  assertConforms(...failures);
}

describe('GET /oauth/authorize', () => {
  test('a redirect_uri that is not registered is refused and never redirected to', {
    tags: ['RDR-001'],
  }, async ({ target, skip }) => {
    await assertMismatchesRefused(target, skip, 'RDR-001');
  });

  test('a redirect_uri that differs from the registered one in any part is refused and never redirected to', {
    tags: ['RDR-002'],
  }, async ({ target, skip }) => {
    await assertMismatchesRefused(target, skip, 'RDR-002');
  });

  test('the registered redirect_uri itself gets a 302 to exactly that URI with a code', {
    tags: ['RDR-002'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const exchange = await navigate(target, '/oauth/authorize', authorizeRequest(flow, flow.callback));
    assertConforms(codeRedirectedTo('RDR-002', exchange, flow.callback));
  });

  test('a request without redirect_uri is refused without a redirect to any registered URI', {
    tags: ['EPT-005'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const exchange = await navigate(target, '/oauth/authorize', authorizeRequest(flow, undefined));
    assertConforms(
      refusedWithoutRedirect('EPT-005', exchange, unregisteredRefusal(target, undefined, [flow.callback])),
      noCodeOrTokenIssued('EPT-005', exchange),
    );
  });

  test('a request without client_id, or with an unknown one, is refused without a redirect and without a code', {
    tags: ['EPT-005'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    for (const clientId of [undefined, `skc_unknown_${target.runTag}`]) {
      const exchange = await navigate(target, '/oauth/authorize', {
        ...authorizeRequest(flow, flow.callback),
        client_id: clientId,
      });
      // The redirect_uri cannot be trusted for a client that is not known (RFC 6749 §4.1.2.1).
      assertConforms(
        refusedWithoutRedirect('EPT-005', exchange, unregisteredRefusal(target, flow.callback, [])),
        noCodeOrTokenIssued('EPT-005', exchange),
      );
    }
  });

  test('a response_type other than code, or none, gets an error and never a code', {
    tags: ['EPT-005'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    for (const responseType of ['token', 'id_token', 'code token', 'CODE', '', undefined]) {
      const exchange = await navigate(target, '/oauth/authorize', {
        ...authorizeRequest(flow, flow.callback),
        response_type: responseType,
      });
      assertConforms(noCodeOrTokenIssued('EPT-005', exchange), invalidRequestErrorReported('EPT-005', exchange));
    }
  });

  test('prompt and provider outside their listed values get an error and never a code', {
    tags: ['EPT-005'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const invalid: Record<string, string>[] = [{ prompt: 'always' }, { prompt: 'LOGIN' }, { provider: 'myspace' }];
    for (const extra of invalid) {
      const exchange = await navigate(target, '/oauth/authorize', authorizeRequest(flow, flow.callback, extra));
      assertConforms(noCodeOrTokenIssued('EPT-005', exchange), invalidRequestErrorReported('EPT-005', exchange));
    }
  });

  test('the state comes back unchanged on the callback, special characters included', {
    tags: ['EPT-006'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    // The hand-picked values run first, every time; generated ones follow.
    const special = ['st/8+z= &ü?#', 'a+b', '%2B%20', '=&=&', 'ÿ€😀', '\'"<>', '  padded  '];
    const printable = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => !/\p{Cc}/u.test(s));
    await assertProperty(
      fc.asyncProperty(printable, async (state) => {
        const exchange = await navigate(target, '/oauth/authorize', authorizeRequest(flow, flow.callback, { state }));
        conformsOrThrow(
          codeRedirectedTo('EPT-006', exchange, flow.callback),
          stateReturnedUnchanged('EPT-006', exchange, state),
        );
      }),
      { numRuns: 12 + special.length, examples: special.map((state) => [state]) },
    );
  });

  test('a denied login returns to the callback with error=access_denied, a description and the state', {
    tags: ['EPT-008'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'deny' });
    const state = 'denied+state/1';
    const exchange = await navigate(target, '/oauth/authorize', authorizeRequest(flow, flow.callback, { state }));
    assertConforms(
      deniedLoginReturnsAccessDenied('EPT-008', exchange, flow.callback),
      noCodeOrTokenIssued('EPT-008', exchange),
      stateReturnedUnchanged('EPT-008', exchange, state),
    );
  });

  test('authorization errors use documented error codes', { tags: ['EPT-009'] }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const requests = [
      { response_type: 'token' },
      { response_type: undefined },
      { prompt: 'always' },
      { provider: 'myspace' },
      { code_challenge_method: 'S512', code_challenge: 'x'.repeat(43) },
      { redirect_uri: `${flow.callback}?extra=1` },
      { client_id: `skc_unknown_${target.runTag}` },
    ];
    const failures: (Failure | undefined)[] = [];
    for (const extra of requests) {
      const exchange = await navigate(target, '/oauth/authorize', {
        ...authorizeRequest(flow, flow.callback),
        ...extra,
      });
      failures.push(authorizationErrorDocumented('EPT-009', exchange));
    }
    await target.hooks.login({ email: flow.email, decision: 'deny' });
    const denied = await navigate(target, '/oauth/authorize', authorizeRequest(flow, flow.callback));
    failures.push(authorizationErrorDocumented('EPT-009', denied));
    assertConforms(...failures);
  });
});
