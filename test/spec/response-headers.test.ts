import { describe, expect, it } from 'vitest';
import { declaredResponseHeaders } from '../../src/contract/checks.js';
import { readSpecFile } from '../../src/spec/document.js';

// OAS-012 is held here while the pinned spec declares no response header: no answer of any target can fail it, so
// no suite test cites it (provenByHarness in src/rules/catalogue.ts). The day the spec declares one, this fails.
const { document } = readSpecFile(process.env.SCALEKIT_OPENAPI ?? '../shared/openapi/scalekit.scalar.json');

describe('response headers in the pinned document (OAS-012)', () => {
  it('are declared for no status of any operation', () => {
    const declaring: string[] = [];
    let responses = 0;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const statuses = Object.keys((operation as { responses?: object } | undefined)?.responses ?? {});
        for (const status of statuses) {
          responses += 1;
          const headers = declaredResponseHeaders(document, { path, method }, Number(status) || 0);
          // `default` is read when a status has no response of its own: 0 names none.
          if (headers.length > 0) declaring.push(`${method.toUpperCase()} ${path} ${status}: ${headers.join(', ')}`);
        }
      }
    }
    expect(
      declaring,
      'the spec now declares response headers: add responseHeadersConformance (src/contract/checks.ts) to ' +
        'contractChecks so the contract suite cites OAS-012, give it a seeded fault that drops a declared header, ' +
        'and remove provenByHarness from OAS-012 in src/rules/catalogue.ts',
    ).toEqual([]);
    // The walk reached the operations' responses (hundreds of them), so the empty list says something.
    expect(responses).toBeGreaterThan(100);
  });
});
