// A run leaves nothing behind on its target: run to the end, the lists of organizations, users, connections and
// domains read as before, and so do the settings it changed through the control hooks; killed outright (SIGKILL: no
// handler, no sweep of its own), `sweep --target` restores the lists from the run's ledger and tags, and removes
// the ledger.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiClient, createApiClient, createTokenSession } from '../../src/client/api.js';
import { systemClock } from '../../src/clock.js';
import { type ServedMock, serveMock } from '../../src/mock/http-server.js';
import { createMock } from '../../src/mock/index.js';
import type { RunReport } from '../../src/reporters/model.js';
import { hooksFor, ownersEndpoint, ownersInterceptor, settingsOf } from '../support/hook-settings.js';
import { cacheWithSuiteIndex, cliBudgetMs, runCli, startCli } from './run-cli.js';

const credentials = { clientId: 'skc_leftovers', clientSecret: 'leftovers-secret' };

function apiFor(baseUrl: string): ApiClient {
  const session = createTokenSession({ baseUrl, credentials, timeoutMs: 5000, clock: systemClock });
  return createApiClient({ baseUrl, timeoutMs: 5000, auth: { kind: 'client-credentials', session } });
}

/** What the list endpoints show: organizations, users, connections, and the domains of every organization. */
async function lists(api: ApiClient): Promise<Record<string, unknown>> {
  const organizations = await api.GET('/api/v1/organizations', { params: { query: { page_size: 100 } } });
  const users = await api.GET('/api/v1/users', { params: { query: { page_size: 100 } } });
  const connections = await api.GET('/api/v1/connections', { params: { query: { include: 'all' } } });
  for (const { response } of [organizations, users, connections]) expect(response.status).toBe(200);
  const domains: Record<string, unknown> = {};
  for (const { id = '' } of organizations.data?.organizations ?? []) {
    const listed = await api.GET('/api/v1/organizations/{organization_id}/domains', {
      params: { path: { organization_id: id }, query: { page_size: 100 } },
    });
    domains[id] = listed.data?.domains ?? [];
  }
  return {
    organizations: organizations.data?.organizations ?? [],
    users: users.data?.users ?? [],
    connections: connections.data?.connections ?? [],
    domains,
  };
}

let stopAfterTest: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stopAfterTest) await stop();
  stopAfterTest = [];
});

async function servedMock(onRequest?: () => void): Promise<ServedMock> {
  const served = await serveMock(createMock({ clock: systemClock, credentials }), 0, onRequest ? { onRequest } : {});
  stopAfterTest.push(() => served.close());
  return served;
}

function envFor(cache: string) {
  return {
    SCALEKIT_CLIENT_ID: credentials.clientId,
    SCALEKIT_CLIENT_SECRET: credentials.clientSecret,
    SCALEKIT_CONFORMANCE_CACHE: cache,
  };
}

const ledgersIn = (cache: string) => {
  const dir = join(cache, 'ledgers');
  return existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : [];
};

describe('what a run leaves on its target', { timeout: cliBudgetMs }, () => {
  it('a finished run of the contract suite leaves every list as it found it, and no ledger', async () => {
    const served = await servedMock();
    const api = apiFor(served.url);
    const before = await lists(api);
    const cache = await cacheWithSuiteIndex('skc-leftovers-');
    const result = await runCli(['run', '--target', served.url, '--only', 'OAS-*'], envFor(cache));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(await lists(api)).toEqual(before);
    expect(ledgersIn(cache)).toEqual([]);
  });

  it('a finished run puts back the settings it changed, and its reports say so and how far it moved the clock', async () => {
    const served = await servedMock();
    const hooks = hooksFor(served.url, credentials);
    // The owners' configuration: production, their own allowlist, webhook endpoint and sign-up interceptor.
    await hooks.setEnvironment('production');
    await hooks.requireRedirects('callback', ['https://app.example.com/callback']);
    await hooks.setWebhookEndpoint(ownersEndpoint);
    await hooks.setInterceptor('PRE_SIGNUP', ownersInterceptor);
    const before = await settingsOf(hooks);
    const cache = await cacheWithSuiteIndex('skc-leftovers-');
    const json = join(cache, 'r.json');
    const xml = join(cache, 'r.xml');
    // RDR-005 registers allowlists in both environment kinds; WHD-001 registers the suite's receiver and moves the
    // clock through a retry schedule; OTH-001 replaces the sign-up interceptor with the suite's and removes it.
    const args = [
      'run',
      '--target',
      served.url,
      '--only',
      'RDR-005,WHD-001,OTH-001',
      '--report-json',
      json,
      '--report-junit',
      xml,
    ];
    const result = await runCli(args, envFor(cache));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(await settingsOf(hooks)).toEqual(before);

    const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
    expect(report.targetSettings?.restored).toEqual(
      expect.arrayContaining(['callback redirect URIs', 'webhook endpoint', 'PRE_SIGNUP interceptor']),
    );
    expect(report.targetSettings?.notRestored).toEqual([]);
    expect(report.targetSettings?.clock?.movedMs).toBeGreaterThan(60_000);
    expect(result.stdout).toMatch(/^target settings put back as found: .*webhook endpoint/m);
    expect(result.stdout).toMatch(/^target clock: the run moved it .* ahead .*cannot move it back$/m);
    expect(readFileSync(xml, 'utf8')).toMatch(
      /<testsuite name="target settings"[^>]*>(?:(?!<\/testsuite>)[\s\S])*<system-out>target settings put back/,
    );
  });

  it('after a run killed with SIGKILL midway, `sweep --target` leaves every list as it found it', async () => {
    let lastRequest = Date.now();
    const served = await servedMock(() => {
      lastRequest = Date.now();
    });
    const api = apiFor(served.url);
    const before = await lists(api);
    const cache = await cacheWithSuiteIndex('skc-leftovers-');
    const run = startCli(['run', '--target', served.url, '--only', 'OAS-*'], envFor(cache));
    stopAfterTest.push(() => {
      run.child.kill('SIGKILL');
      return run.done;
    });
    // Killed once the ledger holds a few creates: the run is well inside the contract suite's exercise.
    const started = Date.now();
    for (;;) {
      const [ledger] = ledgersIn(cache);
      if (ledger && statSync(ledger).size > 1000) break;
      if (Date.now() - started > cliBudgetMs / 2) throw new Error('the run created nothing');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    run.child.kill('SIGKILL');
    await run.done;
    // The suite workers may outlive their parent for a moment: wait until the target is quiet.
    while (Date.now() - lastRequest < 3000) await new Promise((resolve) => setTimeout(resolve, 250));
    expect(ledgersIn(cache)).toHaveLength(1);

    const swept = await runCli(['sweep', '--target', served.url], envFor(cache));
    expect(swept.code, swept.stdout + swept.stderr).toBe(0);
    expect(await lists(api)).toEqual(before);
    expect(ledgersIn(cache)).toEqual([]);
  });
});
