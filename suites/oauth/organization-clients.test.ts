// Organisation M2M clients as credentials (TOK-010): creating one answers 201 with its plain secret, which is shown
// then and never again (not on get, list or update); a new secret is shown once too. Client IDs carry `m2morg_`,
// organisation IDs `org_`, and the list accepts page sizes across its documented 10-100. A failure never quotes a
// secret: it names where one appeared.
import { describe } from 'vitest';
import { readClientBack, withOrganization } from '../../fixtures/builders/organizations.js';
import { type Failure, failure } from '../../src/checks/failure.js';
import { checkStatus } from '../../src/checks/http.js';
import type { Exchange } from '../../src/client/transport.js';
import { assertConforms, exchangeOf, test } from '../../src/harness/index.js';

const clientsPath = '/api/v1/organizations/{organization_id}/clients';
const clientPath = '/api/v1/organizations/{organization_id}/clients/{client_id}';
const secretsPath = '/api/v1/organizations/{organization_id}/clients/{client_id}/secrets';

/** The JSON pointers of every non-empty `plain_secret` in a body. */
function plainSecretsIn(body: string): string[] {
  const found: string[] = [];
  const walk = (value: unknown, pointer: string) => {
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) walk(item, `${pointer}/${i}`);
    } else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'plain_secret' && typeof child === 'string' && child !== '') found.push(`${pointer}/${key}`);
        else walk(child, `${pointer}/${key}`);
      }
    }
  };
  try {
    walk(JSON.parse(body), '');
  } catch {
    // Not JSON: the status checks say so.
  }
  return found;
}

function noPlainSecret(what: string, exchange: Exchange): Failure | undefined {
  const found = plainSecretsIn(exchange.responseBody);
  return found.length === 0
    ? undefined
    : failure('TOK-010', `${what} after creation`, 'no plain_secret', `plain_secret at ${found.join(', ')}`, exchange);
}

function prefixed(what: string, value: string | undefined, prefix: string, exchange: Exchange): Failure | undefined {
  return value?.startsWith(prefix)
    ? undefined
    : failure('TOK-010', `${what} prefix`, `an ID starting ${prefix}`, JSON.stringify(value ?? null), exchange);
}

describe('organisation M2M clients', () => {
  test('a new client answers 201 with its plain secret once: never on get, list or update; a new secret once too', {
    tags: ['TOK-010'],
  }, async ({ target }) => {
    await withOrganization(target, 'TOK-010', async (organizationId, organization) => {
      assertConforms(prefixed('organization ID', organizationId, 'org_', organization));
      const path = { organization_id: organizationId };
      const created = await exchangeOf(target, () =>
        target.api.POST(clientsPath, { params: { path }, body: { name: `client ${target.runTag}` } }),
      );
      assertConforms(checkStatus('TOK-010', created.exchange, 201));
      const clientId = created.data?.client?.client_id ?? '';
      assertConforms(
        prefixed('client ID', clientId, 'm2morg_', created.exchange),
        created.data?.plain_secret
          ? undefined
          : failure('TOK-010', 'plain_secret on create', 'a non-empty plain_secret', 'none', created.exchange),
      );
      const withClient = { ...path, client_id: clientId };
      const { got, listed, updated } = await readClientBack(target, 'TOK-010', organizationId, clientId);
      assertConforms(
        noPlainSecret('get', got.exchange),
        noPlainSecret('list', listed.exchange),
        noPlainSecret('update', updated.exchange),
      );

      const added = await exchangeOf(target, () => target.api.POST(secretsPath, { params: { path: withClient } }));
      assertConforms(checkStatus('TOK-010', added.exchange, 201));
      assertConforms(
        added.data?.plain_secret
          ? undefined
          : failure('TOK-010', 'plain_secret of a new secret', 'a non-empty plain_secret', 'none', added.exchange),
      );
      const again = await exchangeOf(target, () => target.api.GET(clientPath, { params: { path: withClient } }));
      assertConforms(checkStatus('TOK-010', again.exchange, 200), noPlainSecret('get', again.exchange));
    });
  });

  test('the client list accepts page sizes from 10 to 100 and answers no more than it was asked for', {
    tags: ['TOK-010'],
  }, async ({ target }) => {
    await withOrganization(target, 'TOK-010', async (organizationId) => {
      const path = { organization_id: organizationId };
      for (let i = 0; i < 11; i += 1) {
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
        const count = listed.data?.clients?.length ?? 0;
        assertConforms(
          count === Math.min(pageSize, 11)
            ? undefined
            : failure(
                'TOK-010',
                `a page of page_size ${pageSize} over 11 clients`,
                `${Math.min(pageSize, 11)} clients`,
                `${count}`,
                listed.exchange,
              ),
        );
      }
    });
  });
});
