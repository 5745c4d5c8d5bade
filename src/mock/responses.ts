import { HttpResponse } from 'msw';
import type { components } from '../../generated/openapi.js';
import type { MockState } from './state.js';

type ErrorInfo = components['schemas']['errdetailsErrorInfo'];

/** The spec's error body (errdetailsErrorInfo) with an `error_code`, as every mock error answer uses (TOK-008). */
export function errorInfoBody(errorCode: string, message: string): ErrorInfo {
  return { error_code: errorCode, localized_message_info: { locale: 'en', message } };
}

export function errorInfo(status: number, errorCode: string, message: string): Response {
  return HttpResponse.json(errorInfoBody(errorCode, message), { status });
}

/** The answer to a method and path no handler serves, on a socket and in-process alike (OAS-017). */
export function noRoute(method: string, path: string): Response {
  return errorInfo(404, 'NOT_FOUND', `no route for ${method} ${path}`);
}

/** The bearer token of a request if the mock issued it and it has not expired on the mock's clock. */
export function authenticate(request: Request, state: MockState): string | undefined {
  return authenticateHeader(request.headers.get('authorization'), state);
}

/** `authenticate` on the value of the request's Authorization header (null: none). */
export function authenticateHeader(authorization: string | null, state: MockState): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const token = state.tokens.get(match[1]);
  if (!token || token.expiresAt <= state.clock.now()) return undefined;
  return token.clientId;
}

export function unauthenticated(): Response {
  return errorInfo(401, 'UNAUTHENTICATED', 'missing, unknown or expired bearer token');
}
