import fc from 'fast-check';
import { type DereferencedDocument, resolveRef } from './document.js';
import { satisfiesFormat } from './schemas.js';

type Schema = Record<string, unknown>;

export interface SampleOptions {
  seed: number;
  /** Include optional properties too (default: only required ones, plus the first few optional). */
  optionalProperties?: 'none' | 'some' | 'all';
  /**
   * The run tag (`Target.runTag`): every free-form string (no pattern, enum or format but email) then carries it as
   * a whole word (`<tag>_<n>`, `<tag>_<n>@example.test`), so whatever a sampled create or update names can be
   * swept. A string too short to hold it keeps the untagged sample.
   */
  tag?: string;
}

/**
 * A valid instance of a schema from the spec, deterministic for a seed: strings honour `pattern` (via fast-check's
 * regex generator), `format`, `enum` and lengths; numbers honour their bounds. It is the "valid request" half of
 * generation; the property-based arbitraries build on the same walk.
 */
export function sampleFromSchema(document: DereferencedDocument, schema: unknown, options: SampleOptions): unknown {
  let counter = 0;
  const next = () => {
    counter += 1;
    return options.seed + counter;
  };
  // The tree has no refs but those into a cycle (and a hand-made schema's): the keywords beside one win, as in the tree.
  const resolve = (value: Schema): Schema => {
    if (typeof value.$ref !== 'string') return value;
    const { $ref, ...siblings } = value;
    return { ...((resolveRef(document, $ref) ?? {}) as Schema), ...siblings };
  };
  const walk = (raw: unknown, depth: number): unknown => {
    const schema = resolve((raw ?? {}) as Schema);
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
    if ('default' in schema && schema.default !== undefined && typeof schema.default !== 'object')
      return schema.default;
    const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
    switch (type) {
      case 'string':
        return sampleString(schema, next(), options.tag);
      case 'integer':
      case 'number': {
        const min = typeof schema.minimum === 'number' ? schema.minimum : 1;
        const max = typeof schema.maximum === 'number' ? schema.maximum : Math.max(min, 10);
        return Math.min(max, Math.max(min, 10));
      }
      case 'boolean':
        return true;
      case 'array':
        return depth > 4 ? [] : [walk(schema.items, depth + 1)];
      default: {
        if (depth > 4) return {};
        const properties = (schema.properties ?? {}) as Record<string, unknown>;
        const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
        const out: Record<string, unknown> = {};
        let optionalTaken = 0;
        for (const [name, child] of Object.entries(properties)) {
          const childSchema = resolve((child ?? {}) as Schema);
          if (childSchema.readOnly === true) continue;
          const take =
            required.has(name) ||
            options.optionalProperties === 'all' ||
            (options.optionalProperties !== 'none' && optionalTaken++ < 3);
          if (take) out[name] = walk(child, depth + 1);
        }
        if (
          schema.additionalProperties &&
          typeof schema.additionalProperties === 'object' &&
          Object.keys(out).length === 0
        ) {
          out.sample_key = walk(schema.additionalProperties, depth + 1);
        }
        return out;
      }
    }
  };
  return walk(schema, 0);
}

function sampleString(schema: Schema, seed: number, tag?: string): string {
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : 64;
  // Underscores only: role and permission names take letters, digits and underscores; the tag stays a whole word.
  const tagged = (value: string) => value.length <= maxLength && value.length >= minLength;
  if (tag !== undefined && typeof schema.pattern !== 'string') {
    if (schema.format === 'email' && tagged(`${tag}_${seed}@example.test`)) return `${tag}_${seed}@example.test`;
    const plain = `${tag}_${seed}`.padEnd(minLength, 'x');
    if (schema.format === undefined && tagged(plain)) return plain;
  }
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  const formatted = format === undefined ? undefined : formatSamples[format]?.(seed);
  if (typeof schema.pattern === 'string') {
    const pattern = new RegExp(schema.pattern);
    const fits = (s: string) => s.length >= Math.max(minLength, 1) && s.length <= maxLength;
    // A pattern narrows the format, never replaces it: `^https://` alone would also match "https://u/%]".
    if (formatted !== undefined && pattern.test(formatted) && fits(formatted)) return formatted;
    const arbitrary = fc
      .stringMatching(pattern)
      .filter((s) => fits(s) && (format === undefined || satisfiesFormat(format, s)));
    return fc.sample(arbitrary, { seed, numRuns: 1 })[0] ?? '';
  }
  return formatted ?? `sample-${seed}`.padEnd(minLength, 'x').slice(0, Math.max(minLength, Math.min(maxLength, 24)));
}

/** One valid value per string format the spec uses. */
const formatSamples: Record<string, (seed: number) => string> = {
  'date-time': () => '2026-01-01T00:00:00Z',
  email: (seed) => `sample${seed}@example.test`,
  uri: () => 'https://example.test/sample',
  int64: () => '10',
  int32: () => '10',
};
