import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { redactFormBody, toCurl } from '../../src/client/curl.js';
import { Redactor } from '../../src/reporters/redact.js';

const run = promisify(execFile);

const token = 'eyJhbGciOiJSUzI1NiJ9.payload.signature';

describe('toCurl', () => {
  it('replaces a bearer token with $SCALEKIT_ACCESS_TOKEN so the real token never appears', () => {
    const line = toCurl({
      method: 'GET',
      url: 'https://env.scalekit.dev/api/v1/logs/authentication/requests?page_size=1',
      requestHeaders: { authorization: `Bearer ${token}`, accept: 'application/json' },
      requestBody: '',
    });
    expect(line).toBe(
      `curl -sS -X GET 'https://env.scalekit.dev/api/v1/logs/authentication/requests?page_size=1' -H "Authorization: Bearer $SCALEKIT_ACCESS_TOKEN" -H 'accept: application/json'`,
    );
    expect(line).not.toContain(token);
  });

  it('masks a non-bearer Authorization header entirely', () => {
    const line = toCurl({
      method: 'GET',
      url: 'https://env.scalekit.dev/x',
      requestHeaders: { Authorization: 'Basic c2tjOnNlY3JldA==' },
      requestBody: '',
    });
    expect(line).toBe(`curl -sS -X GET 'https://env.scalekit.dev/x' -H 'Authorization: [REDACTED]'`);
  });

  it('replaces client_secret in a form body with a double-quoted $SCALEKIT_CLIENT_SECRET, the rest single-quoted', () => {
    const line = toCurl({
      method: 'POST',
      url: 'https://env.scalekit.dev/oauth/token',
      requestHeaders: { 'content-type': 'application/x-www-form-urlencoded' },
      requestBody: 'grant_type=client_credentials&client_id=skc_1&client_secret=s3cr3t-value',
    });
    expect(line).toBe(
      `curl -sS -X POST 'https://env.scalekit.dev/oauth/token' -H 'content-type: application/x-www-form-urlencoded' --data-raw 'grant_type=client_credentials&client_id=skc_1&client_secret='"$SCALEKIT_CLIENT_SECRET"`,
    );
    expect(line).not.toContain('s3cr3t-value');
  });

  it('leaves a JSON body literal in single quotes', () => {
    const line = toCurl({
      method: 'POST',
      url: 'https://env.scalekit.dev/api/v1/things',
      requestHeaders: { 'content-type': 'application/json' },
      requestBody: '{"name":"$HOME"}',
    });
    expect(line).toBe(
      `curl -sS -X POST 'https://env.scalekit.dev/api/v1/things' -H 'content-type: application/json' --data-raw '{"name":"$HOME"}'`,
    );
  });

  it('shell-escapes single quotes in the URL and the body', () => {
    const line = toCurl({
      method: 'POST',
      url: "https://env.scalekit.dev/api/v1/users?name=O'Brien",
      requestHeaders: { 'content-type': 'application/json' },
      requestBody: `{"note":"it's"}`,
    });
    expect(line).toBe(
      `curl -sS -X POST 'https://env.scalekit.dev/api/v1/users?name=O'\\''Brien' -H 'content-type: application/json' --data-raw '{"note":"it'\\''s"}'`,
    );
  });

  it('keeps a form body runnable: the secret variable expands inside the data, never masked', () => {
    const line = toCurl({
      method: 'POST',
      url: 'https://env.scalekit.dev/oauth/token',
      requestHeaders: { 'content-type': 'application/x-www-form-urlencoded' },
      requestBody: 'grant_type=authorization_code&code=pKwTlj0x&client_secret=s3cr3t-value&code_verifier=v1',
    });
    expect(line).toBe(
      `curl -sS -X POST 'https://env.scalekit.dev/oauth/token' -H 'content-type: application/x-www-form-urlencoded' --data-raw 'grant_type=authorization_code&code='"$SCALEKIT_AUTH_CODE"'&client_secret='"$SCALEKIT_CLIENT_SECRET"'&code_verifier=v1'  # set $SCALEKIT_AUTH_CODE: a fresh authorization code (codes are single-use)`,
    );
    expect(new Redactor(['s3cr3t-value']).redact(line)).toBe(line);
  });

  it('replaces an id_token_hint in the URL with $SCALEKIT_ID_TOKEN and says it must be obtained again', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c3JfMSJ9.c2lnbmF0dXJl';
    const line = toCurl({
      method: 'GET',
      url: `https://env.scalekit.dev/oidc/logout?id_token_hint=${jwt}&post_logout_redirect_uri=https%3A%2F%2Fa.example%2Fbye&state=s1`,
      requestHeaders: {},
      requestBody: '',
    });
    expect(line).toBe(
      `curl -sS -X GET 'https://env.scalekit.dev/oidc/logout?id_token_hint='"$SCALEKIT_ID_TOKEN"'&post_logout_redirect_uri=https%3A%2F%2Fa.example%2Fbye&state=s1'  # set $SCALEKIT_ID_TOKEN: an ID token from a fresh sign-in`,
    );
  });

  it('masks cookies and tokens inside headers and JSON bodies', () => {
    const line = toCurl({
      method: 'POST',
      url: 'https://env.scalekit.dev/x',
      requestHeaders: { Cookie: 'sid=abc123', 'content-type': 'application/json' },
      requestBody: '{"refresh_token":"rt_abcdef","name":"n"}',
    });
    expect(line).toBe(
      `curl -sS -X POST 'https://env.scalekit.dev/x' -H 'cookie: [REDACTED]' -H 'content-type: application/json' --data-raw '{"refresh_token":"[REDACTED]","name":"n"}'`,
    );
  });

  it('runs in bash with the variables expanding to exactly the secret', async () => {
    const line = toCurl({
      method: 'POST',
      url: 'https://env.scalekit.dev/oauth/token',
      requestHeaders: { authorization: 'Bearer x'.repeat(3), 'content-type': 'application/x-www-form-urlencoded' },
      requestBody: "a=it's&client_secret=old",
    });
    // Replace curl by printf, so the test sees each argument bash would pass.
    const { stdout } = await run(
      'bash',
      ['-c', `printf '%s\\n' ${line.replace(/^curl /, '').replace(/ {2}# .*$/, '')}`],
      {
        env: { PATH: process.env.PATH, SCALEKIT_ACCESS_TOKEN: 'tok en', SCALEKIT_CLIENT_SECRET: 'sec $ret' },
      },
    );
    expect(stdout.split('\n')).toEqual([
      '-sS',
      '-X',
      'POST',
      'https://env.scalekit.dev/oauth/token',
      '-H',
      'Authorization: Bearer tok en',
      '-H',
      'content-type: application/x-www-form-urlencoded',
      '--data-raw',
      "a=it's&client_secret=sec $ret",
      '',
    ]);
  });

  it('drops user-agent, content-length, host, connection and accept-encoding headers', () => {
    const line = toCurl({
      method: 'GET',
      url: 'https://env.scalekit.dev/x',
      requestHeaders: {
        'User-Agent': 'scalekit-conformance/0.1.0',
        'content-length': '42',
        host: 'env.scalekit.dev',
        connection: 'keep-alive',
        'accept-encoding': 'gzip',
        'X-Request-Id': 'req-1',
      },
      requestBody: '',
    });
    expect(line).toBe(`curl -sS -X GET 'https://env.scalekit.dev/x' -H 'x-request-id: req-1'`);
  });
});

describe('redactFormBody', () => {
  it('replaces client_secret wherever it sits in the form and keeps the other fields', () => {
    expect(redactFormBody('client_secret=abc&client_id=skc_1')).toBe(
      'client_secret=$SCALEKIT_CLIENT_SECRET&client_id=skc_1',
    );
    expect(redactFormBody('client_id=skc_1&client_secret=abc')).toBe(
      'client_id=skc_1&client_secret=$SCALEKIT_CLIENT_SECRET',
    );
  });

  it('does not touch a field whose name merely ends in client_secret', () => {
    expect(redactFormBody('old_client_secret=abc')).toBe('old_client_secret=abc');
  });
});
