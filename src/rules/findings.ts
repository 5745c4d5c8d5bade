// Where the sources disagree (contradictions) and where they say nothing (gaps), as data. Each entry names the rules
// it bears on; the catalogue's `related` lists are the inverse of these `rules` lists.
import type { Contradiction, Gap } from './types.js';

const authLogsGet = '/paths/~1api~1v1~1logs~1authentication~1requests/get';
const passwordlessSend = '/paths/~1api~1v1~1passwordless~1email~1send/post';
const passwordlessResend = '/paths/~1api~1v1~1passwordless~1email~1resend/post';
const passwordlessVerify = '/paths/~1api~1v1~1passwordless~1email~1verify/post';
const sessionPolicy = '/components/schemas/organizationsOrganizationSessionPolicySettings/properties';
const webhookExample = (event: string) => `/webhooks/${event}/post/requestBody/content/application~1json/example`;

export const contradictions: readonly Contradiction[] = [
  {
    id: 'C-01',
    topic: 'Authentication status names',
    sides: [
      {
        claim: 'Docs and dashboard label the statuses Initiated, Pending, Success and Failure.',
        sources: [
          { kind: 'seed', document: 'View logs', section: 'Authentication statuses' },
          { kind: 'seed', document: 'View logs', section: 'Filter auth logs' },
          { kind: 'docs', page: 'auth-logs', section: 'Authentication statuses' },
          { kind: 'docs', page: 'auth-logs', section: 'Filter auth logs' },
        ],
      },
      {
        claim: 'The API enum is INITIATED, PENDING, SUCCESS, FAILED: the failure value is FAILED, not Failure.',
        sources: [
          { kind: 'spec', pointer: '/components/schemas/auditlogsAuthLogRequest/properties/status/enum' },
          { kind: 'spec', pointer: `${authLogsGet}/parameters/3/schema/items/enum` },
        ],
      },
    ],
    resolution:
      'Map each display label to its enum value (Failure to FAILED). The filter only folds case, so status=Failure ' +
      'is expected to get 400.',
    rules: ['ALG-001', 'ALG-005', 'ALG-006', 'ALG-010'],
  },
  {
    id: 'C-02',
    topic: 'Auth log filters: dashboard vs API',
    sides: [
      {
        claim: 'The dashboard filters by time range, user email, status and organisation.',
        sources: [{ kind: 'seed', document: 'View logs', section: 'Filter auth logs' }],
      },
      {
        claim:
          'The API filters by email, status, start_time, end_time, resource_id and client_id, with no organisation.',
        sources: [{ kind: 'spec', pointer: `${authLogsGet}/parameters` }],
      },
    ],
    resolution: 'The organisation filter is dashboard-only; resource_id and client_id are API-only.',
    rules: ['ALG-006', 'ALG-007'],
  },
  {
    id: 'C-03',
    topic: 'Webhook retry schedule (four versions)',
    sides: [
      {
        claim: 'A: four attempts, immediately and then after 1, 5 and 15 minutes.',
        sources: [
          { kind: 'seed', document: 'View logs', section: 'Retry behavior' },
          { kind: 'docs', page: 'auth-logs', section: 'Retry behavior' },
        ],
      },
      {
        claim: 'B: an immediate retry, then 5 s, 30 s, 2 min, 5 min and 15 min; six attempts over about 22 minutes.',
        sources: [{ kind: 'docs', page: 'implement-webhooks', section: 'Handle error responses' }],
      },
      {
        claim: 'C: at most three retries with exponential backoff.',
        sources: [{ kind: 'docs', page: 'implement-webhooks', section: 'Configure webhooks in the dashboard' }],
      },
      {
        claim: 'D: eight attempts at 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (the Svix default schedule).',
        sources: [{ kind: 'repo', path: 'directory/scim/quickstart.mdx' }],
      },
    ],
    resolution:
      'The retry schedule is a profile setting with A (the seed) as default. D matches Svix, which the self-hosted ' +
      'pages use, so it is the likeliest production behaviour and ships as a named profile.',
    rules: ['WHD-004', 'WHD-006', 'WHD-007', 'WHD-008', 'WHD-009'],
  },
  {
    id: 'C-04',
    topic: 'implement-webhooks contradicts itself on retries',
    sides: [
      {
        claim: 'One aside says failed deliveries are retried at most three times.',
        sources: [{ kind: 'docs', page: 'implement-webhooks', section: 'Configure webhooks in the dashboard' }],
      },
      {
        claim:
          'Another aside says six attempts in total, yet one original, one immediate retry and five timed retries ' +
          'make seven; the delays do add up to about 22.5 minutes.',
        sources: [{ kind: 'docs', page: 'implement-webhooks', section: 'Handle error responses' }],
      },
    ],
    resolution: 'Treat the page as unreliable on retries; its figures are only available as opt-in profiles.',
    rules: ['WHD-007', 'WHD-008'],
  },
  {
    id: 'C-05',
    topic: 'Webhook acknowledgement code',
    sides: [
      {
        claim: 'Receivers are told to answer 201 within 10 seconds; 201 is marked as the recommended code.',
        sources: [
          { kind: 'docs', page: 'implement-webhooks', section: 'Configure webhooks in the dashboard' },
          { kind: 'docs', page: 'implement-webhooks', section: 'Return success responses' },
          { kind: 'docs', page: 'webhooks-best-practices', section: 'Avoid webhook timeouts' },
        ],
      },
      {
        claim:
          'Handler samples on the same page answer 200, and the spec declares 200 as the receiver response of all ' +
          '41 webhooks.',
        sources: [
          { kind: 'docs', page: 'implement-webhooks', section: 'Implement webhook handlers' },
          { kind: 'spec', pointer: '/webhooks/organization.created/post/responses/200' },
        ],
      },
      {
        claim: 'The logs page counts any 2xx (usually 200 or 201) as delivered.',
        sources: [{ kind: 'docs', page: 'auth-logs', section: 'Webhook delivery statuses' }],
      },
    ],
    resolution: 'Any 2xx is success; a receiver answering 200 never fails a check.',
    rules: ['WHD-002', 'WHD-010', 'WHD-011'],
  },
  {
    id: 'C-06',
    topic: 'Which receiver codes count as success',
    sides: [
      {
        claim: 'Any 2xx status.',
        sources: [{ kind: 'docs', page: 'auth-logs', section: 'Webhook delivery statuses' }],
      },
      {
        claim: 'Only 200 or 201 stops the retries.',
        sources: [{ kind: 'repo', path: 'directory/scim/quickstart.mdx' }],
      },
      {
        claim: '200, 201 and 202 are the listed success responses.',
        sources: [{ kind: 'docs', page: 'implement-webhooks', section: 'Return success responses' }],
      },
    ],
    resolution: 'The success set is a setting: any 2xx (default) or exactly 200 and 201.',
    rules: ['WHD-002', 'WHD-003', 'WHD-009', 'WHD-011'],
  },
  {
    id: 'C-07',
    topic: 'Webhook signature header name',
    sides: [
      {
        claim: 'One page reads a single scalekit-signature header in every language sample.',
        sources: [{ kind: 'docs', page: 'implement-webhooks', section: 'Set up webhook endpoint' }],
      },
      {
        claim:
          'Everywhere else, and in the SDK source, the headers are webhook-id, webhook-timestamp, webhook-signature.',
        sources: [
          { kind: 'docs', page: 'webhooks-best-practices', section: 'Verify webhook signatures' },
          { kind: 'repo', path: 'directory/scim/quickstart.mdx' },
          { kind: 'repo', path: 'src/components/sdk-reference/saaskit/go/ScalekitClient.mdx' },
          { kind: 'repo', path: 'src/components/sdk-reference/saaskit/java/ScalekitClient.mdx' },
          { kind: 'sdk', path: 'src/scalekit.ts', lines: '512-514' },
        ],
      },
    ],
    resolution: 'Use the webhook-* headers; scalekit-signature has no support outside that one page.',
    rules: ['WHS-001', 'WHS-007'],
  },
  {
    id: 'C-08',
    topic: 'Signature format and algorithm',
    sides: [
      {
        claim:
          'Manual recipe: header t=<ts>,v1=<sig>, HMAC-SHA256 over <ts>.<raw body> keyed with the secret as is, ' +
          'hex digest.',
        sources: [{ kind: 'docs', page: 'webhooks-best-practices', section: 'Manual signature verification' }],
      },
      {
        claim:
          'SDK: header v1,<base64>, HMAC-SHA256 over <id>.<ts>.<body> keyed with the base64-decoded part of the ' +
          'whsec_ secret, base64 digest.',
        sources: [
          { kind: 'repo', path: 'src/components/sdk-reference/saaskit/java/ScalekitClient.mdx' },
          { kind: 'repo', path: 'saaskit/sdks/go/scalekit-client.mdx', section: 'VerifyWebhookPayload' },
          { kind: 'sdk', path: 'src/scalekit.ts', lines: '576-586' },
        ],
      },
    ],
    resolution:
      'Follow the SDK (Standard Webhooks / Svix). Signatures made by the manual recipe or its test helper do not ' +
      'verify under the SDK.',
    rules: ['WHS-002', 'WHS-003', 'WHS-007'],
  },
  {
    id: 'C-09',
    topic: 'SDK verification method name',
    sides: [
      {
        claim: 'Samples call webhooks.verifySignature(rawBody, signature, secret) and its Python and Go equivalents.',
        sources: [{ kind: 'docs', page: 'implement-webhooks', section: 'Verify webhook signature' }],
      },
      {
        claim:
          'The SDK references and source expose verifyWebhookPayload(secret, headers, payload) and no verifySignature.',
        sources: [
          { kind: 'repo', path: 'src/components/sdk-reference/saaskit/node/ScalekitClient.mdx' },
          { kind: 'sdk', path: 'src/scalekit.ts' },
        ],
      },
    ],
    resolution: 'Informational only; no check depends on it.',
    rules: ['WHS-007'],
  },
  {
    id: 'C-10',
    topic: 'Receiver reply to a bad signature',
    sides: [
      {
        claim: 'Some samples answer 401.',
        sources: [
          { kind: 'docs', page: 'implement-webhooks' },
          { kind: 'repo', path: 'src/components/sdk-reference/saaskit/node/ScalekitClient.mdx' },
          { kind: 'repo', path: 'src/components/sdk-reference/saaskit/python/ScalekitClient.mdx' },
          { kind: 'docs', page: 'webhooks-best-practices' },
        ],
      },
      {
        claim: 'Others answer 400.',
        sources: [
          { kind: 'docs', page: 'webhooks-best-practices' },
          { kind: 'repo', path: 'directory/scim/quickstart.mdx' },
          { kind: 'sdk', path: 'src/scalekit.ts' },
        ],
      },
    ],
    resolution: 'The reply is up to the receiver; the suite asserts neither code.',
    rules: ['WHS-003', 'WHS-004', 'WHS-005'],
  },
  {
    id: 'C-11',
    topic: 'Webhook event type names',
    sides: [
      {
        claim:
          'Docs list user.created/updated/deleted, session.created/expired and membership.* events, and omit ' +
          'organization.deleted.',
        sources: [
          { kind: 'docs', page: 'implement-webhooks', section: 'Configure webhooks in the dashboard' },
          { kind: 'repo', path: 'saaskit/sdks/go/scalekit-client.mdx' },
        ],
      },
      {
        claim:
          'The spec defines 41 types, none of those; the closest are user.signup/login/logout and ' +
          'user.organization_membership_*.',
        sources: [{ kind: 'spec', pointer: '/webhooks' }],
      },
    ],
    resolution: 'The spec wins; an event type outside it is reported as drift.',
    rules: ['WHD-016', 'WHP-006', 'WHP-010'],
  },
  {
    id: 'C-12',
    topic: 'Webhook payload shape',
    sides: [
      {
        claim:
          'Doc samples use data.user_id, data.user/organization/membership, a timestamp field instead of ' +
          'occurred_at, no spec_version/object/environment_id, and directory fields last_sync_at and status.',
        sources: [
          { kind: 'docs', page: 'implement-webhooks', section: 'Webhook event object' },
          { kind: 'repo', path: 'directory/scim/quickstart.mdx' },
          { kind: 'repo', path: 'src/components/templates/_directory-events.mdx' },
        ],
      },
      {
        claim:
          'The spec envelope requires spec_version, id, type, occurred_at, environment_id, object and data; ' +
          'directory user data requires an id (diruser_) and organization_id and has no user_id.',
        sources: [
          { kind: 'spec', pointer: '/components/schemas/OrganizationCreatedEvent/required' },
          { kind: 'spec', pointer: '/components/schemas/DirectoryUserEventData' },
          { kind: 'docs', page: 'webhooks-best-practices', section: 'Webhook testing utilities' },
        ],
      },
    ],
    resolution: 'Validate payloads against the spec; doc samples are illustrations, not fixtures.',
    rules: ['WHP-001', 'WHP-005', 'WHP-007', 'WHP-008'],
  },
  {
    id: 'C-13',
    topic: 'Nulls in webhook examples vs schemas',
    sides: [
      {
        claim:
          'Spec examples send null for organisation metadata and external_id, session expired_at/logout_at and ' +
          'directory group external_id.',
        sources: [
          { kind: 'spec', pointer: `${webhookExample('organization.created')}/data/metadata` },
          { kind: 'spec', pointer: `${webhookExample('user.signup')}/data/organization/external_id` },
          { kind: 'spec', pointer: `${webhookExample('user.login')}/data/user_session/expired_at` },
          { kind: 'spec', pointer: `${webhookExample('organization.directory.group_created')}/data/external_id` },
        ],
      },
      {
        claim:
          'The schemas mark those fields only with the OAS 3.0 nullable keyword, unknown to JSON Schema 2020-12, ' +
          'and group external_id not at all.',
        sources: [
          { kind: 'spec', pointer: '/components/schemas/OrganizationEventData/properties/metadata/nullable' },
          {
            kind: 'spec',
            pointer: '/components/schemas/UserAuthEventData/properties/user_session/properties/expired_at/nullable',
          },
          { kind: 'spec', pointer: '/components/schemas/DirectoryGroupEventData/properties/external_id' },
        ],
      },
    ],
    resolution: 'The validator honours nullable or tolerates null, as a setting (lenient by default).',
    rules: ['WHP-007', 'WHP-009'],
  },
  {
    id: 'C-14',
    topic: 'Passwordless expires_in default',
    sides: [
      {
        claim: '300 seconds: spec property, quickstart request table, resend response and dashboard setting.',
        sources: [
          { kind: 'spec', pointer: '/components/schemas/passwordlessSendPasswordlessRequest/properties/expires_in' },
          { kind: 'docs', page: 'quickstart', section: 'Send verification email' },
          { kind: 'docs', page: 'quickstart', section: 'Resend a verification email' },
          { kind: 'docs', page: 'passwordless', section: 'Set expiry period' },
        ],
      },
      {
        claim: '100 seconds: quickstart send response table and comment, and the spec code samples.',
        sources: [
          { kind: 'docs', page: 'quickstart', section: 'Send verification email' },
          { kind: 'spec', pointer: `${passwordlessSend}/x-codeSamples/0/source` },
        ],
      },
      {
        claim: '3600 seconds: the Node SDK docstring.',
        sources: [{ kind: 'sdk', path: 'src/passwordless.ts', lines: '30' }],
      },
    ],
    resolution: 'The default is 300 seconds.',
    rules: ['PWL-002', 'PWL-003'],
  },
  {
    id: 'C-15',
    topic: 'Type of expires_at',
    sides: [
      {
        claim: 'A string of int64 format (the curl sample agrees), although the example in the spec is an integer.',
        sources: [
          {
            kind: 'spec',
            pointer: '/components/schemas/passwordlessSendPasswordlessResponse/properties/expires_at',
          },
          { kind: 'docs', page: 'quickstart', section: 'Send verification email' },
        ],
      },
      {
        claim: 'A number: the Node sample comment and the Go type are numeric.',
        sources: [{ kind: 'docs', page: 'quickstart', section: 'Send verification email' }],
      },
    ],
    resolution: 'Accept int64 as either a numeric string or an integer (see G-24).',
    rules: ['PWL-006'],
  },
  {
    id: 'C-16',
    topic: 'What the 30-variable limit counts',
    sides: [
      {
        claim: 'At most 30 variables per template.',
        sources: [
          { kind: 'seed', document: 'Custom email templates', section: 'Inject you own variables at runtime' },
          { kind: 'docs', page: 'custom-email-templates', section: 'Inject you own variables at runtime' },
        ],
      },
      {
        claim: 'At most 30 key-value pairs per request.',
        sources: [
          {
            kind: 'spec',
            pointer:
              '/components/schemas/passwordlessSendPasswordlessRequest/properties/template_variables/description',
          },
          { kind: 'docs', page: 'quickstart', section: 'Send verification email' },
        ],
      },
    ],
    resolution: 'Treat them as two limits and test each at 30 and at 31.',
    rules: ['TPL-009'],
  },
  {
    id: 'C-17',
    topic: 'How strict the reserved variable names are',
    sides: [
      {
        claim: 'Seed and docs advise against using otp, expiry_time_relative, link, expire_time and expiry_time.',
        sources: [
          { kind: 'seed', document: 'Custom email templates', section: 'Inject you own variables at runtime' },
          { kind: 'docs', page: 'custom-email-templates', section: 'Inject you own variables at runtime' },
        ],
      },
      {
        claim: 'The spec says those names may not be supplied at all.',
        sources: [
          {
            kind: 'spec',
            pointer:
              '/components/schemas/passwordlessSendPasswordlessRequest/properties/template_variables/description',
          },
        ],
      },
    ],
    resolution: 'Follow the spec: a reserved name is an error, with the expected status as a setting.',
    rules: ['TPL-010'],
  },
  {
    id: 'C-18',
    topic: 'Passwordless error statuses the spec does not declare',
    sides: [
      {
        claim:
          'Docs promise 400 for a missing template variable and 429 for the send rate limit and the OTP attempt ' +
          'limit, and mark email as required.',
        sources: [
          { kind: 'seed', document: 'Custom email templates', section: 'Inject you own variables at runtime' },
          { kind: 'docs', page: 'custom-email-templates' },
          { kind: 'docs', page: 'quickstart', section: 'Resend a verification email' },
          { kind: 'docs', page: 'quickstart', section: "Verify the user's identity" },
        ],
      },
      {
        claim: 'The spec declares only 200 for send, resend and verify, and its send request has no required list.',
        sources: [
          { kind: 'spec', pointer: `${passwordlessSend}/responses` },
          { kind: 'spec', pointer: `${passwordlessResend}/responses` },
          { kind: 'spec', pointer: `${passwordlessVerify}/responses` },
          { kind: 'spec', pointer: '/components/schemas/passwordlessSendPasswordlessRequest' },
        ],
      },
    ],
    resolution: 'Report these as documented but undeclared statuses, never as hard failures.',
    rules: ['PWL-001', 'PWL-011', 'PWL-014', 'PWL-016', 'PWL-017', 'TPL-011'],
  },
  {
    id: 'C-19',
    topic: 'Passwordless template enum',
    sides: [
      {
        claim: 'The enum holds SIGNIN and SIGNUP only.',
        sources: [{ kind: 'spec', pointer: '/components/schemas/passwordlessTemplateType/enum' }],
      },
      {
        claim: 'A Python sample comment also offers UNSPECIFIED.',
        sources: [
          { kind: 'spec', pointer: `${passwordlessSend}/x-codeSamples/1/source` },
          { kind: 'docs', page: 'quickstart', section: 'Send verification email' },
        ],
      },
    ],
    resolution: 'UNSPECIFIED is schema-invalid.',
    rules: ['PWL-004'],
  },
  {
    id: 'C-20',
    topic: 'Does resend change auth_request_id?',
    sides: [
      {
        claim: 'The quickstart resend response repeats the original auth_request_id.',
        sources: [{ kind: 'docs', page: 'quickstart', section: 'Resend a verification email' }],
      },
      {
        claim: 'The spec Python resend sample treats the returned ID as a new one.',
        sources: [{ kind: 'spec', pointer: `${passwordlessResend}/x-codeSamples/1/source` }],
      },
    ],
    resolution: 'Unspecified: accept either, and verify with whichever ID the resend returned.',
    rules: ['PWL-009', 'PWL-010'],
  },
  {
    id: 'C-21',
    topic: 'Error body envelope',
    sides: [
      {
        claim: 'Docs show a google.rpc.Status body: code, message and details[] holding an ErrorInfo.',
        sources: [
          { kind: 'repo', path: 'public/saaskit/apis.md', section: 'Error handling' },
          { kind: 'repo', path: 'openapi/extensions/saaskit.yaml' },
        ],
      },
      {
        claim: 'The 400 and 401 bodies in the spec are a bare ErrorInfo with error_code at the top level.',
        sources: [
          { kind: 'spec', pointer: `${authLogsGet}/responses/400` },
          { kind: 'spec', pointer: `${authLogsGet}/responses/401` },
          { kind: 'spec', pointer: '/components/schemas/errdetailsErrorInfo' },
        ],
      },
    ],
    resolution:
      'Both shapes pass the schema (nothing required, extra properties allowed), so add an explicit envelope ' +
      'check controlled by a setting.',
    rules: ['ALG-010', 'ALG-011', 'ALG-012', 'OAS-005', 'TOK-008'],
  },
  {
    id: 'C-22',
    topic: 'Casing of the auth-log list field',
    sides: [
      {
        claim: 'The auth-log list array is authRequests (camelCase).',
        sources: [
          { kind: 'spec', pointer: '/components/schemas/auditlogsListAuthLogResponse/properties/authRequests' },
        ],
      },
      {
        claim: 'Every other list response uses snake_case (organizations, users, connected_accounts, ...).',
        sources: [
          {
            kind: 'spec',
            pointer: '/components/schemas/organizationsListOrganizationsResponse/properties/organizations',
          },
          {
            kind: 'spec',
            pointer:
              '/components/schemas/connected_accountsListConnectedAccountsResponse/properties/connected_accounts',
          },
        ],
      },
    ],
    resolution: 'The server may send auth_requests instead; the accepted field name is a setting.',
    rules: ['ALG-014', 'ALG-018', 'OAS-002'],
  },
  {
    id: 'C-23',
    topic: 'Scheme and host rules for non-callback URLs',
    sides: [
      {
        claim: 'The redirect table allows https and custom schemes in production.',
        sources: [{ kind: 'seed', document: 'Redirects', section: 'URI validation requirements' }],
      },
      {
        claim:
          'The initiate-login page requires https in production, while the native-app page recommends a loopback ' +
          'http URI that production forbids.',
        sources: [
          {
            kind: 'seed',
            document: 'Configure initiate login endpoint',
            section: 'Configure the initiate login endpoint',
          },
          { kind: 'repo', path: 'authenticate/fsa/multiapp/native-app.mdx' },
        ],
      },
    ],
    resolution: 'Parameterise the scheme and host rules per redirect type and environment.',
    rules: ['EPT-001', 'EPT-013', 'RDR-003', 'RDR-004', 'RDR-005', 'RDR-017'],
  },
  {
    id: 'C-24',
    topic: 'Wildcard example does not match its rule',
    sides: [
      {
        claim: 'Rule: a wildcard may only appear in the hostname.',
        sources: [
          { kind: 'seed', document: 'Redirects', section: 'Wildcard usage patterns' },
          { kind: 'docs', page: 'redirects', section: 'Wildcard usage patterns' },
        ],
      },
      {
        claim:
          'Its invalid example https://acmecorp.*.com has the wildcard in the hostname, breaking the outermost-label ' +
          'rule.',
        sources: [
          { kind: 'seed', document: 'Redirects', section: 'Wildcard usage patterns' },
          { kind: 'docs', page: 'redirects', section: 'Wildcard usage patterns' },
        ],
      },
    ],
    resolution: 'Test both the docs example and an inferred path wildcard such as https://acmecorp.com/*.',
    rules: ['RDR-014', 'RDR-015'],
  },
  {
    id: 'C-25',
    topic: 'Placeholders covering part of a label',
    sides: [
      {
        claim: 'A partial-label wildcard such as https://auth-*.acmecorp.com is valid.',
        sources: [{ kind: 'docs', page: 'redirects', section: 'Wildcard usage patterns' }],
      },
      {
        claim: 'A partial-label template such as https://app-{{org_slug}}.yourapp.com is invalid.',
        sources: [{ kind: 'docs', page: 'org-redirect-urls', section: 'Register an organization-specific URL' }],
      },
    ],
    resolution: 'Two features with opposite rules: the wildcard and template validators stay separate.',
    rules: ['RDR-012', 'RDT-004'],
  },
  {
    id: 'C-26',
    topic: 'Dashboard navigation labels',
    sides: [
      {
        claim:
          'Seed pages place redirects under Authentication > Redirects (or Redirect URLs), webhooks under Webhooks ' +
          'and templates under Emails > Templates.',
        sources: [
          { kind: 'seed', document: 'Redirects' },
          { kind: 'seed', document: 'How to register a callback endpoint' },
          { kind: 'seed', document: 'Configure initiate login endpoint' },
          { kind: 'seed', document: 'View logs' },
          { kind: 'seed', document: 'Custom email templates' },
        ],
      },
      {
        claim:
          'Other pages use Developers > Redirect URLs, Developers > Applications > [app] > Redirects with Post login ' +
          'URLs, Settings > Webhooks and Customization > Emails.',
        sources: [
          { kind: 'repo', path: 'sso/guides/idp-init-sso.mdx' },
          { kind: 'repo', path: 'authenticate/fsa/multiapp/manage-apps.mdx' },
          { kind: 'docs', page: 'implement-webhooks' },
          { kind: 'repo', path: 'authenticate/launch-checklist.mdx' },
        ],
      },
    ],
    resolution: 'Labels only; nothing to test.',
    rules: ['EPT-001', 'EPT-011', 'RDR-001', 'RDR-017', 'TPL-001'],
  },
  {
    id: 'C-27',
    topic: 'Authorize endpoint path',
    sides: [
      {
        claim: 'Some pages name the endpoint /authorize.',
        sources: [
          { kind: 'seed', document: 'Redirects', section: 'Initiate login URL' },
          { kind: 'repo', path: 'authenticate/fsa/quickstart.mdx' },
        ],
      },
      {
        claim: 'The logs page and the login guide use /oauth/authorize.',
        sources: [
          { kind: 'seed', document: 'View logs', section: 'Authentication statuses' },
          { kind: 'repo', path: 'authenticate/fsa/implement-login.mdx' },
        ],
      },
    ],
    resolution: 'Use /oauth/authorize.',
    rules: ['ALG-002', 'EPT-003'],
  },
  {
    id: 'C-28',
    topic: 'How invalid_redirect_uri is delivered',
    sides: [
      {
        claim:
          'The SSO error page says every listed error, invalid_redirect_uri included, is sent to the redirect URI.',
        sources: [{ kind: 'repo', path: 'sso/reference/sso-integration-errors.mdx' }],
      },
      {
        claim:
          'OAuth 2.0 (RFC 6749, section 4.1.2.1), which the redirect rules cite, forbids redirecting to an invalid ' +
          'or mismatching redirect URI.',
        sources: [
          { kind: 'seed', document: 'Redirects', section: 'Wildcard usage patterns' },
          { kind: 'derived', from: ['RDR-010'] },
        ],
      },
    ],
    resolution: 'Expect an error page with no redirect, as a setting (see G-02).',
    rules: ['EPT-008', 'EPT-009', 'RDR-001', 'RDR-010'],
  },
  {
    id: 'C-29',
    topic: 'Meaning of the Failed delivery status',
    sides: [
      {
        claim: 'Failed is transient: failed deliveries are retried.',
        sources: [{ kind: 'seed', document: 'View logs', section: 'Webhook delivery statuses' }],
      },
      {
        claim: 'Failed is terminal after the last retry, and Retrying is a status of its own.',
        sources: [
          { kind: 'seed', document: 'View logs', section: 'Retry behavior' },
          { kind: 'seed', document: 'View logs', section: 'Webhook delivery statuses' },
        ],
      },
    ],
    resolution: 'Model Queued, then Success, or Failed and Retrying repeatedly until a terminal Failed.',
    rules: ['WHD-001', 'WHD-003', 'WHD-004', 'WHD-006'],
  },
  {
    id: 'C-30',
    topic: 'Spec examples that break their own schema',
    sides: [
      {
        claim:
          'Client expiry, passwordless expires_at and role user count are int64 strings; session timeout units ' +
          'are the enum MINUTES, HOURS, DAYS.',
        sources: [
          { kind: 'spec', pointer: '/components/schemas/clientsM2MClient/properties/expiry/type' },
          { kind: 'spec', pointer: '/components/schemas/clientsOrganizationClient/properties/expiry/type' },
          {
            kind: 'spec',
            pointer: '/components/schemas/passwordlessSendPasswordlessResponse/properties/expires_at/type',
          },
          { kind: 'spec', pointer: '/components/schemas/rolesGetRoleUsersCountResponse/properties/count/type' },
          { kind: 'spec', pointer: '/components/schemas/commonsTimeUnit/enum' },
        ],
      },
      {
        claim: 'Their examples are the integers 3600, 1748696575 and 10, and the lowercase unit minutes.',
        sources: [
          { kind: 'spec', pointer: '/components/schemas/clientsM2MClient/properties/expiry/examples/0' },
          { kind: 'spec', pointer: '/components/schemas/clientsOrganizationClient/properties/expiry/examples/0' },
          {
            kind: 'spec',
            pointer: '/components/schemas/passwordlessSendPasswordlessResponse/properties/expires_at/examples/0',
          },
          { kind: 'spec', pointer: '/components/schemas/rolesGetRoleUsersCountResponse/properties/count/examples/0' },
          {
            kind: 'spec',
            pointer: `${sessionPolicy}/absolute_session_timeout_unit/examples/0`,
          },
          {
            kind: 'spec',
            pointer: `${sessionPolicy}/idle_session_timeout_unit/examples/0`,
          },
        ],
      },
    ],
    resolution:
      'Six schema-level examples (plus the webhook nulls of C-13) are invalid; never use spec examples as positive ' +
      'fixtures without repairing them.',
    rules: ['PWL-006', 'WHP-009'],
  },
  {
    id: 'C-31',
    topic: 'Client secret status enum',
    sides: [
      {
        claim: 'The description speaks of ACTIVE and INACTIVE secrets.',
        sources: [{ kind: 'spec', pointer: '/components/schemas/clientsClientSecretStatus/description' }],
      },
      {
        claim: 'The enum lists INACTIVE only, the proto zero value having been dropped.',
        sources: [{ kind: 'spec', pointer: '/components/schemas/clientsClientSecretStatus/enum' }],
      },
    ],
    resolution: 'Accept ACTIVE as well, so a live secret does not fail a strict enum check.',
    rules: ['TOK-010'],
  },
  {
    id: 'C-32',
    topic: 'Base URL placeholder',
    sides: [
      {
        // The precise pointer is the first SDK-installation snippet under /info; the /info object is cited whole
        // because that extension's name is one of the markers the repository's guard uses to spot spec copies.
        claim:
          "The SDK set-up snippet in the spec's info object sets the variable with its scheme (https://your-org.scalekit.dev).",
        sources: [{ kind: 'spec', pointer: '/info' }],
      },
      {
        claim: 'Requests and the server URL prefix it with https:// again.',
        sources: [
          { kind: 'repo', path: 'guides/authenticate-scalekit-api.mdx' },
          { kind: 'spec', pointer: '/servers/0/url' },
        ],
      },
    ],
    resolution: 'The suite takes one full base URL, scheme included.',
    rules: ['TOK-001', 'TOK-002', 'TOK-006'],
  },
  {
    id: 'C-33',
    topic: 'Constraints stated only in prose',
    sides: [
      {
        claim:
          'The display_name length (1-200) and metadata limits (keys 3-25, values 1-256, at most 10 pairs) appear ' +
          'only in descriptions, the metadata limits only on update.',
        sources: [
          {
            kind: 'spec',
            pointer: '/components/schemas/v1organizationsUpdateOrganization/properties/metadata/description',
          },
          {
            kind: 'spec',
            pointer: '/components/schemas/v1organizationsUpdateOrganization/properties/display_name/description',
          },
          {
            kind: 'spec',
            pointer: '/components/schemas/v1organizationsCreateOrganization/properties/display_name/description',
          },
        ],
      },
      {
        claim: 'The metadata of the create schema carries no such limits.',
        sources: [
          { kind: 'spec', pointer: '/components/schemas/v1organizationsCreateOrganization/properties/metadata' },
        ],
      },
    ],
    resolution: 'Encode them as rules of their own (RDT-012); a schema validator cannot catch them.',
    rules: ['RDT-012'],
  },
  {
    id: 'C-34',
    topic: 'Response to the OTP attempt limit',
    sides: [
      {
        claim: 'The headless API answers 429 after five failed attempts in ten minutes.',
        sources: [{ kind: 'docs', page: 'quickstart', section: "Verify the user's identity" }],
      },
      {
        claim: 'The hosted OIDC flow has the same limit and asks for a restart, with no status given.',
        sources: [{ kind: 'repo', path: 'passwordless/oidc.mdx' }],
      },
    ],
    resolution: 'The 429 applies to the headless API only.',
    rules: ['PWL-014'],
  },
  {
    id: 'C-35',
    topic: 'Invitation parameters on the initiate-login URL',
    sides: [
      {
        claim: 'Invitations reach the initiate-login endpoint with parameters the app must forward to authorize.',
        sources: [{ kind: 'seed', document: 'Configure initiate login endpoint' }],
      },
      {
        claim: 'The sample endpoint in the invitations guide forwards nothing and builds a plain authorization URL.',
        sources: [{ kind: 'repo', path: 'fsa/guides/user-invitations.mdx' }],
      },
    ],
    resolution: 'Parameter names are unspecified (G-26): the receiver records whatever arrives.',
    rules: ['EPT-002'],
  },
  {
    id: 'C-36',
    topic: 'Published vs source OpenAPI',
    sides: [
      {
        claim: 'The published JSON has 286 schemas and no shared event base schema.',
        sources: [{ kind: 'spec', pointer: '/components/schemas' }],
      },
      {
        claim:
          'The source YAML has 295, including ScalekitEvent with data not required, 32-character ID limits, a ' +
          '10-value object enum and each connected_account type listed twice.',
        sources: [{ kind: 'repo', path: 'openapi/scalekit.yaml' }],
      },
    ],
    resolution: 'Validate against the published JSON; the stricter source limits are optional checks.',
    rules: ['WHP-001', 'WHP-003', 'WHP-006'],
  },
  {
    id: 'C-37',
    topic: 'Users list page_size description',
    sides: [
      {
        claim: 'The page_size description of the users list talks about organisations (range 10-100).',
        sources: [{ kind: 'spec', pointer: '/paths/~1api~1v1~1users/get/parameters/0/description' }],
      },
      {
        claim: 'The operation lists users.',
        sources: [{ kind: 'spec', pointer: '/paths/~1api~1v1~1users/get' }],
      },
    ],
    resolution: 'A copy-paste slip in the description; the 10-100 range is still assumed to apply.',
    rules: ['OAS-003'],
  },
  {
    id: 'C-38',
    topic: 'Seed vs current docs (additions, not conflicts)',
    sides: [
      {
        claim: 'The seed pages are older copies of the current ones.',
        sources: [
          { kind: 'seed', document: 'View logs' },
          { kind: 'seed', document: 'Redirects' },
          { kind: 'seed', document: 'Custom email templates' },
        ],
      },
      {
        claim:
          'The current pages add the 10-second and idempotency tip, the per-organisation redirect section, and the ' +
          'JET reference and call-to-action tip.',
        sources: [
          { kind: 'docs', page: 'auth-logs' },
          { kind: 'docs', page: 'redirects', section: 'Different redirect URL per organization' },
          { kind: 'docs', page: 'custom-email-templates' },
        ],
      },
    ],
    resolution: 'The additions agree with the seed except where they feed C-03 and C-05.',
    rules: ['WHD-010', 'WHD-013'],
  },
];

