// Organisation templates at run time: a templated callback expands only for the organisation in scope (RDT-005,
// RDT-006), from any of its variables (RDT-001, RDT-008), and a templated post-logout URL for the session's
// organisation while the session lasts (RDT-007).
import { describe } from 'vitest';
import { checkStatus } from '../../src/checks/http.js';
import {
  codeRedirectedTo,
  postLogoutRedirectedTo,
  type RefusedRedirectRule,
  refusedWithoutRedirect,
} from '../../src/checks/redirects.js';
import { navigate } from '../../src/harness/browser.js';
import { assertConforms, exchangeOf, requireHook, type Target, test } from '../../src/harness/index.js';
import {
  authorizeRequest,
  createOrganization,
  deleteOrganizations,
  type Flow,
  postLogoutRefusal,
  prepareFlow,
  signIn,
  unregisteredRefusal,
} from './support/flows.js';

/** An authorize request for `organizationId` (none: no organisation in scope) to a templated callback. */
const authorizeFor = (target: Target, flow: Flow, redirectUri: string, organizationId: string | undefined) =>
  navigate(target, '/oauth/authorize', { ...authorizeRequest(flow, redirectUri), organization_id: organizationId });

/** A templated callback accepted for `organizationId`: a 302 to exactly the expanded URI with a code. */
async function templateAccepted(
  target: Target,
  flow: Flow,
  rule: 'RDT-001' | 'RDT-005' | 'RDT-008',
  expanded: string,
  organizationId: string,
) {
  return codeRedirectedTo(rule, await authorizeFor(target, flow, expanded, organizationId), expanded);
}

async function templateRefused(
  target: Target,
  flow: Flow,
  rule: RefusedRedirectRule,
  requested: string,
  organizationId: string | undefined,
) {
  const exchange = await authorizeFor(target, flow, requested, organizationId);
  return refusedWithoutRedirect(rule, exchange, unregisteredRefusal(target, requested, []));
}

describe('organisation templates at run time', () => {
  test("with organization_id, the template expanded for that organisation is accepted and another's is refused", {
    tags: ['RDT-005'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const cleanup: string[] = [];
    try {
      const mine = await createOrganization(target, 'RDT-005', cleanup, { slug: `a-${target.runTag}` });
      await createOrganization(target, 'RDT-005', cleanup, { slug: `b-${target.runTag}` });
      await target.hooks.requireRedirects('callback', ['https://{{org_slug}}.example.com/oauth/callback']);
      const expand = (slug: string) => `https://${slug}.example.com/oauth/callback`;
      assertConforms(await templateAccepted(target, flow, 'RDT-005', expand(`a-${target.runTag}`), mine));
      assertConforms(await templateRefused(target, flow, 'RDT-005', expand(`b-${target.runTag}`), mine));
    } finally {
      await deleteOrganizations(target, cleanup);
    }
  });

  test('without an organisation in scope, a redirect_uri that only a template would match is refused', {
    tags: ['RDT-006'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const cleanup: string[] = [];
    try {
      const slug = `c-${target.runTag}`;
      await createOrganization(target, 'RDT-006', cleanup, { slug });
      await target.hooks.requireRedirects('callback', ['https://{{org_slug}}.example.com/oauth/callback']);
      assertConforms(
        await templateRefused(target, flow, 'RDT-006', `https://${slug}.example.com/oauth/callback`, undefined),
      );
    } finally {
      await deleteOrganizations(target, cleanup);
    }
  });

  test('external_id and any metadata key expand as template variables, as a host or a path segment', {
    tags: ['RDT-001'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const cleanup: string[] = [];
    try {
      const externalId = `ext-${target.runTag}`;
      const domain = `login.${target.runTag}.example.com`;
      const organization = await createOrganization(target, 'RDT-001', cleanup, {
        external_id: externalId,
        metadata: { custom_domain: domain },
      });
      await target.hooks.requireRedirects('callback', [
        'https://apps.example.com/{{external_id}}/callback',
        'https://{{custom_domain}}/callback',
      ]);
      assertConforms(
        await templateAccepted(
          target,
          flow,
          'RDT-001',
          `https://apps.example.com/${externalId}/callback`,
          organization,
        ),
        await templateAccepted(target, flow, 'RDT-001', `https://${domain}/callback`, organization),
      );
    } finally {
      await deleteOrganizations(target, cleanup);
    }
  });

  test('a slug alone, or a metadata key alone, is enough for its template to expand', {
    tags: ['RDT-008'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const cleanup: string[] = [];
    try {
      const slug = `d-${target.runTag}`;
      const domain = `e.${target.runTag}.example.com`;
      const slugOnly = await createOrganization(target, 'RDT-008', cleanup, { slug });
      const metadataOnly = await createOrganization(target, 'RDT-008', cleanup, {
        metadata: { custom_domain: domain },
      });
      await target.hooks.requireRedirects('callback', [
        'https://{{org_slug}}.example.com/oauth/callback',
        'https://{{custom_domain}}/oauth/callback',
      ]);
      assertConforms(
        await templateAccepted(target, flow, 'RDT-008', `https://${slug}.example.com/oauth/callback`, slugOnly),
        await templateAccepted(target, flow, 'RDT-008', `https://${domain}/oauth/callback`, metadataOnly),
      );
    } finally {
      await deleteOrganizations(target, cleanup);
    }
  });

  test("a templated post-logout URL expands for the session's organisation, and is refused once the session expired", {
    tags: ['RDT-007'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'clock', skip);
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const cleanup: string[] = [];
    try {
      const slug = `f-${target.runTag}`;
      const organization = await createOrganization(target, 'RDT-007', cleanup, { slug });
      await target.hooks.requireRedirects('post_logout', ['https://{{org_slug}}.example.com/signed-out']);
      const expanded = `https://${slug}.example.com/signed-out`;
      const inOrganization = { organization_id: organization };

      const active = await signIn(target, flow, 'RDT-007', inOrganization);
      const accepted = await navigate(target, '/oidc/logout', {
        id_token_hint: active.idToken,
        post_logout_redirect_uri: expanded,
      });
      assertConforms(postLogoutRedirectedTo('RDT-007', accepted, expanded));

      const expiring = await signIn(target, flow, 'RDT-007', inOrganization);
      const { data, exchange } = await exchangeOf(target, () =>
        target.api.GET('/api/v1/sessions/{session_id}', { params: { path: { session_id: expiring.sessionId } } }),
      );
      assertConforms(checkStatus('RDT-007', exchange, 200));
      const deadlines = [data?.idle_expires_at, data?.absolute_expires_at].map((at) => Date.parse(at ?? ''));
      const deadline = Math.min(...deadlines.filter(Number.isFinite));
      if (!Number.isFinite(deadline)) {
        skip('precondition not met: the session shows no expiry time to move the clock past');
      }
      await target.hooks.advanceClock(Math.max(0, deadline - (await target.hooks.now())) + 1_000);
      const refused = await navigate(target, '/oidc/logout', {
        id_token_hint: expiring.idToken,
        post_logout_redirect_uri: expanded,
      });
      assertConforms(refusedWithoutRedirect('RDT-007', refused, postLogoutRefusal(target, expanded, [])));
    } finally {
      await deleteOrganizations(target, cleanup);
    }
  });
});
