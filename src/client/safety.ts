// What keeps a run polite on a live target: a write guard (read-only unless writes were allowed), a rate limit,
// Retry-After parsing for 429 answers, and a stop switch for an interrupted run. The transport applies them to
// every request; the settings decide them once per run.
import { existsSync } from 'node:fs';
import { type Clock, systemClock } from '../clock.js';
import type { Problem } from './problems.js';

/** The one note of a test skipped because it needed a write the run may not send. */
export const writesDisabledNote = 'precondition not met: writes are disabled for this target (pass --allow-writes)';

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A method that can change the target's state. */
export function isWrite(method: string): boolean {
  return writeMethods.has(method.toUpperCase());
}

/** POST /oauth/token asks for a token: authentication, not a write, so a read-only run can still sign in. */
export function isTokenRequest(method: string, url: string): boolean {
  return method.toUpperCase() === 'POST' && new URL(url).pathname === '/oauth/token';
}

const refusalText = 'was not sent: writes are disabled for this target';
const interruptText = 'was not sent: the run was interrupted';

/** Thrown instead of sending a write the run may not send; the harness turns it into a skipped test. */
export class WriteRefused extends Error {
  readonly method: string;
  /** Path and query only: the host is the run's target. */
  readonly path: string;
  constructor(method: string, url: string) {
    const { pathname, search } = new URL(url);
    super(`${method} ${pathname}${search} ${refusalText} (pass --allow-writes)`);
    this.name = 'WriteRefused';
    this.method = method.toUpperCase();
    this.path = `${pathname}${search}`;
  }
}

type ErrorLike = { name?: unknown; message?: unknown; cause?: unknown };

/** Whether an error or one of its causes (serialised errors keep them) is `name` or carries its text. */
function chainHas(error: unknown, name: string, text: string): boolean {
  let current = error as ErrorLike | undefined;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    if (current.name === name || (typeof current.message === 'string' && current.message.includes(text))) return true;
    current = current.cause as ErrorLike | undefined;
  }
  return false;
}

/** A refused write, also one a shared helper rethrew, wrapped as a cause, or copied into its own message. */
export const isWriteRefusal = (error: unknown): boolean => chainHas(error, 'WriteRefused', refusalText);

/** A request stopped by the interrupt, however it was wrapped (a token request's TokenError, a property's). */
export const isRunInterruption = (error: unknown): boolean => chainHas(error, 'RunInterrupted', interruptText);

/** The note of a test cut short because the run was interrupted. */
export const interruptedNote = 'not finished: the run was interrupted';

/** Thrown instead of sending anything once the run was interrupted, so the suites wind down before the sweep. */
export class RunInterrupted extends Error {
  constructor(method: string, url: string) {
    super(`${method} ${new URL(url).pathname} ${interruptText}`);
    this.name = 'RunInterrupted';
  }
}

/** The loopback names the brief allows writes to without asking; no other address counts. */
export function isLoopbackHost(hostname: string): boolean {
  return ['localhost', '127.0.0.1', '[::1]', '::1'].includes(hostname.toLowerCase());
}

export interface WriteDecision {
  allowed: boolean;
  /** Why, for the run's header and `--plan`. */
  reason: string;
}

export interface WriteOptions {
  /** `--read-only`: refuse writes even where they would be allowed. */
  readOnly?: boolean | undefined;
  /** Where an explicit opt-in came from (`--allow-writes`, or the config file's allowWrites), if any. */
  optIn?: string | undefined;
  /** Hosts (name, or name:port) the config file allows writes to. */
  writeAllowlist?: readonly string[] | undefined;
}

export type SafetyTarget = { kind: 'mock' } | { kind: 'url'; baseUrl: string };

/** Whether a run may write to its target: the embedded mock and loopback hosts yes, anything else on opt-in only. */
export function decideWrites(target: SafetyTarget, options: WriteOptions = {}): WriteDecision {
  if (options.readOnly) return { allowed: false, reason: '--read-only' };
  if (target.kind === 'mock') return { allowed: true, reason: 'the embedded mock' };
  const url = new URL(target.baseUrl);
  if (isLoopbackHost(url.hostname)) return { allowed: true, reason: `loopback host ${url.hostname}` };
  if (options.optIn) return { allowed: true, reason: options.optIn };
  const listed = (options.writeAllowlist ?? []).some((entry) => {
    const host = entry.trim().toLowerCase();
    return host === url.hostname || host === url.host;
  });
  if (listed) return { allowed: true, reason: `${url.host} is on the config's writeAllowlist` };
  return {
    allowed: false,
    reason: `${url.hostname} is not a loopback host; pass --allow-writes to let the run create and delete data there`,
  };
}

/** Requests per second when none is set: none for the mock and loopback, a gentle pace for anything else. */
export function defaultMaxRps(target: SafetyTarget): number | undefined {
  if (target.kind === 'mock' || isLoopbackHost(new URL(target.baseUrl).hostname)) return undefined;
  return 20;
}

