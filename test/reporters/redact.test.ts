import { describe, expect, it } from 'vitest';
import { failure } from '../../src/checks/failure.js';
import { Redactor, redactShapes } from '../../src/reporters/redact.js';

const secret = 'cs_live_Zq8vT1xY';

describe('Redactor.redact', () => {
  it('removes a known secret everywhere it appears', () => {
    const redactor = new Redactor([secret]);
    expect(redactor.redact(`first ${secret}, then again:${secret}!`)).toBe('first [REDACTED], then again:[REDACTED]!');
  });

  it('removes a secret added after construction', () => {
    const redactor = new Redactor();
    redactor.addSecret('later-secret-42');
    expect(redactor.redact('value later-secret-42 here')).toBe('value [REDACTED] here');
  });

  it('masks bearer tokens by pattern', () => {
    const redactor = new Redactor();
    expect(redactor.redact('Authorization: Bearer eyJhbGciOi.J9-payload_x~y+z/w=')).toBe(
      'Authorization: Bearer [REDACTED]',
    );
  });

  it('leaves the $SCALEKIT_ACCESS_TOKEN placeholder alone', () => {
    const redactor = new Redactor();
    const line = 'curl -H "Authorization: Bearer $SCALEKIT_ACCESS_TOKEN" https://env.scalekit.dev/x';
    expect(redactor.redact(line)).toBe(line);
  });

  it('masks access_token and other token fields in JSON text', () => {
    const redactor = new Redactor();
    expect(redactor.redact('{"access_token": "abc.def", "token_type":"Bearer", "id_token":"x.y.z"}')).toBe(
      '{"access_token": "[REDACTED]", "token_type":"Bearer", "id_token":"[REDACTED]"}',
    );
  });

  it('masks client_secret form fields but keeps the other fields', () => {
    const redactor = new Redactor();
    expect(redactor.redact('grant_type=client_credentials&client_secret=hunter22&client_id=skc_1')).toBe(
      'grant_type=client_credentials&client_secret=[REDACTED]&client_id=skc_1',
    );
  });

  it('leaves the $SCALEKIT_CLIENT_SECRET placeholder in a form body alone', () => {
    const redactor = new Redactor();
    const body = 'client_id=skc_1&client_secret=$SCALEKIT_CLIENT_SECRET';
    expect(redactor.redact(body)).toBe(body);
  });

  it('masks webhook signing secrets that start with whsec_', () => {
    const redactor = new Redactor();
    expect(redactor.redact('secret is whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBe('secret is whsec_[REDACTED]');
  });

  it('does not treat strings shorter than 6 characters as secrets', () => {
    const redactor = new Redactor(['abc', 'short', '', undefined]);
    expect(redactor.redact('abc short abcdef')).toBe('abc short abcdef');
  });

  it('treats a 6-character string as a secret', () => {
    const redactor = new Redactor(['sixsix']);
    expect(redactor.redact('a sixsix b')).toBe('a [REDACTED] b');
  });
});

describe('Redactor.redactDeep', () => {
  it('removes known secrets and token fields inside nested JSON values', () => {
    const redactor = new Redactor([secret]);
    const report = {
      target: 'https://env.scalekit.dev',
      failures: [{ received: `HTTP 200 echoing ${secret}`, details: ['Authorization: Bearer abcdefgh12345678'] }],
      nested: { list: [secret, 'kept'] },
    };
    expect(redactor.redactDeep(report)).toEqual({
      target: 'https://env.scalekit.dev',
      failures: [{ received: 'HTTP 200 echoing [REDACTED]', details: ['Authorization: Bearer [REDACTED]'] }],
      nested: { list: ['[REDACTED]', 'kept'] },
    });
  });

  it('masks an access_token property of an object value', () => {
    const redactor = new Redactor();
    expect(redactor.redactDeep({ access_token: 'eyJ.token.value', expires_in: 3600 })).toEqual({
      access_token: '[REDACTED]',
      expires_in: 3600,
    });
  });

  it('masks tokens in JSON text held inside a string, escaped or not, and leaves numbers alone', () => {
    const redactor = new Redactor(['12345678']);
    const out = redactor.redactDeep({
      received: '200 {"access_token":"eyJhbGciOi.payload.sig","expires_in":3600}',
      nested: JSON.stringify({ body: JSON.stringify({ access_token: 'eyJhbGciOi.payload.sig' }) }),
      count: 123456789,
    });
    expect(JSON.stringify(out)).not.toContain('eyJhbGciOi');
    expect(out.received).toBe('200 {"access_token":"[REDACTED]","expires_in":3600}');
    expect(out.count).toBe(123456789);
  });

  it('does not change the value it was given', () => {
    const redactor = new Redactor([secret]);
    const value = { note: secret };
    redactor.redactDeep(value);
    expect(value).toEqual({ note: secret });
  });
});

describe('Redactor.guardProcessOutput', () => {
  it('redacts what is written to process.stdout and restores plain writes afterwards', () => {
    const redactor = new Redactor([secret]);
    const written: string[] = [];
    const originalWrite = process.stdout.write;
    const capture = ((chunk: unknown) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
    process.stdout.write = capture;
    try {
      const restore = redactor.guardProcessOutput();
      try {
        process.stdout.write(`client secret ${secret}\n`);
        process.stdout.write(Buffer.from('Authorization: Bearer abcdefgh12345678\n'));
      } finally {
        restore();
      }
      process.stdout.write(`after restore ${secret}\n`);
    } finally {
      process.stdout.write = originalWrite;
    }
    expect(written).toEqual([
      'client secret [REDACTED]\n',
      'Authorization: Bearer [REDACTED]\n',
      `after restore ${secret}\n`,
    ]);
  });
});

describe('redactShapes', () => {
  const jwt =
    'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwOi8vMTI3LjAuMC4xIiwic3ViIjoidXNyXzEifQ.c2lnbmF0dXJlLXZhbHVlLWhlcmU';

  it('masks a whole JWT anywhere in the text', () => {
    expect(redactShapes(`token ${jwt} issued`)).toBe('token [REDACTED] issued');
  });

  it('masks a JWT cut short by a preview', () => {
    const cut = `200 {"note":"${jwt.slice(0, 61)}…`;
    const out = redactShapes(cut);
    expect(out).not.toContain('eyJ');
    expect(out).toBe('200 {"note":"[REDACTED]…');
  });

  it('masks an unterminated access_token field without swallowing the next line', () => {
    const text =
      '200 {"access_token":"abcDEF123xyz…\n  Reproduce with: curl --data-raw \'a=1\'"$SCALEKIT_CLIENT_SECRET"';
    expect(redactShapes(text)).toBe(
      '200 {"access_token":"[REDACTED]\n  Reproduce with: curl --data-raw \'a=1\'"$SCALEKIT_CLIENT_SECRET"',
    );
  });

  it('masks token fields in escaped JSON inside a JSON string', () => {
    expect(redactShapes('{\\"refresh_token\\":\\"rt_123456\\",\\"x\\":1}')).toBe(
      '{\\"refresh_token\\":\\"[REDACTED]\\",\\"x\\":1}',
    );
  });

  it('masks id_token_hint in a logout URL and keeps the other parameters', () => {
    expect(redactShapes('GET /oidc/logout?id_token_hint=opaque-hint-value&state=s1')).toBe(
      'GET /oidc/logout?id_token_hint=[REDACTED]&state=s1',
    );
  });

  it('masks an authorization code in a redirect and in a token request body, not error_code', () => {
    expect(redactShapes('302 https://app.example.com/callback?code=pKwTlj0xijBVrk&state=abc')).toBe(
      '302 https://app.example.com/callback?code=[REDACTED]&state=abc',
    );
    expect(redactShapes('grant_type=authorization_code&code=pKwTlj0xijBVrk&client_id=skc_1')).toBe(
      'grant_type=authorization_code&code=[REDACTED]&client_id=skc_1',
    );
    expect(redactShapes('?error_code=invalid_grant')).toBe('?error_code=invalid_grant');
  });

  it('masks whsec_ webhook secrets and plain_secret fields', () => {
    expect(redactShapes('whsec_MfKQ9r8GKYqrTwjU and {"plain_secret":"ps_123456"}')).toBe(
      'whsec_[REDACTED] and {"plain_secret":"[REDACTED]"}',
    );
  });

  it('masks Cookie and Set-Cookie headers as text and as JSON fields', () => {
    expect(redactShapes("-H 'cookie: sid=abc123; theme=dark' next")).toBe("-H 'cookie: [REDACTED]' next");
    expect(redactShapes('Set-Cookie: sid=abc123; HttpOnly\nnext line')).toBe('Set-Cookie: [REDACTED]\nnext line');
    expect(redactShapes('{"set-cookie":"sid=abc123; Path=/","cookie":"a=b"}')).toBe(
      '{"set-cookie":"[REDACTED]","cookie":"[REDACTED]"}',
    );
  });

  it('masks Authorization headers whatever their scheme, keeping a bearer scheme', () => {
    expect(redactShapes('Authorization: Basic c2tjOnNlY3JldA==')).toBe('Authorization: [REDACTED]');
    expect(redactShapes('authorization: Bearer opaque-token-123')).toBe('authorization: Bearer [REDACTED]');
    expect(redactShapes('{"authorization":"Bearer opaque-token-123"}')).toBe('{"authorization":"[REDACTED]"}');
  });

  it('leaves the shell variables of a replay line alone', () => {
    const line = `curl -sS -X POST 'https://e/oauth/token' -H "Authorization: Bearer $SCALEKIT_ACCESS_TOKEN" --data-raw 'code='"$SCALEKIT_AUTH_CODE"'&client_secret='"$SCALEKIT_CLIENT_SECRET"'&x=1'`;
    expect(redactShapes(line)).toBe(line);
  });

  it('is idempotent', () => {
    const text = `Bearer ${jwt} {"access_token":"${jwt}"} ?code=abc123&id_token_hint=${jwt} Cookie: a=b`;
    const once = redactShapes(text);
    expect(redactShapes(once)).toBe(once);
    expect(once).not.toContain('eyJ');
  });
});

describe('failure', () => {
  it('masks secrets in expected, received and details at construction, whatever cut them first', () => {
    const token = `eyJhbGciOiJSUzI1NiJ9.${'eyJzdWIiOiJ1c3JfMSJ9'.repeat(8)}.sig`;
    const body = JSON.stringify({ access_token: token, token_type: 'Bearer' });
    const f = failure('EPT-007', 'code exchange refused', 'a 4xx', `200 ${body.slice(0, 60)}`, undefined, [
      `id_token_hint=${token}`,
    ]);
    expect(JSON.stringify(f)).not.toContain('eyJ');
    expect(f.received).toBe('200 {"access_token":"[REDACTED]');
  });
});
