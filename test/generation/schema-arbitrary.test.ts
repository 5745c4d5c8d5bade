import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isSchemaObject,
  requestSchemas,
  type Schema,
  type SchemaArbitraryOptions,
  schemaArbitrary,
} from '../../src/generation/schema-arbitrary.js';
import { dereferencedSpec, type OpenApiDocument, readSpecFile } from '../../src/spec/document.js';
import { SchemaRegistry } from '../../src/spec/schemas.js';
import { seed, small, specPath } from '../support/generation.js';

const empty = await small();

/**
 * Ajv's strict mode rejects the two membership bodies (`required: ['membership']` beside a $ref, with no `type` and
 * no such property); this equivalent form, an object whose required properties may be anything, compiles.
 */
const strictReady = (schema: unknown): unknown => {
  if (!isSchemaObject(schema) || !schema.$ref || !Array.isArray(schema.required) || schema.type) return schema;
  const anything = Object.fromEntries(schema.required.map((name) => [name, {}]));
  return { $ref: schema.$ref, type: 'object', required: schema.required, properties: anything };
};

/** Samples a hand-made schema and asserts every value is valid for Ajv; returns them for keyword checks. */
function validSamples(schema: Schema, options: SchemaArbitraryOptions = {}, document = empty, numRuns = 60) {
  const registry = new SchemaRegistry(document);
  const values = fc.sample(schemaArbitrary(document, schema, { registry, ...options }), { seed, numRuns });
  expect(values.filter((value) => registry.validate(schema, value).length > 0)).toEqual([]);
  return values;
}

