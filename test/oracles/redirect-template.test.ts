import { describe, expect, it } from 'vitest';
import { redirectTemplateCases } from '../../fixtures/corpora/redirect-uris.js';
import { defaultProfile, type Profile } from '../../src/config/profile.js';
import { expandTemplate, templateViolations } from '../../src/oracles/redirect-template.js';
import { redirectUriViolations } from '../../src/oracles/redirect-uri.js';

const withTemplates = (overrides: Partial<Profile['redirectTemplates']>): Profile => ({
  ...defaultProfile,
  redirectTemplates: { ...defaultProfile.redirectTemplates, ...overrides },
});

describe('documented template examples (RDT-002..RDT-004)', () => {
  for (const { uri, kind, type, expected, source, note } of redirectTemplateCases) {
    const verdict = expected.length === 0 ? 'valid' : expected.join(' + ');
    it(`${source}: ${uri} as ${type} in ${kind} is ${verdict}${note ? ` (${note})` : ''}`, () => {
      expect(templateViolations(uri, kind, type)).toEqual(expected);
    });
  }

  it('every example is given in both environment kinds', () => {
    for (const c of redirectTemplateCases) {
      const kinds = redirectTemplateCases.filter((d) => d.uri === c.uri && d.type === c.type).map((d) => d.kind);
      expect(kinds.sort(), c.uri).toEqual(['development', 'production']);
    }
  });
});

describe('where a placeholder may sit (RDT-003, RDT-004)', () => {
  const dev = (template: string) => templateViolations(template, 'development');

  it('whole labels, the whole host and path segments pass', () => {
    for (const template of [
      'https://{{org_slug}}.{{external_id}}.yourapp.com/cb',
      'https://{{org_slug}}:8443/cb',
      'https://yourapp.com/{{org_slug}}/{{external_id}}',
      'https://yourapp.com/tenant-{{external_id}}/cb',
    ]) {
      expect(dev(template), template).toEqual([]);
    }
  });

  it('part of a DNS label is refused, whichever side the rest is on (RDT-004)', () => {
    for (const template of [
      'https://{{org_slug}}-app.yourapp.com/cb',
      'https://app{{org_slug}}.yourapp.com/cb',
      'https://{{org_slug}}{{external_id}}.yourapp.com/cb',
    ]) {
      expect(dev(template), template).toEqual(['RDT-004']);
    }
  });

  it('the opposite of wildcards: auth-* passes as a URI, app-{{org_slug}} fails as a template (C-25)', () => {
    expect(redirectUriViolations('https://auth-*.yourapp.com', 'development')).toEqual([]);
    expect(dev('https://app-{{org_slug}}.yourapp.com')).toEqual(['RDT-004']);
  });

  it('scheme, port and userinfo are not documented places (RDT-003)', () => {
    expect(dev('https://yourapp.com:{{port}}/cb')).toEqual(['RDT-003']);
    expect(dev('https://{{user}}@yourapp.com/cb')).toEqual(['RDT-003']);
    expect(dev('{{scheme}}://yourapp.com/cb')).toEqual(['RDR-010', 'RDT-003']);
  });

  it('a query or fragment is refused as in any URI (RDR-008, RDR-009)', () => {
    expect(dev('https://yourapp.com/cb?org={{org_slug}}')).toEqual(['RDR-008']);
    expect(dev('https://yourapp.com/cb#{{org_slug}}')).toEqual(['RDR-009']);
  });
});

describe('variables (RDT-001)', () => {
  it('org_slug, external_id and any metadata key of 3-25 characters are variables', () => {
    expect(templateViolations('https://{{custom_domain}}/{{region}}/cb', 'production')).toEqual([]);
  });

  it.each([
    'https://{{org_slug}.yourapp.com/cb',
    'https://{{ org_slug }}.yourapp.com/cb',
    'https://{{}}.yourapp.com/cb',
    'https://{{ab}}.yourapp.com/cb',
    'https://yourapp.com/}}/cb',
  ])('%s is malformed', (template) => {
    expect(templateViolations(template, 'development')).toEqual(['RDT-001']);
  });
});

