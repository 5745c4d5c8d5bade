import { readFileSync } from 'node:fs';
import { ScalekitClient } from '@scalekit-sdk/node';
import { OrganizationService } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/organizations/organizations_pb.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScalekitMock, type ScalekitMock } from '../../src/mock/public.js';
import { httpRulesOf } from '../../src/protocol/sdk/http-rule.js';

// The SDK's `searchOrganization` (GET /api/v1/organizations:search, beyond the pinned spec) against the served
// mock, as an application calls it: the SDK's own gRPC transport, answered on the mock's port by the REST
// operation its `google.api.http` annotation names (src/mock/grpc/).

let scalekit: ScalekitMock;
let served: { url: string; close(): Promise<void> };
let sdk: ScalekitClient;

beforeAll(async () => {
  scalekit = createScalekitMock({ seed: 5 });
  served = await scalekit.serve();
  sdk = new ScalekitClient(served.url, scalekit.credentials.clientId, scalekit.credentials.clientSecret);
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
    expect(httpRulesOf(OrganizationService.method.searchOrganization)).toEqual([
      { method: 'GET', path: '/api/v1/organizations:search', body: '', responseBody: '' },
    ]);
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
