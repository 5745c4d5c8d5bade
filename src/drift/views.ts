import { type DriftFinding, driftKinds } from '../checks/drift.js';
import type { ChangeKindId, Classification } from './change-kinds.js';
import type { Acceptance, ChangeGroup, ServerDriftGroup } from './report.js';

// The report in a reviewer's words, independent of the output format: each change as one phrase ("minLength 1
// removed"), the endpoint each change belongs to, changes per endpoint most severe first, and a run's identical
// findings collapsed over the operations that showed them. Every renderer (Markdown, GitHub annotations, JUnit)
// reads these, so the wording is the same everywhere.

/** Plain words and values; a renderer shows values as code (Markdown) or as they are (annotations). */
export type Phrase = (string | { value: string })[];

/** A phrase as plain text, values in backticks. */
export function plainPhrase(phrase: Phrase): string {
  return phrase.map((part) => (typeof part === 'string' ? part : `\`${part.value}\``)).join('');
}

const methods = 'GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE';
const operationPattern = new RegExp(`^(?:${methods}) \\S+`);

/**
 * Where a change sits, for the per-endpoint view: the endpoint (`GET /api/v1/users/{id}`, `webhook user.created`,
 * or the component schemas and security schemes, which belong to no endpoint) and what changed inside it.
 */
export interface Place {
  endpoint: string;
  /** `response 200 .user.email`, `query parameter page`; empty when the endpoint itself changed. */
  subject: string;
}

export const componentSchemas = 'component schemas';
export const securitySchemes = 'security schemes';

export function placeOf(location: string): Place {
  const operation = operationPattern.exec(location)?.[0];
  if (operation) return { endpoint: operation, subject: location.slice(operation.length).trim() };
  const webhook = /^webhook \S+/.exec(location)?.[0];
  if (webhook) return { endpoint: webhook, subject: location.slice(webhook.length).trim() };
  const component = /^component schema (.+)$/.exec(location)?.[1];
  if (component) return { endpoint: componentSchemas, subject: component };
  const scheme = /^security scheme (.+)$/.exec(location)?.[1];
  if (scheme) return { endpoint: securitySchemes, subject: scheme };
  return { endpoint: location, subject: '' };
}

const unescapeSegment = (segment: string) => segment.replaceAll('~1', '/').replaceAll('~0', '~');

/**
 * A JSON pointer in a reader's terms: `/components/schemas/User/properties/email/maxLength` is `schema User.email`,
 * `/paths/~1api~1v1~1users~1{id}/get` is `GET /api/v1/users/{id}`. The keyword at the end is left out: the phrase
 * beside it names it.
 */
export function specPlace(pointer: string): string {
  const segments = pointer.split('/').slice(1).map(unescapeSegment);
  const [root, first, second, ...rest] = segments;
  if (root === 'components' && first === 'schemas' && second !== undefined) {
    return `schema ${second}${propertyPath(rest)}`;
  }
  if (root === 'paths' && first !== undefined) {
    if (second === undefined || !new RegExp(`^(?:${methods})$`, 'i').test(second)) return first;
    return `${second.toUpperCase()} ${first}${rest.length ? ` ${rest.join('/')}` : ''}`;
  }
  if (root === 'webhooks' && first !== undefined) return `webhook ${first}`;
  return `/${segments.join('/')}`;
}

/** `properties/a/items/properties/b/enum` as `.a[].b`; it stops at the first schema keyword. */
function propertyPath(segments: string[]): string {
  let path = '';
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index];
    const next = segments[index + 1];
    if (segment === 'properties' && next !== undefined) {
      path += `.${next}`;
      index++;
    } else if (segment === 'items') path += '[]';
    else if (segment === 'additionalProperties') path += '.*';
    else if ((segment === 'allOf' || segment === 'oneOf' || segment === 'anyOf') && next !== undefined) {
      path += `<${segment} ${next}>`;
      index++;
    } else break;
  }
  return path;
}

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function valueList(values: unknown, max = 10): Phrase {
  const list = Array.isArray(values) ? values : [values];
  const shown = list.slice(0, max).flatMap((value, index) => [index === 0 ? '' : ', ', { value: asText(value) }]);
  return list.length > max ? [...shown, ` and ${list.length - max} more`] : shown;
}

const plural = (values: unknown, one: string, many: string) =>
  Array.isArray(values) && values.length > 1 ? many : one;

