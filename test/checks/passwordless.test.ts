import { describe, expect, it } from 'vitest';
import {
  codeHasSixDigits,
  defaultExpiresInApplied,
  emailMatchesMethod,
  expiresAtFollowsExpiresIn,
  magicLinkCarriesToken,
  passwordlessOperations,
  passwordlessTypeIsMethod,
  readSendAnswer,
  refusedWithClientError,
  refusedWithStatus,
  requestedExpiresInApplied,
  resendRenewsExpiry,
  type SendAnswer,
  undeclaredErrorHasErrorInfo,
  type VerifiedRequest,
  verifyAnswerMatchesRequest,
  verifyReturnsState,
} from '../../src/checks/passwordless.js';
import type { OutboxMessage } from '../../src/client/control-hooks.js';
import { readSpecFile } from '../../src/spec/document.js';
import { SchemaRegistry } from '../../src/spec/schemas.js';
import { recorded } from '../support/exchanges.js';

const specPath = process.env.SCALEKIT_OPENAPI ?? '../shared/openapi/scalekit.scalar.json';
const registry = new SchemaRegistry(readSpecFile(specPath).document);
const { send, resend } = passwordlessOperations;

// Recorded exchanges, built by hand: a target's answer to a send, as the client saw it.
const answer = (status: number, body: unknown, contentType?: string) =>
  recorded(status, {
    method: 'POST',
    url: `https://env.example.test${send.path}`,
    requestBody: '{"email":"a@example.test"}',
    body,
    contentType,
  });

const now = Date.parse('2026-05-21T12:00:00Z');
const nowSeconds = now / 1000;
const sendBody = {
  auth_request_id: 'h5Y8kT5RVwaea5WEgW4n',
  expires_at: String(nowSeconds + 300),
  expires_in: 300,
  passwordless_type: 'OTP',
};
const sent: SendAnswer = {
  authRequestId: 'h5Y8kT5RVwaea5WEgW4n',
  expiresAt: nowSeconds + 300,
  expiresIn: 300,
  type: 'OTP',
};
const exchange = answer(200, sendBody);

function message(fields: Partial<OutboxMessage>): OutboxMessage {
  return { to: 'a@example.test', template: 'SIGNIN', subject: 'Sign in', html: '', text: '', sent_at: '', ...fields };
}

describe('the send answer (PWL-001, PWL-006, PWL-009)', () => {
  it('reads a 200 in the send response shape, int64 fields in the encodings the profile allows', () => {
    expect(readSendAnswer('PWL-001', exchange, registry, send, 'as-declared').answer).toEqual(sent);
    const asNumber = answer(200, { ...sendBody, expires_at: nowSeconds + 300 });
    expect(readSendAnswer('PWL-009', asNumber, registry, resend, 'number-or-string').answer).toEqual(sent);
  });

  it('fails another status, a body that is not JSON, a missing field or an encoding the profile does not allow', () => {
    const { auth_request_id: _, ...withoutId } = sendBody;
    for (const [bad, encoding] of [
      [answer(400, { error_code: 'INVALID' }), 'number-or-string'],
      [answer(200, '<p>sent</p>', 'text/html'), 'number-or-string'],
      [answer(200, withoutId), 'number-or-string'],
      [answer(200, { ...sendBody, passwordless_type: 'SMS' }), 'number-or-string'],
      [answer(200, { ...sendBody, expires_at: nowSeconds + 300 }), 'as-declared'],
      [answer(200, { ...sendBody, expires_in: '300' }), 'as-declared'],
    ] as const) {
      const read = readSendAnswer('PWL-006', bad, registry, send, encoding);
      expect(read.answer).toBeUndefined();
      expect(read.problem?.rule).toBe('PWL-006');
    }
  });

  it('names each missing field in the details', () => {
    const read = readSendAnswer('PWL-001', answer(200, {}), registry, send, 'as-declared');
    expect(read.problem?.details).toEqual(
      expect.arrayContaining([
        'missing or malformed: auth_request_id',
        'missing or malformed: expires_at (as-declared)',
        'missing or malformed: passwordless_type',
      ]),
    );
  });
});

