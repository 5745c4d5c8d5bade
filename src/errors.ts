import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
// Exit codes are part of the CLI contract (README "Exit codes"); keep this table and the docs in step.
export const ExitCode = {
  /** Every MUST rule that ran passed. */
  ok: 0,
  /** At least one MUST rule failed. */
  conformanceFailure: 1,
  /** Bad flag, bad URL, missing credentials, unreachable target, unusable spec. */
  usage: 2,
  /** A bug in scalekit-conformance itself (a suite that crashed while loading, an unexpected exception). */
  internal: 3,
  /**
   * No MUST rule failed, but part of the run has no verdict: a request got no usable answer (refused, reset, timed
   * out, too long) or a control hook failed; also when the run stopped because the target stopped answering.
   */
  errored: 4,
  /** Stopped by SIGINT or SIGTERM (128 + SIGINT, as a shell reports it), after cleaning up what the run created. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A problem the user can fix. `message` is one line naming the problem; `fix` says what to do. The CLI prints
 * both on one line and exits with `exitCode`; it never prints a stack trace for these.
 */
export class UserError extends Error {
  readonly fix: string;
  readonly exitCode: ExitCode;
  constructor(message: string, fix: string, exitCode: ExitCode = ExitCode.usage) {
    super(message);
    this.name = 'UserError';
    this.fix = fix;
    this.exitCode = exitCode;
  }
  /** The single line the CLI prints. */
  get line(): string {
    return `scalekit-conformance: ${this.message}. ${this.fix}`;
  }
}

/** A short description of any thrown value, for one-line messages (no stack). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const code = cause && typeof cause === 'object' && 'code' in cause ? String((cause as { code: unknown }).code) : '';
    const causeMessage = cause instanceof Error ? cause.message : '';
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
    // undici refuses ports on the fetch spec's blocked list (9, 25, 6000, ...) before connecting.
    if (causeMessage === 'bad port') return 'the port is on the fetch blocked-port list, so no request was sent';
    if (code)
      return `${error.message} (${code}${causeMessage && !causeMessage.includes(code) ? `: ${causeMessage}` : ''})`;
    return causeMessage ? `${error.message} (${causeMessage})` : error.message;
  }
  return String(error);
}

/**
 * One entry of a file a user writes (expectations, accepted changes), as a mapping with only the allowed keys; a
 * one-line UserError naming the entry otherwise. `what` says what the mapping holds ("match, outcome and reason").
 */
export function entryFields(
  raw: unknown,
  where: string,
  allowed: readonly string[],
  what: string,
  fix: string,
): Record<string, unknown> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new UserError(`${where} is not a mapping of ${what}`, fix);
  const fields = raw as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new UserError(`${where} has unknown key(s) ${unknown.join(', ')}`, `Allowed keys: ${allowed.join(', ')}`);
  }
  return fields;
}

/** A YAML (or JSON, its subset) file a user writes, parsed; a one-line UserError naming the file when it is not. */
export function parseUserYaml(text: string, file: string, fix: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    const json = extname(file).toLowerCase() === '.json';
    const firstLine = describeError(error).split('\n')[0]?.replace(/:$/, '');
    throw new UserError(`${file} is not valid ${json ? 'JSON' : 'YAML'} (${firstLine})`, fix);
  }
}
