import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOpenApi } from '../../src/spec/document.js';
import { resolveSpec } from '../../src/spec/resolve.js';
import { userErrorOfAsync } from '../support/user-error.js';

const docA = { openapi: '3.1.0', info: { title: 'A', version: '1' }, paths: { '/a': {} } };
const docB = { openapi: '3.1.0', info: { title: 'B', version: '1' }, paths: { '/b': {} } };
const served = Buffer.from(JSON.stringify({ openapi: '3.1.0', info: { title: 'served', version: '2' }, paths: {} }));
const servedSha = createHash('sha256').update(served).digest('hex');
const commit = 'abc0123456789def0123456789abcdef01234567';

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'skc-resolve-'));
  tempDirs.push(dir);
  return dir;
}

function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/** Runs `action`, expecting a UserError, and returns it. */

function listen(server: Server): Promise<string> {
  return new Promise((resolvePromise) => {
    server.listen(0, '127.0.0.1', () => {
      resolvePromise(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    server.close((error) => (error ? reject(error) : resolvePromise()));
  });
}

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('resolveSpec from a local file', () => {
  it('prefers the --spec flag over SCALEKIT_OPENAPI', async () => {
    const dir = tempDir();
    const a = writeJson(dir, 'a.json', docA);
    const b = writeJson(dir, 'b.json', docB);
    const spec = await resolveSpec({ flag: a, env: b, cacheDir: join(dir, 'cache') });
    expect(spec.document.info?.title).toBe('A');
    expect(spec.origin).toBe(a);
    expect(spec.localPath).toBe(a);
  });

  it('uses SCALEKIT_OPENAPI when no flag is given', async () => {
    const dir = tempDir();
    const b = writeJson(dir, 'b.json', docB);
    const spec = await resolveSpec({ env: b, cacheDir: join(dir, 'cache') });
    expect(spec.document.info?.title).toBe('B');
    expect(spec.sha256).toBe(createHash('sha256').update(readFileSync(b)).digest('hex'));
  });

  it('resolves a relative path against the given cwd', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'specs'));
    writeJson(join(dir, 'specs'), 'a.json', docA);
    const spec = await resolveSpec({ flag: 'specs/a.json', cwd: dir, cacheDir: join(dir, 'cache') });
    expect(spec.localPath).toBe(join(dir, 'specs', 'a.json'));
    expect(spec.origin).toBe('specs/a.json');
    expect(spec.document.info?.title).toBe('A');
  });

  it('reports a missing file as a UserError naming both --spec and SCALEKIT_OPENAPI', async () => {
    const dir = tempDir();
    const error = await userErrorOfAsync(() => resolveSpec({ env: 'nowhere.json', cwd: dir, cacheDir: dir }));
    expect(error.message).toBe('the spec file nowhere.json (from SCALEKIT_OPENAPI) does not exist');
    expect(error.line).toContain('--spec');
    expect(error.line).toContain('SCALEKIT_OPENAPI');
    expect(error.exitCode).toBe(2);
  });

  it('reports a directory given as the spec as a UserError, not an internal error', async () => {
    const dir = tempDir();
    const error = await userErrorOfAsync(() => resolveSpec({ flag: '.', cwd: dir, cacheDir: dir }));
    expect(error.message).toBe('the spec . (from --spec) is a directory, not a file');
    expect(error.exitCode).toBe(2);
  });

  it('reads a YAML OpenAPI document', async () => {
    const dir = tempDir();
    const path = join(dir, 'spec.yaml');
    writeFileSync(path, 'openapi: 3.1.0\ninfo:\n  title: Yaml API\n  version: "7"\npaths:\n  /pets: {}\n');
    const spec = await resolveSpec({ flag: path, cacheDir: join(dir, 'cache') });
    expect(spec.document.openapi).toBe('3.1.0');
    expect(spec.document.info).toEqual({ title: 'Yaml API', version: '7' });
    expect(Object.keys(spec.document.paths)).toEqual(['/pets']);
  });

  it('rejects JSON that is not an OpenAPI document with a UserError', async () => {
    const dir = tempDir();
    const path = writeJson(dir, 'package.json', { name: 'not-a-spec', version: '1.0.0' });
    const error = await userErrorOfAsync(() => resolveSpec({ flag: path, cacheDir: dir }));
    expect(error.message).toBe(`${path} is not an OpenAPI 3 document (no "openapi: 3.x" field)`);
    expect(error.line).toContain('SCALEKIT_OPENAPI');
  });
});