/** Waits on a timer (never a busy loop); an aborted signal ends the wait with its reason. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A token bucket: `perSecond` tokens a second, at most `burst` saved up. A caller that finds it empty takes a
 * token on credit and waits until its token would have arrived, so concurrent callers queue in call order.
 */
export class TokenBucket {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #updatedAt: number;

  constructor(perSecond: number, options: { burst?: number; clock?: Clock } = {}) {
    if (!(perSecond > 0) || !Number.isFinite(perSecond)) throw new RangeError(`rate must be positive: ${perSecond}`);
    this.#perMs = perSecond / 1000;
    this.#burst = Math.max(1, options.burst ?? 1);
    this.#clock = options.clock ?? systemClock;
    this.#tokens = this.#burst;
    this.#updatedAt = this.#clock.now();
  }

  /** Takes one token and returns how many milliseconds the caller must wait for it (0: go now). */
  reserve(): number {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#updatedAt) * this.#perMs);
    this.#updatedAt = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil(-this.#tokens / this.#perMs);
  }

  async take(signal?: AbortSignal): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await sleep(wait, signal);
  }
}

/** The longest Retry-After the transport waits out; a longer one is handed back as the 429 it came with. */
export const maxRetryAfterMs = 30_000;

/**
 * Retry-After (RFC 9110 §10.2.3) in milliseconds from `now`: delay-seconds or an HTTP-date (all three forms start
 * with a day name). Undefined when absent or unreadable, so the 429 is returned as it is.
 */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  const text = value?.trim() ?? '';
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/^[A-Za-z]{3,9},? /.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** How a transport treats requests: what it refuses, how fast it sends, whether it sends at all. */
export interface TrafficControl {
  /** False: POST, PUT, PATCH and DELETE (bar POST /oauth/token) throw WriteRefused and are never sent. */
  allowWrites: boolean;
  /** Shared by every transport under this control, so the rate holds for the run, not per client. */
  limiter?: TokenBucket | undefined;
  /** True once the run was interrupted: from then on nothing is sent. */
  stopped?: (() => boolean) | undefined;
  /** Told about each refused write before it is thrown (the harness marks the current test). */
  onRefused?: ((refused: WriteRefused) => void) | undefined;
  /**
   * Told about each request that got an HTTP answer (the harness counts requests, resets the error streak and
   * notes creates in the run's ledger); `body` decodes the response body on demand.
   */
  onAnswer?: ((answer: { method: string; url: string; status: number; body: () => string }) => void) | undefined;
  /** Told about each request that got no usable answer (the harness marks the test errored and counts the streak). */
  onProblem?: ((problem: Problem) => void) | undefined;
  /** The longest response body a transport under this control reads (`--max-body-bytes`). */
  maxBodyBytes?: number | undefined;
}

/** The same, as plain data: what the CLI hands the suite workers inside the run context. */
export interface TrafficPolicy {
  allowWrites: boolean;
  maxRps?: number | undefined;
  /**
   * A file whose existence means "the run was interrupted" (the workers are other processes); the workers write it
   * themselves, with a StopReason, when the target stopped answering.
   */
  stopFile?: string | undefined;
  /** Where the workers keep the run's count of requests without an answer in a row (see TargetHealth). */
  streakFile?: string | undefined;
  /** `--max-body-bytes`: a longer response body is no usable answer. */
  maxBodyBytes?: number | undefined;
}

export function trafficControlFor(
  policy: TrafficPolicy,
  listeners: Pick<TrafficControl, 'onRefused' | 'onAnswer' | 'onProblem'> = {},
  clock: Clock = systemClock,
): TrafficControl {
  const { stopFile } = policy;
  return {
    allowWrites: policy.allowWrites,
    limiter: policy.maxRps ? new TokenBucket(policy.maxRps, { clock }) : undefined,
    stopped: stopFile ? () => existsSync(stopFile) : undefined,
    maxBodyBytes: policy.maxBodyBytes,
    ...listeners,
  };
}

/** Throws instead of letting the request out when the control forbids it. */
export function screenRequest(control: TrafficControl, method: string, url: string): void {
  if (control.stopped?.()) throw new RunInterrupted(method, url);
  if (control.allowWrites || !isWrite(method) || isTokenRequest(method, url)) return;
  const refused = new WriteRefused(method, url);
  control.onRefused?.(refused);
  throw refused;
}

// Transports made without their own control (the suites' browser steps, fixtures' helpers) follow the process's:
// the target fixture sets it for each suite file, the CLI for its own requests. Until then nothing is held back.
let processTraffic: TrafficControl = { allowWrites: true };

export function useTrafficControl(control: TrafficControl): void {
  processTraffic = control;
}

export function currentTrafficControl(): TrafficControl {
  return processTraffic;
}
