import { describe, expect, it } from 'vitest';
import { redirectMatchCases } from '../../fixtures/corpora/redirect-uris.js';
import { defaultProfile, type Profile } from '../../src/config/profile.js';
import { matchRedirectUri } from '../../src/oracles/redirect-match.js';

const withRedirects = (overrides: Partial<Profile['redirects']>): Profile => ({
  ...defaultProfile,
  redirects: { ...defaultProfile.redirects, ...overrides },
});
const withTemplates = (overrides: Partial<Profile['redirectTemplates']>): Profile => ({
  ...defaultProfile,
  redirectTemplates: { ...defaultProfile.redirectTemplates, ...overrides },
});

describe('documented matching examples (RDR-002, RDT-005, RDT-006)', () => {
  for (const { requested, registered, organization, expected, source, note } of redirectMatchCases) {
    const verdict = expected === undefined ? 'refused' : `accepted under ${expected}`;
    const scope = organization ? ` with org slug ${organization.slug}` : '';
    it(`${source}: ${requested}${scope} is ${verdict}${note ? ` (${note})` : ''}`, () => {
      expect(matchRedirectUri(requested, registered, { organization })).toBe(expected);
    });
  }
});

describe('exact matching of plain entries (RDR-002, G-07)', () => {
  const registered = ['https://yourapp.com/callback'];
  const match = (requested: string) => matchRedirectUri(requested, registered);

  it.each([
    ['a trailing slash added', 'https://yourapp.com/callback/'],
    ['the scheme changed', 'http://yourapp.com/callback'],
    ['a query added', 'https://yourapp.com/callback?x=1'],
    ['an empty query added', 'https://yourapp.com/callback?'],
    ['a fragment added', 'https://yourapp.com/callback#x'],
    ['a port added, even the default one', 'https://yourapp.com:443/callback'],
    ['a longer path', 'https://yourapp.com/callback/extra'],
    ['a path prefix only', 'https://yourapp.com/call'],
    ['the host case changed', 'https://YourApp.com/callback'],
    ['the path case changed', 'https://yourapp.com/Callback'],
    ['a trailing dot on the host', 'https://yourapp.com./callback'],
    ['a percent-encoded letter', 'https://yourapp.com/c%61llback'],
    ['a subdomain added', 'https://www.yourapp.com/callback'],
  ])('refused with %s', (_, requested) => {
    expect(match(requested)).toBeUndefined();
  });

  it('a changed port is refused', () => {
    expect(matchRedirectUri('http://localhost:3001/cb', ['http://localhost:3000/cb'])).toBeUndefined();
  });

  it('returns the first entry that accepts, and nothing for an empty list', () => {
    const entries = ['https://*.yourapp.com/cb', 'https://eu.yourapp.com/cb'];
    expect(matchRedirectUri('https://eu.yourapp.com/cb', entries)).toBe('https://*.yourapp.com/cb');
    expect(matchRedirectUri('https://eu.yourapp.com/cb', [])).toBeUndefined();
  });

  it('any loopback port, only when the profile says so (G-05, RFC 8252 §7.3)', () => {
    const anyPort = { profile: withRedirects({ loopbackAnyPort: true }) };
    expect(matchRedirectUri('http://127.0.0.1:51000/cb', ['http://127.0.0.1/cb'], anyPort)).toBe('http://127.0.0.1/cb');
    expect(matchRedirectUri('http://[::1]:51000/cb', ['http://[::1]:3000/cb'], anyPort)).toBe('http://[::1]:3000/cb');
    expect(matchRedirectUri('http://127.0.0.1:51000/cb/', ['http://127.0.0.1/cb'], anyPort)).toBeUndefined();
    expect(matchRedirectUri('https://yourapp.com:8443/cb', ['https://yourapp.com/cb'], anyPort)).toBeUndefined();
    expect(matchRedirectUri('http://127.0.0.1:51000/cb', ['http://127.0.0.1/cb'])).toBeUndefined();
  });
});

