import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse } from 'msw';
import type { Mock } from './index.js';
import { errorInfoBody, noRoute } from './responses.js';

/** One line of the request log: what was asked and what was answered (0: no answer was sent). */
export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  status: number;
}

export interface ServeOptions {
  /** Called once per request when its exchange ends, answered or not. */
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface ServedMock {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Serves the mock's msw handlers on a real socket, so the live-target code path (DNS-free, but real TCP and
 * HTTP parsing) is exercised against the same handlers the in-process mode uses. Binds to 127.0.0.1 only.
 */
export async function serveMock(mock: Mock, port = 0, options: ServeOptions = {}): Promise<ServedMock> {
  const server = createServer((req, res) => {
    const { onRequest } = options;
    if (onRequest) {
      const time = new Date().toISOString();
      const path = new URL(req.url ?? '/', 'http://mock').pathname;
      // `close` comes for every exchange, also one the client gave up on: the log misses no request.
      res.once('close', () => {
        onRequest({ time, method: req.method ?? 'GET', path, status: res.headersSent ? res.statusCode : 0 });
      });
    }
    handle(mock, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(errorInfoBody('INTERNAL', String(error))));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Larger request bodies are refused with 413 before they are buffered: no request can exhaust memory. */
export const maxBodyBytes = 1024 * 1024;

async function handle(mock: Mock, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) {
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      res.end(
        JSON.stringify(errorInfoBody('PAYLOAD_TOO_LARGE', `request bodies are limited to ${maxBodyBytes} bytes`)),
      );
      req.destroy();
      return;
    }
    chunks.push(chunk as Buffer);
  }
  const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const url = `http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`;
  const method = req.method ?? 'GET';
  const request = new Request(url, {
    method,
    headers,
    ...(body && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
  });
  const response = (await getResponse(mock.handlers, request)) ?? noRoute(method, req.url ?? '/');
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}