describe('parseOpenApi', () => {
  it('rejects a document without a paths object', () => {
    expect(() => parseOpenApi('{"openapi":"3.0.3"}', 'x.json')).toThrow('x.json has no "paths" object');
  });

  it('rejects a top level that is an array', () => {
    expect(() => parseOpenApi('[1, 2]', 'x.json')).toThrow(
      'x.json is not an OpenAPI document (its top level is not an object)',
    );
  });

  it('rejects an OpenAPI 2 document', () => {
    expect(() => parseOpenApi('swagger: "2.0"\nopenapi: "2.0"\npaths: {}\n', 'x.yaml')).toThrow(
      'x.yaml is not an OpenAPI 3 document',
    );
  });

  it('reports broken JSON on one line', () => {
    let message = '';
    try {
      parseOpenApi('{"openapi": ', 'broken.json');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.startsWith('broken.json is neither valid JSON nor valid YAML (')).toBe(true);
    expect(message).not.toContain('\n');
  });
});

describe('resolveSpec from a URL', () => {
  let server: Server;
  let base = '';
  const paths: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      paths.push(request.url ?? '');
      if (request.url === '/spec.json') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(served);
        return;
      }
      response.writeHead(404);
      response.end('not found');
    });
    base = await listen(server);
  });

  afterAll(async () => {
    await close(server);
  });

  it('downloads a URL source and caches the bytes in cacheDir', async () => {
    const cacheDir = tempDir();
    const url = `${base}/spec.json`;
    const spec = await resolveSpec({ flag: url, cacheDir });
    expect(paths).toEqual(['/spec.json']);
    expect(spec.origin).toBe(url);
    expect(spec.sha256).toBe(servedSha);
    expect(spec.localPath).toBe(join(cacheDir, `url-${servedSha}.json`));
    expect(readFileSync(spec.localPath).equals(served)).toBe(true);
    expect(spec.document.info?.title).toBe('served');
  });

  it('reports an HTTP error status from a URL source as a UserError', async () => {
    const url = `${base}/missing.json`;
    const error = await userErrorOfAsync(() => resolveSpec({ env: url, cacheDir: tempDir() }));
    expect(error.message).toBe(`could not download the spec from SCALEKIT_OPENAPI=${url}: ${url} answered HTTP 404`);
  });
});

describe('resolveSpec with the pinned spec', () => {
  it('downloads, verifies and caches the pinned spec, then serves it from the cache once the server is gone', async () => {
    const cacheDir = tempDir();
    let requests = 0;
    const server = createServer((_request, response) => {
      requests += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(served);
    });
    const base = await listen(server);
    const pinned = { url: `${base}/pinned.json`, sha256: servedSha, commit };
    let serverOpen = true;
    try {
      const first = await resolveSpec({ cacheDir, pinned });
      expect(requests).toBe(1);
      expect(first.origin).toBe('pinned abc012345678');
      expect(first.sha256).toBe(servedSha);
      expect(first.localPath).toBe(join(cacheDir, `pinned-${servedSha}.json`));
      expect(readFileSync(first.localPath).equals(served)).toBe(true);

      await close(server);
      serverOpen = false;
      const second = await resolveSpec({ cacheDir, pinned });
      expect(requests).toBe(1);
      expect(second.localPath).toBe(first.localPath);
      expect(second.sha256).toBe(servedSha);
      expect(second.document).toEqual(first.document);
    } finally {
      if (serverOpen) await close(server);
    }
  });

  it('refuses a pinned download whose sha256 differs, naming both hashes, and caches nothing', async () => {
    const cacheDir = tempDir();
    const expected = 'f'.repeat(64);
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(served);
    });
    const base = await listen(server);
    try {
      const error = await userErrorOfAsync(() =>
        resolveSpec({ cacheDir, pinned: { url: `${base}/pinned.json`, sha256: expected, commit } }),
      );
      expect(error.message).toContain(servedSha);
      expect(error.message).toContain(expected);
      expect(error.line).not.toContain('\n');
      expect(existsSync(join(cacheDir, `pinned-${expected}.json`))).toBe(false);
    } finally {
      await close(server);
    }
  });

  it('turns a failed pinned download into a one-line UserError naming --spec and SCALEKIT_OPENAPI', async () => {
    const cacheDir = tempDir();
    const urls: string[] = [];
    const failingFetch = (async (input: string | URL | Request) => {
      urls.push(String(input));
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }),
      });
    }) as typeof fetch;
    const url = 'http://127.0.0.1:9/pinned.json';
    const error = await userErrorOfAsync(() =>
      resolveSpec({ cacheDir, fetch: failingFetch, pinned: { url, sha256: servedSha, commit } }),
    );
    expect(urls).toEqual([url]);
    expect(error.message).toBe(`no OpenAPI spec: the download from ${url} failed (fetch failed (ENOTFOUND))`);
    expect(error.line).toContain('--spec');
    expect(error.line).toContain('SCALEKIT_OPENAPI');
    expect(error.line).not.toContain('\n');
  });
});
