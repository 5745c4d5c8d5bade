import { fullFormats } from 'ajv-formats/dist/formats.js';
import { type HttpHandler, HttpResponse, http } from 'msw';
import type { components } from '../../../generated/openapi.js';
import { type Listing, paginate } from '../pagination.js';
import { authenticateHeader, errorInfo, unauthenticated } from '../responses.js';
import { badRequest, conflict, MockError, notFound, pathMatcher, route } from '../route.js';
import type { MockState } from '../state.js';

export type Organization = components['schemas']['organizationsOrganization'];
type SessionPolicy = components['schemas']['organizationsOrganizationSessionPolicySettings'];
type UserManagementSettings = components['schemas']['organizationsOrganizationUserManagementSettings'];
type Feature = components['schemas']['organizationsOrganizationSettingsFeature'];

interface OrganizationRecord {
  organization: Organization;
  sessionPolicy: SessionPolicy;
  userManagement: UserManagementSettings;
}

// ---- request reading, shared by the user, role and permission modules ----

/** A request body as a plain record, so every field is checked at run time before it is trusted. */
export type Fields = Record<string, unknown>;

export const fieldsOf = (body: unknown): Fields =>
  body && typeof body === 'object' && !Array.isArray(body) ? (body as Fields) : {};

// Proto3 JSON reads null as "not set", so null and absent mean the same here.
export function optionalString(fields: Fields, key: string): string | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${key} must be a string`);
  return value;
}

export function optionalBoolean(fields: Fields, key: string): boolean | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw badRequest(`${key} must be a boolean`);
  return value;
}

export function optionalStringArray(fields: Fields, key: string): string[] | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw badRequest(`${key} must be an array of strings`);
  }
  return value as string[];
}

/** A query flag such as send_invitation_email; absent gives the documented default. */
export function queryBoolean(query: URLSearchParams, key: string, fallback: boolean): boolean {
  const value = query.get(key);
  if (value === null || value === '') return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw badRequest(`${key} must be true or false`);
}

/** Metadata: string values; keys 3-25 and values 1-256 characters, at most 10 pairs (the documented limits). */
export function optionalMetadata(
  fields: Fields,
  key = 'metadata',
  checkLimits = true,
): Record<string, string> | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${key} must be an object of strings`);
  const entries = Object.entries(value);
  if (!checkLimits) return Object.fromEntries(entries.map(([name, item]) => [name, String(item)]));
  if (entries.length > 10) throw badRequest(`${key} allows at most 10 pairs, got ${entries.length}`);
  for (const [name, item] of entries) {
    if (name.length < 3 || name.length > 25) throw badRequest(`${key} key "${name}" must be 3-25 characters`);
    if (typeof item !== 'string' || item.length < 1 || item.length > 256) {
      throw badRequest(`${key} value of "${name}" must be a string of 1-256 characters`);
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

// ---- organization rules ----

const slugPattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const knownFeatures = new Set(['sso', 'dir_sync', 'domain_verification', 'session_policy']);
const timeUnits = new Set(['MINUTES', 'HOURS', 'DAYS']);
const portalFeatures = new Set(['dir_sync', 'sso']);
const portalLinkLifetimeMs = 60_000;

function checkDisplayName(value: string): string {
  if (value.length < 1 || value.length > 200) throw badRequest('display_name must be 1-200 characters');
  return value;
}

function checkSlug(state: MockState, value: string): string {
  if (state.has('organizations.slug-pattern-unchecked')) return value;
  // The fault's pattern is one label: the repeated `.label` part is missing.
  const oneLabelOnly = state.has('organizations.host-name-slug-refused') && value.includes('.');
  if (value.length > 253 || !slugPattern.test(value) || oneLabelOnly) {
    throw badRequest('slug must be lowercase DNS labels (a-z, 0-9, hyphens, dots) of 1-253 characters');
  }
  return value;
}

/** An organisation's metadata; the `metadata-key-24` fault refuses the longest key the limits allow. */
function organizationMetadata(
  state: MockState,
  fields: Fields,
  checkLimits = true,
): Record<string, string> | undefined {
  const metadata = optionalMetadata(fields, 'metadata', checkLimits);
  const longest = Object.keys(metadata ?? {}).find((name) => name.length === 25);
  if (longest !== undefined && state.has('organizations.metadata-key-24')) {
    throw badRequest(`metadata key "${longest}" must be 3-24 characters`);
  }
  return metadata;
}

/** ajv-formats' own `uri` check (a function; its declared type is the union of every format's). */
const isUri = fullFormats.uri as (value: string) => boolean;

function checkLogoUrl(state: MockState, value: string): string {
  // The contract faults: a malformed logo_url crashes the server (OAS-009), or is accepted (OAS-014).
  if (!value.startsWith('https://') && state.has('contract.logo-url-500')) throw new Error('logo fetch failed');
  if (!value.startsWith('https://') && state.has('contract.logo-url-accepted')) return value;
  // The spec's `format: uri` as its validator reads it (RFC 3986): stricter than WHATWG's URL, which takes `%]`.
  const valid = value.length <= 1024 && value.startsWith('https://') && isUri(value);
  if (!valid) throw badRequest('logo_url must be an https URL of at most 1024 characters');
  return value;
}

// ---- store and accessors ----

const store = (state: MockState) => state.slice('organizations', () => new Map<string, OrganizationRecord>());

type OrganizationDeletedListener = (organizationId: string) => void;
// Listeners are wiring, not data: they live outside the slices so `reset` keeps them.
const deletionListeners = new WeakMap<MockState, OrganizationDeletedListener[]>();

/** Lets the modules that hang data off an organization (memberships, organization roles) drop it with it. */
export function onOrganizationDeleted(state: MockState, listener: OrganizationDeletedListener): void {
  const listeners = deletionListeners.get(state) ?? [];
  listeners.push(listener);
  deletionListeners.set(state, listeners);
}

/** Every organization, in creation order. */
export function organizationStore(state: MockState): readonly Readonly<Organization>[] {
  return [...store(state).values()].map((record) => record.organization);
}

export function findOrganization(state: MockState, id: string): Readonly<Organization> | undefined {
  return store(state).get(id)?.organization;
}

export function requireOrganization(state: MockState, id: string): Readonly<Organization> {
  const organization = findOrganization(state, id);
  if (!organization) throw notFound(`organization ${id}`);
  return organization;
}

/** The user limit set through the user-management settings, if any. */
export function organizationUserLimit(state: MockState, id: string): number | undefined {
  return store(state).get(id)?.userManagement.max_allowed_users;
}

/** Deleted organizations the `contract.deleted-still-listed` fault keeps showing in the list. */
const ghosts = (state: MockState) => state.slice('contract.ghost-organizations', () => [] as Organization[]);

/**
 * The unfiltered list (every organization in creation order, then the ghosts) as `paginate` reads it: a page costs
 * the organizations before it and its own, not a copy of the whole store.
 */
function listing(state: MockState): Listing<Readonly<Organization>> {
  const records = store(state);
  const ghostList = ghosts(state);
  return {
    length: records.size + ghostList.length,
    slice(start, end) {
      const page: Readonly<Organization>[] = [];
      let index = 0;
      for (const { organization } of records.values()) {
        if (index >= end) return page;
        if (index >= start) page.push(organization);
        index += 1;
      }
      return page.concat(ghostList.slice(Math.max(0, start - index), Math.max(0, end - index)));
    },
  };
}

function requireRecord(state: MockState, id: string): OrganizationRecord {
  const record = store(state).get(id);
  if (!record) throw notFound(`organization ${id}`);
  return record;
}

/** A deep copy of JSON data, as `structuredClone` makes it of the plain objects the store holds, a tenth of its cost. */
function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  if (value === null || typeof value !== 'object') return value;
  const copied: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copied[key] = cloneJson((value as Record<string, unknown>)[key]);
  return copied as T;
}

const copy = (organization: Organization): Organization => cloneJson(organization);

/** OrganizationEventData: the organization as webhook events carry it. */
export function organizationEventData(organization: Readonly<Organization>): Record<string, unknown> {
  return {
    id: organization.id,
    display_name: organization.display_name,
    ...(organization.external_id ? { external_id: organization.external_id } : {}),
    region_code: organization.region_code,
    create_time: organization.create_time,
    update_time: organization.update_time,
    metadata: { ...organization.metadata },
    settings: structuredClone(organization.settings ?? {}),
  };
}

function emitOrganization(state: MockState, type: string, organization: Organization, extra = {}): void {
  const data = { ...organizationEventData(organization), ...extra };
  state.emit(type, 'Organization', data, organization.id);
}

function ensureUnique(state: MockState, self: string | undefined, field: 'slug' | 'external_id', value: string) {
  if (field === 'slug' && state.has('organizations.duplicate-slug')) return;
  for (const { organization } of store(state).values()) {
    if (organization.id !== self && organization[field] === value) {
      throw conflict(`an organization with ${field} "${value}" already exists`);
    }
  }
}

function readFeatures(fields: Fields): Feature[] {
  const raw = fields.features;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw badRequest('features must be an array');
  return raw.map((item, index) => {
    const feature = fieldsOf(item);
    const name = optionalString(feature, 'name');
    const enabled = optionalBoolean(feature, 'enabled');
    if (!name || !knownFeatures.has(name)) {
      throw badRequest(`features[${index}].name must be one of ${[...knownFeatures].join(', ')}`);
    }
    if (enabled === undefined) throw badRequest(`features[${index}].enabled is required`);
    return { name, enabled };
  });
}

function readTimeout(fields: Fields, key: string): number | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 2_147_483_647) {
    throw badRequest(`${key} must be a positive integer`);
  }
  return value;
}

