import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzRequest, rawExchange } from '../../scripts/fuzz.js';
import { ManualClock } from '../../src/clock.js';
import type { FaultId } from '../../src/mock/faults.js';
import { type ServedMock, serveMock } from '../../src/mock/http-server.js';
import { createMock, type Mock } from '../../src/mock/index.js';
import { applyAuthLogFilter } from '../../src/oracles/auth-log-filter.js';
import { clientCredentialsToken } from '../support/token.js';

// The socket server answers an operation's request by calling the operation's answer function itself (a route
// table, no fetch Request or Response, no pass through msw). Here two mocks with one seed and one clock get the
// same requests, one served that way and one through msw's getResponse (`direct: false`, as before and as the
// in-process mode does): every answer must be the same, byte for byte but for what differs between two servers
// by nature (their port, the Date header, the signing keys and the tokens signed with them).

const credentials = { clientId: 'skc_direct', clientSecret: 'direct-secret-123' };

/**
 * One request on its own connection (`connection: close`): everything the server sent until it closed. The time
 * limit is a safety net, never a verdict: a server that does not answer shows up as an empty answer on one side.
 */
const exchange = (url: string, head: string, body: Buffer = Buffer.alloc(0), chunked = false) =>
  rawExchange(url, { head, body, chunked }, 20_000);

/** What two servers answer differently by nature: their address, the time of the answer, keys and tokens. */
function normalised(answer: string, server: Pair['direct']): string {
  return answer
    .split(server.served.url.replace('http://', ''))
    .join('{host}')
    .split(server.token)
    .join('{token}')
    .replace(/^Date: .*\r\n/im, '')
    .replace(/[A-Za-z0-9_-]{100,}(?:\.[A-Za-z0-9_-]+){0,2}/g, '{opaque}');
}

interface Pair {
  direct: { mock: Mock; served: ServedMock; token: string };
  msw: { mock: Mock; served: ServedMock; token: string };
}

async function pair(faults: FaultId[]): Promise<Pair> {
  const side = async (direct: boolean) => {
    const mock = createMock({ clock: new ManualClock(Date.UTC(2026, 3, 1)), credentials, faults, seed: 17 });
    const served = await serveMock(mock, 0, { direct });
    return { mock, served, token: await clientCredentialsToken(served.url, credentials) };
  };
  return { direct: await side(true), msw: await side(false) };
}

/** Identifiers the scenario reuses, read from the first answers that name one (both mocks make the same). */
const known = { organization: 'org_none' };

/** Sends one request to both servers in turn; returns the two answers, normalised. */
async function both(
  servers: Pair,
  request: (host: string, token: string) => { head: string; body?: Buffer; chunked?: boolean },
): Promise<[string, string]> {
  const answers: string[] = [];
  for (const server of [servers.direct, servers.msw]) {
    const { head, body, chunked } = request(server.served.url.replace('http://', ''), server.token);
    answers.push(normalised(await exchange(server.served.url, head, body, chunked), server));
  }
  const organization = /"id":"(org_\d+)"/.exec(answers[0] ?? '')?.[1];
  if (organization && known.organization === 'org_none') known.organization = organization;
  return answers as [string, string];
}

/** A well-formed JSON request. */
const json =
  (method: string, target: string, body?: unknown, auth: 'valid' | 'none' = 'valid') =>
  (host: string, token: string) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers = [
      `${method} ${target} HTTP/1.1`,
      `host: ${host}`,
      ...(auth === 'valid' ? [`authorization: Bearer ${token}`] : []),
      ...(text ? ['content-type: application/json', `content-length: ${Buffer.byteLength(text)}`] : []),
      'connection: close',
    ];
    return { head: `${headers.join('\r\n')}\r\n\r\n`, body: Buffer.from(text) };
  };

const statuses = ['INITIATED', 'PENDING', 'SUCCESS', 'FAILED'];

