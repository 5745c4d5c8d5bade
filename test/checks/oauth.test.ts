import { describe, expect, it } from 'vitest';
import { idPrefixed, noPlainSecretShown, pageSizeHonoured, plainSecretShown } from '../../src/checks/oauth.js';
import { recorded } from '../support/exchanges.js';

// Recorded answers of the organisation client endpoints, built by hand.
const answer = (status: number, body: unknown) =>
  recorded(status, { url: 'https://env.example.test/api/v1/organizations/org_1/clients', body });

const secret = 'test_secret_value_123';
const client = { client_id: 'm2morg_1', secrets: [{ id: 'sks_1', secret_suffix: '123' }] };

describe('organisation client checks (TOK-010)', () => {
  it('passes an answer with no plain_secret, and names where one appears without quoting it', () => {
    expect(noPlainSecretShown('TOK-010', 'get', answer(200, { client }))).toBeUndefined();
    expect(noPlainSecretShown('TOK-010', 'get', answer(200, { client, plain_secret: '' }))).toBeUndefined();
    expect(noPlainSecretShown('TOK-010', 'get', answer(200, 'not json'))).toBeUndefined();
    const leaked = { clients: [client, { ...client, secrets: [{ id: 'sks_2', plain_secret: secret }] }] };
    const problem = noPlainSecretShown('TOK-010', 'list', answer(200, leaked));
    expect(problem?.rule).toBe('TOK-010');
    expect(problem?.received).toBe('plain_secret at /clients/1/secrets/0/plain_secret');
    expect(JSON.stringify({ ...problem, replay: undefined })).not.toContain(secret);
  });

  it('passes a create that shows its plain_secret, and fails one without or with an empty one', () => {
    expect(plainSecretShown('TOK-010', 'on create', answer(201, { client, plain_secret: secret }))).toBeUndefined();
    for (const bad of [answer(201, { client }), answer(201, { client, plain_secret: '' }), answer(201, 'not json')]) {
      expect(plainSecretShown('TOK-010', 'on create', bad)?.title).toBe('plain_secret on create');
    }
  });

  it('passes an ID with its prefix, and fails one without it or no ID at all', () => {
    const created = answer(201, { client });
    expect(idPrefixed('TOK-010', 'client ID', 'm2morg_1', 'm2morg_', created)).toBeUndefined();
    expect(idPrefixed('TOK-010', 'organization ID', 'org_1', 'org_', created)).toBeUndefined();
    expect(idPrefixed('TOK-010', 'client ID', 'skc_1', 'm2morg_', created)?.received).toBe('"skc_1"');
    expect(idPrefixed('TOK-010', 'organization ID', undefined, 'org_', created)?.received).toBe('null');
  });

  it('passes a page as large as asked for or holding every client, and fails any other size', () => {
    const page = (count: number) => answer(200, { clients: Array.from({ length: count }, () => client) });
    expect(pageSizeHonoured('TOK-010', page(10), 10, 11)).toBeUndefined();
    expect(pageSizeHonoured('TOK-010', page(11), 55, 11)).toBeUndefined();
    expect(pageSizeHonoured('TOK-010', page(10), 55, 11)?.expected).toBe('11 clients');
    expect(pageSizeHonoured('TOK-010', page(11), 10, 11)?.received).toBe('11');
    expect(pageSizeHonoured('TOK-010', answer(200, {}), 10, 11)?.received).toBe('0');
  });
});
