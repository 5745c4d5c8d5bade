import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redirectUriWithOneViolation, validRedirectUri } from '../../fixtures/arbitraries/redirect-uris.js';
import { defaultProfile, type RedirectSettings, type RedirectType } from '../../src/config/profile.js';
import { matchRedirectUri } from '../../src/oracles/redirect-match.js';
import { type EnvironmentKind, redirectUriViolations } from '../../src/oracles/redirect-uri.js';
import type { RuleId } from '../../src/rules/catalogue.js';

// Fixed seeds, so a run is repeatable; on failure fast-check prints the seed and the shrink path to replay.
const runs = { seed: 20260521, numRuns: 200 };
const kinds: EnvironmentKind[] = ['development', 'production'];
const types: RedirectType[] = ['callback', 'initiate_login', 'post_logout', 'back_channel_logout'];

/** A profile far from the defaults, to show the arbitraries follow the settings and not the defaults. */
const unusual: RedirectSettings = {
  ...defaultProfile.redirects,
  lengthLimit: 120,
  lengthLimitInclusive: false,
  lengthMeasuredOn: 'utf8-bytes',
  wildcardRedirectTypes: ['callback'],
  localhostHosts: ['localhost', '*.test'],
  customSchemeAllowList: ['myapp', 'com.example.app', 'javascript'],
  customSchemeDenyList: ['javascript', 'intent'],
};
const profiles = { default: defaultProfile.redirects, unusual };

for (const [name, profile] of Object.entries(profiles)) {
  describe(`redirect URI properties, ${name} profile`, () => {
    for (const kind of kinds) {
      for (const type of types) {
        const where = `${type} in ${kind}`;

        it(`a URI valid by construction has no violations (${where})`, () => {
          fc.assert(
            fc.property(validRedirectUri(kind, type, profile), (uri) => {
              expect(redirectUriViolations(uri, kind, type, profile)).toEqual([]);
            }),
            runs,
          );
        });

        it(`one violation applied to a valid URI is reported as exactly that rule (${where})`, () => {
          fc.assert(
            fc.property(redirectUriWithOneViolation(kind, type, profile), ({ uri, rule, from }) => {
              expect(redirectUriViolations(from, kind, type, profile)).toEqual([]);
              expect(redirectUriViolations(uri, kind, type, profile)).toEqual([rule]);
            }),
            runs,
          );
        });
      }
    }

    it('a URI valid in production is valid in development, for every type (RDR-003..RDR-006)', () => {
      for (const type of types) {
        fc.assert(
          fc.property(validRedirectUri('production', type, profile), (uri) => {
            expect(redirectUriViolations(uri, 'development', type, profile)).toEqual([]);
          }),
          runs,
        );
      }
    });
  });
}

describe('the one-violation arbitrary can make every violation it promises', () => {
  const rulesMade = (kind: EnvironmentKind, type: RedirectType, profile: RedirectSettings) =>
    new Set(fc.sample(redirectUriWithOneViolation(kind, type, profile), { seed: 7, numRuns: 2000 }).map((v) => v.rule));
  const always: RuleId[] = ['RDR-007', 'RDR-008', 'RDR-009', 'RDR-010', 'RDR-011'];

  it('development, callback: the wildcard placement rules', () => {
    expect([...rulesMade('development', 'callback', defaultProfile.redirects)].sort()).toEqual(
      [...always, 'RDR-012', 'RDR-013', 'RDR-014', 'RDR-015'].sort(),
    );
  });

  it('production, callback: http, localhost and any wildcard', () => {
    expect([...rulesMade('production', 'callback', defaultProfile.redirects)].sort()).toEqual(
      [...always, 'RDR-004', 'RDR-005', 'RDR-006'].sort(),
    );
  });

  it('production, initiate login: a custom scheme (EPT-001), no denied scheme since that would be two rules', () => {
    expect([...rulesMade('production', 'initiate_login', defaultProfile.redirects)].sort()).toEqual(
      ['RDR-006', 'RDR-007', 'RDR-008', 'RDR-009', 'RDR-010', 'EPT-001'].sort(),
    );
  });

  it('development, a type the profile keeps wildcards from: RDR-006', () => {
    expect(rulesMade('development', 'post_logout', unusual).has('RDR-006')).toBe(true);
  });
});

describe('matching properties (RDR-002, G-07 exact)', () => {
  const mutation = fc.record({
    at: fc.nat(),
    edit: fc.constantFrom('insert', 'delete', 'replace', 'flip-case'),
    char: fc.constantFrom('/', '.', ':', '?', '#', '-', 'a', 'A', 'z', '0', '%', '*', ' '),
  });
  const mutate = (uri: string, { at, edit, char }: { at: number; edit: string; char: string }) => {
    const i = at % (uri.length + (edit === 'insert' ? 1 : 0));
    if (edit === 'insert') return uri.slice(0, i) + char + uri.slice(i);
    if (edit === 'delete') return uri.slice(0, i) + uri.slice(i + 1);
    if (edit === 'flip-case') {
      // The first letter from position i on (wrapping round), upper-cased or lower-cased: host case is significant.
      const letters = [...uri.matchAll(/[A-Za-z]/g)].map((m) => m.index);
      const j = letters.find((k) => k >= i) ?? letters[0];
      if (j === undefined) return `${uri}/`;
      const c = uri.charAt(j);
      return uri.slice(0, j) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + uri.slice(j + 1);
    }
    const replacement = uri[i] === char ? (char === 'a' ? 'b' : 'a') : char;
    return uri.slice(0, i) + replacement + uri.slice(i + 1);
  };

  for (const kind of kinds) {
    const plain = validRedirectUri(kind, 'callback').filter((uri) => !uri.includes('*'));

    it(`a valid registered URI matches itself (${kind})`, () => {
      fc.assert(
        fc.property(plain, (uri) => {
          expect(matchRedirectUri(uri, [uri])).toBe(uri);
        }),
        runs,
      );
    });

    it(`a valid registered URI never matches a one-character change of it (${kind})`, () => {
      fc.assert(
        fc.property(plain, mutation, (uri, change) => {
          const requested = mutate(uri, change);
          expect(requested).not.toBe(uri);
          expect(matchRedirectUri(requested, [uri])).toBeUndefined();
        }),
        runs,
      );
    });
  }

  it('a one-label wildcard entry matches its * replaced by one label, and never by two', () => {
    const entry = validRedirectUri('development', 'callback').filter((uri) => uri.includes('*'));
    const piece = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,8}$/);
    fc.assert(
      fc.property(entry, piece, piece, (uri, one, two) => {
        expect(matchRedirectUri(uri.replace('*', one), [uri])).toBe(uri);
        expect(matchRedirectUri(uri.replace('*', `${one}.${two}`), [uri])).toBeUndefined();
      }),
      runs,
    );
  });
});
