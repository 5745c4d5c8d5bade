// Loads the CLI from its TypeScript sources. Through tsx's loader hooks a start costs about 3 s of CPU (every module,
// the dependencies' too, passes through a hooks thread); from a bundle of the same sources made by esbuild, about
// 0.7 s. So the first start after the sources change bundles src/ into the user's cache folder (never into the
// installed package, which may be read-only), named by a hash of the sources' content and of where the package is,
// and every later start imports that bundle: never stale, no build step to forget. Where the cache cannot be written
// or the bundle fails, tsx loads the sources.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sources = join(root, 'src');
const entry = join(sources, 'cli', 'main.ts');
const cacheDir = join(userCacheDir(process.argv.slice(2)), 'cli-bundles');
// Bundles older than this that other starts are not using are removed when a new one is made.
const keepOldMs = 24 * 3_600_000;

/**
 * The cache folder src/spec/resolve.ts's defaultCacheDir names (`--cache-dir`, which the CLI also reads, then
 * SCALEKIT_CONFORMANCE_CACHE, XDG_CACHE_HOME, ~/.cache): read here before the CLI, which lives in the bundle, loads.
 */
function userCacheDir(args) {
  const at = args.findIndex((arg) => arg === '--cache-dir' || arg.startsWith('--cache-dir='));
  const flag = at < 0 ? undefined : args[at].includes('=') ? args[at].slice('--cache-dir='.length) : args[at + 1];
  const explicit = flag || process.env.SCALEKIT_CONFORMANCE_CACHE;
  if (explicit) return resolve(explicit);
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'scalekit-conformance');
}

/**
 * Bare imports (`vitest/node`) resolved from the package, as file URLs: the bundle lives outside it, where Node would
 * not find the package's node_modules.
 */
const packageImports = {
  name: 'package-imports',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      return { path: import.meta.resolve(args.path), external: true };
    });
  },
};

/**
 * Where the package is, the sources' content, the manifest and the lockfile (dependency versions) and the compiler options, as a short
 * hash: any change makes a new bundle.
 */
function sourcesHash() {
  // The bundle holds the package's absolute paths (its modules' own URLs, its dependencies'): one per checkout.
  const hash = createHash('sha256').update(`${root}\0`);
  for (const file of ['package.json', 'package-lock.json', 'tsconfig.json']) {
    if (existsSync(join(root, file))) hash.update(readFileSync(join(root, file)));
  }
  for (const file of readdirSync(sources, { recursive: true }).sort()) {
    if (!file.endsWith('.ts')) continue;
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(sources, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Each module keeps its own `import.meta.url` (src/version.ts finds the package root from it), as if it were loaded
 * from src/ and not from a chunk in the cache.
 */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: 'ts',
    }));
  },
};

async function bundle(dir) {
  const { build, stop } = await import('esbuild');
  const partial = `${dir}.${process.pid}.tmp`;
  // esbuild's service process would otherwise live as long as the CLI: tens of MB beside a run, for nothing.
  const { metafile } = await build({
    entryPoints: [entry],
    outdir: partial,
    // The metafile's input paths are relative to this: from any other working folder they would not start with src/.
    absWorkingDir: root,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    plugins: [packageImports, ownImportMetaUrl],
    metafile: true,
  }).finally(() => stop());
  // The hash covers src/ only: a module from elsewhere could change without a new bundle, so tsx loads such a CLI.
  const outside = Object.keys(metafile.inputs).find((input) => !input.startsWith('src/'));
  if (outside) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(`the CLI imports ${outside}, outside src/`);
  }
  try {
    renameSync(partial, dir);
  } catch (error) {
    // Another start made the same bundle first.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(join(dir, 'main.js'))) throw error;
  }
  for (const old of readdirSync(cacheDir)) {
    const path = join(cacheDir, old);
    try {
      if (path !== dir && Date.now() - statSync(path).mtimeMs > keepOldMs)
        rmSync(path, { recursive: true, force: true });
    } catch {
      // Another start removed it first.
    }
  }
}

/** The CLI's module: from the bundle of the current sources when there is one or it can be made, else through tsx. */
export async function loadCli() {
  if (!process.env.SCALEKIT_CONFORMANCE_NO_BUNDLE) {
    try {
      const dir = join(cacheDir, sourcesHash());
      if (!existsSync(join(dir, 'main.js'))) {
        mkdirSync(cacheDir, { recursive: true });
        await bundle(dir);
      }
      const cli = await import(pathToFileURL(join(dir, 'main.js')).href);
      debug(`loaded from the bundle in ${dir}`);
      return cli;
    } catch (error) {
      // Not writable, esbuild missing, or a source outside src/: tsx works everywhere, only slower to start.
      debug(`no bundle: ${error instanceof Error ? error.message : error}`);
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  const cli = await import('../src/cli/main.ts');
  debug('loaded from the sources, through tsx');
  return cli;
}

/** With SCALEKIT_CONFORMANCE_DEBUG set, says where the CLI was loaded from, and why not from a bundle. */
function debug(line) {
  if (process.env.SCALEKIT_CONFORMANCE_DEBUG) process.stderr.write(`scalekit-conformance: ${line}\n`);
}
