import type { HttpHandler } from 'msw';
import type { components } from '../../../generated/openapi.js';
import { badRequest, MockError, notFound, route } from '../route.js';
import type { MockState } from '../state.js';

type PasswordlessType = components['schemas']['authpasswordlessPasswordlessType'];
type TemplateType = components['schemas']['passwordlessTemplateType'];
type SendResponse = components['schemas']['passwordlessSendPasswordlessResponse'];

/** One email the mock "sent", for tests and hooks to read the code or link from. */
export interface PasswordlessMessage {
  to: string;
  template: TemplateType;
  subject: string;
  html: string;
  text: string;
  sent_at: string;
  auth_request_id: string;
  otp?: string;
  link?: string;
}

/** The dashboard's passwordless settings, which the API cannot change; hooks and tests may. */
export interface PasswordlessSettings {
  type: PasswordlessType;
  regenerateOnResend: boolean;
  /** A magic link must then be verified together with its auth_request_id (PWL-012, PWL-015). */
  enforceSameBrowserOrigin: boolean;
}

interface AuthRequest {
  id: string;
  email: string;
  template: TemplateType;
  type: PasswordlessType;
  state?: string;
  expiresIn: number;
  expiresAt: number;
  magiclinkAuthUri?: string;
  templateVariables: Record<string, string>;
  otp?: string;
  linkToken?: string;
  wrongAttempts: number[];
  locked: boolean;
  verified: boolean;
}

const templates: readonly TemplateType[] = ['SIGNIN', 'SIGNUP'];
const reservedVariables = new Set(['otp', 'expiry_time_relative', 'link', 'expire_time', 'expiry_time']);
const maxTemplateVariables = 30;
const defaultExpiresIn = 300;
const sendLimit = { count: 2, windowMs: 60_000 };
const attemptLimit = { count: 5, windowMs: 10 * 60_000 };

const store = (state: MockState) =>
  state.slice('passwordless', () => ({
    settings: { type: 'OTP', regenerateOnResend: true, enforceSameBrowserOrigin: false } as PasswordlessSettings,
    requests: new Map<string, AuthRequest>(),
    byLinkToken: new Map<string, string>(),
    sendsByEmail: new Map<string, number[]>(),
    outbox: [] as PasswordlessMessage[],
  }));

/** Every passwordless email sent since the last reset, oldest first. */
export function passwordlessOutbox(state: MockState): PasswordlessMessage[] {
  return store(state).outbox;
}

export function passwordlessSettings(state: MockState): PasswordlessSettings {
  return store(state).settings;
}

const usesOtp = (type: PasswordlessType) => type === 'OTP' || type === 'LINK_OTP';
const usesLink = (type: PasswordlessType) => type === 'LINK' || type === 'LINK_OTP';

/** Sends and resends share one budget per address: 2 per 60 s on the mock clock (PWL-011). */
function takeSendBudget(state: MockState, email: string): void {
  const now = state.clock.now();
  const sends = store(state).sendsByEmail;
  const recent = (sends.get(email) ?? []).filter((at) => at > now - sendLimit.windowMs);
  if (recent.length >= sendLimit.count) {
    throw new MockError(429, 'RATE_LIMITED', `at most ${sendLimit.count} emails per minute to one address`);
  }
  sends.set(email, [...recent, now]);
}

function uuidLike(state: MockState): string {
  const digits = state.id('', 32);
  return [digits.slice(0, 8), digits.slice(8, 12), digits.slice(12, 16), digits.slice(16, 20), digits.slice(20)].join(
    '-',
  );
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`);

/** A plain built-in rendering; custom email templates belong to the email-template module. */
function render(request: AuthRequest, sentAt: string): PasswordlessMessage {
  const minutes = Math.max(1, Math.round(request.expiresIn / 60));
  const link =
    request.linkToken && request.magiclinkAuthUri
      ? `${request.magiclinkAuthUri}${request.magiclinkAuthUri.includes('?') ? '&' : '?'}link_token=${request.linkToken}`
      : undefined;
  const subject = request.template === 'SIGNUP' ? 'Verify your email address' : 'Your sign-in link and code';
  const lines = [
    request.template === 'SIGNUP' ? 'Finish signing up.' : 'Sign in to your account.',
    ...(request.otp ? [`Your verification code is ${request.otp}.`] : []),
    ...(link ? [`Or open this link: ${link}`] : []),
    `It expires in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  ];
  return {
    to: request.email,
    template: request.template,
    subject,
    text: lines.join('\n'),
    html: lines.map((line) => `<p>${escapeHtml(line)}</p>`).join(''),
    sent_at: sentAt,
    auth_request_id: request.id,
    ...(request.otp ? { otp: request.otp } : {}),
    ...(link ? { link } : {}),
  };
}

/** Issues fresh credentials and a new expiry, emails them, and answers in the send response shape. */
function issue(state: MockState, request: AuthRequest): SendResponse {
  const slice = store(state);
  if (request.linkToken) slice.byLinkToken.delete(request.linkToken);
  request.otp = usesOtp(request.type) ? state.id('', 6) : undefined;
  request.linkToken = request.magiclinkAuthUri ? uuidLike(state) : undefined;
  if (request.linkToken) slice.byLinkToken.set(request.linkToken, request.id);
  request.expiresAt = state.clock.now() + request.expiresIn * 1000;
  slice.outbox.push(render(request, state.nowIso()));
  return sendResponse(request);
}

function sendResponse(request: AuthRequest): SendResponse {
  return {
    auth_request_id: request.id,
    // int64 declared as a string in the spec: Unix seconds as a decimal string.
    expires_at: String(Math.floor(request.expiresAt / 1000)),
    expires_in: request.expiresIn,
    passwordless_type: request.type,
  };
}

