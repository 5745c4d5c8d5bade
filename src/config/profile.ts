// The profile: every point the docs leave open (the G-xx gaps) as a named setting with a documented default, so
// the suite never guesses silently. An implementer overrides settings in the config file under "profile"; the
// values reach the suites, the oracles and the mock alike. Setting names match the gaps' `settings` in
// src/rules/findings.ts, and a test holds the two together. The sections an oracle reads are declared, with their
// defaults, by that oracle: the oracles stay free of config, and config only composes them.

import { defaultEmailTemplateSettings, type EmailTemplateSettings } from '../oracles/email-template.js';
import { defaultRedirectTemplateSettings, type RedirectTemplateSettings } from '../oracles/redirect-template.js';
import { defaultRedirectSettings, type RedirectSettings } from '../oracles/redirect-uri.js';
import {
  isRetryProfileName,
  type RetryProfileName,
  retryProfileNames,
  type SuccessSet,
} from '../oracles/retry-schedule.js';

export type { EmailTemplateSettings } from '../oracles/email-template.js';
export type { RedirectTemplateSettings } from '../oracles/redirect-template.js';
export type { RedirectSettings, RedirectType } from '../oracles/redirect-uri.js';

export interface AuthLogSettings {
  /** G-17: how several `status` values combine (different filters always combine with AND). */
  statusCombination: 'or' | 'and';
  /** G-17: whether the email filter compares exactly or ignoring case. */
  emailMatch: 'exact' | 'case-insensitive';
  /** G-17: what `start_time` after `end_time` gets: an empty page (the inclusive bounds admit nothing) or 400. */
  invertedWindow: 'empty' | 'rejected';
  /** G-17: the page size applied when `page_size` is omitted; null: not asserted (only ALG-017's invariant). */
  defaultPageSize: number | null;
  /** G-17: the largest page the server returns whatever is asked; null: not asserted. */
  maxPageSize: number | null;
  /** G-17: page tokens are opaque (only echoed back) or page numbers as the spec examples suggest. */
  pageTokenFormat: 'opaque' | 'page-number';
  /**
   * C-22: the name of the list array. The spec says authRequests (camelCase) where every other list is snake_case;
   * a server may answer auth_requests.
   */
  listField: 'authRequests' | 'auth_requests';
  /** G-17: how far back entries are kept; null: not asserted. */
  retentionDays: number | null;
  /** G-17: what `page_size` 0 or below gets; null: not asserted. */
  nonPositivePageSize: 'default-size' | 'rejected' | null;
  /** G-18: the flows expected to create entries (authorization-code logins; others only when listed). */
  loggedFlows: ('authorization-code' | 'interceptor-deny' | 'passwordless-headless' | 'm2m')[];
  /** G-18: how long to poll for an expected entry or status change before failing. */
  pollTimeoutMs: number;
}

export interface PasswordlessApiSettings {
  /** G-13: the answer to a third send or resend within a minute; Retry-After and error_code only when set. */
  sendRateLimitStatus: number;
  sendRateLimitRetryAfter: boolean | null;
  /** A pattern the error_code must match; null: not asserted. */
  sendRateLimitErrorCode: string | null;
  /** G-14: wrong, expired or replaced code, missing auth_request_id, unknown link_token (429 stays PWL-014's). */
  verifyFailureStatus: number;
  /** G-15: what an API expires_in outside 60-3600 gets; null: the observed behaviour is only recorded. */
  expiresInOutOfRange: 'clamped' | 'rejected' | 'accepted' | null;
  /** G-16: whether magiclink_auth_uri is held to the redirect rules; null: not asserted. */
  magicLinkUriValidation: 'redirect-rules' | 'none' | null;
  /** G-16: the status when a link method is sent without magiclink_auth_uri; null: not asserted. */
  missingMagicLinkUriStatus: number | null;
  /** The documented figures: PWL-002 (seconds), PWL-011, PWL-014. */
  defaultExpiresIn: number;
  sendsPerMinute: number;
  attemptsPerWindow: number;
  attemptWindowMs: number;
}

