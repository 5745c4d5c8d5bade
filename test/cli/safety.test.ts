// Acceptance tests for running against live targets safely: read-only runs send no write (proved by the mock's
// request log), an interrupted run leaves nothing tagged behind, and `sweep` deletes tagged data only.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiClient, createApiClient, createTokenSession } from '../../src/client/api.js';
import { isTokenRequest, isWrite, writesDisabledNote } from '../../src/client/safety.js';
import { systemClock } from '../../src/clock.js';
import { type RequestLogEntry, type ServedMock, serveMock } from '../../src/mock/http-server.js';
import { createMock } from '../../src/mock/index.js';
import type { RunReport } from '../../src/reporters/model.js';
import { cliBudgetMs, runCli, startCli } from './run-cli.js';

const credentials = { clientId: 'skc_safety', clientSecret: 'safety-secret' };
const env = { SCALEKIT_CLIENT_ID: credentials.clientId, SCALEKIT_CLIENT_SECRET: credentials.clientSecret };

function apiFor(baseUrl: string): ApiClient {
  const session = createTokenSession({ baseUrl, credentials, timeoutMs: 5000, clock: systemClock });
  return createApiClient({ baseUrl, timeoutMs: 5000, auth: { kind: 'client-credentials', session } });
}

/** Everything a sweep looks at, as text, to search for a tag. */
async function visibleData(api: ApiClient): Promise<string> {
  const [organizations, users, roles, permissions] = await Promise.all([
    api.GET('/api/v1/organizations', { params: { query: { page_size: 100 } } }),
    api.GET('/api/v1/users', { params: { query: { page_size: 100 } } }),
    api.GET('/api/v1/roles', {}),
    api.GET('/api/v1/permissions', { params: { query: { page_size: 100 } } }),
  ]);
  for (const { response } of [organizations, users, roles, permissions]) expect(response.status).toBe(200);
  return JSON.stringify([organizations.data, users.data, roles.data, permissions.data]);
}

const isDataWrite = (entry: RequestLogEntry) =>
  isWrite(entry.method) && !isTokenRequest(entry.method, `http://mock${entry.path}`);

let stopAfterTest: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stopAfterTest) await stop();
  stopAfterTest = [];
});

async function servedMock(onRequest?: (entry: RequestLogEntry) => void): Promise<ServedMock> {
  const served = await serveMock(createMock({ clock: systemClock, credentials }), 0, onRequest ? { onRequest } : {});
  stopAfterTest.push(() => served.close());
  return served;
}

describe('runs against a target that must not be written to', { timeout: cliBudgetMs }, () => {
  it('sends no POST, PUT, PATCH or DELETE with --read-only (bar the token request), per the mock --request-log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-safety-'));
    const log = join(dir, 'requests.jsonl');
    let listening: (url: string) => void = () => {};
    const url = new Promise<string>((resolve) => {
      listening = resolve;
    });
    const mock = startCli(
      ['mock', '--port', '0', '--request-log', log, '--client-id', credentials.clientId],
      env,
      (out) => {
        const found = /mock listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (found?.[1]) listening(found[1]);
      },
    );
    stopAfterTest.push(() => {
      mock.child.kill('SIGINT');
      return mock.done;
    });
    const target = await Promise.race([url, mock.done.then((r) => Promise.reject(new Error(r.stderr)))]);

    const result = await runCli(
      [
        'run',
        '--target',
        target,
        '--read-only',
        '--only',
        'RDR-020,ALG-010,ALG-013',
        '--report-json',
        join(dir, 'r.json'),
      ],
      env,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('writes: refused (read-only run): --read-only');

    const entries = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RequestLogEntry);
    expect(entries.filter(isDataWrite)).toEqual([]);
    // The log did record the run: reads and the token request got through.
    expect(entries.some((e) => e.method === 'POST' && e.path === '/oauth/token' && e.status === 200)).toBe(true);
    expect(entries.some((e) => e.method === 'GET' && e.path.startsWith('/api/v1/'))).toBe(true);

    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunReport;
    const needingWrites = report.tests.filter((t) => t.message === writesDisabledNote);
    // The M2M client test creates an organization; the ALG-013 tests seed entries through a control hook.
    expect(needingWrites.map((t) => t.rules[0])).toEqual(expect.arrayContaining(['RDR-020', 'ALG-013']));
    expect(needingWrites.every((t) => t.state === 'skipped')).toBe(true);
    expect(report.summary.failed).toBe(0);
  });

  it('stops on SIGINT half-way, exits 130 and leaves nothing tagged with the run ID behind', async () => {
    let organizationsCreated = 0;
    let interrupt = () => {};
    const served = await servedMock((entry) => {
      if (entry.method !== 'POST' || entry.path !== '/api/v1/organizations' || entry.status !== 201) return;
      organizationsCreated += 1;
      if (organizationsCreated === 3) interrupt();
    });
    const run = startCli(['run', '--target', served.url, '--only', 'RDT-*', '--seed', '7'], env);
    interrupt = () => run.child.kill('SIGINT');
    const result = await run.done;

    const runId = /^run id: ([0-9a-z]{6}) /m.exec(result.stdout)?.[1];
    expect(runId).toBeDefined();
    expect(organizationsCreated).toBeGreaterThanOrEqual(3);
    expect(await visibleData(apiFor(served.url))).not.toContain(`conf${runId}`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(130);
    expect(result.stdout).toContain('SIGINT: stopping the suites, then removing what the run created');
  });
});

