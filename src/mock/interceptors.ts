import { bypass } from 'msw';
import type { InterceptorRegistration, InterceptorTrigger } from '../protocol/control-hooks.js';
import type { MockState } from './state.js';
import { signDelivery } from './webhooks/signing.js';

// Auth-flow interceptors (OTH-001..OTH-005, WHS-008): what the `interceptors` hook registers, and the call the mock
// makes at each trigger. The call is a POST of a JSON payload signed like a webhook delivery (Standard Webhooks)
// under `interceptor-id`, `interceptor-timestamp` and `interceptor-signature`; the flow waits for the answer.
// The wait is measured on the mock's clock, as the webhook dispatcher's delivery timeout is: the clock hook can
// time out a silent interceptor without anyone waiting in real time. No valid answer in time (a timeout, a refused
// connection, a non-2xx status, a body that is not a decision) is a failure, which the fail policy turns into ALLOW
// (`allow`) or into a DENY with the generic message (`block`, OTH-002, OTH-003).

/** What a trigger's interceptor decided, or the fail policy decided for it. */
export type InterceptorOutcome =
  | { decision: 'ALLOW'; claims?: Record<string, unknown> }
  | { decision: 'DENY'; message: string };

/** OTH-003: what the end user sees on a DENY without error.message, or on a failure under fail-closed. */
export const genericInterceptorMessage =
  'The request could not be completed due to a policy restriction. Please contact support for assistance.';

/** What the `interceptors.generic-message-wrong` fault shows instead. */
const wrongGenericMessage = 'Access denied.';

/** Real time an answer already on its way gets once the clock hook moved the mock's clock past the deadline. */
const graceMs = 250;
/** How often the wait looks at the mock's clock, which the clock hook may move at any moment. */
const clockPollMs = 20;
/** The most of an answer the mock reads: a decision and a few claims. */
const maxAnswerBytes = 64 * 1024;

export function interceptorRegistry(state: MockState): Partial<Record<InterceptorTrigger, InterceptorRegistration>> {
  return state.slice('control.interceptors', () => ({}));
}

/** The trigger's own part of the payload: the documented `interceptor_context`, and `data` describing the subject. */
export interface InterceptorPayload {
  context: Record<string, unknown>;
  data: Record<string, unknown>;
}

/** Calls the trigger's interceptor, if one is registered, and waits for its decision; ALLOW without one. */
export async function callInterceptor(
  state: MockState,
  trigger: InterceptorTrigger,
  payload: InterceptorPayload,
): Promise<InterceptorOutcome> {
  const registration = interceptorRegistry(state)[trigger];
  if (!registration) return { decision: 'ALLOW' };
  const sentAt = state.clock.now();
  const id = state.id('itc_', 20);
  const body = JSON.stringify({
    id,
    trigger,
    environment_id: state.environmentId,
    timestamp: new Date(sentAt).toISOString(),
    interceptor_context: payload.context,
    data: payload.data,
  });
  const signed = signDelivery({ id, timestampSeconds: Math.floor(sentAt / 1000), body, secret: registration.secret });
  // WHS-008: the webhook scheme under the interceptor's own header names; the fault keeps the webhook names.
  const signature = state.has('interceptors.webhook-headers')
    ? signed
    : {
        'interceptor-id': signed['webhook-id'],
        'interceptor-timestamp': signed['webhook-timestamp'],
        'interceptor-signature': signed['webhook-signature'],
      };
  const answer = await send(state, registration, { 'content-type': 'application/json', ...signature }, body, sentAt);
  return outcomeOf(state, registration, readDecision(answer));
}

type Decision = { decision: 'ALLOW'; claims?: Record<string, unknown> } | { decision: 'DENY'; message?: string };

