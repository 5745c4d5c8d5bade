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
