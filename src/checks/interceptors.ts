import { decodeJwt } from 'jose';
import type { InterceptorTrigger } from '../client/control-hooks.js';
import type { Exchange } from '../client/transport.js';
import { type Failure, failure } from './failure.js';
import { answerPreview, bodyPreview, parseJsonBody } from './http.js';
import { redirectParameter, sentTo } from './redirects.js';

// Checks on auth-flow interceptors (WHS-008, OTH-001..OTH-003, OTH-005): the calls the suite's receiver recorded at
// each trigger (signed, with the documented payload) and what the flow did with the decision it was given (went on,
// stopped, showed the interceptor's or the generic message, put the claims into the access token). Pure functions
// over recorded calls and exchanges: the suites drive the target and script the receiver, these judge.

/** One call to an interceptor as the suite's receiver recorded it; `DeliveryAttempt` fits. */
export interface InterceptorCall {
  method: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The raw body, exactly as received. */
  body: string;
}

/** The suite's verifier's verdict on one call; `Verification` from src/webhooks/verify.ts fits. */
export type CallVerdict = { valid: true } | { valid: false; message: string };

/** The flows a trigger stops or lets through: a browser sign-in, a token request, a REST API request. */
export type FlowKind = 'browser' | 'token' | 'api';

const interceptorHeaders = ['interceptor-id', 'interceptor-timestamp', 'interceptor-signature'] as const;

/** OTH-003: the docs' generic end-user message, naming "support" or the configured support email. */
export const genericMessagePattern =
  /The request could not be completed due to a policy restriction\. Please contact (?:support|\S+@\S+) for assistance\./;

function describeCall(call: InterceptorCall): string[] {
  const named = (prefix: string) =>
    ['id', 'timestamp', 'signature']
      .map((part) => `${prefix}-${part}: ${call.headers[`${prefix}-${part}`] === undefined ? '(none)' : 'present'}`)
      .join(', ');
  return [named('interceptor'), named('webhook'), `body: ${bodyPreview(call.body)}`];
}

/**
 * WHS-008: the trigger's interceptor was called, and the call carries interceptor-id, interceptor-timestamp and
 * interceptor-signature and verifies (Standard Webhooks, v1, 300 s tolerance) with the registered secret on the
 * target's clock. `verdict` is the suite's verifier's on the first call (undefined when none arrived).
 */
export function interceptorCallSigned(
  rule: 'WHS-008',
  trigger: InterceptorTrigger,
  calls: readonly InterceptorCall[],
  verdict: CallVerdict | undefined,
): Failure | undefined {
  const [call] = calls;
  if (!call) return failure(rule, `${trigger} interceptor call`, 'a signed POST to the registered URL', 'no call');
  const missing = interceptorHeaders.filter((name) => !call.headers[name]);
  if (missing.length > 0) {
    return failure(
      rule,
      `${trigger} interceptor signature headers`,
      interceptorHeaders.join(', '),
      `missing ${missing.join(', ')}`,
      undefined,
      describeCall(call),
    );
  }
  if (!verdict || verdict.valid) return undefined;
  return failure(
    rule,
    `${trigger} interceptor signature`,
    'v1,<base64 HMAC-SHA256> of id.timestamp.body that verifies with the registered secret, within 300 s',
    verdict.message,
    undefined,
    describeCall(call),
  );
}

/**
 * The interceptor was called, which a test of what the target does with its answer (or its silence) needs before
 * it can judge: without a call there was nothing to time out, no decision and no claims.
 */
export function interceptorCalled(
  rule: 'OTH-002' | 'OTH-003' | 'OTH-005',
  trigger: InterceptorTrigger,
  calls: readonly InterceptorCall[],
): Failure | undefined {
  if (calls.length > 0) return undefined;
  return failure(rule, `${trigger} interceptor call`, `a POST to the registered ${trigger} interceptor`, 'no call');
}

