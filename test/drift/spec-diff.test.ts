import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ChangeKindId, changeKinds } from '../../src/drift/change-kinds.js';
import { diffSpecs, summarise } from '../../src/drift/spec-diff.js';
import { type OpenApiDocument, readSpecFile } from '../../src/spec/document.js';

// Hand-made documents prove each change kind on its own; the published history proves the walk on the real spec.

const api = (operation: Record<string, unknown> = {}, extra: Partial<OpenApiDocument> = {}): OpenApiDocument => ({
  openapi: '3.1.0',
  info: { title: 'Widgets', version: '1' },
  paths: {
    '/widgets': { post: { operationId: 'createWidget', responses: { '200': { description: 'ok' } }, ...operation } },
  },
  ...extra,
});
const json = (schema: unknown, mediaType = 'application/json') => ({ content: { [mediaType]: { schema } } });
const withRequest = (schema: unknown) => api({ requestBody: json(schema) });
const withResponse = (schema: unknown) => api({ responses: { '200': { description: 'ok', ...json(schema) } } });
const object = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
});
const text = { type: 'string' };
const query = (required: boolean) => ({ name: 'limit', in: 'query', required, schema: { type: 'integer' } });
const webhook = (schema: unknown) => ({
  post: { requestBody: json(schema), responses: { '200': { description: 'ok' } } },
});

interface Case {
  kind: ChangeKindId;
  from: OpenApiDocument;
  to: OpenApiDocument;
  location: string;
}

// [schema before, schema after, readable suffix, kind in a request, kind in a response]
const schemaRows: [unknown, unknown, string, ChangeKindId, ChangeKindId][] = [
  [object({ a: text }), object({ a: text, b: text }), ' .b', 'SD-101', 'SD-201'],
  [object({ a: text }), object({ a: text, b: text }, ['b']), ' .b', 'SD-102', 'SD-202'],
  [object({ a: text, b: text }), object({ a: text }), ' .b', 'SD-103', 'SD-203'],
  [object({ a: text }), object({ a: text }, ['a']), ' .a', 'SD-104', 'SD-204'],
  [object({ a: text }, ['a']), object({ a: text }), ' .a', 'SD-105', 'SD-205'],
  [object({ a: text }), object({ a: { type: 'integer' } }), ' .a', 'SD-106', 'SD-206'],
  [text, { type: ['string', 'null'] }, '', 'SD-107', 'SD-207'],
  [{ type: 'string', nullable: true }, text, '', 'SD-108', 'SD-208'],
  [{ type: 'string', enum: ['a'] }, { type: 'string', enum: ['a', 'b'] }, '', 'SD-109', 'SD-209'],
  [{ type: 'string', enum: ['a', 'b'] }, { type: 'string', enum: ['a'] }, '', 'SD-110', 'SD-210'],
  [text, { type: 'string', format: 'email' }, '', 'SD-111', 'SD-211'],
  [{ type: 'string', format: 'email' }, text, '', 'SD-112', 'SD-212'],
  [{ type: 'string', format: 'date' }, { type: 'string', format: 'date-time' }, '', 'SD-113', 'SD-213'],
  [text, { type: 'string', pattern: '^a' }, '', 'SD-114', 'SD-214'],
  [{ type: 'string', pattern: '^a' }, text, '', 'SD-115', 'SD-215'],
  [{ type: 'string', pattern: '^a' }, { type: 'string', pattern: '^b' }, '', 'SD-116', 'SD-216'],
  [{ type: 'string', maxLength: 10 }, { type: 'string', maxLength: 5 }, '', 'SD-117', 'SD-217'],
  [{ type: 'integer', minimum: 1 }, { type: 'integer' }, '', 'SD-118', 'SD-218'],
  [{ oneOf: [text] }, { oneOf: [text, { type: 'integer' }] }, '', 'SD-119', 'SD-219'],
  [text, { type: 'string', enum: ['a'] }, '', 'SD-120', 'SD-220'],
  [{ type: 'string', enum: ['a'] }, text, '', 'SD-121', 'SD-221'],
];

