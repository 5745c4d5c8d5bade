import { describe, expect, it } from 'vitest';
import { callbackOfLength, redirectUriCases } from '../../fixtures/corpora/redirect-uris.js';
import { defaultProfile, type RedirectSettings } from '../../src/config/profile.js';
import { redirectUriViolations, splitUri } from '../../src/oracles/redirect-uri.js';
import type { RuleId } from '../../src/rules/catalogue.js';

const profile = (overrides: Partial<RedirectSettings>): RedirectSettings => ({
  ...defaultProfile.redirects,
  ...overrides,
});
const shown = (uri: string) => (uri.length > 60 ? `${uri.slice(0, 40)}… (${uri.length} characters)` : uri);

describe('documented examples (RDR-003..RDR-016, EPT-001)', () => {
  for (const { uri, kind, type, expected, source, note } of redirectUriCases) {
    const verdict = expected.length === 0 ? 'valid' : expected.join(' + ');
    it(`${source}: ${shown(uri)} as ${type} in ${kind} is ${verdict}${note ? ` (${note})` : ''}`, () => {
      expect(redirectUriViolations(uri, kind, type)).toEqual(expected);
    });
  }

  it('every example is given in both environment kinds', () => {
    const key = (c: (typeof redirectUriCases)[number]) => `${c.source} ${c.type} ${c.uri}`;
    const kinds = new Map<string, string[]>();
    for (const c of redirectUriCases) kinds.set(key(c), [...(kinds.get(key(c)) ?? []), c.kind]);
    for (const [example, seen] of kinds) expect(seen.sort(), example).toEqual(['development', 'production']);
  });

  it('every rule of the validity tables has an example', () => {
    const sources = new Set(redirectUriCases.map((c) => c.source));
    const tableRules = Array.from({ length: 14 }, (_, i) => `RDR-${String(i + 3).padStart(3, '0')}`);
    for (const rule of [...tableRules, 'EPT-001']) expect(sources.has(rule as RuleId), rule).toBe(true);
  });
});

describe('several independent mistakes are each reported', () => {
  it('http, localhost, query and fragment in production: RDR-004, RDR-005, RDR-008, RDR-009', () => {
    expect(redirectUriViolations('http://localhost:3000/cb?x=1#top', 'production')).toEqual([
      'RDR-004',
      'RDR-005',
      'RDR-008',
      'RDR-009',
    ]);
  });

  it('a relative reference still reports its query and its length (RDR-007, RDR-008, RDR-010)', () => {
    expect(redirectUriViolations(`/cb?x=${'y'.repeat(300)}`, 'development')).toEqual(['RDR-007', 'RDR-008', 'RDR-010']);
  });

  it('the result is sorted and has no duplicates', () => {
    const found = redirectUriViolations('http://auth.*.*.com/*?q#f', 'production', 'initiate_login');
    expect(found).toEqual([...new Set(found)].sort());
  });
});

describe('absolute URIs only (RDR-010)', () => {
  it.each([
    '',
    '//yourapp.com/callback',
    'localhost:3000/callback',
    'yourapp.com:8443/callback',
    'yourapp.com:8443',
    'https:///callback',
    'http:callback',
    '1app://callback',
  ])('%j is not absolute', (uri) => {
    expect(redirectUriViolations(uri, 'development')).toEqual(['RDR-010']);
  });

  it('an upper-case scheme is still the same scheme', () => {
    expect(redirectUriViolations('HTTPS://YourApp.com/callback', 'production')).toEqual([]);
    expect(redirectUriViolations('HTTP://yourapp.com/callback', 'production')).toEqual(['RDR-004']);
  });
});

describe('custom schemes (RDR-011, G-06)', () => {
  it.each(['javascript:alert(1)', 'data:text/html,hi', 'file:///etc/passwd', 'vbscript:msgbox'])(
    '%j is on the default deny list in both kinds',
    (uri) => {
      expect(redirectUriViolations(uri, 'development')).toEqual(['RDR-011']);
      expect(redirectUriViolations(uri, 'production')).toEqual(['RDR-011']);
    },
  );

  it('a reverse-DNS scheme with a single slash (RFC 8252 §7.1) passes under the default allow list', () => {
    expect(redirectUriViolations('com.example.app:/oauth2redirect', 'production')).toEqual([]);
  });

  it('with an explicit allow list, other custom schemes are refused; http and https are not affected', () => {
    const only = profile({ customSchemeAllowList: ['myapp'] });
    expect(redirectUriViolations('myapp://callback', 'production', 'callback', only)).toEqual([]);
    expect(redirectUriViolations('otherapp://callback', 'production', 'callback', only)).toEqual(['RDR-011']);
    expect(redirectUriViolations('https://yourapp.com/cb', 'production', 'callback', only)).toEqual([]);
  });

  it('a custom-scheme URI naming localhost is not a web localhost URI (RDR-005 is about web hosts)', () => {
    expect(redirectUriViolations('myapp://localhost/callback', 'production')).toEqual([]);
  });
});

describe('localhost (RDR-005, G-05)', () => {
  it.each([
    'https://localhost/cb',
    'https://127.0.0.1:8080/cb',
    'https://[::1]:8080/cb',
    'https://app.localhost/cb',
    'https://LOCALHOST./cb',
  ])('%s is localhost: refused in production, accepted in development', (uri) => {
    expect(redirectUriViolations(uri, 'production')).toEqual(['RDR-005']);
    expect(redirectUriViolations(uri, 'development')).toEqual([]);
  });

  it('follows the profile list', () => {
    const none = profile({ localhostHosts: [] });
    expect(redirectUriViolations('https://localhost/cb', 'production', 'callback', none)).toEqual([]);
    expect(redirectUriViolations('https://mylocalhost.com/cb', 'production')).toEqual([]);
  });
});

