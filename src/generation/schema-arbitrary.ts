import fc from 'fast-check';
import { type DereferencedDocument, resolveRef } from '../spec/document.js';
import { type SchemaRegistry, schemaRegistryFor } from '../spec/schemas.js';

export type Schema = Record<string, unknown>;

/** How int64 values travel (G-24): proto3 JSON sends them as strings, the spec mostly declares integers. */
export type Int64Encoding = 'number' | 'string' | 'either';

export interface SchemaArbitraryOptions {
  /**
   * 'number' (default) keeps every int64 as its schema declares it, so values stay valid for a strict validator;
   * 'string' sends every int64 as a decimal string and 'either' picks per value: valid under G-24, not under Ajv.
   */
  int64?: Int64Encoding;
  /** Optional properties: left out, chosen by fast-check (and shrunk away), or all present. Default 'some'. */
  optionalProperties?: 'none' | 'some' | 'all';
  /** From this nesting depth on only what the schema requires is generated: it bounds recursive schemas. Default 4. */
  maxDepth?: number;
  /** Upper bound on generated array lengths where the schema's own maxItems is larger or absent. Default 3. */
  maxItems?: number;
  /** 'request' (default) leaves out readOnly properties, 'response' writeOnly ones, unless they are required. */
  direction?: 'request' | 'response';
  /** Checks what construction cannot guarantee (oneOf exclusivity, `not`, conflicting allOf parts). */
  registry?: SchemaRegistry;
}

const annotationKeywords = new Set([
  'description',
  'title',
  'examples',
  'example',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$comment',
  'externalDocs',
  'xml',
  'contentMediaType',
  'contentEncoding',
]);
const assertionKeywords = new Set([
  '$ref',
  'type',
  'nullable',
  'enum',
  'const',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'properties',
  'required',
  'additionalProperties',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
]);
const isAnnotation = (keyword: string): boolean => annotationKeywords.has(keyword) || keyword.startsWith('x-');

const objectKeywords = ['properties', 'required', 'additionalProperties'];
const arrayKeywords = ['items', 'minItems', 'maxItems', 'uniqueItems'];
const stringKeywords = ['pattern', 'minLength', 'maxLength', 'format'];
const numberKeywords = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];

const int32Range = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
const int64Range = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const safeRange = { min: BigInt(Number.MIN_SAFE_INTEGER), max: BigInt(Number.MAX_SAFE_INTEGER) };

/** String formats that ajv-formats asserts, each with a generator whose values it accepts. */
const formatArbitraries: Record<string, () => fc.Arbitrary<string>> = {
  'date-time': () => dates().map((d) => d.toISOString()),
  date: () => dates().map((d) => d.toISOString().slice(0, 10)),
  time: () => dates().map((d) => d.toISOString().slice(11)),
  email: () => fc.emailAddress(),
  uri: () => fc.webUrl(),
  url: () => fc.webUrl(),
  'uri-reference': () => fc.webUrl(),
  uuid: () => fc.uuid(),
  hostname: () => fc.domain(),
  ipv4: () => fc.ipV4(),
  ipv6: () => fc.ipV6(),
  byte: () => fc.base64String(),
};
const dates = () =>
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true });

/** Any small JSON value: what an unconstrained schema (`{}`, an undeclared required property) allows. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.boolean(),
  fc.constant(null),
);
/** Keys for free-form maps (metadata and the like): schema-valid and plausible for a server. */
const mapKey = fc.stringMatching(/^[a-z][a-z0-9_]{2,15}$/);

