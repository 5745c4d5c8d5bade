// Peak memory of a run, for the whole process tree (the CLI and every vitest worker it starts): `npm run
// bench:memory`. Not a test: it prints figures for the README. Two cases: the full offline run (the embedded mock,
// default case counts) and a run against a target whose JWKS answer streams 200 MB (the body cap must keep the
// tree small). Linux only: the tree is read from /proc every 50 ms.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { startStreamingTarget } from '../test/support/misbehaving-target.js';

const pageBytes = 4096;

/** Resident memory of `root` and all its descendants, in bytes, and how many processes that is. */
function treeRss(root: number): { bytes: number; processes: number } {
  const parent = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(fields[1]));
      rss.set(Number(entry), Number(fields[21]) * pageBytes);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  let bytes = 0;
  let processes = 0;
  for (const [pid, size] of rss) {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = parent.get(at)) {
      if (at === root) {
        bytes += size;
        processes += 1;
        break;
      }
    }
  }
  return { bytes, processes };
}

interface Measured {
  code: number | null;
  seconds: number;
  peakMb: number;
  peakProcesses: number;
  lastLine: string;
}

/** Runs the CLI with `args`, sampling its process tree until it exits. */
function measure(args: string[], env: NodeJS.ProcessEnv): Promise<Measured> {
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/scalekit-conformance.js', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4096);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4096);
  });
  let peak = 0;
  let peakProcesses = 0;
  const timer = setInterval(() => {
    if (child.pid === undefined) return;
    const { bytes, processes } = treeRss(child.pid);
    peak = Math.max(peak, bytes);
    peakProcesses = Math.max(peakProcesses, processes);
  }, 50);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearInterval(timer);
      const lines = output.trim().split('\n');
      resolve({
        code,
        seconds: (performance.now() - started) / 1000,
        peakMb: peak / 1024 / 1024,
        peakProcesses,
        lastLine: lines.find((l) => l.startsWith('rules:')) ?? lines.at(-1) ?? '',
      });
    });
  });
}

const report = (label: string, m: Measured) =>
  console.log(
    `${label.padEnd(34)} exit ${m.code}, ${m.seconds.toFixed(1)} s, peak RSS of the process tree ${Math.round(m.peakMb)} MB ` +
      `(${m.peakProcesses} processes at most)\n${' '.repeat(36)}${m.lastLine}`,
  );

report('full offline run (embedded mock)', await measure(['run'], {}));

const credentials = { clientId: 'skc_bench_memory', clientSecret: 'bench-memory-secret' };
const target = await startStreamingTarget(200, credentials);
try {
  const streaming = await measure(['run', '--target', target.url, '--only', 'TOK-011'], {
    SCALEKIT_CLIENT_ID: credentials.clientId,
    SCALEKIT_CLIENT_SECRET: credentials.clientSecret,
  });
  report('target streaming a 200 MB body', streaming);
} finally {
  await target.close();
}
