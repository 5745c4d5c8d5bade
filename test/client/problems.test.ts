import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  describeProblem,
  hookOf,
  hookOfFailure,
  isHookFailure,
  readStopReason,
  stoppedAnsweringThreshold,
  TargetHealth,
  transportProblem,
} from '../../src/client/problems.js';
import { createTransport } from '../../src/client/transport.js';

const problem = transportProblem('GET', 'http://t/api/v1/organizations', 'fetch failed (ECONNRESET)');

function files() {
  const dir = mkdtempSync(join(tmpdir(), 'skc-health-'));
  return { streakFile: join(dir, 'streak'), stopFile: join(dir, 'stop') };
}

describe('TargetHealth', () => {
  it('writes the stop file with the cause at the threshold of requests in a row without an answer', () => {
    const paths = files();
    const health = new TargetHealth({ ...paths, now: () => Date.UTC(2026, 11, 6, 12) });
    for (let i = 1; i < stoppedAnsweringThreshold; i += 1) health.failed(problem);
    expect(existsSync(paths.stopFile)).toBe(false);
    health.failed(problem);
    expect(readStopReason(paths.stopFile)).toEqual({
      reason: 'target-stopped-answering',
      cause: 'fetch failed (ECONNRESET)',
      request: 'GET http://t/api/v1/organizations',
      at: '2026-12-06T12:00:00.000Z',
    });
  });

  it('resets the streak on an answer, and carries it across suite files through the streak file', () => {
    const paths = files();
    const first = new TargetHealth(paths);
    first.failed(problem);
    first.failed(problem);
    // The next suite file runs in a fresh worker: it starts from the streak so far.
    const second = new TargetHealth(paths);
    expect(second.streak).toBe(2);
    second.answered();
    expect(new TargetHealth(paths).streak).toBe(0);
  });

  it('reads a stop file that holds a signal name (an interrupt) as no target-down reason', () => {
    const paths = files();
    writeFileSync(paths.stopFile, 'SIGINT');
    expect(readStopReason(paths.stopFile)).toBeUndefined();
    expect(readStopReason(undefined)).toBeUndefined();
    expect(readFileSync(paths.stopFile, 'utf8')).toBe('SIGINT');
  });
});

describe('problems', () => {
  it('names the control hook a request went to, and the hook a ControlHookError names', () => {
    expect(hookOf('http://t/_conformance/v1/clock/advance')).toBe('clock');
    expect(hookOf('http://t/_conformance/v1')).toBe('discover');
    expect(hookOf('http://t/api/v1/organizations')).toBeUndefined();
    const serialised = {
      name: 'ConformanceError',
      message: 'x',
      cause: { message: 'control hook redirects answered 500: boom' },
    };
    expect(isHookFailure(serialised)).toBe(true);
    expect(hookOfFailure(serialised)).toBe('redirects');
    expect(isHookFailure(new Error('expected 200 but got 500'))).toBe(false);
  });

  it('describes a problem in one line with its request and hook', () => {
    const hung = transportProblem('POST', 'http://t/_conformance/v1/clock/advance', 'did not answer within 10000 ms');
    expect(describeProblem(hung)).toBe(
      'POST http://t/_conformance/v1/clock/advance (control hook clock): did not answer within 10000 ms',
    );
  });

  it('reaches the transport listeners: an answer, then a request without one', async () => {
    const seen: string[] = [];
    const traffic = {
      allowWrites: true,
      onAnswer: () => seen.push('answer'),
      onProblem: (p: { cause: string }) => seen.push(`problem: ${p.cause}`),
    };
    let calls = 0;
    const fetch = (async () => {
      calls += 1;
      if (calls === 1) return new Response('{}');
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET', message: 'reset' } });
    }) as unknown as typeof globalThis.fetch;
    const transport = createTransport({ timeoutMs: 1000, fetch, traffic });
    await transport(new Request('http://t/api/v1/organizations'));
    await expect(transport(new Request('http://t/api/v1/organizations'))).rejects.toMatchObject({
      name: 'TransportError',
    });
    expect(seen).toEqual(['answer', 'problem: fetch failed (ECONNRESET)']);
  });
});
