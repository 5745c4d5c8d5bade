import { createHash, randomBytes } from 'node:crypto';
import { HttpResponse, http } from 'msw';
import { matchRedirectUri } from '../../oracles/redirect-match.js';
import type { TemplateOrganization } from '../../oracles/redirect-template.js';
import { splitUri } from '../../oracles/redirect-uri.js';
import type { PublicClient } from '../../protocol/control-hooks.js';
import { notifyBackChannelLogout } from '../back-channel-logout.js';
import { invitationTokens, loginScript, type RedirectType, redirectRegistry } from '../control-state.js';
import { callInterceptor } from '../interceptors.js';
import { publicJwks, publicKeyPem, signJwt, verifyJwt } from '../oidc-keys.js';
import { publicClients } from '../public-clients.js';
import { MockError, pathMatcher } from '../route.js';
import type { AuthLogEntry, MockState } from '../state.js';
import { organizationClientCredentials } from './clients.js';
import { findOrganization, organizationStore } from './organizations.js';
import { findSession, logoutSession, seedSession } from './sessions.js';
import { ensureUserByEmail, findUser, findUserByEmail, type User } from './users.js';

// The OAuth 2.0 / OIDC surface of the target contract, part 1: outside the OpenAPI spec, so errors follow RFC 6749
// (token endpoint JSON, §5.2) and browser-facing endpoints answer with an error page, not errdetailsErrorInfo.

/** EPT-007: a code "expires in approx ~10 minutes". */
export const authorizationCodeLifetimeMs = 10 * 60 * 1000;

const promptValues = new Set(['login', 'create', 'select_account', 'none']);
const providerValues = new Set(['google', 'microsoft', 'github', 'gitlab', 'linkedin', 'salesforce']);
const codeChallengeMethods = new Set(['S256', 'plain']);
/** RFC 7636 §4.1: 43 to 128 unreserved characters, for verifiers and (as the mock also checks) challenges. */
const pkceValue = /^[A-Za-z0-9._~-]{43,128}$/;
const supportedScopes = ['openid', 'profile', 'email', 'offline_access'];

