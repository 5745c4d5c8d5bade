import { generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { HttpResponse, http } from 'msw';
import { parseStatus } from '../../oracles/auth-log-filter.js';
import { referencedVariables, TemplateSyntaxError } from '../../oracles/email-template.js';
import { isTemplate, templateViolations } from '../../oracles/redirect-template.js';
import { type EnvironmentKind, exceedsLengthLimit, splitUri } from '../../oracles/redirect-uri.js';
import {
  type EmailTemplateName,
  emailTemplateNames,
  hookNames,
  type InitiateLoginScenario,
  type InterceptorTrigger,
  initiateLoginScenarios,
  interceptorTriggers,
  type PasswordlessSettings as PasswordlessHookSettings,
  passwordlessTypes,
  type RedirectType,
  type RejectedRedirect,
  redirectTypes,
} from '../../protocol/control-hooks.js';
import type { RuleId } from '../../rules/catalogue.js';
import {
  emailTemplates,
  invitationTokens,
  loginScript,
  type PasswordlessSettings,
  passwordlessSettings,
  redirectRegistry,
  webhookEndpoint,
} from '../control-state.js';
import { type FaultId, faults, isFaultId } from '../faults.js';
import { interceptorRegistry } from '../interceptors.js';
import { signJwt } from '../oidc-keys.js';
import { publicClients } from '../public-clients.js';
import { setRateLimit } from '../rate-limit.js';
import { authenticate, errorInfo, unauthenticated } from '../responses.js';
import { decodePathSegment } from '../route.js';
import type { AuthLogEntry, MockState } from '../state.js';
import { isWebhookSecret } from '../webhooks/signing.js';
import { findOrganization } from './organizations.js';

/**
 * What the hooks read from other parts of the mock. Passed in, so this module depends on their behaviour, not
 * on how they are built.
 */
export interface HookServices {
  /** Sent emails, oldest first. */
  outbox(): { to: string }[];
  /** Webhook delivery attempts, and a way to send every attempt that is due on the mock's clock. */
  webhooks?: {
    deliveries(eventId?: string): unknown[];
    afterClockAdvance(): Promise<void>;
  };
  /** Whether the mock owes nothing for the requests it answered (no delivery or notification due and unanswered). */
  idle?(): boolean;
  /** Hooks switched off (not advertised, answered 404), to show how the suites behave on a target without them. */
  disabled?: readonly string[];
}

/**
 * Every control hook of the target contract (RUNNING.md, part 2), plus this mock's extensions: `faults`, and
 * `idp-initiated-login` (what an identity provider's tile does, which no API call can).
 */
export const implementedHooks = [...hookNames, 'faults'] as const;

/** How long an IdP-initiated login token stays valid: the app is meant to redeem it at once. */
const idpInitiatedLoginLifetimeSeconds = 5 * 60;

/**
 * A hook's URL matcher (`/redirects/:type`: a colon segment is a parameter), as a regular expression without
 * groups: msw decodes the parameters of a string path, and any group, with `decodeURIComponent`, and throws on
 * invalid percent-encoding (`%zz`), a 500. The one parameter a hook has is its last segment (see `guarded`).
 */
const hook = (suffix = '') =>
  new RegExp(`^[a-z][a-z0-9+.-]*://.*/_conformance/v1${suffix.replace(/:\w+/g, '[^/?#]+')}/?$`, 'i');
type Resolver = (args: {
  request: Request;
  /** The last path segment, decoded: the hook's parameter (`type` of `redirects/:type`) where it has one. */
  segment: string;
}) => Response | Promise<Response>;

async function readJson(request: Request): Promise<Record<string, unknown> | undefined> {
  const body = (await request.json().catch(() => undefined)) as unknown;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
}

/** The most one `clock/advance` may move the clock: 10 years of 365.25 days. RUNNING.md documents the bound. */
export const maxClockAdvanceMs = 10 * 365.25 * 24 * 60 * 60 * 1000;
/** The clock never passes the last instant an RFC 3339 timestamp (four-digit year) can name. */
const latestClockTime = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** Seeded faults that make registration forget one rule: what the oracle refuses for it alone is then accepted. */
const forgottenRules: [FaultId, RuleId][] = [
  ['redirects.accept-http-in-production', 'RDR-004'],
  ['redirects.accept-localhost-in-production', 'RDR-005'],
  ['redirects.accept-wildcards-in-production', 'RDR-006'],
  ['redirects.accept-query', 'RDR-008'],
  ['redirects.accept-fragment', 'RDR-009'],
  ['redirects.accept-relative', 'RDR-010'],
  ['redirects.accept-root-wildcard', 'RDR-012'],
  ['redirects.allow-two-wildcards', 'RDR-013'],
  ['redirects.accept-wildcard-outside-host', 'RDR-014'],
  ['redirects.accept-inner-wildcard', 'RDR-015'],
  ['redirects.initiate-login-like-callback', 'EPT-001'],
  ['templates.partial-label', 'RDT-004'],
  ['templates.back-channel', 'RDT-002'],
];

/**
 * The rules a URI breaks when registered as `type` now: the template oracle (which applies the plain URI rules
 * too), then the seeded faults of registration.
 */
function registrationViolations(state: MockState, uri: string, type: RedirectType): RuleId[] {
  const kind: EnvironmentKind = state.environment;
  const found = new Set(templateViolations(uri, kind, type, state.profile));
  for (const [fault, rule] of forgottenRules) if (state.has(fault)) found.delete(rule);
  if (state.has('redirects.accept-257-characters')) {
    const oneLonger = { ...state.profile.redirects, lengthLimit: state.profile.redirects.lengthLimit + 1 };
    if (!exceedsLengthLimit(uri, oneLonger)) found.delete('RDR-007');
  }
  const scheme = splitUri(uri).scheme?.toLowerCase();
  if (state.has('redirects.reject-http-in-development') && scheme === 'http') found.add('RDR-004');
  if (state.has('redirects.reject-custom-schemes') && scheme && scheme !== 'http' && scheme !== 'https') {
    found.add('RDR-011');
  }
  if (state.has('templates.reject-path-variable') && isTemplate(splitUri(uri).path)) found.add('RDT-003');
  return [...found].sort();
}

/**
 * The rules a refusal names: those broken, or with the seeded fault one more (the first registration rule not
 * already named), which only a diagnostic may notice.
 */
function namedRules(state: MockState, broken: RuleId[]): RuleId[] {
  if (!state.has('redirects.extra-rule-names')) return broken;
  const extra = forgottenRules.map(([, rule]) => rule).find((rule) => !broken.includes(rule));
  return extra ? [...broken, extra].sort() : broken;
}

/**
 * What the `redirects` hook does with a PUT, for it and for `mock --redirect-uri`: all or nothing, so one rejected
 * URI leaves the registration as it was. Answers the rejected URIs with the rules they break; none when registered.
 */
export function registerRedirectUris(state: MockState, type: RedirectType, uris: string[]): RejectedRedirect[] {
  const rejected = uris
    .map((uri) => ({ uri, rules: registrationViolations(state, uri, type) }))
    .filter((entry) => entry.rules.length > 0);
  const registry = redirectRegistry(state);
  if (rejected.length > 0) {
    // The seeded fault breaks the promise: the valid rest of a refused batch replaces the list.
    if (state.has('redirects.partial-registration')) {
      registry[type] = uris.filter((uri) => !rejected.some((entry) => entry.uri === uri));
    }
    return rejected.map((entry) => ({ uri: entry.uri, rules: namedRules(state, entry.rules) }));
  }
  if (state.has('redirects.shared-allowlist')) for (const each of redirectTypes) registry[each] = [...uris];
  else registry[type] = [...uris];
  if (state.has('redirects.keep-one-post-logout') && type === 'post_logout') registry[type] = uris.slice(0, 1);
  return [];
}

/** The `passwordless` hook's wire shape (RUNNING.md): the dashboard's names in snake case. */
const passwordlessSettingsBody = (settings: PasswordlessSettings): PasswordlessHookSettings => ({
  type: settings.type,
  regenerate_on_resend: settings.regenerateOnResend,
  enforce_same_browser_origin: settings.enforceSameBrowserOrigin,
});

export function conformanceHookHandlers(state: MockState, services: HookServices) {
  // Every hook needs the same bearer token as the REST API.
  const disabled = new Set(services.disabled ?? []);
  const guarded =
    (resolve: Resolver) =>
    ({ request }: { request: Request }) => {
      if (!authenticate(request, state)) return unauthenticated();
      const pathname = new URL(request.url).pathname;
      // The first path segment after the prefix names the hook (`/_conformance/v1/clock/advance` → clock).
      const name = pathname.split('/_conformance/v1/')[1]?.split('/')[0];
      if (name && disabled.has(name)) return errorInfo(404, 'NOT_FOUND', `the ${name} hook is switched off`);
      const segment = decodePathSegment(pathname.split('/').filter(Boolean).at(-1) ?? '');
      if (segment === undefined) return errorInfo(400, 'INVALID_ARGUMENT', 'the path is not valid percent-encoding');
      return resolve({ request, segment });
    };
  const clockBody = () => ({ now: state.nowIso() });

  return [
    http.get(
      hook(),
      guarded(() => HttpResponse.json({ version: 1, hooks: implementedHooks.filter((h) => !disabled.has(h)) })),
    ),
    http.post(
      hook('/reset'),
      guarded(() => {
        state.reset();
        return new HttpResponse(null, { status: 204 });
      }),
    ),

    http.get(
      hook('/environment'),
      guarded(() => HttpResponse.json({ kind: state.environment })),
    ),
    http.put(
      hook('/environment'),
      guarded(async ({ request }) => {
        const kind = (await readJson(request))?.kind;
        if (kind !== 'development' && kind !== 'production') {
          return errorInfo(400, 'INVALID_ARGUMENT', 'kind must be "development" or "production"');
        }
        state.environment = kind;
        return HttpResponse.json({ kind });
      }),
    ),

    http.get(
      hook('/redirects/:type'),
      guarded(({ segment }) => {
        const type = segment as RedirectType;
        if (!redirectTypes.includes(type)) return errorInfo(404, 'NOT_FOUND', `unknown redirect type ${type}`);
        return HttpResponse.json({ uris: redirectRegistry(state)[type] });
      }),
    ),
    http.put(
      hook('/redirects/:type'),
      guarded(async ({ request, segment }) => {
        const type = segment as RedirectType;
        if (!redirectTypes.includes(type)) return errorInfo(404, 'NOT_FOUND', `unknown redirect type ${type}`);
        const uris = (await readJson(request))?.uris;
        if (!isStringArray(uris)) return errorInfo(400, 'INVALID_ARGUMENT', 'body must be { "uris": ["..."] }');
        const rejected = registerRedirectUris(state, type, uris);
        if (rejected.length > 0) return HttpResponse.json({ rejected }, { status: 400 });
        return HttpResponse.json({ uris });
      }),
    ),

    http.put(
      hook('/login'),
      guarded(async ({ request }) => {
        const body = await readJson(request);
        const decision = body?.decision;
        if (typeof body?.email !== 'string' || (decision !== 'approve' && decision !== 'deny')) {
          return errorInfo(400, 'INVALID_ARGUMENT', 'body must be { "email", "decision": "approve" | "deny" }');
        }
        const organizationId = typeof body.organization_id === 'string' ? body.organization_id : undefined;
        loginScript(state).current = {
          email: body.email,
          decision,
          ...(organizationId ? { organization_id: organizationId } : {}),
        };
        return HttpResponse.json(loginScript(state).current);
      }),
    ),
    // An extension of the contract: forget the scripted login, so authorize shows its login page again (ALG-002).
    http.delete(
      hook('/login'),
      guarded(() => {
        delete loginScript(state).current;
        return new HttpResponse(null, { status: 204 });
      }),
    ),

    // An extension: an IdP-initiated login (EPT-004) sends the browser to the registered initiate-login URI with a
    // signed token the app verifies (the SDK's getIdpInitiatedLoginClaims) before starting its own authorize request.
    http.post(
      hook('/idp-initiated-login'),
      guarded(async ({ request }) => {
        const body = await readJson(request);
        const text = (key: string) => (typeof body?.[key] === 'string' ? (body[key] as string) : undefined);
        const fields = ['organization_id', 'connection_id', 'login_hint', 'relay_state'] as const;
        const wrongType = fields.find((key) => body?.[key] !== undefined && text(key) === undefined);
        const organizationId = text('organization_id');
        const connectionId = text('connection_id');
        if (!body || wrongType || (!organizationId && !connectionId)) {
          return errorInfo(
            400,
            'INVALID_ARGUMENT',
            'body must be { "organization_id" and/or "connection_id", "login_hint"?, "relay_state"? } (strings)',
          );
        }
        if (organizationId && !findOrganization(state, organizationId)) {
          return errorInfo(404, 'NOT_FOUND', `organization ${organizationId} not found`);
        }
        const initiateLoginUri = redirectRegistry(state).initiate_login[0];
        if (initiateLoginUri === undefined) {
          return errorInfo(400, 'FAILED_PRECONDITION', 'register an initiate_login URI first (redirects hook)');
        }
        const iat = Math.floor(state.clock.now() / 1000);
        const sign = state.has('endpoints.idp-token-foreign-key') ? signWithForeignKey : signJwt;
        const token = await sign(state, {
          iss: new URL(request.url).origin,
          aud: [state.credentials.clientId],
          iat,
          exp: iat + idpInitiatedLoginLifetimeSeconds,
          ...Object.fromEntries(fields.flatMap((key) => (text(key) === undefined ? [] : [[key, text(key)]]))),
        });
        const separator = initiateLoginUri.includes('?') ? '&' : '?';
        const location = `${initiateLoginUri}${separator}${new URLSearchParams({ idp_initiated_login: token })}`;
        return HttpResponse.json(
          { location, idp_initiated_login: token },
          { status: 302, headers: { location, 'cache-control': 'no-store' } },
        );
      }),
    ),

    http.post(
      hook('/auth-requests'),
      guarded(async ({ request }) => {
        const entries = (await readJson(request))?.entries;
        if (!Array.isArray(entries)) return errorInfo(400, 'INVALID_ARGUMENT', 'body must be { "entries": [...] }');
        const stored: Omit<AuthLogEntry, 'auth_request_id'>[] = [];
        const givenIds: (string | undefined)[] = [];
        for (const [index, raw] of entries.entries()) {
          const entry = (raw ?? {}) as Record<string, unknown>;
          const text = (key: string) => (typeof entry[key] === 'string' ? (entry[key] as string) : undefined);
          const status = parseStatus(text('status') ?? '');
          const timestamp = text('timestamp') ?? '';
          const email = text('email');
          if (!status || !email || Number.isNaN(Date.parse(timestamp))) {
            return errorInfo(400, 'INVALID_ARGUMENT', `entries[${index}] needs a valid status, email and timestamp`);
          }
          const optional = ['client_id', 'organization_id', 'connection_id', 'resource_id', 'workflow'] as const;
          givenIds.push(text('auth_request_id'));
          stored.push({
            status,
            email,
            timestamp: new Date(timestamp).toISOString(),
            environment_id: state.environmentId,
            ...Object.fromEntries(optional.flatMap((key) => (text(key) ? [[key, text(key)]] : []))),
          });
        }
        // All or nothing: entries are stored, and identifiers drawn from the seeded generator, only once every
        // one is valid, so a refused batch leaves the identifiers of later ones as they would have been.
        const accepted: AuthLogEntry[] = stored.map((entry, index) => ({
          auth_request_id: givenIds[index] ?? state.id('ar_'),
          ...entry,
        }));
        state.authRequests.push(...accepted);
        return HttpResponse.json({ entries: accepted }, { status: 201 });
      }),
    ),

    http.put(
      hook('/email/templates/:name'),
      guarded(async ({ request, segment }) => {
        const name = segment as EmailTemplateName;
        if (!emailTemplateNames.includes(name)) return errorInfo(404, 'NOT_FOUND', `unknown template ${name}`);
        const body = await readJson(request);
        const { subject, html, text } = body ?? {};
        if (typeof subject !== 'string' || typeof html !== 'string' || typeof text !== 'string') {
          return errorInfo(400, 'INVALID_ARGUMENT', 'body must be { "subject", "html", "text" } (strings)');
        }
        try {
          referencedVariables({ subject, html, text }, state.profile.emailTemplates);
        } catch (error) {
          // A template the server cannot parse is refused when saved, never when an email is sent.
          if (error instanceof TemplateSyntaxError) return errorInfo(400, 'INVALID_ARGUMENT', error.message);
          throw error;
        }
        emailTemplates(state)[name] = { subject, html, text };
        return HttpResponse.json({ subject, html, text });
      }),
    ),
    http.delete(
      hook('/email/templates/:name'),
      guarded(({ segment }) => {
        const name = segment as EmailTemplateName;
        if (!emailTemplateNames.includes(name)) return errorInfo(404, 'NOT_FOUND', `unknown template ${name}`);
        delete emailTemplates(state)[name];
        return HttpResponse.json({});
      }),
    ),
    // An extension of the contract: the template in force, so a run can put back what it changed (null: the default).
    http.get(
      hook('/email/templates/:name'),
      guarded(({ segment }) => {
        const name = segment as EmailTemplateName;
        if (!emailTemplateNames.includes(name)) return errorInfo(404, 'NOT_FOUND', `unknown template ${name}`);
        return HttpResponse.json({ template: emailTemplates(state)[name] ?? null });
      }),
    ),
    http.get(
      hook('/email/outbox'),
      guarded(({ request }) => {
        const to = new URL(request.url).searchParams.get('to');
        const messages = services.outbox().filter((message) => to === null || message.to === to);
        return HttpResponse.json({ messages });
      }),
    ),

    http.put(
      hook('/webhooks/endpoint'),
      guarded(async ({ request }) => {
        const body = await readJson(request);
        const url = body?.url;
        const secret = body?.secret;
        if (
          typeof url !== 'string' ||
          !/^https?:\/\//.test(url) ||
          typeof secret !== 'string' ||
          !isWebhookSecret(secret)
        ) {
          return errorInfo(400, 'INVALID_ARGUMENT', 'body must be { "url": "http(s)://...", "secret": "whsec_..." }');
        }
        if (body?.events !== undefined && !isStringArray(body.events)) {
          return errorInfo(400, 'INVALID_ARGUMENT', 'events must be an array of event types');
        }
        webhookEndpoint(state).current = {
          url,
          secret,
          ...(isStringArray(body?.events) ? { events: body.events } : {}),
        };
        return HttpResponse.json({ url, ...(isStringArray(body?.events) ? { events: body.events } : {}) });
      }),
    ),
    // Extensions of the contract: read and remove the registration, so a run can put back the endpoint it found.
    http.get(
      hook('/webhooks/endpoint'),
      guarded(() => HttpResponse.json({ endpoint: webhookEndpoint(state).current ?? null })),
    ),
    http.delete(
      hook('/webhooks/endpoint'),
      guarded(() => {
        delete webhookEndpoint(state).current;
        return new HttpResponse(null, { status: 204 });
      }),
    ),
    http.get(
      hook('/webhooks/deliveries'),
      guarded(({ request }) => {
        const eventId = new URL(request.url).searchParams.get('event_id') ?? undefined;
        return HttpResponse.json({ deliveries: services.webhooks?.deliveries(eventId) ?? [] });
      }),
    ),

    // Log entries are written before the request that makes them is answered: only what is sent out can be owed.
    http.get(
      hook('/idle'),
      guarded(() => HttpResponse.json({ idle: services.idle?.() ?? true })),
    ),

    http.get(
      hook('/passwordless'),
      guarded(() => HttpResponse.json(passwordlessSettingsBody(passwordlessSettings(state)))),
    ),
    http.put(
      hook('/passwordless'),
      guarded(async ({ request }) => {
        const body = await readJson(request);
        const type = body?.type;
        const flags = ['regenerate_on_resend', 'enforce_same_browser_origin'] as const;
        if (
          !body ||
          (type !== undefined && !passwordlessTypes.includes(type as PasswordlessSettings['type'])) ||
          flags.some((flag) => body[flag] !== undefined && typeof body[flag] !== 'boolean')
        ) {
          return errorInfo(
            400,
            'INVALID_ARGUMENT',
            'body must be { "type"?: "OTP" | "LINK" | "LINK_OTP", "regenerate_on_resend"?: boolean, ' +
              '"enforce_same_browser_origin"?: boolean }',
          );
        }
        // Fields left out keep their value, so a test changes only the setting it is about.
        const settings = passwordlessSettings(state);
        if (type !== undefined) settings.type = type as PasswordlessSettings['type'];
        if (typeof body.regenerate_on_resend === 'boolean') settings.regenerateOnResend = body.regenerate_on_resend;
        if (typeof body.enforce_same_browser_origin === 'boolean') {
          settings.enforceSameBrowserOrigin = body.enforce_same_browser_origin;
        }
        return HttpResponse.json(passwordlessSettingsBody(settings));
      }),
    ),

    http.get(
      hook('/clock'),
      guarded(() => HttpResponse.json(clockBody())),
    ),
    http.post(
      hook('/clock/advance'),
      guarded(async ({ request }) => {
        const ms = (await readJson(request))?.ms;
        // Checked before anything moves: a refused advance leaves the clock, and every token, as they were.
        if (
          typeof ms !== 'number' ||
          !Number.isFinite(ms) ||
          ms < 0 ||
          ms > maxClockAdvanceMs ||
          state.clock.now() + ms > latestClockTime
        ) {
          return errorInfo(
            400,
            'INVALID_ARGUMENT',
            `body must be { "ms": N } with 0 <= N <= ${maxClockAdvanceMs} (10 years), the clock staying before year 10000`,
          );
        }
        state.clock.advance(ms);
        // Deliveries that fell due during the advance go out before the answer (target contract, clock hook).
        await services.webhooks?.afterClockAdvance();
        return HttpResponse.json(clockBody());
      }),
    ),

    // An extension: what the target does on each occasion that sends the browser to the initiate-login URI
    // (EPT-002). The parameters it appends are its own (G-26): the issuer, as OIDC third-party initiated login
    // has it, the email as login_hint, and for an invitation the organization and a token the authorize endpoint
    // takes back when the app forwards them (EPT-003).
    http.post(
      hook('/initiate-login'),
      guarded(async ({ request }) => {
        const body = await readJson(request);
        const scenario = body?.scenario as InitiateLoginScenario;
        if (!initiateLoginScenarios.includes(scenario)) {
          return errorInfo(400, 'INVALID_ARGUMENT', `scenario must be one of ${initiateLoginScenarios.join(', ')}`);
        }
        const email = typeof body?.email === 'string' ? body.email : undefined;
        const organizationId = typeof body?.organization_id === 'string' ? body.organization_id : undefined;
        if (organizationId && !findOrganization(state, organizationId)) {
          return errorInfo(404, 'NOT_FOUND', `organization ${organizationId} not found`);
        }
        const registry = redirectRegistry(state);
        const target = state.has('endpoints.initiate-login-to-callback')
          ? registry.callback[0]
          : registry.initiate_login[0];
        if (target === undefined) {
          return errorInfo(400, 'FAILED_PRECONDITION', 'register an initiate_login URI first (redirects hook)');
        }
        const params = new URLSearchParams({ iss: new URL(request.url).origin });
        if (email && scenario !== 'expired_transaction' && scenario !== 'cookies_disabled') {
          params.set('login_hint', email);
        }
        if (scenario === 'invitation') {
          if (organizationId) params.set('organization_id', organizationId);
          params.set('invitation_token', invitationToken(state));
        }
        const location = `${target}${target.includes('?') ? '&' : '?'}${params}`;
        return HttpResponse.json({ location }, { status: 302, headers: { location, 'cache-control': 'no-store' } });
      }),
    ),

    // An extension: auth-flow interceptors (OTH-001), as the dashboard registers them.
    http.put(
      hook('/interceptors/:trigger'),
      guarded(async ({ request, segment }) => {
        const trigger = segment as InterceptorTrigger;
        if (!interceptorTriggers.includes(trigger)) {
          return errorInfo(404, 'NOT_FOUND', `unknown trigger ${trigger}: one of ${interceptorTriggers.join(', ')}`);
        }
        const body = await readJson(request);
        const url = typeof body?.url === 'string' ? body.url : '';
        const timeout = body?.timeout_ms ?? 5000;
        const policy = body?.fail_policy ?? 'allow';
        const secret = typeof body?.secret === 'string' ? body.secret : '';
        if (
          !/^https?:\/\//i.test(url) ||
          !URL.canParse(url) ||
          !isWebhookSecret(secret) ||
          typeof timeout !== 'number' ||
          !Number.isInteger(timeout) ||
          timeout < 1 ||
          timeout > 60_000 ||
          (policy !== 'allow' && policy !== 'block')
        ) {
          return errorInfo(
            400,
            'INVALID_ARGUMENT',
            'body must be { "url": "http(s)://...", "secret": "whsec_...", "timeout_ms"?: 1..60000, "fail_policy"?: "allow" | "block" }',
          );
        }
        interceptorRegistry(state)[trigger] = {
          url,
          secret,
          timeout_ms: timeout,
          fail_policy: policy,
        };
        return HttpResponse.json({ trigger, url, timeout_ms: timeout, fail_policy: policy });
      }),
    ),
    // Read back with its secret, as the webhooks endpoint is, so a run can put the owners' interceptor back.
    http.get(
      hook('/interceptors/:trigger'),
      guarded(({ segment }) => {
        const trigger = segment as InterceptorTrigger;
        if (!interceptorTriggers.includes(trigger)) return errorInfo(404, 'NOT_FOUND', `unknown trigger ${trigger}`);
        return HttpResponse.json({ interceptor: interceptorRegistry(state)[trigger] ?? null });
      }),
    ),
    http.delete(
      hook('/interceptors/:trigger'),
      guarded(({ segment }) => {
        const registry = interceptorRegistry(state);
        const trigger = segment as InterceptorTrigger;
        if (!interceptorTriggers.includes(trigger) || !registry[trigger]) {
          return errorInfo(404, 'NOT_FOUND', `no interceptor for ${segment}`);
        }
        delete registry[trigger];
        return new HttpResponse(null, { status: 204 });
      }),
    ),

    // An extension: single-page and native apps (EPT-013), which have no secret and must use PKCE.
    http.post(
      hook('/public-clients'),
      guarded(async ({ request }) => {
        const body = await readJson(request);
        const type = body?.type;
        const uris = body?.redirect_uris;
        const absolute = (uri: string) => URL.canParse(uri) && !uri.includes('#');
        if (
          (type !== 'spa' && type !== 'native') ||
          !isStringArray(uris) ||
          uris.length === 0 ||
          !uris.every(absolute)
        ) {
          return errorInfo(
            400,
            'INVALID_ARGUMENT',
            'body must be { "type": "spa" | "native", "redirect_uris": [absolute URIs without a fragment] }',
          );
        }
        const client = { client_id: state.id('skc_'), type, redirect_uris: uris } as const;
        publicClients(state).set(client.client_id, { ...client, redirect_uris: [...uris] });
        return HttpResponse.json(client, { status: 201 });
      }),
    ),
    http.delete(
      hook('/public-clients/:id'),
      guarded(({ segment }) =>
        publicClients(state).delete(segment)
          ? new HttpResponse(null, { status: 204 })
          : errorInfo(404, 'NOT_FOUND', `no public client ${segment}`),
      ),
    ),

    // An extension: lowers the environment's API rate limit for a test (TOK-009), so nothing is flooded.
    http.put(
      hook('/rate-limit'),
      guarded(async ({ request }) => {
        const perMinute = (await readJson(request))?.per_minute;
        if (typeof perMinute !== 'number' || !Number.isInteger(perMinute) || perMinute < 1 || perMinute > 100_000) {
          return errorInfo(400, 'INVALID_ARGUMENT', 'body must be { "per_minute": N } with 1 <= N <= 100000');
        }
        setRateLimit(state, perMinute);
        return HttpResponse.json({ per_minute: perMinute });
      }),
    ),
    http.delete(
      hook('/rate-limit'),
      guarded(() => {
        setRateLimit(state, undefined);
        return new HttpResponse(null, { status: 204 });
      }),
    ),

    http.get(
      hook('/faults'),
      guarded(() =>
        HttpResponse.json({ active: [...state.faults], available: faults.map((f) => ({ ...f, rules: [...f.rules] })) }),
      ),
    ),
    http.put(
      hook('/faults'),
      guarded(async ({ request }) => {
        const requested = (await readJson(request))?.faults;
        if (!isStringArray(requested)) return errorInfo(400, 'INVALID_ARGUMENT', 'body must be { "faults": [...] }');
        const unknown = requested.filter((id) => !isFaultId(id));
        if (unknown.length > 0) return errorInfo(400, 'INVALID_ARGUMENT', `unknown fault(s): ${unknown.join(', ')}`);
        state.faults.clear();
        for (const id of requested) if (isFaultId(id)) state.faults.add(id);
        return HttpResponse.json({ active: [...state.faults] });
      }),
    ),
  ];
}

function invitationToken(state: MockState): string {
  const token = state.id('inv_', 24);
  invitationTokens(state).add(token);
  return token;
}

/** The seeded fault of EPT-004: the token signed with a key of its own, one /keys never publishes. */
async function signWithForeignKey(_state: MockState, claims: JWTPayload): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'foreign', typ: 'JWT' }).sign(privateKey);
}
