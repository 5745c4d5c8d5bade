import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { describeError, UserError } from '../errors.js';
import { type OpenApiDocument, parseOpenApi, sha256 } from './document.js';
import { pinnedSpec } from './pinned.js';

export interface ResolvedSpec {
  document: OpenApiDocument;
  sha256: string;
  /** Where it came from, for messages and reports: a path, a URL, or `pinned <commit>`. */
  origin: string;
  /** A local file with the exact bytes, for the workers and the generator. */
  localPath: string;
}

export interface ResolveSpecOptions {
  /** `--spec`, if given. */
  flag?: string | undefined;
  /** `SCALEKIT_OPENAPI`, if set. */
  env?: string | undefined;
  cacheDir?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Overridable so the download path can be tested against a loopback server. */
  pinned?: { url: string; sha256: string; commit: string };
  cwd?: string;
}

const howToSupply = 'Pass --spec PATH|URL or set SCALEKIT_OPENAPI=PATH|URL (JSON or YAML)';

export function defaultCacheDir(): string {
  const explicit = process.env.SCALEKIT_CONFORMANCE_CACHE;
  if (explicit) return resolve(explicit);
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'scalekit-conformance');
}

/**
 * Resolution order: `--spec`, then `SCALEKIT_OPENAPI`, then the cached (or freshly downloaded) pinned upstream
 * file, checked against its sha256. Every failure is a UserError naming both ways to supply a spec.
 */
export async function resolveSpec(options: ResolveSpecOptions = {}): Promise<ResolvedSpec> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const given = options.flag ?? options.env;
  const sourceName = options.flag ? '--spec' : 'SCALEKIT_OPENAPI';
  if (given) {
    if (/^https?:\/\//i.test(given)) {
      const bytes = await download(given, options, `could not download the spec from ${sourceName}=${given}`);
      return fromBytes(bytes, given, cacheDir, extensionOf(given));
    }
    const path = resolve(options.cwd ?? process.cwd(), given);
    if (!existsSync(path)) {
      throw new UserError(`the spec file ${given} (from ${sourceName}) does not exist`, howToSupply);
    }
    if (statSync(path).isDirectory()) {
      throw new UserError(`the spec ${given} (from ${sourceName}) is a directory, not a file`, howToSupply);
    }
    const bytes = readFileSync(path);
    return { ...parse(bytes, given), origin: given, localPath: path };
  }

  // A mirror (for networks that cannot reach GitHub) serves the same bytes; the pinned sha256 is still enforced.
  const mirror = process.env.SCALEKIT_OPENAPI_MIRROR;
  const pinned = options.pinned ?? (mirror ? { ...pinnedSpec, url: mirror } : pinnedSpec);
  const cached = join(cacheDir, `pinned-${pinned.sha256}.json`);
  if (existsSync(cached)) {
    const bytes = readFileSync(cached);
    if (sha256(bytes) === pinned.sha256) {
      return { ...parse(bytes, cached), origin: `pinned ${pinned.commit.slice(0, 12)}`, localPath: cached };
    }
  }
  let bytes: Buffer;
  try {
    bytes = await download(pinned.url, options, 'no OpenAPI spec');
  } catch (error) {
    if (error instanceof UserError) {
      throw new UserError(`no OpenAPI spec: ${error.message.replace(/^no OpenAPI spec: /, '')}`, howToSupply);
    }
    throw error;
  }
  const actual = sha256(bytes);
  if (actual !== pinned.sha256) {
    throw new UserError(
      `the downloaded pinned spec has sha256 ${actual}, expected ${pinned.sha256} (${pinned.url})`,
      `Refusing to run against an unverified spec. ${howToSupply}`,
    );
  }
  writeAtomically(cached, bytes);
  return { ...parse(bytes, pinned.url), origin: `pinned ${pinned.commit.slice(0, 12)}`, localPath: cached };
}

async function download(url: string, options: ResolveSpecOptions, what: string): Promise<Buffer> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 15_000) });
  } catch (error) {
    throw new UserError(`${what}: the download from ${url} failed (${describeError(error)})`, howToSupply);
  }
  if (!response.ok) {
    throw new UserError(`${what}: ${url} answered HTTP ${response.status}`, howToSupply);
  }
  return Buffer.from(await response.arrayBuffer());
}

function parse(bytes: Buffer, origin: string): { document: OpenApiDocument; sha256: string } {
  try {
    return { document: parseOpenApi(bytes.toString('utf8'), origin), sha256: sha256(bytes) };
  } catch (error) {
    throw new UserError(describeError(error), howToSupply);
  }
}

function fromBytes(bytes: Buffer, origin: string, cacheDir: string, extension: string): ResolvedSpec {
  const parsed = parse(bytes, origin);
  const localPath = join(cacheDir, `url-${parsed.sha256}${extension}`);
  if (!existsSync(localPath)) writeAtomically(localPath, bytes);
  return { ...parsed, origin, localPath };
}

function extensionOf(url: string): string {
  const ext = extname(new URL(url).pathname).toLowerCase();
  return ext === '.yaml' || ext === '.yml' ? ext : '.json';
}

function writeAtomically(path: string, bytes: Buffer): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}