export interface WebhookSettings {
  /** C-03, G-19: the documented retry schedule the target follows (src/oracles/retry-schedule.ts). */
  retrySchedule: RetryProfileName;
  /** G-19: non-2xx statuses after which the target does not retry; none by default. */
  nonRetriedStatuses: number[];
  /** G-19: whether a 429's Retry-After moves the next attempt; null: not asserted. */
  honourRetryAfter: boolean | null;
  /** G-19: whether each delay counts from the previous attempt or from the first. */
  delayMeasuredFrom: 'previous' | 'first';
  /** G-19, WHD-013: a retry carries the same event id and webhook-id. */
  retryKeepsIds: boolean;
  /** G-19: each attempt is signed with the time it is sent, so a late retry still verifies. */
  retryRefreshesTimestamp: boolean;
  /** G-19, WHD-010: how long the target waits for a receiver before counting the attempt as failed. */
  timeoutMs: number;
  /** G-19: whether connecting counts towards the timeout; null: not asserted. */
  timeoutIncludesConnect: boolean | null;
  /**
   * G-19: how minutes-long schedules are observed. 'clock-hook': moved through the clock hook, else the tests report
   * "precondition not met"; 'real-time': without the hook, wait for real, bounded by the schedule plus tolerance.
   */
  timeCompression: 'clock-hook' | 'real-time';
  /** How far an attempt may arrive from the moment the schedule says, in ms. */
  intervalToleranceMs: number;
  /** C-05, C-06: the receiver statuses that count as delivered. */
  successSet: SuccessSet;
  /** G-20: the signature scheme (the SDK's Standard Webhooks) and how several signatures are sent in rotation. */
  signatureScheme: 'standard-webhooks';
  multipleSignatures: 'space-separated';
  /** G-31: how far creation-order delivery is asserted: one endpoint with no failed deliveries. */
  orderingScope: 'single-endpoint-no-failures' | 'none';
  /**
   * The URL the target delivers to, when the suite's receiver is reachable only through a tunnel or proxy; null: the
   * receiver's own 127.0.0.1 address (fine for a target on the same machine).
   */
  receiverPublicUrl: string | null;
  /** The port the receiver listens on at 127.0.0.1: 0 for any free one; a fixed one for a tunnel to point at. */
  receiverPort: number;
}

export interface SchemaSettings {
  /** G-21, G-24: int64 as a number or a numeric string whatever the spec declares, or only as declared. */
  int64Encoding: 'number-or-string' | 'as-declared';
  /** G-21: whether null on an optional field is a failure. */
  strictNulls: boolean;
  /** G-29: whether requests are validated against the spec even in deliberate negative or case-folding tests. */
  requestValidation: 'skip-deliberate-negatives' | 'always';
}

export interface ErrorSettings {
  /**
   * G-23, C-21: the error envelope TOK-008 accepts: the docs' google.rpc.Status (`status`), the spec's bare
   * errdetailsErrorInfo (`errorInfo`), or either.
   */
  envelope: 'either' | 'status' | 'errorInfo';
  /**
   * G-23: the error_code values a target may send (the docs name only UNAUTHENTICATED, RATE_LIMITED and
   * TOOL_ERROR). Empty: any value; listed: another one fails TOK-008.
   */
  knownErrorCodes: string[];
}

export interface Profile {
  redirects: RedirectSettings;
  redirectTemplates: RedirectTemplateSettings;
  authLogs: AuthLogSettings;
  emailTemplates: EmailTemplateSettings;
  passwordless: PasswordlessApiSettings;
  webhooks: WebhookSettings;
  schema: SchemaSettings;
  errors: ErrorSettings;
}

