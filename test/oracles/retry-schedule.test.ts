import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attemptOffsets,
  expectedAttemptCount,
  isRetryProfileName,
  isSuccess,
  type RetryProfile,
  retryProfileNames,
  retryProfiles,
} from '../../src/oracles/retry-schedule.js';

const s = 1_000;
const min = 60 * s;
const h = 60 * min;

describe('attemptOffsets', () => {
  it('seed (WHD-006): immediately, then 1, 5 and 15 minutes after the previous attempt', () => {
    expect(attemptOffsets(retryProfiles.seed)).toEqual([0, 1 * min, 6 * min, 21 * min]);
  });

  it('implement-webhooks-6 (WHD-007): 6 attempts over about 22 minutes (C-04)', () => {
    const offsets = attemptOffsets(retryProfiles['implement-webhooks-6']);
    expect(offsets).toEqual([0, 5 * s, 35 * s, 155 * s, 455 * s, 1355 * s]);
    expect(offsets.at(-1)).toBe(22 * min + 35 * s);
  });

  it('three-retries (WHD-008): one delivery and 3 retries with doubling delays', () => {
    expect(attemptOffsets(retryProfiles['three-retries'])).toEqual([0, 1 * min, 3 * min, 7 * min]);
  });

  it('scim-8 (WHD-009): 8 attempts, the last 27 h 35 min 5 s after the first', () => {
    const offsets = attemptOffsets(retryProfiles['scim-8']);
    expect(offsets).toHaveLength(8);
    expect(offsets.slice(0, 3)).toEqual([0, 5 * s, 5 * s + 5 * min]);
    expect(offsets.at(-1)).toBe(27 * h + 35 * min + 5 * s);
  });

  it("reads the delays as offsets from the first attempt when delaysFrom is 'first'", () => {
    const fromFirst: RetryProfile = { ...retryProfiles.seed, delaysFrom: 'first' };
    expect(attemptOffsets(fromFirst)).toEqual([0, 1 * min, 5 * min, 15 * min]);
  });

  it('starts at 0 and never goes back, for every profile', () => {
    for (const name of retryProfileNames) {
      const offsets = attemptOffsets(retryProfiles[name]);
      expect(offsets[0]).toBe(0);
      expect(offsets.length).toBe(retryProfiles[name].retryDelaysMs.length + 1);
      for (const [i, offset] of offsets.entries()) if (i > 0) expect(offset).toBeGreaterThan(offsets[i - 1] ?? 0);
    }
  });
});

describe('isSuccess (C-06)', () => {
  it("'2xx' accepts every 2xx and nothing else", () => {
    for (const status of [200, 201, 202, 204, 299]) expect(isSuccess(status, '2xx'), String(status)).toBe(true);
    for (const status of [199, 300, 301, 400, 404, 410, 429, 500, 503])
      expect(isSuccess(status), String(status)).toBe(false);
  });

  it("'200-201' accepts only 200 and 201", () => {
    expect(isSuccess(200, '200-201')).toBe(true);
    expect(isSuccess(201, '200-201')).toBe(true);
    expect(isSuccess(202, '200-201')).toBe(false);
    expect(isSuccess(204, '200-201')).toBe(false);
  });
});

describe('expectedAttemptCount', () => {
  const seed = retryProfiles.seed;

  it('is every attempt of the profile for a receiver that never succeeds', () => {
    expect(expectedAttemptCount(seed)).toBe(4);
    expect(expectedAttemptCount(retryProfiles['scim-8'], { responses: [500, 500] })).toBe(8);
  });

  it('counts only attempts due by elapsedMs, inclusive', () => {
    expect(expectedAttemptCount(seed, { elapsedMs: 0 })).toBe(1);
    expect(expectedAttemptCount(seed, { elapsedMs: 1 * min - 1 })).toBe(1);
    expect(expectedAttemptCount(seed, { elapsedMs: 1 * min })).toBe(2);
    expect(expectedAttemptCount(seed, { elapsedMs: 6 * min })).toBe(3);
    expect(expectedAttemptCount(seed, { elapsedMs: 365 * 24 * h })).toBe(4);
  });

  it('stops at the first success (WHD-002)', () => {
    expect(expectedAttemptCount(seed, { responses: [500, 500, 200] })).toBe(3);
    expect(expectedAttemptCount(seed, { responses: [204] })).toBe(1);
    expect(expectedAttemptCount(seed, { responses: [undefined, 201] })).toBe(2);
  });

  it('treats 202 and 204 as failures under the 200-201 success set', () => {
    expect(expectedAttemptCount(seed, { responses: [204, 202, 201], successSet: '200-201' })).toBe(3);
  });

  it('never exceeds the number of offsets, whatever the answers and the elapsed time', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...retryProfileNames),
        fc.array(fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }), { maxLength: 10 }),
        fc.nat(),
        (name, responses, elapsedMs) => {
          const profile = retryProfiles[name];
          const count = expectedAttemptCount(profile, { responses, elapsedMs });
          expect(count).toBeGreaterThanOrEqual(1);
          expect(count).toBeLessThanOrEqual(attemptOffsets(profile).length);
        },
      ),
    );
  });
});

describe('isRetryProfileName', () => {
  it('knows the four profiles and nothing else', () => {
    expect(retryProfileNames).toEqual(['seed', 'implement-webhooks-6', 'three-retries', 'scim-8']);
    expect(isRetryProfileName('seed')).toBe(true);
    expect(isRetryProfileName('toString')).toBe(false);
    expect(isRetryProfileName('svix')).toBe(false);
  });
});
