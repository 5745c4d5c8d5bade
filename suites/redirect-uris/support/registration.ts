// Registering URIs through the `redirects` hook and judging each answer against the oracles
// (src/checks/redirects.ts decides); used by registration.test.ts.
import fc from 'fast-check';
import { onTestFinished, TestRunner } from 'vitest';
import { redirectUriWithOneViolation, validRedirectUri } from '../../../fixtures/arbitraries/redirect-uris.js';
import type { Failure } from '../../../src/checks/failure.js';
import {
  type RegistrationCase,
  type RegistrationRule,
  refusalNamesOracleRules,
  refusalNamingTally,
  registrationAgreesWithOracle,
} from '../../../src/checks/redirects.js';
import type { EnvironmentKind, RedirectType } from '../../../src/client/control-hooks.js';
import {
  assertConforms,
  assertProperty,
  conformsOrThrow,
  exchangeOf,
  noteDiagnostic,
  requireHook,
  type Target,
} from '../../../src/harness/index.js';
import { isTemplate, templateViolations } from '../../../src/oracles/redirect-template.js';
import { redirectUriViolations } from '../../../src/oracles/redirect-uri.js';
import type { RuleId } from '../../../src/rules/catalogue.js';

export const kinds: readonly EnvironmentKind[] = ['development', 'production'];
export const allTypes: readonly RedirectType[] = ['callback', 'initiate_login', 'post_logout', 'back_channel_logout'];

/** Skips unless the profile lets the suite register URIs and the target has the hooks for it. */
export async function requireRegistration(target: Target, skip: (note?: string) => never) {
  if (target.profile.redirects.registrationHook === 'never') {
    skip('precondition not met: the profile says not to use the redirects hook (redirects.registrationHook)');
  }
  await requireHook(target, 'redirects', skip);
  await requireHook(target, 'environment', skip);
}

/** The oracles' verdict on a URI; templates have their own oracle, which applies the URI rules too. */
export function oracleViolations(target: Target, { uri, kind, type }: RegistrationCase): RuleId[] {
  return isTemplate(uri)
    ? templateViolations(uri, kind, type, target.profile)
    : redirectUriViolations(uri, kind, type, target.profile.redirects);
}

/** Distinct naming mismatches kept per test: properties register hundreds of URIs, and one example of each does. */
const namingMismatchesShown = 20;

/** Per test: the first diagnostic of each (oracle's rules → rules named) pair, the pairs met, refusals in all. */
const namingLogs = new WeakMap<object, { kept: Map<string, Failure>; seen: Set<string>; total: number }>();

/**
 * Keeps a naming mismatch as a diagnostic of the current test: one example of each distinct mismatch, at most
 * `namingMismatchesShown`, and a count line when there were more.
 */
function noteNamingMismatch(rule: RegistrationRule, mismatch: Failure) {
  const task = TestRunner.getCurrentTest();
  if (!task) return;
  let log = namingLogs.get(task);
  if (!log) {
    const created = { kept: new Map<string, Failure>(), seen: new Set<string>(), total: 0 };
    namingLogs.set(task, created);
    log = created;
    // Written once the test ends, however it ends, so the count covers a property's every run.
    onTestFinished(() => {
      namingLogs.delete(task);
      const shown = [...created.kept.values()];
      const counts = { refusals: created.total, distinct: created.seen.size, shown: shown.length };
      noteDiagnostic(...shown, refusalNamingTally(rule, counts));
    });
  }
  log.total += 1;
  const key = `${mismatch.expected} → ${mismatch.received}`;
  log.seen.add(key);
  if (!log.kept.has(key) && log.kept.size < namingMismatchesShown) log.kept.set(key, mismatch);
}

/** Registers one URI (the environment already being of the case's kind) and judges the answer. */
async function registerAndJudge(target: Target, rule: RegistrationRule, c: RegistrationCase) {
  const answer = await exchangeOf(target, () => target.hooks.registerRedirects(c.type, [c.uri]));
  const oracle = oracleViolations(target, c);
  const found = registrationAgreesWithOracle(rule, c, oracle, answer, answer.exchange);
  if (found) return found;
  const mismatch = refusalNamesOracleRules(rule, c, oracle, answer, answer.exchange);
  if (mismatch) noteNamingMismatch(rule, mismatch);
  return undefined;
}

/** Registers each case in an environment of its kind; the failures, for the caller to combine. */
export async function registrationFailures(
  target: Target,
  rule: RegistrationRule,
  cases: readonly RegistrationCase[],
): Promise<Failure[]> {
  const failures: Failure[] = [];
  for (const kind of kinds) {
    const ofKind = cases.filter((c) => c.kind === kind);
    if (ofKind.length === 0) continue;
    await target.hooks.inEnvironment(kind, async () => {
      for (const c of ofKind) {
        const found = await registerAndJudge(target, rule, c);
        if (found) failures.push(found);
      }
    });
  }
  return failures;
}

export async function assertRegistrations(target: Target, rule: RegistrationRule, cases: readonly RegistrationCase[]) {
  assertConforms(...(await registrationFailures(target, rule, cases)));
}

export type GeneratedCases = fc.Arbitrary<{ uri: string; type: RedirectType }>;

/** A property over generated URIs of one kind: each is registered and judged like a documented example. */
export async function registrationProperty(
  target: Target,
  rule: RegistrationRule,
  kind: EnvironmentKind,
  cases: GeneratedCases,
  numRuns = 6,
) {
  await target.hooks.inEnvironment(kind, () =>
    assertProperty(
      fc.asyncProperty(cases, async (c) => conformsOrThrow(await registerAndJudge(target, rule, { ...c, kind }))),
      { numRuns },
    ),
  );
}

/** One-violation URIs breaking `rule`, over the given types, for one kind. */
export function violating(
  target: Target,
  rule: RuleId,
  kind: EnvironmentKind,
  types: readonly RedirectType[],
): GeneratedCases {
  return fc.oneof(
    ...types.map((type) =>
      redirectUriWithOneViolation(kind, type, target.profile.redirects)
        .filter((v) => v.rule === rule)
        .map((v) => ({ uri: v.uri, type })),
    ),
  );
}

/** Valid URIs of one kind over the given types, those `keep` lets through. */
export function valid(
  target: Target,
  kind: EnvironmentKind,
  types: readonly RedirectType[],
  keep = (_: string) => true,
): GeneratedCases {
  return fc.oneof(
    ...types.map((type) =>
      validRedirectUri(kind, type, target.profile.redirects)
        .filter(keep)
        .map((uri) => ({ uri, type })),
    ),
  );
}
