import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../../src/spec/document.js';
import { ensureGeneratedTypes, generatedSpecHash } from '../../src/spec/generate.js';
import type { ResolvedSpec } from '../../src/spec/resolve.js';

const document: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'Tiny', version: '1' },
  paths: {
    '/widgets': {
      get: {
        operationId: 'listWidgets',
        responses: {
          '200': {
            description: 'ok',
            content: {
              'application/json': {
                schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
              },
            },
          },
        },
      },
    },
  },
};

const hashA = 'a'.repeat(64);
const hashB = 'b'.repeat(64);
const spec = (sha256: string): ResolvedSpec => ({ document, sha256, origin: 'tiny.json', localPath: '/dev/null' });

const dir = mkdtempSync(join(tmpdir(), 'skc-generate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ensureGeneratedTypes', () => {
  it('writes the types with a do-not-edit header recording the spec hash on the first call', async () => {
    const path = join(dir, 'first', 'openapi.ts');
    expect(await ensureGeneratedTypes(spec(hashA), path)).toBe(true);
    const text = readFileSync(path, 'utf8');
    const header = text.split('\n').slice(0, 4);
    expect(header[0]).toContain('Do not edit');
    expect(header[0]).toContain('npm run generate');
    expect(header[1]).toBe('// spec: tiny.json');
    expect(header[2]).toBe(`// spec-sha256: ${hashA}`);
    expect(text).toContain('export interface paths');
    expect(text).toContain('"/widgets"');
    expect(generatedSpecHash(path)).toBe(hashA);
  });

  it('leaves the file alone when its recorded hash already matches', async () => {
    const path = join(dir, 'same', 'openapi.ts');
    expect(await ensureGeneratedTypes(spec(hashA), path)).toBe(true);
    // Mark the file so a rewrite would be visible even within the same mtime tick.
    const marked = `${readFileSync(path, 'utf8')}// marker\n`;
    writeFileSync(path, marked);
    const before = statSync(path).mtimeMs;
    expect(await ensureGeneratedTypes(spec(hashA), path)).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(marked);
    expect(statSync(path).mtimeMs).toBe(before);
  });

  it('rewrites the file when the spec hash changes', async () => {
    const path = join(dir, 'changed', 'openapi.ts');
    expect(await ensureGeneratedTypes(spec(hashA), path)).toBe(true);
    writeFileSync(path, `${readFileSync(path, 'utf8')}// marker\n`);
    expect(await ensureGeneratedTypes(spec(hashB), path)).toBe(true);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain(`// spec-sha256: ${hashB}\n`);
    expect(text).not.toContain(hashA);
    expect(text).not.toContain('// marker');
    expect(generatedSpecHash(path)).toBe(hashB);
  });
});

describe('generatedSpecHash', () => {
  it('returns undefined for a missing file', () => {
    expect(generatedSpecHash(join(dir, 'does-not-exist.ts'))).toBeUndefined();
  });

  it('returns undefined for a file without a spec-sha256 header line', () => {
    const path = join(dir, 'no-header.ts');
    writeFileSync(path, 'export interface paths {}\n');
    expect(generatedSpecHash(path)).toBeUndefined();
  });
});