/** A `{ keyword: n }` pair from the limit and alternatives changes: the keyword and both numbers. */
function keywordPair(from: unknown, to: unknown): { keyword: string; before: unknown; after: unknown } {
  const before = (from ?? {}) as Record<string, unknown>;
  const after = (to ?? {}) as Record<string, unknown>;
  const keyword = Object.keys(after)[0] ?? Object.keys(before)[0] ?? 'limit';
  return { keyword, before: before[keyword], after: after[keyword] };
}

function limitPhrase(from: unknown, to: unknown): Phrase {
  const { keyword, before, after } = keywordPair(from, to);
  if (before === null || before === undefined) return [`${keyword} ${asText(after)} added`];
  if (after === null || after === undefined) return [`${keyword} ${asText(before)} removed`];
  return [`${keyword} from ${asText(before)} to ${asText(after)}`];
}

/** One keyword's value added, removed or changed (format, pattern, type). */
function keywordPhrase(keyword: string, from: unknown, to: unknown): Phrase {
  if (from === undefined) return [`${keyword} `, { value: asText(to) }, ' added'];
  if (to === undefined) return [`${keyword} `, { value: asText(from) }, ' removed'];
  return [`${keyword} from `, { value: asText(from) }, ' to ', { value: asText(to) }];
}

