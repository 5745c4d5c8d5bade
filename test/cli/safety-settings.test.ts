import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ledgersFor, tagPattern } from '../../src/cli/sweep.js';
import { appendEntry, ledgerFileFor } from '../../src/client/ledger.js';
import { resolveRunSettings, resolveSweepSettings } from '../../src/config/settings.js';
import { userErrorOf } from '../support/user-error.js';

const tempDirs: string[] = [];
/** A working directory holding only the given config file (none when undefined). */
function cwdWith(config?: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'skc-safety-'));
  tempDirs.push(dir);
  if (config) writeFileSync(join(dir, 'scalekit-conformance.config.json'), JSON.stringify(config));
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const credentials = { SCALEKIT_CLIENT_ID: 'skc_1', SCALEKIT_CLIENT_SECRET: 'secret-value' };
const remote = 'https://acme.scalekit.dev';

describe('run settings: writes and rate', () => {
  it('writes to the mock and loopback without asking, with no rate limit', () => {
    for (const target of [undefined, 'http://127.0.0.1:4010', 'http://localhost:1']) {
      const settings = resolveRunSettings({ target }, credentials, cwdWith());
      expect(settings.writes.allowed).toBe(true);
      expect(settings.maxRps).toBeUndefined();
    }
  });

  it('is read-only and paced at 20 requests per second against any other host by default', () => {
    const settings = resolveRunSettings({ target: remote }, credentials, cwdWith());
    expect(settings.writes).toEqual({ allowed: false, reason: expect.stringContaining('--allow-writes') });
    expect(settings.maxRps).toBe(20);
  });

  it.each([
    ['--allow-writes', { 'allow-writes': true }, undefined, '--allow-writes'],
    ['config allowWrites', {}, { allowWrites: true }, 'allowWrites in config'],
    ['config writeAllowlist', {}, { writeAllowlist: ['acme.scalekit.dev'] }, 'writeAllowlist'],
  ])('allows writes to another host with %s', (_, flags, config, reason) => {
    const settings = resolveRunSettings({ target: remote, ...flags }, credentials, cwdWith(config));
    expect(settings.writes.allowed).toBe(true);
    expect(settings.writes.reason).toContain(reason);
  });

  it('--read-only refuses writes even to loopback and over the config', () => {
    const cwd = cwdWith({ allowWrites: true });
    expect(resolveRunSettings({ 'read-only': true }, {}, cwd).writes.allowed).toBe(false);
    expect(resolveRunSettings({ target: 'http://127.0.0.1:1', 'read-only': true }, credentials, cwd).writes).toEqual({
      allowed: false,
      reason: '--read-only',
    });
  });

  it('takes --max-rps, then the config, and 0 as no limit', () => {
    expect(resolveRunSettings({ target: remote, 'max-rps': '2.5' }, credentials, cwdWith()).maxRps).toBe(2.5);
    expect(resolveRunSettings({ target: remote, 'max-rps': '0' }, credentials, cwdWith()).maxRps).toBeUndefined();
    expect(resolveRunSettings({ target: remote }, credentials, cwdWith({ maxRps: 5 })).maxRps).toBe(5);
  });

  it.each([
    [{ 'allow-writes': true, 'read-only': true }, undefined, /contradict/],
    [{ 'max-rps': 'fast' }, undefined, /--max-rps must be a number/],
    [{}, { allowWrites: 'yes' }, /allowWrites must be true or false/],
    [{}, { writeAllowlist: 'acme.scalekit.dev' }, /writeAllowlist must be an array/],
  ])('rejects %j with config %j', (flags, config, message) => {
    expect(userErrorOf(() => resolveRunSettings(flags, {}, cwdWith(config))).message).toMatch(message);
  });
});

describe('sweep settings', () => {
  it('needs a URL target and credentials, and takes a run tag prefix', () => {
    const settings = resolveSweepSettings({ target: remote, tag: 'confq7w2e9', plan: true }, credentials, cwdWith());
    expect(settings).toMatchObject({ baseUrl: remote, clientId: 'skc_1', tag: 'confq7w2e9', plan: true, maxRps: 20 });
  });

  it.each([
    [{}, /sweep needs a URL target/],
    [{ target: 'mock' }, /sweep needs a URL target/],
    [{ target: remote, tag: 'conf' }, /is not a run tag/],
    [{ target: remote, tag: 'CONFAB12CD' }, /is not a run tag/],
    [{ target: remote, tag: 'ab12cd' }, /is not a run tag/],
  ])('rejects %j', (flags, message) => {
    expect(userErrorOf(() => resolveSweepSettings(flags, credentials, cwdWith())).message).toMatch(message);
  });
});

describe('tag patterns', () => {
  const anyRun = tagPattern();

  it.each([
    'Webhooks confq7w2e9x4k',
    'wh_confq7w2e9x4k_read',
    'confq7w2e9x4k.label@example.test',
    'confq7w2e9x4k-flow1@example.test',
    'https://app-confq7w2e9x4k.example.com/callback',
    'confq7w2e90',
  ])('any run: %j carries a tag', (text) => {
    expect(anyRun.matches(text)).toBe(true);
  });

  it.each([
    'Annual conferences',
    'conference2024',
    'configuration2',
    'confidential1',
    'Confab12cd3x9k',
    'xconfq7w2e9x4k',
    'confq7w2e9x4kq2w3e4',
    'confq7w2e',
    'confabcdefghij',
    '',
  ])('any run: %j does not', (text) => {
    expect(anyRun.matches(text)).toBe(false);
  });

  it('leaves a tag that reads like an English word to its own run', () => {
    expect(anyRun.matches('Webhooks confabcd12x')).toBe(false);
    expect(tagPattern('confabcd12').matches('Webhooks confabcd12x')).toBe(true);
  });

  it("reads every run's ledger without a run ID, also one whose tag reads like a word; with one, that run's", () => {
    // The English-word guard is for names on the target; a ledger names by ID what a run of this machine created.
    const cache = mkdtempSync(join(tmpdir(), 'skc-ledger-tags-'));
    try {
      const baseUrl = 'http://127.0.0.1:4010';
      for (const [runId, runTag] of [
        ['idu00b', 'confidu00bwpy3g0'],
        ['q7w2e9', 'confq7w2e9x4k'],
      ] as const) {
        appendEntry(ledgerFileFor(cache, runId), {
          runId,
          runTag,
          baseUrl,
          method: 'POST',
          path: '/api/v1/organizations',
          kind: 'organization',
          id: `org_${runId}`,
          at: '2026-12-07T03:13:12.225Z',
        });
      }
      const runsRead = (pattern: ReturnType<typeof tagPattern>) =>
        ledgersFor(cache, baseUrl, pattern).flatMap(({ entries }) => entries.map((entry) => entry.runId));
      expect(runsRead(anyRun).sort()).toEqual(['idu00b', 'q7w2e9']);
      expect(anyRun.matches('Org confidu00bwpy3g0')).toBe(false);
      expect(runsRead(tagPattern('confidu00b'))).toEqual(['idu00b']);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('with a run ID, takes that run only, whatever its letters', () => {
    const run = tagPattern('conference');
    expect(run.matches('Leftover conferencesx1')).toBe(true);
    expect(run.matches('conference')).toBe(false);
    expect(tagPattern('confq7w2e9').matches('Other confzz99zz1')).toBe(false);
    expect(tagPattern('confq7w2e9').matches('wh_confq7w2e9x4k_read')).toBe(true);
    expect(tagPattern('confq7w2e9').searchTerm).toBe('confq7w2e9');
  });
});
