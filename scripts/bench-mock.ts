// Throughput of the standalone mock on a mixed read/write workload: `npm run bench`. Not a test: it prints figures
// for the README. The mock runs in its own process (as `scalekit-conformance mock` does for users); this process
// is the load generator, on loopback only, bounded in time.
import { readFileSync } from 'node:fs';
import { startStandaloneMock } from './standalone-mock.js';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
/** The mock process's resident memory, read from /proc where there is one (Linux). */
function mockRssMb(): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}
const { child, url } = await startStandaloneMock({ clientId: 'skc_bench', clientSecret: 'bench-secret-123' });

try {
  const tokenResponse = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=skc_bench&client_secret=bench-secret-123',
  });
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const auth = { authorization: `Bearer ${token}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const statuses = ['INITIATED', 'PENDING', 'SUCCESS', 'FAILED'];
  const entries = Array.from({ length: 500 }, (_, i) => ({
    status: statuses[i % 4],
    email: `user${i % 50}@example.test`,
    timestamp: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
  }));
  await fetch(`${url}/_conformance/v1/auth-requests`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ entries }),
  });

  // 60% filtered log reads, 20% organization lists, 20% writes (organization creates and log seeding).
  let n = 0;
  const workload: (() => Promise<Response>)[] = [
    () => fetch(`${url}/api/v1/logs/authentication/requests?status=FAILED&page_size=20`, { headers: auth }),
    () => fetch(`${url}/api/v1/logs/authentication/requests?email=user7@example.test`, { headers: auth }),
    () =>
      fetch(`${url}/api/v1/logs/authentication/requests?start_time=2026-01-01T02:00:00Z&page_size=50`, {
        headers: auth,
      }),
    () => fetch(`${url}/api/v1/organizations?page_size=10`, { headers: auth }),
    () => {
      n += 1;
      return fetch(`${url}/api/v1/organizations`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ display_name: `Bench ${n}` }),
      });
    },
  ];
  const latencies: number[] = [];
  const codes = new Map<number, number>();
  const deadline = performance.now() + seconds * 1000;
  const rssBefore = process.memoryUsage().rss;
  await Promise.all(
    Array.from({ length: connections }, async (_, worker) => {
      for (let i = worker; performance.now() < deadline; i += 1) {
        const started = performance.now();
        const response = await (workload[i % workload.length] as () => Promise<Response>)();
        await response.arrayBuffer();
        latencies.push(performance.now() - started);
        codes.set(response.status, (codes.get(response.status) ?? 0) + 1);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]?.toFixed(1);
  console.log(
    JSON.stringify(
      {
        connections,
        seconds,
        requests: latencies.length,
        requestsPerSecond: Math.round(latencies.length / seconds),
        latencyMs: { p50: at(0.5), p99: at(0.99), max: at(1) },
        statuses: Object.fromEntries(codes),
        loadGeneratorRssMb: Math.round((process.memoryUsage().rss - rssBefore) / 1024 / 1024),
        mockRssMb: mockRssMb(),
      },
      null,
      2,
    ),
  );
} finally {
  child.kill('SIGTERM');
}
