// Facts the rule catalogue states about the official Node SDK rather than about a server. They cannot be checked
// against a target, so the run reports them as not checkable through the API; this test keeps them true for the
// SDK version in the lock file, and fails (the rule is then stale) when an SDK release changes them.
import { ScalekitClient } from '@scalekit-sdk/node';
import { describe, expect, it } from 'vitest';

/** Every method of every service client the SDK exposes, as `service.method`. */
function sdkMethods(): string[] {
  // The constructor only stores the credentials; nothing is fetched until a method is called.
  const sdk = new ScalekitClient('https://sdk-facts.invalid', 'skc_facts', 'not-a-secret');
  return Object.entries(sdk).flatMap(([service, client]) => {
    if (!client || typeof client !== 'object') return [];
    const prototype = Object.getPrototypeOf(client) as object;
    return Object.getOwnPropertyNames(prototype)
      .filter((name) => name !== 'constructor' && typeof (client as Record<string, unknown>)[name] === 'function')
      .map((name) => `${service}.${name}`);
  });
}

describe('facts about the Node SDK', () => {
  it('ALG-021: no SDK method lists authentication logs; the REST endpoint is the only programmatic access', () => {
    const methods = sdkMethods();
    expect(methods.length).toBeGreaterThan(20);
    expect(methods.filter((m) => /auth.?log|auth.?requests|audit/i.test(m))).toEqual([]);
  });
});
