// The passwordless Headless API: POST /api/v1/passwordless/email/send, /resend and /verify (PWL-001..PWL-017).
// Codes and links are read from the `email` hook's outbox; time-dependent checks read and move the `clock` hook;
// the dashboard's passwordless settings (method, regenerate on resend, same-browser origin) are set through the
// `passwordless` hook, an extension of the contract, and put back after each test.
//
// Every test mails its own addresses (tagged with target.runTag), so the per-address rate limit and the outbox of
// one test never meet another's. These tests use the SIGNIN template only: the email-template suite saves custom
// SIGNUP templates, and the shared loopback target would apply them to sends made here at the same moment.
import { describe } from 'vitest';
import type { paths } from '../../generated/openapi.js';
import { undeclaredStatus } from '../../src/checks/drift.js';
import { type Failure, failure } from '../../src/checks/failure.js';
import { checkStatus, parseJsonBody } from '../../src/checks/http.js';
import type { OutboxMessage, PasswordlessSettings } from '../../src/client/control-hooks.js';
import type { Exchange } from '../../src/client/transport.js';
import { assertConforms, exchangeOf, noteDrift, requireHook, type Target, test } from '../../src/harness/index.js';
import type { RuleId } from '../../src/rules/catalogue.js';

const sendPath = '/api/v1/passwordless/email/send';
const resendPath = '/api/v1/passwordless/email/resend';
const verifyPath = '/api/v1/passwordless/email/verify';
const operations = {
  send: { path: sendPath, method: 'post' },
  resend: { path: resendPath, method: 'post' },
  verify: { path: verifyPath, method: 'post' },
} as const;
type Operation = (typeof operations)[keyof typeof operations];
type SendBody = paths[typeof sendPath]['post']['requestBody']['content']['application/json'];
type VerifyBody = paths[typeof verifyPath]['post']['requestBody']['content']['application/json'];

const passwordlessTypes = ['OTP', 'LINK', 'LINK_OTP'] as const;
const templateTypes = ['SIGNIN', 'SIGNUP'] as const;
/** Whole-second timestamps and a request's own latency: expires_at may be off by this much either way. */
const toleranceMs = 2_000;

// --- requests ------------------------------------------------------------------------------------------------

/** An address only this test (and this attempt of it) mails. */
const addressFor = (target: Target, label: string) => `${target.runTag}.${label}@example.test`;

function sendEmail(target: Target, body: SendBody) {
  return exchangeOf(target, () => target.api.POST(sendPath, { body }));
}

function resendEmail(target: Target, authRequestId: string) {
  return exchangeOf(target, () => target.api.POST(resendPath, { body: { auth_request_id: authRequestId } }));
}

function verifyEmail(target: Target, body: VerifyBody) {
  return exchangeOf(target, () => target.api.POST(verifyPath, { body }));
}

/** The newest email the target says it sent to `to`. */
async function latestEmail(target: Target, to: string): Promise<OutboxMessage | undefined> {
  return (await target.hooks.outbox(to)).at(-1);
}

/** The code an email carries: the outbox's `otp`, or the first run of 6 digits in its text. */
const codeIn = (message: OutboxMessage | undefined) => message?.otp ?? /\b(\d{6})\b/.exec(message?.text ?? '')?.[1];

/** The link_token query parameter of an emailed magic link. */
const linkTokenIn = (message: OutboxMessage | undefined) => {
  const query = message?.link?.split('?')[1]?.split('#')[0];
  return query === undefined ? undefined : (new URLSearchParams(query).get('link_token') ?? undefined);
};

/**
 * Runs `body` with the target's passwordless settings changed where it has the `passwordless` hook, and restored
 * afterwards; without the hook, `body` runs on the settings the target has and its own checks decide.
 */
async function withSettings<T>(
  target: Target,
  settings: Partial<PasswordlessSettings>,
  body: () => Promise<T>,
): Promise<T> {
  if (!(await target.hooks.has('passwordless'))) return body();
  return target.hooks.withPasswordlessSettings(settings, body);
}

