// The rule catalogue: every testable rule the sources state, in catalogue order. Statements are this project's own
// one-line summaries; `sources` say where each rule comes from. Contradictions and gaps live in findings.ts.
import type { Rule, SourceRef } from './types.js';

const redirectValidityTable = [
  { kind: 'seed', document: 'How to register a callback endpoint' },
  { kind: 'seed', document: 'Redirects', section: 'URI validation requirements' },
  { kind: 'docs', page: 'redirects', section: 'URI validation requirements' },
  { kind: 'docs', page: 'allowed-callback-url' },
] as const satisfies readonly SourceRef[];

const wildcardExamples = [
  { kind: 'seed', document: 'Redirects', section: 'Wildcard usage patterns' },
  { kind: 'docs', page: 'redirects', section: 'Wildcard usage patterns' },
  { kind: 'docs', page: 'allowed-callback-url' },
] as const satisfies readonly SourceRef[];

const authLogsGet = '/paths/~1api~1v1~1logs~1authentication~1requests/get';
const authLogResponse = '/components/schemas/auditlogsListAuthLogResponse/properties';
const sendRequest = '/components/schemas/passwordlessSendPasswordlessRequest/properties';
const templateVariables = `${sendRequest}/template_variables`;
const orgClients = '/paths/~1api~1v1~1organizations~1{organization_id}~1clients';
const organizationCreated = '/components/schemas/OrganizationCreatedEvent/properties';

