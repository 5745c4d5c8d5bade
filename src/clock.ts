// Time is injected everywhere (token expiry, log timestamps, later webhook retries), so tests move it by hand
// instead of sleeping.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that runs with another clock but can be moved ahead: the mock's clock, which the `clock` control hook
 * advances. Time never goes back.
 */
export class OffsetClock implements Clock {
  readonly #base: Clock;
  #offset = 0;
  constructor(base: Clock) {
    this.#base = base;
  }
  now(): number {
    return this.#base.now() + this.#offset;
  }
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock can only move forward, got ${ms} ms`);
    this.#offset += ms;
  }
}

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start: number | Date = Date.UTC(2026, 0, 1)) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock can only move forward, got ${ms} ms`);
    this.#now += ms;
  }
}
