import fc from 'fast-check';
import type { DereferencedDocument } from '../spec/document.js';
import { type SchemaRegistry, type SchemaViolation, schemaRegistryFor } from '../spec/schemas.js';
import {
  canonicalJson,
  isSchemaObject,
  type Schema,
  SchemaArbitraries,
  type SchemaArbitraryOptions,
  typesOf,
} from './schema-arbitrary.js';

export type NegativeConstraint =
  | 'type'
  | 'enum'
  | 'const'
  | 'minLength'
  | 'maxLength'
  | 'pattern'
  | 'format'
  | 'minimum'
  | 'maximum'
  | 'exclusiveMinimum'
  | 'exclusiveMaximum'
  | 'multipleOf'
  | 'minItems'
  | 'maxItems'
  | 'uniqueItems'
  | 'required'
  | 'additionalProperties';

/** One way to make an instance invalid: a single broken constraint at one place. */
export interface NegativeCase {
  /** The JSON Schema keyword the instance breaks. */
  constraint: NegativeConstraint;
  /** JSON pointer to the offending value ('' for the root); for `required`, to the property left out. */
  pointer: string;
  describe: string;
  /** True under anyOf/oneOf/not or an inexact allOf merge: the validator's errors cannot be tied to one keyword. */
  alternatives: boolean;
  /** Whole instances, valid everywhere but at `pointer`; candidates until judged (see judgeNegative). */
  arbitrary: fc.Arbitrary<unknown>;
}

export interface NegativeOptions extends Omit<SchemaArbitraryOptions, 'int64'> {
  /**
   * 'parameter': the value travels as text (query, path, header), so a break must survive serialization: no
   * wrong-type case for strings (any text is one), no number for an integer written as "7", no empty string
   * (which a server may read as absent). Default 'body'.
   */
  location?: 'body' | 'parameter';
}

/**
 * The negative cases of a schema: for every constraint down to `maxDepth`, instances that break it and nothing
 * else. The valid remainder uses declared int64 encodings (never G-24's alternative, which a lenient server would
 * accept), leaves optional properties out unless asked, and never makes an enum string differ only in case (G-29).
 */
