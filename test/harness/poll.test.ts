import { describe, expect, it } from 'vitest';
import { pollUntil } from '../../src/harness/index.js';

describe('pollUntil', () => {
  it('reads until the condition holds and returns that reading', async () => {
    let reads = 0;
    const value = await pollUntil(
      async () => ++reads,
      (n) => n === 3,
      60_000,
    );
    expect(value).toBe(3);
    expect(reads).toBe(3);
  });

  it('returns the last reading when the budget runs out, having read at least once', async () => {
    let reads = 0;
    expect(
      await pollUntil(
        async () => ++reads,
        () => false,
        0,
      ),
    ).toBe(1);
    reads = 0;
    const last = await pollUntil(
      async () => ++reads,
      () => false,
      150,
    );
    expect(last).toBe(reads);
    // Pauses of 20, 40, 80 ms fill 150 ms in a handful of readings; a loop without pauses would read thousands of
    // times. Only an upper bound: a slow machine reads fewer times, never more.
    expect(reads).toBeGreaterThanOrEqual(2);
    expect(reads).toBeLessThan(10);
  });

  it('reads once more when the target says it is idle, and returns that reading without waiting out the budget', async () => {
    let reads = 0;
    let asked = 0;
    const value = await pollUntil(
      async () => ++reads,
      () => false,
      600_000,
      async () => ++asked >= 2,
    );
    // Asked after each reading that is not done: busy after the first, idle after the second; the third is final.
    expect({ value, reads, asked }).toEqual({ value: 3, reads: 3, asked: 2 });
  });

  it('waits to the budget as before when the idle hook fails', async () => {
    let reads = 0;
    let asked = 0;
    const last = await pollUntil(
      async () => ++reads,
      () => false,
      150,
      () => {
        asked += 1;
        return Promise.reject(new Error('control hook idle answered 500'));
      },
    );
    // Readings went on after each failed question, to the deadline.
    expect(last).toBe(reads);
    expect(reads).toBeGreaterThanOrEqual(2);
    expect(asked).toBeGreaterThanOrEqual(1);
  });
});
