import type { HttpHandler } from 'msw';
import type { components } from '../../../generated/openapi.js';
import type { EmailTemplateSettings } from '../../oracles/email-template.js';
import {
  checkTemplateVariables,
  type EmailTemplateParts,
  renderEmail,
  TemplateSyntaxError,
} from '../../oracles/email-template.js';
import { emailTemplates, type PasswordlessType, passwordlessSettings } from '../control-state.js';
import { badRequest, MockError, notFound, route } from '../route.js';
import type { MockState } from '../state.js';

type TemplateType = components['schemas']['passwordlessTemplateType'];
type SendResponse = components['schemas']['passwordlessSendPasswordlessResponse'];

/** One email the mock "sent", as rendered, for tests and the outbox hook to read the code or link from. */
export interface PasswordlessMessage {
  to: string;
  template: TemplateType;
  /** TPL-014: the managed sender, "Team <workspace name>" <hi@scalekit.com>. */
  from: string;
  subject: string;
  html: string;
  text: string;
  /** Sent as multipart/alternative: the template had both an HTML and a text body (TPL-003). */
  multipart: boolean;
  sent_at: string;
  auth_request_id: string;
  otp?: string;
  link?: string;
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
  /** Codes a resend replaced; only the `old-code-valid-after-resend` fault still accepts them. */
  replacedOtps: string[];
  linkToken?: string;
  wrongAttempts: number[];
  locked: boolean;
  verified: boolean;
}

const templates: readonly TemplateType[] = ['SIGNIN', 'SIGNUP'];

/** The values the mock's application has for the built-in variables that are not about one request (TPL-005). */
const application = {
  app_name: 'Conformance Mock',
  app_logo_url: 'https://mock.scalekit-conformance.invalid/logo.png',
  app_support_email: 'support@mock.scalekit-conformance.invalid',
  app_organization_meta_name: 'Conformance Mock',
};

/** The workspace the mock's environment belongs to: the managed sender's name is "Team " and this (TPL-014). */
const workspaceName = 'Conformance Mock';

/** The built-in default templates ("Use Scalekit template"), rendered by the same oracle as custom ones. */
const defaultTemplates: Record<TemplateType, EmailTemplateParts> = {
  SIGNIN: {
    subject: 'Sign in to {{ app_name }}',
    text:
      '{{ if user_name }}Hello {{ user_name }},{{ else }}Hello,{{ end }}\n' +
      '{{ if otp }}Your verification code is {{ otp }}.\n{{ end }}' +
      '{{ if link }}Or open this link: {{ link }}\n{{ end }}' +
      'It expires in {{ expiry_time_relative }}.',
    html:
      '<p>{{ if user_name }}Hello {{ user_name }},{{ else }}Hello,{{ end }}</p>' +
      '{{ if otp }}<p>Your verification code is <strong>{{ otp }}</strong>.</p>{{ end }}' +
      '{{ if link }}<p><a href="{{ link }}">Sign in to {{ app_name }}</a></p>{{ end }}' +
      '<p>It expires in {{ expiry_time_relative }}.</p>',
  },
  SIGNUP: {
    subject: 'Verify your email address for {{ app_name }}',
    text:
      'Welcome to {{ app_name }}.\n' +
      '{{ if otp }}Your verification code is {{ otp }}.\n{{ end }}' +
      '{{ if link }}Or open this link: {{ link }}\n{{ end }}' +
      'It expires in {{ expiry_time_relative }}.',
    html:
      '<p>Welcome to {{ app_name }}.</p>' +
      '{{ if otp }}<p>Your verification code is <strong>{{ otp }}</strong>.</p>{{ end }}' +
      '{{ if link }}<p><a href="{{ link }}">Finish signing up</a></p>{{ end }}' +
      '<p>It expires in {{ expiry_time_relative }}.</p>',
  },
};

const store = (state: MockState) =>
  state.slice('passwordless', () => ({
    requests: new Map<string, AuthRequest>(),
    byLinkToken: new Map<string, string>(),
    sendsByEmail: new Map<string, number[]>(),
    outbox: [] as PasswordlessMessage[],
  }));

/** Every passwordless email sent since the last reset, oldest first. */
export function passwordlessOutbox(state: MockState): PasswordlessMessage[] {
  return store(state).outbox;
}

