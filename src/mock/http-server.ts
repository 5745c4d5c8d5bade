import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import {
  createServer as createHttp2Server,
  createSecureServer,
  type Http2SecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { getResponse, HttpHandler, matchRequestUrl, type RequestHandler } from 'msw';
import type { GrpcServing, RestDispatch } from './grpc/server.js';
import type { Mock } from './index.js';
import { errorInfoBody, noRoute } from './responses.js';
import { type Answer, type DirectRoute, directRoutes, type RouteRequest } from './route.js';
import type { TlsFiles } from './tls.js';

export type { TlsFiles } from './tls.js';

/**
 * Makes a local CA and a certificate for 127.0.0.1 signed by it, written to `dir` (src/mock/tls.ts). Loaded on
 * call, so a mock served without TLS never loads the certificate code.
 */
export async function makeTlsFiles(dir: string): Promise<TlsFiles> {
  const tls = await import('./tls.js');
  return tls.makeTlsFiles(dir);
}

/** `makeTlsFiles` without the files: a CA, a certificate for 127.0.0.1 and its key, in memory (a run's TLS mock). */
export async function makeTlsMaterial(): Promise<{ ca: string; cert: string; key: string }> {
  const tls = await import('./tls.js');
  return tls.makeTlsMaterial();
}

/** One line of the request log: what was asked and what was answered (0: no answer was sent). */
export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  status: number;
  /** For a gRPC call (path `/package.Service/Method`): the gRPC status it ended with (0: OK). */
  grpcStatus?: number;
}

export interface ServeOptions {
  /** Called once per request when its exchange ends, answered or not. A callback that throws is ignored. */
  onRequest?: (entry: RequestLogEntry) => void;
  /**
   * Whether an operation's request is answered by the operation's own answer function, found by a route table,
   * instead of through msw (default true; the answers are the same). false sends every request through msw's
   * `getResponse`, as the in-process mode does: test/mock/direct-answers.test.ts compares the two.
   */
  direct?: boolean;
  /**
   * Serve HTTPS instead (src/mock/tls.ts makes the files): HTTP/1.1 over TLS as the cleartext server answers it,
   * and gRPC over HTTP/2 when the client offers h2 by ALPN. The URL is then `https://127.0.0.1:PORT`.
   */
  tls?: {
    key: string;
    cert: string;
    /**
     * The seeded fault `tls.plain-http-served` (TOK-006): plain HTTP/1.1 is answered on the TLS port too, told apart
     * by the connection's first byte. Off, a plain request is refused as Node's TLS server refuses it.
     */
    plainHttpToo?: boolean;
  };
}

export interface ServedMock {
  url: string;
  /** The HTTP/1.1 server, or with `tls` the HTTP/2 server that also answers HTTP/1.1. */
  server: Server | Http2SecureServer;
  close(): Promise<void>;
}

/** Larger request bodies are refused with 413 and never buffered: no request can exhaust memory. */
export const maxBodyBytes = 1024 * 1024;

/** Request headers larger than this (all of them together) are refused by Node's parser with 431. */
export const maxHeaderBytes = 16 * 1024;

/** Methods a fetch `Request` cannot carry; the mock answers them 405 instead of handing them to msw. */
const unsupportedMethods = new Set(['CONNECT', 'TRACE', 'TRACK']);
const allowedMethods = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

