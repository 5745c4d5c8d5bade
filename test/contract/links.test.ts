import { describe, expect, it } from 'vitest';
import { describeSource, inferLinks, linkOf, operationName, parameterTarget } from '../../src/contract/links.js';
import { operationsOf } from '../../src/contract/operations.js';
import { resolveKinds } from '../../src/contract/stateful.js';
import { dereferenceDocument, dereferencedSpec, type OpenApiDocument } from '../../src/spec/document.js';

const specPath = process.env.SCALEKIT_OPENAPI;
if (!specPath) throw new Error('set SCALEKIT_OPENAPI to the spec file before running these tests');
const document = await dereferencedSpec(specPath);
const links = inferLinks(document);

const produced = (method: string, path: string, parameter: string) => {
  const link = linkOf(links, { method: method as 'get', path }, parameter);
  return link && describeSource(link.producer);
};

/** A tiny spec: operations given as `METHOD path` → success body schema (and optional request body). */
function spec(operations: Record<string, { body?: object; request?: object }>): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, { body, request }] of Object.entries(operations)) {
    const [method = '', path = ''] = key.split(' ');
    paths[path] = {
      ...paths[path],
      [method.toLowerCase()]: {
        ...(request ? { requestBody: { content: { 'application/json': { schema: request } } } } : {}),
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: body ?? {} } } } },
      },
    };
  }
  return { openapi: '3.1.0', paths };
}
/** The links of a hand-made spec, dereferenced as the suite's is. */
const linksOf = async (document: OpenApiDocument) => inferLinks(await dereferenceDocument(document));
const object = (properties: Record<string, object>) => ({ type: 'object', properties });
const thing = object({ id: { type: 'string' }, name: { type: 'string' } });

describe('inferred links over the spec', () => {
  it('give every path parameter of all 111 operations a producer, or a reason why there is none', () => {
    const operations = operationsOf(document);
    expect(operations).toHaveLength(111);
    const parameters = operations.flatMap((o) =>
      [...o.path.matchAll(/\{(\w+)\}/g)].map((m) => `${operationName(o)} {${m[1]}}`),
    );
    const linked = links.links.map((l) => `${operationName(l.operation)} {${l.parameter}}`);
    const unlinked = links.unlinked.map((u) => `${operationName(u.operation)} {${u.parameter}}`);
    expect([...linked, ...unlinked].sort()).toEqual([...parameters].sort());
    expect(links.unlinked.filter((u) => u.reason === '')).toEqual([]);
    expect(parameters.length).toBeGreaterThan(100);
  });

  it.each([
    ['delete', '/api/v1/organizations/{id}', 'id', 'POST /api/v1/organizations → organization.id'],
    [
      'get',
      '/api/v1/organizations/{org_id}/roles/{role_name}',
      'org_id',
      'POST /api/v1/organizations → organization.id',
    ],
    [
      'get',
      '/api/v1/organizations/{org_id}/roles/{role_name}',
      'role_name',
      'POST /api/v1/organizations/{org_id}/roles → role.name',
    ],
    ['get', '/api/v1/roles/{role_name}', 'role_name', 'POST /api/v1/roles → role.name'],
    [
      'delete',
      '/api/v1/roles/{role_name}/permissions/{permission_name}',
      'permission_name',
      'POST /api/v1/permissions → permission.name',
    ],
    [
      'get',
      '/api/v1/organizations/{organization_id}/clients/{client_id}',
      'client_id',
      'POST /api/v1/organizations/{organization_id}/clients → client.client_id',
    ],
    [
      'delete',
      '/api/v1/organizations/{organization_id}/clients/{client_id}/secrets/{secret_id}',
      'secret_id',
      'POST /api/v1/organizations/{organization_id}/clients/{client_id}/secrets → secret.id',
    ],
    ['get', '/api/v1/users/{id}', 'id', 'POST /api/v1/organizations/{organization_id}/users → user.id'],
    [
      'patch',
      '/api/v1/memberships/organizations/{organization_id}/users/{id}',
      'id',
      'POST /api/v1/organizations/{organization_id}/users → user.id',
    ],
    [
      'get',
      '/api/v1/users:external/{external_id}',
      'external_id',
      'POST /api/v1/organizations/{organization_id}/users → user.external_id',
    ],
    [
      'get',
      '/api/v1/organizations:external/{external_id}',
      'external_id',
      'POST /api/v1/organizations → organization.external_id',
    ],
    [
      'get',
      '/api/v1/organizations/{organization_id}/domains/{id}',
      'id',
      'POST /api/v1/organizations/{organization_id}/domains → domain.id',
    ],
    ['post', '/api/v1/mcp/configs/{mcp_config_id}/tokens', 'mcp_config_id', 'POST /api/v1/mcp/configs → config.id'],
    [
      'put',
      '/api/v1/custom-providers/{identifier}',
      'identifier',
      'POST /api/v1/custom-providers → provider.identifier',
    ],
    [
      'get',
      '/api/v1/sessions/{session_id}',
      'session_id',
      'GET /api/v1/users/{user_id}/sessions → sessions[].session_id',
    ],
    [
      'patch',
      '/api/v1/webauthn/credentials/{credential_id}',
      'credential_id',
      'GET /api/v1/webauthn/credentials → credentials[].id',
    ],
  ])('%s %s {%s} is produced by %s', (method, path, parameter, expected) => {
    expect(produced(method, path, parameter)).toBe(expected);
  });

  it('reach connections, directories, sessions and passkeys only through lists: the API creates none of them', () => {
    const listOnly = new Set(links.links.filter((l) => l.producer.role !== 'create').map((l) => l.resource));
    expect([...listOnly].sort()).toEqual(['connection', 'credential', 'directory', 'session']);
  });

  it('mark names and external IDs as chosen by the client, server-made IDs not', () => {
    expect(
      linkOf(links, { method: 'get', path: '/api/v1/roles/{role_name}' }, 'role_name')?.producer.clientChosen,
    ).toBe(true);
    // The MCP config's id is in the create body's schema, but readOnly.
    const config = linkOf(links, { method: 'get', path: '/api/v1/mcp/configs/{config_id}' }, 'config_id');
    expect(config?.producer.clientChosen).toBe(false);
    expect(linkOf(links, { method: 'get', path: '/api/v1/users/{id}' }, 'id')?.producer.clientChosen).toBe(false);
  });

  it('wire every stateful resource kind: a create, a parent among the earlier kinds, and a way to read it', () => {
    const kinds = resolveKinds(document, undefined, links);
    expect(kinds.map((k) => [k.kind.name, k.parent?.kind.name ?? null, k.list ? 'list' : 'no list'])).toEqual([
      ['organization', null, 'list'],
      ['user', 'organization', 'list'],
      ['domain', 'organization', 'list'],
      ['client', 'organization', 'list'],
      ['client secret', 'client', 'no list'],
      ['organization role', 'organization', 'list'],
      ['environment role', null, 'list'],
      ['permission', null, 'list'],
    ]);
    // Secrets have no get of their own: the client's body lists them.
    expect(kinds.find((k) => k.kind.name === 'client secret')?.viewInParent).toBe('secrets');
  });
});