/** A code of the same length that is certainly wrong: every digit moved by one. */
const wrongCode = (code: string) => code.replace(/\d/g, (d) => String((Number(d) + 1) % 10));

/**
 * The target's now in milliseconds: the clock hook when advertised, else the response's Date header (whole
 * seconds), else undefined.
 */
async function targetNow(target: Target, exchange?: Exchange): Promise<number | undefined> {
  if (await target.hooks.has('clock')) return target.hooks.now();
  const date = exchange?.responseHeaders.date;
  const parsed = date === undefined ? Number.NaN : Date.parse(date);
  return Number.isFinite(parsed) ? parsed : undefined;
}

// --- reading the send response -------------------------------------------------------------------------------

/** An int64 field as a number, in the encodings the profile accepts (G-21, G-24); undefined otherwise. */
function int64(target: Target, value: unknown, declared: 'string' | 'integer'): number | undefined {
  const lenient = target.profile.schema.int64Encoding === 'number-or-string';
  if (typeof value === 'number' && Number.isSafeInteger(value) && (lenient || declared === 'integer')) return value;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value) && (lenient || declared === 'string')) {
    return Number(value);
  }
  return undefined;
}

interface SendAnswer {
  authRequestId: string;
  /** Unix seconds. */
  expiresAt: number;
  expiresIn: number;
  type: (typeof passwordlessTypes)[number];
}

/**
 * A 200 in the send response shape (PWL-006): valid against the spec's schema (int64 fields normalised as the
 * profile allows) and carrying all four fields. Resend answers the same shape (PWL-009).
 */
function readSendAnswer(
  target: Target,
  rule: RuleId,
  exchange: Exchange,
  operation: Operation,
): { answer: SendAnswer; problem?: undefined } | { answer?: undefined; problem: Failure } {
  const status = checkStatus(rule, exchange, 200);
  if (status) return { problem: status };
  const body = parseJsonBody(exchange);
  if (!body.ok) return { problem: failure(rule, 'response body', 'a JSON body', body.reason, exchange) };
  const raw = (body.value ?? {}) as Record<string, unknown>;
  const expiresAt = int64(target, raw.expires_at, 'string');
  const expiresIn = int64(target, raw.expires_in, 'integer');
  const normalised = {
    ...raw,
    ...(expiresAt === undefined ? {} : { expires_at: String(expiresAt) }),
    ...(expiresIn === undefined ? {} : { expires_in: expiresIn }),
  };
  const schema = target.schemas.responseSchema(operation.path, operation.method, 200);
  const violations = schema === undefined ? [] : target.schemas.validate(schema, normalised);
  const missing = [
    ...(typeof raw.auth_request_id === 'string' && raw.auth_request_id !== '' ? [] : ['auth_request_id']),
    ...(expiresAt === undefined ? [`expires_at (${target.profile.schema.int64Encoding})`] : []),
    ...(expiresIn === undefined ? [`expires_in (${target.profile.schema.int64Encoding})`] : []),
    ...(passwordlessTypes.includes(raw.passwordless_type as SendAnswer['type']) ? [] : ['passwordless_type']),
  ];
  if (violations.length > 0 || missing.length > 0) {
    return {
      problem: failure(
        rule,
        'send response shape',
        'auth_request_id, expires_at (Unix seconds), expires_in and passwordless_type, valid against the schema',
        exchange.responseBody.slice(0, 300) || '(empty body)',
        exchange,
        [
          ...missing.map((field) => `missing or malformed: ${field}`),
          ...violations.slice(0, 10).map((v) => `${v.at || '(root)'} ${v.message}`),
        ],
      ),
    };
  }
  return {
    answer: {
      authRequestId: raw.auth_request_id as string,
      expiresAt: expiresAt as number,
      expiresIn: expiresIn as number,
      type: raw.passwordless_type as SendAnswer['type'],
    },
  };
}

