import { decodeJwt } from 'jose';
import type { Exchange } from '../client/transport.js';
import { type EnvironmentKind, type RedirectType, splitUri } from '../oracles/redirect-uri.js';
import type { RuleId } from '../rules/catalogue.js';
import { type Failure, failure } from './failure.js';
import { answerPreview, checkStatus, parseJsonBody } from './http.js';

// Checks on redirect URIs end to end (RDR-001..RDR-020, RDT-001..RDT-012, EPT-001, EPT-005..EPT-012): registration
// through the `redirects` hook against the oracles' verdict, where /oauth/authorize and /oidc/logout send the
// browser, the code exchange, the back-channel logout notice, and the REST fields templates read. Pure functions over
// recorded exchanges: the suites drive the target, these judge. Each check's rule parameter lists the rules it may
// decide, so a rule ID leads here through the types.

// --- reading where an answer sends the browser ----------------------------------------------------------------

/** Where a response sends the browser, if anywhere; a relative Location is resolved against the request. */
export function sentTo(exchange: Exchange): string | undefined {
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

/** A query parameter of the URI the answer sends the browser to; null when there is none. */
export function redirectParameter(exchange: Exchange, name: string): string | null {
  return queryOf(sentTo(exchange) ?? '').get(name);
}

/** `scheme://authority`, lower-cased: what counts as the same site for a redirect. */
function originOf(uri: string): string | undefined {
  const { scheme, authority } = splitUri(uri);
  return scheme && authority ? `${scheme}://${authority}`.toLowerCase() : undefined;
}

const withoutQueryOrFragment = (uri: string | undefined) => uri?.replace(/[?#].*$/s, '');
const isRedirect = (exchange: Exchange) => exchange.status >= 300 && exchange.status < 400;

function describeAnswer(exchange: Exchange): string {
  const to = sentTo(exchange);
  return to === undefined ? `${exchange.status} without a Location` : `${exchange.status} with Location ${to}`;
}

// --- refusals at /oauth/authorize and /oidc/logout -------------------------------------------------------------

/** The rules whose tests send a redirect URI (or a request) the target must refuse. */
export type RefusedRedirectRule =
  | 'RDR-001'
  | 'RDR-002'
  | 'RDR-017'
  | 'RDR-019'
  | 'EPT-005'
  | 'RDT-005'
  | 'RDT-006'
  | 'RDT-007';

/**
 * A refused URI is never where the browser is sent: not to it or anything it starts, not to its origin (unless
 * that is the target's own), and not silently to another registered URI instead (RDR-001, RDR-019, and the rules
 * of `RefusedRedirectRule`).
 */
export function notRedirectedToRefusedUri(
  rule: RefusedRedirectRule,
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

/** What the profile says a refused request gets (G-02 for authorize, G-25 for logout). */
export type RefusalOutcome = 'errorPage' | 'redirectWithError' | 'defaultRedirect';

/** A refused request gets what the profile decides; where it sends the browser is `notRedirectedToRefusedUri`'s. */
export function refusedAsProfileSays(
  rule: RefusedRedirectRule,
  exchange: Exchange,
  outcome: RefusalOutcome,
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
    if (isRedirect(exchange) && error && (expectedError === undefined || error === expectedError)) return undefined;
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

export interface ExpectedRefusal {
  /** The URI the request named; undefined when it named none. */
  offending: string | undefined;
  /** Registered URIs the target must not fall back to. */
  registered: readonly string[];
  outcome: RefusalOutcome;
  statuses: readonly number[];
  /** The error a redirect must carry, when the outcome is a redirect with an error. */
  error?: string;
}

/** Both halves of a refusal, the first failure only: never sent to the refused URI, then refused as profiled. */
export function refusedWithoutRedirect(
  rule: RefusedRedirectRule,
  exchange: Exchange,
  expected: ExpectedRefusal,
): Failure | undefined {
  return (
    notRedirectedToRefusedUri(rule, exchange, expected.offending, expected.registered) ??
    refusedAsProfileSays(rule, exchange, expected.outcome, expected.statuses, expected.error)
  );
}

// --- authorization answers -------------------------------------------------------------------------------------

/**
 * RDR-002 and EPT-006 judge this themselves; the other rules' tests need a code to reach the step they judge
 * (the exchange, a signed-in session, a templated callback), so a missing code fails them too.
 */
export type CodeRedirectRule =
  | 'RDR-002'
  | 'RDR-018'
  | 'EPT-006'
  | 'EPT-007'
  | 'EPT-010'
  | 'EPT-011'
  | 'EPT-012'
  | 'RDT-001'
  | 'RDT-005'
  | 'RDT-007'
  | 'RDT-008';

/** The response sends the browser to exactly `registered`, parameters appended, with a code (RFC 6749 §4.1.2). */
export function codeRedirectedTo(rule: CodeRedirectRule, exchange: Exchange, registered: string): Failure | undefined {
  const to = sentTo(exchange);
  if (exchange.status !== 302 || to === undefined || withoutQueryOrFragment(to) !== registered || to.includes('#')) {
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

/** EPT-006 (and EPT-008, EPT-011 for a denied login and a logout): `state` comes back exactly as sent. */
export function stateReturnedUnchanged(
  rule: 'EPT-006' | 'EPT-008' | 'EPT-011',
  exchange: Exchange,
  state: string,
): Failure | undefined {
  const returned = redirectParameter(exchange, 'state');
  if (returned === state) return undefined;
  return failure(
    rule,
    'state returned unchanged',
    `state=${JSON.stringify(state)}`,
    returned === null ? `no state (${describeAnswer(exchange)})` : `state=${JSON.stringify(returned)}`,
    exchange,
  );
}

/** EPT-005, EPT-008: no code and no token anywhere the browser is sent. */
export function noCodeOrTokenIssued(rule: 'EPT-005' | 'EPT-008', exchange: Exchange): Failure | undefined {
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

/** EPT-005: an invalid authorization request gets a 4xx, or a redirect that carries `error`. */
export function invalidRequestErrorReported(rule: 'EPT-005', exchange: Exchange): Failure | undefined {
  if (isRedirect(exchange) ? errorOf(exchange) !== undefined : exchange.status >= 400 && exchange.status < 500) {
    return undefined;
  }
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
export const documentedAuthorizationErrors: ReadonlySet<string> = new Set([
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

/** EPT-009: an error the client can read (in the redirect or a JSON body) is one of the documented codes. */
export function authorizationErrorDocumented(rule: 'EPT-009', exchange: Exchange): Failure | undefined {
  const error = errorOf(exchange);
  if (error === undefined || documentedAuthorizationErrors.has(error)) return undefined;
  return failure(
    rule,
    'documented error code',
    'an error code from the documented vocabulary',
    `error=${error}`,
    exchange,
  );
}

/** EPT-008: a denied login is a 302 to the callback with error=access_denied and an error_description. */
export function deniedLoginReturnsAccessDenied(
  rule: 'EPT-008',
  exchange: Exchange,
  callback: string,
): Failure | undefined {
  const onCallback = exchange.status === 302 && withoutQueryOrFragment(sentTo(exchange)) === callback;
  const denied = redirectParameter(exchange, 'error') === 'access_denied';
  if (onCallback && denied && redirectParameter(exchange, 'error_description')) return undefined;
  return failure(
    rule,
    'denied login',
    `302 to ${callback} with error=access_denied and error_description`,
    describeAnswer(exchange),
    exchange,
  );
}

// --- the code at POST /oauth/token ---------------------------------------------------------------------------

/** EPT-007 judges this itself; the other rules' tests need a signed-in session to reach their step. */
export type SignInRule = 'EPT-007' | 'EPT-010' | 'EPT-011' | 'EPT-012' | 'RDR-018' | 'RDT-007';

/** A code exchange answered 200 with a non-empty access_token. */
export function codeExchangedForToken(rule: SignInRule, exchange: Exchange): Failure | undefined {
  const body = parseJsonBody(exchange);
  const token = body.ok ? (body.value as { access_token?: unknown } | null)?.access_token : undefined;
  if (exchange.status === 200 && typeof token === 'string' && token !== '') return undefined;
  return failure(rule, 'code exchange', '200 with an access_token', answerPreview(exchange), exchange);
}

/** EPT-007: a used or expired code is refused with a 4xx and an OAuth error such as invalid_grant. */
export function codeExchangeRefused(rule: 'EPT-007', exchange: Exchange): Failure | undefined {
  const body = parseJsonBody(exchange);
  const error = body.ok ? (body.value as { error?: unknown } | null)?.error : undefined;
  if (exchange.status >= 400 && exchange.status < 500 && typeof error === 'string') return undefined;
  return failure(
    rule,
    'code exchange refused',
    '4xx with an OAuth error such as invalid_grant',
    answerPreview(exchange),
    exchange,
  );
}

/**
 * The session a code exchange signed in to: its ID token and the `sid` claim naming the session (openid scope).
 * The token's signature is TOK-011's business, not this check's; here it only has to say which session it is.
 */
export function readSignedInSession(
  rule: SignInRule,
  exchange: Exchange,
):
  | { idToken: string; sessionId: string; problem?: undefined }
  | { idToken?: undefined; sessionId?: undefined; problem: Failure } {
  let idToken = '';
  let sessionId: unknown;
  try {
    idToken = (JSON.parse(exchange.responseBody) as { id_token?: string }).id_token ?? '';
    sessionId = decodeJwt(idToken).sid;
  } catch {
    sessionId = undefined;
  }
  if (typeof sessionId === 'string' && sessionId !== '') return { idToken, sessionId };
  return {
    problem: failure(
      rule,
      'ID token',
      'an id_token with a sid claim (openid scope)',
      exchange.responseBody.slice(0, 200),
      exchange,
    ),
  };
}

// --- logout ----------------------------------------------------------------------------------------------------

/** EPT-011, RDR-018, RDT-007: a logout is a redirect to exactly `uri` (its state, if any, judged apart). */
export function postLogoutRedirectedTo(
  rule: 'EPT-011' | 'RDR-018' | 'RDT-007',
  exchange: Exchange,
  uri: string,
): Failure | undefined {
  if (isRedirect(exchange) && withoutQueryOrFragment(sentTo(exchange)) === uri) return undefined;
  const title = rule === 'RDT-007' ? 'templated post-logout redirect' : 'post-logout redirect';
  return failure(rule, title, `a redirect to ${uri}`, describeAnswer(exchange), exchange);
}

/** EPT-010: the logout navigation itself is answered with a redirect or a signed-out page, not an error. */
export function logoutAnswered(rule: 'EPT-010', exchange: Exchange): Failure | undefined {
  if (exchange.status < 400) return undefined;
  return failure(rule, 'logout', 'a redirect or a signed-out page', describeAnswer(exchange), exchange);
}

/** EPT-010: the session was active before the logout and is not after it (`after` is the read that shows it). */
export function sessionEndedByLogout(
  rule: 'EPT-010',
  before: string | undefined,
  after: string | undefined,
  exchange: Exchange,
): Failure | undefined {
  if (before === 'active' && after !== 'active') return undefined;
  return failure(
    rule,
    'session ended by logout',
    'an active session before the logout and an ended one after it',
    `${before ?? '(no status)'} before, ${after ?? '(no status)'} after`,
    exchange,
  );
}

/** A request the back-channel logout receiver recorded. */
export interface ReceivedLogoutNotice {
  method: string;
  /** The request target as sent: path and query. */
  path: string;
}

/**
 * EPT-012: the end of a session (`what`, caused by `cause`) reached the registered back-channel logout URL as a
 * POST within the profile's wait; G-27 asserts no more than that. `received` is what came in during the wait.
 */
export function backChannelLogoutPosted(
  rule: 'EPT-012',
  what: string,
  received: readonly ReceivedLogoutNotice[],
  waitMs: number,
  cause: Exchange,
): Failure | undefined {
  const first = received[0];
  if (first?.method === 'POST') return undefined;
  return failure(
    rule,
    `back-channel logout notice of ${what}`,
    `a POST to the registered URL within ${waitMs} ms`,
    first ? `${first.method} ${first.path.split('?')[0]}` : 'nothing',
    cause,
  );
}

// --- registration through the redirects hook -------------------------------------------------------------------

/** The rules registration decides: the validity table, initiate login's page and the template rules. */
export type RegistrationRule =
  | 'RDR-003'
  | 'RDR-004'
  | 'RDR-005'
  | 'RDR-006'
  | 'RDR-007'
  | 'RDR-008'
  | 'RDR-009'
  | 'RDR-010'
  | 'RDR-011'
  | 'RDR-012'
  | 'RDR-013'
  | 'RDR-014'
  | 'RDR-015'
  | 'RDR-016'
  | 'EPT-001'
  | 'RDT-002'
  | 'RDT-003'
  | 'RDT-004';

export interface RegistrationCase {
  uri: string;
  kind: EnvironmentKind;
  type: RedirectType;
}

/** What the `redirects` hook answered a registration of one or more URIs (the client's RedirectRegistration). */
export type RegistrationAnswer =
  | { accepted: true }
  | { accepted: false; rejected: readonly { uri: string; rules: readonly string[] }[] };

const where = (c: RegistrationCase) => `${c.type} ${JSON.stringify(c.uri)} in ${c.kind}`;
const namedRules = (answer: RegistrationAnswer, uri: string) =>
  answer.accepted ? [] : [...(answer.rejected.find((r) => r.uri === uri)?.rules ?? [])].sort();

/**
 * One URI registered alone is accepted exactly when the oracle (redirect-uri.ts, or redirect-template.ts for a
 * template) finds no rule broken, and refused with an entry for the URI otherwise. `oracle` is its verdict: the rules
 * the URI breaks. Which rules the entry names is not judged here (see `refusalNamesOracleRules`).
 */
export function registrationAgreesWithOracle(
  rule: RegistrationRule,
  registered: RegistrationCase,
  oracle: readonly RuleId[],
  answer: RegistrationAnswer,
  exchange: Exchange,
): Failure | undefined {
  if (answer.accepted) {
    if (oracle.length === 0) return undefined;
    return failure(
      rule,
      'registration',
      `refused for ${oracle.join(', ')}: ${where(registered)}`,
      'accepted',
      exchange,
    );
  }
  if (oracle.length === 0) {
    const named = namedRules(answer, registered.uri);
    const naming = named.length > 0 ? ` naming ${named.join(', ')}` : '';
    return failure(rule, 'registration', `accepted: ${where(registered)} breaks no rule`, `refused${naming}`, exchange);
  }
  if (answer.rejected.some((r) => r.uri === registered.uri)) return undefined;
  return failure(rule, 'rejected list', `an entry for ${registered.uri}`, JSON.stringify(answer.rejected), exchange);
}

/**
 * A diagnostic, never a verdict: a refusal that names rules names the oracle's. The contract pins only whether a
 * URI is refused and that it has an entry, and a target may name no rules at all, which is not reported.
 */
export function refusalNamesOracleRules(
  rule: RegistrationRule,
  registered: RegistrationCase,
  oracle: readonly RuleId[],
  answer: RegistrationAnswer,
  exchange: Exchange,
): Failure | undefined {
  const named = namedRules(answer, registered.uri);
  const expected = [...oracle].sort();
  if (answer.accepted || expected.length === 0 || named.length === 0 || named.join() === expected.join()) {
    return undefined;
  }
  return failure(rule, 'rules named for a refusal', expected.join(', '), named.join(', '), exchange, [
    where(registered),
  ]);
}

/** The diagnostic that counts the naming mismatches a test met when it shows only some of them. */
export function refusalNamingTally(
  rule: RegistrationRule,
  counts: { refusals: number; distinct: number; shown: number },
): Failure | undefined {
  if (counts.refusals <= counts.shown) return undefined;
  return failure(
    rule,
    'rules named for a refusal',
    "the oracle's rules in every refusal",
    `${counts.refusals} refusals named other rules, ${counts.distinct} distinct; ${counts.shown} shown`,
  );
}

/** RDR-017: one type's allowlist, read back, holds exactly the URIs registered for it, no more and no fewer. */
export function allowlistHoldsExactly(
  rule: 'RDR-017',
  list: string,
  registered: readonly string[],
  read: readonly string[],
  exchange: Exchange,
  details?: string[],
): Failure | undefined {
  const got = [...read].sort().join(' ');
  if (got === [...registered].sort().join(' ')) return undefined;
  return failure(rule, list, registered.join(' '), got || '(none)', exchange, details);
}

/** RDR-017: a batch holding a URI the oracle refuses is refused as a whole (the hook's all-or-nothing promise). */
export function batchWithInvalidUriRefused(
  rule: 'RDR-017',
  invalid: string,
  answer: RegistrationAnswer,
  exchange: Exchange,
  details?: string[],
): Failure | undefined {
  if (!answer.accepted) return undefined;
  return failure(rule, 'refused batch', `refused for ${invalid}`, 'accepted', exchange, details);
}

/** RDR-018: every post-logout URL registered together is still on the list read back. */
export function allowlistKeepsEvery(
  rule: 'RDR-018',
  registered: readonly string[],
  read: readonly string[],
  exchange: Exchange,
): Failure | undefined {
  if (registered.every((uri) => read.includes(uri))) return undefined;
  return failure(rule, 'post-logout URLs kept', registered.join(' '), read.join(' ') || '(none)', exchange);
}

// --- REST fields ---------------------------------------------------------------------------------------------

/** RDR-020: `redirect_uris`, where a client in the answer has it, is an array of strings. */
export function redirectUrisAreStringArrays(
  rule: 'RDR-020',
  exchange: Exchange,
  clients: readonly unknown[],
): Failure | undefined {
  const wrong = clients.filter((client) => {
    if (!client || typeof client !== 'object' || !('redirect_uris' in client)) return false;
    const uris = (client as { redirect_uris: unknown }).redirect_uris;
    return !Array.isArray(uris) || uris.some((uri) => typeof uri !== 'string');
  });
  if (wrong.length === 0) return undefined;
  return failure(
    rule,
    'redirect_uris type',
    'redirect_uris absent or an array of strings',
    wrong.map((client) => JSON.stringify((client as { redirect_uris: unknown }).redirect_uris)).join(', '),
    exchange,
  );
}

/** RDT-009..RDT-012: an organisation the test needs was created: 201 and an ID in the answer. */
export function organizationCreated(
  rule: 'RDT-009' | 'RDT-010' | 'RDT-011' | 'RDT-012',
  exchange: Exchange,
  id: string | undefined,
): Failure | undefined {
  return (
    checkStatus(rule, exchange, 201) ?? (id ? undefined : failure(rule, 'organization id', 'an id', '(none)', exchange))
  );
}

/** RDT-009, RDT-010: the slug read back is the one given (on create), or the one kept (after a refused update). */
export function slugKept(
  rule: 'RDT-009' | 'RDT-010',
  expected: string,
  got: string | undefined,
  exchange: Exchange,
): Failure | undefined {
  if (got === expected) return undefined;
  return failure(rule, 'slug kept', JSON.stringify(expected), JSON.stringify(got), exchange);
}

/** RDT-010: after an update with slug "", no answer shows a slug (absent and "" both count as none). */
export function slugCleared(
  rule: 'RDT-010',
  shown: readonly (string | undefined)[],
  exchange: Exchange,
): Failure | undefined {
  const left = shown.filter((slug) => slug);
  if (left.length === 0) return undefined;
  return failure(rule, 'slug cleared', 'no slug (absent or "") after slug=""', JSON.stringify(left[0]), exchange);
}