describe('wildcard entries (G-04)', () => {
  const entry = 'https://*.acmecorp.com/callback';
  const match = (requested: string, profile?: Profile) =>
    matchRedirectUri(requested, [entry], profile ? { profile } : {});

  it('by default * covers exactly one non-empty label', () => {
    expect(match('https://eu.acmecorp.com/callback')).toBe(entry);
    expect(match('https://a.eu.acmecorp.com/callback')).toBeUndefined();
    expect(match('https://acmecorp.com/callback')).toBeUndefined();
    expect(match('https://.acmecorp.com/callback')).toBeUndefined();
  });

  it('port and path must match exactly', () => {
    expect(match('https://eu.acmecorp.com/callback/')).toBeUndefined();
    expect(match('https://eu.acmecorp.com:443/callback')).toBeUndefined();
    expect(match('http://eu.acmecorp.com/callback')).toBeUndefined();
    expect(match('https://eu.acmecorp.com/callback?x=1')).toBeUndefined();
  });

  it('nothing but a host label can take the place of the *', () => {
    expect(match('https://evil.com/.acmecorp.com/callback')).toBeUndefined();
    expect(match('https://evil.com#.acmecorp.com/callback')).toBeUndefined();
    expect(match('https://evil.com@x.acmecorp.com/callback')).toBeUndefined();
    expect(match('https://evil.com:1.acmecorp.com/callback')).toBeUndefined();
  });

  it('one or more labels, and the apex, when the profile says so', () => {
    const labels = withRedirects({ wildcardSpan: 'one-or-more-labels' });
    expect(match('https://a.eu.acmecorp.com/callback', labels)).toBe(entry);
    expect(match('https://a..acmecorp.com/callback', labels)).toBeUndefined();
    const apex = withRedirects({ wildcardMatchesApex: true });
    expect(match('https://acmecorp.com/callback', apex)).toBe(entry);
    expect(match('https://.acmecorp.com/callback', apex)).toBeUndefined();
  });

  it('a partial label needs a non-empty rest unless the profile lets * match nothing', () => {
    const partial = 'https://auth-*.acmecorp.com';
    expect(matchRedirectUri('https://auth-eu.acmecorp.com', [partial])).toBe(partial);
    expect(matchRedirectUri('https://auth-.acmecorp.com', [partial])).toBeUndefined();
    expect(matchRedirectUri('https://eu-auth.acmecorp.com', [partial])).toBeUndefined();
    const empty = { profile: withRedirects({ wildcardMatchesEmpty: true }) };
    expect(matchRedirectUri('https://auth-.acmecorp.com', [partial], empty)).toBe(partial);
  });

  it('an entry whose * is not in the first host label matches nothing', () => {
    expect(matchRedirectUri('https://acmecorp.com/x', ['https://acmecorp.com/*'])).toBeUndefined();
    expect(matchRedirectUri('https://auth.eu.acmecorp.com', ['https://auth.*.acmecorp.com'])).toBeUndefined();
    expect(matchRedirectUri('https://a.b.acmecorp.com', ['https://*.*.acmecorp.com'])).toBeUndefined();
  });

  it('a requested URI with a literal * matches nothing, not even the same string', () => {
    expect(matchRedirectUri(entry, [entry])).toBeUndefined();
  });
});

describe('template entries (RDT-005, RDT-006)', () => {
  const entry = 'https://{{org_slug}}.yourapp.com/callback';
  const acme = { organization: { slug: 'acme' } };

  it('expanded with the organisation in scope, then compared exactly', () => {
    expect(matchRedirectUri('https://acme.yourapp.com/callback', [entry], acme)).toBe(entry);
    expect(matchRedirectUri('https://acme.yourapp.com/callback/', [entry], acme)).toBeUndefined();
    expect(matchRedirectUri('https://beta.yourapp.com/callback', [entry], acme)).toBeUndefined();
  });

  it('no organisation in scope, no match (RDT-006)', () => {
    expect(matchRedirectUri('https://acme.yourapp.com/callback', [entry])).toBeUndefined();
    expect(matchRedirectUri('https://acme.yourapp.com/callback', [entry], { organization: {} })).toBeUndefined();
  });

  it('a template never acts as a wildcard over partial labels (RDT-004, C-25)', () => {
    expect(matchRedirectUri('https://app-acme.yourapp.com/callback', [entry], acme)).toBeUndefined();
    const partial = 'https://app-{{org_slug}}.yourapp.com/callback';
    expect(matchRedirectUri('https://app-acme.yourapp.com/callback', [partial], acme)).toBeUndefined();
  });

  it('a requested URI with a literal {{ matches nothing, not even the same string', () => {
    expect(matchRedirectUri(entry, [entry], acme)).toBeUndefined();
  });

  it('the expanded length limit, when the profile sets one (G-08)', () => {
    const org = { organization: { slug: 'a'.repeat(40) } };
    const requested = `https://${'a'.repeat(40)}.yourapp.com/callback`;
    expect(matchRedirectUri(requested, [entry], org)).toBe(entry);
    const short = { ...org, profile: withTemplates({ expandedLengthLimit: 50 }) };
    expect(matchRedirectUri(requested, [entry], short)).toBeUndefined();
  });

  it('a template with a wildcard matches only when the profile allows the combination (G-08)', () => {
    const wild = 'https://*.{{org_slug}}.yourapp.com/cb';
    expect(matchRedirectUri('https://eu.acme.yourapp.com/cb', [wild], acme)).toBeUndefined();
    const combined = { ...acme, profile: withTemplates({ combineWithWildcards: true }) };
    expect(matchRedirectUri('https://eu.acme.yourapp.com/cb', [wild], combined)).toBe(wild);
  });
});
