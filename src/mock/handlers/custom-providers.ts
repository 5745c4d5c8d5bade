import type { HttpHandler } from 'msw';
import type { components } from '../../../generated/openapi.js';
import { badRequest, notFound, route } from '../route.js';
import type { MockState } from '../state.js';
import { freeForm, isPlainObject, readString } from './connected-accounts.js';

type Provider = components['schemas']['providersProvider'];

interface StoredProvider {
  id: string;
  identifier: string;
  display_name: string;
  description: string;
  icon_src: string;
  auth_patterns: Record<string, unknown>[];
  metadata: Record<string, string>;
  proxy_enabled: boolean;
  proxy_url: string;
}

type ProviderFields = Partial<Omit<StoredProvider, 'id' | 'identifier'>>;

function providers(state: MockState): Map<string, StoredProvider> {
  return state.slice('custom-providers', () => new Map<string, StoredProvider>());
}

/** The custom providers of the environment, in creation order. */
export function customProviders(state: MockState): StoredProvider[] {
  return [...providers(state).values()];
}

function view(provider: StoredProvider): Provider {
  return {
    id: provider.id,
    identifier: provider.identifier,
    display_name: provider.display_name,
    description: provider.description,
    icon_src: provider.icon_src,
    auth_patterns: provider.auth_patterns.map(freeForm),
    metadata: provider.metadata,
    proxy_enabled: provider.proxy_enabled,
    proxy_url: provider.proxy_url,
    categories: [],
    coming_soon: false,
    display_priority: 0,
    is_custom: true,
    is_custom_mcp: false,
  };
}

/** The fields a create or update body sets, checked against the documented limits. */
function parseFields(input: Record<string, unknown>): ProviderFields {
  const fields: ProviderFields = {};
  for (const key of ['display_name', 'description', 'icon_src', 'proxy_url'] as const) {
    const value = readString(input, key);
    if (value !== undefined) fields[key] = value;
  }
  if (fields.display_name !== undefined && fields.display_name.trim() === '') {
    throw badRequest('display_name must not be empty');
  }
  if (fields.proxy_url && !/^https:\/\/[^\s/]+/.test(fields.proxy_url)) {
    throw badRequest('proxy_url must start with https://');
  }
  if (input.proxy_enabled !== undefined && input.proxy_enabled !== null) {
    if (typeof input.proxy_enabled !== 'boolean') throw badRequest('proxy_enabled must be a boolean');
    fields.proxy_enabled = input.proxy_enabled;
  }
  if (input.auth_patterns !== undefined && input.auth_patterns !== null) {
    if (!Array.isArray(input.auth_patterns) || !input.auth_patterns.every(isPlainObject)) {
      throw badRequest('auth_patterns must be an array of objects');
    }
    fields.auth_patterns = input.auth_patterns;
  }
  if (input.metadata !== undefined && input.metadata !== null) {
    fields.metadata = parseMetadata(input.metadata);
  }
  return fields;
}

function parseMetadata(raw: unknown): Record<string, string> {
  if (!isPlainObject(raw)) throw badRequest('metadata must be an object of strings');
  const entries = Object.entries(raw);
  if (entries.length > 20) throw badRequest('metadata takes at most 20 key-value pairs');
  for (const [key, value] of entries) {
    if (key.length < 3 || key.length > 25) throw badRequest(`metadata key ${key} must be 3-25 characters`);
    if (typeof value !== 'string' || value.length < 1 || value.length > 256) {
      throw badRequest(`metadata.${key} must be a string of 1-256 characters`);
    }
  }
  return raw as Record<string, string>;
}

/** The system-derived identifier: the display name in upper snake case, made unique with a numeric suffix. */
function deriveIdentifier(state: MockState, displayName: string): string {
  const base =
    displayName
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'CUSTOM';
  const taken = new Set(customProviders(state).map((p) => p.identifier));
  let identifier = base;
  for (let n = 2; taken.has(identifier); n++) identifier = `${base}_${n}`;
  return identifier;
}

function requireProvider(state: MockState, identifier: string): StoredProvider {
  const provider = providers(state).get(identifier);
  if (!provider) throw notFound(`custom provider ${identifier}`);
  return provider;
}

export function customProviderHandlers(state: MockState): HttpHandler[] {
  return [
    route(state, 'post', '/api/v1/custom-providers', ({ body }) => {
      const fields = parseFields(body as Record<string, unknown>);
      if (fields.display_name === undefined) throw badRequest('display_name is required');
      const provider: StoredProvider = {
        id: state.id('prv_'),
        identifier: deriveIdentifier(state, fields.display_name),
        display_name: fields.display_name,
        description: fields.description ?? '',
        icon_src: fields.icon_src ?? '',
        auth_patterns: fields.auth_patterns ?? [],
        metadata: fields.metadata ?? {},
        proxy_enabled: fields.proxy_enabled ?? false,
        proxy_url: fields.proxy_url ?? '',
      };
      if (provider.proxy_enabled && !provider.proxy_url) throw badRequest('proxy_enabled needs a proxy_url');
      providers(state).set(provider.identifier, provider);
      return { status: 201, body: { provider: view(provider) } };
    }),

    route(state, 'put', '/api/v1/custom-providers/{identifier}', ({ params, body }) => {
      const provider = requireProvider(state, params.identifier ?? '');
      const fields = parseFields(body as Record<string, unknown>);
      const updated = { ...provider, ...fields };
      if (updated.proxy_enabled && !updated.proxy_url) throw badRequest('proxy_enabled needs a proxy_url');
      // Only the fields given change; the identifier never does.
      Object.assign(provider, fields);
      return { status: 200, body: { provider: view(provider) } };
    }),

    route(state, 'delete', '/api/v1/custom-providers/{identifier}', ({ params }) => {
      const provider = requireProvider(state, params.identifier ?? '');
      providers(state).delete(provider.identifier);
      return { status: 200, body: {} };
    }),
  ];
}
