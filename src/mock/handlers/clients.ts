import { type HttpHandler, HttpResponse, http } from 'msw';
import type { components } from '../../../generated/openapi.js';
import { paginate } from '../pagination.js';
import { authenticateHeader, unauthenticated } from '../responses.js';
import { badRequest, notFound, pathMatcher, route } from '../route.js';
import type { MockState } from '../state.js';
import { onOrganizationDeleted, requireOrganization } from './organizations.js';

type M2MClient = components['schemas']['clientsM2MClient'];
type ClientSecret = components['schemas']['clientsClientSecret'];
type ClientInput = components['schemas']['clientsOrganizationClient'];

interface StoredSecret {
  view: ClientSecret;
  /** Kept so a token endpoint can later check org-client credentials; never returned after creation. */
  plain: string;
}

interface StoredClient {
  client: Omit<M2MClient, 'secrets'>;
  secrets: StoredSecret[];
}

const maxActiveSecrets = 2;
const defaultExpirySeconds = '3600';

const clients = (state: MockState) => state.slice('clients', () => new Map<string, StoredClient>());

// States whose organization-deletion listener is registered; the handlers may be built more than once for a state.
const wired = new WeakSet<MockState>();

function requireClient(state: MockState, organizationId: string, clientId: string): StoredClient {
  const stored = clients(state).get(clientId);
  if (!stored || stored.client.organization_id !== organizationId) throw notFound(`client ${clientId}`);
  return stored;
}

/** The client as the API shows it after creation: secrets without their values. */
function view(state: MockState, stored: StoredClient): M2MClient {
  const client: M2MClient = {
    ...stored.client,
    // Seeded fault: the plain value shown again after creation (TOK-010).
    secrets: state.has('clients.plain-secret-on-get')
      ? stored.secrets.map(({ view, plain }) => ({ ...view, plain_secret: plain }))
      : stored.secrets.map(({ view: { plain_secret: _hidden, ...rest } }) => rest),
  };
  // Seeded fault: redirect_uris as one joined string instead of an array of strings (RDR-020).
  if (state.has('clients.redirect-uris-not-array')) {
    return { ...client, redirect_uris: (client.redirect_uris ?? []).join(',') as unknown as string[] };
  }
  return client;
}

function newSecret(state: MockState): StoredSecret {
  const plain = state.secret(40);
  const now = state.nowIso();
  // No `status`: the live state is the proto zero value (ACTIVE), which the spec's enum omits (C-31).
  return {
    plain,
    view: { id: state.id('sec_'), create_time: now, update_time: now, secret_suffix: plain.slice(-4) },
  };
}

function stringList(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw badRequest(`${name} must be an array of strings`);
  }
  return value as string[];
}

/** Validates the writable fields present in a create or update body; absent fields stay undefined. */
function parseClientInput(body: ClientInput, requireName: boolean): Partial<M2MClient> {
  const input = body as Record<string, unknown>;
  const fields: Partial<M2MClient> = {};
  if (input.name !== undefined || requireName) {
    if (typeof input.name !== 'string' || input.name.trim().length < 1 || input.name.length > 128) {
      throw badRequest('name must be a string of 1 to 128 characters');
    }
    fields.name = input.name;
  }
  if (input.description !== undefined) {
    if (typeof input.description !== 'string') throw badRequest('description must be a string');
    fields.description = input.description;
  }
  if (input.expiry !== undefined) {
    // int64 in proto JSON: a decimal string, though clients often send a number.
    const text = typeof input.expiry === 'number' ? String(input.expiry) : input.expiry;
    if (typeof text !== 'string' || !/^\d{1,10}$/.test(text)) throw badRequest('expiry must be a number of seconds');
    fields.expiry = String(Number(text));
  }
  if (input.scopes !== undefined) fields.scopes = stringList(input.scopes, 'scopes');
  if (input.audience !== undefined) fields.audience = stringList(input.audience, 'audience');
  if (input.custom_claims !== undefined) {
    const claims = input.custom_claims;
    if (!Array.isArray(claims)) throw badRequest('custom_claims must be an array');
    fields.custom_claims = claims.map((claim: unknown, index) => {
      const { key, value } = (claim ?? {}) as Record<string, unknown>;
      if (typeof key !== 'string' || key.length < 1 || key.length > 128 || typeof value !== 'string') {
        throw badRequest(`custom_claims[${index}] needs a key of 1 to 128 characters and a string value`);
      }
      return { key, value };
    });
  }
  return fields;
}

/**
 * Checks a client secret against the stored organization clients, for a token endpoint that accepts them.
 * Returns the client's organization ID when the credentials are valid.
 */
export function organizationClientCredentials(state: MockState, clientId: string, secret: string): string | undefined {
  const stored = clients(state).get(clientId);
  if (!stored?.secrets.some((s) => s.plain === secret)) return undefined;
  return stored.client.organization_id;
}