export function negativeCases(
  document: DereferencedDocument,
  schema: unknown,
  options: NegativeOptions = {},
): NegativeCase[] {
  const generator = new SchemaArbitraries(document, { optionalProperties: 'none', ...options, int64: 'number' });
  const text = options.location === 'parameter';
  const cases: NegativeCase[] = [];

  const walk = (raw: unknown, site: Site): void => {
    if (!isSchemaObject(raw) || site.depth > generator.options.maxDepth) return;
    const { node, exact } = generator.flatten(raw);
    const here: Site = { ...site, alternatives: site.alternatives || !exact || 'not' in node };
    const branches = [node.oneOf, node.anyOf].find(Array.isArray) as unknown[] | undefined;
    if (branches) {
      const { oneOf: _one, anyOf: _any, ...rest } = node;
      for (const branch of branches) walk({ allOf: [rest, branch] }, { ...here, alternatives: true });
      return;
    }
    const add = (constraint: NegativeConstraint, describe: string, local: fc.Arbitrary<unknown>, token?: string) => {
      const pointer = token === undefined ? here.pointer : `${here.pointer}/${pointerToken(token)}`;
      cases.push({
        constraint,
        pointer,
        describe: `${pointer || '(root)'}: ${describe}`,
        alternatives: here.alternatives,
        arbitrary: here.wrap(local),
      });
    };
    const types = typesOf(node);
    if ('const' in node || Array.isArray(node.enum)) {
      enumCase(node, here, add);
      return; // with the values fixed, a wrong type would break the enum too; the enum case covers it
    }
    const wrong = wrongTypeValues(node, types, text);
    if (wrong.length > 0) {
      const found = [...new Set(wrong.map(jsonTypeName))].join(' or ');
      add('type', `a ${found} where ${types.join(' or ')} is declared`, fc.constantFrom(...wrong));
    }
    const stringType = types.includes('string') ? 'string' : undefined;
    const numberType = types.includes('number') ? 'number' : types.includes('integer') ? 'integer' : undefined;
    if (stringType) scalarCases(node, stringType, stringBreakers, here, add);
    if (numberType) scalarCases(node, numberType, numberBreakers, here, add);
    if (types.includes('array')) arrayCases(node, here, add);
    if (types.includes('object')) objectCases(node, here, add);
  };

  type Add = (constraint: NegativeConstraint, describe: string, local: fc.Arbitrary<unknown>, token?: string) => void;
  /** The site of a nested value: one level down, embedded into a valid parent by `embed`. */
  const below = (site: Site, embed: (local: fc.Arbitrary<unknown>) => fc.Arbitrary<unknown>): Site => ({
    ...site,
    depth: site.depth + 1,
    wrap: (local) => site.wrap(embed(local)),
  });
  const at = (site: Site, token: string) => ({ ...site, pointer: `${site.pointer}/${pointerToken(token)}` });

  const enumCase = (node: Schema, site: Site, add: Add) => {
    const members = 'const' in node ? [node.const] : (node.enum as unknown[]);
    const { const: _c, enum: _e, ...open } = node;
    // G-29: servers may match enum strings case-insensitively, so a case variant is no negative.
    const lowered = new Set(members.filter((m) => typeof m === 'string').map((m) => (m as string).toLowerCase()));
    const outside = (value: unknown) =>
      !members.some((m) => canonicalJson(m) === canonicalJson(value)) &&
      !(typeof value === 'string' && lowered.has(value.toLowerCase()));
    const local = generator
      .arbitrary(open, site.depth)
      .map((v) => pick(enumCandidates(v), (c) => outside(c) && generator.valid(open, c) && keep(c, text)));
    if ('const' in node) add('const', `a value other than ${JSON.stringify(node.const)}`, local);
    else add('enum', `a value outside the enum (${members.length} allowed)`, local);
  };

  const scalarCases = (
    node: Schema,
    type: string,
    breakers: Record<string, (limit: unknown, integer: boolean) => Breaker | undefined>,
    site: Site,
    add: Add,
  ) => {
    for (const [keyword, breaker] of Object.entries(breakers)) {
      const limit = node[keyword];
      const candidates = limit === undefined ? undefined : breaker(limit, type === 'integer');
      if (!candidates) continue;
      // Candidates must keep every other keyword of the node and break this one.
      const allowed = scalarPart(node, type, keyword);
      const broken = { type, [keyword]: limit };
      const good = (c: unknown) => generator.valid(allowed, c) && !generator.valid(broken, c) && keep(c, text);
      const local = generator.arbitrary(allowed, site.depth).map((v) => pick(candidates.make(v), good));
      add(keyword as NegativeConstraint, candidates.describe, local);
    }
  };

  const arrayCases = (node: Schema, site: Site, add: Add) => {
    const array = { ...node, type: 'array', nullable: undefined };
    const minItems = typeof node.minItems === 'number' ? node.minItems : 0;
    const maxItems = typeof node.maxItems === 'number' ? node.maxItems : undefined;
    const unique = node.uniqueItems === true;
    const item = generator.arbitrary(node.items ?? true, site.depth + 1);
    const exactly = (length: number) =>
      unique
        ? fc.uniqueArray(item, { minLength: length, maxLength: length, selector: canonicalJson })
        : fc.array(item, { minLength: length, maxLength: length });
    // In text an empty array is an absent parameter, not a short one.
    if (minItems > 0 && !(text && minItems === 1)) {
      add('minItems', `an array with fewer than ${minItems} items`, exactly(minItems - 1));
    }
    if (maxItems !== undefined) add('maxItems', `an array with more than ${maxItems} items`, exactly(maxItems + 1));
    if (unique && (maxItems === undefined || maxItems >= 2)) {
      const length = Math.max(1, minItems - 1, Math.min(maxItems === undefined ? 2 : maxItems - 1, 2));
      add(
        'uniqueItems',
        'an array with a repeated item',
        exactly(length).map((a) => [...a, a[0]]),
      );
    }
    walk(
      node.items,
      at(
        below(site, (local) => generator.arrayWith(array, site.depth, local)),
        '0',
      ),
    );
  };

  const objectCases = (node: Schema, site: Site, add: Add) => {
    const object = { ...node, type: 'object', nullable: undefined };
    const properties = isSchemaObject(node.properties) ? node.properties : {};
    const required = Array.isArray(node.required) ? (node.required as string[]) : [];
    const withProperty = (name: string) =>
      at(
        below(site, (local) => generator.objectWith(object, site.depth, { [name]: local })),
        name,
      );
    for (const name of required) {
      add(
        'required',
        `the required property "${name}" left out`,
        generator.objectWith(object, site.depth, {}, name),
        name,
      );
    }
    let extra = 'unexpected_property';
    while (extra in properties) extra += '_';
    if (node.additionalProperties === false) {
      const local = generator.objectWith(object, site.depth, { [extra]: fc.constant('unexpected') });
      add('additionalProperties', `an undeclared property "${extra}" (additionalProperties is false)`, local, extra);
    } else if (isSchemaObject(node.additionalProperties)) {
      walk(node.additionalProperties, withProperty(extra));
    }
    for (const [name, child] of Object.entries(properties)) {
      if (!required.includes(name) && generator.hidden(child)) continue;
      walk(child, withProperty(name));
    }
  };

  walk(schema, { depth: 0, pointer: '', wrap: (local) => local, alternatives: false });
  return cases;
}

