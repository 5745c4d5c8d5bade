import type { RuleId } from '../rules/catalogue.js';
import type { DriftKind } from '../rules/drift-kinds.js';

/**
 * Deliberate bugs the mock can be started with. Each one breaks the rules it lists; test/mock/faults.test.ts runs
 * the suites against the mock with each fault on and proves that every listed rule then fails. A rule with no
 * fault here has a check nobody has seen fail. A fault may instead (or also) list `drift`: findings of that kind,
 * reported by the tests of that rule, which the run without the fault does not report (server against spec).
 */
export const faults = [
  {
    id: 'auth-logs.ignore-status-filter',
    rules: ['ALG-007', 'ALG-008'],
    description: 'GET /api/v1/logs/authentication/requests ignores the status filter and returns every status',
  },
  {
    id: 'auth-logs.ignore-email-filter',
    rules: ['ALG-007'],
    description: 'GET /api/v1/logs/authentication/requests ignores the email filter',
  },
  {
    id: 'auth-logs.repeated-status-refused',
    rules: ['ALG-007'],
    description: 'a status filter sent as repeated parameters (status=A&status=B) is refused with 400: one value only',
  },
  {
    id: 'auth-logs.accept-unknown-status',
    rules: ['ALG-010'],
    description: 'a status filter outside the enum (e.g. Failure) is answered 200 with an empty list instead of 400',
  },
  {
    id: 'auth-logs.unknown-status-500',
    rules: ['ALG-010'],
    description: 'a status filter outside the enum crashes the handler (500) instead of a 400',
  },
  {
    id: 'auth-logs.no-auth-required',
    rules: ['ALG-012'],
    description: 'GET /api/v1/logs/authentication/requests answers 200 without a bearer token',
  },
  {
    id: 'auth-logs.failure-label',
    rules: ['ALG-001'],
    description: "failed entries are listed with the docs' label FAILURE instead of the enum value FAILED",
  },
  {
    id: 'auth-logs.initiated-hidden',
    rules: ['ALG-002'],
    description: 'entries still INITIATED are left out of the list, so a fresh authorize request shows nothing',
  },
  {
    id: 'auth-logs.entry-without-user',
    rules: ['ALG-002'],
    description: 'the entry of a sign-in through /oauth/authorize never records the user: it has no email',
  },
  {
    id: 'auth-logs.snake-case-list',
    rules: ['ALG-014'],
    description: 'the entries come under auth_requests, like the other lists, instead of the spec’s authRequests',
  },
  {
    id: 'auth-logs.no-pending',
    rules: ['ALG-003'],
    description: 'an entry stays INITIATED after the user signed in and the code went out, never showing PENDING',
  },
  {
    id: 'auth-logs.success-shown-as-initiated',
    rules: ['ALG-004'],
    description: 'entries that reached SUCCESS are still listed as INITIATED after the code exchange',
  },
  {
    id: 'auth-logs.failed-shown-as-initiated',
    rules: ['ALG-005'],
    description: 'entries that ended FAILED (a denied login) are still listed as INITIATED',
  },
  {
    id: 'auth-logs.case-sensitive-status',
    rules: ['ALG-009'],
    description: 'the status filter compares case-sensitively: status=failed matches nothing',
  },
  {
    id: 'auth-logs.accept-malformed-token',
    rules: ['ALG-011'],
    description: 'a malformed page_token is treated as the first page instead of a 400',
  },
  {
    id: 'auth-logs.end-time-exclusive',
    rules: ['ALG-013'],
    description: 'end_time is applied as an exclusive bound: an entry exactly at end_time is left out',
  },
  {
    id: 'auth-logs.reversed-order',
    rules: ['ALG-014'],
    description: 'entries are listed oldest first',
  },
  {
    id: 'auth-logs.wrong-prev-token',
    rules: ['ALG-015'],
    description: 'prev_page_token points one entry past the start of the previous page',
  },
  {
    id: 'auth-logs.duplicate-across-pages',
    rules: ['ALG-015'],
    description: 'next_page_token starts the next page at the last entry of this one, so it appears twice',
  },
  {
    id: 'auth-logs.trailing-empty-page',
    rules: ['ALG-015'],
    description: 'a page that ends exactly with the last entry still hands out a next_page_token, to an empty page',
  },
  {
    id: 'auth-logs.page-total-size',
    rules: ['ALG-016'],
    description: 'total_size counts the entries of the current page, not every match',
  },
  {
    id: 'auth-logs.ignore-page-size',
    rules: ['ALG-017'],
    description: 'page_size is ignored: every match comes back on one page',
  },
  {
    id: 'auth-logs.empty-null-list',
    rules: ['ALG-018'],
    description: 'an empty result is answered 404 NOT_FOUND instead of 200 with an empty list and total_size 0',
  },
  {
    id: 'auth-logs.epoch-timestamps',
    rules: ['ALG-019'],
    description: 'item timestamps are epoch milliseconds (numbers) instead of RFC 3339 date-times',
  },
  {
    id: 'auth-logs.ignore-client-filter',
    rules: ['ALG-020'],
    description: 'GET /api/v1/logs/authentication/requests ignores the client_id filter',
  },
  // Registration through the `redirects` hook: the validator forgets one rule, or applies one where it does not hold.
  {
    id: 'redirects.reject-http-in-development',
    rules: ['RDR-003'],
    description: 'the redirects hook applies the production scheme rule in development and refuses every http URI',
  },
  {
    id: 'redirects.accept-http-in-production',
    rules: ['RDR-004'],
    description: 'the redirects hook accepts plain http URIs in production',
  },
  {
    id: 'redirects.accept-localhost-in-production',
    rules: ['RDR-005'],
    description: 'the redirects hook accepts localhost and loopback hosts in production',
  },
  {
    id: 'redirects.accept-wildcards-in-production',
    rules: ['RDR-006', 'RDR-016'],
    description: 'the redirects hook accepts wildcard URIs in production',
  },
  {
    id: 'redirects.accept-257-characters',
    rules: ['RDR-007'],
    description: 'the length limit is off by one: a URI one character over the limit is accepted',
  },
  {
    id: 'redirects.accept-query',
    rules: ['RDR-008'],
    description: 'the redirects hook accepts URIs with a query string',
  },
  {
    id: 'redirects.accept-fragment',
    rules: ['RDR-009'],
    description: 'the redirects hook accepts URIs with a fragment',
  },
  {
    id: 'redirects.accept-relative',
    rules: ['RDR-010'],
    description: 'the redirects hook accepts relative and scheme-less URIs',
  },
  {
    id: 'redirects.reject-custom-schemes',
    rules: ['RDR-011'],
    description: 'the redirects hook refuses every custom-scheme (deep link) URI',
  },
  {
    id: 'redirects.accept-root-wildcard',
    rules: ['RDR-012'],
    description: 'the redirects hook accepts a wildcard directly above a top-level domain (https://*.com)',
  },
  {
    id: 'redirects.allow-two-wildcards',
    rules: ['RDR-013'],
    description: 'the redirects hook accepts URIs with more than one wildcard',
  },
  {
    id: 'redirects.accept-wildcard-outside-host',
    rules: ['RDR-014'],
    description: 'the redirects hook accepts a wildcard in the path, port, scheme or userinfo',
  },
  {
    id: 'redirects.accept-inner-wildcard',
    rules: ['RDR-015'],
    description: 'the redirects hook accepts a wildcard below the outermost subdomain label',
  },
  {
    id: 'redirects.initiate-login-like-callback',
    rules: ['EPT-001'],
    description: 'initiate-login URLs get only the callback rules: no https-only, no-localhost rule in production',
  },
  {
    id: 'redirects.shared-allowlist',
    rules: ['RDR-017'],
    description: 'the four redirect types share one list: registering one type replaces all four',
  },
  {
    id: 'redirects.keep-one-post-logout',
    rules: ['RDR-018'],
    description: 'registering several post-logout URLs keeps only the first',
  },
  {
    id: 'redirects.extra-rule-names',
    rules: [],
    // Every registration test that meets a refusal; EPT-001's family test registers through the same check.
    diagnostics: [
      'RDR-003',
      'RDR-004',
      'RDR-005',
      'RDR-006',
      'RDR-007',
      'RDR-008',
      'RDR-009',
      'RDR-010',
      'RDR-011',
      'RDR-012',
      'RDR-013',
      'RDR-014',
      'RDR-015',
      'RDR-016',
      'RDT-002',
      'RDT-004',
      'EPT-001',
    ],
    description: 'every refusal of the redirects hook names one rule more than it breaks',
  },
  {
    id: 'redirects.partial-registration',
    rules: ['RDR-017'],
    description: 'the redirects hook keeps the valid URIs of a refused batch instead of changing nothing',
  },
  {
    id: 'templates.partial-label',
    rules: ['RDT-004'],
    description: 'the redirects hook accepts a template whose placeholder fills only part of a DNS label',
  },
  {
    id: 'templates.back-channel',
    rules: ['RDT-002'],
    description: 'the redirects hook accepts templates as back-channel logout URLs',
  },
  {
    id: 'templates.reject-path-variable',
    rules: ['RDT-003'],
    description: 'the redirects hook refuses templates with a placeholder in the path',
  },
  // /oauth/authorize
  {
    id: 'oauth.scope-param-refused',
    rules: ['TOK-001'],
    description: 'a client-credentials request that sends the optional scope parameter (even empty) is refused',
  },
  {
    id: 'oauth.token-without-scope',
    rules: ['TOK-003'],
    description: 'the client-credentials token response leaves out scope',
  },
  {
    id: 'oauth.token-wrong-issuer',
    rules: ['TOK-011'],
    description: 'access tokens name another issuer than the target in iss',
  },
  {
    id: 'oauth.keys-not-jwks',
    rules: ['TOK-011'],
    description: '/keys answers 200 with the public key as PEM text instead of a JWKS',
  },
  {
    id: 'oauth.id-token-wrong-audience',
    rules: ['TOK-011'],
    description: 'ID tokens name the environment ID in aud instead of the client ID',
  },
  {
    id: 'oauth.client-secret-not-checked',
    rules: ['TOK-001'],
    description: 'the token endpoint issues a client-credentials token whatever the client_secret, or without one',
  },
  {
    id: 'oauth.redirect-unregistered',
    rules: ['RDR-001'],
    description: '/oauth/authorize redirects to any redirect_uri, registered or not',
  },
  {
    id: 'oauth.redirect-fallback',
    rules: ['RDR-001'],
    description: '/oauth/authorize answers an unregistered redirect_uri with a redirect to the first registered one',
  },
  {
    id: 'oauth.redirect-prefix-match',
    rules: ['RDR-002'],
    description: '/oauth/authorize accepts any redirect_uri that starts with a registered one',
  },
  {
    id: 'oauth.redirect-scheme-and-port-ignored',
    rules: ['RDR-002'],
    description: '/oauth/authorize matches redirect_uri on host and path only, ignoring scheme and port',
  },
  {
    id: 'oauth.callback-trailing-slash',
    rules: ['RDR-002'],
    description: '/oauth/authorize sends the code to the registered redirect_uri with a trailing slash added',
  },
  {
    id: 'oauth.any-response-type',
    rules: ['EPT-005'],
    description: '/oauth/authorize issues a code whatever the response_type',
  },
  {
    id: 'oauth.default-redirect-uri',
    rules: ['EPT-005'],
    description: '/oauth/authorize without redirect_uri goes on with the first registered callback URL',
  },
  {
    id: 'oauth.unknown-client-accepted',
    rules: ['EPT-005'],
    description: "/oauth/authorize takes a missing or unknown client_id for the environment's own client",
  },
  {
    id: 'oauth.unknown-prompt-ignored',
    rules: ['EPT-005'],
    description: '/oauth/authorize ignores a prompt outside its listed values and goes on as if none were given',
  },
  {
    id: 'oauth.state-dropped',
    rules: ['EPT-006'],
    description: '/oauth/authorize leaves state out of the callback redirect',
  },
  {
    id: 'oauth.state-plus-as-space',
    rules: ['EPT-006'],
    description: 'state is form-decoded once too often: a + comes back as a space',
  },
  {
    id: 'oauth.code-reusable',
    rules: ['EPT-007'],
    description: '/oauth/token exchanges the same authorization code more than once',
  },
  {
    id: 'oauth.code-never-expires',
    rules: ['EPT-007'],
    description: '/oauth/token exchanges an authorization code however old it is',
  },
  {
    id: 'oauth.deny-without-state',
    rules: ['EPT-008'],
    description: 'a denied login returns error=access_denied without the state',
  },
  {
    id: 'oauth.error-code-outside-vocabulary',
    rules: ['EPT-009'],
    description: 'authorization errors after the redirect_uri is trusted use an undocumented code (bad_request)',
  },
  {
    id: 'templates.ignore-requested-organization',
    rules: ['RDT-005'],
    description: 'a templated callback matches when it expands for any organization, not only the requested one',
  },
  {
    id: 'templates.expand-without-organization',
    rules: ['RDT-006'],
    description: 'without organization_id, a templated callback is expanded for every organization instead of refused',
  },
  {
    id: 'templates.slug-only',
    rules: ['RDT-001'],
    description: 'templates expand {{org_slug}} only; {{external_id}} and metadata variables never expand',
  },
  {
    id: 'templates.require-slug-and-metadata',
    rules: ['RDT-008'],
    description: 'templates expand only for organizations that have both a slug and metadata',
  },
  // /oidc/logout
  {
    id: 'logout.redirect-unregistered',
    rules: ['RDR-019', 'EPT-011'],
    description: '/oidc/logout redirects to any post_logout_redirect_uri, registered or not',
  },
  {
    id: 'logout.session-kept',
    rules: ['EPT-010'],
    description: '/oidc/logout redirects but leaves the session of the id_token_hint active',
  },
  {
    id: 'logout.state-dropped',
    rules: ['EPT-011'],
    description: '/oidc/logout redirects to the registered post_logout_redirect_uri without the state',
  },
  {
    id: 'templates.logout-expired-session',
    rules: ['RDT-007'],
    description: '/oidc/logout expands templated post-logout URLs for a session that has already expired',
  },
  // REST operations of the organization and client modules; each module checks its own fault.
  {
    id: 'organizations.slug-pattern-unchecked',
    rules: ['RDT-009'],
    description: 'creating or updating an organization with a slug outside the DNS pattern succeeds',
  },
  {
    id: 'organizations.slug-not-cleared',
    rules: ['RDT-010'],
    description: 'updating an organization with slug "" leaves the old slug in place',
  },
  {
    id: 'organizations.duplicate-slug',
    rules: ['RDT-011'],
    description: 'creating an organization with a slug another organization has succeeds',
  },
  {
    id: 'organizations.metadata-unchecked',
    rules: ['RDT-012'],
    description: 'an organization update with metadata outside the documented limits is accepted and stored',
  },
  {
    id: 'organizations.host-name-slug-refused',
    rules: ['RDT-009'],
    description:
      'the slug pattern allows one DNS label only: a host-name slug such as auth.acme.example.com is refused',
  },
  {
    id: 'organizations.refused-slug-stored',
    rules: ['RDT-010'],
    description: 'an update refused for its slug has already stored it: the 400 comes back but the slug is changed',
  },
  {
    id: 'organizations.metadata-key-24',
    rules: ['RDT-012'],
    description: 'the metadata key length is checked off by one: a key of 25 characters is refused with 400',
  },
  {
    id: 'clients.redirect-uris-not-array',
    rules: ['RDR-020'],
    description: 'organization client responses carry redirect_uris as one comma-separated string',
  },
  {
    id: 'clients.plain-secret-on-get',
    rules: ['TOK-010'],
    description: 'an organisation client’s secrets keep their plain_secret on get, list and update',
  },
  {
    id: 'clients.id-unprefixed',
    rules: ['TOK-010'],
    description: 'organisation client IDs are minted without the m2morg_ prefix',
  },
  {
    id: 'clients.page-size-ignored',
    rules: ['TOK-010'],
    description: 'the organisation client list ignores page_size and always answers pages of 10',
  },
  // Email templates: the passwordless send's request rules and how the custom template is rendered.
  {
    id: 'email-templates.missing-variable-accepted',
    rules: ['TPL-011', 'PWL-016'],
    description: 'a send whose template uses a variable missing from template_variables is sent, the gap left blank',
  },
  {
    id: 'email-templates.31-variables-accepted',
    rules: ['TPL-009'],
    description: 'the variable limit is off by one: 31 template_variables pairs (or template variables) are accepted',
  },
  {
    id: 'email-templates.reserved-name-accepted',
    rules: ['TPL-010'],
    description: 'template_variables may use reserved names such as otp or link; the built-in value still wins',
  },
  {
    id: 'email-templates.non-string-accepted',
    rules: ['TPL-008'],
    description: 'template_variables values that are not strings (numbers, booleans) are accepted and stringified',
  },
  {
    id: 'email-templates.empty-value-refused',
    rules: ['TPL-008', 'TPL-006'],
    description: 'an empty string value in template_variables is refused with 400 as if the variable were missing',
  },
  {
    id: 'email-templates.not-rendered',
    rules: ['TPL-007', 'TPL-012', 'TPL-013'],
    description: 'the custom template is sent as saved: every {{ placeholder }} is left in the email verbatim',
  },
  {
    id: 'email-templates.whitespace-spelling-ignored',
    rules: ['TPL-013'],
    description: 'only the spaced spelling {{ name }} is substituted; {{name}} is left in the email verbatim',
  },
  {
    id: 'email-templates.conditionals-ignored',
    rules: ['TPL-006'],
    description: 'JET if blocks always render their first branch, whether the variable is set or not',
  },
  {
    id: 'email-templates.custom-ignored',
    rules: ['TPL-004'],
    description: 'a saved custom template is stored but sends keep using the built-in default',
  },
  {
    id: 'email-templates.text-only',
    rules: ['TPL-003'],
    description: 'emails are sent as plain text only: the HTML body is dropped even when the template has one',
  },
  {
    id: 'email-templates.built-ins-blank',
    rules: ['TPL-005'],
    description: 'built-in variables other than otp and link (user_email, expiry_time_relative, ...) render empty',
  },
  {
    id: 'email-templates.runtime-variables-ignored',
    rules: ['TPL-007', 'TPL-012'],
    description: 'template_variables are checked but never reach the renderer: custom variables render empty',
  },
  {
    id: 'email-templates.wrong-sender',
    rules: ['TPL-014'],
    description:
      'emails go out from the app name at a no-reply address instead of "Team <workspace>" <hi@scalekit.com>',
  },
  // Passwordless send, resend and verify
  {
    id: 'passwordless.send-requires-template',
    rules: ['PWL-001'],
    description: 'a send with only an email is refused with 400: template is treated as required',
  },
  {
    id: 'passwordless.default-expiry-100',
    rules: ['PWL-002'],
    description: 'without expires_in, codes expire after 100 seconds (the docs example) instead of 300',
  },
  {
    id: 'passwordless.expires-at-wrong',
    rules: ['PWL-006'],
    description: 'expires_at is given in milliseconds instead of Unix seconds',
  },
  {
    id: 'passwordless.template-unchecked',
    rules: ['PWL-004'],
    description: 'a template value outside SIGNIN/SIGNUP (e.g. UNSPECIFIED) is accepted and treated as SIGNIN',
  },
  {
    id: 'passwordless.link-token-fragment',
    rules: ['PWL-005'],
    description: 'the emailed magic link carries the link token in the fragment (#link_token=) instead of the query',
  },
  {
    id: 'passwordless.link-without-uri-accepted',
    rules: ['PWL-005'],
    description: 'with a magic-link method, a send without magiclink_auth_uri is accepted (and emails no usable link)',
  },
  {
    id: 'passwordless.type-always-otp',
    rules: ['PWL-007'],
    description: 'passwordless_type is OTP in every send response, whatever method the environment uses',
  },
  {
    id: 'passwordless.otp-eight-digits',
    rules: ['PWL-007'],
    description: 'verification codes have 8 digits instead of 6',
  },
  {
    id: 'passwordless.state-dropped',
    rules: ['PWL-008'],
    description: 'the verify response leaves out the state given on send',
  },
  {
    id: 'passwordless.resend-shape',
    rules: ['PWL-009'],
    description: 'a resend answers without passwordless_type and keeps the old expiry instead of a new one',
  },
  {
    id: 'passwordless.old-code-valid-after-resend',
    rules: ['PWL-010'],
    description: 'a resend emails a fresh code but the previous code still verifies',
  },
  {
    id: 'passwordless.no-rate-limit',
    rules: ['PWL-011'],
    description: 'sends and resends to one address are never rate limited',
  },
  {
    id: 'passwordless.code-without-request-id',
    rules: ['PWL-012'],
    description: 'verify accepts a code without auth_request_id, finding the request by the code alone',
  },
  {
    id: 'passwordless.verify-template-missing',
    rules: ['PWL-013'],
    description: 'the verify response leaves out template',
  },
  {
    id: 'passwordless.no-attempt-limit',
    rules: ['PWL-014'],
    description: 'wrong codes are never counted: the right code verifies after any number of wrong ones',
  },
  {
    id: 'passwordless.bare-error-bodies',
    rules: ['PWL-017'],
    description: 'the 400 and 429 answers of send, resend and verify have an empty body instead of ErrorInfo',
  },
  {
    id: 'passwordless.same-browser-not-enforced',
    rules: ['PWL-015'],
    description: 'with same-browser origin enforcement on, a magic link verifies without its auth_request_id',
  },
  {
    id: 'passwordless.link-needs-auth-request-id',
    rules: ['PWL-012'],
    description: 'a link_token without auth_request_id is refused even when same-browser enforcement is off',
  },
  // General OpenAPI conformance (src/contract/checks.ts)
  {
    id: 'contract.logo-url-500',
    rules: ['OAS-009'],
    description: 'an organization logo_url that is not https:// crashes the server with a 500',
  },
  {
    id: 'contract.create-role-200',
    rules: ['OAS-004', 'OAS-010'],
    description: 'creating a role answers 200, a success status the operation does not declare (it declares 201)',
  },
  {
    id: 'contract.list-without-total-size',
    rules: ['OAS-002'],
    description: 'the organization list leaves out total_size',
  },
  {
    id: 'contract.domain-error-code-number',
    rules: ['OAS-005', 'OAS-013'],
    description: 'a refused domain create answers { "error_code": 400 }, a number where ErrorInfo has a string',
  },
  {
    id: 'contract.text-plain-list',
    rules: ['OAS-011'],
    description: 'the organization list is sent as text/plain instead of application/json',
  },
  {
    id: 'contract.organization-without-create-time',
    rules: ['OAS-013'],
    description: 'a fetched organization lacks create_time, the one property the spec requires of it',
  },
  {
    id: 'contract.logo-url-accepted',
    rules: ['OAS-014'],
    description: 'an organization logo_url breaking the schema’s ^https:// pattern is accepted',
  },
  {
    id: 'contract.existing-role-404',
    rules: ['OAS-015'],
    description: 'fetching a role that exists answers 404',
  },
  {
    id: 'contract.required-body-ignored',
    rules: ['OAS-016'],
    description: 'a POST, PUT or PATCH without its required body succeeds, as if the body were empty',
  },
  {
    id: 'contract.undeclared-method-200',
    rules: ['OAS-017'],
    description: 'PUT on the organization list, a method the path does not declare, answers 200',
  },
  {
    id: 'contract.deleted-still-listed',
    rules: ['OAS-018'],
    description: 'a deleted organization is gone from get but still shows in the organization list',
  },
  {
    id: 'contract.create-not-visible',
    rules: ['OAS-019'],
    description: 'a new environment role answers 404 to its first get, as a lagging read replica would',
  },
  {
    id: 'contract.ignored-auth',
    rules: ['TOK-004'],
    description: 'the organization list answers without a token',
  },
  {
    id: 'contract.forged-token-accepted',
    rules: ['TOK-005'],
    description: 'the organization list accepts any bearer token, even one the target never issued',
  },
  {
    id: 'contract.expired-token-accepted',
    rules: ['TOK-005'],
    description: 'the API keeps accepting a client-credentials token after its exp on the target clock',
  },
  {
    id: 'contract.page-size-over-50-refused',
    rules: ['OAS-003'],
    description: 'the organization list refuses page_size above 50, inside the documented 10-100',
  },
  {
    id: 'contract.colon-segment-in-id',
    rules: ['OAS-007'],
    description: 'enabling or disabling a connection reads ":enable" as part of its ID and answers 404',
  },
  {
    id: 'contract.domain-id-unprefixed',
    rules: ['OAS-006'],
    description: 'domain IDs are bare numbers, without the dom_ prefix',
  },
  {
    id: 'logout.back-channel-admin-silent',
    rules: ['EPT-012'],
    description: 'a session revoked through the API is not told to the back-channel logout URL; only sign-outs are',
  },
  {
    id: 'logout.back-channel-get',
    rules: ['EPT-012'],
    description: 'the back-channel logout notice is a GET with the token in the query string, not a POST',
  },
  {
    id: 'sessions.status-filter-and',
    rules: ['OAS-008'],
    description: 'several filter.status values on the session list are AND-ed, so two statuses list nothing',
  },
  {
    id: 'sessions.end-before-start-accepted',
    rules: ['OAS-008'],
    description: 'a session list with filter.end_time before filter.start_time is answered 200 with nothing',
  },
  {
    id: 'contract.validation-422',
    rules: ['TOK-007'],
    description: 'an organization create that breaks the schema is refused with 422, not the documented 400',
  },
  {
    id: 'contract.error-body-unrecognised',
    rules: ['TOK-008'],
    description: 'a 401 body is { "error": ..., "error_description": ... }, neither google.rpc.Status nor ErrorInfo',
  },
  // Server against spec: what the target says beyond the spec, reported as drift (src/contract/server-drift.ts)
  {
    id: 'contract.undocumented-property',
    rules: [],
    drift: [{ kind: 'undocumented-property', rule: 'OAS-013' }],
    description: 'a fetched organization carries data_residency, a property its schema does not name',
  },
  {
    id: 'contract.undeclared-status-html',
    rules: ['TOK-008'],
    drift: [{ kind: 'undeclared-content-type', rule: 'OAS-011' }],
    description: 'deleting an organization without a token answers an HTML 401 page, as an auth proxy might',
  },
  {
    id: 'contract.error-status-envelope',
    rules: [],
    drift: [{ kind: 'undeclared-error-shape', rule: 'OAS-005' }],
    description: 'error bodies are google.rpc.Status envelopes, also where the spec declares a bare ErrorInfo (C-21)',
  },
  {
    id: 'contract.sdk-read-served',
    rules: [],
    drift: [{ kind: 'undeclared-operation', rule: 'OAS-017' }],
    description: 'GET /api/v1/clients, which the SDK reads and the spec does not declare, answers an empty client list',
  },
  // Auth-flow interceptors (issue 20)
  {
    id: 'interceptors.webhook-headers',
    rules: ['WHS-008'],
    description: 'interceptor calls are signed under webhook-id/-timestamp/-signature instead of interceptor-*',
  },
  {
    id: 'interceptors.deny-ignored',
    rules: ['OTH-001'],
    description: 'a DENY from the interceptor is ignored: the flow goes on as if it had allowed',
  },
  {
    id: 'interceptors.block-fails-open',
    rules: ['OTH-002'],
    description:
      'under fail_policy block, a failed interceptor call (no answer in time, an answer that is no decision) lets the flow through',
  },
  {
    id: 'interceptors.generic-message-wrong',
    rules: ['OTH-003'],
    description:
      'the generic message (a DENY without error.message, a failed call under fail_policy block) reads "Access denied." instead of the documented one',
  },
  {
    id: 'interceptors.claims-top-level',
    rules: ['OTH-005'],
    description: "PRE_SESSION_CREATION claims land at the access token's top level instead of under custom_claims",
  },
  // The initiate-login endpoint, IdP-initiated login and public clients (issue 20)
  {
    id: 'endpoints.initiate-login-to-callback',
    rules: ['EPT-002'],
    description:
      'the initiate-login occasions send the browser to the first callback URI instead of the initiate-login URI',
  },
  {
    id: 'endpoints.invitation-params-refused',
    rules: ['EPT-003'],
    description:
      '/oauth/authorize refuses the invitation parameters an app forwards from its initiate-login route (400)',
  },
  {
    id: 'endpoints.idp-token-foreign-key',
    rules: ['EPT-004'],
    description: 'the idp_initiated_login token is signed with a key /keys does not publish',
  },
  {
    id: 'oauth.public-client-secret-required',
    rules: ['EPT-013'],
    description: "a public client's code exchange without a client secret is refused with invalid_client",
  },
  {
    id: 'oauth.public-client-verifier-optional',
    rules: ['EPT-013'],
    description: "a public client's code is redeemed without its code_verifier, though it was issued with a challenge",
  },
  // Rate limits and transport (issue 20)
  {
    id: 'rate-limit.503',
    rules: ['TOK-009'],
    description: 'a request over the rate limit is answered 503 UNAVAILABLE instead of 429 RATE_LIMITED',
  },
  {
    id: 'tls.plain-http-served',
    rules: ['TOK-006'],
    description: 'the TLS mock also answers plain http:// requests on its port',
  },
  // Webhook delivery, retries and signatures
  {
    id: 'webhooks.first-retry-late',
    // Whichever schedule the profile selects: the default profile asserts WHD-006, the other three are each
    // asserted under the profile that selects them (test/cli/retry-schedules.test.ts also shows them passing).
    rules: ['WHD-006', 'WHD-007', 'WHD-008', 'WHD-009'],
    underProfiles: [
      { profile: { webhooks: { retrySchedule: 'implement-webhooks-6' } }, rules: ['WHD-007'] },
      { profile: { webhooks: { retrySchedule: 'three-retries' } }, rules: ['WHD-008'] },
      { profile: { webhooks: { retrySchedule: 'scim-8' } }, rules: ['WHD-009'] },
    ],
    description: 'every retry comes a minute late: the first after 2 minutes instead of 1',
  },
  {
    id: 'webhooks.extra-attempt',
    rules: ['WHD-004', 'WHD-006'],
    description: 'a failing delivery is attempted 5 times instead of 4 before it is marked failed',
  },
  {
    id: 'webhooks.missing-attempt',
    rules: ['WHD-004', 'WHD-006'],
    description: 'a failing delivery is attempted only 3 times instead of 4',
  },
  {
    id: 'webhooks.new-id-on-retry',
    rules: ['WHD-013'],
    description: 'each retry carries a new event id (body id and webhook-id) instead of the original one',
  },
  {
    id: 'webhooks.only-200-succeeds',
    rules: ['WHD-002', 'WHD-011'],
    description: 'a 201, 202 or 204 from the receiver counts as failed and is retried: only 200 is success',
  },
  {
    id: 'webhooks.slow-timeout',
    rules: ['WHD-010'],
    description: 'the mock waits 100 seconds for a receiver instead of 10 before counting the attempt as failed',
  },
  {
    id: 'webhooks.server-errors-final',
    rules: ['WHD-003'],
    description: 'a 5xx from the receiver ends the delivery as if it had been delivered: nothing is retried',
  },
  {
    id: 'webhooks.client-errors-final',
    rules: ['WHD-012'],
    description: 'a 4xx from the receiver ends the delivery: 400, 401, 403 and 422 are never retried',
  },
  {
    id: 'webhooks.no-retrying-state',
    rules: ['WHD-001'],
    description: 'the webhooks hook lists a failed attempt that will be retried as Failed instead of Retrying',
  },
  {
    id: 'webhooks.newest-first',
    rules: ['WHD-005'],
    description: 'deliveries queued together are sent newest first',
  },
  {
    id: 'webhooks.ignore-subscription',
    rules: ['WHD-016'],
    description: 'events the endpoint did not subscribe to are delivered too',
  },
  {
    id: 'webhooks.delivery-not-json',
    rules: ['WHD-016'],
    description: 'deliveries are sent with Content-Type text/plain instead of application/json (same JSON bytes)',
  },
  {
    id: 'webhooks.event-type-dropped',
    rules: ['WHD-016'],
    description: 'connected_account.created is never delivered, even to an endpoint subscribed to every event',
  },
  {
    id: 'webhooks.timestamp-not-refreshed',
    rules: ['WHS-004'],
    description: 'retries are signed with the first attempt’s timestamp, so a retry after 5 minutes fails verification',
  },
  {
    id: 'webhooks.timestamp-milliseconds',
    rules: ['WHS-004'],
    description: 'webhook-timestamp is in milliseconds instead of Unix seconds',
  },
  {
    id: 'webhooks.sign-body-only',
    rules: ['WHS-003'],
    description: 'the signature covers the raw body alone, without the webhook-id and webhook-timestamp',
  },
  {
    id: 'webhooks.signature-not-v1',
    rules: ['WHS-002'],
    description: 'webhook-signature entries are labelled v2 instead of v1',
  },
  {
    id: 'webhooks.sign-reserialised',
    rules: ['WHS-006'],
    description: 'the signature covers the payload serialised with indentation, while the compact body is sent',
  },
  {
    id: 'webhooks.unsigned',
    rules: ['WHS-001', 'WHS-007'],
    description: 'deliveries carry no signature header at all',
  },
  {
    id: 'webhooks.no-timestamp-header',
    rules: ['WHS-001'],
    description: 'deliveries are sent without the webhook-timestamp header',
  },
  {
    id: 'webhooks.environment-id-missing',
    rules: ['WHP-001'],
    description: 'event bodies leave out environment_id',
  },
  {
    id: 'webhooks.environment-id-unprefixed',
    rules: ['WHP-004'],
    description: 'environment_id lacks the env_ prefix',
  },
  {
    id: 'webhooks.spec-version-number',
    rules: ['WHP-002'],
    description: 'spec_version is the number 1 instead of the string "1"',
  },
  {
    id: 'webhooks.event-id-unprefixed',
    rules: ['WHP-003'],
    description: 'event ids lack the evt_ prefix',
  },
  {
    id: 'webhooks.occurred-at-epoch',
    rules: ['WHP-005'],
    description: 'occurred_at is Unix seconds instead of an ISO 8601 date-time',
  },
  {
    id: 'webhooks.wrong-object',
    rules: ['WHP-006'],
    description: 'object is "Event" instead of the family’s value (Organization, Role, ...)',
  },
  {
    id: 'webhooks.data-id-missing',
    rules: ['WHP-007'],
    description: 'the data of every event leaves out its id',
  },
] as const satisfies readonly {
  id: string;
  rules: readonly RuleId[];
  drift?: readonly { kind: DriftKind; rule: RuleId }[];
  /**
   * Rules under which the fault must show up as a diagnostic (what the target says about itself that the profile
   * does not pin) while those rules still pass: proof that a diagnostic is never judged as a verdict.
   */
  diagnostics?: readonly RuleId[];
  /**
   * Rules the default profile does not assert (another documented choice of an open point): the mutation run also
   * runs the fault under each of these profiles (config-file overrides), where the rules listed must fail.
   */
  underProfiles?: readonly { profile: Record<string, Record<string, unknown>>; rules: readonly RuleId[] }[];
  description: string;
}[];

export type FaultId = (typeof faults)[number]['id'];
export type Fault = (typeof faults)[number];

/** The drift a fault must make a run report, beside the rules it breaks. */
export function driftOf(fault: Fault): readonly { kind: DriftKind; rule: RuleId }[] {
  return 'drift' in fault ? fault.drift : [];
}

/** The profiles (besides the default) a fault is also run under, with the rules each asserts. */
export function profilesOf(
  fault: Fault,
): readonly { profile: Record<string, Record<string, unknown>>; rules: readonly RuleId[] }[] {
  return 'underProfiles' in fault ? fault.underProfiles : [];
}

/** The rules under which a fault must be reported as a diagnostic, never as a failure. */
export function diagnosticsOf(fault: Fault): readonly RuleId[] {
  return 'diagnostics' in fault ? (fault.diagnostics as readonly RuleId[]) : [];
}

const known = new Set<string>(faults.map((f) => f.id));

export function isFaultId(value: string): value is FaultId {
  return known.has(value);
}
