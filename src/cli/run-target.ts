// The target of a run: the embedded mock served on loopback, or a URL; the run's ID and tag; and, decided once here,
// whether the run must clean up after itself. `preflight` proves the target answers before anything else is sent.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { createTokenSession } from '../client/api.js';
import { TokenError } from '../client/oauth.js';
import { TransportError } from '../client/transport.js';
import { systemClock } from '../clock.js';
import { describeError, UserError } from '../errors.js';
import type { RunContext, TargetSpec } from '../harness/context.js';
import { newRunId } from '../harness/context.js';
import type { TlsUrlTarget } from '../harness/target.js';
import { makeTlsMaterial, type ServedMock, serveMock } from '../mock/http-server.js';
import { createMock } from '../mock/index.js';
import type { Redactor } from '../reporters/redact.js';
import { packageRoot, toolName } from '../version.js';
import type { RunSettings } from './run-settings.js';

export interface RunTarget {
  /** How the console and the report name the target. */
  label: string;
  /** Where the suites send their requests, and with which credentials (the embedded mock's are fresh). */
  connection: Extract<TargetSpec, { kind: 'url' }>;
  runId: string;
  /** The tag every name, email and identifier the suites create carries (`conf<runId>…`). */
  tag: string;
  /**
   * Whether the run removes what it created and puts back the settings it changed: only on a URL target it may
   * write to, since the embedded mock is thrown away after the run and a read-only run changes nothing.
   */
  sweepable: boolean;
  /** What to run later when the run's own sweep could not finish. */
  sweepLater: string;
  /**
   * The embedded mock only: serves it over TLS too, when `files` (the selected suite files, all when undefined) hold
   * one of `tlsSuiteFiles`, and answers those files' targets (RunContext.files); undefined when none is selected.
   */
  tlsSide?(files: readonly string[] | undefined): Promise<{ files: RunContext['files']; url: string } | undefined>;
  /** Stops the embedded mock; nothing for a URL target. */
  close(): Promise<void>;
}

/**
 * The suite files about the transport itself (TOK-006), which need a target served over TLS: `run` and `mutation`
 * serve the embedded mock to them on a TLS port of its own, with a CA made for the run and trusted by the run's
 * workers for that origin only. Every other file keeps the cleartext port (replay lines work as they are, and no
 * run pays for TLS it does not use). Relative to the package.
 */
export const tlsSuiteFiles: readonly string[] = ['suites/platform/https.test.ts'];

/** Whether a selection of suite files (all when undefined) holds one that needs TLS. */
export function needsTls(files: readonly string[] | undefined): boolean {
  if (files === undefined) return true;
  const selected = new Set(files.map((file) => resolve(packageRoot, file)));
  return tlsSuiteFiles.some((file) => selected.has(resolve(packageRoot, file)));
}

/** The CA and certificate a process's TLS mocks share: made once, on first use, never written anywhere. */
let tlsMaterial: Promise<{ ca: string; cert: string; key: string }> | undefined;
export const runTlsMaterial = () => {
  tlsMaterial ??= makeTlsMaterial();
  return tlsMaterial;
};

type MockTarget = Extract<RunSettings['target'], { kind: 'mock' }>;

/** The run's target, ready for the preflight: the embedded mock served (its secret redacted), or the URL as given. */
export async function openTarget(settings: RunSettings, redactor: Redactor): Promise<RunTarget> {
  const { label, connection, close, tlsSide } =
    settings.target.kind === 'mock'
      ? await serveEmbeddedMock(settings, settings.target, redactor)
      : {
          label: settings.target.baseUrl,
          connection: urlConnection(settings.target),
          close: async () => {},
          tlsSide: undefined,
        };
  const runId = newRunId();
  const tag = `conf${runId}`;
  return {
    label,
    connection,
    runId,
    tag,
    sweepable: settings.target.kind === 'url' && settings.writes.allowed,
    sweepLater: `run \`${toolName} sweep --target ${connection.baseUrl} --tag ${tag}\``,
    ...(tlsSide ? { tlsSide } : {}),
    close,
  };
}

function urlConnection({ baseUrl, clientId, clientSecret }: RunTarget['connection']): RunTarget['connection'] {
  return { kind: 'url', baseUrl, clientId, clientSecret };
}