describe('schemaArbitrary on one keyword at a time', () => {
  it('honours a type array with null, and OAS 3.0 nullable', () => {
    const both = validSamples({ type: ['string', 'null'] });
    expect(both.some((v) => v === null) && both.some((v) => typeof v === 'string')).toBe(true);
    expect(validSamples({ type: 'integer', nullable: true }).some((v) => v === null)).toBe(true);
  });

  it('draws only enum members, every one of them, and only the const', () => {
    const values = validSamples({ type: 'string', enum: ['INITIATED', 'PENDING', 'SUCCESS'] });
    expect(new Set(values)).toEqual(new Set(['INITIATED', 'PENDING', 'SUCCESS']));
    expect(new Set(validSamples({ const: { a: 1 } }).map((v) => JSON.stringify(v)))).toEqual(new Set(['{"a":1}']));
  });

  it.each(['date-time', 'date', 'time', 'email', 'uri', 'uuid', 'hostname', 'ipv4', 'ipv6'])(
    'draws strings the validator accepts as format %s',
    (format) => {
      expect(validSamples({ type: 'string', format }).length).toBe(60);
    },
  );

  it('honours lengths alone, and combines a pattern with lengths and with a format', () => {
    const lengths = validSamples({ type: 'string', minLength: 2, maxLength: 3 }).map((v) => (v as string).length);
    expect(new Set(lengths)).toEqual(new Set([2, 3]));
    const ids = validSamples({ type: 'string', pattern: '^usr_[a-z0-9]+$', minLength: 8, maxLength: 12 });
    expect(ids.every((v) => /^usr_[a-z0-9]{4,8}$/.test(v as string))).toBe(true);
    const https = validSamples({ type: 'string', format: 'uri', pattern: '^https://', maxLength: 1024 });
    expect(https.every((v) => (v as string).startsWith('https://'))).toBe(true);
  });

  it('keeps integers and numbers within inclusive and exclusive bounds and multiples', () => {
    expect(validSamples({ type: 'integer', minimum: 1, maximum: 30 }).every((v) => (v as number) >= 1)).toBe(true);
    validSamples({ type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 10, multipleOf: 3 });
    validSamples({ type: 'number', exclusiveMinimum: 0.5, maximum: 2 });
    validSamples({ type: 'number', multipleOf: 0.1, minimum: -5, maximum: 5 });
    const int32 = validSamples({ type: 'integer', format: 'int32' });
    expect(int32.every((v) => Math.abs(v as number) <= 2 ** 31)).toBe(true);
  });

  it('encodes int64 as declared, as decimal strings in range, or either way (G-24)', () => {
    const int64 = { type: 'integer', format: 'int64', minimum: 1, maximum: 30 };
    expect(validSamples(int64).every((v) => Number.isSafeInteger(v))).toBe(true);
    const asText = fc.sample(schemaArbitrary(empty, int64, { int64: 'string' }), { seed, numRuns: 60 });
    expect(asText.every((v) => typeof v === 'string' && /^\d+$/.test(v) && +v >= 1 && +v <= 30)).toBe(true);
    const wide = fc.sample(schemaArbitrary(empty, { type: 'integer', format: 'int64' }, { int64: 'string' }), {
      seed,
      numRuns: 200,
    });
    expect(wide.some((v) => BigInt(v as string) > BigInt(Number.MAX_SAFE_INTEGER))).toBe(true);
    expect(wide.every((v) => BigInt(v as string) < 2n ** 63n && BigInt(v as string) >= -(2n ** 63n))).toBe(true);
    const mixed = fc.sample(schemaArbitrary(empty, int64, { int64: 'either' }), { seed, numRuns: 60 });
    expect(new Set(mixed.map((v) => typeof v))).toEqual(new Set(['number', 'string']));
    // A string-declared int64 stays a decimal string unless asked otherwise.
    expect(validSamples({ type: 'string', format: 'int64' }).every((v) => /^-?\d+$/.test(v as string))).toBe(true);
  });

  it('honours items, minItems, maxItems and uniqueItems (deep equality)', () => {
    const arrays = validSamples({
      type: 'array',
      items: { type: 'object', properties: { n: { type: 'integer', minimum: 0, maximum: 2 } }, required: ['n'] },
      minItems: 1,
      maxItems: 3,
      uniqueItems: true,
    });
    expect(arrays.some((a) => (a as unknown[]).length === 3)).toBe(true);
  });

  it('always sends required properties, and optional ones per policy', () => {
    const schema = {
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string' }, note: { type: 'string' }, size: { type: 'integer' } },
      additionalProperties: false,
    };
    const keys = (values: unknown[]) => new Set(values.flatMap((v) => Object.keys(v as object)));
    expect(keys(validSamples(schema, { optionalProperties: 'none' }))).toEqual(new Set(['id']));
    const some = validSamples(schema, { optionalProperties: 'some' });
    expect(keys(some)).toEqual(new Set(['id', 'note', 'size']));
    expect(some.some((v) => Object.keys(v as object).length === 1)).toBe(true);
    const all = validSamples(schema, { optionalProperties: 'all' });
    expect(all.every((v) => Object.keys(v as object).length === 3)).toBe(true);
  });

  it('leaves readOnly properties out of requests and writeOnly ones out of responses, unless required', () => {
    const schema = {
      type: 'object',
      required: ['id'],
      properties: {
        id: { type: 'string', readOnly: true },
        created: { type: 'string', readOnly: true },
        secret: { type: 'string', writeOnly: true },
      },
    };
    const request = validSamples(schema, { optionalProperties: 'all' });
    expect(request.every((v) => 'id' in (v as object) && !('created' in (v as object)))).toBe(true);
    const response = validSamples(schema, { optionalProperties: 'all', direction: 'response' });
    expect(response.every((v) => 'created' in (v as object) && !('secret' in (v as object)))).toBe(true);
  });

  it('fills free-form maps from additionalProperties, and a required property declared nowhere', async () => {
    const maps = validSamples({ type: 'object', additionalProperties: { type: 'string', maxLength: 4 } });
    expect(maps.some((v) => Object.keys(v as object).length > 0)).toBe(true);
    // The spec's membership bodies: `required` beside a $ref names a property that no schema declares.
    const document = await small({ Base: { type: 'object', properties: { other: { type: 'string' } } } });
    const wrapper = { $ref: '#/components/schemas/Base', required: ['membership'] };
    const registry = new SchemaRegistry(document);
    const values = fc.sample(schemaArbitrary(document, wrapper), { seed, numRuns: 30 });
    expect(values.filter((v) => registry.validate(strictReady(wrapper), v).length > 0)).toEqual([]);
    expect(values.every((v) => 'membership' in (v as object))).toBe(true);
  });

  it('applies keywords beside a $ref, and merges allOf parts', async () => {
    const document = await small({
      Base: { type: 'object', properties: { name: { type: 'string', minLength: 2 }, age: { type: 'integer' } } },
    });
    const values = validSamples(
      { $ref: '#/components/schemas/Base', required: ['name'], type: 'object' },
      {},
      document,
    );
    expect(values.every((v) => typeof (v as { name?: unknown }).name === 'string')).toBe(true);
    validSamples(
      { allOf: [{ $ref: '#/components/schemas/Base' }, { type: 'object', required: ['age'] }] },
      {},
      document,
    );
    // Two patterns cannot merge: values from one are kept only when they match the other.
    validSamples({
      allOf: [
        { type: 'string', pattern: '^a' },
        { type: 'string', pattern: 'z$' },
      ],
    });
  });

  it('draws from anyOf branches, and oneOf values that match exactly one branch', () => {
    const any = validSamples({ anyOf: [{ type: 'string', maxLength: 2 }, { type: 'boolean' }] });
    expect(new Set(any.map((v) => typeof v))).toEqual(new Set(['string', 'boolean']));
    // Integers 5..9 match both branches, so oneOf must avoid them.
    const one = validSamples({
      oneOf: [
        { type: 'integer', minimum: 0, maximum: 9 },
        { type: 'integer', minimum: 5, maximum: 14 },
      ],
    });
    expect(one.every((v) => (v as number) < 5 || (v as number) > 9)).toBe(true);
    validSamples({ type: 'string', minLength: 1, maxLength: 2, not: { enum: ['a', 'b'] } });
  });

  it('bounds a recursive schema by depth', async () => {
    const document = await small({
      Tree: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string' },
          children: { type: 'array', items: { $ref: '#/components/schemas/Tree' } },
        },
      },
    });
    const depthOf = (tree: unknown): number =>
      1 + Math.max(0, ...((tree as { children?: unknown[] }).children ?? []).map(depthOf));
    const trees = validSamples(
      { $ref: '#/components/schemas/Tree' },
      { maxDepth: 4, optionalProperties: 'all' },
      document,
    );
    expect(Math.max(...trees.map(depthOf))).toBe(3);
  });

  it('refuses what it cannot honour, naming it, instead of producing invalid values', async () => {
    expect(() => schemaArbitrary(empty, { type: 'object', minProperties: 2 })).toThrow(/unsupported.*minProperties/);
    const endless = await small({
      Loop: { type: 'object', required: ['next'], properties: { next: { $ref: '#/components/schemas/Loop' } } },
    });
    expect(() => schemaArbitrary(endless, { $ref: '#/components/schemas/Loop' })).toThrow(/endless nesting/);
    const never = schemaArbitrary(empty, { type: 'string', format: 'email', maxLength: 2 });
    expect(() => fc.sample(never, { seed, numRuns: 1 })).toThrow(/1000 candidates in a row/);
  });
});

