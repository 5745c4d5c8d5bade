import { describe, expect, it } from 'vitest';
import { declaredResponseHeaders, responseHeadersConformance } from '../../src/contract/checks.js';
import type { OpenApiDocument } from '../../src/spec/document.js';
import { recorded } from '../support/exchanges.js';

// OAS-012 on a small spec made by hand, since the pinned one declares no response header (test/spec/
// response-headers.test.ts): the check passes an answer with the declared header and fails one without it.

const spec: OpenApiDocument = {
  openapi: '3.1.1',
  paths: {
    '/api/v1/widgets': {
      get: {
        responses: {
          '200': {
            description: 'the widgets',
            headers: {
              'X-Request-Id': { schema: { type: 'string' } },
              'Content-Type': { schema: { type: 'string' } },
            },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
  },
  components: {
    responses: { Error: { description: 'an error', headers: { 'Retry-After': { schema: { type: 'integer' } } } } },
  },
};
const list = { path: '/api/v1/widgets', method: 'get' };

describe('responseHeadersConformance (OAS-012)', () => {
  it('reads the declared headers of a status, else of default through its $ref, leaving Content-Type out', () => {
    expect(declaredResponseHeaders(spec, list, 200)).toEqual(['X-Request-Id']);
    expect(declaredResponseHeaders(spec, list, 429)).toEqual(['Retry-After']);
    expect(declaredResponseHeaders(spec, { path: '/api/v1/other', method: 'get' }, 200)).toEqual([]);
  });

  it('passes an answer carrying every declared header, whatever the case of its name', () => {
    const answer = recorded(200, { body: { widgets: [] }, headers: { 'x-request-id': 'req_1' } });
    expect(responseHeadersConformance('OAS-012', declaredResponseHeaders(spec, list, 200), answer)).toBeUndefined();
  });

  it('fails an answer without a declared header, naming it', () => {
    const answer = recorded(200, { body: { widgets: [] } });
    const found = responseHeadersConformance('OAS-012', declaredResponseHeaders(spec, list, 200), answer);
    expect(found?.received).toBe('no X-Request-Id');
    expect(found?.rule).toBe('OAS-012');
    expect(
      responseHeadersConformance('OAS-012', declaredResponseHeaders(spec, list, 429), recorded(429)),
    ).toBeDefined();
  });
});