/** Sends and reads the answer; a send the test relies on that is not a 200 send response fails the test. */
async function sendOk(target: Target, rule: RuleId, body: SendBody): Promise<SendAnswer> {
  const { exchange } = await sendEmail(target, body);
  const read = readSendAnswer(target, rule, exchange, operations.send);
  assertConforms(read.problem);
  return read.answer as SendAnswer;
}

/** expires_at lies within `expiresIn` seconds of the target's now, taken before and after the request. */
function checkExpiry(
  rule: RuleId,
  exchange: Exchange,
  answer: SendAnswer,
  expiresIn: number,
  window: { before: number; after: number },
): Failure | undefined {
  const earliest = window.before + expiresIn * 1000 - toleranceMs;
  const latest = window.after + expiresIn * 1000 + toleranceMs;
  const at = answer.expiresAt * 1000;
  if (at >= earliest && at <= latest) return undefined;
  return failure(
    rule,
    'expires_at',
    `Unix seconds between ${Math.floor(earliest / 1000)} and ${Math.ceil(latest / 1000)} (the target's now + ${expiresIn} s)`,
    `${answer.expiresAt} (${Math.round((at - window.after) / 1000)} s after the target's now)`,
    exchange,
  );
}

/** A refusal with the expected status; one the spec does not declare is recorded as drift (PWL-017, C-18). */
function checkRefused(
  target: Target,
  rule: RuleId,
  exchange: Exchange,
  expected: number,
  operation: Operation,
): Failure | undefined {
  const problem = checkStatus(rule, exchange, expected);
  if (!problem) noteDrift(undeclaredStatus(rule, exchange, target.schemas, operation));
  return problem;
}

/**
 * Runs a check that needs the target's clock to stand (nearly) still for `windowMs`; other test files share a
 * live target's clock and may move it. When the clock moved a whole window during an attempt, the attempt proves
 * nothing and runs again with fresh addresses, at most three times.
 */
