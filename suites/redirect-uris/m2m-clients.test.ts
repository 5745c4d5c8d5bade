// The only redirect field of the REST API: redirect_uris on organisation M2M clients (RDR-020). Responses may carry
// it as an array of strings. That the create and update request schema has no such field is a fact of the spec, not
// of a server: test/spec/openapi-document.test.ts holds it.
import { describe } from 'vitest';
import { readClientBack, withOrganization } from '../../fixtures/builders/organizations.js';
import { type Failure, failure } from '../../src/checks/failure.js';
import { checkStatus } from '../../src/checks/http.js';
import type { Exchange } from '../../src/client/transport.js';
import { assertConforms, exchangeOf, test } from '../../src/harness/index.js';

const clientsPath = '/api/v1/organizations/{organization_id}/clients';

/** `redirect_uris`, where a client in the body has it, is an array of strings. */
function checkRedirectUris(exchange: Exchange, clients: unknown[]): Failure | undefined {
  const wrong = clients.filter((client) => {
    if (!client || typeof client !== 'object' || !('redirect_uris' in client)) return false;
    const uris = (client as { redirect_uris: unknown }).redirect_uris;
    return !Array.isArray(uris) || uris.some((uri) => typeof uri !== 'string');
  });
  if (wrong.length === 0) return undefined;
  return failure(
    'RDR-020',
    'redirect_uris type',
    'redirect_uris absent or an array of strings',
    wrong.map((client) => JSON.stringify((client as { redirect_uris: unknown }).redirect_uris)).join(', '),
    exchange,
  );
}

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
        checkRedirectUris(created.exchange, [created.data?.client]),
        checkRedirectUris(got.exchange, [got.data?.client]),
        checkRedirectUris(listed.exchange, listed.data?.clients ?? []),
        checkRedirectUris(updated.exchange, [updated.data?.client]),
      );
    });
  });
});
