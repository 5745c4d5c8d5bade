import { HttpResponse } from 'msw';
import type { Method } from './route.js';
import type { MockState } from './state.js';

// Seeded faults that change what an operation answers after its handler built the answer: the shape of what the
// server says rather than what it does. They are the server-against-spec drift a run must report (issue 9) and
// the error envelope TOK-008 judges. Each one is listed in faults.ts with the rules or drift it must produce.

/** The google.rpc.Status code for an HTTP status, as gRPC gateways map them. */
const grpcCodes: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 409: 6, 429: 8, 500: 13 };

async function jsonOf(response: Response): Promise<Record<string, unknown> | undefined> {
  if (!(response.headers.get('content-type') ?? '').includes('json')) return undefined;
  try {
    const body = (await response.clone().json()) as unknown;
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function withResponseFaults(
  state: MockState,
  method: Method,
  path: string,
  response: Response,
): Promise<Response> {
  const { status } = response;
  if (state.has('contract.undocumented-property') && method === 'get' && path === '/api/v1/organizations/{id}') {
    const body = await jsonOf(response);
    const organization = body?.organization as Record<string, unknown> | undefined;
    if (status === 200 && body && organization) {
      return HttpResponse.json({ ...body, organization: { ...organization, data_residency: 'eu-west-1' } }, { status });
    }
  }
  // The spec declares no 401 for deleting an organization: what an auth proxy in front of a server might answer.
  if (
    state.has('contract.undeclared-status-html') &&
    status === 401 &&
    method === 'delete' &&
    path === '/api/v1/organizations/{id}'
  ) {
    return new HttpResponse('<html><body><h1>401 Unauthorized</h1></body></html>', {
      status,
      headers: { 'content-type': 'text/html; charset=utf-8' },
    });
  }
  // The one error schema the spec declares here (OAS-005) wants a string error_code.
  if (
    state.has('contract.domain-error-code-number') &&
    status === 400 &&
    path === '/api/v1/organizations/{organization_id}/domains'
  ) {
    return HttpResponse.json({ error_code: status }, { status });
  }
  if (status >= 400 && state.has('contract.error-status-envelope')) {
    const body = await jsonOf(response);
    if (body && typeof body.error_code === 'string') {
      const message = (body.localized_message_info as { message?: string } | undefined)?.message ?? '';
      return HttpResponse.json(
        {
          code: grpcCodes[status] ?? 2,
          message,
          details: [{ '@type': 'type.googleapis.com/scalekit.v1.errdetails.ErrorInfo', error_code: body.error_code }],
        },
        { status },
      );
    }
  }
  // Validation refusals as 422, the status the documented table has no row for (TOK-007).
  if (status === 400 && state.has('contract.validation-422') && method === 'post' && path === '/api/v1/organizations') {
    return new HttpResponse(await response.clone().text(), { status: 422, headers: response.headers });
  }
  if (status === 401 && state.has('contract.error-body-unrecognised')) {
    return HttpResponse.json({ error: 'unauthorized', error_description: 'missing or invalid token' }, { status });
  }
  return response;
}