function readUnit(fields: Fields, key: string): SessionPolicy['absolute_session_timeout_unit'] {
  const value = optionalString(fields, key) ?? 'MINUTES';
  if (!timeUnits.has(value)) throw badRequest(`${key} must be one of MINUTES, HOURS, DAYS`);
  return value as SessionPolicy['absolute_session_timeout_unit'];
}

function readSessionPolicy(fields: Fields): SessionPolicy {
  const source = optionalString(fields, 'policy_source');
  if (source === 'APPLICATION') return { policy_source: 'APPLICATION' };
  if (source !== 'CUSTOM') throw badRequest('policy_source must be APPLICATION or CUSTOM');
  const absolute = readTimeout(fields, 'absolute_session_timeout');
  if (absolute === undefined) throw badRequest('absolute_session_timeout is required for a CUSTOM policy');
  const idleEnabled = optionalBoolean(fields, 'idle_session_timeout_enabled') ?? false;
  const idle = readTimeout(fields, 'idle_session_timeout');
  if (idleEnabled && idle === undefined) {
    throw badRequest('idle_session_timeout is required when idle_session_timeout_enabled is true');
  }
  return {
    policy_source: 'CUSTOM',
    absolute_session_timeout: absolute,
    absolute_session_timeout_unit: readUnit(fields, 'absolute_session_timeout_unit'),
    idle_session_timeout_enabled: idleEnabled,
    ...(idleEnabled
      ? { idle_session_timeout: idle, idle_session_timeout_unit: readUnit(fields, 'idle_session_timeout_unit') }
      : {}),
  };
}

