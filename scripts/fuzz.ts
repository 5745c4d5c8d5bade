// `npm run fuzz`: seeded, count-bounded fuzzing of the standalone mock over raw loopback sockets (malformed
// request-targets, every method, bad Host headers, huge headers, bad JSON, wrong content types, forged tokens,
// oversized bodies, out-of-range hook input). Prints the answers per status class, every 5xx as a replayable
// line, and the mock's peak RSS; exits 1 on any 5xx, any request left unanswered, or when the mock stops answering.
// Flags: --requests N (10000), --seed S (random, printed), --only I (replay request I of the seed).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redactor } from '../src/reporters/redact.js';

/** One fuzzed request, as raw bytes on a fresh connection. */
export interface FuzzRequest {
  index: number;
  /** The request line and headers as sent (the body apart). */
  head: string;
  body: Buffer;
  /** Sent with chunked transfer encoding instead of a content-length. */
  chunked: boolean;
}

export interface FuzzResult {
  requests: number;
  byClass: Record<string, number>;
  /** Requests answered 5xx: `status`, the replay command's index and the request head. */
  serverErrors: { index: number; status: number; head: string }[];
  /** Requests the mock closed or left without any answer. */
  unanswered: { index: number; head: string }[];
}

/** mulberry32: a small deterministic generator; one per request, so request I is the same in every run. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const maxBody = 1024 * 1024;

const templates = [
  '/api/v1/organizations',
  '/api/v1/organizations/{id}',
  '/api/v1/organizations/{organization_id}/users',
  '/api/v1/organizations/{organization_id}/clients/{client_id}',
  '/api/v1/organizations/{organization_id}/connections/{id}:enable',
  '/api/v1/organizations/{organization_id}/directories/{id}:disable',
  '/api/v1/organizations/{id}/portal_links',
  '/api/v1/users',
  '/api/v1/users/{id}',
  '/api/v1/users:search',
  '/api/v1/users/{user_id}/sessions/revoke',
  '/api/v1/sessions/{session_id}/revoke',
  '/api/v1/roles',
  '/api/v1/roles/{role_name}',
  '/api/v1/permissions',
  '/api/v1/logs/authentication/requests',
  '/api/v1/connected_accounts',
  '/api/v1/domains/{id}',
  '/api/v1/passwordless/email/send',
  '/api/v1/passwordless/email/verify',
  '/oauth/token',
  '/oauth/authorize',
  '/.well-known/openid-configuration',
  '/keys',
  '/oidc/logout',
  '/_conformance/v1',
  '/_conformance/v1/reset',
  '/_conformance/v1/clock',
  '/_conformance/v1/clock/advance',
  '/_conformance/v1/environment',
  '/_conformance/v1/redirects/{type}',
  '/_conformance/v1/login',
  '/_conformance/v1/auth-requests',
  '/_conformance/v1/email/templates/{name}',
  '/_conformance/v1/email/outbox',
  '/_conformance/v1/webhooks/endpoint',
  '/_conformance/v1/webhooks/deliveries',
  '/_conformance/v1/passwordless',
  '/_conformance/v1/faults',
];
const segments = [
  'org_1',
  'usr_1',
  'callback',
  'post_logout',
  'SIGNIN',
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '%00',
  '%2F',
  '%ED%A0%80',
  '..',
  'a:b',
  '%F0%9F%98%80',
  'x'.repeat(3000),
];
const oddTargets = [
  'http://[',
  'http://[::1',
  'http://127.0.0.1:1/api/v1/organizations',
  'https://evil.example/.well-known/openid-configuration',
  'http://user@/x',
  '*',
  '//[',
  '//evil.example/keys',
  '/%',
  '/?%%%',
  'x',
  '/api/v1/organizations?page_size=%zz&page_token=%%%',
  '/api/v1/logs/authentication/requests?page_size=99999999999999999999&status=Failure',
  '/api/v1/logs/authentication/requests?page_size=-1&start_time=not-a-date',
];
const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'TRACK', 'CONNECT'];
const oddMethods = ['PROPFIND', 'FOO', 'get', 'M-SEARCH', 'PURGE', 'QUERY', 'LINK', ''];
const hosts = [
  '{host}',
  '{host}',
  '{host}',
  'evil.example',
  'bad host',
  '[',
  'a]b',
  'x'.repeat(300),
  '',
  '[::1]:99999',
];
const contentTypes = [
  'application/json',
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  undefined,
];
const numbers = [1e308, -1, -0, 0, 1, 3.5, 1e12, 315_576_000_001, 2 ** 53, 1e20, Number.MAX_VALUE];
const strings = [
  '',
  'x',
  '{{',
  '{{ user.email }}',
  '{{#if}}',
  '<script>',
  'whsec_x',
  'http://127.0.0.1:9/hook',
  '\u0000',
];

/** The request of index `index` for `seed`. `host` is the mock's host:port; `token` a valid bearer token. */
export function fuzzRequest(seed: number, index: number, host: string, token: string): FuzzRequest {
  const random = generator((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number) => random() < p;
  const anyValue = (): unknown =>
    pick<() => unknown>([
      () => pick(numbers),
      () => pick(strings),
      () => null,
      () => chance(0.5),
      () => [pick(strings), pick(numbers)],
      () => ({ [pick(strings)]: pick(numbers) }),
    ])();
  const method = chance(0.05) ? pick(oddMethods) : pick(methods);
  const target = chance(0.12)
    ? pick(oddTargets)
    : pick(templates).replace(/\{[^}]+\}/g, () => pick(segments)) + (chance(0.2) ? pick(['?a=%', '?x=1', '?']) : '');
  const hostValue = pick(hosts).replace('{host}', host);
  const headers: string[] = [];
  if (!chance(0.03)) headers.push(`host: ${hostValue}`);
  const auth = pick(['valid', 'valid', 'valid', 'none', 'garbage', 'basic', 'forged-jwt', 'empty']);
  if (auth === 'valid') headers.push(`authorization: Bearer ${token}`);
  if (auth === 'garbage') headers.push('authorization: Bearer garbage.token.value');
  if (auth === 'basic') headers.push('authorization: Basic %%%');
  if (auth === 'empty') headers.push('authorization: Bearer ');
  if (auth === 'forged-jwt') {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    headers.push(`authorization: Bearer ${part({ alg: 'none' })}.${part({ iss: 'x', exp: 9e15 })}.`);
  }
  const contentType = pick(contentTypes);
  if (contentType) headers.push(`content-type: ${contentType}`);
  if (chance(0.02)) headers.push(`x-huge: ${'h'.repeat(20_000)}`);
  if (chance(0.02)) for (let i = 0; i < 120; i++) headers.push(`x-many-${i}: ${i}`);
  if (chance(0.02)) headers.push('expect: 100-continue');
  if (chance(0.01)) headers.push('upgrade: websocket', 'connection: upgrade');
  const bodyText = pick<() => string | undefined>([
    () => undefined,
    () => '{"unterminated": ',
    () => '[1,2,3]',
    () => 'null',
    () => '1e308',
    () => JSON.stringify({ ms: anyValue() }),
    () => JSON.stringify({ ms: pick(numbers) }),
    () => JSON.stringify({ uris: [pick(strings), anyValue()] }),
    () => JSON.stringify({ entries: [{ status: pick(['SUCCESS', 'x']), email: anyValue(), timestamp: anyValue() }] }),
    () => JSON.stringify({ subject: pick(strings), html: pick(strings), text: pick(strings) }),
    () => JSON.stringify({ kind: anyValue(), email: anyValue(), decision: anyValue(), type: anyValue() }),
    () => JSON.stringify({ faults: chance(0.5) ? [] : [pick(strings)] }),
    () => JSON.stringify({ url: pick(strings), secret: pick(strings), events: anyValue() }),
    () => JSON.stringify({ display_name: anyValue(), external_id: anyValue(), metadata: anyValue() }),
    () => `grant_type=${pick(['client_credentials', 'authorization_code', 'refresh_token', 'x', '%'])}&code=%zz`,
    () => JSON.stringify(Object.fromEntries([...Array(5)].map(() => [pick(strings), anyValue()]))),
    () => '\u00ff\u0000\ud800',
    () => 'x'.repeat(maxBody + 1),
  ])();
  const body = bodyText === undefined ? Buffer.alloc(0) : Buffer.from(bodyText);
  const chunked = body.length > 0 && chance(0.2);
  if (chunked) headers.push('transfer-encoding: chunked');
  else if (body.length > 0 || chance(0.3)) headers.push(`content-length: ${body.length}`);
  headers.push('connection: close');
  const version = chance(0.02) ? 'HTTP/1.0' : 'HTTP/1.1';
  return { index, head: `${method} ${target} ${version}\r\n${headers.join('\r\n')}\r\n\r\n`, body, chunked };
}