const usesOtp = (type: PasswordlessType) => type === 'OTP' || type === 'LINK_OTP';
const usesLink = (type: PasswordlessType) => type === 'LINK' || type === 'LINK_OTP';

/** The template a send of this kind renders from: the one saved through the `email` hook, or the default. */
function templateFor(state: MockState, kind: TemplateType): EmailTemplateParts {
  const custom = state.has('email-templates.custom-ignored') ? undefined : emailTemplates(state)[kind];
  return custom ?? defaultTemplates[kind];
}

/** Sends and resends share one budget per address (PWL-011), on the mock clock. */
function takeSendBudget(state: MockState, email: string): void {
  if (state.has('passwordless.no-rate-limit')) return;
  const { sendsPerMinute, sendRateLimitStatus } = state.profile.passwordless;
  const now = state.clock.now();
  const sends = store(state).sendsByEmail;
  const recent = (sends.get(email) ?? []).filter((at) => at > now - 60_000);
  if (recent.length >= sendsPerMinute) {
    throw new MockError(
      sendRateLimitStatus,
      'RATE_LIMITED',
      `at most ${sendsPerMinute} emails per minute to one address`,
    );
  }
  sends.set(email, [...recent, now]);
}

function uuidLike(state: MockState): string {
  const digits = state.id('', 32);
  return [digits.slice(0, 8), digits.slice(8, 12), digits.slice(12, 16), digits.slice(16, 20), digits.slice(20)].join(
    '-',
  );
}

/** "14 days, 6 hours, 50 min", the docs' style of expiry_time_relative. */
function relativeTime(seconds: number): string {
  const minutes = Math.max(1, Math.round(seconds / 60));
  const parts: [number, string, string][] = [
    [Math.floor(minutes / 1440), 'day', 'days'],
    [Math.floor((minutes % 1440) / 60), 'hour', 'hours'],
    [minutes % 60, 'min', 'min'],
  ];
  return parts
    .filter(([count]) => count > 0)
    .map(([count, one, many]) => `${count} ${count === 1 ? one : many}`)
    .join(', ');
}

function magicLink(state: MockState, request: AuthRequest): string | undefined {
  if (!request.linkToken || !request.magiclinkAuthUri) return undefined;
  if (state.has('passwordless.link-token-fragment'))
    return `${request.magiclinkAuthUri}#link_token=${request.linkToken}`;
  const separator = request.magiclinkAuthUri.includes('?') ? '&' : '?';
  return `${request.magiclinkAuthUri}${separator}link_token=${request.linkToken}`;
}

/** The variables a send renders with: the server's built-ins, which win over custom ones of the same name. */
function variablesFor(state: MockState, request: AuthRequest, link: string | undefined): Record<string, string> {
  const builtIns: Record<string, string> = {
    ...application,
    organization_name: '',
    user_name: '',
    user_email: request.email,
    expiry_time_relative: relativeTime(request.expiresIn),
  };
  if (state.has('email-templates.built-ins-blank')) for (const name of Object.keys(builtIns)) builtIns[name] = '';
  const custom = state.has('email-templates.runtime-variables-ignored') ? {} : request.templateVariables;
  return {
    ...custom,
    ...builtIns,
    ...(request.otp ? { otp: request.otp } : {}),
    ...(link ? { link } : {}),
  };
}

/** Every `{{ if x }}` made unconditional, for the `conditionals-ignored` fault. */
function withoutConditions(template: EmailTemplateParts): EmailTemplateParts {
  const always = (part: string) =>
    part.replace(/\{\{\s*(else\s+)?if\s+[A-Za-z_]\w*\s*\}\}/g, (_, elseIf) =>
      elseIf ? '{{ else if fault_never }}' : '{{ if fault_always }}',
    );
  return { subject: always(template.subject), html: always(template.html), text: always(template.text) };
}

