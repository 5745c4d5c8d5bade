// The reference model of webhook retries (WHD-002, WHD-003, WHD-006..WHD-010). The docs give four schedules that
// disagree (C-03, C-04), so each is a named profile; 'seed' is the default. The mock's dispatcher schedules from
// these offsets and the suites predict attempt counts with them; neither re-implements the arithmetic.

import type { RuleId } from '../rules/catalogue.js';

export type RetryProfileName = 'seed' | 'implement-webhooks-6' | 'three-retries' | 'scim-8';

export interface RetryProfile {
  name: RetryProfileName;
  /** Delay before each retry in ms: retry n (attempt n + 1) waits `retryDelaysMs[n - 1]`. */
  retryDelaysMs: readonly number[];
  /**
   * What each delay counts from (G-19: the docs never say). 'previous': from the moment the previous attempt fell
   * due, so offsets accumulate; 'first': each delay is an offset from the first attempt.
   */
  delaysFrom: 'previous' | 'first';
  rules: readonly RuleId[];
  /** Where the numbers come from and the choices made where the source is vague. */
  note: string;
}

const second = 1_000;
const minute = 60 * second;
const hour = 60 * minute;

export const retryProfiles: Readonly<Record<RetryProfileName, RetryProfile>> = {
  seed: {
    name: 'seed',
    retryDelaysMs: [1 * minute, 5 * minute, 15 * minute],
    delaysFrom: 'previous',
    rules: ['WHD-004', 'WHD-006'],
    note: 'SEED "Retry behavior": attempt 2 after 1 minute, 3 after 5 minutes, 4 after 15 minutes (4 attempts).',
  },
  'implement-webhooks-6': {
    name: 'implement-webhooks-6',
    retryDelaysMs: [5 * second, 30 * second, 2 * minute, 5 * minute, 15 * minute],
    delaysFrom: 'previous',
    rules: ['WHD-007'],
    note:
      'implement-webhooks "Retry schedule": the immediate delivery, then 5 s, 30 s, 2 min, 5 min, 15 min. Read so ' +
      'that the stated "6 total attempts over approximately 22 minutes" holds (22 min 35 s); an extra immediate ' +
      'retry would make 7 (C-04).',
  },
  'three-retries': {
    name: 'three-retries',
    retryDelaysMs: [1 * minute, 2 * minute, 4 * minute],
    delaysFrom: 'previous',
    rules: ['WHD-008'],
    note:
      'implement-webhooks "retried up to 3 times with exponential backoff" gives no delays; this project chose ' +
      '1, 2 and 4 minutes (base 1 minute, factor 2).',
  },
  'scim-8': {
    name: 'scim-8',
    retryDelaysMs: [5 * second, 5 * minute, 30 * minute, 2 * hour, 5 * hour, 10 * hour, 10 * hour],
    delaysFrom: 'previous',
    rules: ['WHD-009'],
    note: 'SCIM quickstart: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (8 attempts; the Svix schedule).',
  },
};

export const retryProfileNames = Object.keys(retryProfiles) as RetryProfileName[];

export function isRetryProfileName(value: string): value is RetryProfileName {
  return Object.hasOwn(retryProfiles, value);
}

/** When each attempt is due, in ms after the first attempt; the first is always 0. One entry per attempt. */
export function attemptOffsets(profile: RetryProfile): number[] {
  if (profile.delaysFrom === 'first') return [0, ...profile.retryDelaysMs];
  const offsets = [0];
  for (const delay of profile.retryDelaysMs) offsets.push((offsets.at(-1) ?? 0) + delay);
  return offsets;
}

/**
 * Which receiver answers end the retries (C-06). '2xx': any 2xx (WHD-002, the default); '200-201': only 200 and
 * 201, as the SCIM quickstart's "until we receive a successful 200/201" reads.
 */
export type SuccessSet = '2xx' | '200-201';

export function isSuccess(status: number, successSet: SuccessSet = '2xx'): boolean {
  return successSet === '2xx' ? status >= 200 && status <= 299 : status === 200 || status === 201;
}

export interface AttemptCountQuery {
  /** Time since the first attempt; attempts due at or before it count. Everything when absent. */
  elapsedMs?: number;
  /**
   * The receiver's answer to each attempt in order (`responses[0]` answers attempt 1). An attempt past the end of
   * the list, or answered `undefined` (no answer, a timeout), fails.
   */
  responses?: readonly (number | undefined)[];
  successSet?: SuccessSet;
}

/**
 * How many attempts a receiver sees: every attempt due within `elapsedMs`, stopping at the first success
 * (WHD-002: no retry after a 2xx), and never more than the profile allows.
 */
export function expectedAttemptCount(profile: RetryProfile, query: AttemptCountQuery = {}): number {
  const elapsed = query.elapsedMs ?? Number.POSITIVE_INFINITY;
  let count = 0;
  for (const [index, offset] of attemptOffsets(profile).entries()) {
    if (offset > elapsed) break;
    count += 1;
    const status = query.responses?.[index];
    if (status !== undefined && isSuccess(status, query.successSet)) break;
  }
  return count;
}
