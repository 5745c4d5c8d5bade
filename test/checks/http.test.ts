import { describe, expect, it } from 'vitest';
import { summariseDrift, undeclaredStatus } from '../../src/checks/drift.js';
import { checkErrorInfo, checkResponseSchema, checkStatus, parseJsonBody } from '../../src/checks/http.js';
import type { OpenApiDocument } from '../../src/spec/document.js';
import { schemaRegistryFor } from '../../src/spec/schemas.js';
import { recorded } from '../support/exchanges.js';

// The small checks every area shares (src/checks/http.ts, src/checks/drift.ts), on a two-response operation.

const errorInfo = {
  type: 'object',
  required: ['error_code'],
  properties: { error_code: { type: 'string' }, message: { type: 'string' } },
};
const document = {
  openapi: '3.1.0',
  info: { title: 'checks', version: '1' },
  paths: {
    '/api/v1/things': {
      get: {
        responses: {
          '200': {
            description: 'ok',
            content: {
              'application/json': {
                schema: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^th_' } } },
              },
            },
          },
          '400': { description: 'bad', content: { 'application/json': { schema: errorInfo } } },
        },
      },
    },
  },
} as unknown as OpenApiDocument;
const registry = schemaRegistryFor(document);
const operation = { path: '/api/v1/things', method: 'get' };

const answer = (status: number, body: unknown, contentType?: string) =>
  recorded(status, { url: 'https://env.example.test/api/v1/things', body, contentType });

describe('checkStatus', () => {
  it('passes an expected status and fails another, naming what was allowed and what came', () => {
    expect(checkStatus('ALG-010', answer(400, {}), [400, 404])).toBeUndefined();
    const failed = checkStatus('ALG-010', answer(200, { items: [] }), [400, 404]);
    expect(failed).toMatchObject({ rule: 'ALG-010', title: 'status code', expected: '400 or 404' });
    expect(failed?.received).toMatch(/^200 \{"items":\[\]\}/);
  });
});

describe('parseJsonBody', () => {
  it('reads JSON under a JSON media type and says why it cannot otherwise', () => {
    expect(parseJsonBody(answer(200, { id: 'th_1' }, 'application/problem+json; charset=utf-8'))).toEqual({
      ok: true,
      value: { id: 'th_1' },
    });
    expect(parseJsonBody(answer(200, '{"id":', 'application/json'))).toMatchObject({ ok: false });
    expect(parseJsonBody(answer(200, '<p>hi</p>', 'text/html'))).toEqual({
      ok: false,
      reason: 'content-type text/html',
    });
  });
});

describe('checkResponseSchema', () => {
  it('passes a body valid against the declared schema', () => {
    expect(checkResponseSchema('OAS-002', answer(200, { id: 'th_1' }), registry, operation)).toBeUndefined();
  });

  it('fails an invalid body, a body that is not JSON, and a status with no declared response', () => {
    expect(checkResponseSchema('OAS-002', answer(200, { id: 'x1' }), registry, operation)).toMatchObject({
      title: 'response body schema',
      received: '1 violation(s)',
    });
    expect(checkResponseSchema('OAS-002', answer(200, 'id=th_1', 'text/plain'), registry, operation)?.title).toBe(
      'response body',
    );
    expect(checkResponseSchema('OAS-002', answer(418, {}), registry, operation)?.title).toBe(
      'response declared in the spec',
    );
  });
});

describe('checkErrorInfo', () => {
  it('passes an ErrorInfo with an error_code and fails one without, or an empty one', () => {
    expect(checkErrorInfo('ALG-010', answer(400, { error_code: 'INVALID' }), registry, operation)).toBeUndefined();
    expect(checkErrorInfo('ALG-010', answer(400, { message: 'no' }), registry, operation)?.rule).toBe('ALG-010');
    expect(checkErrorInfo('ALG-010', answer(400, { error_code: '' }), registry, operation)?.title).toBe('error body');
  });
});

describe('undeclaredStatus (drift)', () => {
  it('finds nothing for a declared status and a finding for another', () => {
    expect(undeclaredStatus('PWL-017', answer(400, {}), registry, operation)).toBeUndefined();
    const finding = undeclaredStatus('PWL-017', answer(429, {}), registry, operation);
    expect(finding).toMatchObject({ kind: 'undeclared-status', status: 429, operation: 'GET /api/v1/things' });
    expect(summariseDrift(finding ? [finding] : [])).toEqual([
      '- undeclared-status: PWL-017 GET /api/v1/things 429: documented by the docs but undeclared in the spec: 429',
    ]);
  });
});
