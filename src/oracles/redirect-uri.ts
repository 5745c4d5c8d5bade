// The reference model of redirect-URI registration rules (RDR-003..RDR-016, EPT-001): a URI, the environment kind
// and the redirect type in, the IDs of the rules it breaks out. Pure; the mock's `redirects` hook and the suites
// both call it. Points the docs leave open (G-03..G-06) come from the profile's `redirects` settings.
//
// Redirect types: the validity table carries no per-type column, so its rules apply to all four types alike
// (RDR-017 only names them). Initiate login alone has a page of its own, which adds EPT-001 on top of the table
// (C-23); where both forbid the same URI (http or localhost in production) both rules are reported. Wildcards are
// limited to `wildcardRedirectTypes` (G-04). A back-channel logout URL with a custom scheme cannot receive a server
// POST, but no source forbids it, so it is not reported. Organisation templates (`{{...}}`) are a different feature
// with the opposite partial-label rule (C-25): redirect-template.ts judges them; here they are plain text.

import type { RuleId } from '../rules/catalogue.js';

export type EnvironmentKind = 'development' | 'production';

/** The four allowlists a redirect URI is registered in (RDR-017); also the `redirects` hook's path segment. */
export const redirectTypes = ['callback', 'initiate_login', 'post_logout', 'back_channel_logout'] as const;
export type RedirectType = (typeof redirectTypes)[number];

/** The profile's `redirects` section (src/config/profile.ts): declared here, beside the oracle that reads it. */
export interface RedirectSettings {
  /** G-01: use the `redirects` control hook to test registration when the target advertises it. */
  registrationHook: 'use-if-advertised' | 'never';
  /** G-02: what an authorize request with an unregistered redirect_uri gets. Either way, never a redirect to it. */
  unregisteredOutcome: 'errorPage' | 'redirectWithError';
  /** G-02: statuses accepted for the error page. */
  unregisteredStatus: number[];
  /** G-03: the length limit, whether a URI of exactly that length passes, and what is counted. */
  lengthLimit: number;
  lengthLimitInclusive: boolean;
  lengthMeasuredOn: 'raw-characters' | 'utf8-bytes';
  /** G-04: what one `*` covers when matching, and where wildcards may be registered. */
  wildcardSpan: 'one-label-fragment' | 'one-or-more-labels';
  wildcardMatchesApex: boolean;
  wildcardMatchesEmpty: boolean;
  wildcardRedirectTypes: RedirectType[];
  /** G-05: hosts that count as localhost (`*.x` covers subdomains), and whether loopback ports are free. */
  localhostHosts: string[];
  loopbackAnyPort: boolean;
  /** G-06: custom schemes allowed (`*` for any not denied) and denied in every environment. */
  customSchemeAllowList: string[];
  customSchemeDenyList: string[];
  /** G-07: how a requested URI is compared with a registered one. */
  matchMode: 'exact';
  /** G-25: what a post-logout request to an unregistered URI gets; never a redirect to it. */
  postLogoutRejection: 'errorPage' | 'defaultRedirect';
  /**
   * G-27: how long a registered back-channel logout URL may take to hear of a logout (EPT-012). The suite's
   * receiver is the webhooks one (webhooks.receiverPort, receiverPublicUrl).
   */
  backChannelLogoutWaitMs: number;
}

export const defaultRedirectSettings: RedirectSettings = {
  registrationHook: 'use-if-advertised',
  unregisteredOutcome: 'errorPage',
  unregisteredStatus: [400, 401, 403, 404, 422],
  lengthLimit: 256,
  lengthLimitInclusive: true,
  lengthMeasuredOn: 'raw-characters',
  wildcardSpan: 'one-label-fragment',
  wildcardMatchesApex: false,
  wildcardMatchesEmpty: false,
  wildcardRedirectTypes: [...redirectTypes],
  localhostHosts: ['localhost', '127.0.0.1', '[::1]', '*.localhost'],
  loopbackAnyPort: false,
  customSchemeAllowList: ['*'],
  customSchemeDenyList: ['javascript', 'data', 'file', 'vbscript'],
  matchMode: 'exact',
  postLogoutRejection: 'errorPage',
  backChannelLogoutWaitMs: 5_000,
};

export interface UriParts {
  scheme: string | undefined;
  authority: string | undefined;
  host: string | undefined;
  port: string | undefined;
  path: string;
  query: string | undefined;
  fragment: string | undefined;
}

/** RFC 3986 appendix B: splits without normalising, because matching is on the exact string (RDR-002, G-07). */
export function splitUri(uri: string): UriParts {
  const match = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s.exec(uri);
  const [, scheme, authority, path = '', query, fragment] = match ?? [];
  let host: string | undefined;
  let port: string | undefined;
  if (authority !== undefined) {
    const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
    const bracketed = /^(\[[^\]]*\])(?::(.*))?$/.exec(hostPort);
    if (bracketed) [, host, port] = bracketed;
    else {
      const colon = hostPort.lastIndexOf(':');
      host = colon === -1 ? hostPort : hostPort.slice(0, colon);
      port = colon === -1 ? undefined : hostPort.slice(colon + 1);
    }
  }
  return { scheme, authority, host: host?.toLowerCase(), port, path, query, fragment };
}

/** G-05: a trailing dot names the same host, so `localhost.` is localhost too. */
export function isLocalhost(host: string, profile: Pick<RedirectSettings, 'localhostHosts'>): boolean {
  const bare = host.toLowerCase().replace(/\.$/, '');
  return profile.localhostHosts.some((entry) =>
    entry.startsWith('*.') ? bare.endsWith(entry.slice(1)) : bare === entry,
  );
}

