import { type OutboxMessage, type PasswordlessType, passwordlessTypes } from '../client/control-hooks.js';
import type { Exchange } from '../client/transport.js';
import { redactShapes } from '../reporters/redact.js';
import type { SchemaRegistry, SchemaViolation } from '../spec/schemas.js';
import { type Failure, failure } from './failure.js';
import { bodyPreview, checkStatus, parseJsonBody } from './http.js';

// Checks on the passwordless Headless API (PWL-001..PWL-017): the send and resend answers and the expiry they
// promise, the email each method sends, the verify answer, the refusals and their bodies. Pure functions over
// recorded exchanges and outbox messages: the suites drive the target, these judge. Each check's rule parameter
// lists the rules it may decide, so a rule ID leads here through the types.

/** The three operations, as the spec names them; the suites send through these paths. */
export const passwordlessOperations = {
  send: { path: '/api/v1/passwordless/email/send', method: 'post' },
  resend: { path: '/api/v1/passwordless/email/resend', method: 'post' },
  verify: { path: '/api/v1/passwordless/email/verify', method: 'post' },
} as const;
export type PasswordlessOperation = (typeof passwordlessOperations)[keyof typeof passwordlessOperations];

/** Whole-second timestamps and a request's own latency: expires_at may be off by this much either way. */
export const expiryToleranceMs = 2_000;

const violationLines = (violations: readonly SchemaViolation[]) =>
  violations.slice(0, 10).map((v) => `${v.at || '(root)'} ${v.message}`);

// --- the send and resend answers -------------------------------------------------------------------------------

/** How the profile lets int64 fields be written (G-21, G-24); the profile's `schema.int64Encoding`. */
export type Int64Encoding = 'number-or-string' | 'as-declared';

/** An int64 field as a number, in the encodings the profile accepts; undefined otherwise. */
function int64(value: unknown, declared: 'string' | 'integer', encoding: Int64Encoding): number | undefined {
  const lenient = encoding === 'number-or-string';
  if (typeof value === 'number' && Number.isSafeInteger(value) && (lenient || declared === 'integer')) return value;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value) && (lenient || declared === 'string')) {
    return Number(value);
  }
  return undefined;
}

export interface SendAnswer {
  authRequestId: string;
  /** Unix seconds. */
  expiresAt: number;
  expiresIn: number;
  type: PasswordlessType;
}

/**
 * PWL-001, PWL-006 and PWL-009 judge the send answer themselves; every other rule's test needs one to reach the
 * step it judges (the email, the verify, the limit), so an answer that is not one fails them too.
 */
export type SendAnswerRule =
  | 'PWL-001'
  | 'PWL-002'
  | 'PWL-004'
  | 'PWL-005'
  | 'PWL-006'
  | 'PWL-007'
  | 'PWL-008'
  | 'PWL-009'
  | 'PWL-010'
  | 'PWL-011'
  | 'PWL-012'
  | 'PWL-013'
  | 'PWL-014'
  | 'PWL-015'
  | 'PWL-017';

/**
 * A 200 in the send response shape (PWL-006): valid against the spec's schema (int64 fields normalised as the
 * profile allows) and carrying all four fields. Resend answers the same shape (PWL-009).
 */
export function readSendAnswer(
  rule: SendAnswerRule,
  exchange: Exchange,
  registry: SchemaRegistry,
  operation: typeof passwordlessOperations.send | typeof passwordlessOperations.resend,
  int64Encoding: Int64Encoding,
): { answer: SendAnswer; problem?: undefined } | { answer?: undefined; problem: Failure } {
  const status = checkStatus(rule, exchange, 200);
  if (status) return { problem: status };
  const body = parseJsonBody(exchange);
  if (!body.ok) return { problem: failure(rule, 'response body', 'a JSON body', body.reason, exchange) };
  const raw = (body.value ?? {}) as Record<string, unknown>;
  const expiresAt = int64(raw.expires_at, 'string', int64Encoding);
  const expiresIn = int64(raw.expires_in, 'integer', int64Encoding);
  const normalised = {
    ...raw,
    ...(expiresAt === undefined ? {} : { expires_at: String(expiresAt) }),
    ...(expiresIn === undefined ? {} : { expires_in: expiresIn }),
  };
  const schema = registry.responseSchema(operation.path, operation.method, 200);
  const violations = schema === undefined ? [] : registry.validate(schema, normalised);
  const missing = [
    ...(typeof raw.auth_request_id === 'string' && raw.auth_request_id !== '' ? [] : ['auth_request_id']),
    ...(expiresAt === undefined ? [`expires_at (${int64Encoding})`] : []),
    ...(expiresIn === undefined ? [`expires_in (${int64Encoding})`] : []),
    ...(passwordlessTypes.includes(raw.passwordless_type as PasswordlessType) ? [] : ['passwordless_type']),
  ];
  if (violations.length > 0 || missing.length > 0) {
    return {
      problem: failure(
        rule,
        'send response shape',
        'auth_request_id, expires_at (Unix seconds), expires_in and passwordless_type, valid against the schema',
        bodyPreview(exchange.responseBody),
        exchange,
        [...missing.map((field) => `missing or malformed: ${field}`), ...violationLines(violations)],
      ),
    };
  }
  return {
    answer: {
      authRequestId: raw.auth_request_id as string,
      expiresAt: expiresAt as number,
      expiresIn: expiresIn as number,
      type: raw.passwordless_type as PasswordlessType,
    },
  };
}

