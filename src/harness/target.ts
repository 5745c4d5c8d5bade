import { request as httpRequest } from 'node:http';
import type { Faker } from '@faker-js/faker';
import { inject, TestRunner } from 'vitest';
import type { PlainHttpProbe } from '../checks/platform.js';
import { type ApiClient, createApiClient, createTokenSession } from '../client/api.js';
import { ControlHooks } from '../client/control-hooks.js';
import { appendEntry, entryFor } from '../client/ledger.js';
import type { TokenSession } from '../client/oauth.js';
import { type Problem, TargetHealth } from '../client/problems.js';
import {
  decideWrites,
  defaultMaxRps,
  type TrafficPolicy,
  trafficControlFor,
  useTrafficControl,
  type WriteRefused,
} from '../client/safety.js';
import { createTransport, type Exchange, trustCertificateAuthority } from '../client/transport.js';
import { systemClock } from '../clock.js';
import type { Profile } from '../config/profile.js';
import { seededFaker } from '../generation/faker.js';
import { readSpecFile } from '../spec/document.js';
import { type SchemaRegistry, schemaRegistryFor } from '../spec/schemas.js';
import { userAgent } from '../version.js';
import type { RunContext, TargetSpec } from './context.js';

export { answersAsSent } from '../client/transport.js';

/** A URL target served over TLS with a CA made for the run (the embedded mock's TLS side, src/cli/run-target.ts). */
export type TlsUrlTarget = Extract<TargetSpec, { kind: 'url' }> & { ca: string };

declare module 'vitest' {
  interface TaskMeta {
    /** Writes the run refused to send for this test (`POST /api/v1/...`); the test is then reported skipped. */
    writesRefused?: string[];
    /** Requests of this test that got no usable answer (the first few): a failed test with these is errored. */
    problems?: Problem[];
    /** Requests this test sent, answered or not: the run's count when it stops because the target went away. */
    requests?: number;
  }
}

/** Problems kept per test: the first says what happened; the rest only repeat it. */
const problemsKept = 5;

/** Host name the in-process mock answers on; `.invalid` can never resolve, so nothing leaks to a network. */
export const inProcessMockUrl = 'http://mock.scalekit-conformance.invalid';

/** Everything a suite needs to talk to the target under test. One per test file. */
export interface Target {
  baseUrl: string;
  /** Authenticated with client credentials; refreshes and retries once on a 401. */
  api: ApiClient;
  /** Sends no Authorization header at all. */
  anonymous: ApiClient;
  /** Sends `Authorization: Bearer <token>` with the given value. */
  withBearer(token: string): ApiClient;
  tokens: TokenSession;
  hooks: ControlHooks;
  schemas: SchemaRegistry;
  /** Every request this file made, in order. */
  exchanges: Exchange[];
  seed: number;
  /** How the open points of the docs are decided (RUNNING.md, "The profile"). */
  profile: Profile;
  /** Seeded per file, so adding a test to one file does not change the data another file sees. */
  faker: Faker;
  /** Unique to this run and file: scopes the data a test seeds, so it never collides with a live target's data. */
  runTag: string;
  /** The client credentials of the run, for the tests of the token endpoint itself; redacted from every report. */
  credentials: { clientId: string; clientSecret: string };
  /** False on a read-only run: every write throws WriteRefused and the test is skipped (`requireWrites`). */
  writesAllowed: boolean;
  /**
   * The per-request timeout. Also the shortest real-time wait a test may give the target for anything (an entry
   * to appear, a delivery to arrive): a shorter one would let a busy machine decide the verdict.
   */
  timeoutMs: number;
}

/** A wait for something the target does on its own: the profile's window, but never less than a request's timeout. */
export function waitBudgetMs(target: Pick<Target, 'timeoutMs'>, profileMs = 0): number {
  return Math.max(profileMs, target.timeoutMs);
}

/**
 * Whether the target says it owes nothing for what it has answered (its `idle` hook): a wait for a delivery or a
 * log entry may end at once. Always false on a target without the hook, which is then waited for to the budget.
 */
