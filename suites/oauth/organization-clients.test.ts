// Organisation M2M clients as credentials (TOK-010): creating one answers 201 with its plain secret, which is shown
// then and never again (not on get, list or update); a new secret is shown once too. Client IDs carry `m2morg_`,
// organisation IDs `org_`, and the list accepts page sizes across its documented 10-100.
import { describe } from 'vitest';
import { readClientBack, withOrganization } from '../../fixtures/builders/organizations.js';
import { checkStatus } from '../../src/checks/http.js';
import { idPrefixed, noPlainSecretShown, pageSizeHonoured, plainSecretShown } from '../../src/checks/oauth.js';
import { assertConforms, exchangeOf, test } from '../../src/harness/index.js';

const clientsPath = '/api/v1/organizations/{organization_id}/clients';
const clientPath = '/api/v1/organizations/{organization_id}/clients/{client_id}';
const secretsPath = '/api/v1/organizations/{organization_id}/clients/{client_id}/secrets';

describe('organisation M2M clients', () => {
  test('a new client answers 201 with its plain secret once: never on get, list or update; a new secret once too', {
    tags: ['TOK-010'],
  }, async ({ target }) => {
    await withOrganization(target, 'TOK-010', async (organizationId, organization) => {
      assertConforms(idPrefixed('TOK-010', 'organization ID', organizationId, 'org_', organization));
      const path = { organization_id: organizationId };
      const created = await exchangeOf(target, () =>
        target.api.POST(clientsPath, { params: { path }, body: { name: `client ${target.runTag}` } }),
      );
      assertConforms(checkStatus('TOK-010', created.exchange, 201));
      const clientId = created.data?.client?.client_id ?? '';
      assertConforms(
        idPrefixed('TOK-010', 'client ID', clientId, 'm2morg_', created.exchange),
        plainSecretShown('TOK-010', 'on create', created.exchange),
      );
      const withClient = { ...path, client_id: clientId };
      const { got, listed, updated } = await readClientBack(target, 'TOK-010', organizationId, clientId);
      assertConforms(
        noPlainSecretShown('TOK-010', 'get', got.exchange),
        noPlainSecretShown('TOK-010', 'list', listed.exchange),
        noPlainSecretShown('TOK-010', 'update', updated.exchange),
      );

      const added = await exchangeOf(target, () => target.api.POST(secretsPath, { params: { path: withClient } }));
      assertConforms(checkStatus('TOK-010', added.exchange, 201));
      assertConforms(plainSecretShown('TOK-010', 'of a new secret', added.exchange));
      const again = await exchangeOf(target, () => target.api.GET(clientPath, { params: { path: withClient } }));
      assertConforms(checkStatus('TOK-010', again.exchange, 200), noPlainSecretShown('TOK-010', 'get', again.exchange));
    });
  });

  test('the client list accepts page sizes from 10 to 100 and answers no more than it was asked for', {
    tags: ['TOK-010'],
  }, async ({ target }) => {
    // One more than the smallest page size: a page of 10 must stop short, the larger ones must hold them all.
    const clientCount = 11;
    await withOrganization(target, 'TOK-010', async (organizationId) => {
      const path = { organization_id: organizationId };
      for (let i = 0; i < clientCount; i += 1) {
        const created = await exchangeOf(target, () =>
          target.api.POST(clientsPath, { params: { path }, body: { name: `client ${i} ${target.runTag}` } }),
        );
        assertConforms(checkStatus('TOK-010', created.exchange, 201));
      }
      for (const pageSize of [10, 55, 100]) {
        const listed = await exchangeOf(target, () =>
          target.api.GET(clientsPath, { params: { path, query: { page_size: pageSize } } }),
        );
        assertConforms(checkStatus('TOK-010', listed.exchange, 200));
        assertConforms(pageSizeHonoured('TOK-010', listed.exchange, pageSize, clientCount));
      }
    });
  });
});
