import { type HttpHandler, HttpResponse, http } from 'msw';
import type { components } from '../../../generated/openapi.js';
import { paginate } from '../pagination.js';
import { badRequest, conflict, MockError, notFound, route } from '../route.js';
import type { MockState } from '../state.js';

type ConnectedAccount = components['schemas']['connected_accountsConnectedAccount'];
type ConnectedAccountForList = components['schemas']['connected_accountsConnectedAccountForList'];
type AuthorizationDetails = components['schemas']['connected_accountsAuthorizationDetails'];
export type ConnectorStatus = components['schemas']['connected_accountsConnectorStatus'];
export type ConnectorType = components['schemas']['connected_accountsConnectorType'];

/** A connection (the spec's connector or connection name) that connected accounts hang off. */
export interface Connection {
  connection_id: string;
  connection_name: string;
  provider: string;
  authorization_type: ConnectorType;
}

export interface StoredConnectedAccount {
  id: string;
  connection: Connection;
  identifier: string;
  organization_id?: string;
  user_id?: string;
  authorization_type: ConnectorType;
  status: ConnectorStatus;
  authorization_details: AuthorizationDetails;
  api_config: Record<string, unknown>;
  token_expires_at?: string;
  last_used_at?: string;
  updated_at: string;
}

/** A magic link handed out and not yet followed. */
interface PendingLink {
  accountId: string;
  expiresAt: number;
  state?: string;
  userVerifyUrl?: string;
}

/** An OAuth flow that came back and waits for the B2B app to confirm the user (connected_accounts/user/verify). */
interface PendingVerification {
  accountId: string;
  identifier: string;
  oauthToken: NonNullable<AuthorizationDetails['oauth_token']>;
}

interface ConnectedAccountSlice {
  accounts: Map<string, StoredConnectedAccount>;
  connections: Map<string, Connection>;
  links: Map<string, PendingLink>;
  verifications: Map<string, PendingVerification>;
}

// The connections an environment of the mock has, so providers and authorization types look like real ones.
// Any other well-formed connection name is accepted too, with its provider derived from the name.
const knownConnections: Record<string, { provider: string; authorization_type: ConnectorType }> = {
  gmail: { provider: 'GMAIL', authorization_type: 'OAUTH' },
  googlecalendar: { provider: 'GOOGLECALENDAR', authorization_type: 'OAUTH' },
  slack: { provider: 'SLACK', authorization_type: 'OAUTH' },
  notion: { provider: 'NOTION', authorization_type: 'OAUTH' },
  github: { provider: 'GITHUB', authorization_type: 'OAUTH' },
  exa: { provider: 'EXA', authorization_type: 'API_KEY' },
};

const connectionNamePattern = /^[A-Za-z0-9 _:-]{1,100}$/;
const tokenLifetimeMs = 3_600_000;
const magicLinkLifetimeMs = 600_000;

function slice(state: MockState): ConnectedAccountSlice {
  return state.slice<ConnectedAccountSlice>('connected-accounts', () => ({
    accounts: new Map(),
    connections: new Map(),
    links: new Map(),
    verifications: new Map(),
  }));
}

const isoIn = (state: MockState, ms: number) => new Date(state.clock.now() + ms).toISOString();

