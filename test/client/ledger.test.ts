import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appendEntry,
  createdResource,
  entryFor,
  inDeletionOrder,
  kindOfCreate,
  type LedgerEntry,
  ledgerFileFor,
  ledgerFiles,
  readLedger,
} from '../../src/client/ledger.js';

const run = { runId: 'abc123', runTag: 'confabc1231x', baseUrl: 'http://127.0.0.1:4010/' };
const answer = (method: string, path: string, status: number, body: unknown) => ({
  method,
  url: `http://127.0.0.1:4010${path}`,
  status,
  body: () => JSON.stringify(body),
});

describe('the run ledger', () => {
  it('records a POST answered 2xx with an id, wrapped or not, with its kind and parent path', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const domain = entryFor(
      answer('POST', '/api/v1/organizations/org_1/domains', 201, { domain: { id: 'dom_1' } }),
      run,
      at,
    );
    expect(domain).toEqual({
      runId: 'abc123',
      runTag: 'confabc1231x',
      baseUrl: 'http://127.0.0.1:4010',
      method: 'POST',
      path: '/api/v1/organizations/org_1/domains',
      id: 'dom_1',
      kind: 'domain',
      at: '2026-01-01T00:00:00.000Z',
    });
    expect(createdResource(JSON.stringify({ client: { client_id: 'skc_1', name: 'n' }, plain_secret: 's' }))).toEqual({
      id: 'skc_1',
      name: 'n',
    });
    expect(entryFor(answer('POST', '/api/v1/roles', 200, { role: { id: 'r1', name: 'x_conf' } }), run)?.name).toBe(
      'x_conf',
    );
  });

  it('ignores reads, errors, answers without an id, the token endpoint and the hooks', () => {
    expect(entryFor(answer('GET', '/api/v1/organizations', 200, { id: 'x' }), run)).toBeUndefined();
    expect(entryFor(answer('POST', '/api/v1/organizations', 400, { id: 'x' }), run)).toBeUndefined();
    expect(entryFor(answer('POST', '/api/v1/organizations', 200, { ok: true }), run)).toBeUndefined();
    expect(entryFor(answer('POST', '/oauth/token', 200, { id: 'x' }), run)).toBeUndefined();
    expect(entryFor(answer('POST', '/_conformance/v1/auth-requests', 201, { id: 'x' }), run)).toBeUndefined();
    expect(
      entryFor({ ...answer('POST', '/api/v1/organizations', 201, {}), body: () => 'not json' }, run),
    ).toBeUndefined();
  });

  it('names the kinds by create path', () => {
    expect(kindOfCreate('/api/v1/organizations')).toBe('organization');
    expect(kindOfCreate('/api/v1/organizations/o/users')).toBe('user');
    expect(kindOfCreate('/api/v1/organizations/o/clients/c/secrets')).toBe('client secret');
    expect(kindOfCreate('/api/v1/memberships/organizations/o/users/u')).toBe('membership');
    expect(kindOfCreate('/api/v1/passwordless/email/send')).toBe('other');
  });

  it('appends synchronously, one line each, and reads back past a line torn by a kill', () => {
    const cache = mkdtempSync(join(tmpdir(), 'skc-ledger-'));
    const file = ledgerFileFor(cache, 'abc123');
    const entry = entryFor(answer('POST', '/api/v1/organizations', 201, { organization: { id: 'org_1' } }), run);
    if (!entry) throw new Error('no entry');
    appendEntry(file, entry);
    appendEntry(file, { ...entry, id: 'org_2' });
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
    appendFileSync(file, '{"runId":"abc123","id":');
    expect(readLedger(file).map((e) => e.id)).toEqual(['org_1', 'org_2']);
    expect(ledgerFiles(cache)).toEqual([file]);
  });

  it('orders deletions children first, the newest first within a kind', () => {
    const entry = (kind: LedgerEntry['kind'], id: string) =>
      ({ runId: 'r', baseUrl: 'http://x', method: 'POST', path: '/', id, kind, at: '' }) as LedgerEntry;
    const ordered = inDeletionOrder([
      entry('organization', 'o1'),
      entry('domain', 'd1'),
      entry('permission', 'p1'),
      entry('role', 'r1'),
      entry('organization', 'o2'),
      entry('user', 'u1'),
      entry('organization client', 'c1'),
    ]);
    expect(ordered.map((e) => e.id)).toEqual(['u1', 'c1', 'd1', 'r1', 'p1', 'o2', 'o1']);
  });
});