function deleteOrganization(state: MockState, id: string): void {
  const { organization } = requireRecord(state, id);
  store(state).delete(id);
  for (const listener of deletionListeners.get(state) ?? []) listener(id);
  const now = state.nowIso();
  emitOrganization(state, 'organization.deleted', { ...organization, update_time: now }, { deleted_at: now });
}

// ---- handlers ----

/**
 * `GET /api/v1/organizations:search`, which the Node SDK's `searchOrganization` calls (its `google.api.http`
 * annotation) and the pinned spec does not declare: hence a plain msw handler, not a `route` typed by the spec.
 * As the SDK's descriptor documents it, `query` matches the organization's name, ID or external ID (here: a
 * case-insensitive substring), paginated like the list; the answer is SearchOrganizationsResponse.
 */
function searchOrganizationsHandler(state: MockState): HttpHandler {
  return http.get(pathMatcher('/api/v1/organizations:search', false), ({ request }) => {
    if (!authenticateHeader(request.headers.get('authorization'), state)) return unauthenticated();
    const query = new URL(request.url).searchParams;
    try {
      const needle = (query.get('query') ?? '').trim().toLowerCase();
      if (needle === '') throw badRequest('query is required');
      const matches = organizationStore(state).filter((o) =>
        [o.display_name, o.id, o.external_id].some((field) => field?.toLowerCase().includes(needle)),
      );
      const page = paginate(matches, query);
      return HttpResponse.json({
        organizations: page.items.map(copy),
        next_page_token: page.next_page_token,
        prev_page_token: page.prev_page_token,
        total_size: page.total_size,
      });
    } catch (error) {
      if (error instanceof MockError) return errorInfo(error.status, error.code, error.message);
      throw error;
    }
  });
}

