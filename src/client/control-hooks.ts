import {
  type DeliveryRecord,
  type EmailTemplateName,
  type EmailTemplateSource,
  type EnvironmentKind,
  type HookName,
  hookNames,
  type InitiateLoginScenario,
  type InterceptorRegistration,
  type InterceptorTrigger,
  type OutboxMessage,
  type PasswordlessSettings,
  type PublicClient,
  type RedirectType,
  type RejectedRedirect,
  type ScriptedLogin,
  type SeededAuthRequest,
  type WebhookEndpoint,
} from '../protocol/control-hooks.js';
import type { Transport } from './transport.js';

// The protocol is re-exported so the suites and tests keep importing the hook shapes from the client.
export {
  type DeliveryRecord,
  type EmailTemplateName,
  type EmailTemplateSource,
  type EnvironmentKind,
  emailTemplateNames,
  type HookName,
  hookNames,
  type InitiateLoginScenario,
  type InterceptorRegistration,
  type InterceptorTrigger,
  initiateLoginScenarios,
  interceptorTriggers,
  type OutboxMessage,
  type PasswordlessSettings,
  type PasswordlessType,
  type PublicClient,
  passwordlessTypes,
  type RedirectType,
  type RejectedRedirect,
  redirectTypes,
  type ScriptedLogin,
  type SeededAuthRequest,
  type WebhookEndpoint,
} from '../protocol/control-hooks.js';

/** Where a redirecting hook (idp-initiated-login, initiate-login) sends the browser: its Location, and the body. */
export interface HookRedirect {
  location: string;
  body: Record<string, unknown>;
}

/** What a registration came to: accepted as a whole, or refused with the URIs at fault (and nothing changed). */
export type RedirectRegistration =
  | { accepted: true; uris: string[] }
  | { accepted: false; rejected: RejectedRedirect[] };

export class ControlHookError extends Error {
  constructor(hook: string, status: number, body: string) {
    super(`control hook ${hook} answered ${status}: ${body.slice(0, 300)}`);
    this.name = 'ControlHookError';
  }
}

/** A client for `/_conformance/v1/...`; authenticated with the same bearer token as the REST API. */
export class ControlHooks {
  readonly #baseUrl: string;
  readonly #transport: Transport;
  readonly #token: () => Promise<string>;
  readonly #invalidate: (() => void) | undefined;
  #advertised: Promise<ReadonlySet<HookName>> | undefined;

  /**
   * `invalidate` drops a cached token: a hook answered 401 is retried once with a fresh one, since moving the
   * target's clock (the clock hook) can expire the token the suite holds.
   */
  constructor(baseUrl: string, transport: Transport, token: () => Promise<string>, invalidate?: () => void) {
    this.#baseUrl = baseUrl;
    this.#transport = transport;
    this.#token = token;
    this.#invalidate = invalidate;
  }