/**
 * Serves the mock's msw handlers on a real socket, so the live-target code path (DNS-free, but real TCP and
 * HTTP parsing) is exercised against the same handlers the in-process mode uses. Binds to 127.0.0.1 only.
 *
 * Every request the socket parses gets an answer below 500 unless a handler has a bug: a request-target that is
 * not a path (`http://[`, `*`) is 400, `CONNECT`/`TRACE`/`TRACK` are 405, `HEAD` is answered like `GET` without
 * a body, a body over `maxBodyBytes` is 413, headers over `maxHeaderBytes` are 431 (Node). The request's URL is
 * built from the address the mock listens on, never from its `Host` header: the OAuth issuer, the discovery
 * document and every absolute URL the mock writes name that address whatever the client sent as `Host`.
 *
 * A request to one of the spec's operations (a `route` handler) is answered by that operation's answer function,
 * found in a route table (`RouteTable`): no fetch Request or Response unless a handler asks for one, and a JSON
 * answer serialised once. Everything else (OAuth, control hooks, unknown paths) goes through msw's `getResponse`.
 * The answers are the same either way (test/mock/direct-answers.test.ts).
 */
export async function serveMock(
  mock: Pick<Mock, 'handlers'>,
  port = 0,
  options: ServeOptions = {},
): Promise<ServedMock> {
  let base = 'http://127.0.0.1';
  const routes = options.direct === false ? undefined : new RouteTable();
  const log = (entry: RequestLogEntry) => {
    try {
      options.onRequest?.(entry);
    } catch {
      // A request log that cannot be written must not take the mock down with it.
    }
  };
  const onHttp1Request = (req: IncomingMessage, res: ServerResponse) => {
    const target = requestTarget(req.url ?? '/');
    if (options.onRequest) {
      const time = new Date().toISOString();
      const path = target?.pathname ?? '(invalid request-target)';
      // `close` comes for every exchange, also one the client gave up on: the log misses no request.
      res.once('close', () => {
        log({ time, method: req.method ?? 'GET', path, status: res.headersSent ? res.statusCode : 0 });
      });
    }
    handle(mock, routes, base, target, req, res).catch((error: unknown) => {
      // Only a bug in a handler gets here; the fuzz (npm run fuzz) reports every such answer.
      if (res.destroyed) return;
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(errorInfoBody('INTERNAL', String(error))));
    });
  };
  const grpc = grpcOnHttp2(mock, routes, () => base, options.onRequest ? log : undefined);
  if (options.tls) {
    const served = await serveTls(options.tls, port, onHttp1Request, grpc.onRequest);
    base = served.url;
    return served;
  }
  const server = createServer({ maxHeaderSize: maxHeaderBytes, requireHostHeader: false }, onHttp1Request);
  // CONNECT never reaches the request listener; without this, Node drops the connection without an answer.
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => {});
    const body = JSON.stringify(errorInfoBody('METHOD_NOT_ALLOWED', 'CONNECT is not supported'));
    socket.end(
      `HTTP/1.1 405 Method Not Allowed\r\nallow: ${allowedMethods}\r\ncontent-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
    log({ time: new Date().toISOString(), method: 'CONNECT', path: req.url ?? '', status: 405 });
  });
  // A request Node's parser refuses (an unknown method, headers over `maxHeaderBytes`, a malformed line) is
  // answered 400 or 431, and the rest of what the client sends is read and dropped for a moment: Node's own
  // handler closes at once, and a client still sending its body then gets a reset instead of the answer.
  const refused = new WeakSet<Duplex>();
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // The parser complains again about the rest of a refused request (its body, arriving later): the answer is
    // already on its way, and destroying the socket now would reset the connection before the client reads it.
    if (refused.has(socket)) return;
    refused.add(socket);
    socket.on('error', () => {});
    if (!socket.writable || (socket as Duplex & { bytesWritten?: number }).bytesWritten) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    socket.resume();
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
    setTimeout(() => socket.destroy(), 1_000).unref();
    log({ time: new Date().toISOString(), method: '', path: '(unparsable request)', status });
  });
  // Every socket, also those taken over by `connect` or `clientError`, which `closeAllConnections` does not know.
  const sockets = new Set<Duplex>();
  server.on('connection', (socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // HTTP/2 with prior knowledge (the SDK's gRPC) on the same port: each connection's first bytes pick the server.
  const http2Cleartext = createHttp2Server();
  // A client that breaks off its session must not take the mock down.
  http2Cleartext.on('sessionError', () => {});
  http2Cleartext.on('request', grpc.onRequest);
  const [http1ConnectionListener] = server.listeners('connection') as ((socket: Socket) => void)[];
  if (http1ConnectionListener) {
    server.removeListener('connection', http1ConnectionListener);
    server.prependListener('connection', (socket: Socket) => {
      whenHttp2Preface(
        socket,
        () => http1ConnectionListener.call(server, socket),
        (stream) => http2Cleartext.emit('connection', stream),
      );
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${actual}`;
  return {
    url: base,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        http2Cleartext.close();
      }),
  };
}

