import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/reporters/redact.js';

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
