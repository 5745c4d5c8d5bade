import type { HttpHandler } from 'msw';
import type { components } from '../../../generated/openapi.js';
import { badRequest, notFound, route } from '../route.js';
import type { MockState } from '../state.js';
import { organizationDomains } from './domains.js';
import { type Organization, onOrganizationDeleted, organizationStore, requireOrganization } from './organizations.js';

type Connection = components['schemas']['connectionsConnection'];
type ListedConnection = components['schemas']['connectionsListConnection'];

/** What the mock keeps; domains and URLs are derived when the connection is shown. */
export interface StoredConnection {
  id: string;
  organizationId: string;
  type: NonNullable<Connection['type']>;
  provider: NonNullable<Connection['provider']>;
  providerKey: string;
  status: NonNullable<Connection['status']>;
  enabled: boolean;
}

const connectionsByOrganization = (state: MockState) =>
  state.slice('connections', () => new Map<string, StoredConnection[]>());

// States whose organization-deletion listener is registered; the handlers may be built more than once for a state.
const wired = new WeakSet<MockState>();

/**
 * An organization's SSO connections. Connections cannot be created through the API, so each organization gets
 * one configured OIDC connection the first time its connections are touched.
 */
export function organizationConnections(state: MockState, organizationId: string): StoredConnection[] {
  const store = connectionsByOrganization(state);
  let list = store.get(organizationId);
  if (!list) {
    list = [
      {
        id: state.id('conn_'),
        organizationId,
        type: 'OIDC',
        provider: 'OKTA',
        providerKey: 'okta',
        status: 'COMPLETED',
        enabled: true,
      },
    ];
    store.set(organizationId, list);
  }
  return list;
}

function requireConnection(state: MockState, organizationId: string, id: string): StoredConnection {
  const found = organizationConnections(state, organizationId).find((c) => c.id === id);
  if (!found) throw notFound(`connection ${id}`);
  return found;
}

/** The SSO discovery domains a connection serves: its organization's ORGANIZATION_DOMAIN domains. */
const ssoDomains = (state: MockState, organizationId: string) =>
  organizationDomains(state, organizationId).filter((d) => d.domain_type === 'ORGANIZATION_DOMAIN');

function listView(state: MockState, stored: StoredConnection, organization: Readonly<Organization>): ListedConnection {
  return {
    id: stored.id,
    key_id: stored.id,
    organization_id: stored.organizationId,
    ...(organization.display_name !== undefined ? { organization_name: organization.display_name } : {}),
    type: stored.type,
    provider: stored.provider,
    provider_key: stored.providerKey,
    status: stored.status,
    enabled: stored.enabled,
    domains: ssoDomains(state, stored.organizationId).flatMap((d) => d.domain ?? []),
  };
}

function detailView(state: MockState, stored: StoredConnection, origin: string): Connection {
  const issuer = `https://${stored.providerKey}.idp.example.com/oauth2/default`;
  const callbackBase = `${origin}/sso/v1/oidc/${stored.id}`;
  return {
    id: stored.id,
    key_id: stored.id,
    organization_id: stored.organizationId,
    type: stored.type,
    provider: stored.provider,
    provider_key: stored.providerKey,
    status: stored.status,
    enabled: stored.enabled,
    debug_enabled: false,
    configuration_type: 'DISCOVERY',
    domains: ssoDomains(state, stored.organizationId),
    attribute_mapping: { email: 'email', given_name: 'given_name', family_name: 'family_name' },
    test_connection_uri: `${origin}/sso/v1/connections/${stored.id}/test`,
    oidc_config: {
      issuer,
      discovery_endpoint: `${issuer}/.well-known/openid-configuration`,
      authorize_uri: `${issuer}/v1/authorize`,
      token_uri: `${issuer}/v1/token`,
      user_info_uri: `${issuer}/v1/userinfo`,
      jwks_uri: `${issuer}/v1/keys`,
      client_id: `${stored.providerKey}_client_${stored.id.slice(-6)}`,
      scopes: ['openid', 'profile', 'email'],
      token_auth_type: 'URL_PARAMS',
      redirect_uri: `${callbackBase}/callback`,
      post_logout_redirect_uri: `${callbackBase}/logout/callback`,
      backchannel_logout_redirect_uri: `${callbackBase}/backchannel-logout`,
      pkce_enabled: true,
      idp_logout_required: false,
      sync_user_profile_on_login: false,
      jit_provisioning_with_sso_enabled: false,
    },
  };
}

