import { type HttpHandler, HttpResponse, http } from 'msw';
import type { paths } from '../../generated/openapi.js';
import { withResponseFaults } from './response-faults.js';
import { authenticate, errorInfo, unauthenticated } from './responses.js';
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
  const answer = async (request: Request): Promise<Response> => {
    // The auth faults (TOK-004, TOK-005) open one operation: the organization list.
    const open =
      path === '/api/v1/organizations' &&
      method === 'get' &&
      (state.has('contract.ignored-auth') ||
        (state.has('contract.forged-token-accepted') && request.headers.has('authorization')));
    if (!open && !options.skipAuth?.() && !authenticate(request, state)) return unauthenticated();
    const url = new URL(request.url);
    const params: Record<string, string> = {};
    for (const [name, raw] of Object.entries(matcher.exec(request.url)?.groups ?? {})) {
      const value = decodePathSegment(raw);
      // `%E0%A4%A` and the like name nothing: a 400, as for any malformed parameter.
      if (value === undefined)
        return errorInfo(400, 'INVALID_ARGUMENT', `path parameter ${name} is not valid percent-encoding`);
      params[name] = value;
    }
    let body: unknown = {};
    const text = method === 'get' || method === 'delete' ? '' : await request.text();
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
        request,
        params,
        query: url.searchParams,
        body: body as RequestBody<P, M>,
      });
      if (reply instanceof Response) return reply;
      return HttpResponse.json(reply.body as object, { status: reply.status });
    } catch (error) {
      if (error instanceof MockError) return errorInfo(error.status, error.code, error.message);
      throw error;
    }
  };
  return http[method](pathMatcher(path, false), async ({ request }) =>
    withResponseFaults(state, method, path, await answer(request)),
  );
}
