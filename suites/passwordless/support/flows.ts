// Steps shared by the passwordless suites: sending, resending and verifying, reading codes and links from the
// `email` hook's outbox, the target's passwordless settings through the `passwordless` hook (an extension of the
// contract, put back after each test) and the target's now. They drive the target; src/checks/passwordless.ts
// decides.
//
// Every test mails its own addresses (tagged with target.runTag), so the per-address rate limit and the outbox of
// one test never meet another's.
import type { paths } from '../../../generated/openapi.js';
import { undeclaredStatus } from '../../../src/checks/drift.js';
import type { Failure } from '../../../src/checks/failure.js';
import { checkStatus } from '../../../src/checks/http.js';
import {
  type PasswordlessOperation,
  type PasswordlessRefusalRule,
  passwordlessOperations,
  readSendAnswer,
  refusedWithStatus,
  type SendAnswer,
  type SendAnswerRule,
} from '../../../src/checks/passwordless.js';
import type { OutboxMessage, PasswordlessSettings } from '../../../src/client/control-hooks.js';
import type { Exchange } from '../../../src/client/transport.js';
import { assertConforms, exchangeOf, noteDrift, requireHook, type Target } from '../../../src/harness/index.js';

export const operations = passwordlessOperations;
const sendPath = operations.send.path;
const resendPath = operations.resend.path;
const verifyPath = operations.verify.path;
export type SendBody = paths[typeof sendPath]['post']['requestBody']['content']['application/json'];
type VerifyBody = paths[typeof verifyPath]['post']['requestBody']['content']['application/json'];

// --- requests ------------------------------------------------------------------------------------------------

/** An address only this test (and this attempt of it) mails. */
export const addressFor = (target: Target, label: string) => `${target.runTag}.${label}@example.test`;

/** Where emailed magic links point: a page of the app, unique to the run. */
export const magicLinkUriFor = (target: Target) => `https://app.example.test/passwordless/verify/${target.runTag}`;

export function sendEmail(target: Target, body: SendBody) {
  return exchangeOf(target, () => target.api.POST(sendPath, { body }));
}

export function resendEmail(target: Target, authRequestId: string) {
  return exchangeOf(target, () => target.api.POST(resendPath, { body: { auth_request_id: authRequestId } }));
}

export function verifyEmail(target: Target, body: VerifyBody) {
  return exchangeOf(target, () => target.api.POST(verifyPath, { body }));
}

/** The newest email the target says it sent to `to`. */
export async function latestEmail(target: Target, to: string): Promise<OutboxMessage | undefined> {
  return (await target.hooks.outbox(to)).at(-1);
}

/** The code an email carries: the outbox's `otp`, or the first run of 6 digits in its text. */
export const codeIn = (message: OutboxMessage | undefined) =>
  message?.otp ?? /\b(\d{6})\b/.exec(message?.text ?? '')?.[1];

/** The link_token query parameter of an emailed magic link. */
export const linkTokenIn = (message: OutboxMessage | undefined) => {
  const query = message?.link?.split('?')[1]?.split('#')[0];
  return query === undefined ? undefined : (new URLSearchParams(query).get('link_token') ?? undefined);
};

/** A code of the same length that is certainly wrong: every digit moved by one. */
export const wrongCode = (code: string) => code.replace(/\d/g, (d) => String((Number(d) + 1) % 10));

/**
 * Runs `body` with the target's passwordless settings changed where it has the `passwordless` hook, and restored
 * afterwards; without the hook, `body` runs on the settings the target has and its own checks decide.
 */
export async function withSettings<T>(
  target: Target,
  settings: Partial<PasswordlessSettings>,
  body: () => Promise<T>,
): Promise<T> {
  if (!(await target.hooks.has('passwordless'))) return body();
  return target.hooks.withPasswordlessSettings(settings, body);
}

/**
 * The target's now in milliseconds: the clock hook when advertised, else the response's Date header (whole
 * seconds), else undefined.
 */
export async function targetNow(target: Target, exchange?: Exchange): Promise<number | undefined> {
  if (await target.hooks.has('clock')) return target.hooks.now();
  const date = exchange?.responseHeaders.date;
  const parsed = date === undefined ? Number.NaN : Date.parse(date);
  return Number.isFinite(parsed) ? parsed : undefined;
}

