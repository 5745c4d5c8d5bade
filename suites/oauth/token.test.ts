// The token endpoint every target has (TOK-001, TOK-003, TOK-011): a form-encoded client-credentials request
// issues a Bearer token with its lifetime and scope, and the token is an RS256 JWT that verifies against the
// target's own JWKS at /keys, naming the target as issuer and the client in its audience, with an expiry.
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { describe } from 'vitest';
import { type Failure, failure } from '../../src/checks/failure.js';
import { checkStatus, parseJsonBody } from '../../src/checks/http.js';
import { navigate, postForm } from '../../src/harness/browser.js';
import { assertConforms, type Target, test } from '../../src/harness/index.js';
import { targetNow } from '../../src/harness/target.js';

/** A fresh token request with the run's client credentials, and `extra` form fields; the body as JSON. */
async function requestToken(target: Target, extra: Record<string, string> = {}) {
  const exchange = await postForm(target, '/oauth/token', {
    grant_type: 'client_credentials',
    client_id: target.credentials.clientId,
    client_secret: target.credentials.clientSecret,
    ...extra,
  });
  const body = parseJsonBody(exchange);
  return { exchange, body: body.ok ? ((body.value ?? {}) as Record<string, unknown>) : undefined };
}

describe('POST /oauth/token', () => {
  test('a form-encoded client-credentials request issues a token, with or without the optional scope', {
    tags: ['TOK-001'],
  }, async ({ target }) => {
    // The spec's oauth2 scheme has an empty scope list: an empty scope is the one every target must take.
    for (const extra of [{}, { scope: '' }] as Record<string, string>[]) {
      const { exchange, body } = await requestToken(target, extra);
      assertConforms(
        checkStatus('TOK-001', exchange, 200) ??
          (typeof body?.access_token === 'string' && body.access_token !== ''
            ? undefined
            : failure('TOK-001', 'token response', 'an access_token', exchange.responseBody.slice(0, 200), exchange)),
      );
    }
  });

  test('the token response has access_token, token_type Bearer, a positive expires_in and scope', {
    tags: ['TOK-003'],
  }, async ({ target }) => {
    const { exchange, body } = await requestToken(target);
    const wrong = [
      ...(typeof body?.access_token === 'string' ? [] : ['access_token']),
      ...(body?.token_type === 'Bearer' ? [] : [`token_type ${JSON.stringify(body?.token_type)}`]),
      ...(Number.isInteger(body?.expires_in) && Number(body?.expires_in) > 0
        ? []
        : [`expires_in ${JSON.stringify(body?.expires_in)}`]),
      ...(typeof body?.scope === 'string' ? [] : ['scope']),
    ];
    assertConforms(
      checkStatus('TOK-003', exchange, 200) ??
        (wrong.length === 0
          ? undefined
          : failure(
              'TOK-003',
              'token response',
              'access_token, token_type "Bearer", expires_in > 0 and scope',
              `missing or wrong: ${wrong.join(', ')}`,
              exchange,
            )),
    );
  });

  test('the token is an RS256 JWT that verifies with the JWKS at /keys, issued by the target for the client', {
    tags: ['TOK-011'],
  }, async ({ target }) => {
    const { exchange, body } = await requestToken(target);
    const keys = await navigate(target, '/keys', {});
    const jwks = parseJsonBody(keys);
    const problems: (Failure | undefined)[] = [
      checkStatus('TOK-011', exchange, 200),
      checkStatus('TOK-011', keys, 200),
    ];
    if (!problems.some(Boolean) && jwks.ok && typeof body?.access_token === 'string') {
      const issuer = target.baseUrl.replace(/\/$/, '');
      try {
        const { payload, protectedHeader } = await jwtVerify(
          body.access_token,
          createLocalJWKSet(jwks.value as JSONWebKeySet),
          // Judged on the target's clock (the clock hook may have moved it), with some skew allowed for a live one.
          { algorithms: ['RS256'], currentDate: new Date(await targetNow(target)), clockTolerance: 30 },
        );
        const audience = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
        const wrong = [
          ...(String(payload.iss ?? '').replace(/\/$/, '') === issuer
            ? []
            : [`iss ${payload.iss} (expected ${issuer})`]),
          ...(audience.includes(target.credentials.clientId) ? [] : [`aud ${JSON.stringify(payload.aud)}`]),
          ...(typeof payload.exp === 'number' ? [] : ['no exp']),
          ...(protectedHeader.alg === 'RS256' ? [] : [`alg ${protectedHeader.alg}`]),
        ];
        problems.push(
          wrong.length === 0
            ? undefined
            : failure('TOK-011', 'token claims', 'iss, aud with the client ID, and exp', wrong.join('; '), exchange),
        );
      } catch (error) {
        problems.push(
          failure('TOK-011', 'token signature', 'an RS256 JWT verified by /keys', (error as Error).message, exchange),
        );
      }
    }
    assertConforms(...problems);
  });
});