const schemaCases: Case[] = schemaRows.flatMap(([before, after, suffix, requestKind, responseKind]) => [
  {
    kind: requestKind,
    from: withRequest(before),
    to: withRequest(after),
    location: `POST /widgets request body${suffix}`,
  },
  {
    kind: responseKind,
    from: withResponse(before),
    to: withResponse(after),
    location: `POST /widgets response 200${suffix}`,
  },
]);

const secured = (security: unknown[]) => api({ security });
const schemes = (tokenUrl: string) => ({
  securitySchemes: { oauth2: { type: 'oauth2', flows: { clientCredentials: { tokenUrl, scopes: {} } } } },
});
const body = (extra: Record<string, unknown>) => api({ requestBody: { ...json(text), ...extra } });
const responses = (statuses: Record<string, unknown>) => api({ responses: statuses });

const documentCases: Case[] = [
  { kind: 'SD-001', from: api(), to: { ...api(), paths: {} }, location: 'POST /widgets' },
  { kind: 'SD-002', from: { ...api(), paths: {} }, to: api(), location: 'POST /widgets' },
  { kind: 'SD-003', from: api(), to: api({ operationId: 'makeWidget' }), location: 'POST /widgets' },
  {
    kind: 'SD-010',
    from: api({ parameters: [query(false)] }),
    to: api(),
    location: 'POST /widgets query parameter limit',
  },
  {
    kind: 'SD-011',
    from: api(),
    to: api({ parameters: [query(false)] }),
    location: 'POST /widgets query parameter limit',
  },
  {
    kind: 'SD-012',
    from: api(),
    to: api({ parameters: [query(true)] }),
    location: 'POST /widgets query parameter limit',
  },
  {
    kind: 'SD-013',
    from: api({ parameters: [query(false)] }),
    to: api({ parameters: [query(true)] }),
    location: 'POST /widgets query parameter limit',
  },
  {
    kind: 'SD-014',
    from: api({ parameters: [query(true)] }),
    to: api({ parameters: [query(false)] }),
    location: 'POST /widgets query parameter limit',
  },
  { kind: 'SD-020', from: api(), to: body({}), location: 'POST /widgets request body' },
  { kind: 'SD-021', from: api(), to: body({ required: true }), location: 'POST /widgets request body' },
  { kind: 'SD-022', from: body({}), to: api(), location: 'POST /widgets request body' },
  { kind: 'SD-023', from: body({}), to: body({ required: true }), location: 'POST /widgets request body' },
  { kind: 'SD-024', from: body({ required: true }), to: body({}), location: 'POST /widgets request body' },
  {
    kind: 'SD-025',
    from: body({}),
    to: api({ requestBody: { content: { ...json(text).content, ...json(text, 'text/plain').content } } }),
    location: 'POST /widgets request body (text/plain)',
  },
  {
    kind: 'SD-026',
    from: api({ requestBody: { content: { ...json(text).content, ...json(text, 'text/plain').content } } }),
    to: body({}),
    location: 'POST /widgets request body (text/plain)',
  },
  {
    kind: 'SD-030',
    from: api(),
    to: responses({ '200': { description: 'ok' }, '404': { description: 'missing' } }),
    location: 'POST /widgets response 404',
  },
  {
    kind: 'SD-031',
    from: responses({ '200': { description: 'ok' }, '404': { description: 'missing' } }),
    to: api(),
    location: 'POST /widgets response 404',
  },
  { kind: 'SD-032', from: api(), to: withResponse(text), location: 'POST /widgets response 200' },
  { kind: 'SD-033', from: withResponse(text), to: api(), location: 'POST /widgets response 200' },
  {
    kind: 'SD-040',
    from: secured([{ oauth2: [] }]),
    to: secured([{ oauth2: [] }, { apiKey: [] }]),
    location: 'POST /widgets security',
  },
  {
    kind: 'SD-041',
    from: secured([{ oauth2: [] }, { apiKey: [] }]),
    to: secured([{ oauth2: [] }]),
    location: 'POST /widgets security',
  },
  {
    kind: 'SD-042',
    from: api({}, { components: schemes('https://a.example/token') }),
    to: api({}, { components: schemes('https://b.example/token') }),
    location: 'security scheme oauth2',
  },
  {
    kind: 'SD-050',
    from: api(),
    to: api({}, { webhooks: { 'widget.created': webhook(text) } }),
    location: 'webhook widget.created',
  },
  {
    kind: 'SD-051',
    from: api({}, { webhooks: { 'widget.created': webhook(text) } }),
    to: api(),
    location: 'webhook widget.created',
  },
  {
    kind: 'SD-060',
    from: api(),
    to: api({}, { components: { schemas: { Gadget: text } } }),
    location: 'component schema Gadget',
  },
  {
    kind: 'SD-061',
    from: api({}, { components: { schemas: { Gadget: text } } }),
    to: api(),
    location: 'component schema Gadget',
  },
];