export const gaps: readonly Gap[] = [
  {
    id: 'G-01',
    question:
      'No public API registers or validates environment redirect URIs, and the error for a refused registration is ' +
      'undocumented. How are the redirect rules checked?',
    settings: ['redirects.registrationHook'],
    defaultBehaviour:
      'The redirect rules live in a pure validator used by the mock and by unit tests; live runs observe them only ' +
      'through /oauth/authorize, or through the registration control hook when the target offers it.',
    rules: [
      'RDR-001',
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
      'RDR-017',
    ],
  },
  {
    id: 'G-02',
    question:
      'What does an authorize request with an unregistered redirect_uri get: an error page or a redirect carrying ' +
      'error=invalid_redirect_uri, and with which HTTP status?',
    settings: ['redirects.unregisteredOutcome', 'redirects.unregisteredStatus'],
    defaultBehaviour: 'Expect no redirect to the unregistered URI (errorPage); redirectWithError can be selected.',
    rules: ['EPT-008', 'EPT-009', 'RDR-001', 'RDR-002', 'RDT-006'],
  },
  {
    id: 'G-03',
    question:
      'Is a URI of exactly 256 characters allowed, is the limit in characters or bytes, on the raw or the ' +
      'percent-encoded form, and before or after template expansion?',
    settings: ['redirects.lengthLimit', 'redirects.lengthLimitInclusive', 'redirects.lengthMeasuredOn'],
    defaultBehaviour: 'At most 256 raw characters, inclusive, measured before template expansion.',
    rules: ['RDR-007'],
  },
  {
    id: 'G-04',
    question:
      'Does * match one label, several or none; does https://*.acmecorp.com match the apex; must path and port match ' +
      'exactly; can auth-* match auth- alone; which redirect types take wildcards?',
    settings: [
      'redirects.wildcardSpan',
      'redirects.wildcardMatchesApex',
      'redirects.wildcardMatchesEmpty',
      'redirects.wildcardRedirectTypes',
    ],
    defaultBehaviour: 'A * matches one non-empty fragment of a single label; path and port must match exactly.',
    rules: ['RDR-006', 'RDR-012', 'RDR-013', 'RDR-014', 'RDR-015', 'RDR-016'],
  },
  {
    id: 'G-05',
    question:
      'Which hosts count as localhost (localhost, 127.0.0.1, [::1], *.localhost), and is any loopback port allowed?',
    settings: ['redirects.localhostHosts', 'redirects.loopbackAnyPort'],
    defaultBehaviour: 'A configurable list of loopback hosts, checked by the production localhost rule.',
    rules: ['EPT-001', 'EPT-013', 'RDR-005'],
  },
  {
    id: 'G-06',
    question:
      'Which custom schemes are valid: are javascript:, data: and file: refused, and are reverse-DNS schemes ' +
      '(com.example.app:/cb) accepted?',
    settings: ['redirects.customSchemeAllowList', 'redirects.customSchemeDenyList'],
    defaultBehaviour: 'Configurable allow and deny lists; javascript, data, file and vbscript are denied by default.',
    rules: ['RDR-003', 'RDR-004', 'RDR-011'],
  },
  {
    id: 'G-07',
    question:
      'Is any normalisation applied before matching: host case, default :443, trailing dot, percent-encoding, IDN?',
    settings: ['redirects.matchMode'],
    defaultBehaviour: 'Exact string comparison (RDR-002); tests are parameterised over the normalisation cases.',
    rules: ['RDR-002'],
  },
  {
    id: 'G-08',
    question:
      'Are template URLs allowed in production, can they be combined with wildcards, and what length limit applies ' +
      'after expansion?',
    settings: [
      'redirectTemplates.allowedInProduction',
      'redirectTemplates.combineWithWildcards',
      'redirectTemplates.expandedLengthLimit',
    ],
    defaultBehaviour: 'Each point is a setting; no default assertion beyond the documented template rules.',
    rules: ['RDR-007', 'RDT-001', 'RDT-002', 'RDT-003', 'RDT-004', 'RDT-005'],
  },
  {
    id: 'G-09',
    question:
      'A missing template variable gets 400, but what is in the body (error_code, message, the variable name), and ' +
      'does resend validate again?',
    settings: ['emailTemplates.missingVariableErrorCode', 'emailTemplates.resendRevalidates'],
    defaultBehaviour: 'Assert the status only; error_code can optionally be matched against a configured pattern.',
    rules: ['PWL-009', 'PWL-016', 'TPL-011'],
  },
  {
    id: 'G-10',
    question: 'Which status answers 31 variables, a reserved name, a non-string value or an empty key?',
    settings: [
      'emailTemplates.tooManyVariablesStatus',
      'emailTemplates.reservedNameStatus',
      'emailTemplates.nonStringValueStatus',
      'emailTemplates.emptyKeyStatus',
    ],
    defaultBehaviour: 'Each status is configurable and defaults to 400.',
    rules: ['TPL-008', 'TPL-009', 'TPL-010'],
  },
  {
    id: 'G-11',
    question:
      'Does a variable used only inside a JET if-block count as referenced, and are {{x}} and {{ x }} the same?',
    settings: ['emailTemplates.conditionalReferencesCount', 'emailTemplates.whitespaceInsensitive'],
    defaultBehaviour: 'Both spellings are equivalent and conditional references count.',
    rules: ['TPL-006', 'TPL-011'],
  },
  {
    id: 'G-12',
    question:
      'Are supplied variables that the template never uses accepted, and may custom variables shadow built-ins ' +
      '(user_name, app_name)?',
    settings: ['emailTemplates.extraVariables', 'emailTemplates.builtInShadowing'],
    defaultBehaviour: 'Extra variables are accepted; shadowing is a setting.',
    rules: ['TPL-005', 'TPL-007', 'TPL-011'],
  },
  {
    id: 'G-13',
    question: 'For the two-per-minute send limit: which status, is Retry-After sent, and which error_code?',
    settings: [
      'passwordless.sendRateLimitStatus',
      'passwordless.sendRateLimitRetryAfter',
      'passwordless.sendRateLimitErrorCode',
    ],
    defaultBehaviour: 'Expect 429; Retry-After and error_code are checked only when configured.',
    rules: ['PWL-011', 'TOK-009'],
  },
  {
    id: 'G-14',
    question:
      'Which status does verify give for a wrong or expired code, an old code after resend, a missing ' +
      'auth_request_id or an unknown link_token?',
    settings: ['passwordless.verifyFailureStatus'],
    defaultBehaviour: 'Configurable, default 400; 429 only once the five-attempt limit is passed (PWL-014).',
    rules: ['PWL-010', 'PWL-012', 'PWL-014'],
  },
  {
    id: 'G-15',
    question:
      'Is an API expires_in outside the dashboard range 60-3600 (e.g. 30 or 7200) clamped, refused or accepted?',
    settings: ['passwordless.expiresInOutOfRange'],
    defaultBehaviour: 'Configurable; the observed behaviour is recorded in the report.',
    rules: ['PWL-002', 'PWL-003'],
  },
  {
    id: 'G-16',
    question:
      'Is magiclink_auth_uri checked against the redirect rules (registration, query string, https), and what ' +
      'error comes back when it is missing for a link method?',
    settings: ['passwordless.magicLinkUriValidation', 'passwordless.missingMagicLinkUriStatus'],
    defaultBehaviour: 'Configurable; nothing is asserted unless set.',
    rules: ['PWL-005'],
  },
  {
    id: 'G-17',
    question:
      'Auth logs: default and maximum page_size, page-token format, start_time after end_time, OR or AND across ' +
      'statuses, exact or case-insensitive email, retention, and whether page_size 0 or below is an error.',
    settings: [
      'authLogs.statusCombination',
      'authLogs.emailMatch',
      'authLogs.invertedWindow',
      'authLogs.defaultPageSize',
      'authLogs.maxPageSize',
      'authLogs.pageTokenFormat',
      'authLogs.retentionDays',
      'authLogs.nonPositivePageSize',
    ],
    defaultBehaviour:
      'OR across several statuses, AND across different filters, exact email match; the other points are settings.',
    rules: ['ALG-006', 'ALG-008', 'ALG-013', 'ALG-015', 'ALG-017', 'ALG-020', 'OAS-008'],
  },
  {
    id: 'G-18',
    question:
      'Do headless passwordless logins, M2M token requests and interceptor denials create auth-log entries, and how ' +
      'long until an entry appears?',
    settings: ['authLogs.loggedFlows', 'authLogs.pollTimeoutMs'],
    defaultBehaviour: 'Poll for the expected entry until a configurable timeout.',
    rules: ['ALG-002', 'ALG-004', 'ALG-005', 'OTH-004'],
  },
  {
    id: 'G-19',
    question:
      'Webhook retries: which non-2xx codes are final, how 3xx, 410 and 429 with Retry-After are treated, whether ' +
      'delays run from the previous or first attempt, whether ids and timestamp stay the same, the exact timeout, ' +
      'ordering during retries and what manual replay does.',
    settings: [
      'webhooks.retrySchedule',
      'webhooks.nonRetriedStatuses',
      'webhooks.honourRetryAfter',
      'webhooks.delayMeasuredFrom',
      'webhooks.retryKeepsIds',
      'webhooks.retryRefreshesTimestamp',
      'webhooks.timeoutMs',
      'webhooks.timeoutIncludesConnect',
      'webhooks.timeCompression',
    ],
    defaultBehaviour: 'A retry-policy profile (see C-03), with time compressed in the mock.',
    rules: ['WHD-003', 'WHD-004', 'WHD-006', 'WHD-007', 'WHD-008', 'WHD-009', 'WHD-010', 'WHD-012', 'WHD-013'],
  },
  {
    id: 'G-20',
    question:
      'The docs never state the signing-secret encoding (only the SDK source does), header case, or how several ' +
      'signatures are sent during secret rotation.',
    settings: ['webhooks.signatureScheme', 'webhooks.multipleSignatures'],
    defaultBehaviour: 'Follow the SDK algorithm and accept several space-separated v1 entries.',
    rules: ['WHS-001', 'WHS-002', 'WHS-003'],
  },
  {
    id: 'G-21',
    question:
      'Are optional payload fields null or absent, and is int64 sent as a string or a number (total_size, ' +
      'expires_in, expiry)?',
    settings: ['schema.strictNulls', 'schema.int64Encoding'],
    defaultBehaviour: 'Lenient by default; a strict-nulls option turns null on an optional field into a failure.',
    rules: ['ALG-016', 'ALG-018', 'PWL-006', 'WHP-009'],
  },
  {
    id: 'G-22',
    question:
      'Token endpoint errors: status and body for a bad client_secret, an unsupported grant_type or a wrong ' +
      'content type (invalid_client with 401 or 400?); is scope honoured; what exact expires_in?',
    settings: [
      'tokens.invalidClientStatus',
      'tokens.unsupportedGrantTypeStatus',
      'tokens.wrongContentTypeStatus',
      'tokens.scopeHonoured',
      'tokens.expiresIn',
    ],
    defaultBehaviour: 'Assert an RFC 6749 error body (an error string) with configurable statuses.',
    rules: ['TOK-001', 'TOK-003'],
  },
  {
    id: 'G-23',
    question:
      'Which error envelope is used, and which error_code values exist? Only UNAUTHENTICATED, RATE_LIMITED and ' +
      'TOOL_ERROR are documented; 92 of 111 operations declare no 401 and 67 of 73 error responses have no schema.',
    settings: ['errors.envelope', 'errors.knownErrorCodes'],
    defaultBehaviour: 'The envelope setting takes status, errorInfo or either; default either.',
    rules: ['ALG-010', 'ALG-011', 'ALG-012', 'OAS-005', 'TOK-004', 'TOK-005', 'TOK-007', 'TOK-008'],
  },
  {
    id: 'G-24',
    question:
      'How is int64 encoded in JSON? Proto3 JSON sends strings, while the spec mixes integer/int64 (40 fields) and ' +
      'string/int64 (4 fields).',
    settings: ['schema.int64Encoding'],
    defaultBehaviour: 'Numeric strings are accepted for int64 fields unless strict int64 checking is on.',
    rules: ['ALG-016', 'OAS-002', 'PWL-006'],
  },
  {
    id: 'G-25',
    question: 'What does a refused post-logout redirect look like: an error page, a 400, or a fallback URL?',
    settings: ['redirects.postLogoutRejection'],
    defaultBehaviour: 'Configurable; by default only the absence of a redirect to the refused URI is asserted.',
    rules: ['EPT-011', 'RDR-019', 'RDT-007'],
  },
  {
    id: 'G-26',
    question:
      'Which query parameters does Scalekit add to the initiate-login URL for invitations, password reset, email ' +
      'verification and disabled cookies?',
    settings: ['endpoints.initiateLoginParameters'],
    defaultBehaviour: 'The receiver records them and accepts any; nothing more is asserted.',
    rules: ['EPT-001', 'EPT-002'],
  },
  {
    id: 'G-27',
    question:
      'What does a back-channel logout message look like (presumably an OIDC Back-Channel Logout logout_token POSTed ' +
      'as a form), is it retried, and which response does it expect?',
    settings: ['endpoints.backChannelLogoutReceiver', 'endpoints.backChannelLogoutFormat'],
    defaultBehaviour: 'An optional receiver that asserts only that a POST arrives.',
    rules: ['EPT-012'],
  },
  {
    id: 'G-28',
    question: 'Which status answers an invalid slug, a duplicate slug, or invalid metadata (400 or 409)?',
    settings: [
      'organizations.invalidSlugStatus',
      'organizations.duplicateSlugStatus',
      'organizations.invalidMetadataStatus',
    ],
    defaultBehaviour: 'Configurable; 400 for invalid values and 409 for a duplicate slug by default.',
    rules: ['RDT-009', 'RDT-010', 'RDT-011', 'RDT-012'],
  },
  {
    id: 'G-29',
    question:
      'The status filter is case-insensitive but its schema is an enum, so a strict client-side request validator ' +
      'would refuse status=failed.',
    settings: ['schema.requestValidation'],
    defaultBehaviour: 'Request validation is skipped for deliberate negative and case-folding tests.',
    rules: ['ALG-009', 'ALG-010'],
  },
  {
    id: 'G-30',
    question: 'What are the smallest and largest interceptor timeouts, and which fail policy applies by default?',
    settings: ['interceptors.timeoutRange', 'interceptors.defaultFailPolicy'],
    defaultBehaviour: 'Both are settings; nothing is asserted without them.',
    rules: ['OTH-002', 'OTH-003'],
  },
  {
    id: 'G-31',
    question: 'Does creation-order delivery hold across event types and organisations, and while retries are pending?',
    settings: ['webhooks.orderingScope'],
    defaultBehaviour: 'Ordering is checked only for a single endpoint with no failed deliveries.',
    rules: ['WHD-005'],
  },
];
