import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { connect as http2Connect } from 'node:http2';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTransport,
  type Exchange,
  TransportError,
  trustCertificateAuthority,
} from '../../src/client/transport.js';
import { systemClock } from '../../src/clock.js';
import {
  makeTlsFiles,
  makeTlsMaterial,
  type RequestLogEntry,
  type ServedMock,
  serveMock,
  type TlsFiles,
} from '../../src/mock/http-server.js';
import { createMock } from '../../src/mock/index.js';
import { packageDir, startCli } from '../cli/run-cli.js';

// `mock --tls`: HTTPS and gRPC over TLS on one port, with a certificate for 127.0.0.1 from a local CA the mock makes.

const credentials = { clientId: 'skc_tls', clientSecret: 'tls-secret' };
const organizationService = '/scalekit.v1.organizations.OrganizationService';

let dir: string;
let files: TlsFiles;
let served: ServedMock;
const requestLog: RequestLogEntry[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mock-tls-'));
  files = await makeTlsFiles(join(dir, 'served'));
  const mock = createMock({ clock: systemClock, credentials, seed: 23 });
  served = await serveMock(mock, 0, {
    tls: { key: files.key, cert: files.cert },
    onRequest: (entry) => requestLog.push(entry),
  });
});
afterAll(async () => {
  await served?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A GET over TLS (HTTP/1.1), trusting `ca` besides Node's own roots; Node checks the name (127.0.0.1) as usual. */
function getOverTls(url: string, ca?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpsGet(url, ca === undefined ? {} : { ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('mock served over TLS', () => {
  it('writes the CA, the certificate and a private key only its owner reads', () => {
    expect(served.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(readFileSync(files.caPath, 'utf8')).toContain('-----BEGIN CERTIFICATE-----');
    expect(readFileSync(files.caPath, 'utf8')).not.toContain('PRIVATE KEY');
    expect(readFileSync(files.certPath, 'utf8')).toContain('-----BEGIN CERTIFICATE-----');
    expect(readFileSync(files.keyPath, 'utf8')).toContain('-----BEGIN PRIVATE KEY-----');
    expect(statSync(files.keyPath).mode & 0o077).toBe(0);
  });

  it('answers HTTPS for 127.0.0.1 when the CA is trusted, and fails the certificate check when it is not', async () => {
    const trusted = await getOverTls(`${served.url}/.well-known/openid-configuration`, files.ca);
    expect(trusted.status).toBe(200);
    expect((JSON.parse(trusted.body) as { issuer: string }).issuer).toBe(served.url);
    const failure = await getOverTls(`${served.url}/.well-known/openid-configuration`).then(
      () => undefined,
      (error: unknown) => error as { code?: string },
    );
    expect(failure?.code).toMatch(/CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/);
  });

  it('answers REST over HTTP/2 too, as a browser negotiating h2 asks it, not only gRPC', async () => {
    const session = http2Connect(served.url, { ca: files.ca });
    try {
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const stream = session.request({ ':path': '/.well-known/openid-configuration' });
        let status = 0;
        let body = '';
        stream.on('response', (headers) => {
          status = Number(headers[':status']);
        });
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          body += chunk;
        });
        stream.on('end', () => resolve({ status, body }));
        stream.on('error', reject);
      });
      expect(status).toBe(200);
      expect((JSON.parse(body) as { issuer: string }).issuer).toBe(served.url);
    } finally {
      session.close();
    }
  });

  it('serves the official Node SDK over gRPC/TLS with the CA in NODE_EXTRA_CA_CERTS', async () => {
    // The SDK's transport reads NODE_EXTRA_CA_CERTS at process start only, so the SDK runs in a child process.
    const script = `
      import { ScalekitClient, ScalekitNotFoundException } from '@scalekit-sdk/node';
      const sdk = new ScalekitClient(process.env.MOCK_URL, ${JSON.stringify(credentials.clientId)}, ${JSON.stringify(credentials.clientSecret)});
      const created = await sdk.organization.createOrganization('Umbrella', { externalId: 'crm-umbrella' });
      const id = created.organization?.id;
      const got = await sdk.organization.getOrganization(id);
      const listed = await sdk.organization.listOrganization({ pageSize: 50 });
      let notFound = 'no error';
      try {
        await sdk.organization.getOrganization('org_0000000000000000');
      } catch (error) {
        notFound = error instanceof ScalekitNotFoundException ? 'not found' : String(error);
      }
      console.log(JSON.stringify({ id, name: got.organization?.displayName, externalId: got.organization?.externalId,
        listed: listed.organizations.map((o) => o.id), notFound }));
    `;
    // Asynchronous: this process serves the mock the child calls.
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageDir,
      env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: files.caPath, MOCK_URL: served.url },
    });
    const result = JSON.parse(stdout) as {
      id: string;
      name: string;
      externalId: string;
      listed: string[];
      notFound: string;
    };
    expect(result.id).toMatch(/^org_/);
    expect(result.name).toBe('Umbrella');
    expect(result.externalId).toBe('crm-umbrella');
    expect(result.listed).toContain(result.id);
    expect(result.notFound).toBe('not found');
    // Over gRPC, not a REST fallback: the RPCs are in the request log with their gRPC statuses.
    const rpcs = requestLog.filter((entry) => entry.path.startsWith(organizationService));
    expect(rpcs.map(({ path, grpcStatus }) => ({ path, grpcStatus }))).toEqual(
      expect.arrayContaining([
        { path: `${organizationService}/CreateOrganization`, grpcStatus: 0 },
        { path: `${organizationService}/GetOrganization`, grpcStatus: 0 },
        { path: `${organizationService}/ListOrganization`, grpcStatus: 0 },
        { path: `${organizationService}/GetOrganization`, grpcStatus: 5 },
      ]),
    );
  });

  it('passes every SDK call of test/mock/sdk-grpc.test.ts over gRPC/TLS and HTTPS, with the CA trusted', async () => {
    // That file again, in a process that trusts the CA from its start (the SDK reads NODE_EXTRA_CA_CERTS only then),
    // serving the mock over TLS with these files: the 18 management calls, the not-found error, UNIMPLEMENTED.
    const vitest = join(packageDir, 'node_modules', 'vitest', 'vitest.mjs');
    const resultsFile = join(dirname(files.caPath), '..', 'sdk-grpc-results.json');
    const run = promisify(execFile)(
      process.execPath,
      [vitest, 'run', '--project', 'harness', 'test/mock/sdk-grpc.test.ts'],
      {
        cwd: packageDir,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          SCALEKIT_OPENAPI: process.env.SCALEKIT_OPENAPI,
          NODE_EXTRA_CA_CERTS: files.caPath,
          SDK_GRPC_TLS_DIR: dirname(files.caPath),
          // Its results to a file of its own: reports/vitest-results.json is the outer run's.
          SCALEKIT_CONFORMANCE_RESULTS: resultsFile,
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    await run;
    const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
    };
    expect(results.numFailedTests).toBe(0);
    expect(results.numPassedTests).toBeGreaterThanOrEqual(8);
  });

  it('mock --tls prints the folder, the NODE_EXTRA_CA_CERTS line and an https URL', async () => {
    const tlsDir = join(dir, 'cli');
    let ready: (text: string) => void = () => {};
    const printed = new Promise<string>((resolve) => {
      ready = resolve;
    });
    const { child, done } = startCli(['mock', '--tls', '--tls-dir', tlsDir, '--port', '0'], {}, (text) => {
      if (text.includes('Press Ctrl+C')) ready(text);
    });
    const output = await Promise.race([printed, done.then((result) => `exited early: ${JSON.stringify(result)}`)]);
    child.kill('SIGTERM');
    await done;
    expect(output).toMatch(/^mock listening on https:\/\/127\.0\.0\.1:\d+$/m);
    expect(output).toContain(`TLS files:     ${tlsDir} `);
    expect(output).toContain(`\nexport NODE_EXTRA_CA_CERTS=${join(tlsDir, 'ca.pem')}\n`);
    expect(readFileSync(join(tlsDir, 'ca.pem'), 'utf8')).toContain('-----BEGIN CERTIFICATE-----');
  });
});