describe('link inference on small specs', () => {
  it('takes the resource from the parameter name, or else from the collection segment before it', () => {
    expect(parameterTarget('/things/{thing_id}', 'thing_id')).toEqual({
      resources: ['thing'],
      fields: ['thing_id', 'id'],
    });
    expect(parameterTarget('/organizations/{org_id}/x', 'org_id').resources).toEqual(['org', 'organization']);
    expect(parameterTarget('/categories/{id}:enable', 'id')).toEqual({ resources: ['category'], fields: ['id'] });
    expect(parameterTarget('/users:external/{external_id}', 'external_id')).toEqual({
      resources: ['user'],
      fields: ['external_id'],
    });
    expect(parameterTarget('/mcp/configs/{mcp_config_id}', 'mcp_config_id').resources).toEqual([
      'mcp_config',
      'config',
    ]);
  });

  it('prefers a create to a list, and the create nearest the consumer’s path to one elsewhere', async () => {
    const map = await linksOf(
      spec({
        'GET /things': { body: object({ things: { type: 'array', items: thing } }) },
        'POST /things': { body: object({ thing: thing }) },
        'POST /shelves/{shelf_id}/things': { body: object({ thing: thing }) },
        'GET /shelves/{shelf_id}/things/{thing_id}': { body: object({ thing: thing }) },
        'GET /things/{thing_id}': { body: object({ thing: thing }) },
      }),
    );
    const source = (path: string) => {
      const link = linkOf(map, { method: 'get', path }, 'thing_id');
      return link && [describeSource(link.producer), link.alternatives.map(describeSource)];
    };
    expect(source('/things/{thing_id}')).toEqual([
      'POST /things → thing.id',
      ['POST /shelves/{shelf_id}/things → thing.id', 'GET /things → things[].id'],
    ]);
    expect(source('/shelves/{shelf_id}/things/{thing_id}')?.[0]).toBe('POST /shelves/{shelf_id}/things → thing.id');
  });

  it('lists a parameter as unlinked, with the reason, when only operations that need it carry it', async () => {
    const map = await linksOf(
      spec({
        'GET /gadgets/{gadget_id}': { body: object({ gadget: thing }) },
        'GET /widgets': { body: object({ widgets: { type: 'array', items: object({ label: { type: 'string' } }) } }) },
        'DELETE /widgets/{widget_id}': {},
      }),
    );
    expect(map.links).toEqual([]);
    expect(map.unlinked.map((u) => [u.parameter, u.reason])).toEqual([
      ['gadget_id', 'no success body outside a path that needs it carries a gadget with gadget_id or id'],
      ['widget_id', 'no success body outside a path that needs it carries a widget with widget_id or id'],
    ]);
  });

  it('follows $ref into the component schemas and reads a client-chosen value from the request body', async () => {
    const document: OpenApiDocument = {
      ...spec({
        'POST /labels': {
          body: { $ref: '#/components/schemas/CreateLabelResponse' },
          request: object({ name: { type: 'string' } }),
        },
        'GET /labels/{label_name}': { body: object({}) },
      }),
      components: {
        schemas: {
          CreateLabelResponse: object({ label: { $ref: '#/components/schemas/Label' } }),
          Label: object({ name: { type: 'string' } }),
        },
      },
    };
    const link = linkOf(await linksOf(document), { method: 'get', path: '/labels/{label_name}' }, 'label_name');
    expect(link?.producer).toMatchObject({ property: 'label', field: 'name', role: 'create', clientChosen: true });
  });
});
