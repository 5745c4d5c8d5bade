import type { TestOutcome } from '../../src/reporters/model.js';

/**
 * One test's outcome as the collector records it, for the reporters' tests: `fullName` is `describe > test`, the name
 * its last part; the file, duration and anything else come from `extra` (defaults: an auth-log suite file, 5 ms).
 */
export function testOutcome(
  fullName: string,
  state: TestOutcome['state'],
  rules: string[],
  extra: Partial<TestOutcome> = {},
): TestOutcome {
  return {
    name: fullName.split(' > ').at(-1) ?? fullName,
    fullName,
    file: 'suites/auth-logs/list.test.ts',
    state,
    rules,
    durationMs: 5,
    failures: [],
    drift: [],
    ...extra,
  };
}
