import { type HttpHandler, HttpResponse, http, type RequestHandler } from 'msw';
import type { paths } from '../../generated/openapi.js';
import { overRateLimit } from './rate-limit.js';
import { responseFaultsActive, withResponseFaults } from './response-faults.js';
import { authenticateHeader, errorInfo, unauthenticated } from './responses.js';
import type { MockState } from './state.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Operation<P extends keyof paths, M extends Method> = paths[P][M];

/** The JSON body the spec declares for an operation and status (never, when it declares none). */
export type JsonBody<P extends keyof paths, M extends Method, S extends number> =
  Operation<P, M> extends { responses: infer R }
    ? S extends keyof R
      ? R[S] extends { content: { 'application/json': infer B } }
        ? B
        : never
      : never
    : never;

/** The request body the spec declares for an operation (unknown when it declares none). */
export type RequestBody<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : unknown;

/** What a resolver returns: a status the spec declares with its typed body, or a ready-made Response (errors). */
export type Reply<P extends keyof paths, M extends Method> =
  | { [S in 200 | 201]: { status: S; body: JsonBody<P, M, S> } }[200 | 201]
  | Response;

/** A request a resolver can refuse with: it becomes an ErrorInfo response. */
export class MockError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const badRequest = (message: string) => new MockError(400, 'INVALID_ARGUMENT', message);
export const notFound = (what: string) => new MockError(404, 'NOT_FOUND', `${what} not found`);
export const conflict = (message: string) => new MockError(409, 'ALREADY_EXISTS', message);

export interface RouteArgs<P extends keyof paths, M extends Method> {
  request: Request;
  /** Path parameters by their name in the spec's path template. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body; `{}` when the request has none. */
  body: RequestBody<P, M>;
}

/**
 * Turns an OpenAPI path template into a URL matcher. Colon segments such as `users:search` or `{id}:enable` are
 * literals (OAS-007): msw's own path syntax would read them as parameters, so the match is a regular expression.
 * Without `capture`, the parameters are not groups: msw decodes every group with `decodeURIComponent` and throws
 * on invalid percent-encoding (`%zz`), so the matcher handed to msw has none and `route` decodes them itself.
 */
export function pathMatcher(template: string, capture = true): RegExp {
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (!name) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return capture ? `(?<${name.replace(/\W/g, '_')}>[^/:?#]+)` : '[^/:?#]+';
    })
    .join('');
  return new RegExp(`^[a-z]+://[^/]+${pattern}/?(?:\\?.*)?$`);
}

/** A percent-encoded path segment decoded, or undefined when its encoding is invalid. */
export function decodePathSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/**
 * The POST, PUT and PATCH operations the spec declares without a request body; every other one requires a body
 * (OAS-016), so a request that leaves it out is refused. test/mock/request-bodies.test.ts keeps this list equal
 * to the spec's.
 */
export const operationsWithoutBody: ReadonlySet<string> = new Set([
  'PUT /api/v1/organizations/{id}/portal_links',
  'POST /api/v1/organizations/{organization_id}/clients/{client_id}/secrets',
  'PATCH /api/v1/organizations/{organization_id}/connections/{id}:disable',
  'PATCH /api/v1/organizations/{organization_id}/connections/{id}:enable',
  'PATCH /api/v1/organizations/{organization_id}/directories/{id}:disable',
  'PATCH /api/v1/organizations/{organization_id}/directories/{id}:enable',
  'POST /api/v1/sessions/{session_id}/revoke',
  'POST /api/v1/users/{user_id}/sessions/revoke',
]);

/**
 * A request as an operation's answer reads it: the parts both msw's `Request` and the socket server's own parse give
 * cheaply. The socket server makes the fetch `Request` only for the few resolvers that read it.
 */
export interface RouteRequest {
  /** The request's URL, as `new URL(request.url)` reads it. */
  readonly url: URL;
  /** The Authorization header as `request.headers.get('authorization')` reads it (null: none). */
  readonly authorization: string | null;
  /** The body as `request.text()` reads it. */
  text(): Promise<string>;
  /** The request itself. */
  readonly request: Request;
}

/** An operation's answer before it is a `Response`: a JSON body and its status, or a ready-made `Response`. */
export type Answer = { status: number; json: unknown } | Response;

/** The JSON answer as msw sends it (`HttpResponse.json`: content type and length set). */
export const toResponse = (answer: Answer): Response =>
  answer instanceof Response ? answer : HttpResponse.json(answer.json as object, { status: answer.status });