/** A gRPC (or Connect) method's path, `/scalekit.v1.organizations.OrganizationService/CreateOrganization`. */
const rpcPath = /^\/[A-Za-z_]\w*(\.\w+)+\/\w+$/;

/**
 * HTTPS on one port: Node's HTTP/2 server over TLS, which hands a connection that negotiated HTTP/1.1 (or no
 * ALPN) to the same request listener with HTTP/1.1 request and response objects, so each kind goes to the
 * handler the cleartext server uses for it. The cleartext-only answers to what Node's HTTP/1.1 parser refuses
 * (CONNECT 405, 400/431 on a malformed request) are not repeated here: Node closes such a connection.
 */
async function serveTls(
  { plainHttpToo, ...tls }: NonNullable<ServeOptions['tls']>,
  port: number,
  onHttp1Request: (req: IncomingMessage, res: ServerResponse) => void,
  onHttp2Request: (req: Http2ServerRequest, res: Http2ServerResponse) => void,
): Promise<ServedMock> {
  const server = createSecureServer({ ...tls, allowHTTP1: true, ALPNProtocols: ['h2', 'http/1.1'] });
  server.on('request', (req: Http2ServerRequest | IncomingMessage, res: Http2ServerResponse | ServerResponse) => {
    // A browser or curl negotiates h2 too: only a call to `/package.Service/Method` is gRPC, the rest is REST,
    // answered through Node's HTTP/2 compatibility objects, which carry what the HTTP/1.1 handler reads and writes.
    if (req.httpVersionMajor === 2 && rpcPath.test(req.url ?? '')) {
      onHttp2Request(req as Http2ServerRequest, res as Http2ServerResponse);
    } else {
      onHttp1Request(req as IncomingMessage, res as ServerResponse);
    }
  });
  server.on('sessionError', () => {});
  // A client that refuses the certificate (or speaks no TLS) must not take the mock down.
  server.on('tlsClientError', () => {});
  const sockets = new Set<Duplex>();
  server.on('connection', (socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const plain = plainHttpToo ? plainHttpBeside(server, onHttp1Request) : undefined;
  const listening = plain?.front ?? server;
  await new Promise<void>((resolve, reject) => {
    listening.once('error', reject);
    listening.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = listening.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${actual}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        if (plain) {
          plain.close();
          server.close();
          listening.close(() => resolve());
        } else {
          server.close(() => resolve());
        }
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** A TLS record starts with its content type; a handshake's is 22 (RFC 8446 §5.1). */
const tlsHandshake = 0x16;

/**
 * The fault `tls.plain-http-served`: a listener in front of the TLS server that reads each connection's first byte
 * and hands a TLS handshake to the TLS server (through a stream that replays it) and anything else to a cleartext
 * HTTP/1.1 server answering the same requests.
 */
function plainHttpBeside(
  tlsServer: Http2SecureServer,
  onHttp1Request: (req: IncomingMessage, res: ServerResponse) => void,
) {
  const plain = createServer({ maxHeaderSize: maxHeaderBytes, requireHostHeader: false }, onHttp1Request);
  const front = createNetServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', (first: Buffer) => {
      socket.pause();
      if (first[0] === tlsHandshake) {
        tlsServer.emit('connection', withFirstBytes(socket, first));
        return;
      }
      socket.unshift(first);
      plain.emit('connection', socket);
      socket.resume();
    });
  });
  return {
    front,
    close: () => {
      plain.closeAllConnections();
      plain.close();
    },
  };
}

/**
 * The path and query of a request-target: origin form (`/path?query`) as it is, absolute form
 * (`http://host/path`) reduced to its path; anything else (`*`, `http://[`) is undefined.
 */
function requestTarget(raw: string): { pathname: string; search: string } | undefined {
  if (raw.startsWith('/')) {
    const query = raw.indexOf('?');
    return query < 0 ? { pathname: raw, search: '' } : { pathname: raw.slice(0, query), search: raw.slice(query) };
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || !URL.canParse(raw)) return undefined;
  const url = new URL(raw);
  return { pathname: url.pathname, search: url.search };
}

function send(res: ServerResponse, status: number, code: string, message: string, headers = {}): void {
  const body = JSON.stringify(errorInfoBody(code, message));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/**
 * At most this much of a request body is read and thrown away before an early answer (400, 405, 413), so the
 * client, still sending, gets the answer instead of a reset connection; past it, the connection is closed.
 */
const maxDrainBytes = 64 * maxBodyBytes;

/**
 * Reads the body up to `maxBodyBytes`; past that, the rest is read and thrown away (up to `maxDrainBytes`) and
 * the answer is 'too-large'. Memory stays bounded by `maxBodyBytes` per request.
 */
function readBody(req: IncomingMessage, keep = maxBodyBytes): Promise<Buffer | 'too-large'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(size > keep ? 'too-large' : Buffer.concat(chunks));
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > keep) chunks.length = 0;
      else chunks.push(chunk);
      if (size > maxDrainBytes) {
        req.pause();
        done();
      }
    });
    req.once('end', done);
    req.once('error', done);
    req.once('close', done);
  });
}