const cases = [...documentCases, ...schemaCases];

describe('diffSpecs on hand-made documents', () => {
  it.each(cases)('reports $kind, and only it, at $location', ({ kind, from, to, location }) => {
    const changes = diffSpecs(from, to);
    expect(changes.map((change) => [change.kind, change.location])).toEqual([[kind, location]]);
    expect(changes[0]).toMatchObject({ clients: changeKinds[kind].clients, servers: changeKinds[kind].servers });
  });

  it('has a hand-made case for every kind in the table', () => {
    expect(new Set(cases.map((testCase) => testCase.kind))).toEqual(new Set(Object.keys(changeKinds)));
  });

  it('reports nothing for a document against itself or a copy', () => {
    for (const { from, to } of cases) {
      expect(diffSpecs(from, from)).toEqual([]);
      expect(diffSpecs(to, structuredClone(to))).toEqual([]);
    }
  });

  it('follows $refs into components and points into the to spec', () => {
    const components = (required: string[], pattern: string) => ({
      schemas: {
        Widget: object({ display_name: { $ref: '#/components/schemas/Name' } }, required),
        Name: { type: 'string', pattern },
      },
    });
    const body = { requestBody: json({ $ref: '#/components/schemas/Widget' }) };
    const from = api(body, { components: components([], '^a') });
    const to = api(body, { components: components(['display_name'], '^[ab]') });
    expect(diffSpecs(from, to)).toEqual([
      {
        kind: 'SD-104',
        location: 'POST /widgets request body .display_name',
        pointer: '/components/schemas/Widget/properties/display_name',
        fromPointer: '/components/schemas/Widget/properties/display_name',
        clients: 'breaking',
        servers: 'non-breaking',
      },
      {
        kind: 'SD-116',
        location: 'POST /widgets request body .display_name',
        pointer: '/components/schemas/Name/pattern',
        fromPointer: '/components/schemas/Name/pattern',
        from: '^a',
        to: '^[ab]',
        clients: 'review',
        servers: 'review',
      },
    ]);
  });

  it('classifies by direction: a new enum value breaks clients in a response, servers in a request', () => {
    const status = (values: string[]) => object({ status: { type: 'string', enum: values } });
    const [request] = diffSpecs(withRequest(status(['a'])), withRequest(status(['a', 'b'])));
    const [response] = diffSpecs(withResponse(status(['a'])), withResponse(status(['a', 'b'])));
    expect(request).toMatchObject({ kind: 'SD-109', to: ['b'], clients: 'non-breaking', servers: 'breaking' });
    expect(response).toMatchObject({ kind: 'SD-209', to: ['b'], clients: 'breaking', servers: 'non-breaking' });
  });

  it('treats a property turning readOnly as removed from requests and unchanged in responses', () => {
    const before = object({ id: text });
    const after = object({ id: { type: 'string', readOnly: true } });
    expect(diffSpecs(withRequest(before), withRequest(after)).map((change) => change.kind)).toEqual(['SD-103']);
    expect(diffSpecs(withResponse(before), withResponse(after))).toEqual([]);
  });

  it('walks array items, map values and parameter schemas with readable locations', () => {
    const widget = (tags: string[], labelLength: number) =>
      object({
        tags: { type: 'array', items: { type: 'string', enum: tags } },
        labels: { type: 'object', additionalProperties: { type: 'string', maxLength: labelLength } },
      });
    const changes = diffSpecs(withRequest(widget(['a'], 3)), withRequest(widget(['a', 'b'], 5)));
    expect(changes.map((change) => [change.kind, change.location])).toEqual([
      ['SD-109', 'POST /widgets request body .tags[]'],
      ['SD-118', 'POST /widgets request body .labels.*'],
    ]);
    const state = (values: string[]) => ({
      name: 'state',
      in: 'query',
      schema: { type: 'array', items: { type: 'string', enum: values } },
    });
    const parameters = diffSpecs(api({ parameters: [state(['on'])] }), api({ parameters: [state(['on', 'off'])] }));
    expect(parameters.map((change) => [change.kind, change.location])).toEqual([
      ['SD-109', 'POST /widgets query parameter state[]'],
    ]);
  });

  it('ends on recursive schemas and reports a change once, where it is first met', () => {
    const tree = (leaf: unknown) => ({
      schemas: {
        Node: object({ name: leaf, children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } }),
      },
    });
    const ref = { requestBody: json({ $ref: '#/components/schemas/Node' }) };
    const changes = diffSpecs(
      api(ref, { components: tree(text) }),
      api(ref, { components: tree({ type: 'integer' }) }),
    );
    expect(changes.map((change) => [change.kind, change.location])).toEqual([
      ['SD-106', 'POST /widgets request body .name'],
    ]);
  });

  it('matches operations by path template, so renaming a path parameter is no change', () => {
    const path = (name: string) => ({
      openapi: '3.1.0',
      paths: {
        [`/widgets/{${name}}`]: {
          get: { parameters: [{ name, in: 'path', required: true, schema: text }], responses: { '200': {} } },
        },
      },
    });
    expect(diffSpecs(path('id'), path('widget_id'))).toEqual([]);
  });

  it('reads requiring authentication where none was needed as anonymous access removed', () => {
    const changes = diffSpecs(secured([]), secured([{ oauth2: ['read'] }]));
    expect(changes.map((change) => [change.kind, change.from ?? change.to])).toEqual([
      ['SD-040', 'oauth2 (read)'],
      ['SD-041', 'anonymous'],
    ]);
  });

  it('compares webhook payloads in the direction of a response', () => {
    const event = (types: string[]) => ({
      'widget.created': webhook(object({ type: { type: 'string', enum: types } })),
    });
    const changes = diffSpecs(api({}, { webhooks: event(['a']) }), api({}, { webhooks: event(['a', 'b']) }));
    expect(changes).toMatchObject([{ kind: 'SD-209', location: 'webhook widget.created payload .type', to: ['b'] }]);
  });

  it('summarises counts per kind, per classification and the operations before and after', () => {
    const from = withResponse({ type: 'string', enum: ['a'] });
    const to = withResponse({ type: 'string', enum: ['a', 'b'] });
    to.paths['/gadgets'] = { get: { responses: { '200': { description: 'ok' } } } };
    expect(summarise(diffSpecs(from, to), from, to)).toEqual({
      operations: { from: 1, to: 2 },
      webhooks: { from: 0, to: 0 },
      schemas: { from: 0, to: 0 },
      total: 2,
      byKind: { 'SD-002': 1, 'SD-209': 1 },
      clients: { breaking: 1, 'non-breaking': 1, review: 0 },
      servers: { breaking: 1, 'non-breaking': 1, review: 0 },
    });
  });
});