/** Who or what a trigger's call is about: what its payload must name. */
export type CallSubject =
  | { trigger: 'PRE_SIGNUP'; email: string }
  | { trigger: 'PRE_SESSION_CREATION'; userId?: string }
  | { trigger: 'PRE_USER_INVITATION'; email: string; organizationId: string }
  | { trigger: 'PRE_M2M_TOKEN_CREATION'; clientId: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * OTH-001: the trigger's interceptor was called at its moment with the documented payload: a JSON POST whose
 * `interceptor_context` object names the subject. PRE_SIGNUP: `interceptor_context.user_email` (or `data.user.email`)
 * is the email signing up; PRE_SESSION_CREATION: `interceptor_context.user_id` is the user (the token's `sub` when
 * known). The docs show no payload for the other two: they must name the invited email and the organization, or
 * the client asking for a token, somewhere in the body.
 */
export function interceptorCalledWith(
  rule: 'OTH-001',
  calls: readonly InterceptorCall[],
  subject: CallSubject,
): Failure | undefined {
  const { trigger } = subject;
  const [call] = calls;
  if (!call) {
    return failure(
      rule,
      `${trigger} interceptor call`,
      `a POST to the ${trigger} interceptor at its moment`,
      'no call',
    );
  }
  const fail = (expected: string, received: string) =>
    failure(rule, `${trigger} interceptor payload`, expected, received, undefined, describeCall(call));
  let payload: unknown;
  try {
    payload = JSON.parse(call.body);
  } catch {
    payload = undefined;
  }
  if (call.method !== 'POST' || !isObject(payload) || !isObject(payload.interceptor_context)) {
    return fail(
      'a POST of a JSON object with an interceptor_context object',
      `${call.method} ${isObject(payload) ? 'of a JSON object without an interceptor_context object' : 'without a JSON object body'}`,
    );
  }
  const context = payload.interceptor_context;
  const text = call.body.toLowerCase();
  const names = (value: string) => text.includes(value.toLowerCase());
  switch (subject.trigger) {
    case 'PRE_SIGNUP': {
      const data = isObject(payload.data) && isObject(payload.data.user) ? payload.data.user.email : undefined;
      const email = typeof context.user_email === 'string' ? context.user_email : data;
      if (typeof email === 'string' && email.toLowerCase() === subject.email.toLowerCase()) return undefined;
      return fail(`interceptor_context.user_email ${subject.email}`, JSON.stringify(email ?? null));
    }
    case 'PRE_SESSION_CREATION': {
      const userId = context.user_id;
      if (typeof userId === 'string' && userId !== '' && (subject.userId === undefined || userId === subject.userId)) {
        return undefined;
      }
      const received = JSON.stringify(userId ?? null);
      return fail(`interceptor_context.user_id ${subject.userId ?? '(the user signing in)'}`, received);
    }
    case 'PRE_USER_INVITATION': {
      const missing = [subject.email, subject.organizationId].filter((value) => !names(value));
      if (missing.length === 0) return undefined;
      return fail('a payload naming the invited email and the organization', `none of ${missing.join(', ')}`);
    }
    case 'PRE_M2M_TOKEN_CREATION':
      if (names(subject.clientId)) return undefined;
      return fail(`a payload naming the client ${subject.clientId}`, 'no mention of it');
  }
}

/** OTH-001: a trigger's interceptor is not called where its moment is not: PRE_SIGNUP on a returning user's sign-in. */
export function interceptorNotCalled(
  rule: 'OTH-001',
  trigger: InterceptorTrigger,
  calls: readonly InterceptorCall[],
  when: string,
): Failure | undefined {
  const [call] = calls;
  if (!call) return undefined;
  return failure(rule, `${trigger} interceptor call`, `no call on ${when}`, `${calls.length} call(s)`, undefined, [
    ...describeCall(call),
  ]);
}

/** The code an authorize answer sends the browser back with; empty when none. */
const codeOf = (exchange: Exchange) => redirectParameter(exchange, 'code') ?? '';

function accessTokenOf(exchange: Exchange): string | undefined {
  const body = parseJsonBody(exchange);
  const token = body.ok && isObject(body.value) ? body.value.access_token : undefined;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/** What a flow that went on answers: a redirect with a code, 200 with an access token, a 2xx. */
const wentOn: Record<FlowKind, string> = {
  browser: 'a redirect back to the app with a code',
  token: '200 with an access_token',
  api: 'a 2xx answer',
};

function flowWentOn(kind: FlowKind, exchange: Exchange): boolean {
  if (kind === 'browser') return exchange.status >= 300 && exchange.status < 400 && codeOf(exchange) !== '';
  if (kind === 'token') return exchange.status === 200 && accessTokenOf(exchange) !== undefined;
  return exchange.status >= 200 && exchange.status < 300;
}

/**
 * The flow went on (OTH-001: the interceptor allowed it; OTH-002: the call failed and the fail policy is `allow`).
 * `why` says what the interceptor did, for the message.
 */
export function flowAllowed(
  rule: 'OTH-001' | 'OTH-002',
  kind: FlowKind,
  exchange: Exchange,
  why: string,
): Failure | undefined {
  if (flowWentOn(kind, exchange)) return undefined;
  return failure(rule, `flow after ${why}`, wentOn[kind], describeAnswer(exchange), exchange);
}

/**
 * The flow stopped (OTH-001: the interceptor denied it; OTH-002: the call failed and the fail policy is `block`): no
 * code, no token, and a 4xx (or, for the browser, a redirect without a code). A 5xx is no decision: the target broke.
 */
export function flowStopped(
  rule: 'OTH-001' | 'OTH-002',
  kind: FlowKind,
  exchange: Exchange,
  why: string,
): Failure | undefined {
  const refused = exchange.status >= 400 && exchange.status < 500;
  const redirectedWithoutCode =
    kind === 'browser' && exchange.status >= 300 && exchange.status < 400 && codeOf(exchange) === '';
  if (!flowWentOn(kind, exchange) && (refused || redirectedWithoutCode) && accessTokenOf(exchange) === undefined) {
    return undefined;
  }
  const stopped = kind === 'browser' ? 'a page or a redirect without a code' : 'a 4xx without a token';
  return failure(rule, `flow after ${why}`, `the flow stopped: ${stopped}`, describeAnswer(exchange), exchange);
}

function describeAnswer(exchange: Exchange): string {
  const to = sentTo(exchange);
  return to === undefined ? answerPreview(exchange) : `${exchange.status} to ${to.replace(/([?&]code=)[^&#]+/, '$1…')}`;
}

/** The text a person reads on a page: tags dropped, character references decoded, white space collapsed. */
export function visibleText(html: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X'))
        return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
      return named[name.toLowerCase()] ?? entity;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** Where a stopped flow tells the person why: the page's text, an error_description, an ErrorInfo's message. */
function shownTexts(exchange: Exchange): string[] {
  const texts = [visibleText(exchange.responseBody), redirectParameter(exchange, 'error_description') ?? ''];
  const body = parseJsonBody(exchange);
  if (body.ok && isObject(body.value)) {
    const { error_description: description, message, localized_message_info: localized } = body.value;
    for (const value of [description, message, isObject(localized) ? localized.message : undefined]) {
      if (typeof value === 'string') texts.push(value);
    }
  }
  return texts.map((text) => text.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/**
 * The stopped flow shows the person `expected`: the interceptor's error.message (OTH-001), or the generic
 * policy-restriction message (OTH-003, `'generic'`). Looked for in the page's text, a redirect's error_description
 * and a JSON error's message. Where an API or token answer carries it is not pinned by the docs: the suites note
 * this check's finding on those as a diagnostic.
 */
export function messageShown(
  rule: 'OTH-001' | 'OTH-003',
  exchange: Exchange,
  expected: string | 'generic',
): Failure | undefined {
  const texts = shownTexts(exchange);
  const wanted = expected === 'generic' ? undefined : expected.replace(/\s+/g, ' ').trim();
  const shown = texts.some((text) => (wanted === undefined ? genericMessagePattern.test(text) : text.includes(wanted)));
  if (shown) return undefined;
  return failure(
    rule,
    expected === 'generic' ? 'generic message' : 'interceptor message',
    expected === 'generic'
      ? '"The request could not be completed due to a policy restriction. Please contact support for assistance."'
      : JSON.stringify(expected),
    texts.length > 0
      ? texts.map((text) => JSON.stringify(bodyPreview(text, 200))).join(' / ')
      : answerPreview(exchange),
    exchange,
  );
}

/** Canonical JSON: objects with their keys sorted, so two equal claim sets compare equal as text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * OTH-005: the access token of the code exchange carries the claims the PRE_SESSION_CREATION interceptor returned
 * in response.claims under `custom_claims`, as they were. The exchange must have issued a token: the suite asserts
 * that first.
 */
export function customClaimsInAccessToken(
  rule: 'OTH-005',
  exchange: Exchange,
  claims: Record<string, unknown>,
): Failure | undefined {
  const token = accessTokenOf(exchange);
  let payload: Record<string, unknown> | undefined;
  try {
    payload = token === undefined ? undefined : decodeJwt(token);
  } catch {
    payload = undefined;
  }
  if (!payload) {
    return failure(rule, 'access token', 'a JWT access token', answerPreview(exchange), exchange);
  }
  const found = payload.custom_claims;
  if (canonical(found) === canonical(claims)) return undefined;
  const atTopLevel = Object.keys(claims).filter((key) => canonical(payload[key]) === canonical(claims[key]));
  return failure(
    rule,
    'custom_claims in the access token',
    `custom_claims ${canonical(claims)}`,
    found === undefined ? 'no custom_claims' : `custom_claims ${bodyPreview(canonical(found), 200)}`,
    undefined,
    atTopLevel.length > 0 ? [`at the token's top level instead: ${atTopLevel.join(', ')}`] : [],
  );
}
