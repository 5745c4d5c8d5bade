import { describe, expect, it, vi } from 'vitest';
import { createApiClient } from '../../src/client/api.js';
import { TokenError, TokenSession } from '../../src/client/oauth.js';
import { createTransport, type Transport, TransportError, TransportTimeoutError } from '../../src/client/transport.js';
import { ManualClock } from '../../src/clock.js';

const baseUrl = 'http://target.test';
const credentials = { clientId: 'skc_client_42', clientSecret: 'super-secret-value-123' };
const logsPath = '/api/v1/logs/authentication/requests';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A token endpoint that hands out tok-1, tok-2, ... and records what it was sent. */
function tokenEndpoint(expiresIn = 3600) {
  const requests: { method: string; url: string; contentType: string | null; body: string }[] = [];
  const transport: Transport = async (request) => {
    requests.push({
      method: request.method,
      url: request.url,
      contentType: request.headers.get('content-type'),
      body: await request.text(),
    });
    return json(200, { access_token: `tok-${requests.length}`, token_type: 'Bearer', expires_in: expiresIn });
  };
  return { requests, transport };
}

function session(transport: Transport, clock = new ManualClock(), refreshBeforeExpiryMs?: number): TokenSession {
  return new TokenSession({
    baseUrl,
    credentials,
    transport,
    clock,
    ...(refreshBeforeExpiryMs === undefined ? {} : { refreshBeforeExpiryMs }),
  });
}

async function tokenErrorOf(action: () => Promise<unknown>): Promise<TokenError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenError);
    return error as TokenError;
  }
  throw new Error('expected a TokenError, but the call succeeded');
}

describe('TokenSession', () => {
  it('requests a token with a form-encoded client_credentials POST to <base>/oauth/token', async () => {
    const endpoint = tokenEndpoint();
    const tokens = session(endpoint.transport);
    expect(await tokens.token()).toBe('tok-1');
    expect(endpoint.requests).toHaveLength(1);
    const [request] = endpoint.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('http://target.test/oauth/token');
    expect(request?.contentType).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(request?.body);
    expect([...form.entries()]).toEqual([
      ['grant_type', 'client_credentials'],
      ['client_id', 'skc_client_42'],
      ['client_secret', 'super-secret-value-123'],
    ]);
  });

  it('caches the token between calls', async () => {
    const endpoint = tokenEndpoint();
    const tokens = session(endpoint.transport);
    expect(await tokens.token()).toBe('tok-1');
    expect(await tokens.token()).toBe('tok-1');
    expect(tokens.fetchCount).toBe(1);
    expect(endpoint.requests).toHaveLength(1);
  });

  it('fetches a new token once the clock passes expires_in minus the refresh margin', async () => {
    const endpoint = tokenEndpoint(3600);
    const clock = new ManualClock();
    const tokens = session(endpoint.transport, clock, 10_000);
    expect(await tokens.token()).toBe('tok-1');
    clock.advance(3_600_000 - 10_000 - 1);
    expect(await tokens.token()).toBe('tok-1');
    expect(tokens.fetchCount).toBe(1);
    clock.advance(1);
    expect(await tokens.token()).toBe('tok-2');
    expect(tokens.fetchCount).toBe(2);
  });

  it('fetches a new token after invalidate', async () => {
    const endpoint = tokenEndpoint();
    const tokens = session(endpoint.transport);
    expect(await tokens.token()).toBe('tok-1');
    tokens.invalidate();
    expect(await tokens.token()).toBe('tok-2');
    expect(tokens.fetchCount).toBe(2);
  });

  it('shares one token request between concurrent callers', async () => {
    let calls = 0;
    let answer: (response: Response) => void = () => {};
    const transport: Transport = () => {
      calls += 1;
      return new Promise<Response>((resolvePromise) => {
        answer = resolvePromise;
      });
    };
    const tokens = session(transport);
    const first = tokens.token();
    const second = tokens.token();
    answer(json(200, { access_token: 'shared-token', expires_in: 3600 }));
    expect(await Promise.all([first, second])).toEqual(['shared-token', 'shared-token']);
    expect(calls).toBe(1);
    expect(tokens.fetchCount).toBe(1);
  });

  it('reports a 401 from the token endpoint as a rejected TokenError without the client secret', async () => {
    const tokens = session(async () => json(401, { error: 'invalid_client', error_description: 'bad secret' }));
    const error = await tokenErrorOf(() => tokens.token());
    expect(error.kind).toBe('rejected');
    expect(error.status).toBe(401);
    expect(error.oauthError).toBe('invalid_client');
    expect(error.message).toBe(
      'http://target.test/oauth/token refused the client credentials (HTTP 401, invalid_client)',
    );
    expect(error.message).not.toContain(credentials.clientSecret);
    expect(String(error)).not.toContain(credentials.clientSecret);
  });

  it('reports a network error as an unreachable TokenError that keeps the cause', async () => {
    const cause = new TypeError('fetch failed');
    const tokens = session(async () => {
      throw cause;
    });
    const error = await tokenErrorOf(() => tokens.token());
    expect(error.kind).toBe('unreachable');
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/^cannot reach http:\/\/target\.test\/oauth\/token \(.+\)$/);
    expect(error.cause).toBe(cause);
    expect(tokens.fetchCount).toBe(0);
  });

  it('reports a 200 without an access_token as a malformed TokenError', async () => {
    const tokens = session(async () => json(200, { token_type: 'Bearer', expires_in: 3600 }));
    const error = await tokenErrorOf(() => tokens.token());
    expect(error.kind).toBe('malformed');
    expect(error.status).toBe(200);
    expect(error.message).toBe('http://target.test/oauth/token answered 200 without an access_token');
  });

  it('does not cache a failed token request', async () => {
    let calls = 0;
    const tokens = session(async () => {
      calls += 1;
      return calls === 1 ? json(503, {}) : json(200, { access_token: 'after-retry', expires_in: 60 });
    });
    await expect(tokens.token()).rejects.toBeInstanceOf(TokenError);
    expect(await tokens.token()).toBe('after-retry');
    expect(calls).toBe(2);
  });
});