export function targetIdle(target: Pick<Target, 'hooks'>): () => Promise<boolean> {
  return async () => (await target.hooks.has('idle')) && (await target.hooks.idle());
}

/**
 * The wait for something the target sends on its own (a delivery, a back-channel notice), as the receiver takes it:
 * `budgetMs` (by default `waitBudgetMs`), ended early once the target's `idle` hook says nothing more is coming.
 */
export function targetWait(
  target: Pick<Target, 'hooks' | 'timeoutMs'>,
  budgetMs = waitBudgetMs(target),
): { timeoutMs: number; idle: () => Promise<boolean> } {
  return { timeoutMs: budgetMs, idle: targetIdle(target) };
}

/** Connects to the target the run was given; `close` stops the in-process mock, if one was started. */
export function connectTarget(file: string): Promise<{ target: Target; close: () => void }> {
  const context = inject('conformance');
  const own = context.files?.[file];
  if (!own) return build(context, file);
  const { suite, ...settings } = own;
  return build({ ...context, ...settings }, suite ?? file);
}

function hash(text: string): number {
  let h = 2166136261;
  for (const char of text) h = Math.imul(h ^ char.charCodeAt(0), 16777619) >>> 0;
  return h;
}

/** A run context without a traffic policy (vitest.config.ts) gets the safe default for its target. */
function defaultTraffic(target: TargetSpec): TrafficPolicy {
  const safetyTarget = target.kind === 'url' ? target : { kind: 'mock' as const };
  return { allowWrites: decideWrites(safetyTarget).allowed, maxRps: defaultMaxRps(safetyTarget) };
}

/** Marks the running test, so the harness reports it skipped whatever the test did with the refusal. */
function noteRefusedWrite(refused: WriteRefused): void {
  const task = TestRunner.getCurrentTest();
  if (task) task.meta.writesRefused = [...(task.meta.writesRefused ?? []), `${refused.method} ${refused.path}`];
}

/** Counts the request on the running test (requests made while no test runs, in a file's set-up, are not counted). */
function countRequest(problem?: Problem): void {
  const task = TestRunner.getCurrentTest();
  if (!task) return;
  task.meta.requests = (task.meta.requests ?? 0) + 1;
  if (problem && (task.meta.problems?.length ?? 0) < problemsKept) {
    task.meta.problems = [...(task.meta.problems ?? []), problem];
  }
}