describe('length limit (RDR-007, G-03)', () => {
  it('exactly the limit passes and one more fails, by default', () => {
    expect(redirectUriViolations(callbackOfLength(256), 'production')).toEqual([]);
    expect(redirectUriViolations(callbackOfLength(257), 'production')).toEqual(['RDR-007']);
  });

  it('with an exclusive limit, a URI of exactly the limit fails', () => {
    const exclusive = profile({ lengthLimitInclusive: false });
    expect(redirectUriViolations(callbackOfLength(255), 'production', 'callback', exclusive)).toEqual([]);
    expect(redirectUriViolations(callbackOfLength(256), 'production', 'callback', exclusive)).toEqual(['RDR-007']);
  });

  it('counts code points by default and UTF-8 bytes when asked', () => {
    const uri = `${callbackOfLength(250)}/é🙂é`;
    expect([...uri].length).toBe(254);
    expect(redirectUriViolations(uri, 'production')).toEqual([]);
    expect(redirectUriViolations(uri, 'production', 'callback', profile({ lengthMeasuredOn: 'utf8-bytes' }))).toEqual([
      'RDR-007',
    ]);
  });
});

describe('wildcards (RDR-006, RDR-012..RDR-015, G-04)', () => {
  const dev = (uri: string) => redirectUriViolations(uri, 'development');

  it('a whole-label or partial-label wildcard in the outermost label passes in development', () => {
    for (const uri of [
      'https://*.acmecorp.com/cb',
      'https://auth-*.acmecorp.com',
      'https://*-auth.acmecorp.com:8443',
    ]) {
      expect(dev(uri), uri).toEqual([]);
    }
  });

  it('root level: a wildcard directly above, or as, the top-level domain (RDR-012)', () => {
    expect(dev('https://*')).toEqual(['RDR-012']);
    expect(dev('https://auth-*.com')).toEqual(['RDR-012']);
    expect(dev('https://acmecorp.*')).toEqual(['RDR-012', 'RDR-015']);
  });

  it('several wildcards are RDR-013, and the first one is still judged for placement', () => {
    expect(dev('https://*.acmecorp.com:*/cb')).toEqual(['RDR-013']);
    expect(dev('https://*.acmecorp.com/*')).toEqual(['RDR-013']);
    expect(dev('https://**.acmecorp.com')).toEqual(['RDR-013']);
    expect(dev('https://acmecorp.com/*/*')).toEqual(['RDR-013', 'RDR-014']);
    expect(dev('https://auth.*.*.acmecorp.com')).toEqual(['RDR-013', 'RDR-015']);
  });

  it('outside the hostname: path, port or userinfo (RDR-014)', () => {
    expect(dev('https://acmecorp.com/callback/*')).toEqual(['RDR-014']);
    expect(dev('https://acmecorp.com:*/callback')).toEqual(['RDR-014']);
    expect(dev('https://*@acmecorp.com/callback')).toEqual(['RDR-014']);
    expect(dev('myapp:/callback/*')).toEqual(['RDR-014']);
  });

  it('only for the redirect types the profile allows (RDR-006, G-04)', () => {
    const callbackOnly = profile({ wildcardRedirectTypes: ['callback'] });
    const uri = 'https://*.acmecorp.com/cb';
    expect(redirectUriViolations(uri, 'development', 'callback', callbackOnly)).toEqual([]);
    expect(redirectUriViolations(uri, 'development', 'post_logout', callbackOnly)).toEqual(['RDR-006']);
  });

  it('a template placeholder is not a wildcard here: templates have their own oracle (C-25)', () => {
    expect(dev('https://app-{{org_slug}}.yourapp.com')).toEqual([]);
  });
});

describe('redirect types (EPT-001, C-23)', () => {
  it('initiate login in production needs https and a host that is not localhost', () => {
    expect(redirectUriViolations('myapp://login', 'production', 'initiate_login')).toEqual(['EPT-001']);
    expect(redirectUriViolations('https://127.0.0.1/login', 'production', 'initiate_login')).toEqual([
      'EPT-001',
      'RDR-005',
    ]);
  });

  it('initiate login in development follows the table alone', () => {
    expect(redirectUriViolations('http://localhost:3000/login', 'development', 'initiate_login')).toEqual([]);
    expect(redirectUriViolations('myapp://login', 'development', 'initiate_login')).toEqual([]);
  });

  it('post-logout and back-channel logout URLs follow the table alone, custom schemes included', () => {
    for (const type of ['post_logout', 'back_channel_logout'] as const) {
      expect(redirectUriViolations('myapp://logout', 'production', type), type).toEqual([]);
      expect(redirectUriViolations('http://yourapp.com/logout', 'production', type), type).toEqual(['RDR-004']);
    }
  });
});

describe('splitUri', () => {
  it('splits without normalising anything but the host case', () => {
    expect(splitUri('https://u@Auth.Example.com:8443/a/b/?q=1#f')).toEqual({
      scheme: 'https',
      authority: 'u@Auth.Example.com:8443',
      host: 'auth.example.com',
      port: '8443',
      path: '/a/b/',
      query: 'q=1',
      fragment: 'f',
    });
    expect(splitUri('https://[::1]:3000/cb')).toMatchObject({ host: '[::1]', port: '3000' });
  });
});