function parseExpiresIn(value: unknown): number {
  if (value === undefined || value === null || value === 0 || value === '0' || value === '') return defaultExpiresIn;
  const seconds = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) {
    throw badRequest('expires_in must be a whole number of seconds between 1 and 86400');
  }
  return seconds;
}

function parseTemplateVariables(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('template_variables must be an object');
  const entries = Object.entries(value);
  if (entries.length > maxTemplateVariables) {
    throw badRequest(`template_variables may hold at most ${maxTemplateVariables} pairs`);
  }
  for (const [key, item] of entries) {
    if (reservedVariables.has(key)) throw badRequest(`template_variables.${key} is a reserved variable name`);
    if (typeof item !== 'string') throw badRequest(`template_variables.${key} must be a string`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function parseSend(state: MockState, body: Record<string, unknown>): AuthRequest {
  const { email, template, state: clientState, magiclink_auth_uri: magicLink } = body;
  if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw badRequest('email must be a valid email address');
  }
  if (template !== undefined && !templates.includes(template as TemplateType)) {
    throw badRequest(`template must be one of ${templates.join(', ')}`);
  }
  if (clientState !== undefined && typeof clientState !== 'string') throw badRequest('state must be a string');
  if (magicLink !== undefined && magicLink !== '') {
    if (typeof magicLink !== 'string' || !/^https?:\/\/[^\s/?#]+/i.test(magicLink)) {
      throw badRequest('magiclink_auth_uri must be an absolute http(s) URL');
    }
  }
  const type = passwordlessSettings(state).type;
  if (usesLink(type) && !magicLink) throw badRequest(`magiclink_auth_uri is required for passwordless type ${type}`);
  return {
    id: state.secret(50),
    email,
    template: (template as TemplateType | undefined) ?? 'SIGNIN',
    type,
    ...(clientState !== undefined ? { state: clientState } : {}),
    expiresIn: parseExpiresIn(body.expires_in),
    expiresAt: 0,
    ...(typeof magicLink === 'string' && magicLink !== '' ? { magiclinkAuthUri: magicLink } : {}),
    templateVariables: parseTemplateVariables(body.template_variables),
    wrongAttempts: [],
    locked: false,
    verified: false,
  };
}

function tooManyAttempts(): MockError {
  return new MockError(429, 'RESOURCE_EXHAUSTED', 'too many failed attempts; start again with a new send');
}

/** Passwordless email: send, resend and verify, with the documented rate and attempt limits. */
export function passwordlessHandlers(state: MockState): HttpHandler[] {
  return [
    route(state, 'post', '/api/v1/passwordless/email/send', ({ body }) => {
      const request = parseSend(state, body as Record<string, unknown>);
      takeSendBudget(state, request.email.toLowerCase());
      store(state).requests.set(request.id, request);
      return { status: 200, body: issue(state, request) };
    }),

    route(state, 'post', '/api/v1/passwordless/email/resend', ({ body }) => {
      const id = (body as Record<string, unknown>).auth_request_id;
      if (typeof id !== 'string' || id === '') throw badRequest('auth_request_id is required');
      const request = store(state).requests.get(id);
      if (!request) throw notFound(`auth request ${id}`);
      if (request.verified) throw badRequest('this auth request has already been verified');
      if (request.locked) throw tooManyAttempts();
      takeSendBudget(state, request.email.toLowerCase());
      if (passwordlessSettings(state).regenerateOnResend) return { status: 200, body: issue(state, request) };
      // Without regeneration the same credentials are sent again, with a new expiry.
      request.expiresAt = state.clock.now() + request.expiresIn * 1000;
      store(state).outbox.push(render(request, state.nowIso()));
      return { status: 200, body: sendResponse(request) };
    }),

    route(state, 'post', '/api/v1/passwordless/email/verify', ({ body }) => {
      const input = body as Record<string, unknown>;
      const { code, link_token: linkToken, auth_request_id: authRequestId } = input;
      const slice = store(state);
      let request: AuthRequest | undefined;
      if (typeof linkToken === 'string' && linkToken !== '') {
        const id = slice.byLinkToken.get(linkToken);
        request = id === undefined ? undefined : slice.requests.get(id);
        if (!request) throw badRequest('the magic link is invalid or has been replaced');
        if (slice.settings.enforceSameBrowserOrigin && authRequestId !== request.id) {
          throw badRequest(
            'this magic link must be verified with the auth_request_id of the browser that asked for it',
          );
        }
      } else if (typeof code === 'string' && code !== '') {
        if (typeof authRequestId !== 'string' || authRequestId === '') {
          throw badRequest('auth_request_id is required to verify a code');
        }
        request = slice.requests.get(authRequestId);
        if (!request) throw notFound(`auth request ${authRequestId}`);
      } else {
        throw badRequest('either code with auth_request_id, or link_token, is required');
      }

      if (request.verified) throw badRequest('this auth request has already been verified');
      const now = state.clock.now();
      request.wrongAttempts = request.wrongAttempts.filter((at) => at > now - attemptLimit.windowMs);
      if (request.locked || request.wrongAttempts.length >= attemptLimit.count) {
        request.locked = true;
        throw tooManyAttempts();
      }
      if (now >= request.expiresAt) throw badRequest('the code or link has expired');
      if (linkToken === undefined || linkToken === '') {
        if (!request.otp || code !== request.otp) {
          request.wrongAttempts.push(now);
          throw badRequest('the verification code is incorrect');
        }
      }
      request.verified = true;
      return {
        status: 200,
        body: {
          email: request.email,
          template: request.template,
          passwordless_type: request.type,
          ...(request.state !== undefined ? { state: request.state } : {}),
        },
      };
    }),
  ];
}