/** The user a login signed in as: a user of users.ts, as it was at sign-in. */
interface SignedInUser {
  id: string;
  email: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * What the OAuth flow remembers of a session it opened. The session itself lives in sessions.ts under the same ID
 * (so the sessions API shows it); this record keeps what the login and logout events describe.
 */
export interface OAuthSession {
  id: string;
  userId: string;
  organizationId?: string;
  createdAt: string;
  loggedOutAt?: string;
}

/** What a code, and later a refresh token, stands for. */
interface Grant {
  clientId: string;
  user: SignedInUser;
  scopes: string[];
  sessionId: string;
  organizationId?: string;
  /** OTH-005: the claims the PRE_SESSION_CREATION interceptor returned, for every access token of the session. */
  customClaims?: Record<string, unknown>;
}

interface AuthorizationCode extends Grant {
  redirectUri: string;
  nonce?: string;
  challenge?: { value: string; method: string };
  issuedAt: number;
  authLog: AuthLogEntry;
  redeemed: boolean;
  /** The refresh token the exchange issued; revoked if the code is presented again (RFC 6749 §4.1.2). */
  refreshToken?: string;
}

/**
 * A validated /oauth/authorize request waiting for the person on the sign-in page. The form carries only its
 * opaque ID: redirect_uri, state and the rest are never read back from the browser.
 */
interface PendingAuthorization {
  clientId: string;
  redirectUri: string;
  state?: string;
  organizationId?: string;
  scopes: string[];
  nonce?: string;
  challenge?: { value: string; method: string };
  loginHint?: string;
  authLog: AuthLogEntry;
  createdAt: number;
}

/** Where a login ends: the person's (or the `login` hook's) choice and who signs in. */
interface LoginOutcome {
  email: string;
  decision: 'approve' | 'deny';
  organizationId?: string;
}

function oauthStore(state: MockState) {
  return state.slice('oauth', () => ({
    codes: new Map<string, AuthorizationCode>(),
    refreshTokens: new Map<string, Grant>(),
    sessions: new Map<string, OAuthSession>(),
    pending: new Map<string, PendingAuthorization>(),
  }));
}

/** Sessions that logins through /oauth/authorize opened, by session ID. */
export function oauthSessions(state: MockState): ReadonlyMap<string, OAuthSession> {
  return oauthStore(state).sessions;
}

// --- responses ----------------------------------------------------------------------------------------------

const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** RFC 6749 §5.2 error body for the token endpoint. */
const oauthError = (status: number, error: string, description: string) =>
  HttpResponse.json({ error, error_description: description }, { status, headers: noStore });

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(status: number, title: string, paragraphs: string[]): Response {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('');
  return new HttpResponse(
    // An empty icon, so a browser asks for no /favicon.ico (a 404 it would log as an error).
    `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    { status, headers: { 'content-type': 'text/html; charset=utf-8', ...noStore } },
  );
}

const signInStyle = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f3f4f8;
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c2033}
main{width:min(420px,calc(100% - 32px));background:#fff;border-radius:12px;padding:32px;
box-shadow:0 1px 3px rgba(20,24,60,.08),0 8px 24px rgba(20,24,60,.08)}
.badge{display:inline-block;font-size:12px;font-weight:600;letter-spacing:.04em;text-transform:uppercase;
color:#4b3fd6;background:#ecebfd;border-radius:999px;padding:2px 10px}
h1{font-size:24px;margin:12px 0 4px}
.app{margin:0 0 24px;color:#555b73}
.app strong{color:#1c2033;word-break:break-all}
label{display:block;font-weight:600;margin-bottom:6px}
input[type=email]{width:100%;padding:10px 12px;font:inherit;border:1px solid #c5c8d6;border-radius:8px}
input[type=email]:focus{outline:2px solid #4b3fd6;outline-offset:1px;border-color:#4b3fd6}
.actions{display:flex;gap:12px;margin-top:20px}
button{flex:1;padding:10px 16px;font:inherit;font-weight:600;border-radius:8px;cursor:pointer}
.approve{background:#4b3fd6;color:#fff;border:1px solid #4b3fd6}
.deny{background:#fff;color:#1c2033;border:1px solid #c5c8d6}
.error{color:#b42318;background:#fef3f2;border-radius:8px;padding:8px 12px;margin:0 0 16px}
.return{margin:24px 0 0;font-size:13px;color:#6b7086;word-break:break-all}
`;

/** The mock's own sign-in page: a plain form, readable and usable without JavaScript or any other request. */
function signInPage(pending: PendingAuthorization, id: string, options: { email?: string; problem?: string } = {}) {
  const email = options.email ?? pending.loginHint ?? '';
  const organization = pending.organizationId
    ? `<p class="app">Organization <strong>${escapeHtml(pending.organizationId)}</strong></p>`
    : '';
  const problem = options.problem ? `<p class="error" role="alert">${escapeHtml(options.problem)}</p>` : '';
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Sign in · Scalekit mock</title>
<style>${signInStyle}</style></head><body><main>
<span class="badge">Scalekit mock</span>
<h1>Sign in</h1>
<p class="app">to continue to <strong>${escapeHtml(pending.clientId)}</strong></p>${organization}
<form method="post" action="/oauth/authorize/decision">${problem}
<input type="hidden" name="authorization" value="${escapeHtml(id)}">
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" required autofocus value="${escapeHtml(email)}">
<div class="actions"><button class="approve" type="submit" name="decision" value="approve">Approve</button>
<button class="deny" type="submit" name="decision" value="deny" formnovalidate>Deny</button></div>
</form>
<p class="return">You will return to ${escapeHtml(pending.redirectUri)}</p>
</main></body></html>`;
  return new HttpResponse(html, {
    status: options.problem ? 400 : 200,
    // The page needs nothing from anywhere: the policy says so, and keeps it framed by no one.
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
      ...noStore,
    },
  });
}

/**
 * An error the browser sees instead of a redirect: used when the redirect target itself cannot be trusted
 * (RFC 6749 §4.1.2.1, RDR-001, RDR-019). JSON for clients that ask for it, HTML otherwise; never a Location.
 */
function errorPage(request: Request, error: string, description: string): Response {
  const accept = request.headers.get('accept') ?? '';
  if (accept.includes('application/json') && !accept.includes('text/html')) {
    return HttpResponse.json({ error, error_description: description }, { status: 400, headers: noStore });
  }
  return page(400, 'Sign-in error', [`error=${error}`, description]);
}

/** A 302 to a registered URI with parameters appended, keeping the registered string as it is (RDR-002). */
function redirectTo(uri: string, params: Record<string, string | undefined>): Response {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, value);
  const text = query.toString();
  const location = text === '' ? uri : `${uri}${uri.includes('?') ? '&' : '?'}${text}`;
  return new HttpResponse(null, { status: 302, headers: { location, ...noStore } });
}

// --- shared helpers ------------------------------------------------------------------------------------------

/** A query parameter that must appear at most once (RFC 6749 §3.1); `duplicate` when it appears more often. */
function single(query: URLSearchParams, name: string): string | undefined | 'duplicate' {
  const values = query.getAll(name);
  if (values.length > 1) return 'duplicate';
  return values[0];
}

const epochSeconds = (state: MockState) => Math.floor(state.clock.now() / 1000);
const looksLikeEmail = (value: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);

const signedInUser = (user: User): SignedInUser => ({
  id: user.id ?? '',
  email: user.email ?? '',
  createdAt: user.create_time ?? '',
  updatedAt: user.update_time ?? user.create_time ?? '',
});

/** UserAuthEventData for user.login / user.logout. */
function userAuthEventData(user: SignedInUser, session: OAuthSession, status: string): Record<string, unknown> {
  const organizationId = session.organizationId;
  return {
    user: {
      id: user.id,
      ...(looksLikeEmail(user.email) ? { email: user.email } : {}),
      create_time: user.createdAt,
      update_time: user.updatedAt,
      last_login_time: session.createdAt,
      metadata: {},
    },
    user_session: {
      session_id: session.id,
      user_id: user.id,
      ...(organizationId ? { organization_id: organizationId } : {}),
      status,
      created_at: session.createdAt,
      updated_at: session.loggedOutAt ?? session.createdAt,
      last_active_at: session.loggedOutAt ?? session.createdAt,
      ...(session.loggedOutAt ? { logout_at: session.loggedOutAt } : {}),
      authenticated_organizations: organizationId ? [organizationId] : [],
    },
  };
}

/** Client authentication (RFC 6749 §2.3.1): HTTP Basic or form fields, not both. */
function clientAuthentication(
  request: Request,
  form: URLSearchParams,
): { clientId?: string; clientSecret?: string } | { error: string } {
  const header = request.headers.get('authorization') ?? '';
  const basic = /^Basic\s+(\S+)$/i.exec(header)?.[1];
  if (basic === undefined) {
    return { clientId: form.get('client_id') ?? undefined, clientSecret: form.get('client_secret') ?? undefined };
  }
  if (form.has('client_secret')) return { error: 'use one client authentication method, not both' };
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { error: 'the Basic credentials must be client_id:client_secret' };
  const formDecode = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
  try {
    const clientId = formDecode(decoded.slice(0, colon));
    const formClientId = form.get('client_id');
    if (formClientId !== null && formClientId !== clientId) return { error: 'client_id differs from the Basic one' };
    return { clientId, clientSecret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return { error: 'the Basic credentials are not form-encoded' };
  }
}

function pkceMatches(challenge: { value: string; method: string }, verifier: string): boolean {
  if (challenge.method === 'plain') return verifier === challenge.value;
  return createHash('sha256').update(verifier).digest('base64url') === challenge.value;
}

/**
 * A public client's callbacks (EPT-013): an exact match, and for a native app a loopback callback on any port
 * (RFC 8252 §7.3: the app takes whatever port is free), the host and path as registered.
 */
function publicClientAccepts(client: PublicClient, requested: string): boolean {
  if (client.redirect_uris.includes(requested)) return true;
  if (client.type !== 'native' || !URL.canParse(requested)) return false;
  const asked = new URL(requested);
  const loopback = (url: URL) => url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === '[::1]');
  if (!loopback(asked)) return false;
  return client.redirect_uris.some((uri) => {
    if (!URL.canParse(uri)) return false;
    const registered = new URL(uri);
    return (
      loopback(registered) &&
      registered.hostname === asked.hostname &&
      registered.pathname === asked.pathname &&
      registered.search === asked.search
    );
  });
}

// --- handlers ------------------------------------------------------------------------------------------------

export function oauthHandlers(state: MockState) {
  const store = () => oauthStore(state);

  /** The organisation a template expands for (RDT-001, RDT-008), as the seeded faults may distort it. */
  function templateOrganization(id: string | undefined): TemplateOrganization | undefined {
    const organization = id === undefined ? undefined : findOrganization(state, id);
    if (!organization) return undefined;
    if (state.has('templates.slug-only')) return { slug: organization.slug };
    const hasMetadata = Object.keys(organization.metadata ?? {}).length > 0;
    if (state.has('templates.require-slug-and-metadata') && (!organization.slug || !hasMetadata)) return undefined;
    return organization;
  }

  /**
   * Whether `requested` is on the allowlist of `type`: an exact match (RDR-001, RDR-002), a wildcard match (G-04),
   * or a template expanded for the organisation in scope (RDT-005, RDT-006). The oracle decides; the seeded
   * faults below widen it.
   */
  function isRegistered(type: RedirectType, requested: string, organizationId: string | undefined): boolean {
    const entries = redirectRegistry(state)[type];
    const profile = state.profile;
    const organization = templateOrganization(organizationId);
    if (matchRedirectUri(requested, entries, { organization, profile }) !== undefined) return true;
    const forAnyOrganization = () =>
      organizationStore(state).some(
        (other) =>
          matchRedirectUri(requested, entries, { organization: templateOrganization(other.id), profile }) !== undefined,
      );
    if (state.has('templates.ignore-requested-organization') && organization && forAnyOrganization()) return true;
    if (state.has('templates.expand-without-organization') && !organization && forAnyOrganization()) return true;
    if (type === 'post_logout') return state.has('logout.redirect-unregistered');
    if (type !== 'callback') return false;
    if (state.has('oauth.redirect-unregistered')) return true;
    if (state.has('oauth.redirect-prefix-match') && entries.some((entry) => requested.startsWith(entry))) return true;
    const hostAndPath = (uri: string) => `${splitUri(uri).host ?? ''}${splitUri(uri).path}`;
    return (
      state.has('oauth.redirect-scheme-and-port-ignored') &&
      entries.some((entry) => hostAndPath(entry) === hostAndPath(requested))
    );
  }

  /** The ID token's aud: the client; the fault names the environment instead (TOK-011). */
  const idTokenAudience = (clientId: string) =>
    state.has('oauth.id-token-wrong-audience') ? state.environmentId : clientId;

  /** Access (and ID and refresh) tokens for a signed-in user; the access token is not an API credential. */
  async function issueUserTokens(issuer: string, grant: Grant, nonce?: string) {
    const iat = epochSeconds(state);
    const exp = iat + state.tokenLifetimeSeconds;
    const scope = grant.scopes.join(' ');
    const organizationClaim = grant.organizationId ? { oid: grant.organizationId } : {};
    // OTH-005: the interceptor's claims under custom_claims; the fault spreads them over the token's top level.
    const custom = grant.customClaims;
    const customClaims =
      custom === undefined ? {} : state.has('interceptors.claims-top-level') ? custom : { custom_claims: custom };
    const accessToken = await signJwt(state, {
      ...customClaims,
      iss: issuer,
      sub: grant.user.id,
      aud: [grant.clientId],
      client_id: grant.clientId,
      sid: grant.sessionId,
      scope,
      iat,
      nbf: iat,
      exp,
      jti: state.secret(24),
      ...organizationClaim,
    });
    const idToken = grant.scopes.includes('openid')
      ? await signJwt(state, {
          iss: issuer,
          sub: grant.user.id,
          aud: idTokenAudience(grant.clientId),
          azp: grant.clientId,
          email: grant.user.email,
          email_verified: true,
          sid: grant.sessionId,
          auth_time: iat,
          iat,
          exp,
          ...(nonce === undefined ? {} : { nonce }),
          ...organizationClaim,
        })
      : undefined;
    let refreshToken: string | undefined;
    if (grant.scopes.includes('offline_access')) {
      refreshToken = `rt_${state.secret(40)}`;
      store().refreshTokens.set(refreshToken, grant);
    }
    return {
      body: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: state.tokenLifetimeSeconds,
        scope,
        ...(idToken ? { id_token: idToken } : {}),
        ...(refreshToken ? { refresh_token: refreshToken } : {}),
      },
      refreshToken,
    };
  }

  async function clientCredentialsGrant(issuer: string, clientId?: string, clientSecret?: string) {
    const credentials = state.credentials;
    // An organization's M2M client (TOK-010) gets a token for its organization, if its interceptor allows it.
    const organizationId =
      clientId !== undefined && clientSecret !== undefined && clientId !== credentials.clientId
        ? organizationClientCredentials(state, clientId, clientSecret)
        : undefined;
    if (clientId !== undefined && organizationId !== undefined) {
      return organizationClientToken(issuer, clientId, organizationId);
    }
    // The fault issues a token to the known client whatever its secret, or without one (TOK-001).
    const secretChecked = !state.has('oauth.client-secret-not-checked');
    if (clientId !== credentials.clientId || (secretChecked && clientSecret !== credentials.clientSecret)) {
      return oauthError(401, 'invalid_client', 'unknown client or wrong client secret');
    }
    const iat = epochSeconds(state);
    const accessToken = await signJwt(state, {
      // The fault names another issuer than the target (TOK-011).
      iss: state.has('oauth.token-wrong-issuer') ? 'https://issuer.scalekit-conformance.invalid' : issuer,
      sub: credentials.clientId,
      aud: [credentials.clientId],
      client_id: credentials.clientId,
      iat,
      nbf: iat,
      exp: iat + state.tokenLifetimeSeconds,
      jti: state.secret(24),
    });
    // The REST API accepts exactly the tokens recorded here (responses.ts `authenticate`), until they expire on
    // the mock's clock; the fault keeps accepting them after their exp (TOK-005).
    state.tokens.set(accessToken, {
      clientId: credentials.clientId,
      expiresAt: state.has('contract.expired-token-accepted')
        ? Number.POSITIVE_INFINITY
        : state.clock.now() + state.tokenLifetimeSeconds * 1000,
    });
    return HttpResponse.json(
      {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: state.tokenLifetimeSeconds,
        // The fault leaves out scope (TOK-003).
        ...(state.has('oauth.token-without-scope') ? {} : { scope: '' }),
      },
      { headers: noStore },
    );
  }

  /**
   * A client-credentials token for an organization's M2M client, once its PRE_M2M_TOKEN_CREATION interceptor (if
   * any) allows it (OTH-001). A DENY is a 403 `access_denied` with the interceptor's message (or the generic one) as
   * `error_description`: the token endpoint's error body (RFC 6749 §5.2), where the client reads why. The token is
   * for the organization's own APIs, not a credential of this environment's API.
   */
  async function organizationClientToken(issuer: string, clientId: string, organizationId: string) {
    const outcome = await callInterceptor(state, 'PRE_M2M_TOKEN_CREATION', {
      context: { client_id: clientId, organization_id: organizationId },
      data: { client: { id: clientId, organization_id: organizationId } },
    });
    if (outcome.decision === 'DENY') return oauthError(403, 'access_denied', outcome.message);
    const iat = epochSeconds(state);
    const accessToken = await signJwt(state, {
      iss: issuer,
      sub: clientId,
      aud: [clientId],
      client_id: clientId,
      oid: organizationId,
      iat,
      nbf: iat,
      exp: iat + state.tokenLifetimeSeconds,
      jti: state.secret(24),
    });
    return HttpResponse.json(
      { access_token: accessToken, token_type: 'Bearer', expires_in: state.tokenLifetimeSeconds, scope: '' },
      { headers: noStore },
    );
  }

  async function authorizationCodeGrant(issuer: string, form: URLSearchParams, clientId?: string, secret?: string) {
    // EPT-013: a public client has no secret; PKCE (required at authorize) stands in for it.
    const publicClient = clientId === undefined ? undefined : publicClients(state).get(clientId);
    if (publicClient) {
      if (secret !== undefined) return oauthError(401, 'invalid_client', 'a public client has no client secret');
      if (state.has('oauth.public-client-secret-required')) {
        return oauthError(401, 'invalid_client', 'client_secret is required');
      }
    } else if (clientId !== state.credentials.clientId) {
      return oauthError(401, 'invalid_client', 'unknown client_id');
    }
    if (!publicClient && secret !== undefined && secret !== state.credentials.clientSecret) {
      return oauthError(401, 'invalid_client', 'wrong client secret');
    }
    const codeValue = form.get('code');
    const redirectUri = form.get('redirect_uri');
    if (!codeValue || redirectUri === null) {
      return oauthError(400, 'invalid_request', 'code and redirect_uri are required');
    }
    const code = store().codes.get(codeValue);
    if (!code) return oauthError(400, 'invalid_grant', 'unknown authorization code');
    if (code.redeemed && !state.has('oauth.code-reusable')) {
      if (code.refreshToken) store().refreshTokens.delete(code.refreshToken);
      return oauthError(400, 'invalid_grant', 'the authorization code was already used');
    }
    const expired = state.clock.now() >= code.issuedAt + authorizationCodeLifetimeMs;
    if (expired && !state.has('oauth.code-never-expires')) {
      return oauthError(400, 'invalid_grant', 'the authorization code has expired');
    }
    if (code.clientId !== clientId) return oauthError(400, 'invalid_grant', 'the code was issued to another client');
    if (code.redirectUri !== redirectUri) {
      return oauthError(400, 'invalid_grant', 'redirect_uri differs from the one used at /oauth/authorize');
    }
    const verifier = form.get('code_verifier');
    if (code.challenge) {
      if (verifier === null) {
        // The fault redeems a public client's code without its verifier: nothing binds the code to the app (EPT-013).
        const verifierOptional = publicClient !== undefined && state.has('oauth.public-client-verifier-optional');
        if (!verifierOptional) return oauthError(400, 'invalid_grant', 'code_verifier is required: PKCE was used');
      } else if (!pkceValue.test(verifier) || !pkceMatches(code.challenge, verifier)) {
        return oauthError(400, 'invalid_grant', 'code_verifier does not match the code_challenge');
      }
    } else {
      // OAuth 2.1 §4.1.3: a verifier for a code issued without a challenge is a downgrade attempt.
      if (verifier !== null) return oauthError(400, 'invalid_grant', 'the code was issued without a code_challenge');
      if (secret === undefined) {
        return oauthError(401, 'invalid_client', 'client_secret is required for a code issued without PKCE');
      }
    }
    code.redeemed = true;
    code.authLog.status = 'SUCCESS';
    const issued = await issueUserTokens(issuer, code, code.nonce);
    if (issued.refreshToken) code.refreshToken = issued.refreshToken;
    return HttpResponse.json(issued.body, { headers: noStore });
  }

  async function refreshTokenGrant(issuer: string, form: URLSearchParams, clientId?: string, secret?: string) {
    if (clientId !== state.credentials.clientId) return oauthError(401, 'invalid_client', 'unknown client_id');
    if (secret !== undefined && secret !== state.credentials.clientSecret) {
      return oauthError(401, 'invalid_client', 'wrong client secret');
    }
    const token = form.get('refresh_token');
    if (!token) return oauthError(400, 'invalid_request', 'refresh_token is required');
    const grant = store().refreshTokens.get(token);
    if (!grant || grant.clientId !== clientId) return oauthError(400, 'invalid_grant', 'unknown refresh token');
    const session = store().sessions.get(grant.sessionId);
    // The session may also have been revoked through the API, or gone with its deleted user.
    const status = findSession(state, grant.sessionId)?.status;
    if (session?.loggedOutAt || status === undefined || status === 'revoked' || status === 'logout') {
      return oauthError(400, 'invalid_grant', 'the session has ended');
    }
    // Rotation: each refresh token works once.
    store().refreshTokens.delete(token);
    const issued = await issueUserTokens(issuer, grant);
    return HttpResponse.json(issued.body, { headers: noStore });
  }

  /** An error redirect to a registered redirect_uri, with the state unchanged (EPT-006, EPT-008). */
  const failTo = (redirectUri: string, stateParam: string | undefined) => (error: string, description: string) =>
    redirectTo(redirectUri, {
      error: state.has('oauth.error-code-outside-vocabulary') && error !== 'access_denied' ? 'bad_request' : error,
      error_description: description,
      state: stateParam,
    });

  /**
   * An interceptor's DENY ends the sign-in on the mock's own page, which shows the user its error.message or the
   * generic one (OTH-001, OTH-003); nothing goes back to the app, and the attempt is logged FAILED (ALG-005).
   */
  function interceptorDenied(authLog: AuthLogEntry, message: string): Response {
    authLog.status = 'FAILED';
    return page(403, 'Sign-in blocked', [message]);
  }

  /**
   * The end of a login, scripted by the `login` hook or chosen on the sign-in page: a redirect with a code, or
   * with access_denied; or the page of an interceptor's DENY.
   */
  async function completeLogin(transaction: PendingAuthorization, outcome: LoginOutcome): Promise<Response> {
    const { authLog, clientId, redirectUri, challenge, nonce } = transaction;
    const stateParam = transaction.state;
    const fail = failTo(redirectUri, stateParam);
    if (outcome.decision === 'deny') {
      authLog.status = 'FAILED';
      if (state.has('oauth.deny-without-state')) {
        return redirectTo(redirectUri, { error: 'access_denied', error_description: 'User denied access' });
      }
      return fail('access_denied', 'User denied access');
    }
    const organizationId = outcome.organizationId;
    const sessionOrganization = organizationId?.startsWith('org_') ? organizationId : undefined;
    const inOrganization = sessionOrganization ? { organization_id: sessionOrganization } : {};

    // OTH-001: the first sign-in of an email creates its user, which the PRE_SIGNUP interceptor may refuse.
    if (!findUserByEmail(state, outcome.email)) {
      // The mock serves loopback only, so the address is the loopback one and its region unknown (ISO 3166 ZZ).
      const signup = await callInterceptor(state, 'PRE_SIGNUP', {
        context: { user_email: outcome.email, ip_address: '127.0.0.1', region: 'ZZ', ...inOrganization },
        data: { user: { email: outcome.email } },
      });
      if (signup.decision === 'DENY') return interceptorDenied(authLog, signup.message);
    }

    // The login signs in a real user (created on first login, a member of the organization when it exists)
    // and opens a real session, so the users and sessions APIs show both.
    let user: SignedInUser;
    try {
      user = signedInUser(ensureUserByEmail(state, outcome.email, organizationId));
    } catch (error) {
      if (!(error instanceof MockError)) throw error;
      authLog.status = 'FAILED';
      return fail('access_denied', error.message);
    }
    // OTH-001, OTH-005: before the session and its code; an ALLOW's claims go into every access token it issues.
    const sessionCheck = await callInterceptor(state, 'PRE_SESSION_CREATION', {
      context: { user_id: user.id, user_email: user.email, ...inOrganization },
      data: {
        user: { id: user.id, email: user.email },
        ...(sessionOrganization ? { organization: { id: sessionOrganization } } : {}),
      },
    });
    if (sessionCheck.decision === 'DENY') return interceptorDenied(authLog, sessionCheck.message);
    const seeded = seedSession(state, user.id, {
      authenticated_clients: [
        { client_id: clientId, ...(sessionOrganization ? { organization_id: sessionOrganization } : {}) },
      ],
      ...(sessionOrganization ? { organization_id: sessionOrganization } : {}),
    });
    const session: OAuthSession = {
      id: seeded.session_id ?? '',
      userId: user.id,
      createdAt: seeded.created_at ?? state.nowIso(),
      ...(sessionOrganization ? { organizationId: sessionOrganization } : {}),
    };
    store().sessions.set(session.id, session);
    state.emit('user.login', 'User', userAuthEventData(user, session, 'ACTIVE'), session.organizationId);

    const code = state.secret(40);
    store().codes.set(code, {
      clientId,
      user,
      scopes: transaction.scopes,
      sessionId: session.id,
      ...(organizationId ? { organizationId } : {}),
      ...(sessionCheck.claims ? { customClaims: sessionCheck.claims } : {}),
      redirectUri,
      ...(nonce === undefined ? {} : { nonce }),
      ...(challenge ? { challenge } : {}),
      issuedAt: state.clock.now(),
      authLog,
      redeemed: false,
    });
    // ALG-003: signed in, redirected back with a code that is not exchanged yet.
    if (!state.has('auth-logs.no-pending')) authLog.status = 'PENDING';
    // RDR-002: exactly the registered string; the fault appends a slash, as a careless URL join does.
    const callback =
      state.has('oauth.callback-trailing-slash') && !redirectUri.endsWith('/') ? `${redirectUri}/` : redirectUri;
    return redirectTo(callback, { code, state: stateParam });
  }

  return [
    http.post(pathMatcher('/oauth/token'), async ({ request }) => {
      const type = request.headers.get('content-type') ?? '';
      if (!type.includes('application/x-www-form-urlencoded')) {
        return oauthError(400, 'invalid_request', 'the token request must be form-encoded');
      }
      const form = new URLSearchParams(await request.text());
      const client = clientAuthentication(request, form);
      if ('error' in client) return oauthError(400, 'invalid_request', client.error);
      const issuer = new URL(request.url).origin;
      const grantType = form.get('grant_type');
      switch (grantType) {
        case 'client_credentials':
          // TOK-001: scope is optional; the fault refuses a request that sends one at all.
          if (form.has('scope') && state.has('oauth.scope-param-refused')) {
            return oauthError(400, 'invalid_scope', 'scope is not accepted');
          }
          return clientCredentialsGrant(issuer, client.clientId, client.clientSecret);
        case 'authorization_code':
          return authorizationCodeGrant(issuer, form, client.clientId, client.clientSecret);
        case 'refresh_token':
          return refreshTokenGrant(issuer, form, client.clientId, client.clientSecret);
        default:
          return oauthError(400, 'unsupported_grant_type', `grant_type ${grantType ?? '(missing)'} is not supported`);
      }
    }),

    http.get(pathMatcher('/oauth/authorize'), ({ request }) => {
      const query = new URL(request.url).searchParams;
      // Until client_id and redirect_uri are trusted, nothing may redirect (RFC 6749 §4.1.2.1, RDR-001).
      const requestedClient = single(query, 'client_id');
      // The fault takes a missing or unknown client_id for the environment's own client (EPT-005).
      const clientId =
        requestedClient !== 'duplicate' && state.has('oauth.unknown-client-accepted')
          ? state.credentials.clientId
          : requestedClient;
      const publicClient = typeof clientId === 'string' ? publicClients(state).get(clientId) : undefined;
      if (clientId !== state.credentials.clientId && !publicClient) {
        return errorPage(request, 'invalid_client', 'client_id is missing or unknown');
      }
      // The fault goes on with the first registered callback when redirect_uri is left out (EPT-005).
      const fallbackCallback = state.has('oauth.default-redirect-uri')
        ? redirectRegistry(state).callback[0]
        : undefined;
      const redirectUri = single(query, 'redirect_uri') ?? fallbackCallback;
      if (redirectUri === undefined || redirectUri === 'duplicate') {
        return errorPage(request, 'invalid_redirect_uri', 'redirect_uri is missing or given more than once');
      }
      // RDR-002: exact string match; no normalisation of scheme, host, port, path or trailing slash. Templates
      // expand only for the organization the request names (RDT-005, RDT-006).
      const requestedOrganization = single(query, 'organization_id');
      const inScope = requestedOrganization === 'duplicate' ? undefined : requestedOrganization;
      const registered = publicClient
        ? publicClientAccepts(publicClient, redirectUri)
        : isRegistered('callback', redirectUri, inScope);
      if (!registered) {
        const fallback = redirectRegistry(state).callback[0];
        if (state.has('oauth.redirect-fallback') && fallback !== undefined) {
          return redirectTo(fallback, { error: 'invalid_redirect_uri', state: query.get('state') ?? undefined });
        }
        return errorPage(
          request,
          'invalid_redirect_uri',
          'Redirect URI is not part of the pre-approved list of redirect URIs',
        );
      }

      // From here on errors go back to the registered redirect_uri, with the state unchanged (EPT-006, EPT-008).
      let stateParam = query.get('state') ?? undefined;
      if (state.has('oauth.state-plus-as-space')) stateParam = stateParam?.replaceAll('+', ' ');
      if (state.has('oauth.state-dropped')) stateParam = undefined;
      const fail = failTo(redirectUri, stateParam);
      for (const name of ['response_type', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method']) {
        if (single(query, name) === 'duplicate') return fail('invalid_request', `${name} is given more than once`);
      }
      const responseType = state.has('oauth.any-response-type') ? 'code' : query.get('response_type');
      if (responseType === null) return fail('invalid_request', 'response_type is required');
      if (responseType !== 'code') return fail('unsupported_response_type', 'only response_type=code is supported');
      const challengeValue = query.get('code_challenge');
      const challengeMethod = query.get('code_challenge_method');
      if (challengeValue === null && challengeMethod !== null) {
        return fail('invalid_request', 'code_challenge_method without code_challenge');
      }
      // RFC 7636 §4.3: the method defaults to plain.
      const challenge =
        challengeValue === null ? undefined : { value: challengeValue, method: challengeMethod ?? 'plain' };
      if (challenge && !codeChallengeMethods.has(challenge.method)) {
        return fail('invalid_request', 'code_challenge_method must be S256 or plain');
      }
      if (challenge && !pkceValue.test(challenge.value)) {
        return fail('invalid_request', 'code_challenge must be 43 to 128 unreserved characters');
      }
      // EPT-013: a public client has no secret, so only PKCE binds the code to the app that asked for it.
      if (publicClient && !challenge) return fail('invalid_request', 'a public client must use PKCE (code_challenge)');
      // EPT-003: the invitation parameters an app forwards from its initiate-login route are taken back here.
      const invitation = query.get('invitation_token');
      if (invitation !== null) {
        if (state.has('endpoints.invitation-params-refused')) {
          return fail('invalid_request', 'unexpected parameter invitation_token');
        }
        if (!invitationTokens(state).has(invitation)) return fail('invalid_request', 'unknown invitation_token');
      }
      const prompt = query.get('prompt');
      // The fault ignores a prompt outside the list instead of refusing it (EPT-005).
      if (prompt !== null && !promptValues.has(prompt) && !state.has('oauth.unknown-prompt-ignored')) {
        return fail('invalid_request', 'prompt must be one of login, create, select_account, none');
      }
      const provider = query.get('provider');
      if (provider !== null && !providerValues.has(provider)) {
        return fail('invalid_request', `provider ${provider} is not supported`);
      }

      const script = loginScript(state).current;
      const organizationId = script?.organization_id ?? query.get('organization_id') ?? undefined;
      const connectionId = query.get('connection_id') ?? undefined;
      const authLog: AuthLogEntry = {
        auth_request_id: state.id('ar_'),
        status: 'INITIATED',
        client_id: clientId,
        // The fault never records who signed in (ALG-002).
        ...(script && !state.has('auth-logs.entry-without-user') ? { email: script.email } : {}),
        timestamp: state.nowIso(),
        environment_id: state.environmentId,
        ...(organizationId ? { organization_id: organizationId } : {}),
        ...(connectionId ? { connection_id: connectionId } : {}),
        workflow: 'sso',
      };
      state.authRequests.push(authLog);

      const transaction: PendingAuthorization = {
        clientId: publicClient?.client_id ?? state.credentials.clientId,
        redirectUri,
        ...(stateParam === undefined ? {} : { state: stateParam }),
        ...(organizationId ? { organizationId } : {}),
        scopes: (query.get('scope') ?? '').split(' ').filter(Boolean),
        ...(query.get('nonce') === null ? {} : { nonce: query.get('nonce') ?? '' }),
        ...(challenge ? { challenge } : {}),
        ...(query.get('login_hint') === null ? {} : { loginHint: query.get('login_hint') ?? '' }),
        authLog,
        createdAt: state.clock.now(),
      };
      if (!script) {
        if (prompt === 'none') {
          authLog.status = 'FAILED';
          return fail('login_required', 'prompt=none but the user is not signed in');
        }
        // Not from the seeded generator: showing the page must not shift the values a seeded run draws.
        const id = randomBytes(24).toString('base64url');
        store().pending.set(id, transaction);
        return signInPage(transaction, id);
      }
      return completeLogin(transaction, {
        email: script.email,
        decision: script.decision,
        ...(organizationId ? { organizationId } : {}),
      });
    }),

    // The sign-in page's form (the mock's own endpoint, outside the spec): only the pending record's ID, the email
    // and the decision come from the browser.
    http.post(pathMatcher('/oauth/authorize/decision'), async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      const id = form.get('authorization') ?? '';
      const pending = store().pending.get(id);
      const expired = pending !== undefined && state.clock.now() >= pending.createdAt + authorizationCodeLifetimeMs;
      if (!pending || expired) {
        store().pending.delete(id);
        return page(400, 'Sign-in error', [
          'error=invalid_request',
          'This sign-in has expired or was already completed. Start again from the application.',
        ]);
      }
      const decision = form.get('decision');
      const email = (form.get('email') ?? '').trim();
      if (decision !== 'approve' && decision !== 'deny') {
        return signInPage(pending, id, { email, problem: 'Choose Approve or Deny.' });
      }
      if (decision === 'approve' && !looksLikeEmail(email)) {
        return signInPage(pending, id, { email, problem: 'Enter a valid email address.' });
      }
      // One decision per page: a second submit (the back button) finds nothing pending.
      store().pending.delete(id);
      if (looksLikeEmail(email) && !state.has('auth-logs.entry-without-user')) pending.authLog.email = email;
      return completeLogin(pending, {
        email,
        decision,
        ...(pending.organizationId ? { organizationId: pending.organizationId } : {}),
      });
    }),

    // The organization portal link the API hands out (PUT /api/v1/organizations/{id}/portal_links) leads here: the
    // mock has no admin portal, but a person following the link should see a page, not a 404.
    http.get(pathMatcher('/portal/{id}'), ({ request, params }) => {
      const features = new URL(request.url).searchParams.getAll('features');
      return page(200, 'Admin portal', [
        `Portal link ${String(params.id)}.`,
        features.length ? `Features: ${features.join(', ')}.` : 'Features: all.',
        'This is the Scalekit mock: it has no admin portal, so SSO and directory settings are not configurable here.',
      ]);
    }),

    http.get(pathMatcher('/keys'), async () => {
      // The fault serves the key as PEM instead of a JWKS, still with a 200 (TOK-011).
      if (state.has('oauth.keys-not-jwks')) {
        return new HttpResponse(await publicKeyPem(state), { headers: { 'content-type': 'application/x-pem-file' } });
      }
      return HttpResponse.json(await publicJwks(state), { headers: { 'cache-control': 'public, max-age=300' } });
    }),

    http.get(pathMatcher('/.well-known/openid-configuration'), ({ request }) => {
      const issuer = new URL(request.url).origin;
      return HttpResponse.json({
        issuer,
        authorization_endpoint: `${issuer}/oauth/authorize`,
        token_endpoint: `${issuer}/oauth/token`,
        jwks_uri: `${issuer}/keys`,
        end_session_endpoint: `${issuer}/oidc/logout`,
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'none'],
        code_challenge_methods_supported: ['S256', 'plain'],
        scopes_supported: supportedScopes,
        claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'email', 'email_verified', 'sid'],
      });
    }),

    http.get(pathMatcher('/oidc/logout'), async ({ request }) => {
      const query = new URL(request.url).searchParams;
      const postLogoutUri = single(query, 'post_logout_redirect_uri');
      if (postLogoutUri === 'duplicate') {
        return errorPage(request, 'invalid_redirect_uri', 'post_logout_redirect_uri is given more than once');
      }
      // The session the ID token names: it ends here, and while it is active its organization is in scope for
      // templated post-logout URLs; once it has expired, templates no longer expand (RDT-007).
      const hint = query.get('id_token_hint');
      let session: OAuthSession | undefined;
      if (hint !== null) {
        const issuer = new URL(request.url).origin;
        let sessionId: unknown;
        try {
          const verified = await verifyJwt(state, hint, {
            issuer,
            // The server takes back the ID tokens it issued, even those a fault gave a wrong audience.
            audience: idTokenAudience(state.credentials.clientId),
            ignoreExpiry: true,
          });
          sessionId = verified.payload.sid;
        } catch {
          return errorPage(request, 'invalid_request', 'id_token_hint is not an ID token this server issued');
        }
        session = typeof sessionId === 'string' ? store().sessions.get(sessionId) : undefined;
      }
      const active = session !== undefined && findSession(state, session.id)?.status === 'active';
      const organizationId =
        active || state.has('templates.logout-expired-session') ? session?.organizationId : undefined;
      // RDR-019: only a registered post-logout URL is ever redirected to.
      if (postLogoutUri !== undefined && !isRegistered('post_logout', postLogoutUri, organizationId)) {
        return errorPage(
          request,
          'invalid_redirect_uri',
          'post_logout_redirect_uri is not a registered post-logout URL',
        );
      }
      const found = session && findUser(state, session.userId);
      if (session && found && !session.loggedOutAt && !state.has('logout.session-kept')) {
        session.loggedOutAt = state.nowIso();
        // The real session ends too, if it is still active (it may have expired or been revoked meanwhile).
        const ended = logoutSession(state, session.id);
        const user = signedInUser(found);
        state.emit('user.logout', 'User', userAuthEventData(user, session, 'LOGOUT'), session.organizationId);
        const clientIds = (ended?.authenticated_clients ?? []).map((c) => c.client_id ?? '').filter(Boolean);
        notifyBackChannelLogout(
          state,
          { sessionId: session.id, userId: session.userId, clientIds },
          new URL(request.url).origin,
        );
      }
      if (postLogoutUri === undefined) return page(200, 'Signed out', ['You have been signed out.']);
      // EPT-011: the state comes back with the redirect; the fault leaves it out.
      const logoutState = state.has('logout.state-dropped') ? undefined : (query.get('state') ?? undefined);
      return redirectTo(postLogoutUri, { state: logoutState });
    }),
  ];
}