/** A plain http GET to the TLS mock's own port: its status, or the error that came instead of an answer. */
function plainGet(httpsUrl: string, path: string): Promise<{ status?: number; error?: string }> {
  const url = new URL(path, httpsUrl);
  url.protocol = 'http:';
  return new Promise((resolve) => {
    httpGet(url, { agent: false }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    }).on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
  });
}

// TOK-006: the TLS port speaks only TLS; the seeded fault `tls.plain-http-served` makes it answer plain http too.
describe('plain http on the TLS port', () => {
  it('gets no answer from the TLS mock, and an answer under the fault, while TLS keeps working beside it', async () => {
    const refused = await plainGet(served.url, '/.well-known/openid-configuration');
    expect(refused.status).toBeUndefined();
    expect(refused.error).toMatch(/ECONNRESET|EPIPE|socket hang up/i);

    const material = await makeTlsMaterial();
    const mock = createMock({ clock: systemClock, credentials, seed: 23, faults: ['tls.plain-http-served'] });
    const faulty = await serveMock(mock, 0, {
      tls: { key: material.key, cert: material.cert, plainHttpToo: true },
    });
    try {
      expect((await plainGet(faulty.url, '/.well-known/openid-configuration')).status).toBe(200);
      const overTls = await getOverTls(`${faulty.url}/.well-known/openid-configuration`, material.ca);
      expect(overTls.status).toBe(200);
      expect((JSON.parse(overTls.body) as { issuer: string }).issuer).toBe(faulty.url);
    } finally {
      await faulty.close();
    }
  });
});

// A run's transport trusts the run's CA for its TLS mock's origin only (src/cli/run-target.ts, src/harness/target.ts).
describe('the transport trusting a run CA', () => {
  it('reaches the origin it trusts the CA for, and still refuses the certificate elsewhere', async () => {
    // The same certificate on another port: another origin, which the trust does not reach.
    const other = await serveMock(createMock({ clock: systemClock, credentials, seed: 23 }), 0, {
      tls: { key: files.key, cert: files.cert },
    });
    try {
      const exchanges: Exchange[] = [];
      const transport = createTransport({ timeoutMs: 10_000, record: (e) => exchanges.push(e) });
      trustCertificateAuthority(new URL(served.url).origin, files.ca);
      const trusted = await transport(new Request(`${served.url}/.well-known/openid-configuration`));
      expect(trusted.status).toBe(200);
      expect(exchanges.at(-1)?.url).toMatch(/^https:/);
      // Node's roots only there, so the certificate check fails: no answer.
      await expect(transport(new Request(`${other.url}/.well-known/openid-configuration`))).rejects.toThrow(
        TransportError,
      );
    } finally {
      await other.close();
    }
  });
});