// openapi-typescript types schema-less `type: object` as Record<string, never>; the values are free-form JSON.
export const freeForm = (value: Record<string, unknown>) => value as Record<string, never>;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readString(input: Record<string, unknown>, key: string, label = key): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${label} must be a string`);
  return value;
}

function readObject(input: Record<string, unknown>, key: string, label = key): Record<string, unknown> | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw badRequest(`${label} must be an object`);
  return value;
}

/** The connection with this name, made on first use (connections have no API of their own). */
export function resolveConnection(state: MockState, name: string): Connection {
  if (!connectionNamePattern.test(name)) {
    throw badRequest('connector may only contain letters, digits, spaces, hyphens, underscores and colons');
  }
  const { connections } = slice(state);
  let connection = connections.get(name);
  if (!connection) {
    const known = knownConnections[name.toLowerCase()];
    connection = {
      connection_id: state.id('conn_'),
      connection_name: name,
      provider: known?.provider ?? name.toUpperCase().replace(/[^A-Z0-9]+/g, '_'),
      authorization_type: known?.authorization_type ?? 'OAUTH',
    };
    connections.set(name, connection);
  }
  return connection;
}

/** Every connected account, in creation order. */
export function connectedAccounts(state: MockState): StoredConnectedAccount[] {
  return [...slice(state).accounts.values()];
}

export function requireConnectedAccount(state: MockState, id: string): StoredConnectedAccount {
  const account = slice(state).accounts.get(id);
  if (!account) throw notFound(`connected account ${id}`);
  return account;
}

/** How requests name one connected account: by id, or by connector and identifier, narrowed by org or user. */
export interface AccountLocator {
  id?: string | undefined;
  connector?: string | undefined;
  identifier?: string | undefined;
  organization_id?: string | undefined;
  user_id?: string | undefined;
}

function locatorFrom(read: (key: string) => string | undefined): AccountLocator {
  return {
    id: read('id') || undefined,
    connector: read('connector') || undefined,
    identifier: read('identifier') || undefined,
    organization_id: read('organization_id') || undefined,
    user_id: read('user_id') || undefined,
  };
}

const scopeMatches = (account: StoredConnectedAccount, locator: AccountLocator) =>
  (!locator.organization_id || account.organization_id === locator.organization_id) &&
  (!locator.user_id || account.user_id === locator.user_id);

/** The account a locator names, undefined when none; 400 when the locator names nothing. */
function lookUp(state: MockState, locator: AccountLocator): StoredConnectedAccount | undefined {
  if (locator.id) {
    const account = slice(state).accounts.get(locator.id);
    return account && scopeMatches(account, locator) ? account : undefined;
  }
  if (!locator.connector || !locator.identifier) {
    throw badRequest('name the connected account by id, or by connector and identifier');
  }
  const { connector, identifier } = locator;
  return connectedAccounts(state).find(
    (a) => a.connection.connection_name === connector && a.identifier === identifier && scopeMatches(a, locator),
  );
}

function locate(state: MockState, locator: AccountLocator): StoredConnectedAccount {
  const account = lookUp(state, locator);
  if (!account) throw notFound(`connected account ${locator.id ?? `${locator.connector}/${locator.identifier}`}`);
  return account;
}

// --- authorization details -------------------------------------------------------------------------------------

function parseStringArray(value: unknown, label: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw badRequest(`${label} must be an array of strings`);
  }
  return value as string[];
}

/** Request-side authorization details: one kind of credential, response-only fields dropped. */
function parseAuthorizationDetails(raw: unknown): AuthorizationDetails {
  if (!isPlainObject(raw)) throw badRequest('authorization_details must be an object');
  const label = 'authorization_details';
  const details: AuthorizationDetails = {};
  const oauth = readObject(raw, 'oauth_token', `${label}.oauth_token`);
  if (oauth) {
    const token: NonNullable<AuthorizationDetails['oauth_token']> = {};
    for (const key of ['access_token', 'refresh_token', 'domain'] as const) {
      const value = readString(oauth, key, `${label}.oauth_token.${key}`);
      if (value !== undefined) token[key] = value;
    }
    const scopes = parseStringArray(oauth.scopes, `${label}.oauth_token.scopes`);
    if (scopes) token.scopes = scopes;
    details.oauth_token = token;
  }
  const staticAuth = readObject(raw, 'static_auth', `${label}.static_auth`);
  if (staticAuth) {
    const inner = readObject(staticAuth, 'details', `${label}.static_auth.details`);
    details.static_auth = inner ? { details: freeForm(inner) } : {};
  }
  const dwd = readObject(raw, 'google_dwd', `${label}.google_dwd`);
  if (dwd) {
    const subject = readString(dwd, 'subject', `${label}.google_dwd.subject`);
    details.google_dwd = subject === undefined ? {} : { subject };
  }
  const idp = readObject(raw, 'trusted_idp', `${label}.trusted_idp`);
  if (idp) {
    const dbUser = readString(idp, 'db_user', `${label}.trusted_idp.db_user`);
    details.trusted_idp = dbUser === undefined ? {} : { db_user: dbUser };
  }
  if (Object.keys(details).length > 1) {
    throw badRequest(
      'authorization_details holds one kind of credential: oauth_token, static_auth, google_dwd or trusted_idp',
    );
  }
  return details;
}

/** Whether the stored credentials are enough to call the provider. */
function hasCredentials(details: AuthorizationDetails): boolean {
  return Boolean(
    details.oauth_token?.access_token ||
      (details.static_auth?.details && Object.keys(details.static_auth.details).length > 0) ||
      details.google_dwd?.subject ||
      details.trusted_idp?.db_user,
  );
}

function authorizationTypeOf(details: AuthorizationDetails, connection: Connection): ConnectorType {
  if (details.google_dwd) return 'GOOGLE_DWD';
  if (details.trusted_idp) return 'TRUSTED_IDP';
  if (details.oauth_token) return 'OAUTH';
  if (details.static_auth) return connection.authorization_type === 'OAUTH' ? 'API_KEY' : connection.authorization_type;
  return connection.authorization_type;
}

/** Applies credentials to an account: the fields the platform fills in (tokens it fetched, expiries) included. */
function applyCredentials(state: MockState, account: StoredConnectedAccount, details: AuthorizationDetails): void {
  const current = account.authorization_details;
  const merged: AuthorizationDetails = {};
  if (details.oauth_token) merged.oauth_token = { ...current.oauth_token, ...details.oauth_token };
  if (details.static_auth) merged.static_auth = { ...current.static_auth, ...details.static_auth };
  if (details.google_dwd) {
    merged.google_dwd = {
      ...details.google_dwd,
      access_token: `ya29.${state.secret(32)}`,
      scopes: ['openid', 'https://www.googleapis.com/auth/userinfo.email'],
      token_expires_at: isoIn(state, tokenLifetimeMs),
    };
  }
  if (details.trusted_idp) {
    // The secret key and session token are never returned, so they are not kept either.
    merged.trusted_idp = {
      ...details.trusted_idp,
      access_key_id: `ASIA${state.secret(16).toUpperCase()}`,
      expiry: isoIn(state, tokenLifetimeMs),
    };
  }
  account.authorization_details = merged;
  account.authorization_type = authorizationTypeOf(merged, account.connection);
  const expiring = merged.oauth_token?.access_token || merged.google_dwd || merged.trusted_idp;
  if (expiring) account.token_expires_at = isoIn(state, tokenLifetimeMs);
  else delete account.token_expires_at;
}

// --- views and events --------------------------------------------------------------------------------------------

function listView(account: StoredConnectedAccount): ConnectedAccountForList {
  return {
    id: account.id,
    connection_id: account.connection.connection_id,
    connector: account.connection.connection_name,
    provider: account.connection.provider,
    identifier: account.identifier,
    authorization_type: account.authorization_type,
    status: account.status,
    updated_at: account.updated_at,
    ...(account.token_expires_at ? { token_expires_at: account.token_expires_at } : {}),
    ...(account.last_used_at ? { last_used_at: account.last_used_at } : {}),
  };
}

/** The account without its credentials (the details operation). */
function detailsView(account: StoredConnectedAccount): ConnectedAccount {
  return { ...listView(account), api_config: freeForm(account.api_config) };
}

function fullView(account: StoredConnectedAccount): ConnectedAccount {
  return { ...detailsView(account), authorization_details: account.authorization_details };
}

function eventData(account: StoredConnectedAccount): Record<string, unknown> {
  return {
    id: account.id,
    identifier: account.identifier,
    connection_id: account.connection.connection_id,
    connection_name: account.connection.connection_name,
    provider: account.connection.provider,
    authorization_type: account.authorization_type,
    status: account.status,
    ...(account.token_expires_at ? { token_expires_at: account.token_expires_at } : {}),
    ...(account.last_used_at ? { last_used_at: account.last_used_at } : {}),
  };
}

// The connected-account events carry no organization_id in the spec's examples, so none is passed.
function emitAccountEvent(state: MockState, type: string, account: StoredConnectedAccount): void {
  state.emit(`connected_account.${type}`, 'ConnectedAccount', eventData(account));
}

function setStatus(state: MockState, account: StoredConnectedAccount, status: ConnectorStatus): void {
  if (account.status === status) return;
  const oldStatus = account.status;
  account.status = status;
  account.updated_at = state.nowIso();
  state.emit('connected_account.status_updated', 'ConnectedAccount', { ...eventData(account), old_status: oldStatus });
}

// --- shared operations -------------------------------------------------------------------------------------------

export interface NewConnectedAccount {
  connector: string;
  identifier: string;
  organization_id?: string | undefined;
  user_id?: string | undefined;
  authorization_details?: AuthorizationDetails | undefined;
  api_config?: Record<string, unknown> | undefined;
}

/** Creates a connected account (409 when the connection already has one for the identifier). */
export function createConnectedAccount(state: MockState, input: NewConnectedAccount): StoredConnectedAccount {
  const connection = resolveConnection(state, input.connector);
  if (input.identifier.trim() === '') throw badRequest('identifier must not be empty');
  const duplicate = connectedAccounts(state).some(
    (a) => a.connection.connection_id === connection.connection_id && a.identifier === input.identifier,
  );
  if (duplicate) throw conflict(`connector ${input.connector} already has a connected account for ${input.identifier}`);
  const account: StoredConnectedAccount = {
    id: state.id('ca_'),
    connection,
    identifier: input.identifier,
    ...(input.organization_id ? { organization_id: input.organization_id } : {}),
    ...(input.user_id ? { user_id: input.user_id } : {}),
    authorization_type: connection.authorization_type,
    status: 'PENDING_AUTH',
    authorization_details: {},
    api_config: input.api_config ?? {},
    updated_at: state.nowIso(),
  };
  if (input.authorization_details) applyCredentials(state, account, input.authorization_details);
  if (hasCredentials(account.authorization_details) || connection.authorization_type === 'NO_AUTH') {
    account.status = 'ACTIVE';
  }
  slice(state).accounts.set(account.id, account);
  emitAccountEvent(state, 'created', account);
  return account;
}

/** Records that a tool call used the account. */
export function touchConnectedAccount(state: MockState, account: StoredConnectedAccount): void {
  account.last_used_at = state.nowIso();
}

/** A fresh magic link for the account; following it (GET) stands in for the user completing the provider's OAuth. */
export function magicLinkFor(
  state: MockState,
  account: StoredConnectedAccount,
  origin: string,
  options: { state?: string | undefined; userVerifyUrl?: string | undefined } = {},
): { link: string; expiry: string } {
  const token = state.secret(32);
  const expiresAt = state.clock.now() + magicLinkLifetimeMs;
  slice(state).links.set(token, {
    accountId: account.id,
    expiresAt,
    ...(options.state !== undefined ? { state: options.state } : {}),
    ...(options.userVerifyUrl ? { userVerifyUrl: options.userVerifyUrl } : {}),
  });
  emitAccountEvent(state, 'magic_link_generated', account);
  return { link: `${origin}/connect/magic_link/${token}`, expiry: new Date(expiresAt).toISOString() };
}

/**
 * The user completing the provider's OAuth behind a magic link: the account gets tokens and turns ACTIVE, or,
 * when the link asked for user verification, waits in PENDING_VERIFICATION for connected_accounts/user/verify.
 * Returns where the browser is sent next, or undefined for an unknown or expired link.
 */
export function completeMagicLink(state: MockState, token: string, origin: string): string | undefined {
  const { links, accounts, verifications } = slice(state);
  const link = links.get(token);
  links.delete(token);
  const account = link && link.expiresAt > state.clock.now() ? accounts.get(link.accountId) : undefined;
  if (!link || !account) return undefined;
  const oauthToken = {
    access_token: `at_${state.secret(32)}`,
    refresh_token: `rt_${state.secret(32)}`,
    scopes: account.authorization_details.oauth_token?.scopes ?? [],
  };
  emitAccountEvent(state, 'oauth_succeeded', account);
  if (!link.userVerifyUrl) {
    grantTokens(state, account, oauthToken);
    return `${origin}/connect/success`;
  }
  const authRequestId = Buffer.from(state.id('', 20)).toString('base64url');
  verifications.set(authRequestId, { accountId: account.id, identifier: account.identifier, oauthToken });
  setStatus(state, account, 'PENDING_VERIFICATION');
  const next = new URL(link.userVerifyUrl);
  next.searchParams.set('auth_request_id', authRequestId);
  if (link.state !== undefined) next.searchParams.set('state', link.state);
  return next.toString();
}

function grantTokens(
  state: MockState,
  account: StoredConnectedAccount,
  oauthToken: NonNullable<AuthorizationDetails['oauth_token']>,
): void {
  applyCredentials(state, account, { oauth_token: oauthToken });
  account.updated_at = state.nowIso();
  emitAccountEvent(state, 'oauth_tokens_fetched', account);
  setStatus(state, account, 'ACTIVE');
}

/** Fetching or using credentials refreshes an expired OAuth token, or marks the account EXPIRED when it cannot. */
export function refreshIfExpired(state: MockState, account: StoredConnectedAccount): void {
  const token = account.authorization_details.oauth_token;
  const expired = account.token_expires_at !== undefined && Date.parse(account.token_expires_at) <= state.clock.now();
  if (account.status !== 'ACTIVE' || !token?.access_token || !expired) return;
  if (token.refresh_token) {
    token.access_token = `at_${state.secret(32)}`;
    account.token_expires_at = isoIn(state, tokenLifetimeMs);
    account.updated_at = state.nowIso();
    emitAccountEvent(state, 'token_refresh_succeeded', account);
  } else {
    emitAccountEvent(state, 'token_refresh_failed', account);
    setStatus(state, account, 'EXPIRED');
  }
}

// --- handlers ------------------------------------------------------------------------------------------------------

function filterAccounts(state: MockState, query: URLSearchParams): StoredConnectedAccount[] {
  const connector = query.get('connector') || undefined;
  const connectionNames = query.getAll('connection_names').filter((n) => n !== '');
  if (connector && connectionNames.length > 0) throw badRequest('connection_names cannot be combined with connector');
  if (connectionNames.length > 20) throw badRequest('connection_names takes at most 20 names');
  const organizationId = query.get('organization_id') || undefined;
  const userId = query.get('user_id') || undefined;
  const identifier = query.get('identifier') || undefined;
  const provider = query.get('provider')?.toLowerCase() || undefined;
  const text = query.get('query')?.toLowerCase() || undefined;
  return connectedAccounts(state).filter(
    (a) =>
      (!organizationId || a.organization_id === organizationId) &&
      (!userId || a.user_id === userId) &&
      (!connector || a.connection.connection_name === connector) &&
      (connectionNames.length === 0 || connectionNames.includes(a.connection.connection_name)) &&
      (!identifier || a.identifier === identifier) &&
      (!provider || a.connection.provider.toLowerCase() === provider) &&
      (!text || matchesText(a, text)),
  );
}

const matchesText = (account: StoredConnectedAccount, lowerText: string) =>
  [account.identifier, account.connection.connection_name, account.connection.provider].some((field) =>
    field.toLowerCase().includes(lowerText),
  );

export function connectedAccountHandlers(state: MockState): HttpHandler[] {
  return [
    route(state, 'get', '/api/v1/connected_accounts', ({ query }) => {
      const page = paginate(filterAccounts(state, query), query, { defaultSize: 10, maxSize: 100 });
      return {
        status: 200,
        body: {
          connected_accounts: page.items.map(listView),
          next_page_token: page.next_page_token,
          prev_page_token: page.prev_page_token,
          total_size: page.total_size,
        },
      };
    }),

    route(state, 'post', '/api/v1/connected_accounts', ({ body }) => {
      const input = body as Record<string, unknown>;
      const connector = readString(input, 'connector');
      const identifier = readString(input, 'identifier');
      if (!connector || !identifier) throw badRequest('connector and identifier are required');
      const payload = readObject(input, 'connected_account') ?? {};
      const account = createConnectedAccount(state, {
        connector,
        identifier,
        organization_id: readString(input, 'organization_id') || undefined,
        user_id: readString(input, 'user_id') || undefined,
        authorization_details:
          payload.authorization_details === undefined || payload.authorization_details === null
            ? undefined
            : parseAuthorizationDetails(payload.authorization_details),
        api_config: readObject(payload, 'api_config', 'connected_account.api_config'),
      });
      return { status: 201, body: { connected_account: fullView(account) } };
    }),

    route(state, 'put', '/api/v1/connected_accounts', ({ body }) => {
      const input = body as Record<string, unknown>;
      const payload = readObject(input, 'connected_account');
      if (!payload) throw badRequest('connected_account is required');
      const details =
        payload.authorization_details === undefined || payload.authorization_details === null
          ? undefined
          : parseAuthorizationDetails(payload.authorization_details);
      const apiConfig = readObject(payload, 'api_config', 'connected_account.api_config');
      const account = locate(
        state,
        locatorFrom((key) => readString(input, key)),
      );
      if (apiConfig) account.api_config = { ...account.api_config, ...apiConfig };
      if (details) applyCredentials(state, account, details);
      account.updated_at = state.nowIso();
      emitAccountEvent(state, 'updated', account);
      if (details && hasCredentials(account.authorization_details)) setStatus(state, account, 'ACTIVE');
      return { status: 200, body: { connected_account: fullView(account) } };
    }),

    route(state, 'post', '/api/v1/connected_accounts:delete', ({ body }) => {
      const input = body as Record<string, unknown>;
      const account = locate(
        state,
        locatorFrom((key) => readString(input, key)),
      );
      slice(state).accounts.delete(account.id);
      emitAccountEvent(state, 'deleted', account);
      return { status: 200, body: {} };
    }),

    route(state, 'get', '/api/v1/connected_accounts:search', ({ query }) => {
      const text = query.get('query')?.trim() ?? '';
      if (text.length < 3) throw badRequest('query must be at least 3 characters');
      const connectionId = query.get('connection_id') || undefined;
      const matches = connectedAccounts(state).filter(
        (a) => matchesText(a, text.toLowerCase()) && (!connectionId || a.connection.connection_id === connectionId),
      );
      const page = paginate(matches, query, { defaultSize: 10, maxSize: 30 });
      return {
        status: 200,
        body: {
          connected_accounts: page.items.map(listView),
          next_page_token: page.next_page_token,
          prev_page_token: page.prev_page_token,
          total_size: page.total_size,
        },
      };
    }),

    route(state, 'get', '/api/v1/connected_accounts/auth', ({ query }) => {
      const account = locate(
        state,
        locatorFrom((key) => query.get(key) ?? undefined),
      );
      refreshIfExpired(state, account);
      return { status: 200, body: { connected_account: fullView(account) } };
    }),

    route(state, 'get', '/api/v1/connected_accounts/details', ({ query }) => {
      const account = locate(
        state,
        locatorFrom((key) => query.get(key) ?? undefined),
      );
      return { status: 200, body: { connected_account: detailsView(account) } };
    }),

    route(state, 'post', '/api/v1/connected_accounts/magic_link', ({ body, request }) => {
      const input = body as Record<string, unknown>;
      const locator = locatorFrom((key) => readString(input, key));
      const userVerifyUrl = readString(input, 'user_verify_url') || undefined;
      if (userVerifyUrl && !URL.canParse(userVerifyUrl)) throw badRequest('user_verify_url must be an absolute URL');
      // Naming a connector and identifier with no account yet starts one, as connecting a new user does.
      const account =
        locator.id || lookUp(state, locator)
          ? locate(state, locator)
          : createConnectedAccount(state, {
              connector: locator.connector ?? '',
              identifier: locator.identifier ?? '',
              organization_id: locator.organization_id,
              user_id: locator.user_id,
            });
      const link = magicLinkFor(state, account, new URL(request.url).origin, {
        state: readString(input, 'state'),
        userVerifyUrl,
      });
      return { status: 200, body: link };
    }),

    route(state, 'post', '/api/v1/connected_accounts/user/verify', ({ body, request }) => {
      const input = body as Record<string, unknown>;
      const authRequestId = readString(input, 'auth_request_id');
      const identifier = readString(input, 'identifier');
      if (!authRequestId || !identifier) throw badRequest('auth_request_id and identifier are required');
      const { verifications, accounts } = slice(state);
      const pending = verifications.get(authRequestId);
      const account = pending && accounts.get(pending.accountId);
      if (!pending || !account) throw notFound(`pending user verification ${authRequestId}`);
      if (pending.identifier !== identifier) {
        throw new MockError(403, 'PERMISSION_DENIED', 'identifier does not match the one of the auth request');
      }
      verifications.delete(authRequestId);
      grantTokens(state, account, pending.oauthToken);
      return { status: 200, body: { post_user_verify_redirect_url: `${new URL(request.url).origin}/connect/success` } };
    }),

    // Not API operations: the browser side of a magic link, so the flow behind user/verify can run end to end.
    http.get(/\/connect\/magic_link\/([A-Za-z0-9]+)$/, ({ request }) => {
      const url = new URL(request.url);
      const token = url.pathname.split('/').at(-1) ?? '';
      const next = completeMagicLink(state, token, url.origin);
      if (!next) return new HttpResponse('magic link unknown or expired', { status: 404 });
      return new HttpResponse(null, { status: 302, headers: { location: next } });
    }),
    http.get(/\/connect\/success$/, () => new HttpResponse('connected', { status: 200 })),
  ];
}