function renderFor(state: MockState, request: AuthRequest, link: string | undefined) {
  const template = templateFor(state, request.template);
  if (state.has('email-templates.not-rendered')) return { ...template, multipart: true };
  const variables = variablesFor(state, request, link);
  const settings: EmailTemplateSettings = {
    ...state.profile.emailTemplates,
    ...(state.has('email-templates.whitespace-spelling-ignored') ? { whitespaceInsensitive: false } : {}),
  };
  try {
    if (state.has('email-templates.conditionals-ignored')) {
      return renderEmail(withoutConditions(template), { ...variables, fault_always: 'yes' }, settings);
    }
    return renderEmail(template, variables, settings);
  } catch (error) {
    // A template the strict spelling cannot parse goes out as saved (only under the whitespace fault).
    if (error instanceof TemplateSyntaxError) return { ...template, multipart: true };
    throw error;
  }
}

function render(state: MockState, request: AuthRequest, sentAt: string): PasswordlessMessage {
  const link = magicLink(state, request);
  const rendered = renderFor(state, request, link);
  const textOnly = state.has('email-templates.text-only');
  return {
    to: request.email,
    from: state.has('email-templates.wrong-sender')
      ? `${application.app_name} <no-reply@mock.scalekit-conformance.invalid>`
      : `Team ${workspaceName} <hi@scalekit.com>`,
    template: request.template,
    subject: rendered.subject,
    html: textOnly ? '' : rendered.html,
    text: rendered.text,
    multipart: textOnly ? false : rendered.multipart,
    sent_at: sentAt,
    auth_request_id: request.id,
    ...(request.otp ? { otp: request.otp } : {}),
    ...(link ? { link } : {}),
  };
}

function newOtp(state: MockState): string {
  return state.id('', state.has('passwordless.otp-eight-digits') ? 8 : 6);
}

/** Issues fresh credentials and a new expiry, emails them, and answers in the send response shape. */
function issue(state: MockState, request: AuthRequest): SendResponse {
  const slice = store(state);
  if (request.linkToken) slice.byLinkToken.delete(request.linkToken);
  if (request.otp) request.replacedOtps.push(request.otp);
  request.otp = usesOtp(request.type) ? newOtp(state) : undefined;
  // A link only for the link methods: an OTP environment ignores a magiclink_auth_uri it was given.
  request.linkToken = usesLink(request.type) && request.magiclinkAuthUri ? uuidLike(state) : undefined;
  if (request.linkToken) slice.byLinkToken.set(request.linkToken, request.id);
  request.expiresAt = state.clock.now() + request.expiresIn * 1000;
  slice.outbox.push(render(state, request, state.nowIso()));
  return sendResponse(state, request);
}

function sendResponse(state: MockState, request: AuthRequest): SendResponse {
  const seconds = Math.floor(request.expiresAt / 1000);
  return {
    auth_request_id: request.id,
    // int64 declared as a string in the spec: Unix seconds as a decimal string.
    expires_at: String(state.has('passwordless.expires-at-wrong') ? request.expiresAt : seconds),
    expires_in: request.expiresIn,
    passwordless_type: state.has('passwordless.type-always-otp') ? 'OTP' : request.type,
  };
}

function parseExpiresIn(state: MockState, value: unknown): number {
  const fallback = state.has('passwordless.default-expiry-100') ? 100 : state.profile.passwordless.defaultExpiresIn;
  if (value === undefined || value === null || value === 0 || value === '0' || value === '') return fallback;
  const seconds = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) {
    throw badRequest('expires_in must be a whole number of seconds between 1 and 86400');
  }
  return seconds;
}

/**
 * template_variables as the send's template judges them (TPL-008..TPL-011, through the oracle): the first verdict
 * refuses the send, so nothing is emailed. Seeded faults forget one rule each.
 */