describe('scalekit-conformance run --plan', { timeout: cliBudgetMs }, () => {
  it('prints the settings, the write decision and the selected tests, and contacts nothing', async () => {
    // A host that can never resolve: any attempt to reach it would end the run with exit 2.
    const result = await runCli(['run', '--plan', '--target', 'https://conformance.invalid', '--only', 'RDR-020'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('plan only, nothing is sent to the target');
    expect(result.stdout).toContain(
      'writes: refused (read-only run): conformance.invalid is not a loopback host; pass --allow-writes',
    );
    expect(result.stdout).toContain('rate:   at most 20 requests per second');
    expect(result.stdout).toMatch(/^ {2}suites\/redirect-uris\/m2m-clients\.test\.ts: \d+ test\(s\), rules RDR-020$/m);
    // Each test by name, with the rules it cites.
    expect(result.stdout).toMatch(/^ {4}\[RDR-020\] create, get, list and update answers carry redirect_uris/m);
    expect(result.stdout).not.toContain('auth-logs');
  });
});

describe('scalekit-conformance sweep', { timeout: cliBudgetMs }, () => {
  it('--plan lists the tagged resources, --tag deletes one run, and the default any run, never untagged ones', async () => {
    const served = await servedMock();
    const api = apiFor(served.url);
    const created = async (pending: Promise<{ response: Response; data?: unknown }>) => {
      const { response, data } = await pending;
      expect(response.status).toBe(201);
      return data;
    };
    const organization = async (display_name: string, external_id?: string) =>
      (
        (await created(api.POST('/api/v1/organizations', { body: { display_name, external_id } }))) as {
          organization: { id: string };
        }
      ).organization.id;
    const untagged = await organization('Annual conferences 2024', 'configuration2');
    const mine = await organization('Leftover confq7w2e9x4k');
    await organization('Other confzz99zz1');
    const path = { organization_id: untagged };
    await created(
      api.POST('/api/v1/organizations/{organization_id}/users', {
        params: { path },
        body: { email: 'confq7w2e9x4k.left@example.test' },
      }),
    );
    await created(
      api.POST('/api/v1/organizations/{organization_id}/users', {
        params: { path },
        body: { email: 'someone@example.test' },
      }),
    );
    await created(api.POST('/api/v1/roles', { body: { name: 'wh_confq7w2e9x4k_viewer', display_name: 'Viewer' } }));
    await created(api.POST('/api/v1/permissions', { body: { name: 'wh_confq7w2e9x4k_read' } }));
    await created(
      api.POST('/api/v1/organizations/{organization_id}/clients', {
        params: { path: { organization_id: mine } },
        body: { name: 'client confq7w2e9x4k' },
      }),
    );
    const before = await visibleData(api);

    const plan = await runCli(['sweep', '--target', served.url, '--plan'], env);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    const planned = plan.stdout.split('\n').filter((line) => line.startsWith('would delete '));
    expect(planned.map((line) => line.split(' ')[2])).toEqual([
      'user',
      'organization',
      // The connections the mock gives every organization: inside a tagged organization, they are the run's.
      'connection',
      'connection',
      'role',
      'permission',
      'organization',
      'organization',
    ]);
    expect(plan.stdout).toContain('would delete organization client');
    expect(plan.stdout).not.toMatch(/Annual conferences|someone@/);
    expect(await visibleData(api)).toBe(before);

    const oneRun = await runCli(['sweep', '--target', served.url, '--tag', 'confq7w2e9'], env);
    expect(oneRun.code).toBe(0);
    expect(oneRun.stdout).toContain('6 tagged resource(s) deleted');
    const afterOneRun = await visibleData(api);
    expect(afterOneRun).not.toContain('confq7w2e9x4k');
    expect(afterOneRun).toContain('Other confzz99zz1');

    const anyRun = await runCli(['sweep', '--target', served.url], env);
    expect(anyRun.code).toBe(0);
    expect(anyRun.stdout).toContain(`deleted organization`);
    const after = await visibleData(api);
    expect(after).not.toContain('confzz99zz1');
    expect(after).toContain('Annual conferences 2024');
    expect(after).toContain('someone@example.test');
  });
});