export const isSchemaObject = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deep equality for JSON values, key order ignored (as Ajv's enum and uniqueItems compare). */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    isSchemaObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );

/**
 * The JSON types a schema admits: `type` (a string or an array), OAS 3.0's `nullable`, and for an untyped schema
 * the types its keywords constrain (an empty list means anything goes).
 */
export function typesOf(node: Schema): string[] {
  const declared = Array.isArray(node.type)
    ? (node.type as string[])
    : typeof node.type === 'string'
      ? [node.type]
      : [];
  if (declared.length > 0)
    return node.nullable === true && !declared.includes('null') ? [...declared, 'null'] : declared;
  const inferred: string[] = [];
  if (objectKeywords.some((k) => k in node)) inferred.push('object');
  if (arrayKeywords.some((k) => k in node)) inferred.push('array');
  if (stringKeywords.some((k) => k in node)) inferred.push('string');
  if (numberKeywords.some((k) => k in node)) inferred.push('number');
  return inferred;
}

const jsonType = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
const admits = (types: string[], value: unknown): boolean => {
  const type = jsonType(value);
  return types.length === 0 || types.includes(type) || (type === 'integer' && types.includes('number'));
};

/** Keeps fast-check's shrinking but gives up with a clear error instead of looping on an unsatisfiable filter. */
class BoundedFilterArbitrary<T> extends fc.Arbitrary<T> {
  readonly #source: fc.Arbitrary<T>;
  readonly #predicate: (value: T) => boolean;
  readonly #explain: () => string;

  constructor(source: fc.Arbitrary<T>, predicate: (value: T) => boolean, explain: () => string) {
    super();
    this.#source = source;
    this.#predicate = predicate;
    this.#explain = explain;
  }

  generate(random: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    for (let attempt = 0; attempt < 1000; attempt += 1) {
      const candidate = this.#source.generate(random, biasFactor);
      if (this.#predicate(candidate.value)) return candidate;
    }
    throw new Error(`schemaArbitrary: 1000 candidates in a row failed: ${this.#explain()}`);
  }

  canShrinkWithoutContext(value: unknown): value is T {
    return this.#source.canShrinkWithoutContext(value) && this.#predicate(value);
  }

  shrink(value: T, context: unknown): fc.Stream<fc.Value<T>> {
    return this.#source.shrink(value, context).filter((candidate) => this.#predicate(candidate.value));
  }
}

function boundedFilter<T>(
  source: fc.Arbitrary<T>,
  predicate: (value: T) => boolean,
  explain: () => string,
): fc.Arbitrary<T> {
  return new BoundedFilterArbitrary(source, predicate, explain);
}

/** A generator of valid values for one document's schemas; arbitraries are built once per schema and depth. */
export class SchemaArbitraries {
  readonly document: DereferencedDocument;
  readonly options: Required<Omit<SchemaArbitraryOptions, 'registry'>>;
  #registry: SchemaRegistry | undefined;
  readonly #memo = new WeakMap<object, Map<number, fc.Arbitrary<unknown>>>();
  readonly #flattened = new WeakMap<object, { node: Schema; exact: boolean }>();
  readonly #flattening = new Set<object>();

  constructor(document: DereferencedDocument, options: SchemaArbitraryOptions = {}) {
    this.document = document;
    this.options = {
      int64: options.int64 ?? 'number',
      optionalProperties: options.optionalProperties ?? 'some',
      maxDepth: options.maxDepth ?? 4,
      maxItems: options.maxItems ?? 3,
      direction: options.direction ?? 'request',
    };
    this.#registry = options.registry;
  }

  /** The spec's one registry unless given one: most schemas never call for a validator during generation. */
  get registry(): SchemaRegistry {
    this.#registry ??= schemaRegistryFor(this.document);
    return this.#registry;
  }

  valid(schema: unknown, value: unknown): boolean {
    return this.registry.validate(schema, value).length === 0;
  }

  /** Values valid against `schema`, nested `depth` levels below the root. */
  arbitrary(schema: unknown, depth = 0): fc.Arbitrary<unknown> {
    if (schema === true || schema === undefined) return anyJson;
    if (!isSchemaObject(schema)) throw new Error(`schemaArbitrary: ${JSON.stringify(schema)} is not a schema`);
    let byDepth = this.#memo.get(schema);
    if (!byDepth) {
      byDepth = new Map();
      this.#memo.set(schema, byDepth);
    }
    const known = byDepth.get(depth);
    if (known) return known;
    const { node, exact } = this.flatten(schema);
    const built = this.#node(node, depth);
    // A merge that had to drop a conflicting keyword is made good by checking each value against the original.
    const arbitrary = exact
      ? built
      : boundedFilter(
          built,
          (value) => this.valid(schema, value),
          () => `no value satisfies all parts of ${JSON.stringify(schema)}`,
        );
    byDepth.set(depth, arbitrary);
    return arbitrary;
  }

  /**
   * One schema object with `allOf` parts merged in, and a `$ref` the tree kept (into a cycle, or in a hand-made
   * schema) followed, the keywords beside it merged as an allOf part (OpenAPI 3.1 applies both); `exact` is false
   * when a conflict could not be merged and values need checking.
   */
  flatten(schema: Schema): { node: Schema; exact: boolean } {
    const cached = this.#flattened.get(schema);
    if (cached) return cached;
    if (this.#flattening.has(schema)) throw new Error('schemaArbitrary: a $ref or allOf cycle without nesting');
    this.#flattening.add(schema);
    try {
      let result: { node: Schema; exact: boolean } = { node: schema, exact: true };
      if (typeof schema.$ref === 'string') {
        const { $ref, ...siblings } = schema;
        const target = this.flatten(this.#lookup($ref));
        result = Object.keys(siblings).some((k) => !isAnnotation(k)) ? combine(target, this.flatten(siblings)) : target;
      }
      if (Array.isArray(result.node.allOf)) {
        const { allOf, ...rest } = result.node;
        result = (allOf as unknown[]).reduce<{ node: Schema; exact: boolean }>(
          (merged, part) => combine(merged, this.flatten(part as Schema)),
          { node: rest, exact: result.exact },
        );
      }
      this.#flattened.set(schema, result);
      return result;
    } finally {
      this.#flattening.delete(schema);
    }
  }

  /** Whether a property is left out in this direction (unless required): readOnly in requests, writeOnly in replies. */
  hidden(property: unknown): boolean {
    if (!isSchemaObject(property)) return false;
    const keyword = this.options.direction === 'request' ? 'readOnly' : 'writeOnly';
    return property[keyword] === true || this.flatten(property).node[keyword] === true;
  }

  /**
   * Objects valid against the (flattened) object schema `node`, except that the `forced` properties are always
   * present with the given values and `omitted` is never present: the negative cases embed their one violation so.
   */
  objectWith(
    node: Schema,
    depth: number,
    forced: Record<string, fc.Arbitrary<unknown>> = {},
    omitted?: string,
  ): fc.Arbitrary<Record<string, unknown>> {
    const properties = isSchemaObject(node.properties) ? node.properties : {};
    const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    const shallow = depth >= this.options.maxDepth;
    const policy = this.options.optionalProperties;
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    const requiredKeys: string[] = [];
    for (const name of new Set([...Object.keys(properties), ...required])) {
      if (name === omitted || name in forced) continue;
      const child = properties[name];
      const isRequired = required.has(name);
      if (!isRequired && (shallow || policy === 'none' || this.hidden(child))) continue;
      model[name] =
        child !== undefined
          ? this.arbitrary(child, depth + 1)
          : // Required but declared nowhere (the spec has such a `required` beside a `$ref`): anything goes.
            this.arbitrary(isSchemaObject(node.additionalProperties) ? node.additionalProperties : true, depth + 1);
      if (isRequired || policy === 'all') requiredKeys.push(name);
    }
    for (const [name, arbitrary] of Object.entries(forced)) {
      model[name] = arbitrary;
      requiredKeys.push(name);
    }
    const declared = fc.record(model, { requiredKeys, noNullPrototype: true });
    const additional = node.additionalProperties;
    // Extra entries only for free-form maps (metadata): a declared object with extras is valid but unrealistic.
    const freeForm = Object.keys(properties).length === 0 && (additional === true || isSchemaObject(additional));
    if (!freeForm || shallow) return declared;
    const taken = new Set(Object.keys(model));
    const entries = fc.dictionary(
      mapKey.filter((key) => !taken.has(key)),
      this.arbitrary(additional, depth + 1),
      { maxKeys: 3, noNullPrototype: true },
    );
    return fc.tuple(declared, entries).map(([fixed, extra]) => ({ ...extra, ...fixed }));
  }

  /** Arrays valid against the (flattened) array schema `node`, except that the first item comes from `first`. */
  arrayWith(node: Schema, depth: number, first: fc.Arbitrary<unknown>): fc.Arbitrary<unknown[]> {
    const { minLength, maxLength } = this.#lengths(node, depth);
    const rest = this.#items(node, depth, {
      minLength: Math.max(0, minLength - 1),
      maxLength: Math.max(0, maxLength - 1),
    });
    return fc.tuple(first, rest).map(([head, tail]) => [head, ...tail]);
  }

  #lookup(ref: string): Schema {
    const target = resolveRef(this.document, ref);
    if (!isSchemaObject(target)) throw new Error(`schemaArbitrary: cannot resolve $ref ${ref}`);
    return target;
  }

  #node(node: Schema, depth: number): fc.Arbitrary<unknown> {
    const unsupported = Object.keys(node).filter((k) => !isAnnotation(k) && !assertionKeywords.has(k));
    if (unsupported.length > 0) {
      throw new Error(`schemaArbitrary: unsupported keyword(s) ${unsupported.join(', ')} in ${JSON.stringify(node)}`);
    }
    // Required nesting that never ends (a required self-reference) cannot be generated at all.
    if (depth > this.options.maxDepth + 32) throw new Error('schemaArbitrary: the schema requires endless nesting');
    const types = typesOf(node);
    let arbitrary: fc.Arbitrary<unknown>;
    if ('const' in node) {
      arbitrary = fc.constant(node.const);
    } else if (Array.isArray(node.enum)) {
      const members = node.enum.filter((value) => admits(types, value));
      if (members.length === 0) throw new Error(`schemaArbitrary: no enum member fits ${JSON.stringify(node)}`);
      arbitrary = fc.constantFrom(...members);
    } else if (Array.isArray(node.oneOf) || Array.isArray(node.anyOf)) {
      arbitrary = this.#alternatives(node, depth);
    } else if (types.length === 0) {
      arbitrary = anyJson;
    } else {
      const typed = types.map((type) => this.#typed(node, type, depth));
      arbitrary = typed.length === 1 && typed[0] ? typed[0] : fc.oneof(...typed);
    }
    if ('not' in node) {
      const not = node.not;
      arbitrary = boundedFilter(
        arbitrary,
        (value) => !this.valid(not, value),
        () => `every value also matches "not" ${JSON.stringify(not)}`,
      );
    }
    return arbitrary;
  }

  /** anyOf: any branch (with the node's other keywords); oneOf: a branch's values that match no other branch. */
  #alternatives(node: Schema, depth: number): fc.Arbitrary<unknown> {
    const exclusive = Array.isArray(node.oneOf);
    const { oneOf, anyOf, ...rest } = node;
    if (exclusive && anyOf !== undefined) rest.anyOf = anyOf;
    const branches = (exclusive ? oneOf : anyOf) as unknown[];
    const arbitraries = branches.map((branch, index) => {
      const arbitrary = this.arbitrary({ allOf: [rest, branch] }, depth);
      if (!exclusive) return arbitrary;
      const others = branches.filter((_, other) => other !== index);
      return boundedFilter(
        arbitrary,
        (value) => others.every((other) => !this.valid(other, value)),
        () => `oneOf branch ${index} never yields a value that matches it alone`,
      );
    });
    return fc.oneof(...arbitraries);
  }

  #typed(node: Schema, type: string, depth: number): fc.Arbitrary<unknown> {
    switch (type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return this.#integer(node, false);
      case 'number':
        return this.#number(node);
      case 'string':
        return this.#string(node);
      case 'array':
        return this.#array(node, depth);
      case 'object':
        return this.objectWith(node, depth);
      default:
        throw new Error(`schemaArbitrary: unknown type ${type}`);
    }
  }

  /** Integers in the schema's range; int64 ones encoded per G-24 (`declaredString`: the schema says string). */
  #integer(node: Schema, declaredString: boolean): fc.Arbitrary<unknown> {
    const format = node.format;
    const range = format === 'int32' ? { ...int32Range } : format === 'int64' ? { ...int64Range } : { ...safeRange };
    if (!declaredString) {
      if (typeof node.minimum === 'number') range.min = max(range.min, BigInt(Math.ceil(node.minimum)));
      if (typeof node.exclusiveMinimum === 'number')
        range.min = max(range.min, BigInt(Math.floor(node.exclusiveMinimum)) + 1n);
      if (typeof node.maximum === 'number') range.max = min(range.max, BigInt(Math.floor(node.maximum)));
      if (typeof node.exclusiveMaximum === 'number')
        range.max = min(range.max, BigInt(Math.ceil(node.exclusiveMaximum)) - 1n);
    }
    if (range.min > range.max) throw new Error(`schemaArbitrary: no integer fits ${JSON.stringify(node)}`);
    const step = typeof node.multipleOf === 'number' && !declaredString ? node.multipleOf : 1;
    const inRange = (bounds: { min: bigint; max: bigint }): fc.Arbitrary<bigint> => {
      if (!Number.isInteger(step)) {
        return boundedFilter(
          fc.bigInt(bounds),
          (n) => (Number(n) / step) % 1 === 0,
          () => `no integer in range is a multiple of ${step}`,
        );
      }
      const s = BigInt(step);
      const lo = -floorDiv(-bounds.min, s);
      const hi = floorDiv(bounds.max, s);
      if (lo > hi) throw new Error(`schemaArbitrary: no multiple of ${step} fits ${JSON.stringify(node)}`);
      return fc.bigInt({ min: lo, max: hi }).map((k) => k * s);
    };
    const asString = inRange(range).map(String);
    // JSON numbers beyond 2^53 lose digits on the way, so numeric int64 values stay within the safe range.
    const safe = { min: max(range.min, safeRange.min), max: min(range.max, safeRange.max) };
    const asNumber = inRange(safe).map(Number);
    const encoding = format === 'int64' ? this.options.int64 : 'number';
    if (encoding === 'either') return fc.oneof(asNumber, asString);
    return encoding === 'string' || declaredString ? asString : asNumber;
  }

  #number(node: Schema): fc.Arbitrary<unknown> {
    const bounds = {
      min: tighter(node.minimum, node.exclusiveMinimum, Math.max),
      max: tighter(node.maximum, node.exclusiveMaximum, Math.min),
    };
    if (typeof node.multipleOf === 'number') {
      const m = node.multipleOf;
      const lo = Math.ceil((bounds.min.value ?? -1e9) / m);
      const hi = Math.floor((bounds.max.value ?? 1e9) / m);
      const multiples = fc.integer({ min: Math.max(lo, -(2 ** 31)), max: Math.min(hi, 2 ** 31 - 1) }).map((k) => k * m);
      // Ajv checks (value / m) % 1 === 0, which floating point fails for some products: keep only what it accepts.
      return boundedFilter(
        multiples,
        (v) => (v / m) % 1 === 0 && within(v, bounds),
        () => `no number in range is a multiple of ${m}`,
      );
    }
    return fc.double({
      noNaN: true,
      noDefaultInfinity: true,
      ...(bounds.min.value !== undefined ? { min: bounds.min.value, minExcluded: bounds.min.excluded } : {}),
      ...(bounds.max.value !== undefined ? { max: bounds.max.value, maxExcluded: bounds.max.excluded } : {}),
    });
  }

  #string(node: Schema): fc.Arbitrary<unknown> {
    const minLength = typeof node.minLength === 'number' ? node.minLength : 0;
    const maxLength = typeof node.maxLength === 'number' ? node.maxLength : undefined;
    const pattern = typeof node.pattern === 'string' ? new RegExp(node.pattern, 'u') : undefined;
    const format = typeof node.format === 'string' ? node.format : undefined;
    let base: fc.Arbitrary<string>;
    let checked = true;
    if (format === 'int64' || format === 'int32') {
      return this.#integer(node, true);
    } else if (format !== undefined && format in formatArbitraries) {
      base = (formatArbitraries[format] as () => fc.Arbitrary<string>)();
    } else if (pattern) {
      base = fc.stringMatching(pattern, maxLength !== undefined ? { maxLength } : {});
      checked = minLength > 0;
    } else {
      return fc.string({ minLength, ...(maxLength !== undefined ? { maxLength } : {}) });
    }
    if (!checked) return base;
    const length = (s: string) => [...s].length;
    return boundedFilter(
      base,
      (s) =>
        length(s) >= minLength && (maxLength === undefined || length(s) <= maxLength) && (!pattern || pattern.test(s)),
      () => `no ${format ?? 'string'} matches ${JSON.stringify(node)}`,
    );
  }

  #lengths(node: Schema, depth: number): { minLength: number; maxLength: number } {
    const minLength = typeof node.minItems === 'number' ? node.minItems : 0;
    const cap = depth >= this.options.maxDepth ? minLength : Math.max(minLength, this.options.maxItems);
    const maxLength = typeof node.maxItems === 'number' ? Math.min(node.maxItems, cap) : cap;
    if (maxLength < minLength) throw new Error(`schemaArbitrary: no array length fits ${JSON.stringify(node)}`);
    return { minLength, maxLength };
  }

  #items(node: Schema, depth: number, lengths: { minLength: number; maxLength: number }): fc.Arbitrary<unknown[]> {
    const item = this.arbitrary(node.items ?? true, depth + 1);
    return node.uniqueItems === true
      ? fc.uniqueArray(item, { ...lengths, selector: canonicalJson })
      : fc.array(item, lengths);
  }

  #array(node: Schema, depth: number): fc.Arbitrary<unknown[]> {
    return this.#items(node, depth, this.#lengths(node, depth));
  }
}

