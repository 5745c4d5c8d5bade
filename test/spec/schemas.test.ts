import { describe, expect, it } from 'vitest';
import { readSpecFile } from '../../src/spec/document.js';
import { SchemaRegistry } from '../../src/spec/schemas.js';

const specPath = process.env.SCALEKIT_OPENAPI;
if (!specPath) throw new Error('set SCALEKIT_OPENAPI to the spec file before running these tests');
const { document } = readSpecFile(specPath);
const registry = new SchemaRegistry(document);

const listPath = '/api/v1/logs/authentication/requests';
const listSchema = registry.responseSchema(listPath, 'GET', 200);

const validEntry = {
  auth_request_id: 'ar_1234567890123456',
  client_id: 'skc_1234567890',
  email: 'user@example.com',
  status: 'SUCCESS',
  timestamp: '2024-06-15T14:30:00Z',
  connection_details: [],
};

describe('SchemaRegistry', () => {
  it('finds the declared schema of the auth-log list response', () => {
    expect(listSchema).toEqual({ $ref: '#/components/schemas/auditlogsListAuthLogResponse' });
  });

  it('reports no violations for a valid auth-log list body', () => {
    const body = { authRequests: [validEntry], next_page_token: '', prev_page_token: '', total_size: 1 };
    expect(registry.validate(listSchema, body)).toEqual([]);
  });

  it('reports a status outside the enum at /authRequests/0/status with the allowed values', () => {
    const body = { authRequests: [{ ...validEntry, status: 'Failure' }], total_size: 1 };
    expect(registry.validate(listSchema, body)).toEqual([
      {
        at: '/authRequests/0/status',
        message: 'must be equal to one of the allowed values ("INITIATED", "PENDING", "SUCCESS", "FAILED")',
      },
    ]);
  });

  it('reports every violation, not only the first', () => {
    const body = { authRequests: [{ ...validEntry, status: 'nope', timestamp: 'yesterday' }], total_size: '1' };
    const at = registry.validate(listSchema, body).map((v) => v.at);
    expect(at.sort()).toEqual(['/authRequests/0/status', '/authRequests/0/timestamp', '/total_size']);
  });

  it('applies keywords that sit beside a $ref (OpenAPI 3.1 semantics)', () => {
    const schema = {
      type: 'object',
      $ref: '#/components/schemas/auditlogsAuthLogRequest',
      properties: { status: { const: 'FAILED' } },
    };
    expect(registry.validate(schema, { ...validEntry, status: 'FAILED' })).toEqual([]);
    expect(registry.validate(schema, validEntry)).toEqual([{ at: '/status', message: 'must be equal to constant' }]);
    expect(registry.validate(schema, { ...validEntry, status: 'Failure' }).map((v) => v.at)).toEqual([
      '/status',
      '/status',
    ]);
  });

  it('returns undefined for a status the operation does not declare', () => {
    expect(registry.responseSchema(listPath, 'get', 418)).toBeUndefined();
  });

  it('returns undefined for an undeclared path, method or media type', () => {
    expect(registry.responseSchema('/api/v1/nowhere', 'get', 200)).toBeUndefined();
    expect(registry.responseSchema(listPath, 'delete', 200)).toBeUndefined();
    expect(registry.responseSchema(listPath, 'get', 200, 'text/plain')).toBeUndefined();
  });

  it('compiles every JSON response schema of every operation in strict mode', () => {
    const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
    let compiled = 0;
    const broken: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of methods) {
        const operation = item[method] as { responses?: Record<string, unknown> } | undefined;
        for (const status of Object.keys(operation?.responses ?? {})) {
          if (!/^\d{3}$/.test(status)) continue;
          const schema = registry.responseSchema(path, method, Number(status));
          if (schema === undefined) continue;
          try {
            registry.validate(schema, {});
            compiled += 1;
          } catch (error) {
            broken.push(`${method.toUpperCase()} ${path} ${status}: ${(error as Error).message}`);
          }
        }
      }
    }
    expect(broken).toEqual([]);
    expect(compiled).toBeGreaterThan(100);
  });

  it('compiles every webhook request body schema in strict mode', () => {
    const webhooks = Object.entries(document.webhooks ?? {});
    expect(webhooks.length).toBeGreaterThan(10);
    const broken: string[] = [];
    for (const [name, item] of webhooks) {
      const schema = (item as { post?: { requestBody?: { content?: Record<string, { schema?: unknown }> } } }).post
        ?.requestBody?.content?.['application/json']?.schema;
      if (schema === undefined) {
        broken.push(`${name}: no application/json request schema`);
        continue;
      }
      try {
        registry.validate(schema, {});
      } catch (error) {
        broken.push(`${name}: ${(error as Error).message}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