/** Header values as Node writes them: characters outside Latin-1 percent-encoded instead of thrown on. */
function headerValue(value: string): string {
  return /^[\t\x20-\x7e\x80-\xff]*$/.test(value) ? value : value.replace(/[^\t\x20-\x7e]/gu, encodeURIComponent);
}

/** msw's own method test (`HttpHandler.matchMethod`, which it keeps private). */
function methodMatches(expected: string | RegExp, actual: string): boolean {
  return expected instanceof RegExp ? expected.test(actual) : expected.toUpperCase() === actual.toUpperCase();
}

/**
 * The handlers that can answer a request, in their order. msw asks every handler in turn, and each parses the
 * request's cookies (tough-cookie) before it looks at the URL: over the mock's 150 handlers, the largest share of
 * the mock's own time in a suite run. An HTTP handler answers only its method and URL, so leaving the others out
 * changes no answer.
 */
function candidatesFor(handlers: readonly RequestHandler[], method: string, url: URL): RequestHandler[] {
  return handlers.filter((handler) => mayAnswer(handler, method, url));
}

function mayAnswer(handler: RequestHandler, method: string, url: URL): boolean {
  return (
    !(handler instanceof HttpHandler) ||
    typeof handler.info.path === 'function' ||
    (methodMatches(handler.info.method, method) && matchRequestUrl(url, handler.info.path).matches)
  );
}

/** Requests resolved to their operation (or to msw), remembered by method and path up to this many. */
const maxRemembered = 4096;

/**
 * Which handler answers a request, found without msw: the first candidate (`candidatesFor`) in the handlers'
 * order. When that is an operation's handler (`route`), it always answers, so the server calls its answer function
 * directly: no fetch Request or Response, no pass through msw's handler chain. When it is any other handler (the
 * OAuth endpoints, the control hooks, the undeclared-method handlers, which may pass), msw answers as before. The
 * answer depends on the method and the path only (msw matches origin + path), so it is remembered by them.
 */
