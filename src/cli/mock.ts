import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { systemClock } from '../clock.js';
import { describeError, ExitCode, UserError } from '../errors.js';
import { driftOf, type FaultId, faults, isFaultId } from '../mock/faults.js';
import { makeTlsFiles, type RequestLogEntry, serveMock, type TlsFiles } from '../mock/http-server.js';
import { createMock, implementedHooks, registerRedirectUris } from '../mock/index.js';
import { defaultCacheDir } from '../spec/resolve.js';

/** The built-in mock credentials: public test values, not secrets. RUNNING.md documents them. */
export const defaultMockCredentials = { clientId: 'skc_mock', clientSecret: 'mock-client-secret' } as const;

export async function mockCommand(
  flags: {
    port?: string;
    fault?: string[];
    'without-hook'?: string[];
    'list-faults'?: boolean;
    'client-id'?: string;
    'request-log'?: string;
    'redirect-uri'?: string[];
    tls?: boolean;
    'tls-dir'?: string;
  },
  io: { out: (line: string) => void; env: NodeJS.ProcessEnv },
): Promise<ExitCode> {
  if (flags['list-faults']) {
    for (const fault of faults) {
      const breaks = [...fault.rules, ...driftOf(fault).map((d) => `drift ${d.kind}`)];
      io.out(`${fault.id}  [${breaks.join(', ')}]  ${fault.description}`);
    }
    return ExitCode.ok;
  }
  const port = flags.port === undefined ? 0 : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UserError(`--port must be a port number, got "${flags.port}"`, 'Pass --port 0 for any free port');
  }
  for (const fault of flags.fault ?? []) {
    if (!isFaultId(fault))
      throw new UserError(`unknown fault "${fault}"`, 'List them with `scalekit-conformance mock --list-faults`');
  }
  const clientId = flags['client-id'] ?? io.env.SCALEKIT_CLIENT_ID ?? defaultMockCredentials.clientId;
  const clientSecret = io.env.SCALEKIT_CLIENT_SECRET ?? defaultMockCredentials.clientSecret;
  for (const hook of flags['without-hook'] ?? []) {
    if (!(implementedHooks as readonly string[]).includes(hook)) {
      throw new UserError(`unknown control hook "${hook}"`, `Hooks: ${implementedHooks.join(', ')}`);
    }
  }
  const logPath = flags['request-log'];
  if (logPath !== undefined) {
    try {
      appendFileSync(logPath, '');
    } catch (error) {
      throw new UserError(`cannot write --request-log ${logPath} (${describeError(error)})`, 'Choose a writable path');
    }
  }
  // Appended synchronously, one JSON line per request: whoever reads the file sees every request that ended.
  const onRequest = logPath
    ? (entry: RequestLogEntry) => appendFileSync(logPath, `${JSON.stringify(entry)}\n`)
    : undefined;
  const mock = createMock({
    clock: systemClock,
    credentials: { clientId, clientSecret },
    faults: (flags.fault ?? []) as FaultId[],
    ...(flags['without-hook'] ? { disabledHooks: flags['without-hook'] } : {}),
  });
  // Registered as the `redirects` hook would, with its checks, so a browser opening /oauth/authorize is not refused.
  const redirectUris = flags['redirect-uri'] ?? [];
  if (redirectUris.length > 0) {
    const rejected = registerRedirectUris(mock.state, 'callback', redirectUris);
    if (rejected.length > 0) {
      const reasons = rejected.map((r) => `${r.uri}${r.rules.length ? ` (${r.rules.join(', ')})` : ''}`).join('; ');
      throw new UserError(
        `--redirect-uri refused: ${reasons}`,
        'Pass an absolute URI without a fragment, e.g. http://localhost:3000/callback',
      );
    }
  }
  if (flags['tls-dir'] !== undefined && !flags.tls) {
    throw new UserError('--tls-dir needs --tls', 'Add --tls, or leave out --tls-dir');
  }
  let tls: TlsFiles | undefined;
  if (flags.tls) {
    const tlsDir = resolve(flags['tls-dir'] ?? join(defaultCacheDir(), 'mock-tls'));
    try {
      tls = await makeTlsFiles(tlsDir);
    } catch (error) {
      throw new UserError(
        `cannot write the TLS files to ${tlsDir} (${describeError(error)})`,
        'Choose a writable --tls-dir',
      );
    }
  }
  let served: Awaited<ReturnType<typeof serveMock>>;
  try {
    served = await serveMock(mock, port, {
      ...(onRequest ? { onRequest } : {}),
      ...(tls
        ? {
            tls: {
              key: tls.key,
              cert: tls.cert,
              ...(flags.fault?.includes('tls.plain-http-served') ? { plainHttpToo: true } : {}),
            },
          }
        : {}),
    });
  } catch (error) {
    // Only a port problem is the user's to fix; anything else is a bug and surfaces as one.
    const code = (error as { code?: string }).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
    throw new UserError(`cannot listen on 127.0.0.1:${port} (${code})`, 'Pick another --port, or 0 for any free port');
  }
  io.out(`mock listening on ${served.url}`);
  if (tls) {
    io.out(`TLS files:     ${tls.dir} (ca.pem: a CA made for this run, its key kept nowhere; cert.pem, key.pem)`);
    io.out('Trust the CA in Node clients started from now on (the SDK reads it at start):');
    io.out(`export NODE_EXTRA_CA_CERTS=${tls.caPath}`);
  }
  io.out(`client id:     ${clientId}`);
  io.out(
    `client secret: ${io.env.SCALEKIT_CLIENT_SECRET ? 'the value of SCALEKIT_CLIENT_SECRET' : `${defaultMockCredentials.clientSecret} (built-in test value; set SCALEKIT_CLIENT_SECRET to choose one)`}`,
  );
  if (flags.fault?.length) io.out(`faults:        ${flags.fault.join(', ')}`);
  if (flags['without-hook']?.length) io.out(`hooks off:     ${flags['without-hook'].join(', ')}`);
  if (logPath) io.out(`request log:   ${logPath} (one JSON line per request)`);
  const firstCallback = redirectUris[0];
  if (firstCallback !== undefined) {
    io.out(`callbacks:     ${redirectUris.join(', ')} (until the reset hook clears them)`);
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: firstCallback,
      scope: 'openid email profile',
      state: 'try-me',
    });
    io.out(`sign in at:    ${served.url}/oauth/authorize?${query}`);
  }
  io.out('Press Ctrl+C to stop.');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await served.close();
  return ExitCode.ok;
}
