// What went wrong when a test got no usable answer: the transport's refused, reset, timed-out or oversized
// exchanges, and control hooks that failed. Such a test is *errored*, not failed: an outage or a broken test hook
// says nothing about whether the target follows a rule. And when the target stops answering for good, the run
// stops early instead of reporting every remaining test the same way.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** A request that got no usable HTTP answer, or a control hook that failed: why, and which request or hook. */
export interface Problem {
  kind: 'transport' | 'hook';
  /** One line: `connection refused (ECONNREFUSED)`, `did not answer within 10000 ms`, `answered 500: ...`. */
  cause: string;
  /** `METHOD URL` of the request (a transport problem). */
  request?: string;
  /** The control hook's name (`clock`, `redirects`, ...), for a hook's problem or a hook request's. */
  hook?: string;
}

/** The control hook a request went to, from its path (`/_conformance/v1/clock/advance` → `clock`). */
export function hookOf(url: string): string | undefined {
  const match = /\/_conformance\/v1\/?([^/?]*)/.exec(new URL(url).pathname);
  return match ? match[1] || 'discover' : undefined;
}

/** A transport problem for one request, naming its hook when the request went to one. */
export function transportProblem(method: string, url: string, cause: string): Problem {
  const hook = hookOf(url);
  return { kind: 'transport', cause, request: `${method} ${url}`, ...(hook ? { hook } : {}) };
}

/** One line: `POST http://…/clock/advance (control hook clock): did not answer within 10000 ms`. */
export function describeProblem(problem: Problem): string {
  if (problem.kind === 'hook' || !problem.request) return problem.cause;
  const hook = problem.hook ? ` (control hook ${problem.hook})` : '';
  return `${problem.request}${hook}: ${problem.cause}`;
}

type ErrorLike = { name?: unknown; message?: unknown; cause?: unknown };

/** Whether an error or one of its causes (serialised errors keep them) has one of `names` or carries `text`. */
export function errorChainHas(error: unknown, names: readonly string[], text: string): boolean {
  let current = error as ErrorLike | undefined;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    if (names.includes(String(current.name))) return true;
    if (typeof current.message === 'string' && current.message.includes(text)) return true;
    current = current.cause as ErrorLike | undefined;
  }
  return false;
}

/**
 * A request that got no usable answer, however it reached the test: thrown by the transport, wrapped in a
 * TokenError, or rethrown from a promise several tests share (the first test got the problem recorded, the others
 * only the error). Text counts, since a property's or a serialised error may keep nothing else.
 */
export function isTransportFailure(error: unknown): boolean {
  return (
    errorChainHas(error, ['TransportError', 'TransportTimeoutError'], ' got no usable answer: ') ||
    errorChainHas(error, [], ' did not answer within ')
  );
}

/** The text every ControlHookError's message starts with, so a wrapped or serialised one is still recognised. */
export const hookFailureText = 'control hook ';

/** A control hook that answered something other than its contract (a 500, a body that is not JSON). */
export function isHookFailure(error: unknown): boolean {
  return errorChainHas(error, ['ControlHookError'], hookFailureText);
}

/** The hook a ControlHookError names (`control hook clock answered 500: ...` → `clock`). */
export function hookOfFailure(error: unknown): string | undefined {
  let current = error as ErrorLike | undefined;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    const match = typeof current.message === 'string' ? /control hook (\S+) /.exec(current.message) : null;
    if (match) return match[1];
    current = current.cause as ErrorLike | undefined;
  }
  return undefined;
}

/**
 * How many requests in a row may get no usable answer before the run decides the target stopped answering: few
 * enough that a dead target ends the run within a minute at the default 10 s timeout, more than one test's worth
 * of deliberate timeouts.
 */
export const stoppedAnsweringThreshold = 5;

/** Why the run was stopped, written into the run's stop file (its existence alone means "interrupted"). */
export interface StopReason {
  reason: 'target-stopped-answering';
  cause: string;
  request?: string;
  /** ISO time of the last request without an answer. */
  at: string;
}

/** The target-down reason in a stop file, or undefined when the file is absent or holds a signal name. */
export function readStopReason(stopFile: string | undefined): StopReason | undefined {
  if (!stopFile || !existsSync(stopFile)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(stopFile, 'utf8')) as Partial<StopReason>;
    return parsed.reason === 'target-stopped-answering' ? (parsed as StopReason) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Counts requests without an answer in a row, across the suite files of a run: the streak lives in a small file,
 * since each file runs in a fresh worker. It is written only when it changes (an error, or the first answer after
 * errors), so a healthy run never touches it. At the threshold, the stop file is written with the cause, and the
 * transports stop sending (as after an interrupt).
 */
export class TargetHealth {
  readonly #streakFile: string | undefined;
  readonly #stopFile: string | undefined;
  readonly #threshold: number;
  readonly #now: () => number;
  #streak: number;

  constructor(
    options: {
      streakFile?: string | undefined;
      stopFile?: string | undefined;
      threshold?: number;
      now?: () => number;
    } = {},
  ) {
    this.#streakFile = options.streakFile;
    this.#stopFile = options.stopFile;
    this.#threshold = options.threshold ?? stoppedAnsweringThreshold;
    this.#now = options.now ?? Date.now;
    this.#streak = this.#read();
  }

  get streak(): number {
    return this.#streak;
  }

  answered(): void {
    if (this.#streak === 0) return;
    this.#streak = 0;
    this.#write();
  }

  failed(problem: Problem): void {
    this.#streak += 1;
    this.#write();
    if (this.#streak < this.#threshold || !this.#stopFile || existsSync(this.#stopFile)) return;
    const reason: StopReason = {
      reason: 'target-stopped-answering',
      cause: problem.cause,
      ...(problem.request ? { request: problem.request } : {}),
      at: new Date(this.#now()).toISOString(),
    };
    writeFileSync(this.#stopFile, JSON.stringify(reason));
  }

  #read(): number {
    if (!this.#streakFile || !existsSync(this.#streakFile)) return 0;
    const value = Number(readFileSync(this.#streakFile, 'utf8'));
    return Number.isInteger(value) && value > 0 ? value : 0;
  }

  #write(): void {
    if (this.#streakFile) writeFileSync(this.#streakFile, String(this.#streak));
  }
}