function outcomeOf(
  state: MockState,
  registration: InterceptorRegistration,
  decision: Decision | undefined,
): InterceptorOutcome {
  const generic = state.has('interceptors.generic-message-wrong') ? wrongGenericMessage : genericInterceptorMessage;
  if (!decision) {
    // OTH-002: the fail policy decides; the fault lets a failed call through under `block` too.
    if (registration.fail_policy === 'allow' || state.has('interceptors.block-fails-open'))
      return { decision: 'ALLOW' };
    return { decision: 'DENY', message: generic };
  }
  if (decision.decision === 'ALLOW') return decision;
  // OTH-001: DENY stops the flow; the fault carries on as if the interceptor had allowed it.
  if (state.has('interceptors.deny-ignored')) return { decision: 'ALLOW' };
  return { decision: 'DENY', message: decision.message ?? generic };
}

/**
 * The decision an answer carries (OTH-001: HTTP 2xx, `{"decision": "ALLOW" | "DENY", "error"?: {"message"},
 * "response"?: {"claims"}}`), or undefined when it carries none: no answer, another status, not such a JSON object.
 */
function readDecision(answer: { status: number; text: string } | undefined): Decision | undefined {
  if (!answer || answer.status < 200 || answer.status > 299) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.text);
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  if (parsed.decision === 'DENY') {
    const message = isObject(parsed.error) ? parsed.error.message : undefined;
    // An empty or non-string message is no message: the user then sees the generic one.
    return typeof message === 'string' && message.trim() !== '' ? { decision: 'DENY', message } : { decision: 'DENY' };
  }
  if (parsed.decision !== 'ALLOW') return undefined;
  if (parsed.response === undefined) return { decision: 'ALLOW' };
  if (!isObject(parsed.response)) return undefined;
  const claims = parsed.response.claims;
  if (claims === undefined) return { decision: 'ALLOW' };
  return isObject(claims) ? { decision: 'ALLOW', claims } : undefined;
}

const pending = Symbol('pending');

/**
 * POSTs the call and waits for the answer until `timeout_ms` has passed on the mock's clock (which runs with real
 * time, and which the clock hook moves ahead). Once the clock hook has moved it past the deadline, an answer already
 * on its way gets a moment to arrive (target contract, clock hook); then the call is given up. Undefined: no answer.
 */
async function send(
  state: MockState,
  registration: InterceptorRegistration,
  headers: Record<string, string>,
  body: string,
  sentAt: number,
): Promise<{ status: number; text: string } | undefined> {
  const controller = new AbortController();
  const deadline = sentAt + registration.timeout_ms;
  const startedAt = Date.now();
  const answer = post(registration.url, { method: 'POST', headers, body, signal: controller.signal }).catch(
    () => undefined,
  );
  const within = async (ms: number) => {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<typeof pending>((resolve) => {
      timer = setTimeout(() => resolve(pending), ms);
    });
    try {
      return await Promise.race([answer, waited]);
    } finally {
      clearTimeout(timer);
    }
  };
  for (;;) {
    const got = await within(clockPollMs);
    if (got !== pending) return got;
    if (state.clock.now() < deadline) continue;
    // Moved past the deadline by the clock hook rather than by real time: an answer on its way is finished first.
    const late = Date.now() - startedAt < registration.timeout_ms ? await within(graceMs) : pending;
    controller.abort(new Error(`interceptor did not answer within ${registration.timeout_ms} ms`));
    return late === pending ? undefined : late;
  }
}

/**
 * A real HTTP request from the mock to the interceptor, its answer read (up to `maxAnswerBytes`). In-process, msw's
 * setupServer intercepts the mock's own fetch; `bypass` lets it through, as the webhook dispatcher does.
 */
async function post(url: string, init: RequestInit): Promise<{ status: number; text: string }> {
  const request: RequestInit = { ...init, redirect: 'manual' };
  const response = await fetch(mswInterceptsFetch() ? bypass(url, request) : new Request(url, request));
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, text: bytes.subarray(0, maxAnswerBytes).toString('utf8') };
}

function mswInterceptsFetch(): boolean {
  // The key under which @mswjs/interceptors registers its applied fetch interceptor on globalThis.
  return (globalThis as Record<symbol, unknown>)[Symbol.for('fetch-interceptor')] !== undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