  /** The hooks the target advertises; a target without the discover hook advertises none. */
  advertised(): Promise<ReadonlySet<HookName>> {
    this.#advertised ??= this.#request('GET', '').then(async (response) => {
      if (response.status !== 200) return new Set<HookName>();
      const body = (await response.json().catch(() => ({}))) as { hooks?: unknown };
      const hooks = Array.isArray(body.hooks) ? body.hooks : [];
      return new Set(hooks.filter((h): h is HookName => (hookNames as readonly string[]).includes(h)));
    });
    return this.#advertised;
  }

  async has(hook: HookName): Promise<boolean> {
    return (await this.advertised()).has(hook);
  }

  async seedAuthRequests(entries: SeededAuthRequest[]): Promise<(SeededAuthRequest & { auth_request_id: string })[]> {
    const response = await this.#request('POST', '/auth-requests', { entries });
    const text = await response.text();
    if (response.status !== 201) throw new ControlHookError('auth-requests', response.status, text);
    return (JSON.parse(text) as { entries: (SeededAuthRequest & { auth_request_id: string })[] }).entries;
  }

  async environment(): Promise<EnvironmentKind> {
    const response = await this.#request('GET', '/environment');
    return ((await this.#json('environment', response, 200)) as { kind: EnvironmentKind }).kind;
  }

  async setEnvironment(kind: EnvironmentKind): Promise<void> {
    await this.#json('environment', await this.#request('PUT', '/environment', { kind }), 200);
  }

  /** Runs `body` with the environment switched to `kind`, and puts the previous kind back afterwards. */
  async inEnvironment<T>(kind: EnvironmentKind, body: () => Promise<T>): Promise<T> {
    const previous = await this.environment();
    if (previous !== kind) await this.setEnvironment(kind);
    try {
      return await body();
    } finally {
      if (previous !== kind) await this.setEnvironment(previous);
    }
  }

  async redirects(type: RedirectType): Promise<string[]> {
    const response = await this.#request('GET', `/redirects/${type}`);
    return ((await this.#json('redirects', response, 200)) as { uris: string[] }).uris;
  }

  /** Replaces the registered URIs of one type. A 400 is an answer here (a refusal), not an error. */
  async registerRedirects(type: RedirectType, uris: string[]): Promise<RedirectRegistration> {
    const response = await this.#request('PUT', `/redirects/${type}`, { uris });
    const text = await response.text();
    if (response.status === 200) return { accepted: true, uris: (JSON.parse(text) as { uris: string[] }).uris };
    const rejected = response.status === 400 ? parseRejected(text) : undefined;
    if (!rejected) throw new ControlHookError('redirects', response.status, text);
    return { accepted: false, rejected };
  }

  /** Registers URIs that must be accepted; a refusal is an error of the test setup. */
  async requireRedirects(type: RedirectType, uris: string[]): Promise<void> {
    const result = await this.registerRedirects(type, uris);
    if (!result.accepted) {
      throw new ControlHookError('redirects', 400, `refused ${JSON.stringify(result.rejected)} for ${type}`);
    }
  }

  async login(script: ScriptedLogin): Promise<void> {
    await this.#json('login', await this.#request('PUT', '/login', script), 200);
  }

  /**
   * Forgets the scripted login, so a valid authorize request shows the login page again. An extension of the
   * contract: false when the target does not offer it.
   */
  async clearLogin(): Promise<boolean> {
    const response = await this.#request('DELETE', '/login');
    const text = await response.text();
    if (response.status === 200 || response.status === 204) return true;
    if (response.status === 404 || response.status === 405) return false;
    throw new ControlHookError('login', response.status, text);
  }

  /** Saves a custom template: later sends of that kind render from it. */
  async setEmailTemplate(name: EmailTemplateName, template: EmailTemplateSource): Promise<void> {
    await this.#json('email', await this.#request('PUT', `/email/templates/${name}`, template), 200);
  }

  /** Puts the built-in default template back. */
  async restoreEmailTemplate(name: EmailTemplateName): Promise<void> {
    const response = await this.#request('DELETE', `/email/templates/${name}`);
    const text = await response.text();
    if (response.status !== 200 && response.status !== 204) throw new ControlHookError('email', response.status, text);
  }

  /**
   * The custom template in force, null for the built-in default; undefined when the target does not offer the read
   * (an extension of the contract: `GET /email/templates/{name}`).
   */
  async emailTemplate(name: EmailTemplateName): Promise<EmailTemplateSource | null | undefined> {
    const response = await this.#request('GET', `/email/templates/${name}`);
    if (response.status === 404 || response.status === 405) return undefined;
    return ((await this.#json('email', response, 200)) as { template: EmailTemplateSource | null }).template;
  }

  /** Runs `body` with a custom template saved, and restores the default afterwards, however `body` ends. */
  async withEmailTemplate<T>(
    name: EmailTemplateName,
    template: EmailTemplateSource,
    body: () => Promise<T>,
  ): Promise<T> {
    await this.setEmailTemplate(name, template);
    try {
      return await body();
    } finally {
      await this.restoreEmailTemplate(name);
    }
  }

  async passwordlessSettings(): Promise<PasswordlessSettings> {
    const response = await this.#request('GET', '/passwordless');
    return (await this.#json('passwordless', response, 200)) as PasswordlessSettings;
  }

  /** Changes the settings given and keeps the rest; answers the settings now in force. */
  async setPasswordlessSettings(settings: Partial<PasswordlessSettings>): Promise<PasswordlessSettings> {
    const response = await this.#request('PUT', '/passwordless', settings);
    return (await this.#json('passwordless', response, 200)) as PasswordlessSettings;
  }

  /**
   * Runs `body` with some passwordless settings changed, and puts the earlier settings back however it ends: the
   * settings are environment-wide, and the next test file expects the target as it found it.
   */
  async withPasswordlessSettings<T>(settings: Partial<PasswordlessSettings>, body: () => Promise<T>): Promise<T> {
    const earlier = await this.passwordlessSettings();
    await this.setPasswordlessSettings(settings);
    try {
      return await body();
    } finally {
      await this.setPasswordlessSettings(earlier);
    }
  }

  /** The emails sent to one address, oldest first. */
  async outbox(to: string): Promise<OutboxMessage[]> {
    const response = await this.#request('GET', `/email/outbox?to=${encodeURIComponent(to)}`);
    return ((await this.#json('email', response, 200)) as { messages: OutboxMessage[] }).messages;
  }

  /** Registers the endpoint the target delivers webhook events to, signed with `secret` (whsec_...). */
  async setWebhookEndpoint(endpoint: { url: string; secret: string; events?: string[] }): Promise<void> {
    await this.#json('webhooks', await this.#request('PUT', '/webhooks/endpoint', endpoint), 200);
  }

  /**
   * The registered endpoint, null when none is; undefined when the target does not offer the read (an extension of
   * the contract: `GET /webhooks/endpoint`).
   */
  async webhookEndpoint(): Promise<WebhookEndpoint | null | undefined> {
    const response = await this.#request('GET', '/webhooks/endpoint');
    if (response.status === 404 || response.status === 405) return undefined;
    return ((await this.#json('webhooks', response, 200)) as { endpoint: WebhookEndpoint | null }).endpoint;
  }

  /**
   * Removes the registration, so the target delivers nowhere; false when the target does not offer it (an extension
   * of the contract: `DELETE /webhooks/endpoint`).
   */
  async removeWebhookEndpoint(): Promise<boolean> {
    const response = await this.#request('DELETE', '/webhooks/endpoint');
    const text = await response.text();
    if (response.status === 200 || response.status === 204) return true;
    if (response.status === 404 || response.status === 405) return false;
    throw new ControlHookError('webhooks', response.status, text);
  }

  /** The delivery attempts the target recorded, oldest first; only those of one event when given. */
  async webhookDeliveries(eventId?: string): Promise<DeliveryRecord[]> {
    const query = eventId === undefined ? '' : `?event_id=${encodeURIComponent(eventId)}`;
    const response = await this.#request('GET', `/webhooks/deliveries${query}`);
    return ((await this.#json('webhooks', response, 200)) as { deliveries: DeliveryRecord[] }).deliveries;
  }

  /**
   * Whether the target owes nothing for the requests it has answered (the `idle` hook): every webhook delivery and
   * back-channel logout due on its clock has been sent and answered, every log entry written. Then a reading is
   * final, and a wait for more can end at once.
   */
  async idle(): Promise<boolean> {
    const body = (await this.#json('idle', await this.#request('GET', '/idle'), 200)) as { idle?: unknown };
    if (typeof body?.idle !== 'boolean')
      throw new ControlHookError('idle', 200, `no boolean "idle": ${JSON.stringify(body)}`);
    return body.idle;
  }

  /** The target's clock, in milliseconds since the epoch. */
  async now(): Promise<number> {
    const body = (await this.#json('clock', await this.#request('GET', '/clock'), 200)) as { now: string };
    return Date.parse(body.now);
  }

  async advanceClock(ms: number): Promise<number> {
    const response = await this.#request('POST', '/clock/advance', { ms });
    return Date.parse(((await this.#json('clock', response, 200)) as { now: string }).now);
  }

  /**
   * `idp-initiated-login` (an extension): what an identity provider's app tile does. The target answers a 302 to its
   * registered initiate-login URI with `idp_initiated_login` (EPT-004).
   */
  async idpInitiatedLogin(body: {
    organization_id?: string;
    connection_id?: string;
    login_hint?: string;
    relay_state?: string;
  }): Promise<HookRedirect> {
    return this.#redirect('idp-initiated-login', await this.#request('POST', '/idp-initiated-login', body));
  }

  /**
   * `initiate-login` (an extension): the target does what it does on one occasion that sends the browser to the
   * registered initiate-login URI (EPT-002): a 302 there with whatever parameters it appends.
   */
  async initiateLogin(
    scenario: InitiateLoginScenario,
    options: { email?: string; organization_id?: string } = {},
  ): Promise<HookRedirect> {
    return this.#redirect('initiate-login', await this.#request('POST', '/initiate-login', { scenario, ...options }));
  }

  /** `interceptors` (an extension): registers the interceptor of one trigger, replacing any earlier one. */
  async setInterceptor(trigger: InterceptorTrigger, registration: InterceptorRegistration): Promise<void> {
    await this.#json('interceptors', await this.#request('PUT', `/interceptors/${trigger}`, registration), 200);
  }

  /**
   * The interceptor registered for one trigger (its secret too, so a run can register it again; never printed),
   * null when none is; undefined when the target offers no read (`GET /interceptors/{trigger}`).
   */
  async interceptor(trigger: InterceptorTrigger): Promise<InterceptorRegistration | null | undefined> {
    const response = await this.#request('GET', `/interceptors/${trigger}`);
    if (response.status === 404 || response.status === 405) return undefined;
    const body = (await this.#json('interceptors', response, 200)) as { interceptor: InterceptorRegistration | null };
    return body.interceptor;
  }

  /** Removes the interceptor of one trigger; removing one that is not there is not an error. */
  async removeInterceptor(trigger: InterceptorTrigger): Promise<void> {
    const response = await this.#request('DELETE', `/interceptors/${trigger}`);
    if (response.status !== 204 && response.status !== 404) {
      throw new ControlHookError('interceptors', response.status, await response.text());
    }
  }

  /** `public-clients` (an extension): registers a single-page or native app with no secret (EPT-013). */
  async createPublicClient(type: PublicClient['type'], redirectUris: string[]): Promise<PublicClient> {
    const response = await this.#request('POST', '/public-clients', { type, redirect_uris: redirectUris });
    return (await this.#json('public-clients', response, 201)) as PublicClient;
  }

  async deletePublicClient(clientId: string): Promise<void> {
    const response = await this.#request('DELETE', `/public-clients/${encodeURIComponent(clientId)}`);
    if (response.status !== 204 && response.status !== 404) {
      throw new ControlHookError('public-clients', response.status, await response.text());
    }
  }

  /**
   * `rate-limit` (an extension): lowers the environment's API limit to `perMinute` requests a minute of the target's
   * clock (TOK-009), so a test goes over it without flooding anything.
   */
  async setRateLimit(perMinute: number): Promise<void> {
    await this.#json('rate-limit', await this.#request('PUT', '/rate-limit', { per_minute: perMinute }), 200);
  }

  /** Puts the target's own rate limit back. */
  async clearRateLimit(): Promise<void> {
    const response = await this.#request('DELETE', '/rate-limit');
    if (response.status !== 204) throw new ControlHookError('rate-limit', response.status, await response.text());
  }

  /** A redirecting hook's answer: a 302 (or 303) with a Location; anything else is outside its contract. */
  async #redirect(hook: string, response: Response): Promise<HookRedirect> {
    const text = await response.text();
    const location = response.headers.get('location');
    if ((response.status !== 302 && response.status !== 303) || !location) {
      throw new ControlHookError(hook, response.status, text);
    }
    let body: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      // The Location is the answer; a body is optional.
    }
    return { location, body };
  }

  async #json(hook: string, response: Response, status: number): Promise<unknown> {
    const text = await response.text();
    if (response.status !== status) throw new ControlHookError(hook, response.status, text);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ControlHookError(hook, response.status, `not JSON: ${text}`);
    }
  }

  async #request(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await this.#send(method, path, body);
    if (response.status !== 401 || !this.#invalidate) return response;
    this.#invalidate();
    return this.#send(method, path, body);
  }

  async #send(method: string, path: string, body?: unknown): Promise<Response> {
    return this.#transport(
      new Request(`${this.#baseUrl.replace(/\/$/, '')}/_conformance/v1${path}`, {
        method,
        // A redirecting hook (initiate-login, idp-initiated-login) answers with where the browser goes: read, never followed.
        redirect: 'manual',
        headers: {
          authorization: `Bearer ${await this.#token()}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  }
}

/** The `rejected` list of a 400 from the redirects hook; undefined when the body is not that shape. */
function parseRejected(text: string): RejectedRedirect[] | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const rejected = (body as { rejected?: unknown } | null)?.rejected;
  if (!Array.isArray(rejected)) return undefined;
  return rejected.map((entry) => {
    const { uri, rules } = (entry ?? {}) as { uri?: unknown; rules?: unknown };
    return {
      uri: typeof uri === 'string' ? uri : '',
      rules: Array.isArray(rules) ? rules.filter((r): r is string => typeof r === 'string') : [],
    };
  });
}
