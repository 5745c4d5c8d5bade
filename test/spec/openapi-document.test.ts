import { describe, expect, it } from 'vitest';
import { readSpecFile } from '../../src/spec/document.js';
import { SchemaRegistry } from '../../src/spec/schemas.js';

// OAS-001 is a fact of the pinned document, not of a server: held here, and `drift` reports when it changes.
const { document } = readSpecFile(process.env.SCALEKIT_OPENAPI ?? '../shared/openapi/scalekit.scalar.json');

/** Every `$ref` string anywhere in the document. */
function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') found.push(child);
      else refsIn(child, found);
    }
  }
  return found;
}

describe('the pinned OpenAPI document (OAS-001)', () => {
  it('is OpenAPI 3.1.1, every $ref resolves, and every component schema compiles as JSON Schema 2020-12', () => {
    expect(document.openapi).toBe('3.1.1');
    const unresolved = [...new Set(refsIn(document))].filter((ref) => {
      const [, section, name] = /^#\/components\/([^/]+)\/(.+)$/.exec(ref) ?? [];
      return (document.components?.[section ?? ''] as Record<string, unknown> | undefined)?.[name ?? ''] === undefined;
    });
    expect(unresolved).toEqual([]);
    const registry = new SchemaRegistry(document);
    const broken = Object.keys(registry.components()).filter((name) => {
      try {
        registry.validate({ $ref: `#/components/schemas/${name}` }, {});
        return false;
      } catch {
        return true;
      }
    });
    expect(broken).toEqual([]);
  });
});

// TOK-002 and the spec half of TOK-006 are facts of the document too: the suite relies on them (it takes the
// token from {target}/oauth/token and never from the spec's placeholder server URL).
describe('the pinned document’s security (TOK-002)', () => {
  it('has one scheme, oauth2 client credentials at {ENV_URL}/oauth/token with the empty scope, required everywhere', () => {
    const schemes = document.components?.securitySchemes as Record<string, unknown> | undefined;
    expect(Object.keys(schemes ?? {})).toEqual(['oauth2']);
    const oauth2 = schemes?.oauth2 as {
      type?: string;
      flows?: Record<string, { tokenUrl?: string; scopes?: Record<string, string> }>;
    };
    expect(oauth2.type).toBe('oauth2');
    expect(Object.keys(oauth2.flows ?? {})).toEqual(['clientCredentials']);
    expect(oauth2.flows?.clientCredentials?.tokenUrl).toBe('https://$SCALEKIT_ENVIRONMENT_URL/oauth/token');
    expect(Object.keys(oauth2.flows?.clientCredentials?.scopes ?? {})).toEqual(['']);
    expect(document.security).toEqual([{ oauth2: [] }]);
    // The token endpoint is not an operation of the spec, and the server URL is a placeholder (TOK-006).
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/oauth'))).toEqual([]);
    expect((document as { servers?: { url: string }[] }).servers?.map((s) => s.url)).toEqual([
      'https://$SCALEKIT_ENVIRONMENT_URL',
    ]);
  });
});

describe('organisation M2M clients in the pinned document (RDR-020)', () => {
  it('have no redirect_uris in the create and update request bodies: the field is read-only', () => {
    const schemas = (document.components?.schemas ?? {}) as Record<string, { properties?: object }>;
    const bodies = [
      ['/api/v1/organizations/{organization_id}/clients', 'post'],
      ['/api/v1/organizations/{organization_id}/clients/{client_id}', 'patch'],
    ] as const;
    for (const [path, method] of bodies) {
      const operation = document.paths[path]?.[method] as
        | { requestBody?: { content?: Record<string, { schema?: { $ref?: string; properties?: object } }> } }
        | undefined;
      const schema = operation?.requestBody?.content?.['application/json']?.schema;
      expect(schema, `${method} ${path} has a JSON body`).toBeDefined();
      const ref = schema?.$ref?.replace('#/components/schemas/', '');
      const properties = (ref ? schemas[ref]?.properties : schema?.properties) ?? {};
      expect(Object.keys(properties)).not.toContain('redirect_uris');
    }
  });
});
