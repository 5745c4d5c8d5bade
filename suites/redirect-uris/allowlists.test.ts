// The environment's redirect allowlists end to end: registration through the `redirects` hook (RDR-003..RDR-018,
// EPT-001, RDT-002..RDT-004), GET /oauth/authorize (RDR-001, RDR-002, EPT-005..EPT-009), authorization codes at
// POST /oauth/token (EPT-007), GET /oidc/logout (RDR-018, RDR-019, EPT-010, EPT-011), the back-channel logout URL
// (EPT-012: told of a sign-out and of an admin revoke) and organisation templates
// at run time (RDT-001, RDT-005..RDT-008).
//
// One file on purpose: the environment kind, the registered URIs, the scripted login and the clock are state of the
// whole environment, vitest runs test files in parallel against one target, and the tests of one file run one after
// another. So every test here registers what it needs itself, and puts the environment kind back when it changes it.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, onTestFinished, TestRunner } from 'vitest';
import { redirectUriWithOneViolation, validRedirectUri } from '../../fixtures/arbitraries/redirect-uris.js';
import { redirectTemplateCases, redirectUriCases } from '../../fixtures/corpora/redirect-uris.js';
import { type Failure, failure } from '../../src/checks/failure.js';
import { checkStatus, parseJsonBody } from '../../src/checks/http.js';
import type { EnvironmentKind, RedirectType, ScriptedLogin } from '../../src/client/control-hooks.js';
import type { Exchange } from '../../src/client/transport.js';
import { navigate, oauthClient, postForm } from '../../src/harness/browser.js';
import {
  assertConforms,
  assertProperty,
  conformsOrThrow,
  exchangeOf,
  noteDiagnostic,
  requireHook,
  type Target,
  test,
} from '../../src/harness/index.js';
import { isTemplate, templateViolations } from '../../src/oracles/redirect-template.js';
import { redirectUriViolations, splitUri } from '../../src/oracles/redirect-uri.js';
import type { RuleId } from '../../src/rules/catalogue.js';
import { type Receiver, startReceiver } from '../../src/webhooks/receiver.js';

const kinds: readonly EnvironmentKind[] = ['development', 'production'];
const allTypes: readonly RedirectType[] = ['callback', 'initiate_login', 'post_logout', 'back_channel_logout'];
const codeLifetimeMs = 10 * 60 * 1000;

// --- HTTP as a browser sends it ------------------------------------------------------------------------------

// --- reading redirects ---------------------------------------------------------------------------------------

/** Where a response sends the browser, if anywhere; a relative Location is resolved against the request. */
function sentTo(exchange: Exchange): string | undefined {
  const location = exchange.responseHeaders.location;
  if (location === undefined || splitUri(location).scheme) return location;
  try {
    return new URL(location, exchange.url).toString();
  } catch {
    return location;
  }
}

/** Parameters of a URI's query (or fragment), without assuming the URL class knows its scheme. */
const queryOf = (uri: string) => new URLSearchParams(splitUri(uri).query ?? '');
const fragmentOf = (uri: string) => new URLSearchParams(splitUri(uri).fragment ?? '');

/** `scheme://authority`, lower-cased: what counts as the same site for a redirect. */
function originOf(uri: string): string | undefined {
  const { scheme, authority } = splitUri(uri);
  return scheme && authority ? `${scheme}://${authority}`.toLowerCase() : undefined;
}

const describeAnswer = (exchange: Exchange) => {
  const to = sentTo(exchange);
  return to === undefined ? `${exchange.status} without a Location` : `${exchange.status} with Location ${to}`;
};

// --- checks --------------------------------------------------------------------------------------------------

/**
 * A refused URI is never where the browser is sent: not to it or anything it starts, not to its origin (unless
 * that is the target's own), and not silently to another registered URI instead.
 */
function checkNotSentTo(
  rule: RuleId,
  exchange: Exchange,
  offending: string | undefined,
  registered: readonly string[],
): Failure | undefined {
  const to = sentTo(exchange);
  if (to === undefined) return undefined;
  const received = describeAnswer(exchange);
  if (offending && to.startsWith(offending)) {
    return failure(rule, 'redirect to a refused URI', `no redirect to ${offending}`, received, exchange);
  }
  const origin = offending === undefined ? undefined : originOf(offending);
  if (origin && origin !== originOf(exchange.url) && originOf(to) === origin) {
    return failure(rule, 'redirect to the origin of a refused URI', `no redirect to ${origin}`, received, exchange);
  }
  const fallback = registered.find((uri) => to.startsWith(uri));
  if (fallback) {
    return failure(
      rule,
      'silent fallback to another registered URI',
      `no redirect to ${fallback} for a request that named ${offending ?? 'no redirect URI'}`,
      received,
      exchange,
    );
  }
  return undefined;
}

/** What a refused request gets instead, as the profile decides (G-02, G-25). Where it goes is checked apart. */
function checkRefusal(
  rule: RuleId,
  exchange: Exchange,
  outcome: 'errorPage' | 'redirectWithError' | 'defaultRedirect',
  statuses: readonly number[],
  expectedError?: string,
): Failure | undefined {
  const to = sentTo(exchange);
  if (outcome === 'errorPage') {
    if (to === undefined && statuses.includes(exchange.status)) return undefined;
    return failure(
      rule,
      'refusal',
      `an error page: ${statuses.join(' or ')} without a Location`,
      describeAnswer(exchange),
      exchange,
    );
  }
  if (outcome === 'redirectWithError') {
    const error = to === undefined ? null : queryOf(to).get('error');
    const redirected = exchange.status >= 300 && exchange.status < 400;
    if (redirected && error && (expectedError === undefined || error === expectedError)) return undefined;
    return failure(
      rule,
      'refusal',
      `a redirect carrying error=${expectedError ?? '<code>'}`,
      describeAnswer(exchange),
      exchange,
    );
  }
  // defaultRedirect: an error page or a redirect to a default page are both allowed.
  if (exchange.status >= 300 && exchange.status < 500) return undefined;
  return failure(rule, 'refusal', 'an error page or a redirect to a default page', describeAnswer(exchange), exchange);
}