async function build(context: RunContext, file: string): Promise<{ target: Target; close: () => void }> {
  const exchanges: Exchange[] = [];
  const record = (exchange: Exchange) => exchanges.push(exchange);
  const { target } = context;
  // Every transport of this file follows it, the browser steps' and the fixtures' included.
  const traffic = context.traffic ?? defaultTraffic(target);
  const health = new TargetHealth({ streakFile: traffic.streakFile, stopFile: traffic.stopFile });
  const fileSeed = (context.seed ^ hash(file)) >>> 0;
  const runTag = `conf${context.runId}${fileSeed.toString(36)}`;
  const { ledgerFile } = context;
  const ledgerRun =
    ledgerFile && target.kind === 'url' ? { runId: context.runId, runTag, baseUrl: target.baseUrl } : undefined;
  useTrafficControl(
    trafficControlFor(traffic, {
      onRefused: noteRefusedWrite,
      onAnswer: (answer) => {
        countRequest();
        health.answered();
        // Written before the caller sees the answer: a kill right after still leaves the create on record.
        const entry = ledgerRun && entryFor(answer, ledgerRun);
        if (ledgerFile && entry) appendEntry(ledgerFile, entry);
      },
      onProblem: (problem) => {
        countRequest(problem);
        health.failed(problem);
      },
    }),
  );

  let close = () => {};
  let baseUrl: string;
  let credentials: { clientId: string; clientSecret: string };
  if (target.kind === 'in-process-mock') {
    baseUrl = inProcessMockUrl;
    credentials = { clientId: 'skc_in_process_mock', clientSecret: `mock-${crypto.randomUUID()}` };
    const { interceptWithMock } = await import('./in-process-mock.js');
    close = interceptWithMock(inProcessMockUrl, {
      credentials,
      faults: target.faults,
      seed: context.seed,
      profile: context.profile,
    });
  } else {
    baseUrl = target.baseUrl;
    credentials = { clientId: target.clientId, clientSecret: target.clientSecret };
    if (target.ca) trustCertificateAuthority(new URL(baseUrl).origin, target.ca);
  }

  const timeoutMs = context.timeoutMs;
  const tokens = createTokenSession({ baseUrl, credentials, timeoutMs, clock: systemClock, record });
  const transport = createTransport({ timeoutMs, record });
  const connected: Target = {
    baseUrl,
    api: createApiClient({ baseUrl, timeoutMs, record, auth: { kind: 'client-credentials', session: tokens } }),
    anonymous: createApiClient({ baseUrl, timeoutMs, record, auth: { kind: 'none' } }),
    withBearer: (token) => createApiClient({ baseUrl, timeoutMs, record, auth: { kind: 'bearer', token } }),
    tokens,
    hooks: new ControlHooks(
      baseUrl,
      transport,
      () => tokens.token(),
      () => tokens.invalidate(),
    ),
    schemas: schemaRegistryFor(readSpecFile(context.specPath).document),
    exchanges,
    seed: context.seed,
    profile: context.profile,
    faker: seededFaker(fileSeed),
    runTag,
    credentials,
    writesAllowed: traffic.allowWrites,
    timeoutMs,
  };
  return { target: connected, close };
}

/** The target's now: its clock hook when advertised, else ours (a live target's clock is close enough to verify). */
export async function targetNow(target: Target): Promise<number> {
  return (await target.hooks.has('clock')) ? target.hooks.now() : Date.now();
}

/**
 * Skips the current test, reported as "precondition not met", unless the target is served over TLS (`https:`): the
 * rules about the transport itself (TOK-006) say nothing of a plain-http target, such as the mock on a loopback port.
 */
export function requireTls(target: Pick<Target, 'baseUrl'>, skip: (note?: string) => never): void {
  if (new URL(target.baseUrl).protocol === 'https:') return;
  const note = `precondition not met: the target is served over plain http (${target.baseUrl}); TOK-006 needs a target served over TLS (https://)`;
  const task = TestRunner.getCurrentTest();
  if (task) task.meta.precondition = note;
  skip(note);
}

/**
 * A GET of `path` in plain http to the target's own host and port, without credentials (nothing secret crosses the
 * network in clear), within the request timeout. Sent beside the run's transport, so it is not recorded among the
 * file's exchanges, nor counted as the target failing to answer: no answer is what a TLS-only target gives.
 */
export function probePlainHttp(target: Pick<Target, 'baseUrl' | 'timeoutMs'>, path: string): Promise<PlainHttpProbe> {
  const url = new URL(path, target.baseUrl);
  url.protocol = 'http:';
  // An https URL without a port is on 443: the plain request goes to that port, not to http's 80.
  if (url.port === '' && new URL(target.baseUrl).port === '') url.port = '443';
  const href = url.href;
  return new Promise((resolve) => {
    const outgoing = httpRequest(
      href,
      { method: 'GET', headers: { 'user-agent': userAgent }, timeout: target.timeoutMs, agent: false },
      (incoming) => {
        incoming.resume();
        const location = incoming.headers.location;
        resolve({ url: href, status: incoming.statusCode ?? 0, ...(location ? { location } : {}) });
      },
    );
    outgoing.once('timeout', () => outgoing.destroy(new Error(`no answer within ${target.timeoutMs} ms`)));
    outgoing.once('error', (error: NodeJS.ErrnoException) =>
      resolve({ url: href, noAnswer: error.code ? `${error.code} ${error.message}` : error.message }),
    );
    outgoing.end();
  });
}
