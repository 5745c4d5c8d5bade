import { describe, expect, it } from 'vitest';
import { type DriftFinding, summariseDrift } from '../../src/checks/drift.js';
import { contractChecks } from '../../src/contract/checks.js';
import { operationsOf } from '../../src/contract/operations.js';
import {
  errorShapeOf,
  undeclaredContentTypeDrift,
  undeclaredErrorShapeDrift,
  undeclaredOperationDrift,
  undocumentedProperties,
  undocumentedPropertyDrift,
} from '../../src/contract/server-drift.js';
import { dereferenceDocument, type OpenApiDocument } from '../../src/spec/document.js';
import { SchemaRegistry } from '../../src/spec/schemas.js';
import { recorded } from '../support/exchanges.js';

// The server-against-spec findings on a small spec shaped like Scalekit's: a resource with a map, a list of
// items, a composed schema, error responses declared with ErrorInfo, with `{}`, and not at all.

const errorInfo = { $ref: '#/components/schemas/errdetailsErrorInfo' };
const document = {
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths: {
    '/api/v1/things/{id}': {
      get: {
        responses: {
          '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/GetThing' } } } },
          '400': { content: { 'application/json': { schema: errorInfo } } },
          '404': { content: { 'application/json': { schema: {} } } },
          '204': { description: 'no content' },
        },
      },
    },
  },
  components: {
    schemas: {
      GetThing: { type: 'object', properties: { thing: { $ref: '#/components/schemas/Thing' } } },
      Thing: {
        allOf: [
          { type: 'object', properties: { id: { type: 'string' }, metadata: { type: 'object' } } },
          {
            type: 'object',
            properties: {
              parts: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
              labels: { type: 'object', additionalProperties: { type: 'string' } },
            },
          },
        ],
      },
      errdetailsErrorInfo: {
        type: 'object',
        properties: { error_code: { type: 'string' }, localized_message_info: { type: 'object' } },
      },
    },
  },
} as unknown as OpenApiDocument;
const registry = new SchemaRegistry(document);
const [operation] = operationsOf(await dereferenceDocument(document));
if (!operation) throw new Error('the test spec has one operation');

/** An answer to GET /api/v1/things/t1, JSON unless the headers say otherwise. */
const exchange = (status: number, body: unknown, headers?: Record<string, string>) =>
  recorded(status, { url: 'http://127.0.0.1/api/v1/things/t1', body, headers });

const status = {
  code: 16,
  message: 'Token empty',
  details: [{ '@type': 'x/ErrorInfo', error_code: 'UNAUTHENTICATED' }],
};

describe('error envelopes (C-21)', () => {
  it('names google.rpc.Status, a bare ErrorInfo, anything else, and bodies that are not JSON', () => {
    expect(errorShapeOf(JSON.stringify(status))).toBe('google.rpc.Status');
    expect(errorShapeOf(JSON.stringify({ code: 5, message: 'gone' }))).toBe('google.rpc.Status');
    expect(errorShapeOf(JSON.stringify({ error_code: 'NOT_FOUND', localized_message_info: {} }))).toBe('ErrorInfo');
    // ErrorInfo's own fields only: a `message` beside error_code is a third shape.
    expect(errorShapeOf(JSON.stringify({ error_code: 'NOT_FOUND', message: 'x' }))).toBe('other');
    expect(errorShapeOf(JSON.stringify({ code: 5, message: 'x', details: ['no @type'] }))).toBe('other');
    expect(errorShapeOf(JSON.stringify({ error: 'unauthorized' }))).toBe('other');
    expect(errorShapeOf('<html>401</html>')).toBe('not JSON');
  });

  it('TOK-008 accepts either envelope by default, and only the one the profile names otherwise', () => {
    const check = contractChecks.error_envelope;
    const run = (body: unknown, envelope?: 'either' | 'status' | 'errorInfo', knownErrorCodes: string[] = []) =>
      check.run({
        operation,
        exchange: exchange(404, body),
        registry,
        ...(envelope ? { errors: { envelope, knownErrorCodes } } : {}),
      });
    const bare = { error_code: 'NOT_FOUND' };
    expect(run(status)).toBeUndefined();
    expect(run(bare)).toBeUndefined();
    expect(run({ error: 'not_found' })?.rule).toBe('TOK-008');
    expect(run(status, 'errorInfo')?.received).toBe('google.rpc.Status');
    expect(run(bare, 'status')?.received).toBe('ErrorInfo');
    expect(run(bare, 'errorInfo')).toBeUndefined();
    // With a vocabulary, an error_code outside it fails, in either envelope.
    expect(run(bare, 'either', ['NOT_FOUND'])).toBeUndefined();
    expect(run(status, 'either', ['NOT_FOUND'])?.received).toBe('UNAUTHENTICATED');
    expect(run({ error_code: 'GONE' }, 'errorInfo', ['NOT_FOUND'])?.title).toBe('error_code of a 404');
    // Success bodies are not error envelopes.
    expect(check.run({ operation, exchange: exchange(200, { thing: {} }), registry })).toBeUndefined();
  });
});