/** Values valid against `schema` (a node of the dereferenced document, or a hand-made one), with shrinking. */
export function schemaArbitrary(
  document: DereferencedDocument,
  schema: unknown,
  options: SchemaArbitraryOptions = {},
): fc.Arbitrary<unknown> {
  return new SchemaArbitraries(document, options).arbitrary(schema);
}

function combine(a: { node: Schema; exact: boolean }, b: { node: Schema; exact: boolean }) {
  const merged = mergeSchemas(a.node, b.node);
  return { node: merged.node, exact: a.exact && b.exact && merged.exact };
}

/**
 * Two schemas as one, for generation: types intersect, required and properties unite, bounds tighten, enums
 * intersect. Any other keyword both set differently keeps the first's value and marks the merge inexact.
 */
function mergeSchemas(a: Schema, b: Schema): { node: Schema; exact: boolean } {
  const node: Schema = { ...a };
  let exact = true;
  for (const [key, value] of Object.entries(b)) {
    const current = node[key];
    if (current === undefined || isAnnotation(key)) {
      if (current === undefined) node[key] = value;
      continue;
    }
    switch (key) {
      case 'type':
      case 'nullable':
        break; // handled below, from both sides at once
      case 'required':
        node.required = [...new Set([...(current as string[]), ...(value as string[])])];
        break;
      case 'properties': {
        const properties = { ...(current as Schema) };
        for (const [name, child] of Object.entries(value as Schema)) {
          properties[name] = name in properties ? { allOf: [properties[name], child] } : child;
        }
        node.properties = properties;
        break;
      }
      case 'enum':
        node.enum = (current as unknown[]).filter((x) =>
          (value as unknown[]).some((y) => canonicalJson(x) === canonicalJson(y)),
        );
        break;
      case 'minimum':
      case 'exclusiveMinimum':
      case 'minLength':
      case 'minItems':
        node[key] = Math.max(current as number, value as number);
        break;
      case 'maximum':
      case 'exclusiveMaximum':
      case 'maxLength':
      case 'maxItems':
        node[key] = Math.min(current as number, value as number);
        break;
      case 'uniqueItems':
        node.uniqueItems = current === true || value === true;
        break;
      default:
        if (canonicalJson(current) !== canonicalJson(value)) exact = false;
    }
  }
  const typesA = typesOfDeclared(a);
  const typesB = typesOfDeclared(b);
  if (typesA || typesB) {
    delete node.nullable;
    node.type = typesA && typesB ? intersectTypes(typesA, typesB) : (typesA ?? typesB);
  }
  // additionalProperties sees only its own schema's properties: merged with another part's, it would mean more.
  const closedA = a.additionalProperties !== undefined && b.properties !== undefined;
  const closedB = b.additionalProperties !== undefined && a.properties !== undefined;
  if (closedA || closedB) exact = false;
  return { node, exact };
}