/** G-03: the length the limit is measured on; code points for 'raw-characters', so one emoji counts once. */
export function redirectUriLength(uri: string, profile: Pick<RedirectSettings, 'lengthMeasuredOn'>): number {
  return profile.lengthMeasuredOn === 'utf8-bytes' ? Buffer.byteLength(uri, 'utf8') : [...uri].length;
}

/** G-03: the longest URI that passes RDR-007. */
export function maxRedirectUriLength(profile: Pick<RedirectSettings, 'lengthLimit' | 'lengthLimitInclusive'>): number {
  return profile.lengthLimitInclusive ? profile.lengthLimit : profile.lengthLimit - 1;
}

export function exceedsLengthLimit(
  uri: string,
  profile: Pick<RedirectSettings, 'lengthLimit' | 'lengthLimitInclusive' | 'lengthMeasuredOn'>,
): boolean {
  return redirectUriLength(uri, profile) > maxRedirectUriLength(profile);
}

export const webSchemes: readonly string[] = ['http', 'https'];

/** G-06: a custom scheme passes when the allow list has it (or `*`) and the deny list does not. */
export function isCustomSchemeAllowed(
  scheme: string,
  profile: Pick<RedirectSettings, 'customSchemeAllowList' | 'customSchemeDenyList'>,
): boolean {
  const name = scheme.toLowerCase();
  if (profile.customSchemeDenyList.map((s) => s.toLowerCase()).includes(name)) return false;
  return profile.customSchemeAllowList.some((s) => s === '*' || s.toLowerCase() === name);
}

/**
 * The lower-cased scheme when the URI is absolute (RDR-010), otherwise undefined. http and https need a host.
 * `localhost:3000/cb` and `app.example.com:8443/cb` parse as a scheme followed by a path, but what they are is a
 * host and port typed without a scheme, so a "scheme" followed directly by digits and no `//` is not absolute.
 */
function absoluteScheme(parts: UriParts): string | undefined {
  const scheme = parts.scheme?.toLowerCase();
  if (!scheme || !/^[a-z][a-z0-9+.-]*$/.test(scheme)) return undefined;
  if (webSchemes.includes(scheme)) return parts.host ? scheme : undefined;
  if (parts.authority === undefined && /^\d+(?:\/|$)/.test(parts.path)) return undefined;
  return scheme;
}

/**
 * The wildcard placement rules (RDR-012..RDR-015) for a URI that contains `*`. Several wildcards are RDR-013; the
 * placement rules then judge the first one only, since the extra ones are already reported as extra.
 */
function wildcardViolations(uri: string, parts: UriParts): RuleId[] {
  const found: RuleId[] = [];
  if ((uri.match(/\*/g) ?? []).length > 1) found.push('RDR-013');
  const host = parts.host ?? '';
  const authority = parts.authority ?? '';
  const userinfo = authority.includes('@') ? authority.slice(0, authority.lastIndexOf('@')) : '';
  // The host comes before port and path, so the first `*` is in the host unless the userinfo holds one.
  if (!host.includes('*') || userinfo.includes('*')) return [...found, 'RDR-014'];
  const labels = host.split('.');
  const index = labels.findIndex((label) => label.includes('*'));
  // Any position inside the outermost label passes (`*`, `auth-*`): the docs state no rule against the others.
  if (index !== 0) found.push('RDR-015');
  // A wildcard directly above a top-level domain (*.com), or as the top-level domain itself, covers whole TLDs.
  if (index === labels.length - 1 || (index === 0 && labels.length <= 2)) found.push('RDR-012');
  return found;
}

/** The rules a URI breaks when registered as `type` in an environment of `kind`; empty when it is valid. */
export function redirectUriViolations(
  uri: string,
  kind: EnvironmentKind,
  type: RedirectType = 'callback',
  profile: RedirectSettings = defaultRedirectSettings,
): RuleId[] {
  const found = new Set<RuleId>();
  const parts = splitUri(uri);
  if (exceedsLengthLimit(uri, profile)) found.add('RDR-007');
  if (parts.query !== undefined) found.add('RDR-008');
  if (parts.fragment !== undefined) found.add('RDR-009');
  const scheme = absoluteScheme(parts);
  if (scheme === undefined) {
    // Nothing else can be judged on a relative reference: its scheme and host are unknown.
    found.add('RDR-010');
    return [...found].sort();
  }
  const web = webSchemes.includes(scheme);
  if (!web && !isCustomSchemeAllowed(scheme, profile)) found.add('RDR-011');
  if (scheme === 'http' && kind === 'production') found.add('RDR-004');
  const localhost = web && isLocalhost(parts.host ?? '', profile);
  if (localhost && kind === 'production') found.add('RDR-005');
  if (uri.includes('*')) {
    for (const rule of wildcardViolations(uri, parts)) found.add(rule);
    // Development only, and only for the redirect types the profile lets take wildcards (G-04).
    if (kind === 'production' || !profile.wildcardRedirectTypes.includes(type)) found.add('RDR-006');
  }
  // The initiate-login endpoint is stricter: HTTPS and no localhost in production (EPT-001, C-23).
  if (type === 'initiate_login' && kind === 'production' && (scheme !== 'https' || localhost)) found.add('EPT-001');
  return [...found].sort();
}
