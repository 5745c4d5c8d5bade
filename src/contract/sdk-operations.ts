import { httpRulesOf } from '../protocol/sdk/http-rule.js';
import { sdkServices } from '../protocol/sdk/services.js';
import { type OperationInfo, operationFor } from './operations.js';

/** A read the official Node SDK sends that no operation of the spec declares. */
export interface SdkReadBeyondSpec {
  method: 'GET';
  path: string;
  /** The SDK's RPC that sends it, e.g. `OrganizationService.SearchOrganization`. */
  calledBy: string;
}

/**
 * The GETs of the SDK's `google.api.http` bindings that no spec operation declares, taken from the SDK's own
 * descriptors. Only reads without path variables: a GET changes nothing on a shared target, and with no variable to
 * fill a 404 can only mean the route is not there, never that a made-up ID names nothing. A path a declared template
 * matches (`/api/v1/users/me` against `/api/v1/users/{id}`) is that operation's request, so it is left out.
 */
export function sdkReadsBeyondSpec(operations: readonly OperationInfo[]): SdkReadBeyondSpec[] {
  const reads = new Map<string, SdkReadBeyondSpec>();
  for (const service of sdkServices) {
    for (const method of service.methods) {
      for (const rule of httpRulesOf(method)) {
        if (rule.method !== 'GET' || rule.path.includes('{') || reads.has(rule.path)) continue;
        if (operationFor(operations, 'get', `http://target${rule.path}`)) continue;
        reads.set(rule.path, { method: 'GET', path: rule.path, calledBy: `${service.name}.${method.name}` });
      }
    }
  }
  return [...reads.values()].sort((a, b) => a.path.localeCompare(b.path));
}
