// The reference model of redirect-URI matching at run time: which registered entry, if any, a requested
// redirect_uri is accepted under. Plain entries compare as exact strings (RDR-002, G-07 'exact'): scheme, host case,
// port, path and trailing slash all count. Wildcard entries follow the G-04 settings; template entries are
// expanded for the organisation in scope and then compared exactly (RDT-005, RDT-006). Registrations are assumed
// to have passed the registration oracles; an entry they would refuse still never matches more than it says.

import {
  defaultTemplateSettings,
  expandTemplate,
  isTemplate,
  type TemplateOrganization,
  type TemplateSettings,
} from './redirect-template.js';
import { exceedsLengthLimit, isLocalhost, splitUri, webSchemes } from './redirect-uri.js';

export interface MatchContext {
  /** The organisation in scope (organization_id, or the session for logout); none means templates never match. */
  organization?: TemplateOrganization | undefined;
  profile?: TemplateSettings;
}

/** The registered entry `requested` is accepted under, or undefined when none accepts it. First match wins. */
export function matchRedirectUri(
  requested: string,
  registered: readonly string[],
  context: MatchContext = {},
): string | undefined {
  // A literal `*` or `{{` in a request is never the wildcard or template it looks like.
  if (requested.includes('*') || isTemplate(requested)) return undefined;
  const profile = context.profile ?? defaultTemplateSettings;
  return registered.find((entry) => {
    if (isTemplate(entry)) {
      if (!context.organization) return false; // RDT-006: no organisation, no expansion.
      const expanded = expandTemplate(entry, context.organization);
      if (expanded === undefined) return false;
      const limit = profile.redirectTemplates.expandedLengthLimit;
      if (limit !== null && exceedsLengthLimit(expanded, { ...profile.redirects, lengthLimit: limit })) return false;
      if (expanded.includes('*')) {
        return profile.redirectTemplates.combineWithWildcards && wildcardMatches(requested, expanded, profile);
      }
      return exactMatches(requested, expanded, profile);
    }
    if (entry.includes('*')) return wildcardMatches(requested, entry, profile);
    return exactMatches(requested, entry, profile);
  });
}

/** RFC 8252 §7.3 loopback redirects may use any port when `loopbackAnyPort` is set (G-05); else exact. */
function exactMatches(requested: string, entry: string, profile: TemplateSettings): boolean {
  if (requested === entry) return true;
  if (!profile.redirects.loopbackAnyPort) return false;
  const parts = splitUri(entry);
  const scheme = parts.scheme?.toLowerCase() ?? '';
  if (!webSchemes.includes(scheme) || !isLocalhost(parts.host ?? '', profile.redirects)) return false;
  const portless = withoutPort(entry);
  return portless !== undefined && portless === withoutPort(requested);
}

function withoutPort(uri: string): string | undefined {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*?)(?::\d*)?([/?#].*)?$/s.exec(uri);
  return match ? `${match[1]}${match[2] ?? ''}` : undefined;
}

/** Letters, digits and hyphens: what a piece of one DNS label may hold. */
const labelPiece = '[A-Za-z0-9-]';

/**
 * G-04: the one `*` stands for a non-empty piece of the outermost label ('one-label-fragment') or for one or more
 * whole labels ('one-or-more-labels'); everything around it, port and path included, must match exactly.
 * `wildcardMatchesEmpty` lets a partial label (`auth-*`) match `auth-`; a whole-label `*` never matches an empty
 * label, and reaches the apex (`acmecorp.com` for `*.acmecorp.com`) only with `wildcardMatchesApex`.
 */
function wildcardMatches(requested: string, entry: string, profile: TemplateSettings): boolean {
  const star = entry.indexOf('*');
  const before = entry.slice(0, star);
  const after = entry.slice(star + 1);
  // Only a single `*` in the first host label acts as a wildcard; any other entry with `*` matches nothing.
  if (after.includes('*') || !/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#@.:[\]]*$/.test(before)) return false;
  const settings = profile.redirects;
  const wholeLabel = before.endsWith('//') && /^(?:\.|$)/.test(after);
  if (wholeLabel && settings.wildcardMatchesApex && requested === before + after.slice(1)) return true;
  if (!requested.startsWith(before) || !requested.endsWith(after)) return false;
  if (requested.length < before.length + after.length) return false;
  const fragment = requested.slice(before.length, requested.length - after.length);
  if (fragment === '') return settings.wildcardMatchesEmpty && !wholeLabel;
  const pattern =
    settings.wildcardSpan === 'one-or-more-labels'
      ? new RegExp(`^${labelPiece}+(?:\\.${labelPiece}+)*$`)
      : new RegExp(`^${labelPiece}+$`);
  return pattern.test(fragment);
}