// The embedded mock is served on loopback, so a default run takes the same socket path as a live target.
async function serveEmbeddedMock(settings: RunSettings, { faults, withoutHooks }: MockTarget, redactor: Redactor) {
  const credentials = { clientId: 'skc_embedded_mock', clientSecret: `mock-${randomUUID()}` };
  redactor.addSecret(credentials.clientSecret);
  // The mock follows the run's profile too, so a config that decides an open point differently still passes.
  const mock = createMock({
    clock: systemClock,
    credentials,
    faults,
    seed: settings.seed,
    profile: settings.profile,
    ...(withoutHooks ? { disabledHooks: withoutHooks } : {}),
  });
  const served = await serveMock(mock);
  let overTls: ServedMock | undefined;
  // The same mock (one state) on a second port, over TLS, for the files that need it.
  const tlsSide = async (files: readonly string[] | undefined) => {
    if (!needsTls(files)) return undefined;
    const { ca, cert, key } = await runTlsMaterial();
    overTls ??= await serveMock(mock, 0, {
      tls: { key, cert, ...(faults.includes('tls.plain-http-served') ? { plainHttpToo: true } : {}) },
    });
    const target: TlsUrlTarget = { kind: 'url', baseUrl: overTls.url, ...credentials, ca };
    return {
      url: overTls.url,
      files: Object.fromEntries(
        tlsSuiteFiles.map((file) => [resolve(packageRoot, file), { target, profile: settings.profile }]),
      ),
    };
  };
  const faultNote =
    (faults.length > 0 ? ` with fault(s) ${faults.join(', ')}` : '') +
    (withoutHooks ? ` without hook(s) ${withoutHooks.join(', ')}` : '');
  return {
    label: `embedded mock (${served.url})${faultNote}`,
    connection: { kind: 'url' as const, baseUrl: served.url, ...credentials },
    tlsSide,
    close: async () => {
      await Promise.all([served.close(), overTls?.close()]);
    },
  };
}

/** How often a target that does not answer yet is asked again (`--wait-for-target`). */
const waitPollMs = 500;

/**
 * Checks that a URL target answers and accepts the credentials; every problem becomes a one-line UserError. With
 * `wait.seconds`, a target that gives no answer at all (refused, timed out: one still starting) is asked again
 * until it answers or the time is up; any answer, a refusal of the credentials included, decides at once.
 */
export async function preflight(
  baseUrl: string,
  credentials: { clientId: string; clientSecret: string },
  timeoutMs: number,
  wait: { seconds: number; signal?: AbortSignal; out?: (line: string) => void } = { seconds: 0 },
): Promise<void> {
  const deadline = systemClock.now() + wait.seconds * 1000;
  for (let said = false; ; said = true) {
    try {
      await createTokenSession({ baseUrl, credentials, timeoutMs, clock: systemClock }).token();
      return;
    } catch (error) {
      const unanswered = error instanceof TokenError && error.kind === 'unreachable';
      if (!unanswered || wait.signal?.aborted || systemClock.now() + waitPollMs > deadline) {
        throw preflightError(baseUrl, error);
      }
      if (!said) wait.out?.(`waiting up to ${wait.seconds} s for ${baseUrl} to answer…`);
      await pause(waitPollMs, undefined, wait.signal ? { signal: wait.signal } : {}).catch(() => {});
    }
  }
}

/** What a failed token request says about the target, as a one-line UserError (anything else as it is). */
function preflightError(baseUrl: string, error: unknown): unknown {
  if (error instanceof TokenError && error.kind === 'unreachable') {
    return new UserError(
      `cannot reach the target ${baseUrl}: ${error.cause instanceof TransportError ? error.cause.reason : describeError(error.cause)}`,
      'Check --target and that the server is running and reachable (--wait-for-target S waits for one starting)',
    );
  }
  if (error instanceof TokenError && error.kind === 'rejected') {
    return new UserError(
      `authentication failed: ${error.message}`,
      'Check SCALEKIT_CLIENT_ID and SCALEKIT_CLIENT_SECRET (or --client-id/--client-secret) for this environment',
    );
  }
  if (error instanceof TokenError) {
    return new UserError(
      `the target's token endpoint misbehaved: ${error.message}`,
      'Check that --target is a Scalekit environment URL',
    );
  }
  return error;
}
