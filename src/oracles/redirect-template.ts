// The reference model of organisation-specific redirect URL templates (RDT-001..RDT-008): which templates may be
// registered, and what a template expands to for one organisation. Kept apart from the wildcard rules on purpose:
// a wildcard may fill part of a label (auth-*), a placeholder may not (C-25), so the two share no check. Open points
// (G-03 length before expansion, G-08 production, wildcards, expanded length) come from the profile.

import type { RuleId } from '../rules/catalogue.js';
import {
  defaultRedirectSettings,
  type EnvironmentKind,
  type RedirectSettings,
  type RedirectType,
  redirectUriViolations,
  splitUri,
} from './redirect-uri.js';

/** The organisation a template is expanded for (RDT-001); only what the variables read. */
export interface TemplateOrganization {
  slug?: string | undefined;
  external_id?: string | undefined;
  metadata?: Record<string, string> | undefined;
}

/** The profile's `redirectTemplates` section (src/config/profile.ts): declared here, beside the oracle that reads it. */
export interface RedirectTemplateSettings {
  /** G-08 */
  allowedInProduction: boolean;
  combineWithWildcards: boolean;
  /** The length limit after expansion; null: only the registered template's length is limited. */
  expandedLengthLimit: number | null;
}

export const defaultRedirectTemplateSettings: RedirectTemplateSettings = {
  allowedInProduction: true,
  combineWithWildcards: false,
  expandedLengthLimit: null,
};

/** The two profile sections templates are judged by (a profile is one). */
export interface TemplateSettings {
  redirects: RedirectSettings;
  redirectTemplates: RedirectTemplateSettings;
}

export const defaultTemplateSettings: TemplateSettings = {
  redirects: defaultRedirectSettings,
  redirectTemplates: defaultRedirectTemplateSettings,
};

/** RDT-002: the redirect types a template may be registered as. */
export const templateRedirectTypes: readonly RedirectType[] = ['callback', 'post_logout', 'initiate_login'];

export const builtInVariables = ['org_slug', 'external_id'] as const;

/**
 * Any other name is a metadata key (RDT-001), and metadata keys are 3-25 characters (RDT-012). The docs spell
 * placeholders without inner spaces; other spellings are reported (RDT-001), not guessed at.
 */
const variableName = /^(?:org_slug|external_id|[A-Za-z0-9_.-]{3,25})$/;
const placeholder = /\{\{([^{}]*)\}\}/g;

/** Where a placeholder sits, which decides what it may hold. */
type Position = 'host' | 'host-label' | 'partial-label' | 'path' | 'query-or-fragment' | 'elsewhere';

interface Placeholder {
  name: string;
  position: Position;
}

interface ParsedTemplate {
  placeholders: Placeholder[];
  /** `{{` or `}}` left over, or a name that cannot be a variable. */
  malformed: boolean;
  /** The template with each placeholder replaced by a private-use marker; `marker(i)` finds the i-th. */
  marked: string;
}

const marker = (index: number) => `\u{E000}${index}\u{E001}`;
const markerPattern = /\u{E000}(\d+)\u{E001}/gu;

export function isTemplate(uri: string): boolean {
  return uri.includes('{{') || uri.includes('}}');
}

function parseTemplate(template: string): ParsedTemplate {
  const names: string[] = [];
  const marked = template.replace(placeholder, (_, name: string) => marker(names.push(name) - 1));
  const malformed = marked.includes('{{') || marked.includes('}}') || names.some((name) => !variableName.test(name));
  const parts = splitUri(marked);
  const positions = new Map<number, Position>();
  const indexes = (text: string | undefined) => [...(text ?? '').matchAll(markerPattern)].map((m) => Number(m[1]));
  for (const index of indexes(parts.path)) positions.set(index, 'path');
  for (const index of indexes(`${parts.query ?? ''}${parts.fragment ?? ''}`)) positions.set(index, 'query-or-fragment');
  const host = parts.host ?? '';
  const labels = host.split('.');
  for (const label of labels) {
    const whole = /^\u{E000}(\d+)\u{E001}$/u.exec(label);
    const position: Position = !whole ? 'partial-label' : labels.length === 1 ? 'host' : 'host-label';
    for (const index of indexes(label)) positions.set(index, position);
  }
  return {
    placeholders: names.map((name, index) => ({ name, position: positions.get(index) ?? 'elsewhere' })),
    malformed,
    marked,
  };
}

/**
 * The rules a template breaks when registered as `type` in an environment of `kind`; empty when it is valid.
 * The ordinary URI rules run on the template text as written (G-03: length before expansion), so a template with
 * a query or fragment breaks RDR-008 or RDR-009 like any URI.
 */
export function templateViolations(
  template: string,
  kind: EnvironmentKind,
  type: RedirectType = 'callback',
  settings: TemplateSettings = defaultTemplateSettings,
): RuleId[] {
  const found = new Set<RuleId>(redirectUriViolations(template, kind, type, settings.redirects));
  if (!isTemplate(template)) return [...found].sort();
  const parsed = parseTemplate(template);
  if (parsed.malformed) found.add('RDT-001');
  // G-08 production is a question of where templates are accepted, the same rule as the type list.
  if (!templateRedirectTypes.includes(type)) found.add('RDT-002');
  if (kind === 'production' && !settings.redirectTemplates.allowedInProduction) found.add('RDT-002');
  if (parsed.placeholders.some((p) => p.position === 'partial-label')) found.add('RDT-004');
  // The documented patterns put placeholders in the host or the path only; scheme, port and userinfo are not
  // among them (query and fragment are already RDR-008/RDR-009). A wildcard is not one of them either (G-08).
  const elsewhere = parsed.placeholders.some((p) => p.position === 'elsewhere');
  if (elsewhere || (!settings.redirectTemplates.combineWithWildcards && template.includes('*'))) found.add('RDT-003');
  return [...found].sort();
}

/** The value a variable takes for an organisation; an empty string counts as unset (RDT-010 clears with ""). */
function variableValue(name: string, org: TemplateOrganization): string | undefined {
  const value = name === 'org_slug' ? org.slug : name === 'external_id' ? org.external_id : org.metadata?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const fits: Record<Position, (value: string) => boolean> = {
  // A whole host takes a full hostname (auth.megasoft.com); a label takes exactly one label (RDT-003).
  host: (value) => /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/.test(value),
  'host-label': (value) => /^[A-Za-z0-9-]+$/.test(value),
  // One path segment: a value that brought its own `/`, `?` or `#` would change the URI's structure.
  path: (value) => !/[/?#\s]/.test(value),
  'partial-label': () => false,
  'query-or-fragment': () => false,
  elsewhere: () => false,
};

/**
 * The URL a template expands to for `org`, or undefined when it cannot be expanded: a variable the organisation
 * does not set (RDT-006, and one set variable is enough: RDT-008), a value that does not fit its place (a
 * multi-label slug in a single-label position), or a template that breaks RDT-001/RDT-003/RDT-004.
 */
export function expandTemplate(template: string, org: TemplateOrganization): string | undefined {
  const parsed = parseTemplate(template);
  if (parsed.malformed) return undefined;
  const values: string[] = [];
  for (const { name, position } of parsed.placeholders) {
    const value = variableValue(name, org);
    if (value === undefined || !fits[position](value)) return undefined;
    values.push(value);
  }
  return parsed.marked.replace(markerPattern, (_, index: string) => values[Number(index)] ?? '');
}