/** Requests a client makes, in order: lists, pages, filters, writes, errors, HEAD, and an OAuth flow. */
const scenario: ((host: string, token: string) => { head: string; body?: Buffer })[] = [
  ...Array.from({ length: 14 }, (_, i) =>
    json('POST', '/api/v1/organizations', {
      display_name: `Org ${i}`,
      ...(i % 3 === 0 ? { external_id: `ext-${i}` } : {}),
    }),
  ),
  json('GET', '/api/v1/organizations?page_size=5'),
  json('GET', '/api/v1/organizations?page_size=5&page_token=b2Zmc2V0OjU'),
  json('GET', '/api/v1/organizations?page_size=5&page_token=b2Zmc2V0OjEw'),
  json('GET', '/api/v1/organizations?page_size=5&page_token=b2Zmc2V0OjE1'),
  json('GET', '/api/v1/organizations?page_size=60'),
  json('GET', '/api/v1/organizations?page_size=0'),
  json('GET', '/api/v1/organizations?page_size=-3'),
  json('GET', '/api/v1/organizations?page_token=nonsense'),
  json('GET', '/api/v1/organizations?external_id=ext-3'),
  json('GET', '/api/v1/organizations?external_id='),
  json('HEAD', '/api/v1/organizations?page_size=2'),
  json('GET', '/api/v1/organizations', undefined, 'none'),
  json('PUT', '/api/v1/organizations', { display_name: 'x' }),
  json('POST', '/api/v1/organizations', { display_name: '' }),
  json('POST', '/api/v1/organizations', { display_name: 'Logo', logo_url: 'ftp://x' }),
  (host, token) => json('GET', `/api/v1/organizations/${known.organization}`)(host, token),
  (host, token) => json('PATCH', `/api/v1/organizations/${known.organization}`, { slug: 'a-b' })(host, token),
  (host, token) => json('GET', `/api/v1/organizations/${known.organization}`, undefined, 'none')(host, token),
  (host, token) => json('DELETE', `/api/v1/organizations/${known.organization}`, undefined, 'none')(host, token),
  (host, token) => json('DELETE', `/api/v1/organizations/${known.organization}`)(host, token),
  json('GET', '/api/v1/organizations?page_size=3'),
  json('GET', '/api/v1/organizations/org_missing'),
  json('GET', '/api/v1/organizations/%zz'),
  json('GET', '/api/v1/organizations/../organizations'),
  json('GET', '/api/v1/organizations/'),
  json('DELETE', '/api/v1/organizations/org_missing'),
  json('DELETE', '/api/v1/organizations/org_missing', undefined, 'none'),
  json('GET', '/api/v1/organizations:external/ext-6'),
  (host, token) => ({
    head: `POST /api/v1/organizations HTTP/1.1\r\nhost: ${host}\r\nauthorization: Bearer ${token}\r\ncontent-length: 5\r\nconnection: close\r\n\r\n`,
    body: Buffer.from('{"a":'),
  }),
  (host, token) => ({
    head: `POST /api/v1/organizations HTTP/1.1\r\nhost: ${host}\r\nauthorization: Bearer ${token}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`,
  }),
  (host, token) => {
    const text = `\ufeff${JSON.stringify({ display_name: 'With a byte-order mark' })}`;
    return {
      head: `POST /api/v1/organizations HTTP/1.1\r\nhost: ${host}\r\nauthorization:   Bearer ${token}  \r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n`,
      body: Buffer.from(text),
    };
  },
  json('PUT', '/api/v1/organizations/org_missing/portal_links?features=sso'),
  json('POST', '/_conformance/v1/auth-requests', {
    entries: Array.from({ length: 30 }, (_, i) => ({
      status: statuses[i % 4],
      email: `user${i % 5}@example.test`,
      // Ties on purpose: several entries share a time, so the order within a time shows.
      timestamp: new Date(Date.UTC(2026, 2, 1) + Math.floor(i / 3) * 60_000).toISOString(),
      ...(i % 7 === 0 ? { client_id: 'skc_other' } : {}),
    })),
  }),
  json('GET', '/api/v1/logs/authentication/requests?status=FAILED&page_size=4'),
  json('GET', '/api/v1/logs/authentication/requests?status=FAILED&page_size=4&page_token=b2Zmc2V0OjQ'),
  json('GET', '/api/v1/logs/authentication/requests?status=failed&status=SUCCESS'),
  json('GET', '/api/v1/logs/authentication/requests?status=Failure'),
  json('GET', '/api/v1/logs/authentication/requests?email=user2@example.test'),
  json('GET', '/api/v1/logs/authentication/requests?client_id=skc_other'),
  json('GET', '/api/v1/logs/authentication/requests?start_time=2026-03-01T00:03:00Z&end_time=2026-03-01T00:06:00Z'),
  json('GET', '/api/v1/logs/authentication/requests?start_time=2026-03-01T00:06:00Z&end_time=2026-03-01T00:03:00Z'),
  json('GET', '/api/v1/logs/authentication/requests?start_time=yesterday'),
  json('GET', '/api/v1/logs/authentication/requests?page_size=0'),
  json('GET', '/api/v1/logs/authentication/requests?page_size=-1'),
  json('GET', '/api/v1/logs/authentication/requests?page_size=500'),
  json('GET', '/api/v1/logs/authentication/requests', undefined, 'none'),
  json('POST', '/_conformance/v1/auth-requests', {
    entries: [
      { status: 'PENDING', email: 'late@example.test', timestamp: '2026-02-01T00:00:00Z' },
      { status: 'FAILED', email: 'new@example.test', timestamp: '2026-03-01T00:04:00Z' },
      { status: 'FAILED', email: 'newest@example.test', timestamp: '2027-01-01T00:00:00Z' },
    ],
  }),
  json('GET', '/api/v1/logs/authentication/requests?status=FAILED&page_size=4'),
  json('GET', '/api/v1/logs/authentication/requests?page_size=50'),
  // The OAuth flow records an entry and then moves its status on, in place.
  json('PUT', '/_conformance/v1/redirects/callback', { uris: ['https://app.example.test/callback'] }),
  json(
    'GET',
    '/oauth/authorize?response_type=code&client_id=skc_direct&redirect_uri=https%3A%2F%2Fapp.example.test%2Fcallback&scope=openid&prompt=none&state=s',
  ),
  json('GET', '/api/v1/logs/authentication/requests?status=FAILED&page_size=4'),
  json('GET', '/api/v1/logs/authentication/requests?status=INITIATED&page_size=50'),
  json('POST', '/_conformance/v1/reset', {}),
  json('GET', '/api/v1/logs/authentication/requests?status=FAILED'),
  json('GET', '/api/v1/organizations'),
];

