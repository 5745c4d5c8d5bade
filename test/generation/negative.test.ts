import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  confirmedNegatives,
  judgeNegative,
  type NegativeCase,
  type NegativeOptions,
  negativeCases,
} from '../../src/generation/negative.js';
import { isSchemaObject, requestSchemas, type Schema } from '../../src/generation/schema-arbitrary.js';
import { dereferencedSpec } from '../../src/spec/document.js';
import { SchemaRegistry } from '../../src/spec/schemas.js';
import { seed, small, specPath } from '../support/generation.js';

const empty = await small();

/** The one case for `constraint` at `pointer`, sampled; every value must be a confirmed negative of that case. */
function brokenValues(
  schema: Schema,
  constraint: string,
  pointer: string,
  options: NegativeOptions = {},
  document = empty,
) {
  const registry = new SchemaRegistry(document);
  const cases = negativeCases(document, schema, { registry, ...options });
  const found = cases.filter((c) => c.constraint === constraint && c.pointer === pointer);
  expect(found, cases.map((c) => c.describe).join('\n')).toHaveLength(1);
  const negative = found[0] as NegativeCase;
  const values = fc.sample(negative.arbitrary, { seed, numRuns: 30 });
  const verdicts = values.map((value) => judgeNegative(registry, schema, negative, value).verdict);
  expect(verdicts.filter((v) => v !== 'invalid')).toEqual([]);
  return { values, cases };
}

describe('negativeCases break one keyword at a time', () => {
  it('sends another JSON type, but no wrong type in text where any text is a string', () => {
    const { values } = brokenValues({ type: 'integer' }, 'type', '');
    expect(values.some((v) => typeof v === 'string') && values.some((v) => v === 1.5)).toBe(true);
    const asParameter = brokenValues({ type: 'boolean' }, 'type', '', { location: 'parameter' }).values;
    expect(asParameter.every((v) => typeof v === 'string' || v === 1.5)).toBe(true);
    const text = negativeCases(empty, { type: 'string' }, { location: 'parameter' });
    expect(text.filter((c) => c.constraint === 'type')).toEqual([]);
  });

  it('never offers what G-24 lets a server accept for int64: digits as text, or a number for a string', () => {
    const integer = brokenValues({ type: 'integer', format: 'int64' }, 'type', '').values;
    expect(integer.some((v) => typeof v === 'string' && /^-?\d+$/.test(v))).toBe(false);
    expect(integer.some((v) => typeof v === 'number')).toBe(false);
    const text = brokenValues({ type: 'string', format: 'int64' }, 'type', '').values;
    expect(text.some((v) => typeof v === 'number')).toBe(false);
  });

  it('leaves an enum by more than case (G-29), and has no separate wrong-type case beside an enum', () => {
    const schema = { type: 'string', enum: ['FAILED', 'SUCCESS'] };
    const { values, cases } = brokenValues(schema, 'enum', '');
    expect(values.every((v) => typeof v === 'string' && !['failed', 'success'].includes(v.toLowerCase()))).toBe(true);
    expect(cases.map((c) => c.constraint)).toEqual(['enum']);
    brokenValues({ const: 'v1' }, 'const', '');
  });

  it.each([
    [{ type: 'string', minLength: 3, maxLength: 5 }, 'minLength'],
    [{ type: 'string', minLength: 3, maxLength: 5 }, 'maxLength'],
    [{ type: 'string', pattern: '^usr_[a-z]+$', maxLength: 12 }, 'pattern'],
    [{ type: 'string', pattern: '^usr_', maxLength: 12 }, 'maxLength'],
    [{ type: 'string', format: 'uri', pattern: '^https://', maxLength: 1024 }, 'pattern'],
    [{ type: 'string', format: 'uri', pattern: '^https://', maxLength: 1024 }, 'maxLength'],
    [{ type: 'string', format: 'date-time' }, 'format'],
    [{ type: 'string', format: 'email' }, 'format'],
    [{ type: 'string', format: 'uuid' }, 'format'],
    [{ type: 'integer', format: 'int32' }, 'format'],
    [{ type: 'integer', format: 'int64', minimum: 1, maximum: 30 }, 'minimum'],
    [{ type: 'integer', format: 'int64', minimum: 1, maximum: 30 }, 'maximum'],
    [{ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }, 'exclusiveMinimum'],
    [{ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }, 'exclusiveMaximum'],
    [{ type: 'integer', multipleOf: 5, maximum: 100 }, 'multipleOf'],
    [{ type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 3, uniqueItems: true }, 'minItems'],
    [{ type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 3, uniqueItems: true }, 'maxItems'],
    [{ type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 3, uniqueItems: true }, 'uniqueItems'],
  ])('%j: %s', (schema, constraint) => {
    brokenValues(schema, constraint, '');
  });

  it('leaves out each required property and adds one where additionalProperties is false', () => {
    const schema = {
      type: 'object',
      required: ['id', 'name'],
      properties: { id: { type: 'string' }, name: { type: 'string' }, note: { type: 'string' } },
      additionalProperties: false,
    };
    expect(brokenValues(schema, 'required', '/name').values.every((v) => !('name' in (v as object)))).toBe(true);
    brokenValues(schema, 'required', '/id');
    brokenValues(schema, 'additionalProperties', '/unexpected_property');
  });

  it('reaches nested values through $refs, arrays and free-form maps, and points at them', async () => {
    const document = await small({
      Role: { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: '^[a-z]+$' } } },
    });
    const schema = {
      type: 'object',
      properties: {
        roles: { type: 'array', items: { $ref: '#/components/schemas/Role' } },
        metadata: { type: 'object', additionalProperties: { type: 'string', maxLength: 4 } },
      },
    };
    const { values } = brokenValues(schema, 'pattern', '/roles/0/name', {}, document);
    expect(values.every((v) => Array.isArray((v as { roles: unknown }).roles))).toBe(true);
    brokenValues(schema, 'required', '/roles/0/name', {}, document);
    brokenValues(schema, 'maxLength', '/metadata/unexpected_property', {}, document);
  });
});