function parseTemplateVariables(state: MockState, kind: TemplateType, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('template_variables must be an object');
  const supplied = value as Record<string, unknown>;
  const settings = state.profile.emailTemplates;
  const judged = {
    ...settings,
    ...(state.has('email-templates.31-variables-accepted') ? { maxVariables: settings.maxVariables + 1 } : {}),
  };
  const forgotten = (rule: string, reason: string) =>
    (rule === 'TPL-011' && state.has('email-templates.missing-variable-accepted')) ||
    (rule === 'TPL-010' && state.has('email-templates.reserved-name-accepted')) ||
    (rule === 'TPL-008' && reason.includes('not a string') && state.has('email-templates.non-string-accepted'));
  const verdict = checkTemplateVariables(templateFor(state, kind), supplied, judged).find(
    (v) => !forgotten(v.rule, v.reason),
  );
  if (verdict) {
    throw new MockError(verdict.expectedStatus, 'INVALID_ARGUMENT', `template_variables: ${verdict.reason}`);
  }
  // The fault takes an empty string for a value never given.
  const empty = Object.entries(supplied).find(([, item]) => item === '');
  if (empty && state.has('email-templates.empty-value-refused')) {
    throw badRequest(`template_variables: "${empty[0]}" has no value`);
  }
  // Reserved names are the server's own: were one accepted (a fault), the built-in value still renders.
  return Object.fromEntries(Object.entries(supplied).map(([key, item]) => [key, String(item)]));
}

function parseSend(state: MockState, body: Record<string, unknown>): AuthRequest {
  const { email, template, state: clientState, magiclink_auth_uri: magicLink } = body;
  if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw badRequest('email must be a valid email address');
  }
  if (template === undefined && state.has('passwordless.send-requires-template')) {
    throw badRequest('template is required');
  }
  const checkTemplate = !state.has('passwordless.template-unchecked');
  if (checkTemplate && template !== undefined && !templates.includes(template as TemplateType)) {
    throw badRequest(`template must be one of ${templates.join(', ')}`);
  }
  const kind: TemplateType = templates.includes(template as TemplateType) ? (template as TemplateType) : 'SIGNIN';
  if (clientState !== undefined && typeof clientState !== 'string') throw badRequest('state must be a string');
  if (magicLink !== undefined && magicLink !== '') {
    if (typeof magicLink !== 'string' || !/^https?:\/\/[^\s/?#]+/i.test(magicLink)) {
      throw badRequest('magiclink_auth_uri must be an absolute http(s) URL');
    }
  }
  const type = passwordlessSettings(state).type;
  if (usesLink(type) && !magicLink && !state.has('passwordless.link-without-uri-accepted'))
    throw badRequest(`magiclink_auth_uri is required for passwordless type ${type}`);
  return {
    id: state.secret(50),
    email,
    template: kind,
    type,
    ...(clientState !== undefined ? { state: clientState } : {}),
    expiresIn: parseExpiresIn(state, body.expires_in),
    expiresAt: 0,
    ...(typeof magicLink === 'string' && magicLink !== '' ? { magiclinkAuthUri: magicLink } : {}),
    templateVariables: parseTemplateVariables(state, kind, body.template_variables),
    replacedOtps: [],
    wrongAttempts: [],
    locked: false,
    verified: false,
  };
}

function tooManyAttempts(): MockError {
  return new MockError(429, 'RESOURCE_EXHAUSTED', 'too many failed attempts; start again with a new send');
}

/** A refusal of a verification (G-14): the profile's status for wrong, expired or replaced credentials. */
function verifyFailure(state: MockState, message: string): MockError {
  return new MockError(state.profile.passwordless.verifyFailureStatus, 'INVALID_ARGUMENT', message);
}

/** Runs a resolver; under the `bare-error-bodies` fault its refusals lose their ErrorInfo body. */
async function refusing<T>(state: MockState, resolve: () => T | Promise<T>): Promise<T | Response> {
  try {
    return await resolve();
  } catch (error) {
    if (error instanceof MockError && state.has('passwordless.bare-error-bodies')) {
      return new Response(null, { status: error.status });
    }
    throw error;
  }
}

