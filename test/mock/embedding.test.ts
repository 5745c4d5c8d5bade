import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBudgetMs, packageDir } from '../cli/run-cli.js';

// `scalekit-conformance/mock` as an application developer gets it: the built bundle, loaded by plain Node (no
// TypeScript loader), its handlers under the developer's own msw server.

const outDir = join(packageDir, 'test', '__probe__', 'embed');
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the embeddable mock bundle', { timeout: cliBudgetMs }, () => {
  it('builds, loads in plain Node, and serves the API through the caller’s msw server', () => {
    mkdirSync(outDir, { recursive: true });
    const build = spawnSync(process.execPath, [join(packageDir, 'scripts', 'build-mock.mjs'), outDir], {
      encoding: 'utf8',
    });
    expect(build.status, build.stderr).toBe(0);
    const script = join(outDir, 'app-test.mjs');
    writeFileSync(
      script,
      `import { setupServer } from 'msw/node';
import { createScalekitMock, faultIds } from './mock.js';
const base = 'https://app-under-test.scalekit.dev';
const scalekit = createScalekitMock({ seed: 1, baseUrl: base });
const server = setupServer(...scalekit.handlers);
server.listen({ onUnhandledRequest: 'error' });
const token = await fetch(base + '/oauth/token', {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: 'grant_type=client_credentials&client_id=skc_mock&client_secret=mock-client-secret',
}).then((r) => r.json());
const created = await fetch(base + '/api/v1/organizations', {
  method: 'POST',
  headers: { authorization: 'Bearer ' + token.access_token, 'content-type': 'application/json' },
  body: JSON.stringify({ display_name: 'Embedded Inc' }),
});
const listed = await fetch(base + '/api/v1/organizations', { headers: { authorization: 'Bearer ' + token.access_token } }).then((r) => r.json());
server.close();
console.log(JSON.stringify({ created: created.status, names: listed.organizations.map((o) => o.display_name), faults: faultIds.length }));
`,
    );
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8', cwd: packageDir });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toEqual({
      created: 201,
      names: ['Embedded Inc'],
      faults: expect.any(Number),
    });
  });
});
