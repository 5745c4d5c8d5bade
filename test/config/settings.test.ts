import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveRunSettings } from '../../src/config/settings.js';
import { userErrorOf } from '../support/user-error.js';

const tempDirs: string[] = [];
/** A fresh, empty working directory, so no config file from the repository is picked up. */
function emptyCwd(): string {
  const dir = mkdtempSync(join(tmpdir(), 'skc-settings-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const credentials = { SCALEKIT_CLIENT_ID: 'skc_123', SCALEKIT_CLIENT_SECRET: 'secret-value' };

describe('resolveRunSettings target', () => {
  it('defaults to the mock with no faults', () => {
    const settings = resolveRunSettings({}, {}, emptyCwd());
    expect(settings.target).toEqual({ kind: 'mock', faults: [] });
    expect(settings.targetSource).toBe('default');
    expect(settings.only).toEqual([]);
    expect(settings.timeoutMs).toBe(10_000);
    expect(settings.spec).toBeUndefined();
  });

  it('uses SCALEKIT_ENVIRONMENT_URL when no --target is given', () => {
    const env = { ...credentials, SCALEKIT_ENVIRONMENT_URL: 'https://acme.scalekit.dev/' };
    const settings = resolveRunSettings({}, env, emptyCwd());
    expect(settings.target).toEqual({
      kind: 'url',
      baseUrl: 'https://acme.scalekit.dev',
      clientId: 'skc_123',
      clientSecret: 'secret-value',
    });
    expect(settings.targetSource).toBe('SCALEKIT_ENVIRONMENT_URL');
  });

  it('prefers --target over SCALEKIT_ENVIRONMENT_URL', () => {
    const env = { ...credentials, SCALEKIT_ENVIRONMENT_URL: 'https://env.scalekit.dev' };
    const settings = resolveRunSettings({ target: 'https://flag.scalekit.dev' }, env, emptyCwd());
    expect(settings.target).toMatchObject({ kind: 'url', baseUrl: 'https://flag.scalekit.dev' });
    expect(settings.targetSource).toBe('--target');
  });

  it('lets --target mock override an environment URL', () => {
    const env = { SCALEKIT_ENVIRONMENT_URL: 'https://env.scalekit.dev' };
    expect(resolveRunSettings({ target: 'mock' }, env, emptyCwd()).target).toEqual({ kind: 'mock', faults: [] });
  });

  it('prefers --client-id and --client-secret over the environment', () => {
    const settings = resolveRunSettings(
      { target: 'https://flag.scalekit.dev', 'client-id': 'skc_flag', 'client-secret': 'flag-secret' },
      credentials,
      emptyCwd(),
    );
    expect(settings.target).toEqual({
      kind: 'url',
      baseUrl: 'https://flag.scalekit.dev',
      clientId: 'skc_flag',
      clientSecret: 'flag-secret',
    });
  });

  it('rejects a target that is not a URL', () => {
    const error = userErrorOf(() => resolveRunSettings({ target: 'acme.scalekit.dev' }, credentials, emptyCwd()));
    expect(error.message).toBe('--target "acme.scalekit.dev" is not a URL');
  });

  it('rejects a target URL that is not http or https', () => {
    const error = userErrorOf(() => resolveRunSettings({ target: 'ftp://acme.scalekit.dev' }, credentials, emptyCwd()));
    expect(error.message).toBe('--target "ftp://acme.scalekit.dev" must be an http(s) URL');
  });

  it('rejects a target URL with credentials without echoing them', () => {
    const error = userErrorOf(() =>
      resolveRunSettings({ target: 'https://user:pass@acme.scalekit.dev' }, credentials, emptyCwd()),
    );
    expect(error.message).toBe('--target must be a plain base URL, without credentials, query or fragment');
    expect(error.line).not.toContain('pass@');
  });

  it('rejects a target URL with a query', () => {
    const error = userErrorOf(() =>
      resolveRunSettings({ target: 'https://acme.scalekit.dev/?x=1' }, credentials, emptyCwd()),
    );
    expect(error.message).toBe('--target must be a plain base URL, without credentials, query or fragment');
  });

  it('names both credential variables when a URL target has none', () => {
    const error = userErrorOf(() => resolveRunSettings({ target: 'https://acme.scalekit.dev' }, {}, emptyCwd()));
    expect(error.message).toBe(
      'missing credentials for https://acme.scalekit.dev: SCALEKIT_CLIENT_ID and SCALEKIT_CLIENT_SECRET not set',
    );
    expect(error.line).toContain('SCALEKIT_CLIENT_ID');
    expect(error.line).toContain('SCALEKIT_CLIENT_SECRET');
  });

  it('names only the missing secret when the client ID is set', () => {
    const error = userErrorOf(() =>
      resolveRunSettings({ target: 'https://acme.scalekit.dev' }, { SCALEKIT_CLIENT_ID: 'skc_1' }, emptyCwd()),
    );
    expect(error.message).toBe('missing credentials for https://acme.scalekit.dev: SCALEKIT_CLIENT_SECRET not set');
  });
});

describe('resolveRunSettings config file', () => {
  it('reads scalekit-conformance.config.json from the working directory', () => {
    const cwd = emptyCwd();
    writeFileSync(
      join(cwd, 'scalekit-conformance.config.json'),
      JSON.stringify({ target: 'https://config.scalekit.dev', seed: 7, only: ['ALG-*'], timeoutMs: 2500 }),
    );
    const settings = resolveRunSettings({}, credentials, cwd);
    expect(settings.target).toMatchObject({ kind: 'url', baseUrl: 'https://config.scalekit.dev' });
    expect(settings.targetSource).toBe(`config ${join(cwd, 'scalekit-conformance.config.json')}`);
    expect(settings.seed).toBe(7);
    expect(settings.only).toEqual(['ALG-*']);
    expect(settings.timeoutMs).toBe(2500);
  });

  it('rejects an unknown key in the config file, naming it', () => {
    const cwd = emptyCwd();
    writeFileSync(join(cwd, 'scalekit-conformance.config.json'), JSON.stringify({ target: 'mock', tagret: 'x' }));
    const error = userErrorOf(() => resolveRunSettings({}, {}, cwd));
    expect(error.message).toBe(`${join(cwd, 'scalekit-conformance.config.json')} has unknown key(s) tagret`);
    expect(error.fix).toContain('Allowed keys: target, spec, only, exclude, seed');
  });

  it('rejects a --config path that does not exist', () => {
    const error = userErrorOf(() => resolveRunSettings({ config: 'missing.json' }, {}, emptyCwd()));
    expect(error.message).toBe('the config file missing.json does not exist');
  });

  it('lets flags win over the config file', () => {
    const cwd = emptyCwd();
    writeFileSync(join(cwd, 'scalekit-conformance.config.json'), JSON.stringify({ seed: 7, target: 'mock' }));
    const settings = resolveRunSettings({ seed: '99' }, {}, cwd);
    expect(settings.seed).toBe(99);
    expect(settings.target).toEqual({ kind: 'mock', faults: [] });
  });

  it('takes the wait for the target from --wait-for-target over the config file, no wait without either', () => {
    const cwd = emptyCwd();
    expect(resolveRunSettings({}, {}, cwd).waitForTargetSeconds).toBe(0);
    writeFileSync(join(cwd, 'scalekit-conformance.config.json'), JSON.stringify({ waitForTarget: 90 }));
    expect(resolveRunSettings({}, {}, cwd).waitForTargetSeconds).toBe(90);
    expect(resolveRunSettings({ 'wait-for-target': '5' }, {}, cwd).waitForTargetSeconds).toBe(5);
  });

  it('takes the case factor from --runs over the config file, 1 without either, and refuses one out of range', () => {
    const cwd = emptyCwd();
    expect(resolveRunSettings({}, {}, cwd).runs).toBe(1);
    writeFileSync(join(cwd, 'scalekit-conformance.config.json'), JSON.stringify({ runs: 4, target: 'mock' }));
    expect(resolveRunSettings({}, {}, cwd).runs).toBe(4);
    expect(resolveRunSettings({ runs: '2' }, {}, cwd).runs).toBe(2);
    expect(userErrorOf(() => resolveRunSettings({ runs: '101' }, {}, cwd)).message).toBe(
      '--runs must be a whole number from 1 to 100, got "101"',
    );
  });
});

describe('resolveRunSettings --only, --seed and --fault', () => {
  it('splits --only values on commas and trims them', () => {
    const settings = resolveRunSettings({ only: ['ALG-001,ALG-01?', ' RDR-* ', ''] }, {}, emptyCwd());
    expect(settings.only).toEqual(['ALG-001', 'ALG-01?', 'RDR-*']);
  });

  it('rejects an --only glob that matches no rule ID', () => {
    const error = userErrorOf(() => resolveRunSettings({ only: ['ALG-001,ZZZ-*'] }, {}, emptyCwd()));
    expect(error.message).toBe('--only "ZZZ-*" matches no rule ID');
  });

  it('rejects an --only value with characters outside a rule ID glob', () => {
    const error = userErrorOf(() => resolveRunSettings({ only: ['ALG.*'] }, {}, emptyCwd()));
    expect(error.message).toBe('--only "ALG.*" is not a rule ID glob');
  });

  it('rejects a seed that is not a whole number', () => {
    const error = userErrorOf(() => resolveRunSettings({ seed: 'abc' }, {}, emptyCwd()));
    expect(error.message).toBe('--seed must be a whole number between 0 and 2147483647, got "abc"');
  });

  it('keeps an explicit seed', () => {
    expect(resolveRunSettings({ seed: '12345' }, {}, emptyCwd()).seed).toBe(12345);
  });

  it('takes the seed from SCALEKIT_CONFORMANCE_SEED when no flag or config sets it', () => {
    expect(resolveRunSettings({}, { SCALEKIT_CONFORMANCE_SEED: '424242' }, emptyCwd()).seed).toBe(424242);
  });

  it('picks a whole-number seed when none is given', () => {
    const { seed } = resolveRunSettings({}, {}, emptyCwd());
    expect(Number.isInteger(seed)).toBe(true);
    expect(seed).toBeGreaterThanOrEqual(0);
    expect(seed).toBeLessThan(2 ** 31 - 1);
  });

  it('rejects a timeout below 100 ms', () => {
    const error = userErrorOf(() => resolveRunSettings({ 'timeout-ms': '99' }, {}, emptyCwd()));
    expect(error.message).toBe('--timeout-ms must be at least 100');
  });

  it('keeps mock faults as given: the mock, not config, knows their names (test/cli/run-settings.test.ts)', () => {
    const settings = resolveRunSettings({ fault: ['auth-logs.no-auth-required', 'auth-logs.typo'] }, {}, emptyCwd());
    expect(settings.target).toEqual({ kind: 'mock', faults: ['auth-logs.no-auth-required', 'auth-logs.typo'] });
  });

  it('rejects a mock fault for a URL target', () => {
    const error = userErrorOf(() =>
      resolveRunSettings(
        { target: 'https://acme.scalekit.dev', fault: ['auth-logs.no-auth-required'] },
        credentials,
        emptyCwd(),
      ),
    );
    expect(error.message).toBe('--fault only applies to --target mock');
  });
});

describe('resolveRunSettings for CI: shards, --max-failures, expectations and report paths', () => {
  it('takes --shard K/N, says whether a seed was given (shards without one share the spec’s), refuses one out of range', () => {
    const cwd = emptyCwd();
    expect(resolveRunSettings({ shard: '2/3', seed: '7' }, {}, cwd)).toMatchObject({
      shard: { index: 2, count: 3 },
      seedGiven: true,
    });
    expect(resolveRunSettings({ shard: '1/2' }, { SCALEKIT_CONFORMANCE_SEED: '9' }, cwd)).toMatchObject({
      shard: { index: 1, count: 2 },
      seed: 9,
      seedGiven: true,
    });
    expect(resolveRunSettings({ shard: '1/2' }, {}, cwd).seedGiven).toBe(false);
    expect(resolveRunSettings({}, {}, cwd).shard).toBeUndefined();
    for (const bad of ['0/2', '3/2', '1/0', '1/65', 'a/b', '1-2']) {
      expect(userErrorOf(() => resolveRunSettings({ shard: bad, seed: '1' }, {}, cwd)).message).toMatch(
        /^--shard must be K\/N with 1 ≤ K ≤ N ≤ 64/,
      );
    }
  });

  it('takes --max-failures from the flag over the config file, and refuses 0 or a non-number', () => {
    const cwd = emptyCwd();
    expect(resolveRunSettings({}, {}, cwd).maxFailures).toBeUndefined();
    writeFileSync(join(cwd, 'scalekit-conformance.config.json'), JSON.stringify({ maxFailures: 5 }));
    expect(resolveRunSettings({}, {}, cwd).maxFailures).toBe(5);
    expect(resolveRunSettings({ 'max-failures': '2' }, {}, cwd).maxFailures).toBe(2);
    expect(userErrorOf(() => resolveRunSettings({ 'max-failures': '0' }, {}, cwd)).message).toMatch(/at least 1/);
    expect(userErrorOf(() => resolveRunSettings({ 'max-failures': 'x' }, {}, cwd)).message).toMatch(/whole number/);
  });

  it('resolves the expectations file against the working folder and refuses --strict-expectations without one', () => {
    const cwd = emptyCwd();
    const settings = resolveRunSettings({ expectations: 'known.yaml', 'strict-expectations': true }, {}, cwd);
    expect(settings.expectations).toBe(join(cwd, 'known.yaml'));
    expect(settings.strictExpectations).toBe(true);
    expect(resolveRunSettings({}, {}, cwd).strictExpectations).toBe(false);
    expect(userErrorOf(() => resolveRunSettings({ 'strict-expectations': true }, {}, cwd)).message).toBe(
      '--strict-expectations needs an expectations file',
    );
  });

  it('takes the Markdown and HTML report paths from the flags over the config file', () => {
    const cwd = emptyCwd();
    writeFileSync(
      join(cwd, 'scalekit-conformance.config.json'),
      JSON.stringify({ reportMarkdown: 'c.md', reportHtml: 'c.html', strictExpectations: 'yes' }),
    );
    expect(userErrorOf(() => resolveRunSettings({}, {}, cwd)).message).toBe('strictExpectations must be true or false');
    writeFileSync(
      join(cwd, 'scalekit-conformance.config.json'),
      JSON.stringify({ reportMarkdown: 'c.md', reportHtml: 'c.html' }),
    );
    expect(resolveRunSettings({}, {}, cwd)).toMatchObject({ reportMarkdown: 'c.md', reportHtml: 'c.html' });
    expect(resolveRunSettings({ 'report-markdown': 'f.md', 'report-html': 'f.html' }, {}, cwd)).toMatchObject({
      reportMarkdown: 'f.md',
      reportHtml: 'f.html',
    });
  });
});