/**
 * Sends one raw request on its own connection and resolves with what came back (as latin1) once the server closes,
 * `timeoutMs` passes, or `enough` makes something of what arrived so far (the rest is not read).
 */
export function rawExchange(
  url: string,
  request: Pick<FuzzRequest, 'head' | 'body' | 'chunked'>,
  timeoutMs: number,
  enough: (received: string) => string | undefined = () => undefined,
): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    const finish = (answer = received) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const answer = enough(received);
      if (answer !== undefined) finish(answer);
    });
    // A write that fails (the mock answered and closed before the body was sent) is no verdict yet: the answer may
    // already be read; 'close' follows every error and decides.
    socket.on('error', () => {});
    socket.on('close', () => finish());
    socket.on('connect', () => {
      socket.write(request.head, 'latin1');
      if (request.body.length > 0) {
        if (request.chunked) socket.write(`${request.body.length.toString(16)}\r\n`);
        socket.write(request.body);
        if (request.chunked) socket.write('\r\n0\r\n\r\n');
      }
    });
  });
}

/** What came back once its final status line is in (a `100 Continue` before it is dropped); undefined before. */
function statusLineIn(received: string): string | undefined {
  if (/^HTTP\/1\.[01] \d{3}/.test(received) && !received.startsWith('HTTP/1.1 100')) return received;
  if (received.startsWith('HTTP/1.1 100') && /\r\n\r\nHTTP\/1\.[01] \d{3}/.test(received)) {
    return received.slice(received.indexOf('\r\n\r\n') + 4);
  }
  return undefined;
}

