import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../src/clock.js';
import { serveMock } from '../../src/mock/http-server.js';
import { createMock } from '../../src/mock/index.js';

/**
 * How a misbehaving target answers once the run's preflight (its first token request) has passed: `close` drops
 * every connection without an answer, `hang` never answers, `error` answers 500 to everything.
 */
export type Misbehaviour = 'close' | 'hang' | 'error';

export interface MisbehavingTarget {
  url: string;
  /** Requests it misbehaved on. */
  requests(): number;
  close(): Promise<void>;
}

/** A server on 127.0.0.1 that passes the token preflight and then misbehaves on every request. */
export async function startMisbehavingTarget(mode: Misbehaviour): Promise<MisbehavingTarget> {
  let preflightDone = false;
  let received = 0;
  const server: Server = createServer((request, response) => {
    if (!preflightDone && request.method === 'POST' && request.url === '/oauth/token') {
      preflightDone = true;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ access_token: 'preflight-token', token_type: 'Bearer', expires_in: 3600 }));
      return;
    }
    received += 1;
    if (mode === 'close') request.socket.destroy();
    else if (mode === 'error') {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end('{"code":13,"message":"internal"}');
    }
    // 'hang': no answer; the client's timeout ends the request, close() ends the socket.
  });
  return { ...(await listenOnLoopback(server)), requests: () => received };
}

/** Listens on a free 127.0.0.1 port; `close` drops open connections (a hanging one included) and stops. */
async function listenOnLoopback(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The broken answer by default: a 500 with a JSON body. */
function answer500(response: ServerResponse): void {
  response.writeHead(500, { 'content-type': 'application/json' });
  response.end('{"code":13,"message":"the proxy broke this request on purpose"}');
}

/**
 * A 200 whose JSON body streams `megabytes` MiB without a content length, in 64 KiB chunks, stopping early when
 * the client goes away: a target that would exhaust a client reading bodies whole.
 */
export function streamMegabytes(megabytes: number): (response: ServerResponse) => void {
  return (response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let left = megabytes * 16;
    const more = () => {
      while (left > 0 && !response.destroyed) {
        left -= 1;
        if (!response.write(chunk)) return void response.once('drain', more);
      }
      if (!response.destroyed) response.end('{}');
    };
    response.write('{"padding":"');
    more();
  };
}

/**
 * A proxy on 127.0.0.1 in front of a working target that answers itself to the requests `breaks` picks (a control
 * hook, say: a 500 by default) and passes every other request through unchanged.
 */
export async function startBreakingProxy(
  upstream: string,
  breaks: (method: string, path: string) => boolean,
  brokenAnswer: (response: ServerResponse) => void = answer500,
): Promise<MisbehavingTarget> {
  let broken = 0;
  const server: Server = createServer(async (request, response) => {
    const path = request.url ?? '/';
    if (breaks(request.method ?? 'GET', path)) {
      broken += 1;
      brokenAnswer(response);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && name !== 'host' && name !== 'connection') headers.set(name, value);
    }
    const method = request.method ?? 'GET';
    const answer = await fetch(new URL(path, upstream), {
      method,
      headers,
      redirect: 'manual',
      ...(method === 'GET' || method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
    });
    const outgoing: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (name !== 'content-encoding' && name !== 'content-length' && name !== 'transfer-encoding') {
        outgoing[name] = value;
      }
    });
    response.writeHead(answer.status, outgoing);
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
  return { ...(await listenOnLoopback(server)), requests: () => broken };
}

/**
 * The reference mock behind a proxy whose JWKS answer (`GET /keys`) streams `megabytes` MiB: every other request
 * works, so a run reaches the test that reads the keys (TOK-011).
 */
export async function startStreamingTarget(
  megabytes: number,
  credentials: { clientId: string; clientSecret: string },
): Promise<{ url: string; close: () => Promise<void> }> {
  const mock = await serveMock(createMock({ clock: systemClock, credentials }));
  const proxy = await startBreakingProxy(
    mock.url,
    (method, path) => method === 'GET' && path === '/keys',
    streamMegabytes(megabytes),
  );
  return {
    url: proxy.url,
    close: async () => {
      await proxy.close();
      await mock.close();
    },
  };
}
