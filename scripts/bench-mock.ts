// Throughput of the standalone mock on the two read workloads of issue 17: `npm run bench`. Not a test: it prints
// figures for the README. The mock runs in its own process (as `scalekit-conformance mock` does for users); the
// load comes from autocannon in this process (10 connections, keep-alive), on loopback only, each run bounded in
// time. Printed: for each workload, requests per second, p50/p99 latency, answers other than 2xx, the mock's CPU
// time per request and resident memory, and whether a sample of its answers validates against the spec; a bare
// node:http server answering a fixed body of the same size, for reference; and both workloads again with 1,000,
// 10,000 and 100,000 stored organizations and auth-log entries. It exits 1 when an answer was not a 2xx or a sampled
// one did not validate.
//
// BENCH_SECONDS (default 10) is the length of each main run and of the reference; the scaling runs take half of it.
// BENCH_CONNECTIONS (default 10) the connections; BENCH_SIZES (default 1000,10000,100000) the store sizes of the
// scaling runs, none when empty.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { resolveSpec } from '../src/spec/resolve.js';
import { schemaRegistryFor } from '../src/spec/schemas.js';
import { startStandaloneMock } from './standalone-mock.js';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const scalingSeconds = Math.max(1, Math.round(seconds / 2));
/** A short run before each measured one, so the mock's JIT is warm and the figures are its steady state. */
const warmupSeconds = 1;
/** The store of the main runs; the scaling runs grow it. */
const defaultSize = { organizations: 500, authLogs: 500 };
const scalingSizes = (process.env.BENCH_SIZES ?? '1000,10000,100000')
  .split(',')
  .filter((size) => size.trim() !== '')
  .map(Number);
/** Seeding stops after this long whatever it reached; the row then says how many were stored. */
const seedingBudgetMs = 180_000;

const credentials = { clientId: 'skc_bench', clientSecret: 'bench-secret-123' };
const spec = await resolveSpec({ env: process.env.SCALEKIT_OPENAPI });
const registry = schemaRegistryFor(spec.document);

interface Workload {
  name: string;
  /** The spec's path template, for the response schema. */
  operation: string;
  path: string;
  /** The list's field, for following the pages of a sample. */
  list: string;
}
const workloads: Workload[] = [
  {
    name: 'organizations',
    operation: '/api/v1/organizations',
    path: '/api/v1/organizations?page_size=10',
    list: 'organizations',
  },
  {
    name: 'auth logs',
    operation: '/api/v1/logs/authentication/requests',
    path: '/api/v1/logs/authentication/requests?status=FAILED&page_size=20',
    list: 'authRequests',
  },
];

/** A process's resident memory in MB, read from /proc where there is one (Linux). */
function rssMb(pid: number | undefined): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** A process's CPU time (user and system) in ms, from /proc where there is one (Linux; 10 ms ticks). */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    // The fields after the command name (which may hold spaces): utime and stime are the 12th and 13th of them.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /s, '')
      .split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

interface Load {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** The server's CPU time per request, in µs, when its process is given and /proc can tell. */
  cpuUs: number | undefined;
}

/** Starts an autocannon run: the instance (its events, `stop`) and its result. */
function cannon(options: autocannon.Options): { instance: autocannon.Instance; result: Promise<autocannon.Result> } {
  let instance: autocannon.Instance | undefined;
  const result = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(options, (error: unknown, outcome) => (error ? reject(error) : resolve(outcome)));
  });
  return { instance: instance as autocannon.Instance, result };
}

/** One autocannon run; latencies are taken from every response (autocannon's own histogram keeps whole ms). */
async function load(
  url: string,
  options: Partial<autocannon.Options>,
  durationSeconds: number,
  server?: number,
): Promise<Load> {
  const latencies: number[] = [];
  const cpuBefore = cpuMs(server);
  const run = cannon({ url, connections, duration: durationSeconds, ...options });
  run.instance.on('response', (_client, _status, _bytes, responseTime) => {
    latencies.push(responseTime);
  });
  const result = await run.result;
  const cpuAfter = cpuMs(server);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requestsPerSecond: Math.round(result.requests.total / result.duration),
    p50: at(0.5),
    p99: at(0.99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    cpuUs:
      cpuBefore === undefined || cpuAfter === undefined || result.requests.total === 0
        ? undefined
        : Math.round(((cpuAfter - cpuBefore) * 1000) / result.requests.total),
  };
}