/** Where the walk stands: the instance pointer, how a local value becomes a whole instance, under alternatives. */
interface Site {
  depth: number;
  pointer: string;
  wrap: (local: fc.Arbitrary<unknown>) => fc.Arbitrary<unknown>;
  alternatives: boolean;
}

export type NegativeVerdict =
  /** Invalid, and (outside alternatives) through exactly one violation at or above the pointer. */
  | { verdict: 'invalid'; violations: SchemaViolation[] }
  /** The schema allows it: no negative at all. */
  | { verdict: 'accepted'; violations: [] }
  /** Invalid, but through more than the one intended violation, or elsewhere. */
  | { verdict: 'stray'; violations: SchemaViolation[] };

/**
 * Judges a candidate against the whole schema. Ajv reports `required` and `additionalProperties` at the parent
 * object, and a keyword beside a `$ref` can repeat its target's error, hence "at or above" and distinct messages.
 */
export function judgeNegative(
  registry: SchemaRegistry,
  schema: unknown,
  negative: Pick<NegativeCase, 'pointer' | 'alternatives'>,
  value: unknown,
): NegativeVerdict {
  const violations = registry.validate(schema, value);
  if (violations.length === 0) return { verdict: 'accepted', violations: [] };
  if (negative.alternatives) return { verdict: 'invalid', violations };
  const distinct = new Set(violations.map((v) => `${v.at} ${v.message}`));
  const located = violations.every((v) => v.at === negative.pointer || negative.pointer.startsWith(`${v.at}/`));
  return { verdict: located && distinct.size === 1 ? 'invalid' : 'stray', violations };
}

export interface NegativeInstance {
  case: NegativeCase;
  value: unknown;
  violations: SchemaViolation[];
}

export interface DiscardedNegative {
  case: NegativeCase;
  value: unknown;
  reason: 'accepted' | 'stray';
}

export interface ConfirmOptions extends NegativeOptions {
  seed: number;
  /** Candidates drawn per case (distinct ones are judged). Default 3. */
  perCase?: number;
}