// --- reading answers -----------------------------------------------------------------------------------------

/** `readSendAnswer` with the target's schemas and the profile's int64 encoding. */
export function sendAnswerOf(
  target: Target,
  rule: SendAnswerRule,
  exchange: Exchange,
  operation: typeof operations.send | typeof operations.resend,
) {
  return readSendAnswer(rule, exchange, target.schemas, operation, target.profile.schema.int64Encoding);
}

/** Sends and reads the answer; a send the test relies on that is not a 200 send response fails the test. */
export async function sendOk(target: Target, rule: SendAnswerRule, body: SendBody): Promise<SendAnswer> {
  const { exchange } = await sendEmail(target, body);
  const read = sendAnswerOf(target, rule, exchange, operations.send);
  assertConforms(read.problem);
  return read.answer as SendAnswer;
}

/**
 * `refusedWithStatus`, and when the refusal conforms, a status the spec does not declare for the operation is
 * recorded as drift (PWL-017, C-18).
 */
export function refused(
  target: Target,
  rule: PasswordlessRefusalRule,
  exchange: Exchange,
  status: number,
  operation: PasswordlessOperation,
  context?: string,
): Failure | undefined {
  const problem = refusedWithStatus(rule, exchange, status, context);
  if (!problem) noteDrift(undeclaredStatus(rule, exchange, target.schemas, operation));
  return problem;
}

/**
 * Runs an attempt that needs the target's clock (or, without the clock hook, real time) to stand nearly still for
 * `windowMs`: a slow machine, or a shared live target whose clock something else moves, can let a whole window
 * pass. An attempt during which it did proves nothing and runs again with fresh addresses, at most three times;
 * the last attempt's failure, if any, fails the test.
 */
export async function withSteadyClock(
  target: Target,
  windowMs: number,
  attempt: (label: string) => Promise<Failure | undefined>,
): Promise<void> {
  const clocked = await target.hooks.has('clock');
  let last: Failure | undefined;
  for (let round = 0; round < 3; round += 1) {
    const before = clocked ? await target.hooks.now() : Date.now();
    last = await attempt(`r${round}`);
    const after = clocked ? await target.hooks.now() : Date.now();
    if (!last || after - before < windowMs) break;
  }
  assertConforms(last);
}

// --- whole flows ---------------------------------------------------------------------------------------------

/**
 * Sends with a state, reads the code from the outbox and verifies it (a 200 or the test fails on `rule`); skips
 * without the `email` hook or a code in the email. The template is SIGNIN: the email-template suites save custom
 * SIGNUP templates, and one left on a shared target must not change what is sent here.
 */
export async function verifiedFlow(
  target: Target,
  rule: 'PWL-008' | 'PWL-013',
  label: string,
  skip: (note?: string) => never,
) {
  await requireHook(target, 'email', skip);
  const email = addressFor(target, label);
  const state = `st-${target.runTag}-${label} ü+/=&?#`;
  const sent = await sendOk(target, rule, { email, state, template: 'SIGNIN', expires_in: 3600 });
  const code = codeIn(await latestEmail(target, email));
  if (code === undefined) return skip('precondition not met: the email carries no verification code');
  const verified = await verifyEmail(target, { auth_request_id: sent.authRequestId, code });
  assertConforms(checkStatus(rule, verified.exchange, 200));
  return { email, state, sent, exchange: verified.exchange };
}

/**
 * Sends with a magic link under `settings` (already applied) and returns what a link verification needs; skips
 * without the `email` and `passwordless` hooks or a link_token in the email.
 */
export async function magicLinkSent(
  target: Target,
  rule: 'PWL-012' | 'PWL-015',
  label: string,
  settings: Partial<PasswordlessSettings>,
  skip: (note?: string) => never,
) {
  await requireHook(target, 'email', skip);
  await requireHook(target, 'passwordless', skip);
  const email = addressFor(target, label);
  const sent = await sendOk(target, rule, { email, magiclink_auth_uri: magicLinkUriFor(target), expires_in: 3600 });
  const linkToken = linkTokenIn(await latestEmail(target, email));
  if (linkToken === undefined) {
    return skip(`precondition not met: no link_token in the email (settings ${JSON.stringify(settings)})`);
  }
  return { sent, linkToken };
}