const ms = (value: number) => `${value.toFixed(2)} ms`;
const count = (value: number) => value.toLocaleString('en-US');

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const { child, url } = await startStandaloneMock(credentials);
try {
  const token = (
    await json(`${url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${credentials.clientId}&client_secret=${credentials.clientSecret}`,
    })
  ).body.access_token as string;
  const auth = { authorization: `Bearer ${token}` };

  /** The total_size the list reports: what is stored. */
  const stored = async (path: string) =>
    (await json(`${url}${path}${path.includes('?') ? '&' : '?'}page_size=1`, { headers: auth })).body
      .total_size as number;

  let logsSeeded = 0;
  /** Auth-log entries through the control hook, 5,000 to a request (a body well under the mock's 1 MB). */
  async function seedAuthLogs(target: number, deadline: number): Promise<void> {
    const statuses = ['INITIATED', 'PENDING', 'SUCCESS', 'FAILED'];
    while (logsSeeded < target && performance.now() < deadline) {
      const entries = Array.from({ length: Math.min(5_000, target - logsSeeded) }, (_, i) => {
        const n = logsSeeded + i;
        return {
          status: statuses[n % 4],
          email: `user${n % 500}@example.test`,
          timestamp: new Date(Date.UTC(2026, 0, 1) + n * 1_000).toISOString(),
        };
      });
      const { status } = await json(`${url}/_conformance/v1/auth-requests`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ entries }),
      });
      if (status !== 201) throw new Error(`seeding auth-log entries: ${status}`);
      logsSeeded += entries.length;
    }
  }

  /** Organizations through the API (POST /api/v1/organizations), as many as are missing, on all connections. */
  async function seedOrganizations(target: number, deadline: number): Promise<void> {
    const missing = target - (await stored('/api/v1/organizations'));
    if (missing <= 0) return;
    const { instance, result: outcome } = cannon({
      url: `${url}/api/v1/organizations`,
      connections,
      amount: missing,
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ display_name: 'Bench organization', metadata: { source: 'bench' } }),
    });
    const stop = setTimeout(() => instance.stop(), Math.max(0, deadline - performance.now()));
    const result = await outcome;
    clearTimeout(stop);
    if (result.non2xx > 0) throw new Error(`seeding organizations: ${result.non2xx} answers other than 201`);
  }

  async function seed(size: { organizations: number; authLogs: number }): Promise<string> {
    const started = performance.now();
    const deadline = started + seedingBudgetMs;
    await seedAuthLogs(size.authLogs, deadline);
    await seedOrganizations(size.organizations, deadline);
    const organizations = await stored('/api/v1/organizations');
    const authLogs = await stored('/api/v1/logs/authentication/requests');
    return (
      `${count(organizations)} organizations, ${count(authLogs)} auth-log entries ` +
      `(seeded in ${((performance.now() - started) / 1000).toFixed(1)} s)`
    );
  }

  /**
   * A sample of a workload's answers, checked against the spec's schema for a 200: the first page and the pages
   * after it (next_page_token), 20 answers in all, each a 200 that validates.
   */
  async function validateSample(workload: Workload): Promise<{ valid: number; total: number; problems: string[] }> {
    const schema = registry.responseSchema(workload.operation, 'get', 200);
    const problems: string[] = [];
    let valid = 0;
    let total = 0;
    let next = '';
    while (total < 20) {
      const separator = workload.path.includes('?') ? '&' : '?';
      const { status, body } = await json(
        `${url}${workload.path}${next ? `${separator}page_token=${encodeURIComponent(next)}` : ''}`,
        { headers: auth },
      );
      total += 1;
      const violations = status === 200 ? registry.validate(schema, body) : [];
      if (status !== 200) problems.push(`${workload.path}: ${status}`);
      else if (violations.length > 0) problems.push(`${workload.path}: ${JSON.stringify(violations.slice(0, 3))}`);
      else if (!Array.isArray(body[workload.list])) problems.push(`${workload.path}: no ${workload.list} array`);
      else valid += 1;
      next = typeof body.next_page_token === 'string' ? body.next_page_token : '';
    }
    return { valid, total, problems };
  }

  async function measure(workload: Workload, duration: number): Promise<Load> {
    const options = { headers: auth };
    await load(`${url}${workload.path}`, options, warmupSeconds);
    return load(`${url}${workload.path}`, options, duration, child.pid);
  }

  console.log(
    `standalone mock, ${connections} connections, ${seconds} s a run (after ${warmupSeconds} s of warm-up), ` +
      `load generator in this process`,
  );
  console.log(`store: ${await seed(defaultSize)}`);
  let allOk = true;
  for (const workload of workloads) {
    const result = await measure(workload, seconds);
    const sample = await validateSample(workload);
    allOk &&= sample.valid === sample.total && result.non2xx === 0 && result.errors === 0;
    console.log(
      `  GET ${workload.path}\n` +
        `    ${count(result.requestsPerSecond)} req/s, p50 ${ms(result.p50)}, p99 ${ms(result.p99)}, ` +
        `non-2xx ${result.non2xx}, errors ${result.errors}, mock CPU ${result.cpuUs ?? '?'} µs a request, ` +
        `mock RSS ${rssMb(child.pid) ?? '?'} MB, answers valid: ${sample.valid} of ${sample.total}`,
    );
    for (const problem of sample.problems.slice(0, 5)) console.log(`    invalid: ${problem}`);
  }

  // The reference: node:http alone, in its own process, answering the organization list's answer as a fixed body.
  const body = JSON.stringify((await json(`${url}${workloads[0]?.path}`, { headers: auth })).body);
  const bare = spawn(
    process.execPath,
    [
      '-e',
      `const body = process.env.BODY;
       const server = require('node:http').createServer((req, res) => {
         res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
         res.end(body);
       });
       server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));
       process.stdin.on('end', () => process.exit(0)).resume();`,
    ],
    { env: { ...process.env, BODY: body }, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  try {
    const bareUrl = await new Promise<string>((resolve, reject) => {
      bare.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      bare.once('exit', () => reject(new Error('the reference server exited')));
    });
    await load(bareUrl, {}, warmupSeconds);
    const result = await load(bareUrl, {}, seconds, bare.pid);
    console.log(
      `reference: bare node:http, a fixed ${count(Buffer.byteLength(body))}-byte JSON body\n` +
        `    ${count(result.requestsPerSecond)} req/s, p50 ${ms(result.p50)}, p99 ${ms(result.p99)}, ` +
        `non-2xx ${result.non2xx}, server CPU ${result.cpuUs ?? '?'} µs a request`,
    );
  } finally {
    bare.stdin.end();
  }

  // Scaling: the same workloads over a growing store. A step is linear when ten times the data costs at most ten
  // times the time per request (the throughput falls by at most a factor of ten).
  if (scalingSizes.length > 0) {
    console.log(`scaling (${scalingSeconds} s a run): req/s with N organizations and N auth-log entries stored`);
  }
  const previous = new Map<string, number>();
  for (const size of scalingSizes) {
    console.log(`  N = ${count(size)}: ${await seed({ organizations: size, authLogs: size })}`);
    for (const workload of workloads) {
      const result = await measure(workload, scalingSeconds);
      const sample = await validateSample(workload);
      allOk &&= sample.valid === sample.total && result.non2xx === 0 && result.errors === 0;
      const before = previous.get(workload.name);
      const step = before
        ? `, ${(before / Math.max(1, result.requestsPerSecond)).toFixed(1)}× the time a request of N/10 (linear: 10×)`
        : '';
      previous.set(workload.name, result.requestsPerSecond);
      console.log(
        `    ${workload.name.padEnd(14)} ${count(result.requestsPerSecond).padStart(7)} req/s, ` +
          `p99 ${ms(result.p99)}, non-2xx ${result.non2xx}${step}, mock CPU ${result.cpuUs ?? '?'} µs a request, ` +
          `RSS ${rssMb(child.pid) ?? '?'} MB, ` +
          `answers valid: ${sample.valid} of ${sample.total}`,
      );
    }
  }
  if (!allOk) process.exitCode = 1;
} finally {
  child.kill('SIGTERM');
}
