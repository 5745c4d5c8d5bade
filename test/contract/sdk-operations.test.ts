import { describe, expect, it } from 'vitest';
import { operationsOf } from '../../src/contract/operations.js';
import { sdkReadsBeyondSpec } from '../../src/contract/sdk-operations.js';
import { dereferencedSpec } from '../../src/spec/document.js';

// The reads the contract suite sends beyond the spec come from the official Node SDK's own descriptors, checked here
// against the pinned spec: what the SDK calls and the spec lacks, and nothing a declared operation already answers.

const specPath = process.env.SCALEKIT_OPENAPI;
if (!specPath) throw new Error('set SCALEKIT_OPENAPI to the spec file before running these tests');
const operations = operationsOf(await dereferencedSpec(specPath));
const reads = sdkReadsBeyondSpec(operations);

describe('the SDK’s reads beyond the pinned spec', () => {
  it('include organizations:search, named by the RPC that sends it', () => {
    expect(reads).toContainEqual({
      method: 'GET',
      path: '/api/v1/organizations:search',
      calledBy: 'OrganizationService.SearchOrganization',
    });
  });

  it('are GETs without path variables, each once, none of them a path a declared operation matches', () => {
    expect(reads.length).toBeGreaterThan(10);
    expect(new Set(reads.map((r) => r.path)).size).toBe(reads.length);
    for (const read of reads) {
      expect(read.method).toBe('GET');
      expect(read.path).not.toContain('{');
    }
    // The SDK's GetSupportHash path is matched by the spec's GET /api/v1/users/{id}: that operation's request.
    expect(reads.map((r) => r.path)).not.toContain('/api/v1/users/support-hash');
    expect(operations.some((op) => op.method === 'get' && op.path === '/api/v1/users/{id}')).toBe(true);
  });
});