/** Fault sets: none, the response faults (which rewrite answers after the handler), and the list and auth faults. */
const faultSets: FaultId[][] = [
  [],
  ['contract.error-status-envelope', 'contract.undocumented-property', 'contract.validation-422'],
  ['contract.error-body-unrecognised', 'contract.undeclared-status-html', 'contract.text-plain-list'],
  ['contract.deleted-still-listed', 'contract.list-without-total-size', 'contract.required-body-ignored'],
  // A handler that crashes (500 with the error's text) and one that refuses with a 500 of its own.
  ['contract.logo-url-500', 'auth-logs.unknown-status-500', 'contract.organization-without-create-time'],
  ['auth-logs.initiated-hidden', 'auth-logs.reversed-order', 'auth-logs.failure-label', 'contract.ignored-auth'],
  ['auth-logs.failed-shown-as-initiated', 'auth-logs.no-auth-required', 'auth-logs.snake-case-list'],
  ['auth-logs.duplicate-across-pages', 'auth-logs.page-total-size', 'contract.forged-token-accepted'],
];

describe.each(faultSets)('the socket server with faults [%s]', (...faults) => {
  let servers: Pair;
  beforeAll(async () => {
    servers = await pair(faults);
    known.organization = 'org_none';
  });
  afterAll(async () => {
    await servers.direct.served.close();
    await servers.msw.served.close();
  });

  it('answers a client’s requests as msw does, byte for byte', async () => {
    const differences: string[] = [];
    for (const [index, request] of scenario.entries()) {
      const [direct, msw] = await both(servers, request);
      if (direct !== msw) differences.push(`#${index}\n--- direct\n${direct}\n--- msw\n${msw}`);
    }
    expect(differences).toEqual([]);
  });

  it('answers 250 seeded raw requests (scripts/fuzz.ts) as msw does', async () => {
    const differences: string[] = [];
    for (let index = 0; index < 250; index++) {
      const [direct, msw] = await both(servers, (host, token) => fuzzRequest(20260607, index, host, token));
      if (direct !== msw)
        differences.push(`#${index}\n--- direct\n${direct.slice(0, 600)}\n--- msw\n${msw.slice(0, 600)}`);
    }
    expect(differences).toEqual([]);
  });
});

describe('the auth-log index the list requests share', () => {
  let servers: Pair;
  beforeAll(async () => {
    servers = await pair([]);
  });
  afterAll(async () => {
    await servers.direct.served.close();
    await servers.msw.served.close();
  });

  it('lists what the filter oracle gives, as entries arrive out of order and statuses change in place', async () => {
    const { mock, served, token } = servers.direct;
    const list = async (query: string) => {
      const response = await fetch(`${served.url}/api/v1/logs/authentication/requests?page_size=100&${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await response.json()) as { authRequests: { auth_request_id: string }[] }).authRequests.map(
        (entry) => entry.auth_request_id,
      );
    };
    const expected = (statuses?: string[]) =>
      applyAuthLogFilter(mock.state.authRequests, statuses ? { statuses } : {}).map((entry) => entry.auth_request_id);
    for (let round = 0; round < 6; round++) {
      const times = [5, 1, 5, 3, 9, 1, 5, 0].map((minute) => Date.UTC(2026, 4, 1, 0, minute + round));
      mock.state.authRequests.push(
        ...times.map((at, i) => ({
          auth_request_id: `ar_${round}_${i}`,
          status: statuses[(round + i) % 4] as 'FAILED',
          email: 'someone@example.test',
          timestamp: new Date(at).toISOString(),
        })),
      );
      expect(await list('')).toEqual(expected());
      expect(await list('status=FAILED')).toEqual(expected(['FAILED']));
      // The OAuth flow's way: an entry's status changes, the entry stays where it is.
      const moved = mock.state.authRequests[round * 3];
      if (moved) moved.status = moved.status === 'FAILED' ? 'SUCCESS' : 'FAILED';
      expect(await list('status=FAILED')).toEqual(expected(['FAILED']));
      expect(await list('status=SUCCESS&status=PENDING')).toEqual(expected(['SUCCESS', 'PENDING']));
    }
    mock.state.reset();
    expect(await list('status=FAILED')).toEqual([]);
  });
});