/** ConnectionEventData for the SSO webhooks. */
function eventData(stored: StoredConnection): Record<string, unknown> {
  return {
    id: stored.id,
    organization_id: stored.organizationId,
    connection_type: stored.type,
    provider: stored.provider,
    enabled: stored.enabled,
    status: stored.status,
  };
}

/** SSO connections: environment-wide list, and per organization read, delete, enable and disable. */
export function connectionHandlers(state: MockState): HttpHandler[] {
  if (!wired.has(state)) {
    wired.add(state);
    // A deleted organization's connections go with it.
    onOrganizationDeleted(state, (organizationId) => connectionsByOrganization(state).delete(organizationId));
  }
  const toggle = (enable: boolean) => (args: { params: Record<string, string> }) => {
    const organizationId = requireOrganization(state, args.params.organization_id ?? '').id as string;
    // Seeded fault: the colon segment read as part of the ID, as a router with `:param` syntax would (OAS-007).
    if (state.has('contract.colon-segment-in-id')) {
      throw notFound(`connection ${args.params.id}:${enable ? 'enable' : 'disable'}`);
    }
    const stored = requireConnection(state, organizationId, args.params.id ?? '');
    if (stored.enabled === enable) {
      return { enabled: enable, error_message: `The connection is already ${enable ? 'enabled' : 'disabled'}` };
    }
    stored.enabled = enable;
    state.emit(
      enable ? 'organization.sso_enabled' : 'organization.sso_disabled',
      'Connection',
      eventData(stored),
      organizationId,
    );
    return { enabled: enable };
  };

  return [
    route(state, 'get', '/api/v1/connections', ({ query }) => {
      const include = query.get('include') ?? '';
      if (include !== '' && include !== 'all') throw badRequest("include must be 'all' or absent");
      const organizationId = query.get('organization_id') || undefined;
      const domain = query.get('domain')?.trim().toLowerCase() || undefined;
      // Every organization in the environment, in creation order, its connection seeded on first listing. A filter
      // naming an unknown organization matches nothing.
      const connections = organizationStore(state)
        .filter((organization) => !organizationId || organization.id === organizationId)
        .flatMap((organization) =>
          organizationConnections(state, organization.id ?? '').map((c) => listView(state, c, organization)),
        )
        .filter((c) => include === 'all' || (c.enabled && c.status === 'COMPLETED'))
        .filter((c) => !domain || (c.domains ?? []).includes(domain));
      return { status: 200, body: { connections } };
    }),

    route(state, 'get', '/api/v1/organizations/{organization_id}/connections/{id}', ({ params, request }) => {
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      const stored = requireConnection(state, organizationId, params.id ?? '');
      return { status: 200, body: { connection: detailView(state, stored, new URL(request.url).origin) } };
    }),

    route(state, 'delete', '/api/v1/organizations/{organization_id}/connections/{id}', ({ params }) => {
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      const stored = requireConnection(state, organizationId, params.id ?? '');
      const list = organizationConnections(state, organizationId);
      list.splice(list.indexOf(stored), 1);
      state.emit('organization.sso_deleted', 'Connection', eventData(stored), organizationId);
      return { status: 200, body: {} };
    }),

    route(state, 'patch', '/api/v1/organizations/{organization_id}/connections/{id}:enable', (args) => ({
      status: 200,
      body: toggle(true)(args),
    })),

    route(state, 'patch', '/api/v1/organizations/{organization_id}/connections/{id}:disable', (args) => ({
      status: 200,
      body: toggle(false)(args),
    })),
  ];
}