/** The response sends the browser to exactly `registered`, parameters appended, with a code (RFC 6749 §4.1.2). */
function checkCodeSentTo(rule: RuleId, exchange: Exchange, registered: string): Failure | undefined {
  const to = sentTo(exchange);
  const base = to?.replace(/[?#].*$/s, '');
  if (exchange.status !== 302 || to === undefined || base !== registered || to.includes('#')) {
    return failure(
      rule,
      'redirect to the registered URI',
      `302 to ${registered}?code=...`,
      describeAnswer(exchange),
      exchange,
    );
  }
  if (!queryOf(to).get('code')) {
    return failure(rule, 'authorization code', `a code parameter on ${registered}`, to, exchange);
  }
  return undefined;
}

function checkStateReturned(rule: RuleId, exchange: Exchange, state: string): Failure | undefined {
  const to = sentTo(exchange);
  const returned = to === undefined ? null : queryOf(to).get('state');
  if (returned === state) return undefined;
  return failure(
    rule,
    'state returned unchanged',
    `state=${JSON.stringify(state)}`,
    returned === null ? `no state (${describeAnswer(exchange)})` : `state=${JSON.stringify(returned)}`,
    exchange,
  );
}

/** No code and no token anywhere the browser is sent. */
function checkNoCode(rule: RuleId, exchange: Exchange): Failure | undefined {
  const to = sentTo(exchange);
  if (to === undefined) return undefined;
  const leaked = ['code', 'access_token', 'id_token'].filter(
    (name) => queryOf(to).has(name) || fragmentOf(to).has(name),
  );
  if (leaked.length === 0) return undefined;
  return failure(
    rule,
    'no code for an invalid request',
    'an error, never a code or token',
    `${leaked.join(', ')} in ${to}`,
    exchange,
  );
}

/** An error the client learns of: in the redirect, or in a JSON body; an HTML page is for people. */
function errorOf(exchange: Exchange): string | undefined {
  const to = sentTo(exchange);
  const inRedirect = to === undefined ? null : (queryOf(to).get('error') ?? fragmentOf(to).get('error'));
  if (inRedirect !== null) return inRedirect;
  const body = parseJsonBody(exchange);
  const error = body.ok ? (body.value as { error?: unknown } | null)?.error : undefined;
  return typeof error === 'string' ? error : undefined;
}

function checkErrorReported(rule: RuleId, exchange: Exchange): Failure | undefined {
  const redirected = exchange.status >= 300 && exchange.status < 400;
  if (redirected ? errorOf(exchange) !== undefined : exchange.status >= 400 && exchange.status < 500) return undefined;
  return failure(
    rule,
    'error for an invalid request',
    'a 4xx answer or a redirect with error=...',
    describeAnswer(exchange),
    exchange,
  );
}

/**
 * EPT-009: the documented integration and SSO-configuration codes, plus the codes of RFC 6749 §4.1.2.1 and OpenID
 * Connect Core §3.1.2.6 that an authorization server answers with (the docs' own failure example is access_denied).
 */
const documentedErrors = new Set([
  'invalid_redirect_uri',
  'invalid_connection_selector',
  'no_active_connections',
  'connection_not_active',
  'no_configured_connections',
  'invalid_organization_id',
  'invalid_connection_id',
  'domain_not_found',
  'invalid_user_domain',
  'invalid_client',
  'application_not_active',
  'invalid_request',
  'unauthorized',
  'user_not_active',
  'server_error',
  'mandatory_attribute_missing',
  'invalid_id_token',
  'failed_to_exchange_token',
  'user_info_retrieve_failed',
  'invalid_saml_metadata',
  'invalid_saml_response',
  'signature_validation_failed',
  'invalid_acs_url',
  'invalid_status',
  'malformed_saml_response',
  'assertion_expired',
  'response_expired',
  'user_login_required',
  'unauthorized_client',
  'access_denied',
  'unsupported_response_type',
  'invalid_scope',
  'temporarily_unavailable',
  'interaction_required',
  'login_required',
  'account_selection_required',
  'consent_required',
]);

function checkDocumentedError(rule: RuleId, exchange: Exchange): Failure | undefined {
  const error = errorOf(exchange);
  if (error === undefined || documentedErrors.has(error)) return undefined;
  return failure(
    rule,
    'documented error code',
    'an error code from the documented vocabulary',
    `error=${error}`,
    exchange,
  );
}

// --- registration --------------------------------------------------------------------------------------------

interface RegistrationCase {
  uri: string;
  kind: EnvironmentKind;
  type: RedirectType;
}

/** What the oracles say a URI breaks; templates have their own oracle, which applies the URI rules too. */
function oracleViolations(target: Target, { uri, kind, type }: RegistrationCase): RuleId[] {
  return isTemplate(uri)
    ? templateViolations(uri, kind, type, target.profile)
    : redirectUriViolations(uri, kind, type, target.profile.redirects);
}

/** Distinct naming mismatches kept per test: properties register hundreds of URIs, and one example of each does. */
const namingMismatchesShown = 20;

/** Per test: the first refusal of each (oracle's rules → rules named) pair, the pairs met, and refusals in all. */
const namingLogs = new WeakMap<object, { kept: Map<string, Failure>; seen: Set<string>; total: number }>();

/**
 * Records that a refusal named other rules than the oracle's: a diagnostic, never a verdict, since the contract
 * pins only whether a URI is refused and that it has an entry (a target may name no rules at all). A test keeps one
 * example of each distinct mismatch, at most `namingMismatchesShown`, and a count line when there were more.
 */
function noteNamingMismatch(rule: RuleId, expected: string, named: string, where: string, exchange: Exchange) {
  const task = TestRunner.getCurrentTest();
  if (!task) return;
  let log = namingLogs.get(task);
  if (!log) {
    const created = { kept: new Map<string, Failure>(), seen: new Set<string>(), total: 0 };
    namingLogs.set(task, created);
    log = created;
    // Written once the test ends, however it ends, so the count covers a property's every run.
    onTestFinished(() => {
      namingLogs.delete(task);
      const shown = [...created.kept.values()];
      const count =
        created.total > shown.length
          ? failure(
              rule,
              'rules named for a refusal',
              "the oracle's rules in every refusal",
              `${created.total} refusals named other rules, ${created.seen.size} distinct; ${shown.length} shown`,
            )
          : undefined;
      noteDiagnostic(...shown, count);
    });
  }
  log.total += 1;
  const key = `${expected} → ${named}`;
  log.seen.add(key);
  if (!log.kept.has(key) && log.kept.size < namingMismatchesShown) {
    log.kept.set(key, failure(rule, 'rules named for a refusal', expected, named, exchange, [where]));
  }
}

/**
 * Registers one URI (the environment already being of the case's kind): accepted exactly when the oracle finds
 * nothing, and refused with an entry for the URI otherwise. The rules the entry names are noted as a diagnostic
 * when they differ from the oracle's.
 */
async function checkRegistration(target: Target, rule: RuleId, c: RegistrationCase): Promise<Failure | undefined> {
  const result = await exchangeOf(target, () => target.hooks.registerRedirects(c.type, [c.uri]));
  const { exchange } = result;
  const expected = oracleViolations(target, c);
  const where = `${c.type} ${JSON.stringify(c.uri)} in ${c.kind}`;
  if (result.accepted) {
    if (expected.length === 0) return undefined;
    return failure(rule, 'registration', `refused for ${expected.join(', ')}: ${where}`, 'accepted', exchange);
  }
  const entry = result.rejected.find((r) => r.uri === c.uri);
  const named = [...(entry?.rules ?? [])].sort();
  if (expected.length === 0) {
    const naming = named.length > 0 ? ` naming ${named.join(', ')}` : '';
    return failure(rule, 'registration', `accepted: ${where} breaks no rule`, `refused${naming}`, exchange);
  }
  if (!entry) {
    return failure(rule, 'rejected list', `an entry for ${c.uri}`, JSON.stringify(result.rejected), exchange);
  }
  if (named.length > 0 && named.join() !== expected.join()) {
    noteNamingMismatch(rule, expected.join(', '), named.join(', '), where, exchange);
  }
  return undefined;
}

async function checkRegistrations(target: Target, rule: RuleId, cases: readonly RegistrationCase[]) {
  assertConforms(...(await registrationFailures(target, rule, cases)));
}

async function registrationFailures(target: Target, rule: RuleId, cases: readonly RegistrationCase[]) {
  const failures: Failure[] = [];
  for (const kind of kinds) {
    const ofKind = cases.filter((c) => c.kind === kind);
    if (ofKind.length === 0) continue;
    await target.hooks.inEnvironment(kind, async () => {
      for (const c of ofKind) {
        const found = await checkRegistration(target, rule, c);
        if (found) failures.push(found);
      }
    });
  }
  return failures;
}

/** A property over generated URIs of one kind: each is registered and judged like a documented example. */
async function registrationProperty(
  target: Target,
  rule: RuleId,
  kind: EnvironmentKind,
  cases: fc.Arbitrary<{ uri: string; type: RedirectType }>,
  numRuns = 6,
) {
  await target.hooks.inEnvironment(kind, () =>
    assertProperty(
      fc.asyncProperty(cases, async (c) => conformsOrThrow(await checkRegistration(target, rule, { ...c, kind }))),
      { numRuns },
    ),
  );
}

/** One-violation URIs breaking `rule`, over the given types, for one kind. */
function violating(target: Target, rule: RuleId, kind: EnvironmentKind, types: readonly RedirectType[]) {
  return fc.oneof(
    ...types.map((type) =>
      redirectUriWithOneViolation(kind, type, target.profile.redirects)
        .filter((v) => v.rule === rule)
        .map((v) => ({ uri: v.uri, type })),
    ),
  );
}

function valid(target: Target, kind: EnvironmentKind, types: readonly RedirectType[], keep = (_: string) => true) {
  return fc.oneof(
    ...types.map((type) =>
      validRedirectUri(kind, type, target.profile.redirects)
        .filter(keep)
        .map((uri) => ({ uri, type })),
    ),
  );
}

async function requireRegistration(target: Target, skip: (note?: string) => never) {
  if (target.profile.redirects.registrationHook === 'never') {
    skip('precondition not met: the profile says not to use the redirects hook (redirects.registrationHook)');
  }
  await requireHook(target, 'redirects', skip);
  await requireHook(target, 'environment', skip);
}

const documented = (source: RuleId) => redirectUriCases.filter((c) => c.source === source);
const isWildcard = (uri: string) => uri.includes('*');
const isCustomScheme = (uri: string) => !/^https?:/i.test(uri);

/** Each family: the documented examples of its rule in both kinds, then generated URIs where the rule applies. */
interface Family {
  rule: RuleId;
  name: string;
  generated: (target: Target) => [EnvironmentKind, fc.Arbitrary<{ uri: string; type: RedirectType }>][];
}

const nonInitiate = allTypes.filter((t) => t !== 'initiate_login');
const wildcardTypes = (target: Target) => target.profile.redirects.wildcardRedirectTypes;
const breaking =
  (rule: RuleId, kindsFor: readonly EnvironmentKind[], types: (t: Target) => readonly RedirectType[]) =>
  (target: Target): [EnvironmentKind, fc.Arbitrary<{ uri: string; type: RedirectType }>][] =>
    types(target).length === 0 ? [] : kindsFor.map((kind) => [kind, violating(target, rule, kind, types(target))]);

const families: Family[] = [
  {
    rule: 'RDR-003',
    name: 'in development, http (localhost included), https and custom-scheme URIs are accepted for every type',
    generated: (target) => [['development', valid(target, 'development', allTypes)]],
  },
  {
    rule: 'RDR-004',
    name: 'in production, an http URI is refused, while https and custom-scheme URIs are accepted',
    generated: (target) => [
      ['production', violating(target, 'RDR-004', 'production', nonInitiate)],
      ['production', valid(target, 'production', allTypes)],
    ],
  },
  {
    rule: 'RDR-005',
    name: 'a localhost URI is accepted in development and refused in production, even over https',
    generated: breaking('RDR-005', ['production'], () => nonInitiate),
  },
  {
    rule: 'RDR-006',
    name: 'a wildcard URI is refused in production',
    generated: breaking('RDR-006', ['production'], () => allTypes),
  },
  {
    rule: 'RDR-007',
    name: 'a URI up to the length limit is accepted and a longer one refused, in both environments',
    generated: breaking('RDR-007', kinds, () => allTypes),
  },
  {
    rule: 'RDR-008',
    name: 'a URI with a query string is refused in both environments',
    generated: breaking('RDR-008', kinds, () => allTypes),
  },
  {
    rule: 'RDR-009',
    name: 'a URI with a fragment is refused in both environments',
    generated: breaking('RDR-009', kinds, () => allTypes),
  },
  {
    rule: 'RDR-010',
    name: 'a relative or scheme-less URI is refused in both environments',
    generated: breaking('RDR-010', kinds, () => allTypes),
  },
  {
    rule: 'RDR-011',
    name: 'custom-scheme deep links are accepted and denied schemes refused, in both environments',
    generated: (target) => [
      ['development', valid(target, 'development', allTypes, isCustomScheme)],
      ['production', valid(target, 'production', nonInitiate, isCustomScheme)],
      ...breaking('RDR-011', kinds, () => nonInitiate)(target),
    ],
  },
  {
    rule: 'RDR-012',
    name: 'a wildcard as the label right above the top-level domain is refused',
    generated: breaking('RDR-012', ['development'], wildcardTypes),
  },
  {
    rule: 'RDR-013',
    name: 'a URI with more than one wildcard is refused',
    generated: breaking('RDR-013', ['development'], wildcardTypes),
  },
  {
    rule: 'RDR-014',
    name: 'a wildcard outside the host name is refused',
    generated: breaking('RDR-014', ['development'], wildcardTypes),
  },
  {
    rule: 'RDR-015',
    name: 'a wildcard below the outermost subdomain label is refused',
    generated: breaking('RDR-015', ['development'], wildcardTypes),
  },
  {
    rule: 'RDR-016',
    name: 'every wildcard URI accepted in development is refused in production',
    generated: (target) =>
      wildcardTypes(target).length === 0
        ? []
        : [['production', valid(target, 'development', wildcardTypes(target), isWildcard)]],
  },
  {
    rule: 'EPT-001',
    name: 'an initiate-login URL must be https and not localhost in production',
    generated: (target) => [
      ['production', violating(target, 'EPT-001', 'production', ['initiate_login'])],
      ['production', valid(target, 'production', ['initiate_login'])],
    ],
  },
];

describe('registration through the redirects hook', () => {
  for (const family of families) {
    test(`${family.name}: registration agrees with the oracle`, { tags: [family.rule] }, async ({ target, skip }) => {
      await requireRegistration(target, skip);
      // The documented examples and the generated cases are both run, whichever fails first, so a report always
      // carries the property's shrunk counterexample with its seed and path when there is one.
      const documentedFailures = await registrationFailures(target, family.rule, documented(family.rule));
      let propertyError: unknown;
      for (const [kind, cases] of family.generated(target)) {
        await registrationProperty(target, family.rule, kind, cases).catch((error: unknown) => {
          propertyError ??= error;
        });
      }
      assertConforms(...documentedFailures);
      if (propertyError) throw propertyError;
    });
  }

  test('the documented template patterns are accepted as callback URLs in both environments', {
    tags: ['RDT-003'],
  }, async ({ target, skip }) => {
    await requireRegistration(target, skip);
    await checkRegistrations(
      target,
      'RDT-003',
      redirectTemplateCases.filter((c) => c.source === 'RDT-003'),
    );
  });

  test('templates are accepted as callback, post-logout and initiate-login URLs, and not as back-channel logout URLs', {
    tags: ['RDT-002'],
  }, async ({ target, skip }) => {
    await requireRegistration(target, skip);
    const patterns = redirectTemplateCases.filter((c) => c.source === 'RDT-003' || c.source === 'RDT-002');
    await checkRegistrations(
      target,
      'RDT-002',
      patterns.flatMap((c) => allTypes.map((type) => ({ uri: c.uri, kind: c.kind, type }))),
    );
  });

  test('a template whose placeholder fills only part of a DNS label is refused', {
    tags: ['RDT-004'],
  }, async ({ target, skip }) => {
    await requireRegistration(target, skip);
    const made = [
      'https://{{org_slug}}-app.yourapp.com/callback',
      'https://x{{external_id}}.yourapp.com/callback',
      'https://login.{{org_slug}}app.yourapp.com/callback',
    ].flatMap((uri) => kinds.map((kind) => ({ uri, kind, type: 'callback' as const })));
    await checkRegistrations(target, 'RDT-004', [
      ...redirectTemplateCases.filter((c) => c.source === 'RDT-004'),
      ...made,
    ]);
  });

  test('the four redirect types are separate allowlists: each keeps exactly what was registered for it', {
    tags: ['RDR-017'],
  }, async ({ target, skip }) => {
    await requireRegistration(target, skip);
    const host = `types-${target.runTag}.example.com`;
    const registered = Object.fromEntries(
      allTypes.map((type) => [type, [`https://${host}/${type}/one`, `https://${host}/${type}/two`]]),
    ) as Record<RedirectType, string[]>;
    for (const type of allTypes) await target.hooks.requireRedirects(type, registered[type]);
    const failures: Failure[] = [];
    for (const type of allTypes) {
      const { exchange, ...read } = await exchangeOf(target, async () => ({
        uris: await target.hooks.redirects(type),
      }));
      const got = [...read.uris].sort().join(' ');
      if (got !== [...registered[type]].sort().join(' ')) {
        failures.push(failure('RDR-017', `${type} allowlist`, registered[type].join(' '), got || '(none)', exchange));
      }
    }
    assertConforms(...failures);
    // A URI on the post-logout list only is no callback.
    const offending = registered.post_logout[0] ?? '';
    const exchange = await navigate(target, '/oauth/authorize', {
      response_type: 'code',
      client_id: (await oauthClient(target)).id,
      redirect_uri: offending,
      scope: 'openid profile email',
      state: 'types',
    });
    const { redirects } = target.profile;
    assertConforms(
      checkNotSentTo('RDR-017', exchange, offending, registered.callback) ??
        checkRefusal('RDR-017', exchange, redirects.unregisteredOutcome, redirects.unregisteredStatus),
    );
  });

  // No rule of the catalogue states the hook's all-or-nothing promise (it is the target contract's, not the docs'):
  // RDR-017 is the closest, as a type's allowlist must hold exactly what was registered for it.
  test('a batch with one refused URI changes nothing: each type keeps exactly what it had', {
    tags: ['RDR-017'],
  }, async ({ target, skip }) => {
    await requireRegistration(target, skip);
    const kind = await target.hooks.environment();
    const host = `batch-${target.runTag}.example.com`;
    const failures: Failure[] = [];
    for (const type of allTypes) {
      const before = await target.hooks.redirects(type);
      try {
        const earlier = [`https://${host}/${type}/one`, `https://${host}/${type}/two`];
        await target.hooks.requireRedirects(type, earlier);
        // New valid URIs around one that a query string makes invalid in every environment (RDR-008).
        const invalid = `https://${host}/${type}/three?next=1`;
        if (oracleViolations(target, { uri: invalid, kind, type }).length === 0) {
          throw new Error(`the oracle accepts ${invalid} as ${type} in ${kind}: pick another invalid URI`);
        }
        const batch = [`https://${host}/${type}/new`, invalid, `https://${host}/${type}/newer`];
        const put = await exchangeOf(target, () => target.hooks.registerRedirects(type, batch));
        const context = [`batch: ${batch.join(' ')}`, `earlier: ${earlier.join(' ')}`];
        if (put.accepted) {
          failures.push(
            failure('RDR-017', 'refused batch', `refused for ${invalid}`, 'accepted', put.exchange, context),
          );
          continue;
        }
        const { exchange, ...read } = await exchangeOf(target, async () => ({
          uris: await target.hooks.redirects(type),
        }));
        const kept = [...read.uris].sort().join(' ');
        if (kept !== [...earlier].sort().join(' ')) {
          failures.push(
            failure(
              'RDR-017',
              `${type} allowlist after a refused batch`,
              earlier.join(' '),
              kept || '(none)',
              exchange,
              [...context, `refusal: ${JSON.stringify(put.rejected)}`],
            ),
          );
        }
      } finally {
        // The allowlists are environment-wide: the next test finds them as this one did.
        await target.hooks.requireRedirects(type, before);
      }
    }
    assertConforms(...failures);
  });
});

// --- logins --------------------------------------------------------------------------------------------------

interface Flow {
  client: { id: string; secret?: string };
  callback: string;
  email: string;
}

/** A registered callback (valid in both kinds) and, when `login` is given, a scripted login decision. */
async function prepareFlow(
  target: Target,
  skip: (note?: string) => never,
  login?: Omit<ScriptedLogin, 'email'>,
): Promise<Flow> {
  await requireHook(target, 'redirects', skip);
  if (login) await requireHook(target, 'login', skip);
  const callback = `https://app-${target.runTag}.example.com/oauth/callback`;
  await target.hooks.requireRedirects('callback', [callback]);
  const email = `${target.runTag}@example.com`;
  if (login) await target.hooks.login({ email, ...login });
  return { client: await oauthClient(target), callback, email };
}

const authorizeRequest = (flow: Flow, redirectUri: string | undefined, extra: Record<string, string> = {}) => ({
  response_type: 'code',
  client_id: flow.client.id,
  redirect_uri: redirectUri,
  scope: 'openid profile email',
  state: 'st-0',
  ...extra,
});

const pkcePair = (target: Target) => {
  const verifier = target.faker.string.alphanumeric(64);
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

/** An approved authorization with PKCE; the code, or the test fails on `rule` with what came back instead. */
async function authorizationCode(
  target: Target,
  flow: Flow,
  rule: RuleId,
  extra: Record<string, string> = {},
): Promise<{ code: string; verifier: string; redirectUri: string }> {
  const { verifier, challenge } = pkcePair(target);
  const redirectUri = extra.redirect_uri ?? flow.callback;
  const exchange = await navigate(target, '/oauth/authorize', {
    ...authorizeRequest(flow, redirectUri),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
  assertConforms(checkCodeSentTo(rule, exchange, redirectUri));
  return { code: queryOf(sentTo(exchange) ?? '').get('code') ?? '', verifier, redirectUri };
}

function exchangeCode(target: Target, flow: Flow, grant: { code: string; verifier: string; redirectUri: string }) {
  return postForm(target, '/oauth/token', {
    grant_type: 'authorization_code',
    code: grant.code,
    redirect_uri: grant.redirectUri,
    client_id: flow.client.id,
    client_secret: flow.client.secret,
    code_verifier: grant.verifier,
  });
}

function checkTokens(rule: RuleId, exchange: Exchange): Failure | undefined {
  const body = parseJsonBody(exchange);
  const token = body.ok ? (body.value as { access_token?: unknown } | null)?.access_token : undefined;
  if (exchange.status === 200 && typeof token === 'string' && token !== '') return undefined;
  return failure(
    rule,
    'code exchange',
    '200 with an access_token',
    `${exchange.status} ${exchange.responseBody.slice(0, 200)}`,
    exchange,
  );
}

function checkGrantRefused(rule: RuleId, exchange: Exchange): Failure | undefined {
  const body = parseJsonBody(exchange);
  const error = body.ok ? (body.value as { error?: unknown } | null)?.error : undefined;
  if (exchange.status >= 400 && exchange.status < 500 && typeof error === 'string') return undefined;
  return failure(
    rule,
    'code exchange refused',
    '4xx with an OAuth error such as invalid_grant',
    `${exchange.status} ${exchange.responseBody.slice(0, 200)}`,
    exchange,
  );
}

/** A completed sign-in: the ID token and the session it names. */
async function signIn(target: Target, flow: Flow, rule: RuleId, extra: Record<string, string> = {}) {
  const grant = await authorizationCode(target, flow, rule, extra);
  const exchange = await exchangeCode(target, flow, grant);
  assertConforms(checkTokens(rule, exchange));
  const idToken = (JSON.parse(exchange.responseBody) as { id_token?: string }).id_token ?? '';
  const payload = idToken.split('.')[1] ?? '';
  const claims = (payload ? JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) : {}) as { sid?: string };
  if (!claims.sid) {
    assertConforms(
      failure(
        rule,
        'ID token',
        'an id_token with a sid claim (openid scope)',
        exchange.responseBody.slice(0, 200),
        exchange,
      ),
    );
  }
  return { idToken, sessionId: claims.sid ?? '' };
}

/**
 * A receiver on 127.0.0.1 (the webhooks one: its port and public URL come from the profile) registered as the
 * environment's back-channel logout URL for the length of `body` (EPT-012).
 */
async function withBackChannelReceiver(
  target: Target,
  skip: (note?: string) => never,
  body: (receiver: Receiver) => Promise<void>,
) {
  const { receiverPort, receiverPublicUrl } = target.profile.webhooks;
  const receiver = await startReceiver({ port: receiverPort });
  try {
    const url = receiverPublicUrl ?? `${receiver.url}/logout`;
    const registered = await target.hooks.registerRedirects('back_channel_logout', [url]);
    // A production environment refuses a loopback URL: a tunnel (webhooks.receiverPublicUrl) is needed then.
    if (!registered.accepted) {
      skip(
        `precondition not met: the target refused ${url} as a back-channel logout URL; set webhooks.receiverPublicUrl`,
      );
    }
    await body(receiver);
  } finally {
    await target.hooks.registerRedirects('back_channel_logout', []);
    await receiver.close();
  }
}

/** The logout reached the receiver as a POST within the profile's wait (G-27 asserts no more than that). */
async function checkBackChannelPost(
  target: Target,
  receiver: Receiver,
  what: string,
  cause: Exchange,
): Promise<Failure | undefined> {
  const waitMs = target.profile.redirects.backChannelLogoutWaitMs;
  const attempts = await receiver.waitForAttempts(1, { timeoutMs: waitMs }).catch(() => receiver.attempts());
  const first = attempts[0];
  return first?.method === 'POST'
    ? undefined
    : failure(
        'EPT-012',
        `back-channel logout notice of ${what}`,
        `a POST to the registered URL within ${waitMs} ms`,
        first ? `${first.method} ${first.path.split('?')[0]}` : 'nothing',
        cause,
      );
}

// --- authorize -----------------------------------------------------------------------------------------------

/** The canonical redirect_uri mismatches (after the OpenID conformance suite), each with the rule it breaks. */
function mismatches(callback: string): { what: string; uri: string; rule: RuleId }[] {
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

async function checkMismatches(target: Target, skip: (note?: string) => never, rule: RuleId) {
  // With a scripted approval (when the target has the hook), a wrongly accepted URI shows as a redirect with a code.
  const login = (await target.hooks.has('login')) ? { decision: 'approve' as const } : undefined;
  const flow = await prepareFlow(target, skip, login);
  const { redirects } = target.profile;
  const failures: Failure[] = [];
  for (const { what, uri } of mismatches(flow.callback).filter((m) => m.rule === rule)) {
    const exchange = await navigate(target, '/oauth/authorize', authorizeRequest(flow, uri));
    const found =
      checkNotSentTo(rule, exchange, uri, [flow.callback]) ??
      checkRefusal(rule, exchange, redirects.unregisteredOutcome, redirects.unregisteredStatus, 'invalid_redirect_uri');
    if (found) failures.push({ ...found, details: [`case: ${what}`, ...(found.details ?? [])] });
  }
  assertConforms(...failures);
}

describe('GET /oauth/authorize', () => {
  test('a redirect_uri that is not registered is refused and never redirected to', {
    tags: ['RDR-001'],
  }, async ({ target, skip }) => {
    await checkMismatches(target, skip, 'RDR-001');
  });

  test('a redirect_uri that differs from the registered one in any part is refused and never redirected to', {
    tags: ['RDR-002'],
  }, async ({ target, skip }) => {
    await checkMismatches(target, skip, 'RDR-002');
  });

  test('the registered redirect_uri itself gets a 302 to exactly that URI with a code', {
    tags: ['RDR-002'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const exchange = await navigate(target, '/oauth/authorize', authorizeRequest(flow, flow.callback));
    assertConforms(checkCodeSentTo('RDR-002', exchange, flow.callback));
  });

  test('a request without redirect_uri is refused without a redirect to any registered URI', {
    tags: ['EPT-005'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const exchange = await navigate(target, '/oauth/authorize', authorizeRequest(flow, undefined));
    const { redirects } = target.profile;
    assertConforms(
      checkNotSentTo('EPT-005', exchange, undefined, [flow.callback]) ??
        checkRefusal('EPT-005', exchange, redirects.unregisteredOutcome, redirects.unregisteredStatus),
      checkNoCode('EPT-005', exchange),
    );
  });

  test('a request without client_id, or with an unknown one, is refused without a redirect and without a code', {
    tags: ['EPT-005'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const { redirects } = target.profile;
    for (const clientId of [undefined, `skc_unknown_${target.runTag}`]) {
      const exchange = await navigate(target, '/oauth/authorize', {
        ...authorizeRequest(flow, flow.callback),
        client_id: clientId,
      });
      // The redirect_uri cannot be trusted for a client that is not known (RFC 6749 §4.1.2.1).
      assertConforms(
        checkNotSentTo('EPT-005', exchange, flow.callback, []) ??
          checkRefusal('EPT-005', exchange, redirects.unregisteredOutcome, redirects.unregisteredStatus),
        checkNoCode('EPT-005', exchange),
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
      assertConforms(checkNoCode('EPT-005', exchange), checkErrorReported('EPT-005', exchange));
    }
  });

  test('prompt and provider outside their listed values get an error and never a code', {
    tags: ['EPT-005'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const invalid: Record<string, string>[] = [{ prompt: 'always' }, { prompt: 'LOGIN' }, { provider: 'myspace' }];
    for (const extra of invalid) {
      const exchange = await navigate(target, '/oauth/authorize', authorizeRequest(flow, flow.callback, extra));
      assertConforms(checkNoCode('EPT-005', exchange), checkErrorReported('EPT-005', exchange));
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
          checkCodeSentTo('EPT-006', exchange, flow.callback),
          checkStateReturned('EPT-006', exchange, state),
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
    const to = sentTo(exchange);
    const query = queryOf(to ?? '');
    const onCallback = exchange.status === 302 && to?.replace(/[?#].*$/s, '') === flow.callback;
    assertConforms(
      onCallback && query.get('error') === 'access_denied' && query.get('error_description')
        ? undefined
        : failure(
            'EPT-008',
            'denied login',
            `302 to ${flow.callback} with error=access_denied and error_description`,
            describeAnswer(exchange),
            exchange,
          ),
      checkNoCode('EPT-008', exchange),
      checkStateReturned('EPT-008', exchange, state),
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
    const failures: Failure[] = [];
    for (const extra of requests) {
      const exchange = await navigate(target, '/oauth/authorize', {
        ...authorizeRequest(flow, flow.callback),
        ...extra,
      });
      const found = checkDocumentedError('EPT-009', exchange);
      if (found) failures.push(found);
    }
    await target.hooks.login({ email: flow.email, decision: 'deny' });
    const denied = await navigate(target, '/oauth/authorize', authorizeRequest(flow, flow.callback));
    failures.push(...[checkDocumentedError('EPT-009', denied)].filter((f): f is Failure => f !== undefined));
    assertConforms(...failures);
  });
});

describe('POST /oauth/token with an authorization code', () => {
  test('an authorization code can be exchanged once; a second exchange is refused', {
    tags: ['EPT-007'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const grant = await authorizationCode(target, flow, 'EPT-007');
    assertConforms(checkTokens('EPT-007', await exchangeCode(target, flow, grant)));
    assertConforms(checkGrantRefused('EPT-007', await exchangeCode(target, flow, grant)));
  });

  test('an authorization code works a minute after it was issued and is refused once 15 minutes have passed', {
    tags: ['EPT-007'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'clock', skip);
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const early = await authorizationCode(target, flow, 'EPT-007');
    const late = await authorizationCode(target, flow, 'EPT-007');
    await target.hooks.advanceClock(60_000);
    assertConforms(checkTokens('EPT-007', await exchangeCode(target, flow, early)));
    // "About ten minutes": 15 leaves room for a lifetime a little over ten.
    await target.hooks.advanceClock(codeLifetimeMs + 5 * 60_000 - 60_000);
    assertConforms(checkGrantRefused('EPT-007', await exchangeCode(target, flow, late)));
  });
});

// --- logout --------------------------------------------------------------------------------------------------

describe('GET /oidc/logout', () => {
  test('a post_logout_redirect_uri that is not registered is never redirected to', {
    tags: ['RDR-019', 'EPT-011'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip);
    const registered = `https://app-${target.runTag}.example.com/signed-out`;
    await target.hooks.requireRedirects('post_logout', [registered]);
    const outcome = target.profile.redirects.postLogoutRejection === 'errorPage' ? 'errorPage' : 'defaultRedirect';
    const host = splitUri(registered).host ?? '';
    const failures: Failure[] = [];
    for (const uri of [
      registered.replace(host, `other-${host}`),
      `${registered}/`,
      `${registered}?next=1`,
      registered.replace(/^https:/, 'http:'),
      flow.callback,
    ]) {
      const exchange = await navigate(target, '/oidc/logout', { post_logout_redirect_uri: uri, state: 'bye' });
      const found =
        checkNotSentTo('RDR-019', exchange, uri, [registered]) ??
        checkRefusal('RDR-019', exchange, outcome, target.profile.redirects.unregisteredStatus);
      if (found) failures.push(found);
    }
    assertConforms(...failures);
  });

  test('a registered post_logout_redirect_uri gets a redirect to it with the state', {
    tags: ['EPT-011'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const registered = `https://app-${target.runTag}.example.com/signed-out`;
    await target.hooks.requireRedirects('post_logout', [registered]);
    const { idToken } = await signIn(target, flow, 'EPT-011');
    const exchange = await navigate(target, '/oidc/logout', {
      id_token_hint: idToken,
      post_logout_redirect_uri: registered,
      state: 'bye/1+2',
    });
    const to = sentTo(exchange);
    assertConforms(
      exchange.status >= 300 && exchange.status < 400 && to?.replace(/[?#].*$/s, '') === registered
        ? checkStateReturned('EPT-011', exchange, 'bye/1+2')
        : failure('EPT-011', 'post-logout redirect', `a redirect to ${registered}`, describeAnswer(exchange), exchange),
    );
  });

  test('logging out by browser navigation with id_token_hint ends the session', {
    tags: ['EPT-010'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const registered = `https://app-${target.runTag}.example.com/signed-out`;
    await target.hooks.requireRedirects('post_logout', [registered]);
    const { idToken, sessionId } = await signIn(target, flow, 'EPT-010');
    const session = () =>
      exchangeOf(target, () =>
        target.api.GET('/api/v1/sessions/{session_id}', { params: { path: { session_id: sessionId } } }),
      );
    const before = await session();
    assertConforms(checkStatus('EPT-010', before.exchange, 200));
    const logout = await navigate(target, '/oidc/logout', {
      id_token_hint: idToken,
      post_logout_redirect_uri: registered,
    });
    const after = await session();
    assertConforms(
      logout.status < 400
        ? undefined
        : failure('EPT-010', 'logout', 'a redirect or a signed-out page', describeAnswer(logout), logout),
      checkStatus('EPT-010', after.exchange, 200),
    );
    const status = after.data?.status;
    assertConforms(
      before.data?.status === 'active' && status !== 'active'
        ? undefined
        : failure(
            'EPT-010',
            'session ended by logout',
            'an active session before the logout and an ended one after it',
            `${before.data?.status ?? '(no status)'} before, ${status ?? '(no status)'} after`,
            after.exchange,
          ),
    );
  });

  test('a sign-out at /oidc/logout is told to the registered back-channel logout URL with a POST', {
    tags: ['EPT-012'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    await withBackChannelReceiver(target, skip, async (receiver) => {
      const { idToken } = await signIn(target, flow, 'EPT-012');
      const logout = await navigate(target, '/oidc/logout', { id_token_hint: idToken });
      assertConforms(await checkBackChannelPost(target, receiver, 'a sign-out at /oidc/logout', logout));
    });
  });

  test('a session an admin revokes through the API is told to the back-channel logout URL too', {
    tags: ['EPT-012'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    await withBackChannelReceiver(target, skip, async (receiver) => {
      const { sessionId } = await signIn(target, flow, 'EPT-012');
      const revoked = await exchangeOf(target, () =>
        target.api.POST('/api/v1/sessions/{session_id}/revoke', { params: { path: { session_id: sessionId } } }),
      );
      assertConforms(checkStatus('EPT-012', revoked.exchange, 200));
      assertConforms(await checkBackChannelPost(target, receiver, 'a session revoked by an admin', revoked.exchange));
    });
  });

  test('several post-logout URLs can be registered and each one is used at logout', {
    tags: ['RDR-018'],
  }, async ({ target, skip }) => {
    const flow = await prepareFlow(target, skip, { decision: 'approve' });
    const registered = ['one', 'two', 'three'].map((n) => `https://app-${target.runTag}.example.com/signed-out/${n}`);
    await target.hooks.requireRedirects('post_logout', registered);
    const { exchange: read, ...listed } = await exchangeOf(target, async () => ({
      uris: await target.hooks.redirects('post_logout'),
    }));
    assertConforms(
      registered.every((uri) => listed.uris.includes(uri))
        ? undefined
        : failure('RDR-018', 'post-logout URLs kept', registered.join(' '), listed.uris.join(' ') || '(none)', read),
    );
    for (const uri of registered) {
      const { idToken } = await signIn(target, flow, 'RDR-018');
      const exchange = await navigate(target, '/oidc/logout', {
        id_token_hint: idToken,
        post_logout_redirect_uri: uri,
      });
      const to = sentTo(exchange);
      assertConforms(
        exchange.status >= 300 && exchange.status < 400 && to?.replace(/[?#].*$/s, '') === uri
          ? undefined
          : failure('RDR-018', 'post-logout redirect', `a redirect to ${uri}`, describeAnswer(exchange), exchange),
      );
    }
  });
});

// --- organisation templates at run time ----------------------------------------------------------------------

type NewOrganization = { slug?: string; external_id?: string; metadata?: Record<string, string> };

/** Creates an organisation for the test (deleted when the test ends); its ID, or the test fails on `rule`. */
async function createOrganization(target: Target, rule: RuleId, cleanup: string[], fields: NewOrganization) {
  const { exchange, data } = await exchangeOf(target, () =>
    target.api.POST('/api/v1/organizations', { body: { display_name: `Templates ${target.runTag}`, ...fields } }),
  );
  assertConforms(checkStatus(rule, exchange, 201));
  const id = data?.organization?.id ?? '';
  cleanup.push(id);
  return id;
}

async function deleteOrganizations(target: Target, ids: string[]) {
  for (const id of ids) await target.api.DELETE('/api/v1/organizations/{id}', { params: { path: { id } } });
}

/** A templated callback accepted for `organizationId`: a 302 to exactly the expanded URI with a code. */
async function checkTemplateAccepted(
  target: Target,
  flow: Flow,
  rule: RuleId,
  expanded: string,
  organizationId: string,
) {
  const exchange = await navigate(target, '/oauth/authorize', {
    ...authorizeRequest(flow, expanded),
    organization_id: organizationId,
  });
  return checkCodeSentTo(rule, exchange, expanded);
}

async function checkTemplateRefused(
  target: Target,
  flow: Flow,
  rule: RuleId,
  requested: string,
  organizationId: string | undefined,
) {
  const exchange = await navigate(target, '/oauth/authorize', {
    ...authorizeRequest(flow, requested),
    organization_id: organizationId,
  });
  const { redirects } = target.profile;
  return (
    checkNotSentTo(rule, exchange, requested, []) ??
    checkRefusal(rule, exchange, redirects.unregisteredOutcome, redirects.unregisteredStatus)
  );
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
      assertConforms(await checkTemplateAccepted(target, flow, 'RDT-005', expand(`a-${target.runTag}`), mine));
      assertConforms(await checkTemplateRefused(target, flow, 'RDT-005', expand(`b-${target.runTag}`), mine));
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
        await checkTemplateRefused(target, flow, 'RDT-006', `https://${slug}.example.com/oauth/callback`, undefined),
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
        await checkTemplateAccepted(
          target,
          flow,
          'RDT-001',
          `https://apps.example.com/${externalId}/callback`,
          organization,
        ),
        await checkTemplateAccepted(target, flow, 'RDT-001', `https://${domain}/callback`, organization),
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
        await checkTemplateAccepted(target, flow, 'RDT-008', `https://${slug}.example.com/oauth/callback`, slugOnly),
        await checkTemplateAccepted(target, flow, 'RDT-008', `https://${domain}/oauth/callback`, metadataOnly),
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
      const to = sentTo(accepted);
      assertConforms(
        accepted.status >= 300 && accepted.status < 400 && to?.replace(/[?#].*$/s, '') === expanded
          ? undefined
          : failure(
              'RDT-007',
              'templated post-logout redirect',
              `a redirect to ${expanded}`,
              describeAnswer(accepted),
              accepted,
            ),
      );

      const expiring = await signIn(target, flow, 'RDT-007', inOrganization);
      const { data, exchange } = await exchangeOf(target, () =>
        target.api.GET('/api/v1/sessions/{session_id}', { params: { path: { session_id: expiring.sessionId } } }),
      );
      assertConforms(checkStatus('RDT-007', exchange, 200));
      const deadlines = [data?.idle_expires_at, data?.absolute_expires_at].map((at) => Date.parse(at ?? ''));
      const deadline = Math.min(...deadlines.filter(Number.isFinite));
      if (!Number.isFinite(deadline))
        skip('precondition not met: the session shows no expiry time to move the clock past');
      await target.hooks.advanceClock(Math.max(0, deadline - (await target.hooks.now())) + 1_000);
      const refused = await navigate(target, '/oidc/logout', {
        id_token_hint: expiring.idToken,
        post_logout_redirect_uri: expanded,
      });
      const outcome = target.profile.redirects.postLogoutRejection === 'errorPage' ? 'errorPage' : 'defaultRedirect';
      assertConforms(
        checkNotSentTo('RDT-007', refused, expanded, []) ??
          checkRefusal('RDT-007', refused, outcome, target.profile.redirects.unregisteredStatus),
      );
    } finally {
      await deleteOrganizations(target, cleanup);
    }
  });
});