describe('undocumented response properties', () => {
  const schema = operation.responses['200']?.schema;

  it('names each property no schema part declares, through $ref, allOf and array items', () => {
    const body = {
      thing: {
        id: 't1',
        shard: 3,
        parts: [
          { name: 'a', weight: 1 },
          { name: 'b', weight: 2 },
        ],
      },
      served_by: 'edge-1',
    };
    expect(undocumentedProperties(schema, body).sort()).toEqual([
      '/served_by',
      '/thing/parts/*/weight',
      '/thing/shard',
    ]);
  });

  it('treats an object without properties, or with additionalProperties, as a map that names every key', () => {
    const body = { thing: { id: 't1', metadata: { anything: 'goes' }, labels: { team: 'a', tier: 'b' } } };
    expect(undocumentedProperties(schema, body)).toEqual([]);
  });

  it('counts a pointer repeated across array elements once toward the limit', () => {
    const parts = Array.from({ length: 12 }, (_, i) => ({ name: `p${i}`, weight: i }));
    const body = { thing: { id: 't1', parts, shard: 1 }, served_by: 'edge-1' };
    expect(undocumentedProperties(schema, body, 3).sort()).toEqual([
      '/served_by',
      '/thing/parts/*/weight',
      '/thing/shard',
    ]);
  });

  it('reports a finding for a 200 with extra properties, none for a conforming body or an error body', () => {
    const finding = undocumentedPropertyDrift(operation, exchange(200, { thing: { id: 't', extra: 1 } }));
    expect(finding).toMatchObject({ kind: 'undocumented-property', rule: 'OAS-013', pointers: ['/thing/extra'] });
    expect(undocumentedPropertyDrift(operation, exchange(200, { thing: { id: 't' } }))).toBeUndefined();
    expect(undocumentedPropertyDrift(operation, exchange(400, status))).toBeUndefined();
  });
});

describe('content types the spec does not declare', () => {
  it('are drift on an undeclared status (unless JSON) and on a status declared without content', () => {
    const html = { 'content-type': 'text/html; charset=utf-8' };
    expect(undeclaredContentTypeDrift(operation, exchange(401, '<html/>', html))).toMatchObject({
      kind: 'undeclared-content-type',
      status: 401,
      contentType: 'text/html',
    });
    expect(undeclaredContentTypeDrift(operation, exchange(401, { error_code: 'X' }))).toBeUndefined();
    expect(undeclaredContentTypeDrift(operation, exchange(204, { note: 'a body' }))?.detail).toContain(
      'declares no content for 204',
    );
    // Declared media types are OAS-011's to judge: a failure there, not drift.
    expect(undeclaredContentTypeDrift(operation, exchange(200, 'x', { 'content-type': 'text/plain' }))).toBeUndefined();
    expect(
      contractChecks.content_type_conformance.run({
        operation,
        exchange: exchange(200, 'x', { 'content-type': 'text/plain' }),
        registry,
      })?.rule,
    ).toBe('OAS-011');
    expect(
      contractChecks.content_type_conformance.run({ operation, exchange: exchange(401, '<html/>', html), registry }),
    ).toBeUndefined();
  });
});

