// The only redirect field of the REST API: redirect_uris on organisation M2M clients (RDR-020). Responses may carry
// it as an array of strings. That the create and update request schema has no such field is a fact of the spec, not
// of a server: test/spec/openapi-document.test.ts holds it.
import { describe } from 'vitest';
import { readClientBack, withOrganization } from '../../fixtures/builders/organizations.js';
import { checkStatus } from '../../src/checks/http.js';
import { redirectUrisAreStringArrays } from '../../src/checks/redirects.js';
import { assertConforms, exchangeOf, test } from '../../src/harness/index.js';

const clientsPath = '/api/v1/organizations/{organization_id}/clients';

describe('organisation M2M clients', () => {
  test('create, get, list and update answers carry redirect_uris, when present, as an array of strings', {
    tags: ['RDR-020'],
  }, async ({ target }) => {
    await withOrganization(target, 'RDR-020', async (organizationId) => {
      const path = { organization_id: organizationId };
      const created = await exchangeOf(target, () =>
        target.api.POST(clientsPath, { params: { path }, body: { name: `client ${target.runTag}` } }),
      );
      assertConforms(checkStatus('RDR-020', created.exchange, 201));
      const clientId = created.data?.client?.client_id ?? '';
      const { got, listed, updated } = await readClientBack(target, 'RDR-020', organizationId, clientId);
      assertConforms(
        redirectUrisAreStringArrays('RDR-020', created.exchange, [created.data?.client]),
        redirectUrisAreStringArrays('RDR-020', got.exchange, [got.data?.client]),
        redirectUrisAreStringArrays('RDR-020', listed.exchange, listed.data?.clients ?? []),
        redirectUrisAreStringArrays('RDR-020', updated.exchange, [updated.data?.client]),
      );
    });
  });
});