/** PWL-002: a send without expires_in gets the documented default. */
export function defaultExpiresInApplied(
  rule: 'PWL-002',
  answer: SendAnswer,
  expected: number,
  exchange: Exchange,
): Failure | undefined {
  if (answer.expiresIn === expected) return undefined;
  return failure(rule, 'default expires_in', `${expected}`, `${answer.expiresIn}`, exchange);
}

/** PWL-006: a send with expires_in gets the value it asked for. */
export function requestedExpiresInApplied(
  rule: 'PWL-006',
  answer: SendAnswer,
  requested: number,
  exchange: Exchange,
): Failure | undefined {
  if (answer.expiresIn === requested) return undefined;
  return failure(rule, 'expires_in', `${requested} (as requested)`, `${answer.expiresIn}`, exchange);
}

/**
 * PWL-002, PWL-006: expires_at (Unix seconds) lies `expiresIn` seconds after the target's now, taken before and
 * after the request (milliseconds), give or take `expiryToleranceMs`.
 */
export function expiresAtFollowsExpiresIn(
  rule: 'PWL-002' | 'PWL-006',
  answer: SendAnswer,
  expiresIn: number,
  targetNow: { before: number; after: number },
  exchange: Exchange,
): Failure | undefined {
  const earliest = targetNow.before + expiresIn * 1000 - expiryToleranceMs;
  const latest = targetNow.after + expiresIn * 1000 + expiryToleranceMs;
  const at = answer.expiresAt * 1000;
  if (at >= earliest && at <= latest) return undefined;
  return failure(
    rule,
    'expires_at',
    `Unix seconds between ${Math.floor(earliest / 1000)} and ${Math.ceil(latest / 1000)} (the target's now + ${expiresIn} s)`,
    `${answer.expiresAt} (${Math.round((at - targetNow.after) / 1000)} s after the target's now)`,
    exchange,
  );
}

/**
 * PWL-009: a resend's expires_at is not earlier than the first send's plus the seconds the target's clock moved
 * between them (0 when the test could not move it: the two may then share a second).
 */
export function resendRenewsExpiry(
  rule: 'PWL-009',
  sent: SendAnswer,
  resent: SendAnswer,
  clockMovedSeconds: number,
  exchange: Exchange,
): Failure | undefined {
  const minimum = sent.expiresAt + clockMovedSeconds - expiryToleranceMs / 1000;
  if (resent.expiresAt >= minimum) return undefined;
  const moved = clockMovedSeconds > 0 ? ` + ${clockMovedSeconds} s` : '';
  return failure(
    rule,
    'new expiry',
    `expires_at of at least ${Math.ceil(minimum)} (the first send's ${sent.expiresAt}${moved})`,
    `${resent.expiresAt}`,
    exchange,
  );
}

// --- the method and the email ----------------------------------------------------------------------------------

/** PWL-007: passwordless_type is the method the environment is set to. */
export function passwordlessTypeIsMethod(
  rule: 'PWL-007',
  answer: SendAnswer,
  method: PasswordlessType,
  exchange: Exchange | undefined,
): Failure | undefined {
  if (answer.type === method) return undefined;
  return failure(rule, 'passwordless_type', `${method} (the method set)`, answer.type, exchange);
}

/** PWL-007: the email carries a code for OTP and LINK_OTP, a link for LINK and LINK_OTP, and nothing else. */
export function emailMatchesMethod(
  rule: 'PWL-007',
  method: PasswordlessType,
  message: OutboxMessage | undefined,
  exchange: Exchange | undefined,
): Failure | undefined {
  const wantsCode = method !== 'LINK';
  const wantsLink = method !== 'OTP';
  const hasCode = message?.otp !== undefined;
  const hasLink = message?.link !== undefined;
  if (hasCode === wantsCode && hasLink === wantsLink) return undefined;
  return failure(
    rule,
    `email for method ${method}`,
    `${wantsCode ? 'a code' : 'no code'} and ${wantsLink ? 'a link' : 'no link'}`,
    `${hasCode ? 'a code' : 'no code'} and ${hasLink ? 'a link' : 'no link'}`,
    exchange,
  );
}

/** PWL-007: the emailed verification code has 6 digits. */
export function codeHasSixDigits(
  rule: 'PWL-007',
  message: OutboxMessage | undefined,
  exchange: Exchange | undefined,
): Failure | undefined {
  const code = message?.otp;
  if (code !== undefined && /^\d{6}$/.test(code)) return undefined;
  return failure(
    rule,
    'verification code',
    'a 6-digit code in the email',
    code ?? `no otp in the outbox message (${message ? 'text only' : 'no email'})`,
    exchange,
  );
}