async function withSteadyClock(
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

// --- tests ---------------------------------------------------------------------------------------------------

describe('POST /api/v1/passwordless/email/send', () => {
  test('a send with only an email address is answered 200 with a send response', { tags: ['PWL-001'] }, async ({
    target,
  }) => {
    const { exchange } = await sendEmail(target, { email: addressFor(target, 'only-email') });
    assertConforms(readSendAnswer(target, 'PWL-001', exchange, operations.send).problem);
  });

  test('without expires_in, expires_in is 300 and expires_at is 300 seconds after the target’s now', {
    tags: ['PWL-002'],
  }, async ({ target, skip }) => {
    const expected = target.profile.passwordless.defaultExpiresIn;
    const before = await targetNow(target);
    const { exchange } = await sendEmail(target, { email: addressFor(target, 'default-expiry') });
    const read = readSendAnswer(target, 'PWL-002', exchange, operations.send);
    assertConforms(read.problem);
    const answer = read.answer as SendAnswer;
    assertConforms(
      answer.expiresIn === expected
        ? undefined
        : failure('PWL-002', 'default expires_in', `${expected}`, `${answer.expiresIn}`, exchange),
    );
    const after = await targetNow(target, exchange);
    if (after === undefined) {
      return skip('precondition not met: no clock hook and no Date header, so the target’s now is unknown');
    }
    assertConforms(checkExpiry('PWL-002', exchange, answer, expected, { before: before ?? after, after }));
  });

  test('the send response has auth_request_id, expires_at in Unix seconds, expires_in and passwordless_type, with expires_at − now ≈ expires_in', {
    tags: ['PWL-006'],
  }, async ({ target, skip }) => {
    for (const [label, expiresIn] of [
      ['expiry-600', 600],
      ['expiry-3600', 3600],
    ] as const) {
      const before = await targetNow(target);
      const { exchange } = await sendEmail(target, { email: addressFor(target, label), expires_in: expiresIn });
      const read = readSendAnswer(target, 'PWL-006', exchange, operations.send);
      assertConforms(read.problem);
      const answer = read.answer as SendAnswer;
      const after = await targetNow(target, exchange);
      if (after === undefined) {
        return skip('precondition not met: no clock hook and no Date header, so the target’s now is unknown');
      }
      assertConforms(
        answer.expiresIn === expiresIn
          ? undefined
          : failure('PWL-006', 'expires_in', `${expiresIn} (as requested)`, `${answer.expiresIn}`, exchange),
        checkExpiry('PWL-006', exchange, answer, answer.expiresIn, { before: before ?? after, after }),
      );
    }
  });

  test('template SIGNIN is accepted, and values outside the enum (UNSPECIFIED, LOGIN, signin) are refused with 400', {
    tags: ['PWL-004'],
  }, async ({ target }) => {
    await sendOk(target, 'PWL-004', { email: addressFor(target, 'template-signin'), template: 'SIGNIN' });
    for (const value of ['UNSPECIFIED', 'LOGIN', 'signin']) {
      // Deliberately outside the enum: the typed body forbids these values.
      const template = value as unknown as SendBody['template'];
      const { exchange } = await sendEmail(target, { email: addressFor(target, `template-${value}`), template });
      assertConforms(checkRefused(target, 'PWL-004', exchange, 400, operations.send));
    }
  });

  test('with magiclink_auth_uri, the emailed link is that URI with a link_token query parameter', {
    tags: ['PWL-005'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    const email = addressFor(target, 'magic-link');
    const magicLinkUri = `https://app.example.test/passwordless/verify/${target.runTag}`;
    const answer = await withSettings(target, { type: 'LINK_OTP' }, () =>
      sendOk(target, 'PWL-005', { email, magiclink_auth_uri: magicLinkUri }),
    );
    const message = await latestEmail(target, email);
    const usesLink = answer.type === 'LINK' || answer.type === 'LINK_OTP';
    if (!message?.link && !usesLink) {
      return skip(
        `precondition not met: the target's passwordless method is ${answer.type}, which emails no magic link, ` +
          'and the target has no passwordless hook to change it',
      );
    }
    const link = message?.link ?? '';
    const [base, query = ''] = link.split(/\?(.*)/s);
    const token = new URLSearchParams(query.split('#')[0]).get('link_token');
    assertConforms(
      base === magicLinkUri && token && !link.includes('#')
        ? undefined
        : failure(
            'PWL-005',
            'magic link',
            `${magicLinkUri}?link_token=<token>`,
            link || `no link in the email (passwordless_type ${answer.type})`,
            target.exchanges.at(-1),
          ),
    );
  });

  test('a link method refuses a send without magiclink_auth_uri', { tags: ['PWL-005'] }, async ({ target, skip }) => {
    const { probe, exchange } = await withSettings(target, { type: 'LINK' }, async () => ({
      probe: await sendOk(target, 'PWL-005', {
        email: addressFor(target, 'link-probe'),
        magiclink_auth_uri: `https://app.example.test/passwordless/verify/${target.runTag}`,
      }),
      exchange: (await sendEmail(target, { email: addressFor(target, 'link-without-uri') })).exchange,
    }));
    if (probe.type === 'OTP') {
      return skip('precondition not met: the target’s passwordless method is OTP, which needs no magiclink_auth_uri');
    }
    const expected = target.profile.passwordless.missingMagicLinkUriStatus;
    const refused = exchange.status >= 400 && exchange.status < 500;
    assertConforms(
      expected === null
        ? refused
          ? undefined
          : failure('PWL-005', 'status code', 'a 4xx refusal', `${exchange.status}`, exchange)
        : checkRefused(target, 'PWL-005', exchange, expected, operations.send),
    );
  });

  test('passwordless_type follows the environment’s method, and the email carries a code, a link or both to match', {
    tags: ['PWL-007'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'passwordless', skip);
    const emailed = await target.hooks.has('email');
    for (const type of passwordlessTypes) {
      const email = addressFor(target, `method-${type}`);
      const { answer, exchange } = await withSettings(target, { type }, async () => ({
        answer: await sendOk(target, 'PWL-007', {
          email,
          magiclink_auth_uri: `https://app.example.test/passwordless/verify/${target.runTag}`,
        }),
        // The send, not the hook call that puts the settings back, is what a replay repeats.
        exchange: target.exchanges.at(-1),
      }));
      assertConforms(
        answer.type === type
          ? undefined
          : failure('PWL-007', 'passwordless_type', `${type} (the method set)`, answer.type, exchange),
      );
      if (!emailed) continue;
      const message = await latestEmail(target, email);
      const wantsCode = type !== 'LINK';
      const wantsLink = type !== 'OTP';
      const hasCode = message?.otp !== undefined;
      const hasLink = message?.link !== undefined;
      assertConforms(
        hasCode === wantsCode && hasLink === wantsLink
          ? undefined
          : failure(
              'PWL-007',
              `email for method ${type}`,
              `${wantsCode ? 'a code' : 'no code'} and ${wantsLink ? 'a link' : 'no link'}`,
              `${hasCode ? 'a code' : 'no code'} and ${hasLink ? 'a link' : 'no link'}`,
              exchange,
            ),
      );
    }
  });

  test('an emailed verification code has 6 digits', { tags: ['PWL-007'] }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    const email = addressFor(target, 'six-digits');
    const answer = await sendOk(target, 'PWL-007', { email });
    if (answer.type === 'LINK') return skip('precondition not met: the target’s passwordless method is LINK (no code)');
    const message = await latestEmail(target, email);
    const code = message?.otp;
    assertConforms(
      code !== undefined && /^\d{6}$/.test(code)
        ? undefined
        : failure(
            'PWL-007',
            'verification code',
            'a 6-digit code in the email',
            code ?? `no otp in the outbox message (${message ? 'text only' : 'no email'})`,
            target.exchanges.at(-1),
          ),
    );
  });
});

describe('POST /api/v1/passwordless/email/resend', () => {
  test('a resend is answered 200 in the send response shape, with a new expiry', {
    tags: ['PWL-009'],
  }, async ({ target }) => {
    const email = addressFor(target, 'resend');
    const sent = await sendOk(target, 'PWL-009', { email });
    const clocked = await target.hooks.has('clock');
    if (clocked) await target.hooks.advanceClock(30_000);
    const { exchange } = await resendEmail(target, sent.authRequestId);
    const read = readSendAnswer(target, 'PWL-009', exchange, operations.resend);
    assertConforms(read.problem);
    const resent = read.answer as SendAnswer;
    // Without a clock hook the two sends may share a second, so only "not earlier" can be asked.
    const minimum = sent.expiresAt + (clocked ? 30 : 0) - toleranceMs / 1000;
    assertConforms(
      resent.expiresAt >= minimum
        ? undefined
        : failure(
            'PWL-009',
            'new expiry',
            `expires_at of at least ${Math.ceil(minimum)} (the first send's ${sent.expiresAt}${clocked ? ' + 30 s' : ''})`,
            `${resent.expiresAt}`,
            exchange,
          ),
    );
  });

  test('after a resend with new credentials, the earlier code no longer verifies and the new one does', {
    tags: ['PWL-010'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    const email = addressFor(target, 'regenerate');
    const { sent, oldCode, exchange } = await withSettings(target, { regenerate_on_resend: true }, async () => {
      const sent = await sendOk(target, 'PWL-010', { email, expires_in: 3600 });
      const oldCode = codeIn(await latestEmail(target, email));
      return { sent, oldCode, exchange: (await resendEmail(target, sent.authRequestId)).exchange };
    });
    if (oldCode === undefined) return skip('precondition not met: the email carries no verification code');
    const read = readSendAnswer(target, 'PWL-010', exchange, operations.resend);
    assertConforms(read.problem);
    // C-20: a resend may answer a new auth_request_id; verify with the one it returned.
    const authRequestId = read.answer?.authRequestId ?? sent.authRequestId;
    const newCode = codeIn(await latestEmail(target, email));
    if (newCode === undefined || newCode === oldCode) {
      return skip(
        'precondition not met: the resend emailed the same code (regenerate on resend is off on the target, and it ' +
          'has no passwordless hook to turn it on)',
      );
    }
    const old = await verifyEmail(target, { auth_request_id: authRequestId, code: oldCode });
    assertConforms(
      checkRefused(target, 'PWL-010', old.exchange, target.profile.passwordless.verifyFailureStatus, operations.verify),
    );
    const fresh = await verifyEmail(target, { auth_request_id: authRequestId, code: newCode });
    assertConforms(checkStatus('PWL-010', fresh.exchange, 200));
  });
});

describe('POST /api/v1/passwordless/email/verify', () => {
  /** Sends, reads the code from the outbox and verifies it; the verify exchange and what was sent. */
  async function verifiedFlow(target: Target, rule: RuleId, label: string, skip: (note?: string) => never) {
    await requireHook(target, 'email', skip);
    const email = addressFor(target, label);
    const state = `st-${target.runTag}-${label} ü+/=&?#`;
    const sent = await sendOk(target, rule, { email, state, template: 'SIGNIN', expires_in: 3600 });
    const code = codeIn(await latestEmail(target, email));
    if (code === undefined) return skip('precondition not met: the email carries no verification code');
    const verified = await verifyEmail(target, { auth_request_id: sent.authRequestId, code });
    assertConforms(checkStatus(rule, verified.exchange, 200));
    return { email, state, sent, exchange: verified.exchange, body: (verified.data ?? {}) as Record<string, unknown> };
  }

  test('the state given on send comes back unchanged from verify', { tags: ['PWL-008'] }, async ({ target, skip }) => {
    const flow = await verifiedFlow(target, 'PWL-008', 'state', skip);
    assertConforms(
      flow.body.state === flow.state
        ? undefined
        : failure('PWL-008', 'state', JSON.stringify(flow.state), JSON.stringify(flow.body.state), flow.exchange),
    );
  });

  test('the verify response has the email, template and passwordless_type of the request, valid against the schema', {
    tags: ['PWL-013'],
  }, async ({ target, skip }) => {
    const flow = await verifiedFlow(target, 'PWL-013', 'verify-shape', skip);
    const schema = target.schemas.responseSchema(verifyPath, 'post', 200);
    const violations = schema === undefined ? [] : target.schemas.validate(schema, flow.body);
    const expected = { email: flow.email, template: 'SIGNIN', passwordless_type: flow.sent.type, state: flow.state };
    const wrong = Object.entries(expected).filter(([key, value]) => flow.body[key] !== value);
    assertConforms(
      violations.length === 0 && wrong.length === 0
        ? undefined
        : failure(
            'PWL-013',
            'verify response',
            JSON.stringify(expected),
            flow.exchange.responseBody.slice(0, 300),
            flow.exchange,
            [
              ...wrong.map(([key]) => `${key} differs`),
              ...violations.slice(0, 10).map((v) => `${v.at || '(root)'} ${v.message}`),
            ],
          ),
    );
    assertConforms(
      templateTypes.includes(flow.body.template as (typeof templateTypes)[number])
        ? undefined
        : failure('PWL-013', 'template', templateTypes.join(' or '), String(flow.body.template), flow.exchange),
    );
  });

  test('verifying a code needs both code and auth_request_id', { tags: ['PWL-012'] }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    const email = addressFor(target, 'verify-needs-both');
    const sent = await sendOk(target, 'PWL-012', { email, expires_in: 3600 });
    const code = codeIn(await latestEmail(target, email));
    if (code === undefined) return skip('precondition not met: the email carries no verification code');
    const status = target.profile.passwordless.verifyFailureStatus;
    const codeOnly = await verifyEmail(target, { code });
    assertConforms(checkRefused(target, 'PWL-012', codeOnly.exchange, status, operations.verify));
    const idOnly = await verifyEmail(target, { auth_request_id: sent.authRequestId });
    assertConforms(checkRefused(target, 'PWL-012', idOnly.exchange, status, operations.verify));
    const both = await verifyEmail(target, { auth_request_id: sent.authRequestId, code });
    assertConforms(checkStatus('PWL-012', both.exchange, 200));
  });

  /** Sends with a magic link under `settings` and returns what a link verification needs; skips without hooks. */
  async function magicLinkSent(
    target: Target,
    rule: RuleId,
    label: string,
    settings: Partial<PasswordlessSettings>,
    skip: (note?: string) => never,
  ) {
    await requireHook(target, 'email', skip);
    await requireHook(target, 'passwordless', skip);
    const email = addressFor(target, label);
    const magiclink_auth_uri = `https://app.example.test/passwordless/verify/${target.runTag}`;
    const sent = await sendOk(target, rule, { email, magiclink_auth_uri, expires_in: 3600 });
    const linkToken = linkTokenIn(await latestEmail(target, email));
    if (linkToken === undefined)
      return skip(`precondition not met: no link_token in the email (settings ${JSON.stringify(settings)})`);
    return { sent, linkToken };
  }

  test('a magic link verifies with its link_token alone while same-browser enforcement is off', {
    tags: ['PWL-012'],
  }, async ({ target, skip }) => {
    const settings = { type: 'LINK', enforce_same_browser_origin: false } as const;
    await withSettings(target, settings, async () => {
      const { linkToken } = await magicLinkSent(target, 'PWL-012', 'link-alone', settings, skip);
      const verified = await verifyEmail(target, { link_token: linkToken });
      assertConforms(checkStatus('PWL-012', verified.exchange, 200));
    });
  });

  test('with same-browser enforcement on, a magic link opened without its auth_request_id, or with another one, fails', {
    tags: ['PWL-015', 'PWL-012'],
  }, async ({ target, skip }) => {
    const settings = { type: 'LINK', enforce_same_browser_origin: true } as const;
    const status = target.profile.passwordless.verifyFailureStatus;
    await withSettings(target, settings, async () => {
      const { sent, linkToken } = await magicLinkSent(target, 'PWL-015', 'same-browser', settings, skip);
      // Another browser: no auth_request_id, or the one another send gave that browser.
      const other = await magicLinkSent(target, 'PWL-015', 'other-browser', settings, skip);
      const alone = await verifyEmail(target, { link_token: linkToken });
      assertConforms(checkRefused(target, 'PWL-015', alone.exchange, status, operations.verify));
      const foreign = await verifyEmail(target, { link_token: linkToken, auth_request_id: other.sent.authRequestId });
      assertConforms(checkRefused(target, 'PWL-015', foreign.exchange, status, operations.verify));
      // The same browser, which kept the auth_request_id of its send, still gets in.
      const same = await verifyEmail(target, { link_token: linkToken, auth_request_id: sent.authRequestId });
      assertConforms(checkStatus('PWL-015', same.exchange, 200));
    });
  });

  test('after 5 wrong codes, a 6th attempt within ten minutes gets 429 even with the right code', {
    tags: ['PWL-014'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    const { attemptsPerWindow, attemptWindowMs, verifyFailureStatus } = target.profile.passwordless;
    await withSteadyClock(target, attemptWindowMs, async (round) => {
      const email = addressFor(target, `attempts-${round}`);
      const sent = await sendOk(target, 'PWL-014', { email, expires_in: 3600 });
      const code = codeIn(await latestEmail(target, email));
      if (code === undefined) return skip('precondition not met: the email carries no verification code');
      for (let attempt = 1; attempt <= attemptsPerWindow; attempt += 1) {
        const wrong = await verifyEmail(target, { auth_request_id: sent.authRequestId, code: wrongCode(code) });
        const problem = checkRefused(target, 'PWL-014', wrong.exchange, verifyFailureStatus, operations.verify);
        if (problem) return { ...problem, details: [`wrong code number ${attempt}`, ...(problem.details ?? [])] };
      }
      const right = await verifyEmail(target, { auth_request_id: sent.authRequestId, code });
      return checkRefused(target, 'PWL-014', right.exchange, 429, operations.verify);
    });
  });
});

describe('send rate limit', () => {
  test('a third send or resend to one address within a minute is refused with 429', {
    tags: ['PWL-011'],
  }, async ({ target }) => {
    const { sendRateLimitStatus, sendsPerMinute } = target.profile.passwordless;
    await withSteadyClock(target, 60_000, async (round) => {
      const email = addressFor(target, `rate-${round}`);
      const first = await sendOk(target, 'PWL-011', { email });
      for (let sent = 1; sent < sendsPerMinute; sent += 1) {
        const again = await resendEmail(target, first.authRequestId);
        const problem = checkStatus('PWL-011', again.exchange, 200);
        if (problem) return problem;
      }
      const send = await sendEmail(target, { email });
      const resend = await resendEmail(target, first.authRequestId);
      return (
        checkRefused(target, 'PWL-011', send.exchange, sendRateLimitStatus, operations.send) ??
        checkRefused(target, 'PWL-011', resend.exchange, sendRateLimitStatus, operations.resend)
      );
    });
  });

  test('once the target’s clock has moved 60 seconds, the same address can be sent to again', {
    tags: ['PWL-011'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'clock', skip);
    const { sendRateLimitStatus, sendsPerMinute } = target.profile.passwordless;
    const email = addressFor(target, 'rate-window');
    for (let sent = 0; sent < sendsPerMinute; sent += 1) await sendOk(target, 'PWL-011', { email });
    const limited = await sendEmail(target, { email });
    assertConforms(checkRefused(target, 'PWL-011', limited.exchange, sendRateLimitStatus, operations.send));
    await target.hooks.advanceClock(60_000);
    await sendOk(target, 'PWL-011', { email });
  });
});

describe('statuses the docs promise and the spec does not declare', () => {
  test('the documented 400 and 429 answers are recorded as drift, not failures, and carry an ErrorInfo body', {
    tags: ['PWL-017'],
  }, async ({ target }) => {
    const { sendRateLimitStatus, sendsPerMinute, verifyFailureStatus } = target.profile.passwordless;
    const email = addressFor(target, 'drift');
    const sent = await sendOk(target, 'PWL-017', { email, expires_in: 3600 });
    const answers: [Operation, Exchange, number][] = [];
    const badVariable = await sendEmail(target, {
      email: addressFor(target, 'drift-variable'),
      // Deliberately not a string: the typed body forbids it (TPL-008).
      template_variables: { count: 3 as unknown as string },
    });
    answers.push([operations.send, badVariable.exchange, target.profile.emailTemplates.nonStringValueStatus]);
    const badCode = await verifyEmail(target, { auth_request_id: sent.authRequestId, code: 'not-a-code' });
    answers.push([operations.verify, badCode.exchange, verifyFailureStatus]);
    for (let more = 1; more < sendsPerMinute; more += 1) await resendEmail(target, sent.authRequestId);
    const limited = await sendEmail(target, { email });
    answers.push([operations.send, limited.exchange, sendRateLimitStatus]);

    const errorInfo = { $ref: '#/components/schemas/errdetailsErrorInfo' };
    for (const [operation, exchange, status] of answers) {
      assertConforms(checkRefused(target, 'PWL-017', exchange, status, operation));
      const body = parseJsonBody(exchange);
      const violations = body.ok ? target.schemas.validate(errorInfo, body.value) : [];
      const code = body.ok ? (body.value as { error_code?: unknown } | null)?.error_code : undefined;
      assertConforms(
        body.ok && violations.length === 0 && typeof code === 'string' && code !== ''
          ? undefined
          : failure(
              'PWL-017',
              'error body',
              'an ErrorInfo body with a non-empty error_code, as the spec’s other errors have',
              body.ok ? exchange.responseBody.slice(0, 300) : body.reason,
              exchange,
            ),
      );
    }
  });
});
