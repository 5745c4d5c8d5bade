// The standalone mock for the bench scripts: `scalekit-conformance mock` in its own process, as users run it, on a
// free loopback port. Not part of the package.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/scalekit-conformance.js', import.meta.url));

/** Starts the mock with these credentials (and extra CLI flags); resolves once it prints the URL it listens on. */
export async function startStandaloneMock(
  credentials: { clientId: string; clientSecret: string },
  flags: string[] = [],
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, 'mock', '--port', '0', ...flags], {
    env: { ...process.env, SCALEKIT_CLIENT_ID: credentials.clientId, SCALEKIT_CLIENT_SECRET: credentials.clientSecret },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', () => reject(new Error(`the mock exited before listening: ${out}`)));
  });
  return { child, url };
}