describe('expiry (PWL-002, PWL-006, PWL-009)', () => {
  it('passes the default and the requested expires_in, and fails another', () => {
    expect(defaultExpiresInApplied('PWL-002', sent, 300, exchange)).toBeUndefined();
    expect(defaultExpiresInApplied('PWL-002', { ...sent, expiresIn: 100 }, 300, exchange)?.received).toBe('100');
    expect(requestedExpiresInApplied('PWL-006', { ...sent, expiresIn: 600 }, 600, exchange)).toBeUndefined();
    expect(requestedExpiresInApplied('PWL-006', sent, 600, exchange)?.expected).toBe('600 (as requested)');
  });

  it('passes expires_at within expires_in of the target’s now, give or take two seconds', () => {
    const window = { before: now - 500, after: now };
    expect(expiresAtFollowsExpiresIn('PWL-002', sent, 300, window, exchange)).toBeUndefined();
    expect(expiresAtFollowsExpiresIn('PWL-006', { ...sent, expiresAt: nowSeconds + 302 }, 300, window, exchange)).toBe(
      undefined,
    );
  });

  it('fails expires_at in milliseconds, or off by more than the tolerance either way', () => {
    const window = { before: now, after: now };
    for (const expiresAt of [(nowSeconds + 300) * 1000, nowSeconds + 100, nowSeconds + 303, nowSeconds + 297]) {
      expect(expiresAtFollowsExpiresIn('PWL-006', { ...sent, expiresAt }, 300, window, exchange)?.rule).toBe('PWL-006');
    }
  });

  it('passes a resend whose expiry moved with the clock, and fails one that kept the old expiry', () => {
    const later = { ...sent, expiresAt: sent.expiresAt + 30 };
    expect(resendRenewsExpiry('PWL-009', sent, later, 30, exchange)).toBeUndefined();
    expect(resendRenewsExpiry('PWL-009', sent, sent, 0, exchange)).toBeUndefined();
    const kept = resendRenewsExpiry('PWL-009', sent, sent, 30, exchange);
    expect(kept?.rule).toBe('PWL-009');
    expect(kept?.expected).toContain('+ 30 s');
    expect(resendRenewsExpiry('PWL-009', later, sent, 0, exchange)?.rule).toBe('PWL-009');
  });
});

describe('the method and the email (PWL-005, PWL-007)', () => {
  it('passes the passwordless_type of the method set, and fails another', () => {
    expect(passwordlessTypeIsMethod('PWL-007', { ...sent, type: 'LINK' }, 'LINK', exchange)).toBeUndefined();
    expect(passwordlessTypeIsMethod('PWL-007', sent, 'LINK_OTP', exchange)?.received).toBe('OTP');
  });

  it('passes an email with a code, a link or both as the method says, and fails one with more or less', () => {
    const code = message({ otp: '123456' });
    const link = message({ link: 'https://app.example.test/verify?link_token=t' });
    const both = message({ otp: '123456', link: 'https://app.example.test/verify?link_token=t' });
    expect(emailMatchesMethod('PWL-007', 'OTP', code, exchange)).toBeUndefined();
    expect(emailMatchesMethod('PWL-007', 'LINK', link, exchange)).toBeUndefined();
    expect(emailMatchesMethod('PWL-007', 'LINK_OTP', both, exchange)).toBeUndefined();
    expect(emailMatchesMethod('PWL-007', 'OTP', both, exchange)?.received).toBe('a code and a link');
    expect(emailMatchesMethod('PWL-007', 'LINK_OTP', code, exchange)?.expected).toBe('a code and a link');
    expect(emailMatchesMethod('PWL-007', 'LINK', undefined, exchange)?.rule).toBe('PWL-007');
  });

  it('passes a 6-digit code, and fails 8 digits, letters or no code', () => {
    expect(codeHasSixDigits('PWL-007', message({ otp: '012345' }), exchange)).toBeUndefined();
    for (const bad of [message({ otp: '01234567' }), message({ otp: 'abc123' }), message({}), undefined]) {
      expect(codeHasSixDigits('PWL-007', bad, exchange)?.rule).toBe('PWL-007');
    }
    expect(codeHasSixDigits('PWL-007', undefined, exchange)?.received).toContain('no email');
  });

  it('passes a link that is magiclink_auth_uri with a link_token query parameter, and fails any other', () => {
    const uri = 'https://app.example.test/passwordless/verify/run1';
    const withLink = (link: string) => message({ link });
    expect(magicLinkCarriesToken('PWL-005', withLink(`${uri}?link_token=t1`), uri, 'LINK', exchange)).toBeUndefined();
    for (const bad of [
      withLink(`${uri}#link_token=t1`),
      withLink(`${uri}?link_token=t1#x`),
      withLink(`${uri}?token=t1`),
      withLink(`https://other.example.test/verify?link_token=t1`),
      message({}),
    ]) {
      expect(magicLinkCarriesToken('PWL-005', bad, uri, 'LINK', exchange)?.rule).toBe('PWL-005');
    }
  });
});

