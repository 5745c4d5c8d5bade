import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { targetStoppedNote } from '../../src/harness/index.js';
import { serveMock } from '../../src/mock/http-server.js';
import { createMock } from '../../src/mock/index.js';
import type { RunReport } from '../../src/reporters/model.js';
import { notSelectedNote } from '../../src/reporters/vitest-collector.js';
import {
  type MisbehavingTarget,
  startBreakingProxy,
  startMisbehavingTarget,
  startStreamingTarget,
} from '../support/misbehaving-target.js';
import { cliBudgetMs, runCli } from './run-cli.js';

// An outage is not a failure: a target that passes the token preflight and then stops answering gets exit code 4,
// errored tests and rules (never failed ones), both reports, and one line saying when it stopped answering. And a
// control hook that fails is the test's infrastructure, not the API: the tests that needed it are errored.

describe('a target that stops answering after the preflight', { timeout: cliBudgetMs }, () => {
  let target: MisbehavingTarget;
  beforeAll(async () => {
    target = await startMisbehavingTarget('close');
  });
  afterAll(() => target.close());

  it('exits 4 with the "stopped answering" line, errored rules and no failed one, and writes both reports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-outage-'));
    const result = await runCli(
      ['run', '--target', target.url, '--report-json', join(dir, 'r.json'), '--report-junit', join(dir, 'r.xml')],
      { SCALEKIT_CLIENT_ID: 'skc_outage', SCALEKIT_CLIENT_SECRET: 'outage-secret-canary' },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(
      /^the target stopped answering after \d+ requests at \d{4}-\d\d-\d\dT[\d:.]+Z: .*(ECONNRESET|socket|closed|terminated)/m,
    );
    expect(result.code).toBe(4);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunReport;
    expect(report.summary.errored).toBeGreaterThan(0);
    expect(report.summary.failed).toBe(0);
    expect(report.rules.filter((r) => r.status === 'failed')).toEqual([]);
    expect(report.stopped?.afterRequests).toBeGreaterThan(0);
    const junit = readFileSync(join(dir, 'r.xml'), 'utf8');
    expect(junit).toMatch(/<error message="[A-Z]{3}-\d{3}: no verdict: /);
    expect(junit).not.toContain('<failure');
    expect(result.stdout + junit).not.toContain('outage-secret-canary');
    // The run stopped sending: a handful of requests after the preflight, not one per test.
    expect(target.requests()).toBeLessThan(50);
  });
});

describe('a target that stops answering before the contract suite judged anything', { timeout: cliBudgetMs }, () => {
  it('errors the contract checks (no answer to judge), never skips them for want of requests', async () => {
    const target = await startMisbehavingTarget('close');
    try {
      const dir = mkdtempSync(join(tmpdir(), 'skc-outage-contract-'));
      const result = await runCli(
        ['run', '--target', target.url, '--only', 'OAS-*', '--report-json', join(dir, 'r.json')],
        {
          SCALEKIT_CLIENT_ID: 'skc_outage',
          SCALEKIT_CLIENT_SECRET: 'outage-secret-canary',
        },
      );
      expect(result.code, result.stdout + result.stderr).toBe(4);
      const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunReport;
      // Whichever contract file runs first meets the outage and errors; once the run has stopped, the files after
      // it are skipped as not finished (vitest's file order differs between machines); the TOK-* checks of the
      // contract file are not selected. None is skipped for want of requests, none fails.
      const contract = report.tests.filter((t) => t.file.startsWith('suites/contract/'));
      expect(contract.length).toBeGreaterThan(10);
      expect(contract.filter((t) => t.message?.includes('nothing was sent'))).toEqual([]);
      expect(contract.some((t) => t.state === 'errored')).toBe(true);
      const unexplained = contract.filter(
        (t) =>
          t.state !== 'errored' &&
          !(t.state === 'skipped' && (t.message === targetStoppedNote || t.message === notSelectedNote)),
      );
      expect(unexplained.map((t) => `${t.fullName}: ${t.state} ${t.message ?? ''}`)).toEqual([]);
      expect(report.summary.failed).toBe(0);
    } finally {
      await target.close();
    }
  });
});

describe('a target whose clock hook fails', { timeout: cliBudgetMs }, () => {
  it('errors the webhook tests that move the clock instead of failing their rules, and exits 4', async () => {
    const credentials = { clientId: 'skc_hook_test', clientSecret: 'hook-secret-canary' };
    const mock = await serveMock(createMock({ clock: systemClock, credentials }));
    const proxy = await startBreakingProxy(mock.url, (_method, path) =>
      path.startsWith('/_conformance/v1/clock/advance'),
    );
    try {
      const dir = mkdtempSync(join(tmpdir(), 'skc-hook-'));
      const result = await runCli(
        ['run', '--target', proxy.url, '--only', 'WHD-004,WHD-006', '--report-json', join(dir, 'r.json')],
        { SCALEKIT_CLIENT_ID: credentials.clientId, SCALEKIT_CLIENT_SECRET: credentials.clientSecret },
      );
      expect(result.stderr).toBe('');
      const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunReport;
      expect(proxy.requests()).toBeGreaterThan(0);
      for (const id of ['WHD-004', 'WHD-006']) {
        const rule = report.rules.find((r) => r.id === id);
        expect(rule?.status).toBe('errored');
        expect(rule?.errors?.[0]).toMatchObject({ kind: 'hook', hook: 'clock' });
      }
      expect(report.summary.failed).toBe(0);
      expect(result.stdout).toContain('control hook clock answered 500');
      expect(result.code).toBe(4);
    } finally {
      await proxy.close();
      await mock.close();
    }
  });
});

describe('a target that streams a 200 MB body', { timeout: cliBudgetMs }, () => {
  it('errors the test that reads it, with the size limit as the cause', async () => {
    const credentials = { clientId: 'skc_body_test', clientSecret: 'body-secret-canary' };
    const target = await startStreamingTarget(200, credentials);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'skc-body-'));
      const result = await runCli(
        [
          'run',
          '--target',
          target.url,
          '--only',
          'TOK-011',
          '--max-body-bytes',
          '1048576',
          '--report-json',
          join(dir, 'r.json'),
        ],
        { SCALEKIT_CLIENT_ID: credentials.clientId, SCALEKIT_CLIENT_SECRET: credentials.clientSecret },
      );
      expect(result.stderr).toBe('');
      const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunReport;
      const rule = report.rules.find((r) => r.id === 'TOK-011');
      expect(rule?.status).toBe('errored');
      expect(rule?.errors?.[0]?.cause).toBe('the response body is longer than 1048576 bytes');
      expect(result.code).toBe(4);
    } finally {
      await target.close();
    }
  });
});
