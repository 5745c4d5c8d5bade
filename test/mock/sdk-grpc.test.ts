import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { ScalekitClient, ScalekitNotFoundException } from '@scalekit-sdk/node';
import { UserService } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/users/users_pb.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { grpcCodeFor } from '../../src/mock/grpc/rest-bridge.js';
import { type RequestLogEntry, type ServedMock, serveMock } from '../../src/mock/http-server.js';
import { createMock } from '../../src/mock/index.js';

// The official Node SDK's management clients against the served mock, with no transport override: the SDK speaks
// gRPC over HTTP/2 cleartext on the port where the mock serves REST over HTTP/1.1, and each RPC is answered by
// the REST operation its `google.api.http` annotation names. Every result is compared with its REST twin.

const credentials = { clientId: 'skc_sdk_grpc', clientSecret: 'sdk-grpc-secret' };

let served: ServedMock;
let sdk: ScalekitClient;
const requestLog: RequestLogEntry[] = [];

/**
 * Set by test/mock/tls.test.ts, which runs this file again in a process that trusts its CA (the SDK reads
 * NODE_EXTRA_CA_CERTS at start only): the same calls over gRPC/TLS and HTTPS.
 */
const tlsDir = process.env.SDK_GRPC_TLS_DIR;
const tls = tlsDir && {
  key: readFileSync(join(tlsDir, 'key.pem'), 'utf8'),
  cert: readFileSync(join(tlsDir, 'cert.pem'), 'utf8'),
};

beforeAll(async () => {
  const mock = createMock({ clock: systemClock, credentials, seed: 19 });
  served = await serveMock(mock, 0, { onRequest: (entry) => requestLog.push(entry), ...(tls ? { tls } : {}) });
  expect(served.url.startsWith(tls ? 'https://' : 'http://')).toBe(true);
  sdk = new ScalekitClient(served.url, credentials.clientId, credentials.clientSecret);
});
afterAll(() => served.close());