export const rules = [
  // Redirect URIs: registration and validation
  {
    id: 'RDR-001',
    statement:
      'An /oauth/authorize request whose redirect_uri is not on the registered allowlist is refused; the SSO error ' +
      'code is invalid_redirect_uri.',
    force: 'MUST',
    area: 'redirect-uris',
    via: ['http', 'dashboard'],
    sources: [
      { kind: 'seed', document: 'Redirects' },
      { kind: 'docs', page: 'redirects' },
      { kind: 'repo', path: 'sso/reference/sso-integration-errors.mdx', section: 'Integration related errors' },
    ],
    related: ['C-26', 'C-28', 'G-01', 'G-02'],
  },
  {
    id: 'RDR-002',
    statement:
      'redirect_uri must equal a registered URI exactly: with https://yourapp.com/callback registered, a trailing ' +
      'slash or http variant is refused.',
    force: 'MUST',
    area: 'redirect-uris',
    via: ['http'],
    sources: [
      { kind: 'repo', path: 'sso/guides/authorization-url.mdx' },
      { kind: 'repo', path: 'sso/guides/idp-init-sso.mdx', section: 'Troubleshooting' },
      { kind: 'repo', path: 'authenticate/launch-checklist.mdx' },
    ],
    related: ['G-02', 'G-07'],
  },
  {
    id: 'RDR-003',
    statement:
      'In a development environment, redirect URIs using http (localhost included), https or a custom app scheme are ' +
      'accepted.',
    force: 'MUST',
    area: 'redirect-uris',
    via: ['dashboard', 'http'],
    sources: redirectValidityTable,
    related: ['C-23', 'G-01', 'G-06'],
  },
  {
    id: 'RDR-004',
    statement:
      'In production only https and custom app schemes are accepted; an http URI such as http://yourapp.com/callback ' +
      'is refused.',
    force: 'MUST',
    area: 'redirect-uris',
    via: ['dashboard', 'http'],
    sources: redirectValidityTable,
    related: ['C-23', 'G-01', 'G-06'],
  },
  {
    id: 'RDR-005',
    statement: 'A localhost redirect URI is accepted in development and refused in production, even over https.',
    force: 'MUST',
    area: 'redirect-uris',
    via: ['dashboard', 'http'],
    sources: redirectValidityTable,
    related: ['C-23', 'G-01', 'G-05'],
  },
  {
    id: 'RDR-006',
    statement:
      'A wildcard-host URI such as https://*.acmecorp.com is accepted in development only and refused in production.',
    force: 'MUST',
    area: 'redirect-uris',
    via: ['dashboard', 'http'],
    sources: [
      ...redirectValidityTable,
      { kind: 'seed', document: 'Redirects', section: 'Wildcard usage patterns' },
      { kind: 'docs', page: 'redirects', section: 'Wildcard usage patterns' },
    ],
    related: ['G-01', 'G-04'],
  },
  {
    id: 'RDR-007',
    statement:
      'In either environment a redirect URI of 256 characters is accepted and one of 257 characters is refused.',
    force: 'MUST',
    area: 'redirect-uris',
    via: ['dashboard'],
    sources: redirectValidityTable,
    related: ['G-01', 'G-03', 'G-08'],
  },
  {
    id: 'RDR-008',
    statement:
      'A redirect URI with a query string (e.g. https://yourapp.com/callback?x=1) is refused in every environment.',
    force: 'MUST',
    area: 'redirect-uris',
    via: ['dashboard', 'http'],
    sources: redirectValidityTable,
    related: ['G-01'],
  },
  {
    id: 'RDR-009',
    statement:
      'A redirect URI with a fragment (e.g. https://yourapp.com/callback#section) is refused in every environment.',
    force: 'MUST',
    area: 'redirect-uris',
    via: ['dashboard', 'http'],
    sources: redirectValidityTable,
    related: ['G-01'],
  },
  {
    id: 'RDR-010',
    statement:
      'A relative or scheme-less redirect URI (/auth/callback, yourapp.com/callback) is refused; development ' +
      'wildcards are the only relaxation.',
    force: 'MUST',
    area: 'redirect-uris',
    via: ['dashboard'],
    sources: [
      { kind: 'seed', document: 'Redirects', section: 'Wildcard usage patterns' },
      { kind: 'docs', page: 'redirects', section: 'Wildcard usage patterns' },
    ],
    related: ['C-28', 'G-01'],
  },
  {
    id: 'RDR-011',
    statement:
      'Custom-scheme deep-link URIs for desktop and mobile apps, such as myapp://login/callback and ' +
      'myapp://callback, are accepted.',
    force: 'MUST',
    area: 'redirect-uris',
    via: ['dashboard', 'http'],
    sources: [
      { kind: 'seed', document: 'Redirects', section: 'Custom URI schemes' },
      { kind: 'docs', page: 'redirects', section: 'Custom URI schemes' },
      { kind: 'repo', path: 'authenticate/fsa/multiapp/native-app.mdx' },
    ],
    related: ['G-01', 'G-06'],
  },
  {
    id: 'RDR-012',
    statement:
      'A wildcard as the root-level label (https://*.com) is refused; https://*.acmecorp.com and the partial label ' +
      'https://auth-*.acmecorp.com are accepted.',
    force: 'MUST',
    area: 'redirect-uris',
    via: ['dashboard'],
    sources: wildcardExamples,
    related: ['C-25', 'G-01', 'G-04'],
  },
  {
    id: 'RDR-013',
    statement: 'A URI with two or more wildcards (https://*.*.acmecorp.com) is refused; a single wildcard is accepted.',
    force: 'MUST',
    area: 'redirect-uris',
    via: ['dashboard'],
    sources: wildcardExamples,
    related: ['G-01', 'G-04'],
  },
  {
    id: 'RDR-014',
    statement:
      'A wildcard outside the hostname (path, port or scheme, e.g. https://acmecorp.com/*) is refused, as is the ' +
      'docs example https://acmecorp.*.com.',
    force: 'MUST',
    area: 'redirect-uris',
    via: ['dashboard'],
    sources: wildcardExamples,
    related: ['C-24', 'G-01', 'G-04'],
  },
  {
    id: 'RDR-015',
    statement:
      'A wildcard that is not the outermost subdomain label (https://auth.*.acmecorp.com) is refused; ' +
      'https://*.auth.acmecorp.com is accepted.',
    force: 'MUST',
    area: 'redirect-uris',
    via: ['dashboard'],
    sources: wildcardExamples,
    related: ['C-24', 'G-01', 'G-04'],
  },
  {
    id: 'RDR-016',
    statement:
      'Every wildcard URI valid in development (https://*.acmecorp.com, https://auth-*.acmecorp.com, ' +
      'https://*.auth.acmecorp.com) is refused in production.',
    force: 'MUST',
    area: 'redirect-uris',
    via: ['dashboard'],
    sources: [{ kind: 'derived', from: ['RDR-006', 'RDR-012', 'RDR-013', 'RDR-014', 'RDR-015'] }],
    related: ['G-01', 'G-04'],
  },
  {
    id: 'RDR-017',
    statement:
      'Allowed callback (post-login), initiate login, post logout and back-channel logout URLs are four separate ' +
      'allowlists of registered URIs.',
    force: 'MUST',
    area: 'redirect-uris',
    via: ['dashboard'],
    sources: [
      { kind: 'seed', document: 'Redirects', section: 'Redirect endpoint types' },
      { kind: 'docs', page: 'redirects', section: 'Redirect endpoint types' },
      { kind: 'repo', path: 'authenticate/fsa/multiapp/manage-apps.mdx', section: 'Configure redirect URLs' },
    ],
    related: ['C-23', 'C-26', 'G-01'],
  },
  {
    id: 'RDR-018',
    statement: 'Several post-logout URLs can be registered at the same time.',
    force: 'MAY',
    area: 'redirect-uris',
    via: ['dashboard'],
    sources: [{ kind: 'repo', path: 'authenticate/fsa/logout.mdx', section: 'Configure post-logout redirect URL' }],
  },
  {
    id: 'RDR-019',
    statement: '/oidc/logout with a post_logout_redirect_uri that is not on the allowlist never redirects to that URI.',
    force: 'MUST',
    area: 'redirect-uris',
    via: ['http'],
    sources: [{ kind: 'repo', path: 'authenticate/fsa/logout.mdx', section: 'Configure post-logout redirect URL' }],
    related: ['G-25'],
  },
  {
    id: 'RDR-020',
    statement:
      'M2M organisation client responses may carry redirect_uris as an array of strings; the create and update ' +
      'request bodies have no such field.',
    force: 'MUST',
    area: 'redirect-uris',
    via: ['api'],
    sources: [
      { kind: 'spec', pointer: '/components/schemas/clientsM2MClient/properties/redirect_uris' },
      { kind: 'spec', pointer: '/components/schemas/clientsOrganizationClient' },
    ],
  },

  // Organisation-specific redirect URL templates
  {
    id: 'RDT-001',
    statement:
      'A redirect template may use {{org_slug}} (a DNS label or full host), {{external_id}} or any organisation ' +
      'metadata key, e.g. {{custom_domain}}.',
    force: 'MAY',
    area: 'org-redirect-templates',
    via: ['dashboard', 'http'],
    sources: [{ kind: 'docs', page: 'org-redirect-urls', section: 'Available template variables' }],
    related: ['G-08'],
  },
  {
    id: 'RDT-002',
    statement:
      'Template URLs are accepted in allowed callback, post logout and initiate login URLs only, not as a ' +
      'back-channel logout URL.',
    force: 'MUST',
    area: 'org-redirect-templates',
    via: ['dashboard'],
    sources: [{ kind: 'docs', page: 'org-redirect-urls', section: 'Register an organization-specific URL' }],
    related: ['G-08'],
  },
  {
    id: 'RDT-003',
    statement:
      'A template whose placeholder is a whole subdomain label, the whole host or a path segment ' +
      '(https://{{org_slug}}.yourapp.com/callback) is accepted.',
    force: 'MUST',
    area: 'org-redirect-templates',
    via: ['dashboard'],
    sources: [{ kind: 'docs', page: 'org-redirect-urls' }],
    related: ['G-08'],
  },
  {
    id: 'RDT-004',
    statement:
      'A template whose placeholder fills only part of a DNS label (https://app-{{org_slug}}.yourapp.com) is refused.',
    force: 'MUST',
    area: 'org-redirect-templates',
    via: ['dashboard'],
    sources: [{ kind: 'docs', page: 'org-redirect-urls', section: 'Register an organization-specific URL' }],
    related: ['C-25', 'G-08'],
  },
  {
    id: 'RDT-005',
    statement:
      'With organization_id given, a redirect_uri equal to the template expanded for that organisation is accepted; ' +
      'one expanded for another is refused.',
    force: 'MUST',
    area: 'org-redirect-templates',
    via: ['http'],
    sources: [
      { kind: 'docs', page: 'org-redirect-urls', section: 'A worked example' },
      {
        kind: 'docs',
        page: 'org-redirect-urls',
        section: 'Pass organization_id and redirect URL in the authorization request',
      },
    ],
    related: ['G-08'],
  },
  {
    id: 'RDT-006',
    statement:
      'A redirect_uri that matches only a template is refused when no organisation is in scope (no organization_id ' +
      'or other resolution).',
    force: 'MUST',
    area: 'org-redirect-templates',
    via: ['http'],
    sources: [
      {
        kind: 'docs',
        page: 'org-redirect-urls',
        section: 'Pass organization_id and redirect URL in the authorization request',
      },
    ],
    related: ['G-02'],
  },
  {
    id: 'RDT-007',
    statement:
      'On /oidc/logout the organisation comes from the session; once the session has expired a templated post-logout ' +
      'redirect is refused.',
    force: 'MUST',
    area: 'org-redirect-templates',
    via: ['http'],
    sources: [{ kind: 'docs', page: 'org-redirect-urls', section: 'Register an organization-specific URL' }],
    related: ['G-25'],
  },
  {
    id: 'RDT-008',
    statement:
      'Setting only the slug, or only the metadata key a template uses, is enough for that template to expand.',
    force: 'MAY',
    area: 'org-redirect-templates',
    via: ['api'],
    sources: [{ kind: 'docs', page: 'org-redirect-urls', section: 'Set slug or metadata for an organization' }],
  },
  {
    id: 'RDT-009',
    statement:
      'Creating an organisation with a slug outside the lowercase DNS pattern or 1-253 length (Auth.Megasoft.com, ' +
      '-acme, acme_) is refused; acme is accepted.',
    force: 'MUST',
    area: 'org-redirect-templates',
    via: ['api'],
    sources: [
      { kind: 'spec', pointer: '/components/schemas/v1organizationsCreateOrganization/properties/slug' },
      { kind: 'spec', pointer: '/components/schemas/organizationsOrganization/properties/slug' },
    ],
    related: ['G-28'],
  },
  {
    id: 'RDT-010',
    statement:
      'Updating an organisation with slug set to the empty string clears the slug; any other value must match the ' +
      'create pattern.',
    force: 'MUST',
    area: 'org-redirect-templates',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: '/components/schemas/v1organizationsUpdateOrganization/properties/slug' }],
    related: ['G-28'],
  },
  {
    id: 'RDT-011',
    statement: 'Creating a second organisation with a slug already used in the same environment is refused.',
    force: 'MUST',
    area: 'org-redirect-templates',
    via: ['api'],
    sources: [
      { kind: 'spec', pointer: '/components/schemas/v1organizationsCreateOrganization/properties/slug/description' },
    ],
    related: ['G-28'],
  },
  {
    id: 'RDT-012',
    statement:
      'An organisation update with a metadata key outside 3-25 characters, a value outside 1-256 characters, or more ' +
      'than 10 pairs is refused.',
    force: 'MUST',
    area: 'org-redirect-templates',
    via: ['api'],
    sources: [
      {
        kind: 'spec',
        pointer: '/components/schemas/v1organizationsUpdateOrganization/properties/metadata/description',
      },
    ],
    related: ['C-33', 'G-28'],
  },

  // Initiate-login, callback and logout endpoints
  {
    id: 'EPT-001',
    statement:
      'An initiate-login endpoint must use https and must not be localhost in production, and must accept any query ' +
      'parameters Scalekit adds.',
    force: 'MUST',
    area: 'endpoints',
    via: ['dashboard', 'receiver'],
    sources: [
      { kind: 'seed', document: 'Configure initiate login endpoint', section: 'Configure the initiate login endpoint' },
      {
        kind: 'repo',
        path: 'guides/dashboard/intitate-login-endpoint.mdx',
        section: 'Configure the initiate login endpoint',
      },
    ],
    related: ['C-23', 'C-26', 'G-05', 'G-26'],
  },
  {
    id: 'EPT-002',
    statement:
      'Scalekit sends users to the initiate-login endpoint for expired bookmarked logins, after password reset or ' +
      'email verification, for invitations and without cookies.',
    force: 'MUST',
    area: 'endpoints',
    via: ['receiver'],
    sources: [
      { kind: 'seed', document: 'Configure initiate login endpoint' },
      { kind: 'repo', path: 'guides/dashboard/intitate-login-endpoint.mdx' },
    ],
    related: ['C-35', 'G-26'],
  },
  {
    id: 'EPT-003',
    statement: 'The initiate-login route is expected to end by redirecting the user to Scalekit at /oauth/authorize.',
    force: 'SHOULD',
    area: 'endpoints',
    via: ['receiver'],
    sources: [
      { kind: 'seed', document: 'Redirects', section: 'Initiate login URL' },
      { kind: 'docs', page: 'redirects', section: 'Initiate login URL' },
    ],
    related: ['C-27'],
  },
  {
    id: 'EPT-004',
    statement:
      'For IdP-initiated SSO the initiate-login endpoint gets idp_initiated_login, a JWT with connection_id, ' +
      'organization_id, login_hint and relay_state, or error_description.',
    force: 'MUST',
    area: 'endpoints',
    via: ['receiver'],
    sources: [
      { kind: 'repo', path: 'sso/guides/idp-init-sso.mdx', section: 'Implementation examples' },
      { kind: 'sdk', path: 'src/types/auth.ts' },
    ],
  },
  {
    id: 'EPT-005',
    statement:
      'An authorize request needs response_type=code, client_id, a registered redirect_uri and scope; prompt and ' +
      'provider take only their listed values.',
    force: 'MUST',
    area: 'endpoints',
    via: ['http'],
    sources: [{ kind: 'repo', path: 'authenticate/fsa/implement-login.mdx' }],
  },
  {
    id: 'EPT-006',
    statement:
      'The state sent to /oauth/authorize comes back unchanged on the callback; the app must reject a callback whose ' +
      'state differs (CSRF).',
    force: 'MUST',
    area: 'endpoints',
    via: ['http', 'receiver'],
    sources: [
      { kind: 'repo', path: 'authenticate/fsa/implement-login.mdx', section: 'Add state' },
      { kind: 'repo', path: 'authenticate/fsa/complete-login.mdx', section: 'Validate the state parameter' },
    ],
  },
  {
    id: 'EPT-007',
    statement:
      'An authorization code can be exchanged at /oauth/token once, within about 10 minutes; a second exchange fails ' +
      'with an error such as invalid_grant.',
    force: 'MUST',
    area: 'endpoints',
    via: ['http'],
    sources: [{ kind: 'repo', path: 'authenticate/fsa/complete-login.mdx' }],
  },
  {
    id: 'EPT-008',
    statement:
      'A failed login returns to the callback with error and error_description (plus state) instead of code, e.g. ' +
      'error=access_denied.',
    force: 'MUST',
    area: 'endpoints',
    via: ['http', 'receiver'],
    sources: [
      { kind: 'repo', path: 'authenticate/fsa/multiapp/native-app.mdx', section: 'Handle errors' },
      { kind: 'repo', path: 'sso/reference/sso-integration-errors.mdx' },
    ],
    related: ['C-28', 'G-02'],
  },
  {
    id: 'EPT-009',
    statement:
      'Authorization errors use the documented integration codes (invalid_redirect_uri ... server_error, 15 in all) ' +
      'or the SSO-configuration codes.',
    force: 'MUST',
    area: 'endpoints',
    via: ['http'],
    sources: [{ kind: 'repo', path: 'sso/reference/sso-integration-errors.mdx' }],
    related: ['C-28', 'G-02'],
  },
  {
    id: 'EPT-010',
    statement:
      'Logout is a browser navigation to /oidc/logout with id_token_hint and post_logout_redirect_uri; a fetch POST ' +
      'sends no session cookie and ends nothing.',
    force: 'MUST',
    area: 'endpoints',
    via: ['http'],
    sources: [{ kind: 'repo', path: 'authenticate/fsa/logout.mdx', section: 'Create a logout endpoint' }],
  },
  {
    id: 'EPT-011',
    statement: '/oidc/logout redirects only to a post_logout_redirect_uri registered as a Post Logout URL.',
    force: 'MUST',
    area: 'endpoints',
    via: ['http'],
    sources: [{ kind: 'repo', path: 'authenticate/fsa/logout.mdx', section: 'Configure post-logout redirect URL' }],
    related: ['C-26', 'G-25'],
  },
  {
    id: 'EPT-012',
    statement:
      'A web app back-channel logout URL is notified of every logout (admin, user or session policy); SPA and native ' +
      'apps cannot register one.',
    force: 'MUST',
    area: 'endpoints',
    via: ['receiver'],
    sources: [
      { kind: 'seed', document: 'Redirects', section: 'Back channel logout URL' },
      { kind: 'repo', path: 'authenticate/fsa/multiapp/manage-apps.mdx' },
    ],
    related: ['G-27'],
  },
  {
    id: 'EPT-013',
    statement:
      'SPA and native apps use Authorization Code with PKCE and no client secret; native callbacks are custom-scheme ' +
      'or loopback http://127.0.0.1:PORT URIs.',
    force: 'MUST',
    area: 'endpoints',
    via: ['http'],
    sources: [
      { kind: 'repo', path: 'authenticate/fsa/multiapp/native-app.mdx' },
      { kind: 'repo', path: 'authenticate/fsa/multiapp/manage-apps.mdx' },
    ],
    related: ['C-23', 'G-05'],
  },
  {
    id: 'EPT-014',
    statement: 'A web app holds at most two active client secrets, and each generated secret is a new value.',
    force: 'MUST',
    area: 'endpoints',
    via: ['dashboard'],
    sources: [{ kind: 'repo', path: 'authenticate/fsa/multiapp/manage-apps.mdx' }],
  },

  // Email templates and template variables
  {
    id: 'TPL-001',
    statement:
      'An email template is either the Scalekit one (preview only) or a custom one with editable subject, HTML body ' +
      'and text body.',
    force: 'SHOULD',
    area: 'email-templates',
    via: ['dashboard'],
    sources: [
      { kind: 'seed', document: 'Custom email templates' },
      { kind: 'docs', page: 'custom-email-templates' },
    ],
    related: ['C-26'],
  },
  {
    id: 'TPL-002',
    statement: 'Selecting a custom email template is not allowed until a custom email (SMTP) provider is configured.',
    force: 'MUST',
    area: 'email-templates',
    via: ['dashboard'],
    sources: [
      { kind: 'seed', document: 'Custom email templates' },
      { kind: 'docs', page: 'custom-email-templates' },
    ],
  },
  {
    id: 'TPL-003',
    statement:
      'A template with both HTML and plain-text bodies is sent as multipart/alternative, the text part as fallback.',
    force: 'MUST',
    area: 'email-templates',
    via: ['receiver'],
    sources: [
      { kind: 'seed', document: 'Custom email templates', section: 'Provide HTML and plain text versions' },
      { kind: 'docs', page: 'custom-email-templates', section: 'Provide HTML and plain text versions' },
    ],
  },
  {
    id: 'TPL-004',
    statement: 'Once a custom template is saved, every later email of that kind is rendered from it.',
    force: 'MUST',
    area: 'email-templates',
    via: ['receiver'],
    sources: [
      { kind: 'seed', document: 'Custom email templates', section: 'Provide HTML and plain text versions' },
      { kind: 'docs', page: 'custom-email-templates', section: 'Provide HTML and plain text versions' },
    ],
  },
  {
    id: 'TPL-005',
    statement:
      'Any template can use 10 built-ins filled at send time: app_name, app_logo_url, app_support_email, ' +
      'app_organization_meta_name, organization_name, user_name, user_email, link, otp, expiry_time_relative.',
    force: 'MUST',
    area: 'email-templates',
    via: ['receiver'],
    sources: [
      { kind: 'seed', document: 'Custom email templates', section: 'Built-in template variables' },
      { kind: 'docs', page: 'custom-email-templates', section: 'Built-in template variables' },
    ],
    related: ['G-12'],
  },
  {
    id: 'TPL-006',
    statement:
      'JET conditionals render the if branch when the variable is set and the else branch when not: user_name John ' +
      'gives Hello John, none gives Hello.',
    force: 'MUST',
    area: 'email-templates',
    via: ['receiver'],
    sources: [
      { kind: 'seed', document: 'Custom email templates', section: 'JET template syntax' },
      { kind: 'docs', page: 'custom-email-templates', section: 'JET template syntax' },
    ],
    related: ['G-11'],
  },
  {
    id: 'TPL-007',
    statement:
      'Custom runtime variables are supplied only on a Headless API passwordless send, as template_variables (REST) ' +
      'or templateVariables (Node SDK).',
    force: 'MUST',
    area: 'email-templates',
    via: ['api'],
    sources: [
      { kind: 'seed', document: 'Custom email templates', section: 'Inject you own variables at runtime' },
      { kind: 'spec', pointer: templateVariables },
    ],
    related: ['G-12'],
  },
  {
    id: 'TPL-008',
    statement:
      'template_variables values must be strings; a non-string value such as {"count": 3} fails the request schema.',
    force: 'MUST',
    area: 'email-templates',
    via: ['api'],
    sources: [
      { kind: 'seed', document: 'Custom email templates', section: 'Inject you own variables at runtime' },
      { kind: 'spec', pointer: `${templateVariables}/additionalProperties` },
    ],
    related: ['G-10'],
  },
  {
    id: 'TPL-009',
    statement:
      'Up to 30 template variables are accepted; a send with 31 pairs (or a template using 31 variables) is refused.',
    force: 'MUST',
    area: 'email-templates',
    via: ['api'],
    sources: [
      { kind: 'seed', document: 'Custom email templates', section: 'Inject you own variables at runtime' },
      { kind: 'spec', pointer: `${templateVariables}/description` },
      { kind: 'docs', page: 'quickstart', section: 'Send verification email' },
    ],
    related: ['C-16', 'G-10'],
  },
  {
    id: 'TPL-010',
    statement:
      'A template_variables key that is reserved (otp, expiry_time_relative, link, expire_time, expiry_time) is ' +
      'refused.',
    force: 'MUST',
    area: 'email-templates',
    via: ['api'],
    sources: [
      { kind: 'seed', document: 'Custom email templates', section: 'Inject you own variables at runtime' },
      { kind: 'spec', pointer: `${templateVariables}/description` },
    ],
    related: ['C-17', 'G-10'],
  },
  {
    id: 'TPL-011',
    statement:
      'A send whose template uses a variable missing from template_variables (e.g. first_name) is refused with 400.',
    force: 'MUST',
    area: 'email-templates',
    via: ['api'],
    sources: [
      { kind: 'seed', document: 'Custom email templates', section: 'Inject you own variables at runtime' },
      { kind: 'docs', page: 'custom-email-templates' },
      { kind: 'spec', pointer: `${templateVariables}/description` },
    ],
    related: ['C-18', 'G-09', 'G-11', 'G-12'],
  },
  {
    id: 'TPL-012',
    statement:
      'Supplied first_name, company_name and onboarding_resources values replace their placeholders verbatim in the ' +
      'sent email.',
    force: 'MUST',
    area: 'email-templates',
    via: ['receiver'],
    sources: [{ kind: 'seed', document: 'Custom email templates', section: 'Inject you own variables at runtime' }],
  },
  {
    id: 'TPL-013',
    statement: 'Template variables are substituted before the email leaves, whichever email provider sends it.',
    force: 'MUST',
    area: 'email-templates',
    via: ['receiver'],
    sources: [{ kind: 'spec', pointer: `${templateVariables}/description` }],
  },
  {
    id: 'TPL-014',
    statement:
      'The managed sender is hi@scalekit.com named Team <workspace name>; custom SMTP normally uses port 587 (TLS) ' +
      'or 465 (SSL).',
    force: 'SHOULD',
    area: 'email-templates',
    via: ['dashboard', 'receiver'],
    sources: [
      { kind: 'docs', page: 'email-providers', section: "Use Scalekit's managed email service" },
      { kind: 'docs', page: 'email-providers', section: 'Gather your SMTP credentials' },
    ],
  },

  // Passwordless send, resend and verify
  {
    id: 'PWL-001',
    statement:
      'POST /api/v1/passwordless/email/send with an email (other fields optional) returns 200 with a send response.',
    force: 'MUST',
    area: 'passwordless',
    via: ['api'],
    sources: [
      { kind: 'spec', pointer: '/paths/~1api~1v1~1passwordless~1email~1send/post' },
      { kind: 'docs', page: 'quickstart', section: 'Send verification email' },
    ],
    related: ['C-18'],
  },
  {
    id: 'PWL-002',
    statement: 'A send without expires_in returns expires_in 300 and an expires_at about 300 seconds from now.',
    force: 'MUST',
    area: 'passwordless',
    via: ['api'],
    sources: [
      { kind: 'spec', pointer: `${sendRequest}/expires_in` },
      { kind: 'docs', page: 'quickstart', section: 'Send verification email' },
    ],
    related: ['C-14', 'G-15'],
  },
  {
    id: 'PWL-003',
    statement: 'The dashboard expiry period defaults to 300 seconds and is limited to 60-3600 seconds.',
    force: 'MUST',
    area: 'passwordless',
    via: ['dashboard'],
    sources: [{ kind: 'docs', page: 'passwordless', section: 'Set expiry period' }],
    related: ['C-14', 'G-15'],
  },
  {
    id: 'PWL-004',
    statement:
      'A template value other than SIGNIN or SIGNUP fails the request schema; the Node SDK throws before sending.',
    force: 'MUST',
    area: 'passwordless',
    via: ['api'],
    sources: [
      { kind: 'spec', pointer: '/components/schemas/passwordlessTemplateType/enum' },
      { kind: 'sdk', path: 'src/passwordless.ts' },
    ],
    related: ['C-19'],
  },
  {
    id: 'PWL-005',
    statement:
      'A link method (Link or Link + OTP) needs magiclink_auth_uri, and the emailed link is that URI with a ' +
      'link_token query parameter added.',
    force: 'MUST',
    area: 'passwordless',
    via: ['api', 'receiver'],
    sources: [
      { kind: 'docs', page: 'quickstart', section: 'Send verification email' },
      { kind: 'spec', pointer: `${sendRequest}/magiclink_auth_uri` },
    ],
    related: ['G-16'],
  },
  {
    id: 'PWL-006',
    statement:
      'A send response has auth_request_id, expires_at (Unix seconds, int64 string), expires_in and ' +
      'passwordless_type OTP/LINK/LINK_OTP, with expires_at - now ~ expires_in.',
    force: 'MUST',
    area: 'passwordless',
    via: ['api'],
    sources: [
      { kind: 'spec', pointer: '/components/schemas/passwordlessSendPasswordlessResponse' },
      { kind: 'spec', pointer: '/components/schemas/authpasswordlessPasswordlessType/enum' },
    ],
    related: ['C-15', 'C-30', 'G-21', 'G-24'],
  },
  {
    id: 'PWL-007',
    statement:
      'passwordless_type follows the dashboard method (code: OTP, magic link: LINK, both: LINK_OTP), and OTP codes ' +
      'have 6 digits.',
    force: 'MUST',
    area: 'passwordless',
    via: ['api'],
    sources: [
      { kind: 'docs', page: 'passwordless', section: 'Select authentication method' },
      {
        kind: 'spec',
        pointer: '/components/schemas/passwordlessVerifyPasswordLessRequest/properties/code/description',
      },
    ],
  },
  {
    id: 'PWL-008',
    statement: 'The state given on send comes back unchanged in the verify response.',
    force: 'MUST',
    area: 'passwordless',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: `${sendRequest}/state` }],
  },
  {
    id: 'PWL-009',
    statement:
      'POST /api/v1/passwordless/email/resend with an auth_request_id returns 200 in the send response shape, with a ' +
      'new expiry.',
    force: 'MUST',
    area: 'passwordless',
    via: ['api'],
    sources: [
      { kind: 'spec', pointer: '/paths/~1api~1v1~1passwordless~1email~1resend/post/responses/200' },
      { kind: 'docs', page: 'quickstart', section: 'Resend a verification email' },
    ],
    related: ['C-20', 'G-09'],
  },
  {
    id: 'PWL-010',
    statement:
      'With regenerate-on-resend on, a resend invalidates the earlier code or link, so verifying with the old code ' +
      'fails.',
    force: 'MUST',
    area: 'passwordless',
    via: ['api'],
    sources: [
      { kind: 'docs', page: 'passwordless', section: 'Regenerate credentials on resend' },
      { kind: 'docs', page: 'quickstart', section: 'Resend a verification email' },
    ],
    related: ['C-20', 'G-14'],
  },
  {
    id: 'PWL-011',
    statement:
      'A third send or resend for the same email address within 60 seconds is refused: the limit is 2 per minute, ' +
      'sends and resends together.',
    force: 'MUST',
    area: 'passwordless',
    via: ['api'],
    sources: [{ kind: 'docs', page: 'quickstart', section: 'Resend a verification email' }],
    related: ['C-18', 'G-13'],
  },
  {
    id: 'PWL-012',
    statement:
      'OTP verify needs code and auth_request_id; link verify needs link_token, plus auth_request_id when ' +
      'same-browser origin is enforced.',
    force: 'MUST',
    area: 'passwordless',
    via: ['api'],
    sources: [
      { kind: 'docs', page: 'quickstart', section: "Verify the user's identity" },
      { kind: 'spec', pointer: '/components/schemas/passwordlessVerifyPasswordLessRequest' },
    ],
    related: ['G-14'],
  },
  {
    id: 'PWL-013',
    statement:
      'A verify response has email, state, template (SIGNIN/SIGNUP) and passwordless_type (OTP/LINK/LINK_OTP).',
    force: 'MUST',
    area: 'passwordless',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: '/components/schemas/passwordlessVerifyPasswordLessResponse' }],
  },
  {
    id: 'PWL-014',
    statement:
      'After 5 wrong OTPs for one auth_request_id within 10 minutes, the next verify gets 429 even with the right ' +
      'code, and the flow must restart.',
    force: 'MUST',
    area: 'passwordless',
    via: ['api'],
    sources: [
      { kind: 'docs', page: 'quickstart', section: "Verify the user's identity" },
      { kind: 'repo', path: 'passwordless/oidc.mdx' },
    ],
    related: ['C-18', 'C-34', 'G-14'],
  },
  {
    id: 'PWL-015',
    statement: 'With same-browser origin enforced, a magic link opened in another browser or on another device fails.',
    force: 'MUST',
    area: 'passwordless',
    via: ['http', 'api'],
    sources: [{ kind: 'docs', page: 'passwordless', section: 'Enforce same browser origin' }],
  },
  {
    id: 'PWL-016',
    statement:
      'A passwordless send whose template uses a custom variable absent from template_variables gets 400 (the ' +
      'TPL-007 to TPL-011 rules apply).',
    force: 'MUST',
    area: 'passwordless',
    via: ['api'],
    sources: [{ kind: 'derived', from: ['TPL-007', 'TPL-008', 'TPL-009', 'TPL-010', 'TPL-011'] }],
    related: ['C-18', 'G-09'],
  },
  {
    id: 'PWL-017',
    statement:
      'The spec declares only 200 for send, resend and verify, so the 400 and 429 the docs promise are undeclared; ' +
      'strict status checking is optional.',
    force: 'SHOULD',
    area: 'passwordless',
    via: ['spec'],
    sources: [
      { kind: 'spec', pointer: '/paths/~1api~1v1~1passwordless~1email~1send/post/responses' },
      { kind: 'spec', pointer: '/paths/~1api~1v1~1passwordless~1email~1resend/post/responses' },
      { kind: 'spec', pointer: '/paths/~1api~1v1~1passwordless~1email~1verify/post/responses' },
    ],
    related: ['C-18'],
  },

  // Authentication logs
  {
    id: 'ALG-001',
    statement:
      'Auth-log status takes INITIATED, PENDING, SUCCESS or FAILED; the dashboard labels Initiated, Pending, ' +
      'Success, Failure map onto them.',
    force: 'MUST',
    area: 'auth-logs',
    via: ['dashboard', 'api'],
    sources: [
      { kind: 'seed', document: 'View logs', section: 'Authentication statuses' },
      { kind: 'spec', pointer: '/components/schemas/auditlogsAuthLogRequest/properties/status/enum' },
    ],
    related: ['C-01'],
  },
  {
    id: 'ALG-002',
    statement: 'A new /oauth/authorize request creates an auth-log entry with status INITIATED.',
    force: 'MUST',
    area: 'auth-logs',
    via: ['http', 'api'],
    sources: [{ kind: 'seed', document: 'View logs', section: 'Authentication statuses' }],
    related: ['C-27', 'G-18'],
  },
  {
    id: 'ALG-003',
    statement:
      'While redirects and the profile-for-code exchange are in progress, the entry reports PENDING, between ' +
      'INITIATED and its final status.',
    force: 'SHOULD',
    area: 'auth-logs',
    via: ['api'],
    sources: [{ kind: 'seed', document: 'View logs', section: 'Authentication statuses' }],
  },
  {
    id: 'ALG-004',
    statement: 'After a successful code exchange at /oauth/token the auth-log entry reports SUCCESS.',
    force: 'MUST',
    area: 'auth-logs',
    via: ['http', 'api'],
    sources: [{ kind: 'seed', document: 'View logs', section: 'Authentication statuses' }],
    related: ['G-18'],
  },
  {
    id: 'ALG-005',
    statement: 'A denied login (bad credentials, network failure, interceptor DENY and the like) is logged as FAILED.',
    force: 'MUST',
    area: 'auth-logs',
    via: ['api'],
    sources: [{ kind: 'seed', document: 'View logs', section: 'Authentication statuses' }],
    related: ['C-01', 'G-18'],
  },
  {
    id: 'ALG-006',
    statement: 'Dashboard auth-log filters (time range, user email, status, organisation) combine with AND.',
    force: 'SHOULD',
    area: 'auth-logs',
    via: ['dashboard'],
    sources: [{ kind: 'seed', document: 'View logs', section: 'Filter auth logs' }],
    related: ['C-01', 'C-02', 'G-17'],
  },
  {
    id: 'ALG-007',
    statement:
      'GET /api/v1/logs/authentication/requests takes page_size, page_token, email, status, start_time, end_time, ' +
      'resource_id and client_id; no organisation filter.',
    force: 'MUST',
    area: 'auth-logs',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: `${authLogsGet}/parameters` }],
    related: ['C-02'],
  },
  {
    id: 'ALG-008',
    statement:
      'Several statuses are sent as repeated status parameters (status=SUCCESS&status=FAILED) and return entries ' +
      'matching any of them.',
    force: 'SHOULD',
    area: 'auth-logs',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: `${authLogsGet}/parameters/3` }],
    related: ['G-17'],
  },
  {
    id: 'ALG-009',
    statement: 'The status filter ignores case: status=failed returns the same entries as status=FAILED.',
    force: 'MUST',
    area: 'auth-logs',
    via: ['api'],
    sources: [
      { kind: 'spec', pointer: `${authLogsGet}/description` },
      { kind: 'spec', pointer: `${authLogsGet}/parameters/3/description` },
    ],
    related: ['G-29'],
  },
  {
    id: 'ALG-010',
    statement:
      'A status filter value outside INITIATED/PENDING/SUCCESS/FAILED (including the docs label Failure) is rejected ' +
      'with 400 and an ErrorInfo body.',
    force: 'MUST',
    area: 'auth-logs',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: `${authLogsGet}/responses/400` }],
    related: ['C-01', 'C-21', 'G-23', 'G-29'],
  },
  {
    id: 'ALG-011',
    statement: 'A malformed page_token is rejected with 400 and an ErrorInfo body.',
    force: 'MUST',
    area: 'auth-logs',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: `${authLogsGet}/responses/400/description` }],
    related: ['C-21', 'G-23'],
  },
  {
    id: 'ALG-012',
    statement: 'A request with a missing or invalid Authorization header is rejected with 401 and an ErrorInfo body.',
    force: 'MUST',
    area: 'auth-logs',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: `${authLogsGet}/responses/401` }],
    related: ['C-21', 'G-23'],
  },
  {
    id: 'ALG-013',
    statement: 'Every returned entry satisfies start_time <= timestamp <= end_time; both bounds are inclusive, in UTC.',
    force: 'MUST',
    area: 'auth-logs',
    via: ['api'],
    sources: [
      { kind: 'spec', pointer: `${authLogsGet}/parameters/4` },
      { kind: 'spec', pointer: `${authLogsGet}/parameters/5` },
    ],
    related: ['G-17'],
  },
  {
    id: 'ALG-014',
    statement: 'Entries come newest first: each timestamp is at least the next one, across page boundaries too.',
    force: 'MUST',
    area: 'auth-logs',
    via: ['api'],
    sources: [
      { kind: 'spec', pointer: `${authLogsGet}/description` },
      { kind: 'spec', pointer: `${authLogResponse}/authRequests/description` },
    ],
    related: ['C-22'],
  },
  {
    id: 'ALG-015',
    statement:
      'next_page_token is empty on the last page and prev_page_token on the first; going next then prev returns the ' +
      'original page.',
    force: 'MUST',
    area: 'auth-logs',
    via: ['api'],
    sources: [
      { kind: 'spec', pointer: `${authLogResponse}/next_page_token` },
      { kind: 'spec', pointer: `${authLogResponse}/prev_page_token` },
    ],
    related: ['G-17'],
  },
  {
    id: 'ALG-016',
    statement:
      'total_size counts every matching entry across pages, does not change with page_size or page, and equals the ' +
      'sum of page lengths.',
    force: 'MUST',
    area: 'auth-logs',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: `${authLogResponse}/total_size` }],
    related: ['G-21', 'G-24'],
  },
  {
    id: 'ALG-017',
    statement:
      'Without page_size the server picks a default; with page_size, no page holds more than page_size entries.',
    force: 'MUST',
    area: 'auth-logs',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: `${authLogsGet}/parameters/0` }],
    related: ['G-17'],
  },
  {
    id: 'ALG-018',
    statement:
      'A filter that matches nothing (e.g. an unknown email) returns an empty or absent authRequests and total_size 0.',
    force: 'MUST',
    area: 'auth-logs',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: `${authLogResponse}/authRequests/description` }],
    related: ['C-22', 'G-21'],
  },
  {
    id: 'ALG-019',
    statement:
      'Each entry matches auditlogsAuthLogRequest (auth_request_id, client and connection details, email, status, ' +
      'timestamp, workflow...), with no field required.',
    force: 'MUST',
    area: 'auth-logs',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: '/components/schemas/auditlogsAuthLogRequest' }],
  },
  {
    id: 'ALG-020',
    statement: 'Every entry returned for an email, client_id or status filter carries that email, client_id or status.',
    force: 'MUST',
    area: 'auth-logs',
    via: ['api'],
    sources: [
      { kind: 'spec', pointer: `${authLogsGet}/parameters/2` },
      { kind: 'spec', pointer: `${authLogsGet}/parameters/6` },
      { kind: 'spec', pointer: `${authLogsGet}/parameters/7` },
    ],
    related: ['G-17'],
  },
  {
    id: 'ALG-021',
    statement: 'The Node SDK has no auth-log method; the REST endpoint is the only programmatic access.',
    force: 'MAY',
    area: 'auth-logs',
    via: ['sdk'],
    sources: [{ kind: 'spec', pointer: `${authLogsGet}/x-codeSamples` }],
  },

  // Webhook delivery
  {
    id: 'WHD-001',
    statement: 'A webhook delivery is in one of four states: Success, Queued, Failed or Retrying.',
    force: 'SHOULD',
    area: 'webhook-delivery',
    via: ['dashboard'],
    sources: [{ kind: 'seed', document: 'View logs', section: 'Webhook delivery statuses' }],
    related: ['C-29'],
  },
  {
    id: 'WHD-002',
    statement: 'A delivery answered with any 2xx status (200, 201, 202, 204) counts as delivered and is not retried.',
    force: 'MUST',
    area: 'webhook-delivery',
    via: ['receiver'],
    sources: [{ kind: 'seed', document: 'View logs', section: 'Webhook delivery statuses' }],
    related: ['C-05', 'C-06'],
  },
  {
    id: 'WHD-003',
    statement:
      'A delivery answered with a non-2xx status, not answered, or timed out is failed and attempted again later.',
    force: 'MUST',
    area: 'webhook-delivery',
    via: ['receiver'],
    sources: [{ kind: 'seed', document: 'View logs', section: 'Webhook delivery statuses' }],
    related: ['C-06', 'C-29', 'G-19'],
  },
  {
    id: 'WHD-004',
    statement: 'Failed deliveries are retried with exponential backoff, up to 4 attempts in all.',
    force: 'MUST',
    area: 'webhook-delivery',
    via: ['receiver'],
    sources: [{ kind: 'seed', document: 'View logs', section: 'Webhook delivery statuses' }],
    related: ['C-03', 'C-29', 'G-19'],
  },
  {
    id: 'WHD-005',
    statement: 'Queued deliveries are sent in the order their events were created.',
    force: 'MUST',
    area: 'webhook-delivery',
    via: ['receiver'],
    sources: [{ kind: 'seed', document: 'View logs', section: 'Webhook delivery statuses' }],
    related: ['G-31'],
  },
  {
    id: 'WHD-006',
    statement:
      'Default retry schedule: attempt 1 at once, then after 1, 5 and 15 minutes; after the fourth failure the ' +
      'delivery is permanently failed and can be replayed by hand.',
    force: 'MUST',
    area: 'webhook-delivery',
    via: ['receiver'],
    sources: [
      { kind: 'seed', document: 'View logs', section: 'Retry behavior' },
      { kind: 'docs', page: 'auth-logs', section: 'Retry behavior' },
    ],
    related: ['C-03', 'C-29', 'G-19'],
  },
  {
    id: 'WHD-007',
    statement:
      'Alternative schedule: an immediate retry, then retries after 5 s, 30 s, 2 min, 5 min and 15 min, 6 attempts ' +
      'over about 22 minutes, then failed.',
    force: 'MAY',
    area: 'webhook-delivery',
    via: ['receiver'],
    sources: [{ kind: 'docs', page: 'implement-webhooks', section: 'Handle error responses' }],
    related: ['C-03', 'C-04', 'G-19'],
  },
  {
    id: 'WHD-008',
    statement: 'Alternative schedule: a failed delivery is retried at most 3 times with exponential backoff.',
    force: 'MAY',
    area: 'webhook-delivery',
    via: ['receiver'],
    sources: [{ kind: 'docs', page: 'implement-webhooks', section: 'Configure webhooks in the dashboard' }],
    related: ['C-03', 'C-04', 'G-19'],
  },
  {
    id: 'WHD-009',
    statement:
      'Alternative schedule (SCIM): 8 attempts at 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, stopping at a 200 ' +
      'or 201 answer.',
    force: 'MAY',
    area: 'webhook-delivery',
    via: ['receiver'],
    sources: [{ kind: 'repo', path: 'directory/scim/quickstart.mdx' }],
    related: ['C-03', 'C-06', 'G-19'],
  },
  {
    id: 'WHD-010',
    statement: 'A receiver that takes more than 10 seconds to answer is counted as failed and retried.',
    force: 'MUST',
    area: 'webhook-delivery',
    via: ['receiver'],
    sources: [
      { kind: 'docs', page: 'implement-webhooks', section: 'Configure webhooks in the dashboard' },
      { kind: 'docs', page: 'auth-logs' },
    ],
    related: ['C-05', 'C-38', 'G-19'],
  },
  {
    id: 'WHD-011',
    statement:
      'A receiver may acknowledge with 200, 201 (the recommended code) or 202; the spec declares 200 for every ' +
      'webhook.',
    force: 'MAY',
    area: 'webhook-delivery',
    via: ['receiver', 'spec'],
    sources: [
      { kind: 'docs', page: 'implement-webhooks', section: 'Return success responses' },
      { kind: 'docs', page: 'webhooks-best-practices', section: 'Avoid webhook timeouts' },
      { kind: 'spec', pointer: '/webhooks/organization.created/post/responses/200' },
    ],
    related: ['C-05', 'C-06'],
  },
  {
    id: 'WHD-012',
    statement:
      'Some receiver error codes are meant to stop retries, but none is named; the documented receiver errors are ' +
      '400, 401, 403, 422 and 500.',
    force: 'SHOULD',
    area: 'webhook-delivery',
    via: ['receiver'],
    sources: [{ kind: 'docs', page: 'implement-webhooks', section: 'Handle error responses' }],
    related: ['G-19'],
  },
  {
    id: 'WHD-013',
    statement:
      'Retries can deliver an event twice; a retried delivery keeps the same event id (evt_...) so receivers can ' +
      'stay idempotent.',
    force: 'SHOULD',
    area: 'webhook-delivery',
    via: ['receiver'],
    sources: [{ kind: 'docs', page: 'auth-logs' }],
    related: ['C-38', 'G-19'],
  },
  {
    id: 'WHD-014',
    statement:
      'Webhook logs filter by time range (last 5 minutes to last 30 days), event type and delivery status (Success, ' +
      'Queued, Failed, Retrying).',
    force: 'MAY',
    area: 'webhook-delivery',
    via: ['dashboard'],
    sources: [{ kind: 'seed', document: 'View logs', section: 'Filter webhook logs' }],
  },
  {
    id: 'WHD-015',
    statement:
      'A webhook log entry shows event id and type, time, payload and signed headers, plus response status, body, ' +
      'latency and retry attempt number.',
    force: 'MAY',
    area: 'webhook-delivery',
    via: ['dashboard'],
    sources: [{ kind: 'seed', document: 'View logs', section: 'Webhook log details' }],
  },
  {
    id: 'WHD-016',
    statement: 'Each delivery is an HTTP POST with a JSON body, sent only for event types the endpoint subscribed to.',
    force: 'MUST',
    area: 'webhook-delivery',
    via: ['receiver'],
    sources: [
      { kind: 'docs', page: 'implement-webhooks', section: 'Configure webhooks in the dashboard' },
      { kind: 'docs', page: 'webhooks-best-practices' },
      { kind: 'spec', pointer: '/webhooks/organization.created/post/requestBody' },
    ],
    related: ['C-11'],
  },

  // Webhook signatures
  {
    id: 'WHS-001',
    statement:
      'Every delivery carries the headers webhook-id, webhook-timestamp and webhook-signature (Standard Webhooks ' +
      'naming).',
    force: 'MUST',
    area: 'webhook-signatures',
    via: ['receiver'],
    sources: [
      { kind: 'docs', page: 'webhooks-best-practices', section: 'Verify webhook signatures' },
      { kind: 'repo', path: 'directory/scim/quickstart.mdx' },
      { kind: 'repo', path: 'src/components/sdk-reference/saaskit/go/ScalekitClient.mdx' },
      { kind: 'repo', path: 'src/components/sdk-reference/saaskit/java/ScalekitClient.mdx' },
      { kind: 'sdk', path: 'src/scalekit.ts', lines: '512-514' },
    ],
    related: ['C-07', 'G-20'],
  },
  {
    id: 'WHS-002',
    statement:
      'webhook-signature holds one or more space-separated v1,<base64> entries, and only v1 entries are checked.',
    force: 'MUST',
    area: 'webhook-signatures',
    via: ['receiver'],
    sources: [
      { kind: 'repo', path: 'src/components/sdk-reference/saaskit/java/ScalekitClient.mdx' },
      { kind: 'repo', path: 'saaskit/sdks/go/scalekit-client.mdx', section: 'VerifyWebhookPayload' },
      { kind: 'sdk', path: 'src/scalekit.ts', lines: '587-601' },
    ],
    related: ['C-08', 'G-20'],
  },
  {
    id: 'WHS-003',
    statement:
      'The signature is a base64 HMAC-SHA256 of id.timestamp.raw-body, keyed by the base64-decoded part of the ' +
      'whsec_ secret after the underscore.',
    force: 'MUST',
    area: 'webhook-signatures',
    via: ['receiver'],
    sources: [
      { kind: 'sdk', path: 'src/scalekit.ts', lines: '576-586' },
      { kind: 'sdk', path: 'src/scalekit.ts', lines: '768-773' },
      { kind: 'repo', path: 'src/components/sdk-reference/saaskit/go/ScalekitClient.mdx' },
      { kind: 'repo', path: 'src/components/sdk-reference/saaskit/java/ScalekitClient.mdx' },
    ],
    related: ['C-08', 'C-10', 'G-20'],
  },
  {
    id: 'WHS-004',
    statement:
      'A delivery whose webhook-timestamp is more than 300 seconds older or newer than the current time fails ' +
      'verification.',
    force: 'MUST',
    area: 'webhook-signatures',
    via: ['receiver'],
    sources: [
      { kind: 'docs', page: 'webhooks-best-practices', section: 'Timestamp validation' },
      { kind: 'repo', path: 'src/components/sdk-reference/saaskit/java/ScalekitClient.mdx' },
      { kind: 'repo', path: 'src/components/sdk-reference/saaskit/node/ScalekitClient.mdx' },
      { kind: 'sdk', path: 'src/scalekit.ts', lines: '691-705' },
    ],
    related: ['C-10'],
  },
  {
    id: 'WHS-005',
    statement: 'A delivery missing any of the three webhook headers fails verification.',
    force: 'MUST',
    area: 'webhook-signatures',
    via: ['receiver'],
    sources: [{ kind: 'sdk', path: 'src/scalekit.ts', lines: '572-574' }],
    related: ['C-10'],
    provenByHarness: 'a rule for receivers: the suite’s verifier is held to it by test/webhooks/verify.test.ts',
  },
  {
    id: 'WHS-006',
    statement:
      'The signature covers the raw request body bytes; JSON that was parsed and serialised again may not verify.',
    force: 'MUST',
    area: 'webhook-signatures',
    via: ['receiver'],
    sources: [
      { kind: 'docs', page: 'implement-webhooks' },
      { kind: 'repo', path: 'src/components/sdk-reference/saaskit/node/ScalekitClient.mdx' },
    ],
  },
  {
    id: 'WHS-007',
    statement:
      'Conflicting docs variant: one scalekit-signature header, or t=<ts>,v1=<hex> over <ts>.<body> with the raw ' +
      'secret; it does not verify under the SDK scheme.',
    force: 'MAY',
    area: 'webhook-signatures',
    via: ['receiver'],
    sources: [
      { kind: 'docs', page: 'implement-webhooks', section: 'Set up webhook endpoint' },
      { kind: 'docs', page: 'implement-webhooks', section: 'Verify webhook signature' },
      { kind: 'docs', page: 'webhooks-best-practices', section: 'Advanced signature verification' },
      { kind: 'docs', page: 'webhooks-best-practices', section: 'Webhook testing utilities' },
    ],
    related: ['C-07', 'C-08', 'C-09'],
  },
  {
    id: 'WHS-008',
    statement:
      'Interceptor calls are signed the same way, with interceptor-id, interceptor-timestamp and ' +
      'interceptor-signature (v1,<base64>, 300 s tolerance).',
    force: 'MUST',
    area: 'webhook-signatures',
    via: ['receiver'],
    sources: [
      { kind: 'docs', page: 'auth-flow-interceptors' },
      { kind: 'repo', path: 'src/components/sdk-reference/saaskit/java/ScalekitClient.mdx' },
      { kind: 'sdk', path: 'src/scalekit.ts', lines: '537-554' },
    ],
  },

  // Webhook payloads
  {
    id: 'WHP-001',
    statement:
      'Every event body has spec_version, id, type, occurred_at, environment_id, object and data; organization_id ' +
      'and display_name are optional.',
    force: 'MUST',
    area: 'webhook-payloads',
    via: ['receiver', 'spec'],
    sources: [{ kind: 'spec', pointer: '/components/schemas/OrganizationCreatedEvent/required' }],
    related: ['C-12', 'C-36'],
  },
  {
    id: 'WHP-002',
    statement: 'spec_version is a string of digits, currently "1"; the number 1 is invalid.',
    force: 'MUST',
    area: 'webhook-payloads',
    via: ['receiver'],
    sources: [
      { kind: 'spec', pointer: `${organizationCreated}/spec_version` },
      { kind: 'docs', page: 'implement-webhooks', section: 'Webhook event object' },
    ],
  },
  {
    id: 'WHP-003',
    statement:
      'The event id is a string starting with evt_; connected_account.status_updated also limits it to 1-32 ' +
      'characters.',
    force: 'MUST',
    area: 'webhook-payloads',
    via: ['receiver'],
    sources: [
      { kind: 'spec', pointer: `${organizationCreated}/id` },
      { kind: 'spec', pointer: '/components/schemas/ConnectedAccountStatusUpdatedEvent/properties/id' },
    ],
    related: ['C-36'],
  },
  {
    id: 'WHP-004',
    statement:
      'environment_id starts with env_ and organization_id, when present, with org_; role, permission and ' +
      'connected-account events may omit it.',
    force: 'MUST',
    area: 'webhook-payloads',
    via: ['receiver'],
    sources: [{ kind: 'spec', pointer: '/webhooks/role.created/post/requestBody/content/application~1json/example' }],
  },
  {
    id: 'WHP-005',
    statement:
      'occurred_at is an ISO 8601 date-time; any number of fractional-second digits, nanoseconds included, is valid.',
    force: 'MUST',
    area: 'webhook-payloads',
    via: ['receiver'],
    sources: [
      { kind: 'spec', pointer: `${organizationCreated}/occurred_at` },
      {
        kind: 'spec',
        pointer: '/webhooks/organization.created/post/requestBody/content/application~1json/example/occurred_at',
      },
    ],
    related: ['C-12'],
  },
  {
    id: 'WHP-006',
    statement:
      'type equals the webhook name (a one-value enum), and object is the single value for its family, e.g. ' +
      'Organization, OrgMembership, ConnectedAccount.',
    force: 'MUST',
    area: 'webhook-payloads',
    via: ['receiver'],
    sources: [
      { kind: 'spec', pointer: `${organizationCreated}/type/enum` },
      { kind: 'spec', pointer: `${organizationCreated}/object/enum` },
    ],
    related: ['C-11', 'C-36'],
  },
  {
    id: 'WHP-007',
    statement:
      'data matches its family schema, including required fields, ID prefixes (org_, dom_, dir_, diruser_, ' +
      'dirgroup_, conn_, ca_) and enums.',
    force: 'MUST',
    area: 'webhook-payloads',
    via: ['receiver'],
    sources: [
      { kind: 'spec', pointer: '/components/schemas/OrganizationEventData' },
      { kind: 'spec', pointer: '/components/schemas/OrganizationDomainEventData' },
      { kind: 'spec', pointer: '/components/schemas/OrgMembershipEventData' },
      { kind: 'spec', pointer: '/components/schemas/UserAuthEventData' },
      { kind: 'spec', pointer: '/components/schemas/DirectoryEventData' },
      { kind: 'spec', pointer: '/components/schemas/DirectoryUserEventData' },
      { kind: 'spec', pointer: '/components/schemas/DirectoryGroupEventData' },
      { kind: 'spec', pointer: '/components/schemas/ConnectionEventData' },
      { kind: 'spec', pointer: '/components/schemas/RoleEventData' },
      { kind: 'spec', pointer: '/components/schemas/PermissionEventData' },
      { kind: 'spec', pointer: '/components/schemas/ConnectedAccountEventData' },
      { kind: 'spec', pointer: '/components/schemas/ConnectedAccountStatusUpdatedEventData' },
    ],
    related: ['C-12', 'C-13'],
  },
  {
    id: 'WHP-008',
    statement: 'Unknown fields in the event envelope or in data are accepted: no schema forbids additional properties.',
    force: 'MUST',
    area: 'webhook-payloads',
    via: ['receiver'],
    sources: [{ kind: 'spec', pointer: '/components/schemas' }],
    related: ['C-12'],
    provenByHarness: 'a rule for receivers: the suite’s payload check is held to it by test/checks/webhooks.test.ts',
  },
  {
    id: 'WHP-009',
    statement:
      'null is accepted for nullable event fields (organisation metadata and external_id, session expired_at and ' +
      'logout_at) and for group external_id.',
    force: 'MUST',
    area: 'webhook-payloads',
    via: ['receiver', 'spec'],
    sources: [
      { kind: 'spec', pointer: '/components/schemas/OrganizationEventData/properties/metadata' },
      {
        kind: 'spec',
        pointer: '/components/schemas/OrgMembershipEventData/properties/organization/properties/external_id',
      },
      {
        kind: 'spec',
        pointer: '/components/schemas/OrgMembershipEventData/properties/organization/properties/metadata',
      },
      { kind: 'spec', pointer: '/components/schemas/UserAuthEventData/properties/user_session/properties/expired_at' },
      { kind: 'spec', pointer: '/components/schemas/UserAuthEventData/properties/user_session/properties/logout_at' },
      { kind: 'spec', pointer: '/components/schemas/DirectoryGroupEventData/properties/external_id' },
    ],
    related: ['C-13', 'C-30', 'G-21'],
    provenByHarness: 'a rule for receivers: the suite’s payload check is held to it by test/checks/webhooks.test.ts',
  },
  {
    id: 'WHP-010',
    statement:
      'The spec defines exactly 41 event types across organisation, domain, user, directory, SSO, role, permission ' +
      'and connected-account families.',
    force: 'MUST',
    area: 'webhook-payloads',
    via: ['spec'],
    sources: [{ kind: 'spec', pointer: '/webhooks' }],
    related: ['C-11'],
    provenByHarness: 'a fact of the spec: test/checks/webhooks.test.ts checks it, and `drift` reports when it changes',
  },

  // Token endpoint and API authentication
  {
    id: 'TOK-001',
    statement:
      'A form-encoded POST to {ENV_URL}/oauth/token with grant_type=client_credentials, client_id and client_secret ' +
      '(scope optional) issues a token.',
    force: 'MUST',
    area: 'token-auth',
    via: ['http'],
    sources: [
      { kind: 'spec', pointer: '/info/description' },
      { kind: 'repo', path: 'guides/authenticate-scalekit-api.mdx', section: 'Send a token request' },
    ],
    related: ['C-32', 'G-22'],
  },
  {
    id: 'TOK-002',
    statement:
      'The only security scheme is oauth2 client credentials with tokenUrl {ENV_URL}/oauth/token and an empty scope; ' +
      '/oauth/token is not a spec path.',
    force: 'MUST',
    area: 'token-auth',
    via: ['spec'],
    sources: [{ kind: 'spec', pointer: '/components/securitySchemes/oauth2' }],
    related: ['C-32'],
    provenByHarness:
      'a fact of the pinned spec: test/spec/openapi-document.test.ts checks it, and `drift` reports when it changes',
  },
  {
    id: 'TOK-003',
    statement:
      'A token response carries access_token, token_type Bearer, expires_in (about a day; 86399 in examples) and ' +
      'scope.',
    force: 'MUST',
    area: 'token-auth',
    via: ['http'],
    sources: [
      { kind: 'repo', path: 'guides/authenticate-scalekit-api.mdx', section: 'Understand the token response' },
      { kind: 'repo', path: 'authenticate/m2m/api-auth-quickstart.mdx' },
      { kind: 'repo', path: 'public/saaskit/apis.md', section: 'Quickstart' },
    ],
    related: ['G-22'],
  },
  {
    id: 'TOK-004',
    statement:
      'All 111 operations inherit the global oauth2 requirement; any of them called without a Bearer token gets 401, ' +
      'though only 19 declare it.',
    force: 'MUST',
    area: 'token-auth',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: '/security' }],
    related: ['G-23'],
  },
  {
    id: 'TOK-005',
    statement: 'An invalid or expired token gets 401; a valid token without the needed permission gets 403.',
    force: 'MUST',
    area: 'token-auth',
    via: ['api'],
    sources: [{ kind: 'repo', path: 'guides/authenticate-scalekit-api.mdx', section: 'Common authentication issues' }],
    related: ['G-23'],
  },
  {
    id: 'TOK-006',
    statement:
      'All API traffic uses https to the environment URL (*.scalekit.dev, *.scalekit.com or a custom domain); the ' +
      'spec server URL is a placeholder.',
    force: 'MUST',
    area: 'token-auth',
    via: ['api'],
    sources: [
      { kind: 'spec', pointer: '/info/description' },
      { kind: 'spec', pointer: '/servers/0/url' },
    ],
    related: ['C-32'],
  },
  {
    id: 'TOK-007',
    statement:
      'API statuses follow the documented table: 200/201 success, 400 invalid, 401 auth, 404 not found, 429 rate ' +
      'limit, 500/501/504 server error.',
    force: 'MUST',
    area: 'token-auth',
    via: ['api'],
    sources: [
      { kind: 'repo', path: 'public/saaskit/apis.md', section: 'Error handling' },
      { kind: 'repo', path: 'openapi/extensions/saaskit.yaml' },
    ],
    related: ['G-23'],
  },
  {
    id: 'TOK-008',
    statement:
      'Error bodies are documented as a google.rpc.Status envelope (code, message, details[] with ErrorInfo), unlike ' +
      'the bare ErrorInfo schema.',
    force: 'SHOULD',
    area: 'token-auth',
    via: ['api'],
    sources: [
      { kind: 'repo', path: 'public/saaskit/apis.md', section: 'Error handling' },
      { kind: 'spec', pointer: '/components/schemas/errdetailsErrorInfo' },
    ],
    related: ['C-21', 'G-23'],
  },
  {
    id: 'TOK-009',
    statement:
      'Going over the per-environment requests-per-minute limit gets 429 with error_code RATE_LIMITED, or TOOL_ERROR ' +
      'for an upstream limit.',
    force: 'MUST',
    area: 'token-auth',
    via: ['api'],
    sources: [{ kind: 'repo', path: 'reference/rate-limits.mdx' }],
    related: ['G-13'],
  },
  {
    id: 'TOK-010',
    statement:
      'Creating an M2M organisation client returns 201 with plain_secret shown only then; client IDs start m2morg_, ' +
      'org IDs org_, list page_size is 10-100.',
    force: 'MUST',
    area: 'token-auth',
    via: ['api'],
    sources: [
      { kind: 'spec', pointer: `${orgClients}/post/responses/201` },
      { kind: 'spec', pointer: `${orgClients}~1{client_id}/delete/parameters/1` },
    ],
    related: ['C-31'],
  },
  {
    id: 'TOK-011',
    statement:
      'Tokens are RS256 JWTs verifiable with the JWKS at {ENV_URL}/keys, with iss the environment URL, aud ' +
      'containing the client ID, and exp.',
    force: 'MUST',
    area: 'token-auth',
    via: ['http'],
    sources: [
      { kind: 'repo', path: 'authenticate/fsa/complete-login.mdx' },
      { kind: 'repo', path: 'authenticate/m2m/api-auth-quickstart.mdx' },
    ],
  },

  // General OpenAPI contract
  {
    id: 'OAS-001',
    statement: 'The pinned document is OpenAPI 3.1.1 and passes openapi-spec-validator 0.9.0.',
    force: 'MUST',
    area: 'openapi',
    via: ['spec'],
    sources: [{ kind: 'spec', pointer: '/openapi' }],
    provenByHarness:
      'a fact of the pinned spec: test/spec/openapi-document.test.ts checks it, and `drift` reports when it changes',
  },
  {
    id: 'OAS-002',
    statement:
      'List operations page with page_size and page_token in, next_page_token, prev_page_token and total_size out; ' +
      'the domains list uses page_number.',
    force: 'MUST',
    area: 'openapi',
    via: ['api'],
    sources: [
      { kind: 'spec', pointer: '/paths' },
      { kind: 'spec', pointer: '/paths/~1api~1v1~1organizations~1{organization_id}~1domains/get/parameters/2' },
      { kind: 'spec', pointer: '/paths/~1api~1v1~1organizations~1{organization_id}~1domains/get/parameters/3' },
      { kind: 'spec', pointer: `${authLogResponse}/authRequests` },
    ],
    related: ['C-22', 'G-24'],
  },
  {
    id: 'OAS-003',
    statement:
      'page_size stays within the bounds documented for each list operation, e.g. 10-100 for organisations, users ' +
      'and clients, 1-30 for searches.',
    force: 'MUST',
    area: 'openapi',
    via: ['api'],
    sources: [
      { kind: 'spec', pointer: '/paths/~1api~1v1~1organizations/get/parameters/0' },
      { kind: 'spec', pointer: '/paths/~1api~1v1~1users/get/parameters/0' },
      { kind: 'spec', pointer: `${orgClients}/get/parameters/1` },
      { kind: 'spec', pointer: '/paths/~1api~1v1~1connected_accounts/get/parameters/5' },
      { kind: 'spec', pointer: '/paths/~1api~1v1~1connected_accounts:search/get/parameters/1' },
      { kind: 'spec', pointer: '/paths/~1api~1v1~1organizations~1{organization_id}~1users:search/get/parameters/2' },
      { kind: 'spec', pointer: '/paths/~1api~1v1~1users:search/get/parameters/1' },
      {
        kind: 'spec',
        pointer:
          '/paths/~1api~1v1~1organizations~1{organization_id}~1directories~1{directory_id}~1users/get/parameters/2',
      },
      {
        kind: 'spec',
        pointer:
          '/paths/~1api~1v1~1organizations~1{organization_id}~1directories~1{directory_id}~1groups/get/parameters/2',
      },
      { kind: 'spec', pointer: '/paths/~1api~1v1~1mcp~1configs/get/parameters/5' },
      { kind: 'spec', pointer: '/paths/~1api~1v1~1permissions/get/parameters/1' },
      { kind: 'spec', pointer: '/paths/~1api~1v1~1organizations~1{organization_id}~1users/get/parameters/1' },
      { kind: 'spec', pointer: `${authLogsGet}/parameters/0` },
      { kind: 'spec', pointer: '/paths/~1api~1v1~1users~1{user_id}~1sessions/get/parameters/1' },
    ],
    related: ['C-37'],
  },
  {
    id: 'OAS-004',
    statement:
      'Twelve POST creates answer 201; every other operation answers 200, including the passwordless POSTs and the ' +
      'domain create.',
    force: 'MUST',
    area: 'openapi',
    via: ['api'],
    sources: [
      { kind: 'spec', pointer: '/paths' },
      { kind: 'spec', pointer: '/paths/~1api~1v1~1organizations/post/responses/201' },
      { kind: 'spec', pointer: '/paths/~1api~1v1~1organizations~1{organization_id}~1domains/post/responses/200' },
    ],
  },
  {
    id: 'OAS-005',
    statement:
      'Declared error bodies use errdetailsErrorInfo (nothing required) on only 6 responses; the other 67 error ' +
      'responses have an empty schema.',
    force: 'MUST',
    area: 'openapi',
    via: ['spec', 'api'],
    sources: [
      { kind: 'spec', pointer: '/components/schemas/errdetailsErrorInfo' },
      { kind: 'spec', pointer: `${authLogsGet}/responses/400` },
      { kind: 'spec', pointer: `${authLogsGet}/responses/401` },
      {
        kind: 'spec',
        pointer: '/paths/~1api~1v1~1invites~1organizations~1{organization_id}~1users~1{id}~1resend/patch/responses/400',
      },
      {
        kind: 'spec',
        pointer: '/paths/~1api~1v1~1invites~1organizations~1{organization_id}~1users~1{id}~1resend/patch/responses/404',
      },
      {
        kind: 'spec',
        pointer: '/paths/~1api~1v1~1invites~1organizations~1{organization_id}~1users~1{id}~1resend/patch/responses/500',
      },
      { kind: 'spec', pointer: '/paths/~1api~1v1~1organizations~1{organization_id}~1domains/post/responses/400' },
    ],
    related: ['C-21', 'G-23'],
  },
  {
    id: 'OAS-006',
    statement:
      'Resource IDs carry their documented prefixes (org_, env_, evt_, usr_, ses_, conn_, dir_, dom_, ca_, m2morg_, ' +
      'skc_, sec_, usp_, ar_...); passwordless IDs have none.',
    force: 'MUST',
    area: 'openapi',
    via: ['api', 'receiver'],
    sources: [
      { kind: 'spec', pointer: '/components/schemas/auditlogsAuthLogRequest/properties/organization_id/examples/0' },
      { kind: 'spec', pointer: '/components/schemas/auditlogsAuthLogRequest/properties/environment_id/examples/0' },
      { kind: 'spec', pointer: `${organizationCreated}/id/pattern` },
      { kind: 'spec', pointer: '/components/schemas/OrgMembershipEventData/properties/user/properties/id/pattern' },
      { kind: 'spec', pointer: '/components/schemas/sessionsRevokedSessionDetails/properties/session_id/examples/0' },
      { kind: 'spec', pointer: '/components/schemas/auditlogsAuthLogRequest/properties/connection_id/examples/0' },
      { kind: 'spec', pointer: '/components/schemas/directoriesDirectory/properties/id/examples/0' },
      { kind: 'spec', pointer: '/components/schemas/directoriesDirectoryUser/properties/id/examples/0' },
      { kind: 'spec', pointer: '/components/schemas/directoriesDirectoryGroup/properties/id/examples/0' },
      { kind: 'spec', pointer: '/components/schemas/domainsDomain/properties/id/examples/0' },
      { kind: 'spec', pointer: '/components/schemas/connected_accountsConnectedAccount/properties/id/examples/0' },
      { kind: 'spec', pointer: '/components/schemas/clientsM2MClient/properties/client_id/examples/0' },
      { kind: 'spec', pointer: '/components/schemas/auditlogsAuthLogRequest/properties/client_id/examples/0' },
      { kind: 'spec', pointer: '/components/schemas/clientsClientSecret/properties/id/examples/0' },
      {
        kind: 'spec',
        pointer: '/webhooks/user.signup/post/requestBody/content/application~1json/example/data/user/user_profile/id',
      },
      { kind: 'spec', pointer: '/components/schemas/auditlogsAuthLogRequest/properties/auth_request_id/examples/0' },
    ],
  },
  {
    id: 'OAS-007',
    statement:
      'Paths with colon custom-method segments (/api/v1/users:search and 14 more) and dotted query names ' +
      '(filter.status) route with the colon literal.',
    force: 'MUST',
    area: 'openapi',
    via: ['spec'],
    sources: [
      { kind: 'spec', pointer: '/paths' },
      { kind: 'spec', pointer: '/paths/~1api~1v1~1users:search' },
    ],
  },
  {
    id: 'OAS-008',
    statement:
      'Session listing combines several filter.status values (active, expired, revoked, logout) with OR, and ' +
      'filter.end_time must follow start_time.',
    force: 'MUST',
    area: 'openapi',
    via: ['api'],
    sources: [
      { kind: 'spec', pointer: '/paths/~1api~1v1~1users~1{user_id}~1sessions/get/parameters/3' },
      { kind: 'spec', pointer: '/paths/~1api~1v1~1users~1{user_id}~1sessions/get/parameters/4' },
      { kind: 'spec', pointer: '/paths/~1api~1v1~1users~1{user_id}~1sessions/get/parameters/5' },
    ],
    related: ['G-17'],
  },

  {
    id: 'OAS-009',
    statement: 'No request, valid or not, is answered with a 5xx status: a server error is never a conformant answer.',
    force: 'MUST',
    area: 'openapi',
    via: ['api'],
    sources: [{ kind: 'derived', from: ['TOK-007'] }],
  },
  {
    id: 'OAS-010',
    statement:
      'A success status (2xx) is one the operation declares; an undeclared error status is reported as drift, not failed.',
    force: 'MUST',
    area: 'openapi',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: '/paths' }],
  },
  {
    id: 'OAS-011',
    statement:
      'A response with a body declares its media type, and it is one the spec lists for that status (application/json).',
    force: 'MUST',
    area: 'openapi',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: '/paths' }],
  },
  {
    id: 'OAS-012',
    statement: 'Every response header the spec declares for a status is present in the response.',
    force: 'SHOULD',
    area: 'openapi',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: '/paths' }],
    provenByHarness:
      'a fact of the pinned spec: it declares no response header (test/spec/response-headers.test.ts); the check ' +
      '(responseHeadersConformance in src/contract/checks.ts) is proven in test/contract/response-headers.test.ts',
  },
  {
    id: 'OAS-013',
    statement: 'A response body is valid against the schema the spec declares for its status and media type.',
    force: 'MUST',
    area: 'openapi',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: '/paths' }],
  },
  {
    id: 'OAS-014',
    statement:
      'A request that breaks exactly one constraint of its schema (type, enum, pattern, length, range, required) is refused with a 4xx.',
    force: 'MUST',
    area: 'openapi',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: '/paths' }],
  },
  {
    id: 'OAS-015',
    statement:
      'A request valid against its schemas, naming resources that exist, is accepted with a success status the operation declares.',
    force: 'MUST',
    area: 'openapi',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: '/paths' }],
  },
  {
    id: 'OAS-016',
    statement: 'A request missing a required parameter or a required body is refused with a 4xx.',
    force: 'MUST',
    area: 'openapi',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: '/paths' }],
  },
  {
    id: 'OAS-017',
    statement:
      'A method the path does not declare is answered 404 or 405, never 2xx; an Allow header, when sent, lists the declared methods.',
    force: 'SHOULD',
    area: 'openapi',
    via: ['api'],
    sources: [{ kind: 'spec', pointer: '/paths' }],
  },
  {
    id: 'OAS-018',
    statement: 'After a successful delete, the resource is gone: get answers 404 and the list no longer shows it.',
    force: 'MUST',
    area: 'openapi',
    via: ['api'],
    sources: [{ kind: 'derived', from: ['OAS-004'] }],
  },
  {
    id: 'OAS-019',
    statement: 'A created resource can be fetched at once by its id and appears in its list.',
    force: 'MUST',
    area: 'openapi',
    via: ['api'],
    sources: [{ kind: 'derived', from: ['OAS-004'] }],
  },

  // Other rules
  {
    id: 'OTH-001',
    statement:
      'Scalekit POSTs to an interceptor at PRE_SIGNUP, PRE_SESSION_CREATION, PRE_USER_INVITATION or ' +
      'PRE_M2M_TOKEN_CREATION; it answers ALLOW or DENY with an optional error.message.',
    force: 'MUST',
    area: 'other',
    via: ['receiver'],
    sources: [
      { kind: 'docs', page: 'auth-flow-interceptors', section: 'Implement interceptors' },
      { kind: 'repo', path: 'reference/interceptors/triggers.mdx' },
    ],
  },
  {
    id: 'OTH-002',
    statement:
      'An interceptor timeout of 3-5 seconds is recommended; a fail policy decides whether a failed or timed-out ' +
      'call allows or blocks the flow.',
    force: 'SHOULD',
    area: 'other',
    via: ['dashboard', 'receiver'],
    sources: [
      { kind: 'docs', page: 'auth-flow-interceptors', section: 'Register the interceptor in Scalekit dashboard' },
    ],
    related: ['G-30'],
  },
  {
    id: 'OTH-003',
    statement:
      'A DENY without error.message, or a failure under fail-closed, shows a generic policy-restriction message ' +
      'naming the support email if one is set.',
    force: 'MUST',
    area: 'other',
    via: ['http'],
    sources: [{ kind: 'docs', page: 'auth-flow-interceptors' }],
    related: ['G-30'],
  },
  {
    id: 'OTH-004',
    statement:
      'Calls made with the dashboard Test button are left out of the interceptor logs; an interceptor rejection ' +
      'shows in auth logs as FAILED.',
    force: 'SHOULD',
    area: 'other',
    via: ['dashboard'],
    sources: [{ kind: 'docs', page: 'auth-flow-interceptors', section: 'View interceptor request logs' }],
    related: ['G-18'],
  },
  {
    id: 'OTH-005',
    statement:
      'Claims a PRE_SESSION_CREATION interceptor returns in response.claims appear in the access token under ' +
      'custom_claims.',
    force: 'MUST',
    area: 'other',
    via: ['http'],
    sources: [{ kind: 'docs', page: 'auth-flow-interceptors', section: 'Modify claims in session tokens' }],
  },
] as const satisfies readonly Rule[];

export type RuleId = (typeof rules)[number]['id'];

/** The same rules, widened to `Rule` for code that reads any field of any rule. */
export const catalogue: readonly Rule[] = rules;
