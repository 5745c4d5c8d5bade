import type { OpenApiDocument } from '../spec/document.js';
import { type Direction, type SchemaChange, type SpecChange, schemaChangeKind, specChange } from './change-kinds.js';

// The schema walk behind `diffSpecs`: two schemas side by side, following local `$ref`s into the components of
// each document, reporting each difference at a readable location and at a JSON pointer into both documents.

export type JsonObject = Record<string, unknown>;

export function asObject(value: unknown): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

export function pointerTo(base: string, ...segments: string[]): string {
  return base + segments.map((segment) => `/${segment.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** The node at an RFC 6901 pointer, or undefined. */
export function nodeAt(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let node = document;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const object = asObject(node);
    if (object) node = object[segment];
    else if (Array.isArray(node)) node = node[Number(segment)];
    else return undefined;
  }
  return node;
}

/** A node and where it sits; `node` is what the pointer names (after following any `$ref`). */
export interface Located {
  node: unknown;
  pointer: string;
}

/**
 * Follows local `$ref`s, at most 32 in a row so a ref to itself ends. External refs stay as they are. The diff and
 * the docs check read the documents as written, not the dereferenced tree (spec/document.ts): what they report is a
 * JSON pointer into each document (`/components/schemas/X/...`), which only the refs tell.
 */
export function dereference(document: unknown, at: Located): Located {
  let current = at;
  for (let hops = 0; hops < 32; hops++) {
    const ref = asObject(current.node)?.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#')) return current;
    const pointer = uriDecoded(ref.slice(1));
    current = { node: nodeAt(document, pointer), pointer };
  }
  return current;
}

/** A `$ref` fragment is URI-encoded (`%7B`); a malformed escape is taken literally rather than thrown. */
function uriDecoded(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}

export interface SchemaWalk {
  from: OpenApiDocument;
  to: OpenApiDocument;
  direction: Direction;
  /** Leads every location, e.g. `POST /api/v1/organizations request body`. */
  prefix: string;
  out: SpecChange[];
}

const tighterWhenHigher = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties'] as const;
const tighterWhenLower = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties'] as const;
const alternatives = ['allOf', 'oneOf', 'anyOf'] as const;

/**
 * Reports every difference between two schemas. `suffix` is the readable path below the prefix (`.name`,
 * `.items[]`); `onStack` holds the pointer pairs being compared further up, so recursive schemas end.
 */
export function diffSchema(
  walk: SchemaWalk,
  fromAt: Located,
  toAt: Located,
  suffix: string,
  onStack = new Set<string>(),
): void {
  const from = dereference(walk.from, fromAt);
  const to = dereference(walk.to, toAt);
  const fromSchema = asObject(from.node);
  const toSchema = asObject(to.node);
  const pair = `${from.pointer}|${to.pointer}`;
  if (!fromSchema || !toSchema || onStack.has(pair)) return;
  onStack.add(pair);
  const location = suffix ? `${walk.prefix} ${suffix}` : walk.prefix;
  const report = (change: SchemaChange, keyword: string, values: { from?: unknown; to?: unknown }) => {
    // A keyword absent on one side points at the schema that lacks it.
    const pointer = keyword in toSchema ? pointerTo(to.pointer, keyword) : to.pointer;
    const fromPointer = keyword in fromSchema ? pointerTo(from.pointer, keyword) : from.pointer;
    const kind = schemaChangeKind(change, walk.direction);
    walk.out.push(specChange(kind, { location, pointer, fromPointer, ...values }));
  };

  diffTypes(fromSchema, toSchema, (change, values) => report(change, 'type', values));
  diffEnums(fromSchema, toSchema, (change, values) => report(change, 'enum', values));
  for (const keyword of ['format', 'pattern'] as const) {
    const before = fromSchema[keyword];
    const after = toSchema[keyword];
    if (before === after) continue;
    const change = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
    report(`${keyword}-${change}`, keyword, { from: before, to: after });
  }
  for (const keyword of [...tighterWhenHigher, ...tighterWhenLower]) {
    const before = fromSchema[keyword];
    const after = toSchema[keyword];
    if (before === after || (typeof before !== 'number' && typeof after !== 'number')) continue;
    const higherIsTighter = (tighterWhenHigher as readonly string[]).includes(keyword);
    // An absent bound is the loosest one.
    const tightened =
      typeof before !== 'number' || (typeof after === 'number' && (higherIsTighter ? after > before : after < before));
    report(tightened ? 'limit-tightened' : 'limit-loosened', keyword, {
      from: { [keyword]: before ?? null },
      to: { [keyword]: after ?? null },
    });
  }

  diffProperties(
    walk,
    { schema: fromSchema, pointer: from.pointer },
    { schema: toSchema, pointer: to.pointer },
    suffix,
    onStack,
  );
  if (asObject(fromSchema.items) && asObject(toSchema.items)) {
    diffSchema(walk, child(from, 'items'), child(to, 'items'), `${suffix}[]`, onStack);
  }
  if (asObject(fromSchema.additionalProperties) && asObject(toSchema.additionalProperties)) {
    const values = 'additionalProperties';
    diffSchema(walk, child(from, values), child(to, values), `${suffix}.*`, onStack);
  }
  for (const keyword of alternatives) {
    const before = Array.isArray(fromSchema[keyword]) ? fromSchema[keyword].length : 0;
    const after = Array.isArray(toSchema[keyword]) ? toSchema[keyword].length : 0;
    if (before !== after) {
      report('alternatives-changed', keyword, { from: { [keyword]: before }, to: { [keyword]: after } });
    }
    // Members are compared by position: that is how generators name them.
    for (let index = 0; index < Math.min(before, after); index++) {
      const member = (at: Located) => child(at, keyword, String(index));
      diffSchema(walk, member(from), member(to), `${suffix}<${keyword} ${index}>`, onStack);
    }
  }
  onStack.delete(pair);
}

function child(at: Located, ...path: string[]): Located {
  return { node: nodeAt(at.node, pointerTo('', ...path)), pointer: pointerTo(at.pointer, ...path) };
}

/** Type sets without `null`; nullability (3.1 `type: [.., 'null']` or 3.0 `nullable`) is its own change. */
function typesOf(schema: JsonObject): { types: string[]; nullable: boolean } {
  const declared = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  const names = declared.filter((type): type is string => typeof type === 'string');
  return {
    types: names.filter((type) => type !== 'null').sort(),
    nullable: names.includes('null') || schema.nullable === true,
  };
}

type Report = (change: SchemaChange, values: { from?: unknown; to?: unknown }) => void;

function diffTypes(fromSchema: JsonObject, toSchema: JsonObject, report: Report) {
  const before = typesOf(fromSchema);
  const after = typesOf(toSchema);
  if (before.types.join() !== after.types.join()) {
    const show = (types: string[]) => (types.length === 0 ? undefined : types.join(' | '));
    report('type-changed', { from: show(before.types), to: show(after.types) });
  }
  if (before.nullable !== after.nullable) report(after.nullable ? 'made-nullable' : 'made-non-nullable', {});
}

function diffEnums(fromSchema: JsonObject, toSchema: JsonObject, report: Report) {
  const before = Array.isArray(fromSchema.enum) ? fromSchema.enum : undefined;
  const after = Array.isArray(toSchema.enum) ? toSchema.enum : undefined;
  if (!before && !after) return;
  if (!before) return report('enum-added', { to: after });
  if (!after) return report('enum-removed', { from: before });
  const keys = (values: unknown[]) => new Set(values.map((value) => JSON.stringify(value)));
  const beforeKeys = keys(before);
  const afterKeys = keys(after);
  const added = after.filter((value) => !beforeKeys.has(JSON.stringify(value)));
  const removed = before.filter((value) => !afterKeys.has(JSON.stringify(value)));
  if (added.length) report('enum-value-added', { to: added });
  if (removed.length) report('enum-value-removed', { from: removed });
}

interface ObjectSchema {
  schema: JsonObject;
  pointer: string;
}

/**
 * Properties a message in this direction carries: readOnly ones never appear in requests, writeOnly ones never in
 * responses, so a property turning readOnly is, for a request, a removal.
 */
function visibleProperties(
  schema: JsonObject,
  direction: Direction,
): Map<string, { node: unknown; required: boolean }> {
  const hidden = direction === 'request' ? 'readOnly' : 'writeOnly';
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const visible = new Map<string, { node: unknown; required: boolean }>();
  for (const [name, node] of Object.entries(asObject(schema.properties) ?? {})) {
    if (asObject(node)?.[hidden] === true) continue;
    visible.set(name, { node, required: required.has(name) });
  }
  return visible;
}

function diffProperties(walk: SchemaWalk, from: ObjectSchema, to: ObjectSchema, suffix: string, onStack: Set<string>) {
  const before = visibleProperties(from.schema, walk.direction);
  const after = visibleProperties(to.schema, walk.direction);
  const push = (change: SchemaChange, name: string, pointer: string, fromPointer?: string) =>
    walk.out.push(
      specChange(schemaChangeKind(change, walk.direction), {
        location: `${walk.prefix} ${suffix}.${name}`,
        pointer,
        ...(fromPointer === undefined ? {} : { fromPointer }),
      }),
    );
  for (const [name, property] of after) {
    const pointer = pointerTo(to.pointer, 'properties', name);
    const old = before.get(name);
    if (!old) {
      push(property.required ? 'property-added-required' : 'property-added-optional', name, pointer);
      continue;
    }
    const fromPointer = pointerTo(from.pointer, 'properties', name);
    if (old.required !== property.required) {
      push(property.required ? 'property-made-required' : 'property-made-optional', name, pointer, fromPointer);
    }
    diffSchema(
      walk,
      { node: old.node, pointer: fromPointer },
      { node: property.node, pointer },
      `${suffix}.${name}`,
      onStack,
    );
  }
  for (const name of before.keys()) {
    if (!after.has(name)) push('property-removed', name, to.pointer, pointerTo(from.pointer, 'properties', name));
  }
}