/**
 * Negative instances confirmed by the validator: every case's candidates are judged, and those the schema accepts
 * (or that break more than intended) are returned apart as discarded, so none is ever counted as negative.
 */
export function confirmedNegatives(
  document: DereferencedDocument,
  schema: unknown,
  options: ConfirmOptions,
): { instances: NegativeInstance[]; discarded: DiscardedNegative[] } {
  const registry = options.registry ?? schemaRegistryFor(document);
  const instances: NegativeInstance[] = [];
  const discarded: DiscardedNegative[] = [];
  const cases = negativeCases(document, schema, { ...options, registry });
  for (const [index, negative] of cases.entries()) {
    const seen = new Set<string>();
    for (const value of fc.sample(negative.arbitrary, { seed: options.seed + index, numRuns: options.perCase ?? 3 })) {
      const key = canonicalJson(value);
      if (seen.has(key)) continue;
      seen.add(key);
      const judged = judgeNegative(registry, schema, negative, value);
      if (judged.verdict === 'invalid') instances.push({ case: negative, value, violations: judged.violations });
      else discarded.push({ case: negative, value, reason: judged.verdict });
    }
  }
  return { instances, discarded };
}

const pointerToken = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');
const jsonTypeName = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** The first candidate that breaks only the intended keyword; else the first, which the judge will then discard. */
const pick = (candidates: unknown[], good: (candidate: unknown) => boolean): unknown =>
  candidates.find(good) ?? candidates[0];

/** Empty text in a parameter may read as "absent" to a server: not a clean negative. */
const keep = (candidate: unknown, text: boolean) => !(text && candidate === '');

function enumCandidates(valid: unknown): unknown[] {
  if (typeof valid === 'string') return [valid, `${valid}_x`, `x_${valid}`, 'not-a-member'];
  if (typeof valid === 'number') return [valid, valid + 1, valid - 1, valid + 1000];
  if (typeof valid === 'boolean') return [!valid, valid];
  return [valid];
}

/**
 * Values of another JSON type. In text only strings remain, and only for types no text satisfies; int64 values
 * skip the number G-24 lets a server take for a string-declared field; a fraction is left out where an int32 or
 * int64 format would fail on it too (two violations, not one).
 */
function wrongTypeValues(node: Schema, types: string[], text: boolean): unknown[] {
  if (types.length === 0) return [];
  const fraction = node.format === 'int32' || node.format === 'int64' ? [] : [1.5];
  const textual = types.some((type) => type === 'string' || type === 'array' || type === 'object');
  const candidates: unknown[] = text
    ? textual
      ? []
      : ['text', ...fraction]
    : ['text', ...(node.format === 'int64' ? [] : [7]), ...fraction, true, null, {}, []];
  const admitted = (value: unknown) =>
    types.includes(jsonTypeName(value)) ||
    (typeof value === 'number' && (types.includes('number') || (Number.isInteger(value) && types.includes('integer'))));
  return candidates.filter((value) => !admitted(value));
}

/** The node's keywords for one scalar type, less the one to break: the rest every candidate must keep. */
function scalarPart(node: Schema, type: string, without: string): Schema {
  const keywords = type === 'string' ? Object.keys(stringBreakers) : Object.keys(numberBreakers);
  const part: Schema = { type };
  for (const keyword of keywords) if (keyword !== without && node[keyword] !== undefined) part[keyword] = node[keyword];
  return part;
}

interface Breaker {
  describe: string;
  make: (valid: unknown) => unknown[];
}

const repeatTo = (seed: string, separator: string, length: number) =>
  seed === '' ? '' : Array.from({ length: Math.ceil(length / (seed.length + 1)) + 1 }, () => seed).join(separator);

