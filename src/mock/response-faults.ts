import { HttpResponse } from 'msw';
import type { FaultId } from './faults.js';
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

/**
 * One response fault: with its fault on, `rewrite` gives the answer that replaces the handler's, or undefined to
 * leave it (to the next one). They are tried in this order; the first that rewrites wins.
 */
interface ResponseFault {
  fault: FaultId;
  rewrite(method: Method, path: string, response: Response): Promise<Response | undefined> | Response | undefined;
}

const responseFaults: readonly ResponseFault[] = [
  {
    fault: 'contract.undocumented-property',
    async rewrite(method, path, response) {
      if (method !== 'get' || path !== '/api/v1/organizations/{id}') return undefined;
      const { status } = response;
      const body = await jsonOf(response);
      const organization = body?.organization as Record<string, unknown> | undefined;
      if (status !== 200 || !body || !organization) return undefined;
      return HttpResponse.json({ ...body, organization: { ...organization, data_residency: 'eu-west-1' } }, { status });
    },
  },
  // The spec declares no 401 for deleting an organization: what an auth proxy in front of a server might answer.
  {
    fault: 'contract.undeclared-status-html',
    rewrite(method, path, { status }) {
      if (status !== 401 || method !== 'delete' || path !== '/api/v1/organizations/{id}') return undefined;
      return new HttpResponse('<html><body><h1>401 Unauthorized</h1></body></html>', {
        status,
        headers: { 'content-type': 'text/html; charset=utf-8' },
      });
    },
  },
  // The one error schema the spec declares here (OAS-005) wants a string error_code.
  {
    fault: 'contract.domain-error-code-number',
    rewrite(_method, path, { status }) {
      if (status !== 400 || path !== '/api/v1/organizations/{organization_id}/domains') return undefined;
      return HttpResponse.json({ error_code: status }, { status });
    },
  },
  {
    fault: 'contract.error-status-envelope',
    async rewrite(_method, _path, response) {
      const { status } = response;
      if (status < 400) return undefined;
      const body = await jsonOf(response);
      if (!body || typeof body.error_code !== 'string') return undefined;
      const message = (body.localized_message_info as { message?: string } | undefined)?.message ?? '';
      return HttpResponse.json(
        {
          code: grpcCodes[status] ?? 2,
          message,
          details: [{ '@type': 'type.googleapis.com/scalekit.v1.errdetails.ErrorInfo', error_code: body.error_code }],
        },
        { status },
      );
    },
  },
  // Validation refusals as 422, the status the documented table has no row for (TOK-007).
  {
    fault: 'contract.validation-422',
    async rewrite(method, path, response) {
      if (response.status !== 400 || method !== 'post' || path !== '/api/v1/organizations') return undefined;
      return new HttpResponse(await response.clone().text(), { status: 422, headers: response.headers });
    },
  },
  {
    fault: 'contract.error-body-unrecognised',
    rewrite(_method, _path, { status }) {
      if (status !== 401) return undefined;
      return HttpResponse.json({ error: 'unauthorized', error_description: 'missing or invalid token' }, { status });
    },
  },
];

/**
 * Whether any response fault is on: when none is, every answer goes out as its handler built it, and the socket
 * server can write a JSON answer without making a fetch Response of it first.
 */
export function responseFaultsActive(state: MockState): boolean {
  return responseFaults.some(({ fault }) => state.has(fault));
}

export async function withResponseFaults(
  state: MockState,
  method: Method,
  path: string,
  response: Response,
): Promise<Response> {
  for (const { fault, rewrite } of responseFaults) {
    if (!state.has(fault)) continue;
    const rewritten = await rewrite(method, path, response);
    if (rewritten) return rewritten;
  }
  return response;
}