export const defaultProfile: Profile = {
  redirects: defaultRedirectSettings,
  redirectTemplates: defaultRedirectTemplateSettings,
  authLogs: {
    statusCombination: 'or',
    emailMatch: 'exact',
    invertedWindow: 'empty',
    defaultPageSize: null,
    maxPageSize: null,
    pageTokenFormat: 'opaque',
    listField: 'authRequests',
    retentionDays: null,
    nonPositivePageSize: null,
    loggedFlows: ['authorization-code'],
    pollTimeoutMs: 5_000,
  },
  emailTemplates: defaultEmailTemplateSettings,
  passwordless: {
    sendRateLimitStatus: 429,
    sendRateLimitRetryAfter: null,
    sendRateLimitErrorCode: null,
    verifyFailureStatus: 400,
    expiresInOutOfRange: null,
    magicLinkUriValidation: null,
    missingMagicLinkUriStatus: null,
    defaultExpiresIn: 300,
    sendsPerMinute: 2,
    attemptsPerWindow: 5,
    attemptWindowMs: 600_000,
  },
  webhooks: {
    retrySchedule: 'seed',
    nonRetriedStatuses: [],
    honourRetryAfter: null,
    delayMeasuredFrom: 'previous',
    retryKeepsIds: true,
    retryRefreshesTimestamp: true,
    timeoutMs: 10_000,
    timeoutIncludesConnect: null,
    timeCompression: 'clock-hook',
    intervalToleranceMs: 2_000,
    successSet: '2xx',
    signatureScheme: 'standard-webhooks',
    multipleSignatures: 'space-separated',
    orderingScope: 'single-endpoint-no-failures',
    receiverPublicUrl: null,
    receiverPort: 0,
  },
  schema: {
    int64Encoding: 'number-or-string',
    strictNulls: false,
    requestValidation: 'skip-deliberate-negatives',
  },
  errors: {
    envelope: 'either',
    knownErrorCodes: [],
  },
};

/** Every setting as a dotted name, e.g. `redirects.lengthLimit`. */
export function settingNames(profile: Profile = defaultProfile): string[] {
  return Object.entries(profile).flatMap(([section, settings]) =>
    Object.keys(settings as object).map((key) => `${section}.${key}`),
  );
}

/**
 * The default profile with the overrides from a config file's "profile" object. Unknown sections or settings,
 * and values of the wrong type, are errors (returned as messages), never silently ignored.
 */
export function mergeProfile(overrides: unknown): { profile: Profile; problems: string[] } {
  const problems: string[] = [];
  const profile = structuredClone(defaultProfile);
  if (overrides === undefined) return { profile, problems };
  if (!overrides || typeof overrides !== 'object' || Array.isArray(overrides)) {
    return { profile, problems: ['"profile" must be an object of sections'] };
  }
  for (const [section, values] of Object.entries(overrides)) {
    const target = (profile as unknown as Record<string, Record<string, unknown>>)[section];
    if (!target) {
      problems.push(`unknown profile section "${section}"`);
      continue;
    }
    for (const [key, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
      if (!(key in target)) {
        problems.push(`unknown profile setting "${section}.${key}"`);
        continue;
      }
      const current = target[key];
      const sameType = Array.isArray(current)
        ? Array.isArray(value)
        : current === null || typeof current === typeof value;
      if (!sameType) {
        problems.push(
          `profile setting "${section}.${key}" must be ${Array.isArray(current) ? 'an array' : typeof current}`,
        );
        continue;
      }
      target[key] = value;
    }
  }
  if (!['either', 'status', 'errorInfo'].includes(profile.errors.envelope)) {
    problems.push('profile setting "errors.envelope" must be one of either, status, errorInfo');
  }
  if (!isRetryProfileName(profile.webhooks.retrySchedule)) {
    problems.push(`profile setting "webhooks.retrySchedule" must be one of ${retryProfileNames.join(', ')}`);
  }
  return { profile, problems };
}
