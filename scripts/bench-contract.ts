// The full contract pass (suites/contract: all 111 operations with their positive, negative, auth, missing-part
// and unsupported-method requests, and the stateful chains) against the mock: `npm run bench:contract`. Not a
// test: it prints requests, time and requests per second for the README, once against the embedded mock (served
// on loopback inside this process, as `run` does by default) and once against a standalone mock process.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeSuites } from '../src/cli/execute.js';
import { systemClock } from '../src/clock.js';
import { defaultProfile } from '../src/config/profile.js';
import { newRunId } from '../src/harness/context.js';
import { serveMock } from '../src/mock/http-server.js';
import { createMock } from '../src/mock/index.js';
import { resolveSpec } from '../src/spec/resolve.js';
import { startStandaloneMock } from './standalone-mock.js';

const spec = await resolveSpec({ env: process.env.SCALEKIT_OPENAPI });
const credentials = { clientId: 'skc_bench', clientSecret: 'bench-secret-123' };
const files = ['suites/contract/operations.test.ts', 'suites/contract/stateful.test.ts'];

async function pass(baseUrl: string): Promise<{ ms: number; failed: number }> {
  const started = performance.now();
  const { tests } = await executeSuites(
    {
      target: { kind: 'url', baseUrl, ...credentials },
      specPath: spec.localPath,
      seed: 1,
      timeoutMs: 10_000,
      profile: defaultProfile,
      runId: newRunId(),
    },
    { files },
  );
  return { ms: performance.now() - started, failed: tests.filter((t) => t.state === 'failed').length };
}

const line = (label: string, requests: number, ms: number, failed: number) =>
  console.log(
    `${label.padEnd(32)} ${String(requests).padStart(6)} requests in ${(ms / 1000).toFixed(1)} s: ` +
      `${Math.round(requests / (ms / 1000))} req/s${failed > 0 ? `, ${failed} tests failed` : ''}`,
  );

// Embedded: the mock in this process, counting the requests it serves.
let served = 0;
const embedded = await serveMock(createMock({ clock: systemClock, credentials, seed: 1 }), 0, {
  onRequest: () => {
    served += 1;
  },
});
const inProcess = await pass(embedded.url);
await embedded.close();
line('embedded mock (loopback)', served, inProcess.ms, inProcess.failed);

// Standalone: `scalekit-conformance mock` in its own process, counted through its request log.
const log = join(tmpdir(), `skc-bench-${process.pid}.log`);
const { child, url } = await startStandaloneMock(credentials, ['--request-log', log]);
try {
  const standalone = await pass(url);
  const requests = readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
  line('standalone mock (loopback)', requests, standalone.ms, standalone.failed);
} finally {
  child.kill();
  rmSync(log, { force: true });
}