/** The REST twin of an RPC: the same mock, over HTTP/1.1 with fetch. */
async function restGet(path: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const token = await sdk.getClientAccessToken();
  const response = await fetch(`${served.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const ids = <T extends { id: string }>(items: readonly T[]) => items.map((item) => item.id);
const restIds = (items: unknown) => (items as { id: string }[]).map((item) => item.id);

describe('@scalekit-sdk/node management calls over gRPC against the served mock', () => {
  it('authenticates as the SDK does: a first call refused UNAUTHENTICATED, a token over HTTP/1.1, the retry', async () => {
    const created = await sdk.organization.createOrganization('Acme Rockets', { externalId: 'crm-acme' });
    expect(created.organization?.displayName).toBe('Acme Rockets');
    const rpc = '/scalekit.v1.organizations.OrganizationService/CreateOrganization';
    const trail = requestLog.map(({ method, path, grpcStatus }) => ({ method, path, grpcStatus }));
    expect(trail.slice(0, 3)).toEqual([
      { method: 'POST', path: rpc, grpcStatus: Code.Unauthenticated },
      { method: 'POST', path: '/oauth/token', grpcStatus: undefined },
      { method: 'POST', path: rpc, grpcStatus: 0 },
    ]);
  });

  it('creates, lists, gets, updates and deletes organizations as REST does', async () => {
    const { organization } = await sdk.organization.createOrganization('Globex', { externalId: 'crm-globex' });
    const id = organization?.id ?? '';
    expect(id).toMatch(/^org_/);
    const rest = await restGet(`/api/v1/organizations/${id}`);
    expect(rest.status).toBe(200);
    expect((rest.json.organization as { display_name: string }).display_name).toBe('Globex');

    const listed = await sdk.organization.listOrganization({ pageSize: 50 });
    const restListed = await restGet('/api/v1/organizations?page_size=50');
    expect(ids(listed.organizations)).toEqual(restIds(restListed.json.organizations));
    expect(ids(listed.organizations)).toContain(id);
    expect(listed.totalSize).toBe(restListed.json.total_size);

    expect((await sdk.organization.getOrganization(id)).organization?.externalId).toBe('crm-globex');
    expect((await sdk.organization.getOrganizationByExternalId('crm-globex')).organization?.id).toBe(id);

    const updated = await sdk.organization.updateOrganization(id, { displayName: 'Globex Corporation' });
    expect(updated.organization?.displayName).toBe('Globex Corporation');
    const afterUpdate = await restGet(`/api/v1/organizations/${id}`);
    expect((afterUpdate.json.organization as { display_name: string }).display_name).toBe('Globex Corporation');

    const link = await sdk.organization.generatePortalLink(id);
    expect(link.id).not.toBe('');
    expect(link.location.startsWith(served.url)).toBe(true);

    const settings = await sdk.organization.updateOrganizationSettings(id, {
      features: [{ name: 'sso', enabled: true }],
    });
    const features = settings.organization?.settings?.features ?? [];
    expect(features).toContainEqual(expect.objectContaining({ name: 'sso', enabled: true }));
    const restSettings = await restGet(`/api/v1/organizations/${id}`);
    const restFeatures = (restSettings.json.organization as { settings: { features: unknown[] } }).settings.features;
    expect(features.map(({ name, enabled }) => ({ name, enabled }))).toEqual(restFeatures);

    await sdk.organization.deleteOrganization(id);
    expect((await restGet(`/api/v1/organizations/${id}`)).status).toBe(404);
  });

  it('raises the SDK not-found error, with the REST ErrorInfo, for a missing organization', async () => {
    const failure = await sdk.organization.getOrganization('org_0000000000000000').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ScalekitNotFoundException);
    const notFound = failure as ScalekitNotFoundException;
    expect(notFound.grpcStatus).toBe(Code.NotFound);
    expect(notFound.errorCode).toBe('NOT_FOUND');
    expect(notFound.message).toContain('org_0000000000000000');
  });

  it('creates and lists users and organization users as REST does', async () => {
    const { organization } = await sdk.organization.createOrganization('Initech');
    const orgId = organization?.id ?? '';
    const { user } = await sdk.user.createUserAndMembership(orgId, { email: 'peter@initech.example' });
    const userId = user?.id ?? '';
    expect(userId).toMatch(/^usr_/);
    const rest = await restGet(`/api/v1/users/${userId}`);
    expect((rest.json.user as { email: string }).email).toBe('peter@initech.example');

    expect((await sdk.user.getUser(userId)).user?.email).toBe('peter@initech.example');
    const listed = await sdk.user.listUsers({ pageSize: 100 });
    const restListed = await restGet('/api/v1/users?page_size=100');
    expect(ids(listed.users)).toEqual(restIds(restListed.json.users));
    expect(ids(listed.users)).toContain(userId);

    const members = await sdk.user.listOrganizationUsers(orgId, { pageSize: 10 });
    const restMembers = await restGet(`/api/v1/organizations/${orgId}/users?page_size=10`);
    expect(ids(members.users)).toEqual([userId]);
    expect(restIds(restMembers.json.users)).toEqual([userId]);

    const sessions = await sdk.session.getUserSessions(userId);
    const restSessions = await restGet(`/api/v1/users/${userId}/sessions`);
    expect(restSessions.status).toBe(200);
    expect(sessions.sessions.map((session) => session.sessionId)).toEqual(
      (restSessions.json.sessions as { session_id: string }[]).map((session) => session.session_id),
    );
  });

  it('creates and lists domains, and lists connections, directories and roles as REST does', async () => {
    const { organization } = await sdk.organization.createOrganization('Umbrella');
    const orgId = organization?.id ?? '';
    const created = await sdk.domain.createDomain(orgId, 'umbrella.example');
    expect(created.domain?.domain).toBe('umbrella.example');
    const domains = await sdk.domain.listDomains(orgId);
    const restDomains = await restGet(`/api/v1/organizations/${orgId}/domains`);
    expect(domains.domains.map((domain) => domain.domain)).toEqual(['umbrella.example']);
    expect(ids(domains.domains)).toEqual(restIds(restDomains.json.domains));

    const connections = await sdk.connection.listConnections(orgId);
    const restConnections = await restGet(`/api/v1/connections?organization_id=${orgId}`);
    expect(ids(connections.connections)).toEqual(restIds(restConnections.json.connections));

    const directories = await sdk.directory.listDirectories(orgId);
    const restDirectories = await restGet(`/api/v1/organizations/${orgId}/directories`);
    expect(ids(directories.directories)).toEqual(restIds(restDirectories.json.directories));

    const roles = await sdk.role.listRoles();
    const restRoles = await restGet('/api/v1/roles');
    expect(roles.roles.length).toBeGreaterThan(0);
    expect(roles.roles.map((role) => role.name)).toEqual(
      (restRoles.json.roles as { name: string }[]).map((role) => role.name),
    );
  });

  it('answers UNIMPLEMENTED for an RPC whose REST operation the mock does not serve, and logs it', async () => {
    const token = await sdk.getClientAccessToken();
    const transport = createGrpcTransport({
      baseUrl: served.url,
      interceptors: [
        (next) => (request) => {
          request.header.set('authorization', `Bearer ${token}`);
          return next(request);
        },
      ],
    });
    // GetCurrentUser is GET /api/v1/users:this, which the pinned spec and the mock do not have.
    const failure = await createClient(UserService, transport)
      .getCurrentUser({})
      .then(
        () => undefined,
        (error: unknown) => ConnectError.from(error),
      );
    expect(failure?.code).toBe(Code.Unimplemented);
    expect(requestLog.at(-1)).toMatchObject({
      method: 'POST',
      path: '/scalekit.v1.users.UserService/GetCurrentUser',
      status: 200,
      grpcStatus: Code.Unimplemented,
    });
  });

  it('still serves HTTP/1.1 on the same port, on connections of their own', async () => {
    const rest = await restGet('/api/v1/organizations?page_size=1');
    expect(rest.status).toBe(200);
    expect(requestLog.at(-1)).toMatchObject({ method: 'GET', path: '/api/v1/organizations', status: 200 });
    expect(requestLog.at(-1)?.grpcStatus).toBeUndefined();
    const discovery = await fetch(`${served.url}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(served.url);
  });

  it('maps REST statuses to gRPC codes', () => {
    const statuses = [400, 401, 403, 404, 409, 429, 500, 503];
    expect(statuses.map(grpcCodeFor)).toEqual([
      Code.InvalidArgument,
      Code.Unauthenticated,
      Code.PermissionDenied,
      Code.NotFound,
      Code.AlreadyExists,
      Code.ResourceExhausted,
      Code.Internal,
      Code.Internal,
    ]);
  });
});