describe('types and environments (RDT-002, G-08)', () => {
  const template = 'https://{{org_slug}}.yourapp.com/cb';

  it('allowed as callback, post logout and initiate login URLs, not as back-channel logout', () => {
    for (const type of ['callback', 'post_logout', 'initiate_login'] as const) {
      expect(templateViolations(template, 'production', type), type).toEqual([]);
    }
    expect(templateViolations(template, 'development', 'back_channel_logout')).toEqual(['RDT-002']);
  });

  it('a URI without placeholders is not a template and may be any type', () => {
    expect(templateViolations('https://yourapp.com/bc', 'production', 'back_channel_logout')).toEqual([]);
  });

  it('in production only when the profile allows it', () => {
    const devOnly = withTemplates({ allowedInProduction: false });
    expect(templateViolations(template, 'production', 'callback', devOnly)).toEqual(['RDT-002']);
    expect(templateViolations(template, 'development', 'callback', devOnly)).toEqual([]);
  });

  it('with a wildcard only when the profile allows the combination, and then under the wildcard rules', () => {
    const wild = 'https://*.{{org_slug}}.yourapp.com/cb';
    expect(templateViolations(wild, 'development')).toEqual(['RDT-003']);
    const combined = withTemplates({ combineWithWildcards: true });
    expect(templateViolations(wild, 'development', 'callback', combined)).toEqual([]);
    expect(templateViolations(wild, 'production', 'callback', combined)).toEqual(['RDR-006']);
  });

  it('the ordinary rules apply to the template text: http and localhost in production, length before expansion', () => {
    expect(templateViolations('http://{{org_slug}}.localhost/cb', 'production')).toEqual(['RDR-004', 'RDR-005']);
    const long = `https://{{org_slug}}.yourapp.com/${'x'.repeat(256 - 33)}`;
    expect(long.length).toBe(256);
    expect(templateViolations(long, 'production')).toEqual([]);
    expect(templateViolations(`${long}x`, 'production')).toEqual(['RDR-007']);
  });
});

describe('expandTemplate (RDT-005, RDT-006, RDT-008)', () => {
  const megasoft = { slug: 'auth.megasoft.com', external_id: 'megasoft-123' };

  it('the worked example: a full-host slug fills the whole host', () => {
    expect(expandTemplate('https://{{org_slug}}/oauth/callback', megasoft)).toBe(
      'https://auth.megasoft.com/oauth/callback',
    );
  });

  it('each variable from its source', () => {
    const org = { slug: 'acme', external_id: 'acme-42', metadata: { custom_domain: 'login.acme.io' } };
    expect(expandTemplate('https://{{org_slug}}.yourapp.com/callback', org)).toBe('https://acme.yourapp.com/callback');
    expect(expandTemplate('https://yourapp.com/{{external_id}}/callback', org)).toBe(
      'https://yourapp.com/acme-42/callback',
    );
    expect(expandTemplate('https://{{custom_domain}}/callback', org)).toBe('https://login.acme.io/callback');
  });

  it('one variable set is enough for a template that uses only that one (RDT-008)', () => {
    expect(expandTemplate('https://{{org_slug}}.yourapp.com/cb', { slug: 'acme' })).toBe('https://acme.yourapp.com/cb');
    expect(expandTemplate('https://{{custom_domain}}/cb', { metadata: { custom_domain: 'a.b.io' } })).toBe(
      'https://a.b.io/cb',
    );
  });

  it('undefined when a variable is missing or empty (RDT-006)', () => {
    expect(expandTemplate('https://{{org_slug}}.yourapp.com/cb', {})).toBeUndefined();
    expect(expandTemplate('https://{{org_slug}}.yourapp.com/cb', { slug: '' })).toBeUndefined();
    expect(expandTemplate('https://{{custom_domain}}/cb', { slug: 'acme', metadata: {} })).toBeUndefined();
    expect(expandTemplate('https://{{org_slug}}/{{external_id}}', { slug: 'acme' })).toBeUndefined();
  });

  it('undefined when the value does not fit its place: a multi-label slug in one label, a / in a segment', () => {
    expect(expandTemplate('https://{{org_slug}}.yourapp.com/cb', megasoft)).toBeUndefined();
    expect(expandTemplate('https://yourapp.com/{{tenant}}/cb', { metadata: { tenant: 'a/b' } })).toBeUndefined();
    expect(expandTemplate('https://{{custom_domain}}/cb', { metadata: { custom_domain: 'evil.com:1' } })).toBe(
      undefined,
    );
  });

  it('undefined for templates that cannot be registered: a partial label, a malformed placeholder', () => {
    expect(expandTemplate('https://app-{{org_slug}}.yourapp.com', { slug: 'acme' })).toBeUndefined();
    expect(expandTemplate('https://{{org_slug}.yourapp.com', { slug: 'acme' })).toBeUndefined();
  });

  it('a URI without placeholders expands to itself', () => {
    expect(expandTemplate('https://yourapp.com/cb', {})).toBe('https://yourapp.com/cb');
  });
});