const typesOfDeclared = (node: Schema): string[] | undefined => (node.type === undefined ? undefined : typesOf(node));
const intersectTypes = (a: string[], b: string[]): string[] => {
  const both = a.filter((t) => b.includes(t));
  if (a.includes('integer') && b.includes('number') && !both.includes('integer')) both.push('integer');
  if (b.includes('integer') && a.includes('number') && !both.includes('integer')) both.push('integer');
  return both;
};

const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);
const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));

interface Bound {
  value: number | undefined;
  excluded: boolean;
}
/** The tighter of an inclusive and an exclusive bound (`pick` is Math.max for lower bounds, Math.min for upper). */
function tighter(inclusive: unknown, exclusive: unknown, pick: (a: number, b: number) => number): Bound {
  const a = typeof inclusive === 'number' ? inclusive : undefined;
  const b = typeof exclusive === 'number' ? exclusive : undefined;
  if (a === undefined) return { value: b, excluded: b !== undefined };
  if (b === undefined) return { value: a, excluded: false };
  return pick(a, b) === b && a !== b ? { value: b, excluded: true } : { value: a, excluded: a === b };
}
const within = (v: number, bounds: { min: Bound; max: Bound }): boolean =>
  (bounds.min.value === undefined || (bounds.min.excluded ? v > bounds.min.value : v >= bounds.min.value)) &&
  (bounds.max.value === undefined || (bounds.max.excluded ? v < bounds.max.value : v <= bounds.max.value));

