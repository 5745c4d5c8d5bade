import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBudgetMs, packageDir } from '../cli/run-cli.js';

// A tiny app with its own msw, as issue 19 describes it: the built `scalekit-conformance/mock` bundle in plain
// Node, under the oldest and the newest msw 2.x the peer range allows. A resolve hook makes every `msw` import
// (the app's and the bundle's) the version under test, as a peer dependency resolves, and fails the run if
// anything imports vitest, TypeScript or tsx.

const outDir = join(packageDir, 'test', '__probe__', 'msw-consumer');
const base = 'https://acme.scalekit.test';

const hooks = `const forbidden = /^(vitest|typescript|tsx)(\\/|$)/;
export async function resolve(specifier, context, next) {
  if (forbidden.test(specifier)) throw new Error('forbidden import: ' + specifier);
  if (/^msw(\\/|$)/.test(specifier) && process.env.APP_MSW) {
    return next(specifier.replace(/^msw/, process.env.APP_MSW), { ...context, parentURL: ${JSON.stringify(pathToFileURL(join(packageDir, 'package.json')).href)} });
  }
  return next(specifier, context);
}
`;

const app = `import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createScalekitMock } from './mock.js';
const base = ${JSON.stringify(base)};
const scalekit = createScalekitMock({ baseUrl: base + '/ignored/path', http });
const mswVersion = (await import('msw/package.json', { with: { type: 'json' } })).default.version;
const strict = setupServer(...scalekit.handlers);
strict.listen({ onUnhandledRequest: 'error' });
const token = await fetch(base + '/oauth/token', {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: 'grant_type=client_credentials&client_id=skc_mock&client_secret=mock-client-secret',
}).then((r) => r.json());
const auth = { authorization: 'Bearer ' + token.access_token };
await fetch(base + '/api/v1/organizations', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ display_name: 'Acme' }) });
const listed = await fetch(base + '/api/v1/organizations', { headers: auth }).then((r) => r.json());
const refusals = [];
for (const url of ['https://other.example.test/.well-known/openid-configuration', 'http://localhost:3000/api/v1/users']) {
  refusals.push(await fetch(url).then((r) => 'answered ' + r.status, (e) => 'refused'));
}
strict.close();
// With a fallback of the app's own, the other origins reach it instead of the mock.
const withFallback = setupServer(...scalekit.handlers, http.all('*', () => HttpResponse.text('app fallback')));
withFallback.listen({ onUnhandledRequest: 'error' });
const fallbacks = [
  await fetch('https://other.example.test/.well-known/openid-configuration').then((r) => r.text()),
  await fetch('http://localhost:3000/api/v1/users').then((r) => r.text()),
  await fetch(base + '/.well-known/openid-configuration').then((r) => r.json()).then((d) => d.issuer),
];
withFallback.close();
console.log(JSON.stringify({ mswVersion, tokenType: token.token_type, names: listed.organizations.map((o) => o.display_name), refusals, fallbacks }));
`;

beforeAll(() => {
  mkdirSync(outDir, { recursive: true });
  const build = spawnSync(process.execPath, [join(packageDir, 'scripts', 'build-mock.mjs'), outDir], {
    encoding: 'utf8',
  });
  expect(build.status, build.stderr).toBe(0);
  writeFileSync(join(outDir, 'hooks.mjs'), hooks);
  writeFileSync(
    join(outDir, 'register.mjs'),
    "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n",
  );
  writeFileSync(join(outDir, 'app.mjs'), app);
}, cliBudgetMs);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function runApp(mswPackage: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', './register.mjs', 'app.mjs'], {
    cwd: outDir,
    encoding: 'utf8',
    env: { ...process.env, APP_MSW: mswPackage, ...env },
  });
}

describe('an app with its own msw and createScalekitMock({ baseUrl })', { timeout: cliBudgetMs }, () => {
  it.each([
    ['msw-oldest', /^2\.2\.3$/],
    ['msw', /^2\.1[5-9]\./],
  ])('under %s: answers its origin, leaves every other origin to the app', (mswPackage, version) => {
    const run = runApp(mswPackage);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim());
    expect(result.mswVersion).toMatch(version);
    expect(result).toMatchObject({
      tokenType: 'Bearer',
      names: ['Acme'],
      refusals: ['refused', 'refused'],
      fallbacks: ['app fallback', 'app fallback', base],
    });
  });

  it('loads the bundle without vitest, TypeScript or tsx (the hook refuses them)', () => {
    const probe = spawnSync(
      process.execPath,
      ['--import', './register.mjs', '--input-type=module', '-e', "import 'vitest';"],
      { cwd: outDir, encoding: 'utf8' },
    );
    expect(probe.status).not.toBe(0);
    expect(probe.stderr).toContain('forbidden import: vitest');
  });
});
