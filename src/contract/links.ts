import { type DereferencedDocument, resolveRef } from '../spec/document.js';
import { type HttpMethod, type OperationInfo, operationsOf } from './operations.js';

// The spec declares no OpenAPI links, so the producer → consumer pairs that stateful chains follow are inferred:
// a path parameter names a resource (`{client_id}`, or `{id}` after `/clients`), and an operation whose success
// body carries that resource (`client`, or an array `clients`) with the matching field produces its value.

export interface OperationRef {
  method: HttpMethod;
  path: string;
}

/** Where a value appears in an operation's success body: `<property>.<field>`, or `<property>[].<field>`. */
export interface ValueSource {
  operation: OperationRef;
  status: string;
  property: string;
  /** The property is an array of resources (a list), not one resource. */
  many: boolean;
  field: string;
  /** create: a POST answering one resource; list: a GET answering many; other: anything else. */
  role: 'create' | 'list' | 'other';
  /** The producer's request body has the same field: the client chooses the value (a name, an external ID). */
  clientChosen: boolean;
}

export interface ParameterLink {
  operation: OperationRef;
  parameter: string;
  /** The resource the parameter names, singular: `organization`, `role`, `secret`. */
  resource: string;
  producer: ValueSource;
  /** Other producers, best first (e.g. the list beside the create). */
  alternatives: ValueSource[];
}

export interface UnlinkedParameter {
  operation: OperationRef;
  parameter: string;
  reason: string;
}

export interface LinkMap {
  links: ParameterLink[];
  unlinked: UnlinkedParameter[];
}

// The one irregular name in the spec: a field that means something else in the body (a passkey's `credential_id`
// is the authenticator's raw bytes, base64; the path takes the record's `id`, as the mock reads it). Abbreviations
// such as `{org_id}` need no entry: the collection segment before them (`organizations`) names the resource.
const fieldOverrides: readonly { parameter: string; pathPrefix: string; fields: string[] }[] = [
  { parameter: 'credential_id', pathPrefix: '/api/v1/webauthn/credentials/', fields: ['id'] },
];

type Raw = Record<string, unknown>;

/** A schema of the dereferenced spec with its allOf parts' properties merged; a ref the tree kept is followed. */
function resolve(document: DereferencedDocument, schema: unknown, depth = 0): Raw {
  const node = (schema ?? {}) as Raw;
  if (depth > 8) return node;
  if (typeof node.$ref === 'string') return resolve(document, resolveRef(document, node.$ref), depth + 1);
  // allOf parts contribute their properties (protoc-gen-openapi emits none, but other generators do).
  if (Array.isArray(node.allOf)) {
    const parts = node.allOf.map((part) => resolve(document, part, depth + 1));
    return { ...node, properties: Object.assign({}, ...parts.map((p) => p.properties ?? {}), node.properties ?? {}) };
  }
  return node;
}

const propertiesOf = (document: DereferencedDocument, schema: unknown): Raw =>
  (resolve(document, schema).properties ?? {}) as Raw;

const singular = (word: string) =>
  word
    .replaceAll('-', '_')
    .replace(/ies$/, 'y')
    .replace(/(?<!s)s$/, '');
const plural = (noun: string) => (noun.endsWith('y') ? `${noun.slice(0, -1)}ies` : `${noun}s`);
const lastWord = (noun: string) => noun.split('_').at(-1) ?? noun;

/** The collection segment before a parameter: `users` in `/users:external/{external_id}`. */
function segmentBefore(path: string, parameter: string): string {
  const segments = path.split('/');
  const index = segments.findIndex((s) => s.includes(`{${parameter}}`));
  return (segments[index - 1] ?? '').replace(/:.*$/, '');
}

/**
 * The resources a path parameter may name, most specific first, and the fields that may hold its value.
 * `{client_id}` names a client (`client_id` or `id`); `{id}` and `{external_id}` take the resource from the
 * collection segment before them.
 */
export function parameterTarget(path: string, parameter: string): { resources: string[]; fields: string[] } {
  const override = fieldOverrides.find((o) => o.parameter === parameter && path.startsWith(o.pathPrefix));
  const fromSegment = singular(segmentBefore(path, parameter));
  const named = /^(.+)_(id|name)$/.exec(parameter);
  let resources: string[];
  let fields: string[];
  if (named?.[1] && named[2] && named[1] !== 'external') {
    const noun = named[1];
    resources = [noun, lastWord(noun), fromSegment, lastWord(fromSegment)];
    fields = [parameter, named[2]];
  } else {
    resources = [fromSegment, lastWord(fromSegment)];
    fields = [parameter];
  }
  return { resources: [...new Set(resources.filter(Boolean))], fields: override?.fields ?? fields };
}

