import { describe, expect, it } from 'vitest';
import { httpsOnly, plainHttpRefused, rateLimited, servedAgainAfterWindow } from '../../src/checks/platform.js';
import { recorded } from '../support/exchanges.js';

// TOK-009 and TOK-006 judged on answers made by hand: each check passes its good answers and fails each bad one.

const limited = (headers: Record<string, string> = {}, code = 'RATE_LIMITED', status = 429) =>
  recorded(status, { body: { error_code: code, localized_message_info: { message: 'slow down' } }, headers });

describe('rateLimited (TOK-009)', () => {
  it('passes a 429 RATE_LIMITED with a positive Retry-After, an HTTP-date one, or none', () => {
    expect(rateLimited('TOK-009', limited({ 'retry-after': '42' }))).toBeUndefined();
    expect(rateLimited('TOK-009', limited({ 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' }))).toBeUndefined();
    expect(rateLimited('TOK-009', limited())).toBeUndefined();
  });

  it('fails another status, another error code, a body that is not JSON, and a Retry-After of 0 or of nonsense', () => {
    expect(rateLimited('TOK-009', limited({}, 'UNAVAILABLE', 503))?.received).toMatch(/^503 /);
    expect(rateLimited('TOK-009', recorded(200, { body: { organizations: [] } }))?.received).toMatch(/^200 /);
    expect(rateLimited('TOK-009', limited({}, 'TOO_MANY'))?.received).toBe('error_code "TOO_MANY"');
    expect(rateLimited('TOK-009', recorded(429, { body: 'slow down', contentType: 'text/plain' }))?.received).toMatch(
      /content-type text\/plain/,
    );
    expect(rateLimited('TOK-009', limited({ 'retry-after': '0' }))?.title).toBe('Retry-After');
    expect(rateLimited('TOK-009', limited({ 'retry-after': 'soon' }))?.received).toBe('"soon"');
  });
});

describe('servedAgainAfterWindow (TOK-009)', () => {
  it('passes a 2xx and fails a 429 still refused', () => {
    expect(servedAgainAfterWindow('TOK-009', recorded(200, { body: {} }))).toBeUndefined();
    expect(servedAgainAfterWindow('TOK-009', limited())?.received).toMatch(/^429 /);
  });
});

describe('httpsOnly (TOK-006)', () => {
  it('passes requests that all went to https:// URLs, and fails one in plain http or none at all', () => {
    expect(httpsOnly('TOK-006', [recorded(200), recorded(200, { url: 'https://env.example.test/keys' })])).toBe(
      undefined,
    );
    const mixed = httpsOnly('TOK-006', [recorded(200), recorded(200, { url: 'http://env.example.test/keys' })]);
    expect(mixed?.received).toBe('1 of 2 in plain http');
    expect(mixed?.details).toEqual(['GET http://env.example.test/keys']);
    expect(httpsOnly('TOK-006', [])?.received).toBe('none was sent');
  });
});

describe('plainHttpRefused (TOK-006)', () => {
  const url = 'http://env.example.test:443/.well-known/openid-configuration';
  it('passes no answer, a redirect to https and a 4xx refusal', () => {
    expect(plainHttpRefused('TOK-006', { url, noAnswer: 'ECONNRESET socket hang up' })).toBeUndefined();
    expect(plainHttpRefused('TOK-006', { url, status: 301, location: 'https://env.example.test/' })).toBeUndefined();
    expect(plainHttpRefused('TOK-006', { url, status: 400 })).toBeUndefined();
    expect(plainHttpRefused('TOK-006', { url, status: 426 })).toBeUndefined();
  });

  it('fails an answer served in clear, a redirect that stays in plain http, and a server error', () => {
    expect(plainHttpRefused('TOK-006', { url, status: 200 })?.received).toBe(`GET ${url} answered 200`);
    expect(plainHttpRefused('TOK-006', { url, status: 302, location: 'http://env.example.test/' })?.received).toBe(
      `GET ${url} answered 302 to http://env.example.test/`,
    );
    expect(plainHttpRefused('TOK-006', { url, status: 302 })).toBeDefined();
    expect(plainHttpRefused('TOK-006', { url, status: 502 })).toBeDefined();
  });
});