describe('the change-kind table', () => {
  it('pairs every request schema kind SD-1xx with a response kind SD-2xx of the same change', () => {
    const ids = Object.keys(changeKinds) as ChangeKindId[];
    const requestIds = ids.filter((id) => id.startsWith('SD-1'));
    expect(requestIds.length).toBeGreaterThan(0);
    for (const id of requestIds) {
      const response = `SD-2${id.slice(4)}` as ChangeKindId;
      expect(changeKinds[response]?.title).toBe(changeKinds[id].title.replace('request', 'response'));
    }
    expect(ids.filter((id) => id.startsWith('SD-2'))).toHaveLength(requestIds.length);
  });
});

// The published history of the spec, read where the spec itself lives.
const specPath = process.env.SCALEKIT_OPENAPI;
if (!specPath) throw new Error('set SCALEKIT_OPENAPI to the spec file before running these tests');
const historyDir = join(dirname(specPath), 'history');
const history = (date: string) => {
  const file = readdirSync(historyDir).find((name) => name.includes(`.${date}.`));
  if (!file) throw new Error(`no spec of ${date} in ${historyDir}`);
  return readSpecFile(join(historyDir, file)).document;
};
const current = readSpecFile(specPath).document;

describe('diffSpecs on the published history', () => {
  it('finds the 20 added operations (91 → 111), the added schemas and their enum additions from 2026-05-18 to now', () => {
    const from = history('2026-05-18');
    const changes = diffSpecs(from, current);
    const summary = summarise(changes, from, current);
    expect(summary.operations).toEqual({ from: 91, to: 111 });
    expect(summary.byKind['SD-002']).toBe(20);
    expect(summary.byKind['SD-001']).toBeUndefined();
    const added = changes.filter((change) => change.kind === 'SD-002').map((change) => change.location);
    expect(added).toEqual(expect.arrayContaining(['GET /api/v1/tools', 'GET /api/v1/logs/authentication/requests']));
    const schemas = changes.filter((change) => change.kind === 'SD-060').map((change) => change.to);
    expect(schemas).toEqual(expect.arrayContaining(['auditlogsListAuthLogResponse', 'OrganizationCreatedEvent']));
    expect(summary.byKind['SD-201']).toBeGreaterThan(0);
    const enumAdditions = changes.filter((change) => change.kind === 'SD-209');
    expect(enumAdditions.length).toBeGreaterThanOrEqual(8);
    expect(enumAdditions.every((change) => change.clients === 'breaking' && change.servers === 'non-breaking')).toBe(
      true,
    );
  });

  it('finds the 8 breaking enum additions Optic reports from 2026-05-18 to 2026-08-14', () => {
    const changes = diffSpecs(history('2026-05-18'), history('2026-08-14'));
    const inOperations = changes.filter((change) => change.kind === 'SD-209' && !change.location.startsWith('webhook'));
    const added = ['TRUSTED_IDP', 'SMART_FHIR', 'NO_AUTH'];
    expect(inOperations.map((change) => [change.location, change.pointer, change.to])).toEqual(
      [
        ['GET /api/v1/connected_accounts response 200 .connected_accounts[].authorization_type', 'connected_accounts'],
        ['PUT /api/v1/connected_accounts response 200 .connected_account.authorization_type', 'connected_accounts'],
        ['POST /api/v1/connected_accounts response 201 .connected_account.authorization_type', 'connected_accounts'],
        [
          'GET /api/v1/connected_accounts/auth response 200 .connected_account.authorization_type',
          'connected_accounts',
        ],
        [
          'GET /api/v1/connected_accounts/details response 200 .connected_account.authorization_type',
          'connected_accounts',
        ],
        [
          'GET /api/v1/connected_accounts:search response 200 .connected_accounts[].authorization_type',
          'connected_accounts',
        ],
        ['GET /api/v1/connections response 200 .connections[].type', 'connections'],
        ['GET /api/v1/organizations/{organization_id}/connections/{id} response 200 .connection.type', 'connections'],
      ].map(([location, schema]) => [
        location,
        schema === 'connections'
          ? '/components/schemas/connectionsConnectionType/enum'
          : '/components/schemas/connected_accountsConnectorType/enum',
        added,
      ]),
    );
    expect(inOperations.every((change) => change.clients === 'breaking')).toBe(true);
  });

  it('reports no change for the current spec against a copy of itself', () => {
    expect(diffSpecs(current, structuredClone(current))).toEqual([]);
  });

  it('accounts for every change in the operation count between consecutive published versions', () => {
    const versions = readdirSync(historyDir)
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .map((name) => readSpecFile(join(historyDir, name)).document);
    versions.push(current);
    for (let index = 1; index < versions.length; index++) {
      const [from, to] = [versions[index - 1] as OpenApiDocument, versions[index] as OpenApiDocument];
      const summary = summarise(diffSpecs(from, to), from, to);
      const net = (summary.byKind['SD-002'] ?? 0) - (summary.byKind['SD-001'] ?? 0);
      expect(summary.operations.to - summary.operations.from).toBe(net);
    }
  });
});