/** An operation's own answer function, for a server that finds the operation itself instead of asking msw. */
export interface DirectRoute {
  /** The handler's URL test, as msw applies it: against origin + path. */
  readonly matcher: RegExp;
  /**
   * What the msw handler answers for the same request, response faults included; a JSON answer stays a plain body
   * when no response fault is on, so the caller serialises it once instead of going through a `Response`.
   */
  answer(request: RouteRequest): Promise<Answer>;
}

/** The handlers `route` made, with their answer functions (src/mock/http-server.ts serves them without msw). */
export const directRoutes: WeakMap<RequestHandler, DirectRoute> = new WeakMap();

/** A fetch `Request` as a `RouteRequest`. */
function fromFetch(request: Request): RouteRequest {
  return {
    url: new URL(request.url),
    authorization: request.headers.get('authorization'),
    text: () => request.text(),
    request,
  };
}

/**
 * One typed handler for one spec operation: bearer authentication (401 otherwise), JSON body parsing (400 on
 * malformed JSON, never a 500), and MockErrors turned into ErrorInfo bodies. The resolver's reply is type-checked
 * against the generated `paths`, so the mock cannot drift from the spec unnoticed.
 */
export function route<P extends keyof paths, M extends Method & keyof paths[P]>(
  state: MockState,
  method: M,
  path: P,
  resolve: (args: RouteArgs<P, M>) => Reply<P, M> | Promise<Reply<P, M>>,
  options: { skipAuth?: () => boolean } = {},
): HttpHandler {
  const matcher = pathMatcher(path);
  const answer = async (input: RouteRequest): Promise<Answer> => {
    // The rate limit (TOK-009) is the environment's: every REST request counts, answered or refused after it.
    const limited = overRateLimit(state);
    if (limited) return limited;
    // The auth faults (TOK-004, TOK-005) open one operation: the organization list.
    const open =
      path === '/api/v1/organizations' &&
      method === 'get' &&
      (state.has('contract.ignored-auth') ||
        (state.has('contract.forged-token-accepted') && input.authorization !== null));
    if (!open && !options.skipAuth?.() && !authenticateHeader(input.authorization, state)) return unauthenticated();
    const params: Record<string, string> = {};
    for (const [name, raw] of Object.entries(matcher.exec(input.url.href)?.groups ?? {})) {
      const value = decodePathSegment(raw);
      // `%E0%A4%A` and the like name nothing: a 400, as for any malformed parameter.
      if (value === undefined)
        return errorInfo(400, 'INVALID_ARGUMENT', `path parameter ${name} is not valid percent-encoding`);
      params[name] = value;
    }
    let body: unknown = {};
    const text = method === 'get' || method === 'delete' ? '' : await input.text();
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        return errorInfo(400, 'INVALID_ARGUMENT', 'the request body is not valid JSON');
      }
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        return errorInfo(400, 'INVALID_ARGUMENT', 'the request body must be a JSON object');
      }
    } else if (
      method !== 'get' &&
      method !== 'delete' &&
      !operationsWithoutBody.has(`${method.toUpperCase()} ${path}`) &&
      !state.has('contract.required-body-ignored')
    ) {
      return errorInfo(400, 'INVALID_ARGUMENT', 'the request body is required');
    }
    try {
      const reply = await resolve({
        // Read through the getter: the socket server makes the Request only for a resolver that takes it.
        get request() {
          return input.request;
        },
        params,
        query: input.url.searchParams,
        body: body as RequestBody<P, M>,
      });
      if (reply instanceof Response) return reply;
      return { status: reply.status, json: reply.body };
    } catch (error) {
      if (error instanceof MockError) return errorInfo(error.status, error.code, error.message);
      throw error;
    }
  };
  const urlMatcher = pathMatcher(path, false);
  const handler = http[method](urlMatcher, async ({ request }) =>
    withResponseFaults(state, method, path, toResponse(await answer(fromFetch(request)))),
  );
  directRoutes.set(handler, {
    matcher: urlMatcher,
    async answer(input) {
      let reply: Answer;
      try {
        reply = await answer(input);
      } catch (error) {
        // msw answers with a Response a resolver throws, past the response faults.
        if (error instanceof Response) return error;
        throw error;
      }
      if (!(reply instanceof Response) && !responseFaultsActive(state)) return reply;
      return withResponseFaults(state, method, path, toResponse(reply));
    },
  });
  return handler;
}