/** PWL-005: the emailed link is `magiclink_auth_uri` with a link_token query parameter, and no fragment. */
export function magicLinkCarriesToken(
  rule: 'PWL-005',
  message: OutboxMessage | undefined,
  magicLinkUri: string,
  type: PasswordlessType,
  exchange: Exchange | undefined,
): Failure | undefined {
  const link = message?.link ?? '';
  const [base, query = ''] = link.split(/\?(.*)/s);
  const token = new URLSearchParams(query.split('#')[0]).get('link_token');
  if (base === magicLinkUri && token && !link.includes('#')) return undefined;
  return failure(
    rule,
    'magic link',
    `${magicLinkUri}?link_token=<token>`,
    link || `no link in the email (passwordless_type ${type})`,
    exchange,
  );
}

// --- the verify answer -----------------------------------------------------------------------------------------

/** The verify answer's body; whatever JSON it holds, as the client reads it, or an empty object. */
function verifyBody(exchange: Exchange): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(exchange.responseBody);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** PWL-008: the state given on send comes back unchanged from verify. */
export function verifyReturnsState(rule: 'PWL-008', exchange: Exchange, state: string): Failure | undefined {
  const returned = verifyBody(exchange).state;
  if (returned === state) return undefined;
  // JSON.stringify(undefined) is no string: a missing state is said in words.
  const received = returned === undefined ? 'no state' : JSON.stringify(returned);
  return failure(rule, 'state', JSON.stringify(state), received, exchange);
}

/** What a verify answer must repeat of the request: its email, template, the send's type and state. */
export interface VerifiedRequest {
  email: string;
  template: 'SIGNIN' | 'SIGNUP';
  passwordless_type: PasswordlessType;
  state: string;
}

/** PWL-013: the verify answer is valid against the spec's schema and repeats the request's fields. */
export function verifyAnswerMatchesRequest(
  rule: 'PWL-013',
  exchange: Exchange,
  registry: SchemaRegistry,
  expected: VerifiedRequest,
): Failure | undefined {
  const { path, method } = passwordlessOperations.verify;
  const body = verifyBody(exchange);
  const schema = registry.responseSchema(path, method, 200);
  const violations = schema === undefined ? [] : registry.validate(schema, body);
  const wrong = Object.entries(expected).filter(([key, value]) => body[key] !== value);
  if (violations.length === 0 && wrong.length === 0) return undefined;
  return failure(rule, 'verify response', JSON.stringify(expected), bodyPreview(exchange.responseBody), exchange, [
    ...wrong.map(([key]) => `${key} differs`),
    ...violationLines(violations),
  ]);
}

// --- refusals --------------------------------------------------------------------------------------------------

/** The rules whose tests send a request the target must refuse with a status the profile names. */
export type PasswordlessRefusalRule =
  | 'PWL-004'
  | 'PWL-005'
  | 'PWL-010'
  | 'PWL-011'
  | 'PWL-012'
  | 'PWL-014'
  | 'PWL-015'
  | 'PWL-017';

/**
 * A refusal with the status the profile names (G-13, G-14: 400 for a failed verify, 429 for a limit); `context`
 * says which of several like requests it was. Whether the spec declares that status is drift, not a verdict
 * (`undeclaredStatus` in drift.ts).
 */
export function refusedWithStatus(
  rule: PasswordlessRefusalRule,
  exchange: Exchange,
  status: number,
  context?: string,
): Failure | undefined {
  const problem = checkStatus(rule, exchange, status);
  if (!problem || context === undefined) return problem;
  return { ...problem, details: [redactShapes(context), ...(problem.details ?? [])] };
}

/** PWL-005 when the profile names no status (G-16): a link method refuses a send without magiclink_auth_uri. */
export function refusedWithClientError(rule: 'PWL-005', exchange: Exchange): Failure | undefined {
  if (exchange.status >= 400 && exchange.status < 500) return undefined;
  return failure(rule, 'status code', 'a 4xx refusal', `${exchange.status}`, exchange);
}

const errorInfoSchema = { $ref: '#/components/schemas/errdetailsErrorInfo' };

/**
 * PWL-017: a documented 400 or 429 the spec does not declare still carries an ErrorInfo body with a non-empty
 * error_code, as the spec's declared errors do (`checkErrorInfo` needs a declared status).
 */
export function undeclaredErrorHasErrorInfo(
  rule: 'PWL-017',
  exchange: Exchange,
  registry: SchemaRegistry,
): Failure | undefined {
  const body = parseJsonBody(exchange);
  const violations = body.ok ? registry.validate(errorInfoSchema, body.value) : [];
  const code = body.ok ? (body.value as { error_code?: unknown } | null)?.error_code : undefined;
  if (body.ok && violations.length === 0 && typeof code === 'string' && code !== '') return undefined;
  return failure(
    rule,
    'error body',
    'an ErrorInfo body with a non-empty error_code, as the spec’s other errors have',
    body.ok ? bodyPreview(exchange.responseBody) : body.reason,
    exchange,
  );
}
