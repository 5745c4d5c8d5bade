// The control-hook protocol of the target contract (RUNNING.md, part 2): hook names and the shapes that cross the
// wire. The client (src/client/control-hooks.ts) and the mock (src/mock/handlers/conformance-hooks.ts) both speak it,
// so neither imports the other.

import type { EnvironmentKind, RedirectType } from '../oracles/redirect-uri.js';

export { redirectTypes } from '../oracles/redirect-uri.js';
export type { EnvironmentKind, RedirectType };

/** The optional control hooks of the target contract (RUNNING.md, part 2). */
export const hookNames = [
  'reset',
  'environment',
  'redirects',
  'login',
  'auth-requests',
  'email',
  'webhooks',
  'clock',
  'passwordless',
  'idle',
  'idp-initiated-login',
  'initiate-login',
  'interceptors',
  'public-clients',
  'rate-limit',
] as const;
export type HookName = (typeof hookNames)[number];

export interface SeededAuthRequest {
  status: string;
  email: string;
  timestamp: string;
  client_id?: string;
  auth_request_id?: string;
  organization_id?: string;
  connection_id?: string;
  resource_id?: string;
  workflow?: string;
}

/** A URI the `redirects` hook refused, with the rule IDs the target names (possibly none). */
export interface RejectedRedirect {
  uri: string;
  rules: string[];
}

export interface ScriptedLogin {
  email: string;
  decision: 'approve' | 'deny';
  organization_id?: string;
}

/** The two passwordless email templates the `email` hook can replace. */
export const emailTemplateNames = ['SIGNIN', 'SIGNUP'] as const;
export type EmailTemplateName = (typeof emailTemplateNames)[number];

/** A custom email template as the `email` hook takes it: JET source for each part. */
export interface EmailTemplateSource {
  subject: string;
  html: string;
  text: string;
}

/** The endpoint the `webhooks` hook registered: where the target delivers, and the secret it signs with. */
export interface WebhookEndpoint {
  url: string;
  secret: string;
  /** Event types to deliver; all when absent. */
  events?: string[];
}

/** One email as the target rendered and sent it (the `email` hook's outbox), newest last. */
export interface OutboxMessage {
  to: string;
  template: string;
  subject: string;
  html: string;
  text: string;
  sent_at: string;
  otp?: string;
  link?: string;
  /** Optional: true when sent as multipart/alternative (HTML with a text fallback). */
  multipart?: boolean;
  /** Optional: the auth request the email belongs to. */
  auth_request_id?: string;
  /** Optional: the From header as sent, e.g. `Team Acme <hi@scalekit.com>` (TPL-014). */
  from?: string;
}

/** One delivery attempt as the `webhooks` hook lists it (target contract, part 2). */
export interface DeliveryRecord {
  event_id: string;
  event_type: string;
  /** 1-based. */
  attempt: number;
  /** C-29: a failed attempt is 'Retrying' while another is to come, 'Failed' when it was the last. */
  status: 'Queued' | 'Success' | 'Failed' | 'Retrying';
  response_status?: number;
  /** RFC 3339 on the target's clock: when the attempt was queued, then when it was sent. */
  at: string;
}

/** PWL-007: "Verification code", "Magic link" or "Magic link + Verification code". */
export const passwordlessTypes = ['OTP', 'LINK', 'LINK_OTP'] as const;
export type PasswordlessType = (typeof passwordlessTypes)[number];

/** The dashboard's passwordless settings, as the `passwordless` hook (an extension of the contract) takes them. */
export interface PasswordlessSettings {
  type: PasswordlessType;
  regenerate_on_resend: boolean;
  enforce_same_browser_origin: boolean;
}

/** OTH-001: the four moments an interceptor is called at. */
export const interceptorTriggers = [
  'PRE_SIGNUP',
  'PRE_SESSION_CREATION',
  'PRE_USER_INVITATION',
  'PRE_M2M_TOKEN_CREATION',
] as const;
export type InterceptorTrigger = (typeof interceptorTriggers)[number];

/**
 * An interceptor as the `interceptors` hook registers it (the dashboard's form): where the target POSTs, the secret
 * it signs with (`whsec_...`, as for webhooks, WHS-008), how long it waits, and what it does when no valid answer
 * comes in time (OTH-002: "allow or block the flow").
 */
export interface InterceptorRegistration {
  url: string;
  secret: string;
  /** Milliseconds on the target's clock; the docs recommend 3 to 5 seconds. */
  timeout_ms: number;
  fail_policy: 'allow' | 'block';
}

/**
 * What the `initiate-login` hook asks the target to do: what it does on each occasion (EPT-002) that sends the
 * browser to the registered initiate-login URI.
 */
export const initiateLoginScenarios = [
  'expired_transaction',
  'password_reset',
  'email_verification',
  'invitation',
  'cookies_disabled',
] as const;
export type InitiateLoginScenario = (typeof initiateLoginScenarios)[number];

/** A public client (EPT-013): a single-page or native app, with no secret, that must use PKCE. */
export interface PublicClient {
  client_id: string;
  type: 'spa' | 'native';
  redirect_uris: string[];
}