class RouteTable {
  #handlers: readonly RequestHandler[] | undefined;
  #length = 0;
  readonly #byMethod = new Map<string, readonly RequestHandler[]>();
  readonly #resolved = new Map<string, DirectRoute | null>();

  /** The operation that answers this method and URL, or undefined when msw must (or no handler matches). */
  find(handlers: readonly RequestHandler[], method: string, url: URL): DirectRoute | undefined {
    // Handlers may be read from a getter (src/cli/mutation.ts makes the mock on the first request): any change
    // to the list forgets what was found in the old one.
    if (handlers !== this.#handlers || handlers.length !== this.#length) {
      this.#handlers = handlers;
      this.#length = handlers.length;
      this.#byMethod.clear();
      this.#resolved.clear();
    }
    const key = `${method} ${url.pathname}`;
    let found = this.#resolved.get(key);
    if (found === undefined) {
      found = this.#resolve(handlers, method, url);
      if (this.#resolved.size >= maxRemembered) this.#resolved.clear();
      this.#resolved.set(key, found);
    }
    return found ?? undefined;
  }

  #resolve(handlers: readonly RequestHandler[], method: string, url: URL): DirectRoute | null {
    let forMethod = this.#byMethod.get(method);
    if (!forMethod) {
      forMethod = handlers.filter(
        (handler) =>
          !(handler instanceof HttpHandler) ||
          typeof handler.info.path === 'function' ||
          methodMatches(handler.info.method, method),
      );
      this.#byMethod.set(method, forMethod);
    }
    const cleanUrl = `${url.origin}${url.pathname}`;
    for (const handler of forMethod) {
      const direct = directRoutes.get(handler);
      if (direct) {
        if (direct.matcher.test(cleanUrl)) return direct;
      } else if (mayAnswer(handler, method, url)) {
        return null;
      }
    }
    return null;
  }
}

const utf8 = new TextDecoder();

/** A header's value as a fetch `Headers` gives it: leading and trailing HTTP whitespace removed. */
function headerText(value: string | undefined): string | null {
  if (value === undefined) return null;
  return /^[\t\n\r ]|[\t\n\r ]$/.test(value) ? value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '') : value;
}

/** The fetch `Request` the handlers get for this exchange. Throws when the request cannot be one (400). */
function fetchRequest(req: IncomingMessage, url: string, method: string, body: Buffer): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    // HTTP/2's pseudo-headers (`:method`, `:path`) are in an HTTP/2 request's headers (REST over TLS with h2).
    if (value === undefined || name.startsWith(':')) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return new Request(url, {
    method,
    headers,
    ...(body.length > 0 && method !== 'GET' ? { body: new Uint8Array(body) } : {}),
  });
}

function parseUrl(href: string): URL | undefined {
  try {
    return new URL(href);
  } catch {
    return undefined;
  }
}

const emptyBody = Buffer.alloc(0);

/**
 * A request without Content-Length and Transfer-Encoding has no body (RFC 9112 §6.3): nothing to wait for. Node
 * reads and drops what is left of a request its handler did not read.
 */
function hasNoBody(req: IncomingMessage): boolean {
  return req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined;
}