describe('schemaArbitrary replays and shrinks', () => {
  const schema = {
    type: 'object',
    required: ['id', 'tags'],
    properties: {
      id: { type: 'string', pattern: '^usr_[a-z]+$' },
      tags: { type: 'array', items: { type: 'integer', minimum: 10 }, maxItems: 6 },
    },
  };

  it('gives the same values for the same seed and other values for another', () => {
    const draw = (s: number) => fc.sample(schemaArbitrary(empty, schema), { seed: s, numRuns: 20 });
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('shrinks a failing value to a minimal one through patterns and bounds', () => {
    const result = fc.check(
      fc.property(schemaArbitrary(empty, schema), (value) => {
        const { tags } = value as { tags: number[] };
        return tags.length < 2 || tags.every((t) => t < 40);
      }),
      { seed },
    );
    expect(result.failed).toBe(true);
    const smallest = result.counterexample?.[0] as { id: string; tags: number[] };
    expect({ ...smallest, tags: [...smallest.tags].sort() }).toEqual({ id: 'usr_a', tags: [10, 40] });
  });
});

/** G-24 leniency for the check of 'either' values: an int64 field takes a decimal string or an integer. */
function lenientInt64(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lenientInt64);
  if (!isSchemaObject(value)) return value;
  const out = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'example' ? v : lenientInt64(v)]));
  if (value.format !== 'int64') return out;
  const other = value.type === 'string' ? { type: 'integer' } : { type: 'string', pattern: '^-?[0-9]+$' };
  return { anyOf: [out, other] };
}

const spec = await dereferencedSpec(specPath);

describe('schemaArbitrary on every request schema of the spec', () => {
  const { document } = readSpecFile(specPath);
  const registry = new SchemaRegistry(document);
  const targets = requestSchemas(spec);

  it('finds the parameters and bodies of all 111 operations and the 41 webhook payloads', () => {
    const methods = ['get', 'put', 'post', 'delete', 'patch'];
    const operations = Object.values(document.paths).flatMap((item) => methods.filter((m) => m in item));
    const withInputs = new Set(targets.map((t) => t.where.split(' ').slice(0, 2).join(' ')));
    expect(operations).toHaveLength(111);
    // Every operation takes a parameter or a body; the 41 webhooks add one 'webhook <name>' each.
    expect(withInputs.size).toBe(111 + 41);
    expect(targets.filter((t) => t.where.startsWith('webhook'))).toHaveLength(41);
    expect(targets.filter((t) => t.where.endsWith(' body') && !t.where.startsWith('webhook'))).toHaveLength(42);
    expect(targets.filter((t) => t.location === 'parameter')).toHaveLength(220);
  });

  it('draws 20 values per schema that Ajv accepts (int64 as declared)', () => {
    const invalid: string[] = [];
    for (const { where, schema } of targets) {
      const checked = strictReady(schema);
      for (const value of fc.sample(schemaArbitrary(spec, schema, { registry }), { seed, numRuns: 20 })) {
        const violations = registry.validate(checked, value);
        if (violations.length > 0) invalid.push(`${where}: ${JSON.stringify(value)} ${JSON.stringify(violations)}`);
      }
    }
    expect(invalid).toEqual([]);
  });

  it('draws values valid under G-24 with int64 sent either way', () => {
    const lenient = new SchemaRegistry(lenientInt64(document) as OpenApiDocument);
    const invalid: string[] = [];
    for (const { where, schema } of targets) {
      const checked = lenientInt64(strictReady(schema));
      for (const value of fc.sample(schemaArbitrary(spec, schema, { int64: 'either', optionalProperties: 'all' }), {
        seed,
        numRuns: 5,
      })) {
        if (lenient.validate(checked, value).length > 0) invalid.push(`${where}: ${JSON.stringify(value)}`);
      }
    }
    expect(invalid).toEqual([]);
  });
});