describe('error shapes the spec does not declare', () => {
  it('reports the shape behind an empty schema, and another envelope where ErrorInfo is declared (C-21)', () => {
    const open = undeclaredErrorShapeDrift(operation, exchange(404, { error_code: 'NOT_FOUND' }), registry);
    expect(open).toMatchObject({ kind: 'undeclared-error-shape', status: 404, errorShape: 'ErrorInfo' });
    expect(open?.contradiction).toBeUndefined();
    const other = undeclaredErrorShapeDrift(operation, exchange(400, status), registry);
    expect(other).toMatchObject({ errorShape: 'google.rpc.Status', contradiction: 'C-21' });
    expect(undeclaredErrorShapeDrift(operation, exchange(400, { error_code: 'BAD' }), registry)).toBeUndefined();
    // An undeclared status is OAS-010's finding, which carries the shape.
    expect(undeclaredErrorShapeDrift(operation, exchange(401, status), registry)).toBeUndefined();
    const undeclared = contractChecks.status_code_conformance.drift({
      operation,
      exchange: exchange(401, status),
      registry,
    });
    expect(undeclared[0]?.detail).toBe(
      'the target answered 401 with a google.rpc.Status body (application/json), which the spec does not declare',
    );
  });
});

describe('operations the SDK calls that the spec does not declare', () => {
  const read = { method: 'GET' as const, path: '/api/v1/organizations:search', calledBy: 'OrganizationService.Search' };

  it('are drift when the target serves them or routes them to a validation answer, and nothing otherwise', () => {
    expect(undeclaredOperationDrift(read, recorded(200, { body: { organizations: [] } }))).toMatchObject({
      kind: 'undeclared-operation',
      rule: 'OAS-017',
      operation: 'GET /api/v1/organizations:search',
      status: 200,
      detail: expect.stringContaining('OrganizationService.Search'),
    });
    expect(undeclaredOperationDrift(read, recorded(400, { body: { error_code: 'INVALID' } }))?.detail).toMatch(
      /^a validation answer/,
    );
    expect(undeclaredOperationDrift(read, recorded(422))?.status).toBe(422);
    // Not there (404, 405, 501), or an answer that may come from in front of the routing (401, 403, 5xx): nothing.
    for (const status of [404, 405, 501, 401, 403, 500, 502]) {
      expect(undeclaredOperationDrift(read, recorded(status)), String(status)).toBeUndefined();
    }
  });

  it('are reported by the OAS-017 check beside its verdict', () => {
    expect(contractChecks.unsupported_method.beyondSpec?.(read, recorded(200))?.kind).toBe('undeclared-operation');
  });
});

describe('the console summary of a run’s drift', () => {
  it('lists a kind with few findings in full and counts a large one per status', () => {
    const finding = (kind: DriftFinding['kind'], operation: string, status: number): DriftFinding => ({
      kind,
      rule: 'OAS-010',
      operation,
      status,
      detail: 'd',
    });
    const many = Array.from({ length: 7 }, (_, i) => finding('undeclared-status', `GET /p${i % 3}`, i < 5 ? 401 : 404));
    const lines = summariseDrift([...many, finding('undocumented-property', 'GET /x', 200)]);
    expect(lines).toEqual([
      '- undeclared-status: 7 findings on 3 operations (401 ×5, 404 ×2)',
      '- undocumented-property: OAS-010 GET /x 200: d',
    ]);
  });
});
