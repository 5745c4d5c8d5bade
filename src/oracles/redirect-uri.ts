// The reference model of redirect-URI registration rules (RDR-003..RDR-016, EPT-001): a URI, the environment kind
// and the redirect type in, the IDs of the rules it breaks out. Pure; the mock's `redirects` hook and the suites
// both call it. Points the docs leave open (G-03..G-06) come from the profile's `redirects` settings.

import { defaultProfile, type RedirectSettings, type RedirectType } from '../config/profile.js';
import type { RuleId } from '../rules/catalogue.js';

export type { RedirectType } from '../config/profile.js';
export type EnvironmentKind = 'development' | 'production';

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

export function isLocalhost(host: string, profile: Pick<RedirectSettings, 'localhostHosts'>): boolean {
  return profile.localhostHosts.some((entry) =>
    entry.startsWith('*.') ? host.endsWith(entry.slice(1)) : host === entry,
  );
}

/** The wildcard rules (RDR-012..RDR-015) for a URI that contains `*`. */
function wildcardViolations(uri: string, parts: UriParts): RuleId[] {
  // Several wildcards are RDR-013 alone: where the extra ones sit is a consequence, not a second mistake.
  if ((uri.match(/\*/g) ?? []).length > 1) return ['RDR-013'];
  const found: RuleId[] = [];
  const host = parts.host ?? '';
  const outsideHost = uri.replace(host, '').includes('*') || !host.includes('*');
  if (outsideHost) found.push('RDR-014');
  if (host.includes('*')) {
    const labels = host.split('.');
    const starred = labels.map((label, index) => ({ label, index })).filter(({ label }) => label.includes('*'));
    // Only the leftmost label may hold it, as `*` or as a prefix followed by `*` (auth-*).
    if (starred.some(({ label, index }) => index !== 0 || !/^[a-z0-9-]*\*$/.test(label))) found.push('RDR-015');
    // A wildcard directly above a top-level domain (*.com) would cover every site under it.
    if (labels[0]?.includes('*') && labels.length <= 2) found.push('RDR-012');
  }
  return found;
}

/** The rules a URI breaks when registered as `type` in an environment of `kind`; empty when it is valid. */
export function redirectUriViolations(
  uri: string,
  kind: EnvironmentKind,
  type: RedirectType = 'callback',
  profile: RedirectSettings = defaultProfile.redirects,
): RuleId[] {
  const found = new Set<RuleId>();
  const parts = splitUri(uri);
  const scheme = parts.scheme?.toLowerCase();
  const length = profile.lengthMeasuredOn === 'utf8-bytes' ? Buffer.byteLength(uri, 'utf8') : [...uri].length;
  if (profile.lengthLimitInclusive ? length > profile.lengthLimit : length >= profile.lengthLimit) found.add('RDR-007');
  if (!scheme || !/^[a-z][a-z0-9+.-]*$/.test(scheme) || (scheme.startsWith('http') && !parts.host)) {
    found.add('RDR-010');
    return [...found].sort();
  }
  if (parts.query !== undefined) found.add('RDR-008');
  if (parts.fragment !== undefined) found.add('RDR-009');
  const web = scheme === 'http' || scheme === 'https';
  const allowed = profile.customSchemeAllowList.includes('*') || profile.customSchemeAllowList.includes(scheme);
  if (!web && (profile.customSchemeDenyList.includes(scheme) || !allowed)) found.add('RDR-011');
  if (scheme === 'http' && kind === 'production') found.add('RDR-004');
  const host = parts.host ?? '';
  if (web && isLocalhost(host, profile) && kind === 'production') found.add('RDR-005');
  if (uri.includes('*')) {
    for (const rule of wildcardViolations(uri, parts)) found.add(rule);
    // Development only, and only for the redirect types the profile lets take wildcards (G-04).
    if (kind === 'production' || !profile.wildcardRedirectTypes.includes(type)) found.add('RDR-006');
  }
  // The initiate-login endpoint is stricter: HTTPS and no localhost in production (EPT-001, C-23).
  if (type === 'initiate_login' && kind === 'production' && (scheme !== 'https' || isLocalhost(host, profile))) {
    found.add('EPT-001');
  }
  return [...found].sort();
}
