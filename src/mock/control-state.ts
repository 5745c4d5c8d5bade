import type { MockState } from './state.js';

// State that only the control hooks set (RUNNING.md, part 2) and the public surface reads: registered redirect
// URIs, the scripted login decision and the webhook endpoint. Kept here so the hooks and the handlers that read
// the state share one definition.

export const redirectTypes = ['callback', 'initiate_login', 'post_logout', 'back_channel_logout'] as const;
export type RedirectType = (typeof redirectTypes)[number];

export function redirectRegistry(state: MockState): Record<RedirectType, string[]> {
  return state.slice('control.redirects', () => ({
    callback: [],
    initiate_login: [],
    post_logout: [],
    back_channel_logout: [],
  }));
}

export interface LoginScript {
  email: string;
  decision: 'approve' | 'deny';
  organization_id?: string;
}

/** The login the `login` hook scripted; `/oauth/authorize` completes as this user without a login page. */
export function loginScript(state: MockState): { current?: LoginScript } {
  return state.slice('control.login', () => ({}));
}

export const emailTemplateNames = ['SIGNIN', 'SIGNUP'] as const;
export type EmailTemplateName = (typeof emailTemplateNames)[number];
export interface EmailTemplate {
  subject: string;
  html: string;
  text: string;
}

/** Custom email templates set through the `email` hook; a missing entry means the built-in default. */
export function emailTemplates(state: MockState): Partial<Record<EmailTemplateName, EmailTemplate>> {
  return state.slice('control.email-templates', () => ({}));
}

export interface WebhookEndpoint {
  url: string;
  secret: string;
  /** Event types to deliver; all when absent. */
  events?: string[];
}

export function webhookEndpoint(state: MockState): { current?: WebhookEndpoint } {
  return state.slice('control.webhook-endpoint', () => ({}));
}

export const passwordlessTypes = ['OTP', 'LINK', 'LINK_OTP'] as const;
export type PasswordlessType = (typeof passwordlessTypes)[number];

/** The dashboard's passwordless settings, which the API cannot change; the `passwordless` hook can. */
export interface PasswordlessSettings {
  /** PWL-007: "Verification code", "Magic link" or "Magic link + Verification code". */
  type: PasswordlessType;
  /** PWL-010: a resend issues fresh credentials and the old ones stop working. */
  regenerateOnResend: boolean;
  /** PWL-012, PWL-015: a magic link must then be verified together with its auth_request_id. */
  enforceSameBrowserOrigin: boolean;
}

export const defaultPasswordlessSettings: Readonly<PasswordlessSettings> = {
  type: 'OTP',
  regenerateOnResend: true,
  enforceSameBrowserOrigin: false,
};

export function passwordlessSettings(state: MockState): PasswordlessSettings {
  return state.slice('control.passwordless', () => ({ ...defaultPasswordlessSettings }));
}
