import type {
  EmailTemplateName,
  EmailTemplateSource,
  PasswordlessType,
  RedirectType,
  ScriptedLogin,
  WebhookEndpoint,
} from '../protocol/control-hooks.js';
import type { MockState } from './state.js';

// State that only the control hooks set (RUNNING.md, part 2) and the public surface reads: registered redirect
// URIs, the scripted login decision and the webhook endpoint. Kept here so the hooks and the handlers that read
// the state share one definition.

export type { PasswordlessType, RedirectType, WebhookEndpoint } from '../protocol/control-hooks.js';

export function redirectRegistry(state: MockState): Record<RedirectType, string[]> {
  return state.slice('control.redirects', () => ({
    callback: [],
    initiate_login: [],
    post_logout: [],
    back_channel_logout: [],
  }));
}

/** The login the `login` hook scripted; `/oauth/authorize` completes as this user without a login page. */
export function loginScript(state: MockState): { current?: ScriptedLogin } {
  return state.slice('control.login', () => ({}));
}

/** Custom email templates set through the `email` hook; a missing entry means the built-in default. */
export function emailTemplates(state: MockState): Partial<Record<EmailTemplateName, EmailTemplateSource>> {
  return state.slice('control.email-templates', () => ({}));
}

export function webhookEndpoint(state: MockState): { current?: WebhookEndpoint } {
  return state.slice('control.webhook-endpoint', () => ({}));
}

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

/** The invitation tokens the `initiate-login` hook handed out, which /oauth/authorize takes back (EPT-003). */
export function invitationTokens(state: MockState): Set<string> {
  return state.slice('control.invitation-tokens', () => new Set<string>());
}