/** Sends one request on its own connection; resolves with its status, 0 when the connection ended unanswered. */
export async function send(url: string, request: FuzzRequest, timeoutMs = 10_000): Promise<number> {
  // The status line is all that is needed; the rest may be a large body or a half-read request.
  const received = await rawExchange(url, request, timeoutMs, statusLineIn);
  return Number(/^HTTP\/1\.[01] (\d{3})/.exec(received)?.[1] ?? 0);
}

/** A client-credentials token from the mock, or undefined when it does not answer one. */
export async function tokenFrom(url: string, credentials: { clientId: string; clientSecret: string }) {
  try {
    const response = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
      }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { access_token?: string };
    return response.status === 200 ? body.access_token : undefined;
  } catch {
    return undefined;
  }
}

/** Sends `count` seeded requests one after another; a fresh token every 50 (the clock hook may expire one). */
export async function fuzz(
  url: string,
  credentials: { clientId: string; clientSecret: string },
  options: { seed: number; count: number; first?: number },
): Promise<FuzzResult> {
  const result: FuzzResult = { requests: 0, byClass: {}, serverErrors: [], unanswered: [] };
  const redactor = new Redactor([credentials.clientSecret]);
  const host = new URL(url).host;
  let token = '';
  const first = options.first ?? 0;
  for (let index = first; index < first + options.count; index++) {
    if ((index - first) % 50 === 0) token = (await tokenFrom(url, credentials)) ?? 'no-token';
    const request = fuzzRequest(options.seed, index, host, token);
    const status = await send(url, request);
    result.requests++;
    const statusClass = status === 0 ? 'no answer' : `${Math.floor(status / 100)}xx`;
    result.byClass[statusClass] = (result.byClass[statusClass] ?? 0) + 1;
    // Masked before it is cut: the requests carry the mock's tokens, which no output shows.
    const masked = redactor.redact(request.head);
    const head = masked.length > 300 ? `${masked.slice(0, 300)}...` : masked;
    if (status >= 500) result.serverErrors.push({ index, status, head });
    if (status === 0) result.unanswered.push({ index, head });
  }
  return result;
}

