import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../src/spec/resolve.js';
import { cliBudgetMs, packageDir, runCli, startCli } from './run-cli.js';

// How the CLI starts (bin/load-cli.js): from a bundle of its current sources kept in the user's cache folder, or
// through tsx from the sources themselves; either way the same CLI.

const bundles = join(defaultCacheDir(), 'cli-bundles');

describe('the CLI start', { timeout: cliBudgetMs }, () => {
  it('keeps a bundle of the sources in the user cache, named by their hash, and starts from it', async () => {
    const result = await runCli(['run', '--bogus'], { SCALEKIT_CONFORMANCE_DEBUG: '1' });
    expect(result.code).toBe(2);
    const from = /^scalekit-conformance: loaded from the bundle in (.+)$/m.exec(result.stderr)?.[1];
    expect(from, result.stderr).toBeDefined();
    expect(dirname(from ?? '')).toBe(bundles);
    expect(basename(from ?? '')).toMatch(/^[0-9a-f]{16}$/);
    expect(existsSync(join(from ?? '', 'main.js'))).toBe(true);
  });

  it('answers the same through tsx from the sources (SCALEKIT_CONFORMANCE_NO_BUNDLE, or a cache it cannot write)', async () => {
    const debug = { SCALEKIT_CONFORMANCE_DEBUG: '1' };
    const [bundled, fromSources] = await Promise.all([
      runCli(['run', '--seed=x'], debug),
      runCli(['run', '--seed=x'], { ...debug, SCALEKIT_CONFORMANCE_NO_BUNDLE: '1' }),
    ]);
    const [bundleLine, ...bundledRest] = bundled.stderr.split('\n');
    const [sourcesLine, ...fromSourcesRest] = fromSources.stderr.split('\n');
    expect(bundleLine).toMatch(/^scalekit-conformance: loaded from the bundle in .*cli-bundles/);
    expect(sourcesLine).toBe('scalekit-conformance: loaded from the sources, through tsx');
    expect({ code: fromSources.code, stdout: fromSources.stdout, stderr: fromSourcesRest }).toEqual({
      code: bundled.code,
      stdout: bundled.stdout,
      stderr: bundledRest,
    });
    expect(fromSources.code).toBe(2);
    expect(fromSourcesRest[0]).toMatch(/--seed must be a whole number/);
  });

  it('bundles into --cache-dir and starts from any working folder, without writing into the package', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'conformance-cache-'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'conformance-cwd-'));
    try {
      const { done } = startCli(
        ['run', '--cache-dir', cache, '--target', 'not-a-url'],
        { SCALEKIT_CONFORMANCE_DEBUG: '1' },
        undefined,
        elsewhere,
      );
      const result = await done;
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`loaded from the bundle in ${cache}/cli-bundles/[0-9a-f]{16}\\n`));
      expect(existsSync(join(packageDir, 'node_modules', '.cache', 'scalekit-conformance-cli'))).toBe(false);
    } finally {
      rmSync(cache, { recursive: true, force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