/** The first success status with a JSON body, and that body's schema. */
function successBody(
  document: DereferencedDocument,
  operation: OperationRef,
): { status: string; schema: unknown } | undefined {
  const raw = document.paths[operation.path]?.[operation.method] as Raw | undefined;
  const responses = (raw?.responses ?? {}) as Record<string, Raw>;
  for (const [status, response] of Object.entries(responses)) {
    const schema = ((response.content as Raw | undefined)?.['application/json'] as Raw | undefined)?.schema;
    if (/^2\d\d$/.test(status) && schema !== undefined) return { status, schema };
  }
  return undefined;
}

/**
 * Where an operation's success body carries a resource with one of the fields: a property named after the
 * resource holding one object, or named in the plural holding an array of them.
 */
export function findCarrier(
  document: DereferencedDocument,
  operation: OperationInfo,
  resource: string,
  fields: readonly string[],
): ValueSource | undefined {
  const body = successBody(document, operation);
  if (!body) return undefined;
  for (const [property, schema] of Object.entries(propertiesOf(document, body.schema))) {
    const resolved = resolve(document, schema);
    const many = property === plural(resource) && resolved.type === 'array';
    if (property !== resource && !many) continue;
    const item = propertiesOf(document, many ? resolved.items : resolved);
    const field = fields.find((f) => f in item);
    if (field === undefined) continue;
    const role =
      operation.method === 'post' && !many ? 'create' : operation.method === 'get' && many ? 'list' : 'other';
    const requestFields = operation.body ? propertiesOf(document, operation.body.schema) : {};
    const chosen = field in requestFields && resolve(document, requestFields[field]).readOnly !== true;
    return {
      operation: { method: operation.method, path: operation.path },
      status: body.status,
      property,
      many,
      field,
      role,
      clientChosen: chosen,
    };
  }
  return undefined;
}

/**
 * Where a resource nested in another is listed: `client.secrets[].id` in a client's body, for secrets that have
 * no read operation of their own.
 */
export function findNestedCarrier(
  document: DereferencedDocument,
  outer: ValueSource,
  resource: string,
  field: string,
): string | undefined {
  const body = successBody(document, outer.operation);
  if (!body) return undefined;
  const outerSchema = propertiesOf(document, body.schema)[outer.property];
  const nested = resolve(document, propertiesOf(document, outerSchema)[plural(resource)]);
  if (nested.type !== 'array' || !(field in propertiesOf(document, nested.items))) return undefined;
  return plural(resource);
}

const pathParameters = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
const roleRank = { create: 0, list: 1, other: 2 } as const;

function sharedSegments(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  let n = 0;
  while (n < left.length && left[n] === right[n]) n++;
  return n;
}

/** For every path parameter of every operation: the operation that produces its value, or why there is none. */
export function inferLinks(document: DereferencedDocument): LinkMap {
  const operations = operationsOf(document);
  // The resources each operation's own path parameters name: a producer needing the one sought would be circular.
  const needs = new Map(
    operations.map((o) => [o, new Set(pathParameters(o.path).flatMap((q) => parameterTarget(o.path, q).resources))]),
  );
  const links: ParameterLink[] = [];
  const unlinked: UnlinkedParameter[] = [];
  for (const operation of operations) {
    const ref = { method: operation.method, path: operation.path };
    for (const parameter of pathParameters(operation.path)) {
      const target = parameterTarget(operation.path, parameter);
      let found: { resource: string; sources: ValueSource[] } | undefined;
      for (const resource of target.resources) {
        const sources = operations
          .filter((p) => !needs.get(p)?.has(resource))
          .flatMap((p) => findCarrier(document, p, resource, target.fields) ?? []);
        if (sources.length > 0) {
          found = { resource, sources };
          break;
        }
      }
      if (!found) {
        unlinked.push({
          operation: ref,
          parameter,
          reason: `no success body outside a path that needs it carries a ${target.resources.join(' or ')} with ${target.fields.join(' or ')}`,
        });
        continue;
      }
      const ranked = found.sources.sort(
        (a, b) =>
          roleRank[a.role] - roleRank[b.role] ||
          sharedSegments(b.operation.path, operation.path) - sharedSegments(a.operation.path, operation.path) ||
          pathParameters(a.operation.path).length - pathParameters(b.operation.path).length ||
          a.operation.path.localeCompare(b.operation.path),
      );
      const [producer, ...alternatives] = ranked as [ValueSource, ...ValueSource[]];
      links.push({ operation: ref, parameter, resource: found.resource, producer, alternatives });
    }
  }
  return { links, unlinked };
}

export const operationName = (operation: OperationRef) => `${operation.method.toUpperCase()} ${operation.path}`;

/** `POST /api/v1/organizations → organization.id`, for reports and test names. */
export function describeSource(source: ValueSource): string {
  return `${operationName(source.operation)} → ${source.property}${source.many ? '[]' : ''}.${source.field}`;
}

/** The link of one parameter of one operation, or undefined when it has none. */
export function linkOf(map: LinkMap, operation: OperationRef, parameter: string): ParameterLink | undefined {
  return map.links.find(
    (l) => l.parameter === parameter && l.operation.path === operation.path && l.operation.method === operation.method,
  );
}