/** Organization M2M clients and their secrets. */
export function clientHandlers(state: MockState): HttpHandler[] {
  if (!wired.has(state)) {
    wired.add(state);
    // A deleted organization's clients go with it, and their secrets with them.
    onOrganizationDeleted(state, (organizationId) => {
      const store = clients(state);
      for (const [id, stored] of [...store]) if (stored.client.organization_id === organizationId) store.delete(id);
    });
  }
  return [
    // Seeded fault: the environment's client list, which the SDK's ListClient reads and the spec does not declare,
    // is served (drift, OAS-017). Without the fault the request falls through to the mock's 404.
    http.get(pathMatcher('/api/v1/clients', false), ({ request }) => {
      if (!state.has('contract.sdk-read-served')) return undefined;
      if (!authenticateHeader(request.headers.get('authorization'), state)) return unauthenticated();
      return HttpResponse.json({ clients: [], next_page_token: '', prev_page_token: '', total_size: 0 });
    }),
    route(state, 'get', '/api/v1/organizations/{organization_id}/clients', ({ params, query }) => {
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      const sizeText = query.get('page_size');
      if (sizeText !== null && sizeText !== '' && sizeText !== '0') {
        const size = Number(sizeText);
        if (!Number.isInteger(size) || size < 10 || size > 100)
          throw badRequest('page_size must be between 10 and 100');
      }
      const owned = [...clients(state).values()].filter((c) => c.client.organization_id === organizationId);
      // Seeded fault: page_size ignored, every page the default 10 (TOK-010).
      const paging = new URLSearchParams(query);
      if (state.has('clients.page-size-ignored')) paging.delete('page_size');
      const page = paginate(
        owned.map((stored) => view(state, stored)),
        paging,
        { defaultSize: 10, maxSize: 100 },
      );
      return {
        status: 200,
        body: {
          clients: page.items,
          next_page_token: page.next_page_token,
          prev_page_token: page.prev_page_token,
          total_size: page.total_size,
        },
      };
    }),

    route(state, 'post', '/api/v1/organizations/{organization_id}/clients', ({ params, body }) => {
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      const fields = parseClientInput(body, true);
      const now = state.nowIso();
      const secret = newSecret(state);
      const stored: StoredClient = {
        client: {
          client_id: state.has('clients.id-unprefixed') ? state.id('') : state.id('m2morg_'),
          organization_id: organizationId,
          name: fields.name ?? '',
          description: fields.description ?? '',
          scopes: fields.scopes ?? [],
          audience: fields.audience ?? [],
          custom_claims: fields.custom_claims ?? [],
          redirect_uris: [],
          expiry: fields.expiry ?? defaultExpirySeconds,
          is_dcr: false,
          is_cimd: false,
          create_time: now,
          update_time: now,
        },
        secrets: [secret],
      };
      clients(state).set(stored.client.client_id ?? '', stored);
      const client = view(state, stored);
      // The plain value appears once, here, both at the top level and on the new secret.
      client.secrets = [{ ...secret.view, plain_secret: secret.plain }];
      return { status: 201, body: { client, plain_secret: secret.plain } };
    }),

    route(state, 'get', '/api/v1/organizations/{organization_id}/clients/{client_id}', ({ params }) => {
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      return {
        status: 200,
        body: { client: view(state, requireClient(state, organizationId, params.client_id ?? '')) },
      };
    }),

    route(state, 'patch', '/api/v1/organizations/{organization_id}/clients/{client_id}', ({ params, body }) => {
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      const stored = requireClient(state, organizationId, params.client_id ?? '');
      const fields = parseClientInput(body, false);
      stored.client = { ...stored.client, ...fields, update_time: state.nowIso() };
      return { status: 200, body: { client: view(state, stored) } };
    }),

    route(state, 'delete', '/api/v1/organizations/{organization_id}/clients/{client_id}', ({ params }) => {
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      const stored = requireClient(state, organizationId, params.client_id ?? '');
      clients(state).delete(stored.client.client_id ?? '');
      return { status: 200, body: {} };
    }),

    route(state, 'post', '/api/v1/organizations/{organization_id}/clients/{client_id}/secrets', ({ params }) => {
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      const stored = requireClient(state, organizationId, params.client_id ?? '');
      if (stored.secrets.length >= maxActiveSecrets) {
        throw badRequest(`a client can have at most ${maxActiveSecrets} active secrets; delete one first`);
      }
      const secret = newSecret(state);
      stored.secrets.push(secret);
      stored.client.update_time = state.nowIso();
      return {
        status: 201,
        body: { plain_secret: secret.plain, secret: { ...secret.view, plain_secret: secret.plain } },
      };
    }),

    route(
      state,
      'delete',
      '/api/v1/organizations/{organization_id}/clients/{client_id}/secrets/{secret_id}',
      ({ params }) => {
        const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
        const stored = requireClient(state, organizationId, params.client_id ?? '');
        const index = stored.secrets.findIndex((s) => s.view.id === params.secret_id);
        if (index < 0) throw notFound(`secret ${params.secret_id}`);
        stored.secrets.splice(index, 1);
        stored.client.update_time = state.nowIso();
        return { status: 200, body: {} };
      },
    ),
  ];
}
