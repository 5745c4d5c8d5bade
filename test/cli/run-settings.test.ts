import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveRunSettings } from '../../src/cli/run-settings.js';
import { userErrorOf } from '../support/user-error.js';

const tempDirs: string[] = [];
/** A fresh, empty working directory, so no config file from the repository is picked up. */
function emptyCwd(): string {
  const dir = mkdtempSync(join(tmpdir(), 'skc-run-settings-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('resolveRunSettings --fault', () => {
  it('keeps known mock faults', () => {
    const settings = resolveRunSettings({ fault: ['auth-logs.no-auth-required'] }, {}, emptyCwd());
    expect(settings.target).toEqual({ kind: 'mock', faults: ['auth-logs.no-auth-required'] });
  });

  it('rejects an unknown mock fault, listing the known ones', () => {
    const error = userErrorOf(() => resolveRunSettings({ fault: ['auth-logs.typo'] }, {}, emptyCwd()));
    expect(error.message).toBe('unknown mock fault "auth-logs.typo"');
    expect(error.fix).toContain('auth-logs.ignore-status-filter');
  });

  it('leaves a URL target as config resolved it', () => {
    const credentials = { SCALEKIT_CLIENT_ID: 'skc_123', SCALEKIT_CLIENT_SECRET: 'secret-value' };
    const settings = resolveRunSettings({ target: 'https://acme.scalekit.dev' }, credentials, emptyCwd());
    expect(settings.target).toEqual({
      kind: 'url',
      baseUrl: 'https://acme.scalekit.dev',
      clientId: 'skc_123',
      clientSecret: 'secret-value',
    });
  });
});