/** The top-level keys on which two objects differ (a security scheme's `flows`, `type`). */
function changedKeys(from: unknown, to: unknown): string[] {
  const before = (from ?? {}) as Record<string, unknown>;
  const after = (to ?? {}) as Record<string, unknown>;
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

/** What happened, in the words of a review: `minLength 1 removed`, `enum values added: A, B`, `made required`. */
export function changePhrase(change: { kind: ChangeKindId; from?: unknown; to?: unknown }): Phrase {
  const { kind, from, to } = change;
  const number = Number(kind.slice(3));
  if (number >= 100) return schemaPhrase(number % 100, from, to);
  switch (kind) {
    case 'SD-001':
      return from === undefined ? ['operation removed'] : ['operation removed (', { value: asText(from) }, ')'];
    case 'SD-002':
      return to === undefined ? ['operation added'] : ['operation added (', { value: asText(to) }, ')'];
    case 'SD-003':
      return keywordPhrase('operationId', from, to);
    case 'SD-010':
    case 'SD-022':
    case 'SD-031':
    case 'SD-061':
      return ['removed'];
    case 'SD-011':
    case 'SD-020':
      return ['added (optional)'];
    case 'SD-012':
    case 'SD-021':
      return ['added (required)'];
    case 'SD-013':
    case 'SD-023':
      return ['made required'];
    case 'SD-014':
    case 'SD-024':
      return ['made optional'];
    case 'SD-025':
    case 'SD-032':
      return ['media type ', { value: asText(to) }, ' added'];
    case 'SD-026':
    case 'SD-033':
      return ['media type ', { value: asText(from) }, ' removed'];
    case 'SD-030':
    case 'SD-060':
      return ['added'];
    case 'SD-040':
      return ['requirement ', { value: asText(to) }, ' added'];
    case 'SD-041':
      return ['requirement ', { value: asText(from) }, ' removed'];
    case 'SD-042': {
      const keys = changedKeys(from, to);
      return keys.length ? ['changed: ', ...valueList(keys)] : ['changed'];
    }
    case 'SD-050':
      return ['webhook added'];
    case 'SD-051':
      return ['webhook removed'];
  }
  return [];
}

function schemaPhrase(number: number, from: unknown, to: unknown): Phrase {
  switch (number) {
    case 1:
      return ['added (optional)'];
    case 2:
      return ['added (required)'];
    case 3:
      return ['removed'];
    case 4:
      return ['made required'];
    case 5:
      return ['made optional'];
    case 6:
      return keywordPhrase('type', from, to);
    case 7:
      return ['made nullable'];
    case 8:
      return ['made non-nullable'];
    case 9:
      return [`${plural(to, 'enum value', 'enum values')} added: `, ...valueList(to)];
    case 10:
      return [`${plural(from, 'enum value', 'enum values')} removed: `, ...valueList(from)];
    case 11:
    case 12:
    case 13:
      return keywordPhrase('format', from, to);
    case 14:
    case 15:
    case 16:
      return keywordPhrase('pattern', from, to);
    case 17:
    case 18:
      return limitPhrase(from, to);
    case 19: {
      const { keyword, before, after } = keywordPair(from, to);
      return [`${keyword} from ${asText(before ?? 0)} to ${asText(after ?? 0)} members`];
    }
    case 20:
      return ['enum added: ', ...valueList(to)];
    case 21:
      return ['enum removed (it was ', ...valueList(from), ')'];
  }
  return [];
}

/** A subject and its phrase: `query parameter page removed`, `response 200 .status: enum values added: A`. */
export function sentence(subject: string, phrase: Phrase): Phrase {
  if (!subject) return phrase;
  const [head] = phrase;
  // A bare verb follows its subject; a keyword change is said of it.
  const verb = typeof head === 'string' && /^(added|removed|made|changed)\b/.test(head);
  return [`${subject}${verb ? ' ' : ': '}`, ...phrase];
}

/** A media type in the subject (`request body (text/plain)`) is left out when the phrase names it. */
function subjectFor(kind: ChangeKindId, subject: string, values: { from?: unknown; to?: unknown }): string {
  if (!['SD-025', 'SD-026', 'SD-032', 'SD-033'].includes(kind)) return subject;
  const mediaType = asText(values.to ?? values.from);
  return subject.endsWith(` (${mediaType})`) ? subject.slice(0, -(mediaType.length + 3)) : subject;
}

// --- Severity -----------------------------------------------------------------------------------------------------

/** 0 is the most severe; what a reviewer must look at comes first in every view. */
export type Severity = 0 | 1 | 2 | 3 | 4;
export const severityLabels: Record<Severity, string> = {
  0: 'breaking',
  1: 'review',
  2: 'breaking for servers',
  3: 'accepted',
  4: 'non-breaking',
};

/** Breaking for clients, then review for clients, then breaking for servers; accepted ones after those. */
export function severityOf(change: {
  clients: Classification;
  servers: Classification;
  accepted?: Acceptance | undefined;
}): Severity {
  if (change.accepted && (change.clients !== 'non-breaking' || change.servers === 'breaking')) return 3;
  if (change.clients === 'breaking') return 0;
  if (change.clients === 'review') return 1;
  if (change.servers === 'breaking') return 2;
  return 4;
}

/** Changes (locations) of groups breaking for one side, accepted ones apart. */
export function breakingCounts(
  groups: readonly ChangeGroup[],
  side: 'clients' | 'servers',
): { breaking: number; accepted: number } {
  const counts = { breaking: 0, accepted: 0 };
  for (const group of groups) {
    if (group[side] !== 'breaking') continue;
    counts[group.accepted ? 'accepted' : 'breaking'] += group.locations.length;
  }
  return counts;
}

/** Breaking for clients and not accepted: what `--fail-on breaking` counts. */
export const breaksClients = (group: ChangeGroup) => group.clients === 'breaking' && !group.accepted;

// --- Per endpoint -----------------------------------------------------------------------------------------------

export interface EndpointChange {
  group: ChangeGroup;
  /** What changed inside the endpoint; a change met under several statuses reads `responses 400, 404 .x`. */
  subject: string;
  phrase: Phrase;
  severity: Severity;
}

export interface EndpointChanges {
  endpoint: string;
  /** Most severe first. */
  changes: EndpointChange[];
  /** Its most severe change's. */
  severity: Severity;
}

/**
 * The changes per endpoint, the way a reviewer reads an API change: a component change used by five operations
 * appears under each. Endpoints with the most severe changes come first, then by path. A change met under several
 * response statuses of one operation (an error schema) is one line.
 */
export function changesByEndpoint(groups: readonly ChangeGroup[]): EndpointChanges[] {
  const endpoints = new Map<string, Map<string, { group: ChangeGroup; rest: string; statuses: string[] }>>();
  for (const [index, group] of groups.entries()) {
    for (const location of group.locations) {
      const { endpoint, subject } = placeOf(location);
      const status = /^response (\S+)(.*)$/.exec(subject);
      const rest = status ? (status[2] ?? '') : subject;
      const key = JSON.stringify([index, status ? 'response' : '', rest]);
      const entries = endpoints.get(endpoint) ?? new Map();
      endpoints.set(endpoint, entries);
      const entry = entries.get(key) ?? { group, rest, statuses: [] };
      entries.set(key, entry);
      if (status?.[1] !== undefined) entry.statuses.push(status[1]);
    }
  }
  const list = [...endpoints].map(([endpoint, entries]) => {
    const changes = [...entries.values()].map(({ group, rest, statuses }) => {
      const subject =
        statuses.length === 0
          ? rest
          : `${statuses.length === 1 ? 'response' : 'responses'} ${statuses.join(', ')}${rest}`;
      return {
        group,
        subject: subjectFor(group.kind, subject, group),
        phrase: changePhrase(group),
        severity: severityOf(group),
      };
    });
    changes.sort((a, b) => a.severity - b.severity);
    return { endpoint, changes, severity: Math.min(...changes.map((c) => c.severity)) as Severity };
  });
  const order = (endpoint: string) => {
    const [method = '', path = ''] = endpoint.split(' ');
    // Operations by path, then webhooks, then the components.
    if (endpoint === componentSchemas || endpoint === securitySchemes) return `3 ${endpoint}`;
    if (method === 'webhook') return `2 ${path}`;
    return `1 ${path} ${methods.split('|').indexOf(method)}`;
  };
  return list.sort((a, b) => a.severity - b.severity || order(a.endpoint).localeCompare(order(b.endpoint)));
}

/** One line about a change group as a whole, for the per-kind view and annotations. */
export function groupSentence(group: ChangeGroup): Phrase {
  const [only] = group.locations;
  if (group.locations.length === 1 && only !== undefined) {
    const { endpoint, subject } = placeOf(only);
    const inside = subjectFor(group.kind, subject, group);
    const where = endpoint === componentSchemas || endpoint === securitySchemes ? '' : endpoint;
    const phrase = changePhrase(group);
    if (!inside) return [where, where ? ' ' : '', ...phrase];
    return [where ? `${where} ` : '', ...sentence(inside, phrase)];
  }
  return sentence(specPlace(groupPointer(group)), changePhrase(group));
}

/** Kinds whose pointer names what remains (the parent): their `fromPointer` names what went. */
const removals = new Set<ChangeKindId>([
  'SD-001',
  'SD-010',
  'SD-022',
  'SD-026',
  'SD-031',
  'SD-033',
  'SD-051',
  'SD-061',
]);

/** The pointer that names the changed thing itself: for a removal, where it was. */
export function groupPointer(group: ChangeGroup): string {
  const removed = removals.has(group.kind) || group.kind === 'SD-103' || group.kind === 'SD-203';
  return removed && group.fromPointer !== undefined ? group.fromPointer : group.pointer;
}

// --- Server against spec ----------------------------------------------------------------------------------------

/** One observation of a run, with every operation it was made on. */
export interface CollapsedFinding {
  kind: DriftFinding['kind'];
  status?: number;
  contradiction?: string;
  detail: string;
  /** Every rule whose test saw it. */
  rules: string[];
  operations: string[];
  new?: boolean;
  accepted?: Acceptance;
}

/**
 * The same finding on many operations (a 401 the spec never declares, seen on 92) as one entry with its operations.
 * Findings differ by kind, status, contradiction, detail, the rules that saw them, and whether they are new or
 * accepted. New ones come first, then by kind, then the most widespread; accepted ones last.
 */
export function collapseServerDrift(operations: readonly ServerDriftGroup[]): CollapsedFinding[] {
  const collapsed = new Map<string, CollapsedFinding>();
  for (const { operation, findings } of operations) {
    // Several rules often see the same thing on one operation: one observation, every rule named.
    const here = new Map<string, CollapsedFinding>();
    for (const finding of findings) {
      const key = JSON.stringify([
        finding.kind,
        finding.status,
        finding.contradiction,
        finding.detail,
        finding.new === true,
        finding.accepted,
      ]);
      const entry = here.get(key) ?? {
        kind: finding.kind,
        ...(finding.status === undefined ? {} : { status: finding.status }),
        ...(finding.contradiction ? { contradiction: finding.contradiction } : {}),
        detail: finding.detail,
        rules: [],
        operations: [operation],
        ...(finding.new ? { new: true } : {}),
        ...(finding.accepted ? { accepted: finding.accepted } : {}),
      };
      if (!entry.rules.includes(finding.rule)) entry.rules.push(finding.rule);
      here.set(key, entry);
    }
    for (const [key, entry] of here) {
      const across = `${key} ${entry.rules.join()}`;
      const existing = collapsed.get(across);
      if (existing) existing.operations.push(operation);
      else collapsed.set(across, entry);
    }
  }
  const rank = (finding: CollapsedFinding) => (finding.accepted ? 2 : finding.new ? 0 : 1);
  return [...collapsed.values()].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      driftKinds.indexOf(a.kind) - driftKinds.indexOf(b.kind) ||
      b.operations.length - a.operations.length,
  );
}

/** `undeclared-status 401 (C-21): the detail`, without the rules or the operations. */
export function findingHead(finding: CollapsedFinding): string {
  const status = finding.status === undefined ? '' : ` ${finding.status}`;
  const contradiction = finding.contradiction ? ` (${finding.contradiction})` : '';
  return `${finding.kind}${status}${contradiction}: ${finding.detail}`;
}

/** `undeclared-status 401 (C-21): the detail [OAS-010]`, without the operations. */
export function findingSentence(finding: CollapsedFinding): string {
  return `${findingHead(finding)} [${finding.rules.join(', ')}]`;
}
