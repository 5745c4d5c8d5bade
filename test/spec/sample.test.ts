// The contract suite's valid request bodies: every sample of every operation's JSON request body, over many seeds,
// is valid against the spec as the validator reads it. A pattern narrows a format and never replaces it (a
// `^https://` pattern alone once produced `https://u/bcu%]je` for a `format: uri` logo_url).
import { describe, expect, it } from 'vitest';
import { dereferencedSpec, readSpecFile } from '../../src/spec/document.js';
import { resolveSpec } from '../../src/spec/resolve.js';
import { sampleFromSchema } from '../../src/spec/sample.js';
import { SchemaRegistry } from '../../src/spec/schemas.js';

const spec = await resolveSpec({ env: process.env.SCALEKIT_OPENAPI });
const { document } = readSpecFile(spec.localPath);
const registry = new SchemaRegistry(document);
const dereferenced = await dereferencedSpec(spec.localPath);

type Operation = { requestBody?: { content?: Record<string, { schema?: unknown }> } };
const jsonBody = (operation: Operation | undefined) => operation?.requestBody?.content?.['application/json']?.schema;

// Sampled from the dereferenced tree, as the contract suite samples; validated against the spec's own schema.
const requestBodies = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
  Object.entries(item as Record<string, Operation>)
    .filter(([, operation]) => jsonBody(operation) !== undefined)
    .map(([method, operation]) => ({
      name: `${method.toUpperCase()} ${path}`,
      schema: jsonBody(operation),
      sampled: jsonBody(dereferenced.paths[path]?.[method] as Operation | undefined),
    })),
);

// The spec puts `required: [membership]` beside a $ref to a schema without that property (v1usersCreateMembership):
// no body of the documented fields satisfies it, and the API takes those fields at the top level.
const unsatisfiableMembership = "must have required property 'membership'";

describe('sampled request bodies', () => {
  it('cover the operations with a JSON request body', () => {
    expect(requestBodies.length).toBeGreaterThan(40);
  });

  it('are valid against the spec for 200 seeds each, tagged or not', () => {
    const invalid: string[] = [];
    for (const { name, schema, sampled } of requestBodies) {
      for (let seed = 0; seed < 200; seed += 1) {
        for (const tag of [undefined, 'confabc123x1']) {
          const sample = sampleFromSchema(dereferenced, sampled, { seed, ...(tag ? { tag } : {}) });
          const violations = registry
            .validate(schema, sample)
            .filter((v) => !(name.includes('/memberships/') && v.message === unsatisfiableMembership));
          if (violations.length > 0) invalid.push(`${name} seed ${seed}: ${JSON.stringify(violations[0])}`);
        }
      }
    }
    expect([...new Set(invalid.map((line) => line.replace(/ seed \d+/, '')))]).toEqual([]);
  });
});