async function handle(
  mock: Pick<Mock, 'handlers'>,
  routes: RouteTable | undefined,
  base: string,
  target: { pathname: string; search: string } | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = req.method ?? 'GET';
  const declared = Number(req.headers['content-length'] ?? 0);
  // A body declared larger than can be drained is not waited for: the answer goes out and the connection closes.
  const body = hasNoBody(req)
    ? emptyBody
    : declared > maxDrainBytes
      ? 'too-large'
      : await readBody(req, target ? maxBodyBytes : 0);
  if (!target) {
    send(res, 400, 'INVALID_ARGUMENT', 'the request-target must be a path (origin form) or an absolute http URL');
    return;
  }
  if (unsupportedMethods.has(method)) {
    send(res, 405, 'METHOD_NOT_ALLOWED', `${method} is not supported`, { allow: allowedMethods });
    return;
  }
  if (body === 'too-large') {
    send(res, 413, 'PAYLOAD_TOO_LARGE', `request bodies are limited to ${maxBodyBytes} bytes`, { connection: 'close' });
    return;
  }
  // HEAD is answered like GET, without the body (RFC 9110 §9.3.2).
  const asMethod = method === 'HEAD' ? 'GET' : method;
  const href = `${base}${target.pathname}${target.search}`;
  // The URL the Request would have; one that cannot be parsed gets the Request's own complaint below.
  const url = parseUrl(href);
  const direct = url && routes?.find(mock.handlers, asMethod, url);
  if (url && direct) {
    let request: Request | undefined;
    const input: RouteRequest = {
      url,
      authorization: headerText(req.headers.authorization),
      text: async () => (asMethod === 'GET' ? '' : utf8.decode(body)),
      get request() {
        request ??= fetchRequest(req, url.href, asMethod, body);
        return request;
      },
    };
    await write(res, method, await direct.answer(input));
    return;
  }
  let request: Request;
  try {
    request = fetchRequest(req, href, asMethod, body);
  } catch (error) {
    send(res, 400, 'INVALID_ARGUMENT', `the request cannot be read (${String(error)})`);
    return;
  }
  const handlers = candidatesFor(mock.handlers, asMethod, new URL(request.url));
  await write(res, method, (await getResponse(handlers, request)) ?? noRoute(method, target.pathname));
}

/** Sends an answer: a JSON one serialised as `HttpResponse.json` does, without making a Response of it first. */
async function write(res: ServerResponse, method: string, answer: Answer): Promise<void> {
  if (!(answer instanceof Response)) {
    const payload = JSON.stringify(answer.json) ?? '';
    res.writeHead(answer.status, {
      'content-length': Buffer.byteLength(payload),
      'content-type': 'application/json',
    });
    res.end(method === 'HEAD' ? undefined : payload);
    return;
  }
  const payload = Buffer.from(await answer.arrayBuffer());
  const headers: Record<string, string> = {};
  for (const [name, value] of answer.headers) headers[name] = headerValue(value);
  res.writeHead(answer.status, headers);
  res.end(method === 'HEAD' ? undefined : payload);
}

/** What a connection speaking HTTP/2 with prior knowledge sends first (RFC 9113 §3.4). */
const http2Preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/**
 * Reads a connection's first bytes, puts them back, and hands the socket on: to `http2` when they are the HTTP/2
 * preface, to `http1` as soon as they cannot be. Once per connection, so HTTP/1.1 requests pay nothing for it.
 */
function whenHttp2Preface(socket: Socket, http1: () => void, http2: (stream: Duplex) => void): void {
  let seen: Buffer = emptyBody;
  const onData = (chunk: Buffer) => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const compared = Math.min(seen.length, http2Preface.length);
    const mayBePreface = seen.subarray(0, compared).equals(http2Preface.subarray(0, compared));
    // A preface split over packets: wait for the rest before deciding.
    if (mayBePreface && seen.length < http2Preface.length) return;
    socket.off('data', onData);
    socket.pause();
    if (mayBePreface) {
      http2(withFirstBytes(socket, seen));
      return;
    }
    socket.unshift(seen);
    http1();
    socket.resume();
  };
  socket.on('data', onData);
}

/**
 * The socket as a stream that reads `first` before the rest. Node's HTTP/1.1 parser reads bytes put back with
 * `unshift`, but its HTTP/2 session reads the socket's handle directly and would miss them, so the HTTP/2 side
 * gets this stream instead (Node wraps a handle-less stream for HTTP/2 itself).
 */
