import { readFileSync } from 'node:fs';
import { create, type DescMessage, type DescMethod, fromJson, type JsonValue } from '@bufbuild/protobuf';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { Code, ConnectError, createClient, type Transport } from '@connectrpc/connect';
import { ScalekitClient } from '@scalekit-sdk/node';
import { OrganizationService } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/organizations/organizations_pb.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScalekitMock, type ScalekitMock } from '../../src/mock/public.js';

// The SDK's `searchOrganization` (GET /api/v1/organizations:search, beyond the pinned spec) against the served
// mock. The SDK speaks gRPC and the mock serves REST only (gRPC is issue 19's item 1), so the SDK's organization
// client is given a transport that sends each RPC as the REST request its own `google.api.http` annotation names:
// path, query and response shape come from the SDK's descriptors, not from this test.

/** The `google.api.http` option's field number, and HttpRule's `get` field. */
const httpRuleOption = 72_295_728;
const httpRuleGet = 2;

/** The GET path the method's `google.api.http` annotation gives (the SDK ships the option as unknown bytes). */
function annotatedGetPath(method: DescMethod): string {
  const option = method.proto.options?.$unknown?.find((field) => field.no === httpRuleOption);
  if (!option) throw new Error(`${method.name} has no google.api.http annotation`);
  const reader = new BinaryReader(new BinaryReader(option.data).bytes());
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === httpRuleGet) return reader.string();
    reader.skip(wireType);
  }
  throw new Error(`${method.name} is not annotated as a GET`);
}

const grpcCodes: Record<number, Code> = { 400: Code.InvalidArgument, 401: Code.Unauthenticated, 404: Code.NotFound };

/** A Connect transport that sends unary GET RPCs as REST (query: the request's fields by their proto names). */
function restTransport(baseUrl: string, accessToken: () => string | undefined): Transport {
  return {
    async unary(method, _signal, _timeoutMs, _header, input) {
      const url = new URL(annotatedGetPath(method), baseUrl);
      const message = create(method.input as DescMessage, input) as Record<string, unknown>;
      for (const field of method.input.fields) {
        const value = message[field.localName];
        if (value !== '' && value !== 0 && value !== undefined) url.searchParams.set(field.name, String(value));
      }
      const token = accessToken();
      const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      if (!response.ok) throw new ConnectError(await response.text(), grpcCodes[response.status] ?? Code.Internal);
      return {
        stream: false,
        service: method.parent,
        method,
        header: response.headers,
        trailer: new Headers(),
        message: fromJson(method.output, (await response.json()) as JsonValue, { ignoreUnknownFields: true }),
      } as never;
    },
    stream() {
      throw new Error('streaming RPCs are not bridged');
    },
  };
}

let scalekit: ScalekitMock;
let served: { url: string; close(): Promise<void> };
let sdk: ScalekitClient;

beforeAll(async () => {
  scalekit = createScalekitMock({ seed: 5 });
  served = await scalekit.serve();
  sdk = new ScalekitClient(served.url, scalekit.credentials.clientId, scalekit.credentials.clientSecret);
  const core = (sdk as unknown as { coreClient: { accessToken?: string } }).coreClient;
  (sdk.organization as unknown as { client: unknown }).client = createClient(
    OrganizationService,
    restTransport(served.url, () => core.accessToken),
  );
  const token = await sdk.getClientAccessToken();
  for (const [display_name, external_id] of [
    ['Acme Rockets', 'crm-1'],
    ['Acme Anvils', 'crm-2'],
    ['Globex', 'crm-acme-3'],
    ['Initech', 'crm-4'],
  ]) {
    const created = await fetch(`${served.url}/api/v1/organizations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ display_name, external_id }),
    });
    expect(created.status).toBe(201);
  }
});
afterAll(() => served.close());

describe('@scalekit-sdk/node searchOrganization against the served mock', () => {
  it('calls the path the SDK annotates, which the pinned spec does not declare', () => {
    expect(annotatedGetPath(OrganizationService.method.searchOrganization)).toBe('/api/v1/organizations:search');
    const spec = JSON.parse(readFileSync(process.env.SCALEKIT_OPENAPI ?? '', 'utf8')) as { paths: object };
    expect(Object.keys(spec.paths)).toContain('/api/v1/organizations');
    expect(Object.keys(spec.paths)).not.toContain('/api/v1/organizations:search');
  });

  it('finds organizations by name, ID or external ID, case-insensitively', async () => {
    const byName = await sdk.organization.searchOrganization('acme');
    expect(byName.organizations.map((o) => o.displayName)).toEqual(['Acme Rockets', 'Acme Anvils', 'Globex']);
    expect(byName.totalSize).toBe(3);
    const globexId = byName.organizations[2]?.id ?? '';
    const byId = await sdk.organization.searchOrganization(globexId);
    expect(byId.organizations.map((o) => o.externalId)).toEqual(['crm-acme-3']);
    const byExternalId = await sdk.organization.searchOrganization('CRM-4');
    expect(byExternalId.organizations.map((o) => o.displayName)).toEqual(['Initech']);
    expect((await sdk.organization.searchOrganization('nobody')).organizations).toEqual([]);
  });

  it('pages with the page size and token the SDK sends', async () => {
    const first = await sdk.organization.searchOrganization('acme', 2);
    expect(first.organizations.map((o) => o.displayName)).toEqual(['Acme Rockets', 'Acme Anvils']);
    expect(first.nextPageToken).not.toBe('');
    const second = await sdk.organization.searchOrganization('acme', 2, first.nextPageToken);
    expect(second.organizations.map((o) => o.displayName)).toEqual(['Globex']);
    expect(second.nextPageToken).toBe('');
  });

  it('refuses a request without a token or without a query', async () => {
    const noToken = await fetch(`${served.url}/api/v1/organizations:search?query=acme`);
    expect(noToken.status).toBe(401);
    const token = await sdk.getClientAccessToken();
    const noQuery = await fetch(`${served.url}/api/v1/organizations:search?query=%20`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(noQuery.status).toBe(400);
  });
});
