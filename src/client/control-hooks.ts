import type { Transport } from './transport.js';

/** The optional control hooks of the target contract (RUNNING.md, part 2). */
export const hookNames = [
  'reset',
  'environment',
  'redirects',
  'login',
  'auth-requests',
  'email',
  'webhooks',
  'clock',
] as const;
export type HookName = (typeof hookNames)[number];

export interface SeededAuthRequest {
  status: string;
  email: string;
  timestamp: string;
  client_id?: string;
  auth_request_id?: string;
  organization_id?: string;
  connection_id?: string;
  resource_id?: string;
  workflow?: string;
}

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
  #advertised: Promise<ReadonlySet<HookName>> | undefined;

  constructor(baseUrl: string, transport: Transport, token: () => Promise<string>) {
    this.#baseUrl = baseUrl;
    this.#transport = transport;
    this.#token = token;
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

  async #request(method: string, path: string, body?: unknown): Promise<Response> {
    return this.#transport(
      new Request(`${this.#baseUrl.replace(/\/$/, '')}/_conformance/v1${path}`, {
        method,
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