function verify(state: MockState, input: Record<string, unknown>) {
  const { code, link_token: linkToken, auth_request_id: authRequestId } = input;
  const slice = store(state);
  let request: AuthRequest | undefined;
  if (typeof linkToken === 'string' && linkToken !== '') {
    const id = slice.byLinkToken.get(linkToken);
    request = id === undefined ? undefined : slice.requests.get(id);
    if (!request) throw verifyFailure(state, 'the magic link is invalid or has been replaced');
    const sameBrowser =
      passwordlessSettings(state).enforceSameBrowserOrigin && !state.has('passwordless.same-browser-not-enforced');
    if (sameBrowser && authRequestId !== request.id) {
      throw verifyFailure(
        state,
        'this magic link must be verified with the auth_request_id of the browser that asked for it',
      );
    }
    // The fault asks for an auth_request_id as the code path does, whatever the same-browser setting.
    const missingId = typeof authRequestId !== 'string' || authRequestId === '';
    if (missingId && state.has('passwordless.link-needs-auth-request-id')) {
      throw verifyFailure(state, 'auth_request_id is required to verify a magic link');
    }
  } else if (typeof code === 'string' && code !== '') {
    if (typeof authRequestId !== 'string' || authRequestId === '') {
      if (!state.has('passwordless.code-without-request-id')) {
        throw verifyFailure(state, 'auth_request_id is required to verify a code');
      }
      request = [...slice.requests.values()].find((r) => r.otp === code && !r.verified);
      if (!request) throw verifyFailure(state, 'the verification code is incorrect');
    } else {
      request = slice.requests.get(authRequestId);
      if (!request) throw notFound(`auth request ${authRequestId}`);
    }
  } else {
    throw verifyFailure(state, 'either code with auth_request_id, or link_token, is required');
  }

  if (request.verified) throw verifyFailure(state, 'this auth request has already been verified');
  const now = state.clock.now();
  const { attemptsPerWindow, attemptWindowMs } = state.profile.passwordless;
  if (!state.has('passwordless.no-attempt-limit')) {
    request.wrongAttempts = request.wrongAttempts.filter((at) => at > now - attemptWindowMs);
    if (request.locked || request.wrongAttempts.length >= attemptsPerWindow) {
      request.locked = true;
      throw tooManyAttempts();
    }
  }
  if (now >= request.expiresAt) throw verifyFailure(state, 'the code or link has expired');
  if (linkToken === undefined || linkToken === '') {
    const replaced =
      state.has('passwordless.old-code-valid-after-resend') && request.replacedOtps.includes(String(code));
    if (!replaced && (!request.otp || code !== request.otp)) {
      request.wrongAttempts.push(now);
      throw verifyFailure(state, 'the verification code is incorrect');
    }
  }
  request.verified = true;
  return {
    status: 200 as const,
    body: {
      email: request.email,
      ...(state.has('passwordless.verify-template-missing') ? {} : { template: request.template }),
      passwordless_type: request.type,
      ...(request.state !== undefined && !state.has('passwordless.state-dropped') ? { state: request.state } : {}),
    },
  };
}

/** Passwordless email: send, resend and verify, with the documented rate and attempt limits. */
export function passwordlessHandlers(state: MockState): HttpHandler[] {
  return [
    route(state, 'post', '/api/v1/passwordless/email/send', ({ body }) =>
      refusing(state, () => {
        const request = parseSend(state, body as Record<string, unknown>);
        takeSendBudget(state, request.email.toLowerCase());
        store(state).requests.set(request.id, request);
        return { status: 200 as const, body: issue(state, request) };
      }),
    ),

    route(state, 'post', '/api/v1/passwordless/email/resend', ({ body }) =>
      refusing(state, () => {
        const id = (body as Record<string, unknown>).auth_request_id;
        if (typeof id !== 'string' || id === '') throw badRequest('auth_request_id is required');
        const request = store(state).requests.get(id);
        if (!request) throw notFound(`auth request ${id}`);
        if (request.verified) throw badRequest('this auth request has already been verified');
        if (request.locked) throw tooManyAttempts();
        takeSendBudget(state, request.email.toLowerCase());
        if (state.has('passwordless.resend-shape')) {
          const { passwordless_type: _, ...rest } = sendResponse(state, request);
          store(state).outbox.push(render(state, request, state.nowIso()));
          return { status: 200 as const, body: rest };
        }
        if (passwordlessSettings(state).regenerateOnResend)
          return { status: 200 as const, body: issue(state, request) };
        // Without regeneration the same credentials are sent again, with a new expiry.
        request.expiresAt = state.clock.now() + request.expiresIn * 1000;
        store(state).outbox.push(render(state, request, state.nowIso()));
        return { status: 200 as const, body: sendResponse(state, request) };
      }),
    ),

    route(state, 'post', '/api/v1/passwordless/email/verify', ({ body }) =>
      refusing(state, () => verify(state, body as Record<string, unknown>)),
    ),
  ];
}