describe('the verify answer (PWL-008, PWL-013)', () => {
  const request: VerifiedRequest = {
    email: 'a@example.test',
    template: 'SIGNIN',
    passwordless_type: 'OTP',
    state: 'st-1 ü+/=&?#',
  };

  it('passes the state given on send, and fails a verify answer without it or with another', () => {
    expect(verifyReturnsState('PWL-008', answer(200, request), request.state)).toBeUndefined();
    const { state: _, ...withoutState } = request;
    expect(verifyReturnsState('PWL-008', answer(200, withoutState), request.state)?.received).toBe('no state');
    expect(verifyReturnsState('PWL-008', answer(200, { ...request, state: 'st-1' }), request.state)?.rule).toBe(
      'PWL-008',
    );
    expect(verifyReturnsState('PWL-008', answer(200, 'not json'), request.state)?.rule).toBe('PWL-008');
  });

  it('passes an answer that repeats the request and fits the schema, and fails one that does not', () => {
    expect(verifyAnswerMatchesRequest('PWL-013', answer(200, request), registry, request)).toBeUndefined();
    const { template: _, ...withoutTemplate } = request;
    const missing = verifyAnswerMatchesRequest('PWL-013', answer(200, withoutTemplate), registry, request);
    expect(missing?.details).toContain('template differs');
    const offEnumAnswer = answer(200, { ...request, template: 'LOGIN' });
    const offEnum = verifyAnswerMatchesRequest('PWL-013', offEnumAnswer, registry, request);
    expect(offEnum?.details?.some((line) => line.startsWith('/template'))).toBe(true);
    const otherType = answer(200, { ...request, passwordless_type: 'LINK' });
    expect(verifyAnswerMatchesRequest('PWL-013', otherType, registry, request)?.details).toEqual([
      'passwordless_type differs',
    ]);
  });
});

describe('refusals (PWL-004, PWL-005, PWL-010..PWL-012, PWL-014, PWL-015, PWL-017)', () => {
  const errorInfo = { error_code: 'INVALID_ARGUMENT', debug_info: { detail: 'bad code' } };

  it('passes the status the profile names, and fails another with the context in the details', () => {
    expect(refusedWithStatus('PWL-012', answer(400, errorInfo), 400)).toBeUndefined();
    expect(refusedWithStatus('PWL-014', answer(429, errorInfo), 429, 'wrong code number 6')).toBeUndefined();
    const accepted = refusedWithStatus('PWL-014', answer(200, sendBody), 400, 'wrong code number 3');
    expect(accepted?.rule).toBe('PWL-014');
    expect(accepted?.details?.[0]).toBe('wrong code number 3');
    expect(refusedWithStatus('PWL-011', answer(200, sendBody), 429)?.details).toBeUndefined();
  });

  it('passes any 4xx where the profile names no status, and fails an acceptance or a server error', () => {
    expect(refusedWithClientError('PWL-005', answer(400, errorInfo))).toBeUndefined();
    expect(refusedWithClientError('PWL-005', answer(422, errorInfo))).toBeUndefined();
    expect(refusedWithClientError('PWL-005', answer(200, sendBody))?.received).toBe('200');
    expect(refusedWithClientError('PWL-005', answer(500, ''))?.rule).toBe('PWL-005');
  });

  it('passes an undeclared error with an ErrorInfo body, and fails an empty, bare or malformed one', () => {
    expect(undeclaredErrorHasErrorInfo('PWL-017', answer(429, errorInfo), registry)).toBeUndefined();
    for (const bad of [
      answer(429, ''),
      answer(400, '', ''),
      answer(400, { message: 'bad request' }),
      answer(400, { error_code: '' }),
      answer(400, { error_code: 42 }),
      answer(400, 'Bad Request', 'text/plain'),
    ]) {
      expect(undeclaredErrorHasErrorInfo('PWL-017', bad, registry)?.rule).toBe('PWL-017');
    }
  });
});