describe('confirmedNegatives returns only what the validator rejects', () => {
  it('discards a wrong type that another anyOf branch accepts, and counts it', () => {
    const document = empty;
    const schema = { anyOf: [{ type: 'string', maxLength: 3 }, { type: 'integer' }] };
    const registry = new SchemaRegistry(document);
    const { instances, discarded } = confirmedNegatives(document, schema, { registry, seed, perCase: 10 });
    expect(discarded.some((d) => d.reason === 'accepted' && d.value === 7)).toBe(true);
    expect(discarded.every((d) => registry.validate(schema, d.value).length === 0 || d.reason === 'stray')).toBe(true);
    expect(instances.length).toBeGreaterThan(0);
    expect(instances.filter((i) => registry.validate(schema, i.value).length === 0)).toEqual([]);
  });

  it('discards a candidate that cannot break one keyword alone (too short is also off-pattern)', () => {
    const document = empty;
    const schema = { type: 'string', minLength: 1, pattern: '^evt_' };
    const { instances, discarded } = confirmedNegatives(document, schema, { seed });
    expect(instances.some((i) => i.case.constraint === 'minLength')).toBe(false);
    expect(discarded.map((d) => [d.case.constraint, d.reason, d.value])).toEqual([['minLength', 'stray', '']]);
  });

  it('judges: accepted when valid, stray when invalid elsewhere too, invalid when only at the pointer', () => {
    const registry = new SchemaRegistry(empty);
    const schema = { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'integer' } } };
    const at = { pointer: '/a', alternatives: false };
    expect(judgeNegative(registry, schema, at, { a: 1 }).verdict).toBe('accepted');
    expect(judgeNegative(registry, schema, at, { a: 'x', b: 'y' }).verdict).toBe('stray');
    expect(judgeNegative(registry, schema, { pointer: '/b', alternatives: false }, { a: 'x' }).verdict).toBe('stray');
    expect(judgeNegative(registry, schema, at, { a: 'x', b: 2 }).verdict).toBe('invalid');
  });

  it('replays exactly for a seed', () => {
    const schema = {
      type: 'object',
      required: ['n'],
      properties: { n: { type: 'integer', minimum: 0 }, s: { type: 'string' } },
    };
    const run = (s: number) =>
      confirmedNegatives(empty, schema, { seed: s }).instances.map((i) => [i.case.describe, i.value]);
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });
});

/** See schema-arbitrary.test.ts: the strict-mode-ready form of the two membership bodies. */
const strictReady = (schema: unknown): unknown => {
  if (!isSchemaObject(schema) || !schema.$ref || !Array.isArray(schema.required) || schema.type) return schema;
  const anything = Object.fromEntries(schema.required.map((name) => [name, {}]));
  return { $ref: schema.$ref, type: 'object', required: schema.required, properties: anything };
};

describe('negative cases of every request schema of the spec', () => {
  it('are all rejected by the validator; candidates it accepts are discarded and counted', async () => {
    const document = await dereferencedSpec(specPath);
    const registry = new SchemaRegistry(document);
    const tally = { schemas: 0, cases: 0, confirmed: 0, accepted: 0, stray: 0 };
    const wronglyConfirmed: string[] = [];
    const withoutNegatives: { where: string; schema: unknown }[] = [];
    for (const { where, location, schema } of requestSchemas(document)) {
      const checked = strictReady(schema);
      const { instances, discarded } = confirmedNegatives(document, checked, { registry, seed, perCase: 2, location });
      tally.schemas += 1;
      tally.cases += new Set([...instances, ...discarded].map((i) => i.case)).size;
      tally.confirmed += instances.length;
      for (const d of discarded) tally[d.reason] += 1;
      for (const { value, case: c } of instances) {
        if (registry.validate(checked, value).length === 0) wronglyConfirmed.push(`${where} ${c.describe}`);
      }
      if (instances.length === 0) withoutNegatives.push({ where, schema });
    }
    console.log(
      `negative cases: ${tally.schemas} schemas, ${tally.cases} cases, ${tally.confirmed} confirmed instances; ` +
        `discarded ${tally.accepted} the schema accepts and ${tally.stray} that break more than one constraint`,
    );
    expect(wronglyConfirmed).toEqual([]);
    // Only free text has no negative: any text is a valid string, and one value is a one-item string array.
    const freeText = [{ type: 'string' }, { type: 'array', items: { type: 'string' } }].map((f) => JSON.stringify(f));
    expect(withoutNegatives.filter((w) => !freeText.includes(JSON.stringify(w.schema))).map((w) => w.where)).toEqual(
      [],
    );
    expect(tally.accepted + tally.stray).toBeLessThan(tally.confirmed / 100);
  });
});