const badFormats: Record<string, string[]> = {
  'date-time': ['not-a-date-time', '2024-02-30T25:61:00Z'],
  date: ['not-a-date', '2024-02-30'],
  time: ['not-a-time', '25:61:00Z'],
  email: ['not-an-email', 'user@'],
  uri: ['not a uri', 'relative/path'],
  uuid: ['not-a-uuid', '123e4567-e89b-12d3-a456-42661417400'],
  hostname: ['-not-a-hostname-', 'a..b'],
  ipv4: ['256.1.1.1', 'not-an-ip'],
  ipv6: ['1:2:3', 'not-an-ip'],
};

/** Candidate builders per string keyword, from a value valid for the rest of the node. */
const stringBreakers: Record<string, (limit: unknown, integer: boolean) => Breaker | undefined> = {
  minLength: (limit) => {
    const n = limit as number;
    if (n === 0) return undefined;
    return {
      describe: `a string shorter than ${n} characters`,
      make: (v) => {
        const s = String(v);
        return [s.slice(0, n - 1), n > 1 ? s.slice(-(n - 1)) : '', 'a'.repeat(n - 1)];
      },
    };
  },
  maxLength: (limit) => {
    const need = (limit as number) + 1;
    return {
      describe: `a string longer than ${limit} characters`,
      make: (v) => {
        const s = String(v);
        const pad = 'a'.repeat(Math.max(0, need - s.length));
        return [
          s + pad,
          pad + s,
          repeatTo(s, '', need),
          repeatTo(s, '.', need),
          repeatTo(s, '-', need),
          repeatTo('a', '.', need),
          'a'.repeat(need),
        ];
      },
    };
  },
  pattern: (limit) => {
    const pattern = new RegExp(limit as string, 'u');
    return {
      describe: `a string not matching ${limit}`,
      make: (v) => {
        const s = String(v);
        return [s, `!${s}`, `${s}!`, ` ${s}`, s.slice(1), s.slice(0, -1), '!', 'not matching'].filter(
          (c) => !pattern.test(c),
        );
      },
    };
  },
  format: (limit) => {
    const bad = badFormats[limit as string];
    if (!bad) return undefined; // not asserted by the validator (int64, password, ...): nothing to break
    return {
      describe: `a string that is not a valid ${limit}`,
      make: (v) => [...bad, `${String(v)} x`, ` ${String(v)}`],
    };
  },
};

/**
 * Candidate builders per numeric keyword, boundary values first; `integer` keeps them integral. The valid value
 * comes last: drawn without the bound, it may already lie beyond it while keeping multipleOf and the rest.
 */
const numberBreakers: Record<string, (limit: unknown, integer: boolean) => Breaker | undefined> = {
  minimum: (limit, integer) => {
    const m = limit as number;
    return {
      describe: `a number below the minimum ${m}`,
      make: (v) => [...(integer ? [Math.ceil(m) - 1, Math.ceil(m) - 2] : [m - 0.5, m - 1]), v],
    };
  },
  exclusiveMinimum: (limit) => {
    const m = limit as number;
    return { describe: `a number at or below the exclusive minimum ${m}`, make: (v) => [m, Math.floor(m) - 1, v] };
  },
  maximum: (limit, integer) => {
    const m = limit as number;
    return {
      describe: `a number above the maximum ${m}`,
      make: (v) => [...(integer ? [Math.floor(m) + 1, Math.floor(m) + 2] : [m + 0.5, m + 1]), v],
    };
  },
  exclusiveMaximum: (limit) => {
    const m = limit as number;
    return { describe: `a number at or above the exclusive maximum ${m}`, make: (v) => [m, Math.ceil(m) + 1, v] };
  },
  multipleOf: (limit) => {
    const m = limit as number;
    return {
      describe: `a number that is not a multiple of ${m}`,
      make: (v) => [Number(v) + m / 2, Number(v) + 1, Number(v) - 1, m / 2],
    };
  },
  format: (limit) =>
    limit === 'int32'
      ? { describe: 'an integer outside the int32 range', make: () => [2 ** 31, -(2 ** 31) - 1] }
      : undefined,
};
