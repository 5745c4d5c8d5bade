import { describe, expect, it } from 'vitest';
import { operationsOf } from '../../src/contract/operations.js';
import { operationsWithoutBody } from '../../src/mock/route.js';
import { dereferencedSpec } from '../../src/spec/document.js';

const document = await dereferencedSpec(process.env.SCALEKIT_OPENAPI ?? '../shared/openapi/scalekit.scalar.json');

describe('request bodies in the mock', () => {
  it('knows exactly the writes the spec declares without a body; every other write requires one (OAS-016)', () => {
    const writes = operationsOf(document).filter((op) => ['post', 'put', 'patch'].includes(op.method));
    expect(
      writes
        .filter((op) => op.body === undefined)
        .map((op) => op.key)
        .sort(),
    ).toEqual([...operationsWithoutBody].sort());
    // A declared body is a required one for every write of this spec: an optional one would need its own entry.
    expect(writes.filter((op) => op.body !== undefined && !op.body.required).map((op) => op.key)).toEqual([]);
  });
});