function flag(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

async function main(args: string[]): Promise<number> {
  const { startStandaloneMock } = await import('./standalone-mock.js');
  const count = Number(flag(args, '--requests') ?? 10_000);
  const seed = Number(flag(args, '--seed') ?? Math.floor(Math.random() * 2 ** 31));
  const only = flag(args, '--only');
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
    console.error('usage: npm run fuzz -- [--requests N] [--seed S] [--only I]');
    return 2;
  }
  const credentials = { clientId: 'skc_fuzz', clientSecret: 'fuzz-secret-1234' };
  const logDir = mkdtempSync(join(tmpdir(), 'scalekit-fuzz-'));
  // With --request-log, so the log's path of the server is fuzzed too.
  const { child, url } = await startStandaloneMock(credentials, ['--request-log', join(logDir, 'requests.jsonl')]);
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
  let crashed: string | undefined;
  void exited.then((how) => {
    crashed = how;
  });
  const replay = only === undefined ? undefined : Number(only);
  console.log(`fuzzing ${url} (the standalone mock, pid ${child.pid}) with seed ${seed}`);
  const started = Date.now();
  const result = await fuzz(url, credentials, {
    seed,
    count: replay === undefined ? count : 1,
    ...(replay === undefined ? {} : { first: replay }),
  });
  const seconds = (Date.now() - started) / 1000;
  const alive = crashed === undefined && (await tokenFrom(url, credentials)) !== undefined;
  const status = crashed === undefined ? readFileSync(`/proc/${child.pid}/status`, 'utf8') : '';
  const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  child.kill('SIGTERM');
  await exited;
  rmSync(logDir, { recursive: true, force: true });

  console.log(`${result.requests} requests in ${seconds.toFixed(1)} s, seed ${seed}`);
  for (const [statusClass, n] of Object.entries(result.byClass).sort()) console.log(`  ${statusClass}: ${n}`);
  console.log(`5xx answers: ${result.serverErrors.length}`);
  for (const error of result.serverErrors.slice(0, 5)) {
    console.log(
      `  ${error.status}  npm run fuzz -- --seed ${seed} --only ${error.index}   ${JSON.stringify(error.head)}`,
    );
  }
  console.log(`unanswered (connection closed without a status line): ${result.unanswered.length}`);
  for (const none of result.unanswered.slice(0, 5)) {
    console.log(`  npm run fuzz -- --seed ${seed} --only ${none.index}   ${JSON.stringify(none.head)}`);
  }
  console.log(`peak RSS of the mock: ${Number.isNaN(peakKb) ? 'unknown' : `${(peakKb / 1024).toFixed(0)} MB`}`);
  console.log(
    alive
      ? 'the mock still answers a token request'
      : `the mock stopped answering${crashed ? ` (exit ${crashed})` : ''}`,
  );
  return result.serverErrors.length > 0 || result.unanswered.length > 0 || !alive ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