export function organizationHandlers(state: MockState): HttpHandler[] {
  return [
    // OAS-017: PUT is not declared on the organization list; the fault answers it 200 anyway. Without the fault
    // the handler returns nothing and the request falls through to the mock's 404/405.
    http.put(pathMatcher('/api/v1/organizations'), () =>
      state.has('contract.undeclared-method-200') ? HttpResponse.json({}) : undefined,
    ),
    searchOrganizationsHandler(state),
    route(state, 'get', '/api/v1/organizations', ({ query }) => {
      // Seeded fault: a tighter limit than the documented 10-100 (OAS-003).
      if (state.has('contract.page-size-over-50-refused') && Number(query.get('page_size')) > 50) {
        throw badRequest('page_size must be at most 50');
      }
      const externalId = query.get('external_id');
      const page = paginate(
        externalId
          ? [...organizationStore(state), ...ghosts(state)].filter((o) => o.external_id === externalId)
          : listing(state),
        query,
      );
      const body = {
        organizations: page.items.map(copy),
        next_page_token: page.next_page_token,
        prev_page_token: page.prev_page_token,
        // The fault leaves out total_size (OAS-002).
        ...(state.has('contract.list-without-total-size') ? {} : { total_size: page.total_size }),
      };
      if (state.has('contract.text-plain-list')) {
        return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'text/plain' } });
      }
      return { status: 200, body };
    }),

    route(state, 'post', '/api/v1/organizations', ({ body }) => {
      const fields = fieldsOf(body);
      const displayName = optionalString(fields, 'display_name');
      if (displayName === undefined) throw badRequest('display_name is required');
      const externalId = optionalString(fields, 'external_id');
      const logoUrl = optionalString(fields, 'logo_url');
      const slug = optionalString(fields, 'slug');
      const organization: Organization = {
        id: state.id('org_'),
        display_name: checkDisplayName(displayName),
        create_time: state.nowIso(),
        update_time: state.nowIso(),
        region_code: 'US',
        metadata: organizationMetadata(state, fields) ?? {},
        settings: {
          features: [
            { name: 'sso', enabled: false },
            { name: 'dir_sync', enabled: false },
          ],
        },
      };
      if (externalId) {
        ensureUnique(state, undefined, 'external_id', externalId);
        organization.external_id = externalId;
      }
      if (logoUrl !== undefined) organization.logo_url = checkLogoUrl(state, logoUrl);
      if (slug !== undefined) {
        ensureUnique(state, undefined, 'slug', checkSlug(state, slug));
        organization.slug = slug;
      }
      store(state).set(organization.id as string, {
        organization,
        sessionPolicy: { policy_source: 'APPLICATION' },
        userManagement: {},
      });
      emitOrganization(state, 'organization.created', organization);
      return { status: 201, body: { organization: copy(organization) } };
    }),

    route(state, 'get', '/api/v1/organizations/{id}', ({ params }) => {
      const organization = copy(requireRecord(state, params.id ?? '').organization);
      // The fault leaves out create_time, the one property the spec's organization requires (OAS-013).
      if (state.has('contract.organization-without-create-time')) {
        const { create_time: _, ...rest } = organization;
        return new Response(JSON.stringify({ organization: rest }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      }
      return { status: 200, body: { organization } };
    }),

    route(state, 'get', '/api/v1/organizations:external/{external_id}', ({ params, query }) => {
      // The id and external_id are a proto oneof: id wins and the lookup then lacks its external ID.
      if (query.get('id')) throw badRequest('ExternalId is required; pass only external_id in the path');
      const externalId = params.external_id ?? '';
      if (externalId === '') throw badRequest('ExternalId is required');
      const found = organizationStore(state).find((o) => o.external_id === externalId);
      if (!found) throw notFound(`organization with external_id ${externalId}`);
      return { status: 200, body: { organization: copy(found) } };
    }),

    route(state, 'patch', '/api/v1/organizations/{id}', ({ params, body }) => {
      const record = requireRecord(state, params.id ?? '');
      const fields = fieldsOf(body);
      const next = copy(record.organization);
      const displayName = optionalString(fields, 'display_name');
      if (displayName !== undefined) next.display_name = checkDisplayName(displayName);
      const externalId = optionalString(fields, 'external_id');
      if (externalId === '') delete next.external_id;
      else if (externalId !== undefined) {
        ensureUnique(state, next.id, 'external_id', externalId);
        next.external_id = externalId;
      }
      const logoUrl = optionalString(fields, 'logo_url');
      if (logoUrl === '') delete next.logo_url;
      else if (logoUrl !== undefined) next.logo_url = checkLogoUrl(state, logoUrl);
      const metadata = organizationMetadata(state, fields, !state.has('organizations.metadata-unchecked'));
      if (metadata !== undefined) next.metadata = metadata;
      // An empty slug clears it (the update pattern is ^$|...).
      const slug = optionalString(fields, 'slug');
      if (slug === '') {
        if (!state.has('organizations.slug-not-cleared')) delete next.slug;
      } else if (slug !== undefined) {
        // The fault writes the slug through to the stored organization before it is checked.
        if (state.has('organizations.refused-slug-stored')) record.organization.slug = slug;
        ensureUnique(state, next.id, 'slug', checkSlug(state, slug));
        next.slug = slug;
      }
      next.update_time = state.nowIso();
      record.organization = next;
      emitOrganization(state, 'organization.updated', next);
      return { status: 200, body: { organization: copy(next) } };
    }),

    route(state, 'delete', '/api/v1/organizations/{id}', ({ params }) => {
      // The fault keeps a copy that the list still shows after the delete (OAS-018).
      if (state.has('contract.deleted-still-listed')) {
        const organization = requireRecord(state, params.id ?? '').organization;
        ghosts(state).push(copy(organization));
      }
      deleteOrganization(state, params.id ?? '');
      return { status: 200, body: {} };
    }),

    route(state, 'put', '/api/v1/organizations/{id}/portal_links', ({ params, query, request }) => {
      requireOrganization(state, params.id ?? '');
      const features = query.getAll('features');
      const unknown = features.find((f) => !portalFeatures.has(f));
      if (unknown !== undefined) throw badRequest(`features value "${unknown}" is not one of dir_sync, sso`);
      const id = state.id('lnk_');
      const location = new URL(`/portal/${id}`, new URL(request.url).origin);
      for (const feature of features) location.searchParams.append('features', feature);
      return {
        status: 200,
        body: {
          link: {
            id,
            location: location.toString(),
            expire_time: new Date(state.clock.now() + portalLinkLifetimeMs).toISOString(),
          },
        },
      };
    }),

    route(state, 'patch', '/api/v1/organizations/{id}/settings', ({ params, body }) => {
      const record = requireRecord(state, params.id ?? '');
      const updates = readFeatures(fieldsOf(body));
      const next = copy(record.organization);
      const features = [...(next.settings?.features ?? [])];
      for (const update of updates) {
        const index = features.findIndex((f) => f.name === update.name);
        if (index === -1) features.push(update);
        else features[index] = update;
      }
      next.settings = { features };
      next.update_time = state.nowIso();
      record.organization = next;
      emitOrganization(state, 'organization.updated', next);
      return { status: 200, body: { organization: copy(next) } };
    }),

    route(state, 'get', '/api/v1/organizations/{organization_id}/session-policy', ({ params }) => ({
      status: 200,
      body: { policy: { ...requireRecord(state, params.organization_id ?? '').sessionPolicy } },
    })),

    route(state, 'patch', '/api/v1/organizations/{organization_id}/session-policy', ({ params, body }) => {
      const record = requireRecord(state, params.organization_id ?? '');
      record.sessionPolicy = readSessionPolicy(fieldsOf(body));
      return { status: 200, body: { policy: { ...record.sessionPolicy } } };
    }),

    route(state, 'patch', '/api/v1/organizations/{organization_id}/settings/usermanagement', ({ params, body }) => {
      const record = requireRecord(state, params.organization_id ?? '');
      const settings = fieldsOf(fieldsOf(body).settings);
      const max = settings.max_allowed_users;
      if (max !== undefined && max !== null) {
        if (typeof max !== 'number' || !Number.isInteger(max) || max < 0 || max > 2_147_483_647) {
          throw badRequest('settings.max_allowed_users must be a non-negative integer');
        }
        record.userManagement = { ...record.userManagement, max_allowed_users: max };
      }
      return { status: 200, body: { settings: { ...record.userManagement } } };
    }),
  ];
}
