import { describe, expect, it } from 'vitest';
import { idPrefixViolations } from '../../src/contract/id-prefixes.js';

describe('resource ID prefixes (OAS-006)', () => {
  it('checks references by field name and own IDs by the object they belong to', () => {
    const body = {
      organization: { id: 'org_1', metadata: { user_id: 'anything' } },
      users: [{ id: 'usr_1', organization_id: 'org_1' }, { id: '42' }],
      domain: { id: 'dom_1', environment_id: 'env_1', connection_id: '' },
      session_id: 'sess-9',
    };
    expect(idPrefixViolations(body, '/api/v1/organizations/{id}')).toEqual([
      { pointer: '/users/1/id', expected: 'usr_', value: '42' },
      { pointer: '/session_id', expected: 'ses_', value: 'sess-9' },
    ]);
  });

  it('reads users and groups under a directory as the directory’s own', () => {
    const path = '/api/v1/organizations/{organization_id}/directories/{directory_id}/users';
    expect(idPrefixViolations({ users: [{ id: 'diruser_1' }] }, path)).toEqual([]);
    expect(idPrefixViolations({ users: [{ id: 'usr_1' }] }, path)).toEqual([
      { pointer: '/users/0/id', expected: 'diruser_', value: 'usr_1' },
    ]);
  });

  it('leaves IDs of objects with no documented prefix alone', () => {
    expect(idPrefixViolations({ role: { id: '7' }, auth_request_id: 'abc' }, '/api/v1/roles/{role_name}')).toEqual([]);
  });
});