/** A fake target: a token endpoint plus the auth-log list, answering the list with `apiStatus(n)`. */
function fakeTarget(apiStatus: (call: number) => number) {
  const api: Request[] = [];
  let tokensIssued = 0;
  const fakeFetch = (async (input: string | URL | Request) => {
    const request = input as Request;
    const url = new URL(request.url);
    if (url.pathname === '/oauth/token') {
      tokensIssued += 1;
      return json(200, { access_token: `tok-${tokensIssued}`, token_type: 'Bearer', expires_in: 3600 });
    }
    api.push(request);
    const status = apiStatus(api.length);
    return status === 200
      ? json(200, { authRequests: [], next_page_token: '', prev_page_token: '', total_size: 0 })
      : json(status, { code: 16, message: 'unauthenticated' });
  }) as typeof fetch;
  const tokens = new TokenSession({
    baseUrl,
    credentials,
    clock: new ManualClock(),
    transport: createTransport({ timeoutMs: 1000, fetch: fakeFetch }),
  });
  return { api, tokens, fakeFetch };
}

describe('createApiClient', () => {
  it('sends the session token as a Bearer Authorization header', async () => {
    const target = fakeTarget(() => 200);
    const client = createApiClient({
      baseUrl,
      timeoutMs: 1000,
      auth: { kind: 'client-credentials', session: target.tokens },
      fetch: target.fakeFetch,
    });
    const { response, data } = await client.GET(logsPath, { params: { query: { page_size: 1 } } });
    expect(response.status).toBe(200);
    expect(data?.total_size).toBe(0);
    expect(target.api).toHaveLength(1);
    expect(target.api[0]?.headers.get('authorization')).toBe('Bearer tok-1');
    expect(target.api[0]?.url).toBe('http://target.test/api/v1/logs/authentication/requests?page_size=1');
  });

  it('refreshes the token and retries exactly once after a 401', async () => {
    const target = fakeTarget((call) => (call === 1 ? 401 : 200));
    const client = createApiClient({
      baseUrl,
      timeoutMs: 1000,
      auth: { kind: 'client-credentials', session: target.tokens },
      fetch: target.fakeFetch,
    });
    const { response } = await client.GET(logsPath, { params: { query: { page_size: 1 } } });
    expect(response.status).toBe(200);
    expect(target.api.map((r) => r.headers.get('authorization'))).toEqual(['Bearer tok-1', 'Bearer tok-2']);
    expect(target.api[1]?.url).toBe('http://target.test/api/v1/logs/authentication/requests?page_size=1');
    expect(target.tokens.fetchCount).toBe(2);
  });

  it('gives up after one retry when the server answers every request with 401', async () => {
    const target = fakeTarget(() => 401);
    const client = createApiClient({
      baseUrl,
      timeoutMs: 1000,
      auth: { kind: 'client-credentials', session: target.tokens },
      fetch: target.fakeFetch,
    });
    const { response, error } = await client.GET(logsPath, { params: { query: { page_size: 1 } } });
    expect(response.status).toBe(401);
    expect(error).toEqual({ code: 16, message: 'unauthenticated' });
    expect(target.api).toHaveLength(2);
    expect(target.tokens.fetchCount).toBe(2);
  });

  it('sends no Authorization header when auth is none', async () => {
    const target = fakeTarget(() => 200);
    const client = createApiClient({ baseUrl, timeoutMs: 1000, auth: { kind: 'none' }, fetch: target.fakeFetch });
    await client.GET(logsPath, { params: { query: { page_size: 1 } } });
    expect(target.api).toHaveLength(1);
    expect(target.api[0]?.headers.has('authorization')).toBe(false);
    expect(target.tokens.fetchCount).toBe(0);
  });

  it('sends a fixed bearer value when auth is bearer', async () => {
    const target = fakeTarget(() => 200);
    const client = createApiClient({
      baseUrl,
      timeoutMs: 1000,
      auth: { kind: 'bearer', token: 'fixed.value' },
      fetch: target.fakeFetch,
    });
    await client.GET(logsPath, { params: { query: { page_size: 1 } } });
    expect(target.api[0]?.headers.get('authorization')).toBe('Bearer fixed.value');
  });

  it('identifies itself with a scalekit-conformance User-Agent', async () => {
    const target = fakeTarget(() => 200);
    const client = createApiClient({ baseUrl, timeoutMs: 1000, auth: { kind: 'none' }, fetch: target.fakeFetch });
    await client.GET(logsPath, { params: { query: { page_size: 1 } } });
    expect(target.api[0]?.headers.get('user-agent')?.startsWith('scalekit-conformance/')).toBe(true);
  });

  it('turns a fetch that times out into a TransportTimeoutError naming the request and the limit', async () => {
    const seen: AbortSignal[] = [];
    const timingOutFetch = (async (input: string | URL | Request) => {
      seen.push((input as Request).signal);
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    }) as typeof fetch;
    const client = createApiClient({ baseUrl, timeoutMs: 50, auth: { kind: 'none' }, fetch: timingOutFetch });
    const outcome = client.GET(logsPath, { params: { query: { page_size: 1 } } });
    await expect(outcome).rejects.toBeInstanceOf(TransportTimeoutError);
    await expect(outcome).rejects.toThrow(
      'GET http://target.test/api/v1/logs/authentication/requests?page_size=1 did not answer within 50 ms',
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]?.aborted).toBe(false);
  });

  it('turns other fetch errors into a TransportError naming the request, with the error as its cause', async () => {
    const failure = new TypeError('fetch failed');
    const failingFetch = (async () => {
      throw failure;
    }) as typeof fetch;
    const client = createApiClient({ baseUrl, timeoutMs: 50, auth: { kind: 'none' }, fetch: failingFetch });
    const outcome = client.GET(logsPath, { params: { query: { page_size: 1 } } });
    await expect(outcome).rejects.toBeInstanceOf(TransportError);
    await expect(outcome).rejects.toMatchObject({
      request: `GET ${baseUrl}/api/v1/logs/authentication/requests?page_size=1`,
      reason: 'fetch failed',
      cause: failure,
    });
  });

  it('refuses a body longer than the limit as no usable answer, declared or streamed', async () => {
    const declared = (async () =>
      new Response('x'.repeat(64), { headers: { 'content-length': '64' } })) as unknown as typeof fetch;
    const streamed = (async () =>
      new Response(
        new ReadableStream({
          pull(controller) {
            controller.enqueue(new Uint8Array(16));
          },
        }),
      )) as unknown as typeof fetch;
    for (const fetch of [declared, streamed]) {
      const transport = createTransport({ timeoutMs: 1000, fetch, maxBodyBytes: 32 });
      await expect(transport(new Request(`${baseUrl}/keys`))).rejects.toMatchObject({
        name: 'TransportError',
        reason: 'the response body is longer than 32 bytes',
      });
    }
  });

  it('rejects with TransportTimeoutError when a fetch that honours its signal never answers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const hangingFetch = ((_input: unknown, init?: RequestInit) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        })) as typeof fetch;
      const client = createApiClient({ baseUrl, timeoutMs: 50, auth: { kind: 'none' }, fetch: hangingFetch });
      const outcome = client.GET(logsPath, { params: { query: { page_size: 1 } } });
      const settled = expect(outcome).rejects.toBeInstanceOf(TransportTimeoutError);
      await vi.advanceTimersByTimeAsync(50);
      await settled;
    } finally {
      vi.useRealTimers();
    }
  });
});
