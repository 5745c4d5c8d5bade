import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/reporters/model.js';
import { cliBudgetMs, runCli, startCli } from './run-cli.js';

// A run that ends without a verdict after report paths were given leaves reports saying so: a CI job that uploads
// reports whatever happened must never show an older run's green results, nor an empty file.

describe('reports of a run that did not complete', { timeout: cliBudgetMs }, () => {
  it('replace an older run’s reports when the target cannot be reached (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-incomplete-'));
    const xml = join(dir, 'old.xml');
    const json = join(dir, 'old.json');
    writeFileSync(xml, '<testsuites tests="3" failures="0"></testsuites>');
    writeFileSync(json, '{"summary":{"failed":0}}');
    const result = await runCli(
      ['run', '--target', 'http://127.0.0.1:9', '--report-junit', xml, '--report-json', json],
      {
        SCALEKIT_CLIENT_ID: 'skc_incomplete',
        SCALEKIT_CLIENT_SECRET: 'incomplete-secret-canary',
      },
    );
    expect(result.code).toBe(2);
    const junit = readFileSync(xml, 'utf8');
    expect(junit).toContain('errors="1"');
    expect(junit).toMatch(/<error message="the run did not complete: cannot reach the target http:\/\/127\.0\.0\.1:9/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
    expect(report.summary.completed).toBe(false);
    expect(report.incomplete).toMatch(/^cannot reach the target/);
    expect(junit + JSON.stringify(report)).not.toContain('incomplete-secret-canary');
  });

  it('say so when the settings themselves are wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-incomplete-'));
    const json = join(dir, 'r.json');
    const result = await runCli(['run', '--target', 'not-a-url', '--report-json', json]);
    expect(result.code).toBe(2);
    const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
    expect(report.summary.completed).toBe(false);
    expect(report.incomplete).toContain('not-a-url');
  });
});

describe('an interrupted run', { timeout: cliBudgetMs }, () => {
  it('exits 130 at once on a second SIGINT, prints no FAIL, and leaves reports saying it was interrupted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-interrupted-'));
    const json = join(dir, 'r.json');
    let signals = 0;
    const run = startCli(['run', '--seed', '3', '--report-json', json], {}, (stdout) => {
      // Once the first test has finished, the suites are running: interrupt. The second signal waits until the
      // first was handled, since two sent at once can arrive as one.
      const ready = signals === 0 ? /^ {2}(ok|FAIL|ERR|skip) /m.test(stdout) : stdout.includes('SIGINT: stopping');
      if (signals >= 2 || !ready) return;
      signals += 1;
      run.child.kill('SIGINT');
    });
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(result.stdout).toContain('SIGINT: stopping the suites');
    expect(result.stdout).toMatch(/^interrupted again: exiting/m);
    expect(result.stdout).not.toMatch(/^ {2}FAIL /m);
    const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
    expect(report.summary.completed).toBe(false);
    expect(report.incomplete).toMatch(/^interrupted/);
  });

  it('stops collecting the suite index (a cold cache) when interrupted, instead of finishing it first', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'skc-cold-cache-'));
    let sent = false;
    // `only:` is printed just before `--only` needs the index; with an empty cache it is collected from scratch.
    const run = startCli(['run', '--only', 'OAS-*'], { SCALEKIT_CONFORMANCE_CACHE: cache }, (stdout) => {
      if (sent || !/^only: /m.test(stdout)) return;
      sent = true;
      run.child.kill('SIGINT');
    });
    const result = await run.done;
    expect(result.code, result.stdout + result.stderr).toBe(130);
    expect(result.stdout).not.toMatch(/^ {2}(ok|FAIL|ERR) /m);
    // A collection run to its end writes the index; an abandoned one leaves the cache without it.
    expect(readdirSync(cache).filter((file) => file.startsWith('suite-index-'))).toEqual([]);
  });
});