function withFirstBytes(socket: Socket, first: Buffer): Duplex {
  const stream = new PassThroughSocket(socket);
  stream.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.once('end', () => stream.push(null));
  socket.once('close', () => stream.destroy());
  socket.on('error', (error) => stream.destroy(error));
  return stream;
}

class PassThroughSocket extends Duplex {
  readonly #socket: Socket;
  constructor(socket: Socket) {
    super();
    this.#socket = socket;
  }
  override _read(): void {
    this.#socket.resume();
  }
  override _write(chunk: Buffer, encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.#socket.write(chunk, encoding, done);
  }
  override _final(done: (error?: Error | null) => void): void {
    this.#socket.end(done);
  }
  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.#socket.destroy();
    done(error);
  }
  get remoteAddress(): string | undefined {
    return this.#socket.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.#socket.remotePort;
  }
  get remoteFamily(): string | undefined {
    return this.#socket.remoteFamily;
  }
}

/**
 * The HTTP/2 side of the port: gRPC for the SDK's services (src/mock/grpc/), answered by the same REST handling
 * as the HTTP/1.1 side. The gRPC code (connect-node and the SDK's descriptors) loads on the first HTTP/2 request,
 * so a mock nobody calls over gRPC never loads it.
 */
function grpcOnHttp2(
  mock: Pick<Mock, 'handlers'>,
  routes: RouteTable | undefined,
  baseUrl: () => string,
  log: ((entry: RequestLogEntry) => void) | undefined,
) {
  const dispatch: RestDispatch = (request) => dispatchRest(mock, routes, request);
  let serving: Promise<GrpcServing> | undefined;
  let ready: GrpcServing | undefined;
  const onRequest = (req: Http2ServerRequest, res: Http2ServerResponse) => {
    if (log) {
      const time = new Date().toISOString();
      res.once('close', () => {
        const grpcStatus = ready?.statusOf(req);
        log({
          time,
          method: req.method,
          path: req.url.split('?')[0] ?? req.url,
          status: res.headersSent ? res.statusCode : 0,
          ...(grpcStatus === undefined ? {} : { grpcStatus }),
        });
      });
    }
    serving ??= import('./grpc/server.js').then(({ grpcServing }) => {
      ready = grpcServing(dispatch, baseUrl);
      return ready;
    });
    serving.then(
      (grpc) => grpc.handle(req, res),
      (error: unknown) => {
        if (res.headersSent) res.destroy();
        else send(res as unknown as ServerResponse, 500, 'INTERNAL', `gRPC is unavailable (${String(error)})`);
      },
    );
  };
  return { onRequest };
}

/**
 * A REST request answered in-process for a gRPC call, as `handle` answers one from the socket: the operation's
 * own answer function when the route table finds one, msw's `getResponse` otherwise. Undefined when no handler
 * serves the method and path, which the gRPC side tells apart from a 404 about a missing resource.
 */
async function dispatchRest(
  mock: Pick<Mock, 'handlers'>,
  routes: RouteTable | undefined,
  { method, url, authorization, body }: Parameters<RestDispatch>[0],
): Promise<Awaited<ReturnType<RestDispatch>>> {
  let request: Request | undefined;
  const makeRequest = () => {
    const headers = new Headers(body ? { 'content-type': 'application/json' } : {});
    if (authorization !== null) headers.set('authorization', authorization);
    return new Request(url, { method, headers, ...(body && method !== 'GET' ? { body } : {}) });
  };
  const direct = routes?.find(mock.handlers, method, url);
  let answer: Answer | undefined;
  if (direct) {
    answer = await direct.answer({
      url,
      authorization,
      text: async () => (method === 'GET' ? '' : body),
      get request() {
        request ??= makeRequest();
        return request;
      },
    });
  } else {
    answer = await getResponse(candidatesFor(mock.handlers, method, url), makeRequest());
  }
  if (!answer) return undefined;
  if (!(answer instanceof Response)) return { status: answer.status, json: answer.json };
  const text = await answer.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: answer.status, json };
}