/** A schema whose instances a client sends, with where it sits in the spec. */
export interface RequestSchema {
  /** 'POST /api/v1/organizations body', 'GET /api/v1/users query:page_size', 'webhook organization.created'. */
  where: string;
  /** 'parameter' values travel as text, 'body' (JSON bodies and webhook payloads) as JSON. */
  location: 'body' | 'parameter';
  schema: unknown;
}

const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The parameter and JSON body schemas of every operation, and every webhook's payload schema. */
export function requestSchemas(document: DereferencedDocument): RequestSchema[] {
  type Parameter = { name?: string; in?: string; schema?: unknown };
  type Operation = { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: unknown }> } };
  const found: RequestSchema[] = [];
  const visit = (label: string, operation: Operation, shared: Parameter[] = []) => {
    for (const parameter of [...shared, ...(operation.parameters ?? [])]) {
      if (parameter.schema === undefined) continue;
      found.push({
        where: `${label} ${parameter.in}:${parameter.name}`,
        location: 'parameter',
        schema: parameter.schema,
      });
    }
    const body = operation.requestBody?.content?.['application/json']?.schema;
    if (body !== undefined) found.push({ where: `${label} body`, location: 'body', schema: body });
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of httpMethods) {
      const operation = item[method] as Operation | undefined;
      if (operation) visit(`${method.toUpperCase()} ${path}`, operation, item.parameters as Parameter[] | undefined);
    }
  }
  for (const [name, item] of Object.entries(document.webhooks ?? {})) {
    const operation = (item as Record<string, Operation>).post;
    const body = operation?.requestBody?.content?.['application/json']?.schema;
    if (body !== undefined) found.push({ where: `webhook ${name}`, location: 'body', schema: body });
  }
  return found;
}
