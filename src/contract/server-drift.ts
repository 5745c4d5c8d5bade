import type { DriftFinding } from '../checks/drift.js';
import type { Exchange } from '../client/transport.js';
import type { SchemaRegistry } from '../spec/schemas.js';
import type { OperationInfo } from './operations.js';
import type { SdkReadBeyondSpec } from './sdk-operations.js';

// What a target answers beyond what the spec declares, without contradicting it: properties the response schema
// does not name, content types for statuses the spec is silent on, error bodies whose shape the spec leaves open,
// operations the official SDK calls that the spec does not declare.
// None is a failure (JSON Schema allows extra properties, and `schema: {}` allows anything); each is a drift
// finding for the spec's maintainers (issue 9), grouped per operation in `drift --run-report`.

type Node = Record<string, unknown>;

/** The two error envelopes the sources describe (C-21), or neither. */
export type ErrorShape = 'google.rpc.Status' | 'ErrorInfo' | 'other' | 'not JSON';

const errorInfoFields = [
  'debug_info',
  'error_code',
  'help_info',
  'localized_message_info',
  'request_info',
  'resource_info',
  'tool_error_info',
  'validation_error_info',
];

/**
 * Names an error body's envelope. google.rpc.Status: a numeric `code` and a string `message`, `details` (if any) a
 * list of `@type`d objects, as the API reference's example. ErrorInfo: the spec's bare errdetailsErrorInfo, told by
 * a string `error_code` at the top and nothing outside its fields. Both pass the spec's schema, which requires
 * nothing, so only this tells them apart.
 */
export function errorShapeOf(body: string): ErrorShape {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return 'not JSON';
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'other';
  const object = value as Node;
  const details = object.details;
  const typedDetails =
    details === undefined ||
    (Array.isArray(details) &&
      details.every((d) => d && typeof d === 'object' && typeof (d as Node)['@type'] === 'string'));
  if (typeof object.code === 'number' && typeof object.message === 'string' && typedDetails) {
    return 'google.rpc.Status';
  }
  if (typeof object.error_code === 'string' && Object.keys(object).every((k) => errorInfoFields.includes(k))) {
    return 'ErrorInfo';
  }
  return 'other';
}

/** The error_code values of an error body: ErrorInfo's own, or those in a google.rpc.Status's details. */
export function errorCodesOf(body: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return [];
  }
  const object = (value && typeof value === 'object' ? value : {}) as Node;
  const details = Array.isArray(object.details) ? (object.details as Node[]) : [];
  return [object, ...details]
    .map((part) => (part && typeof part === 'object' ? part.error_code : undefined))
    .filter((code): code is string => typeof code === 'string');
}

/** A short description of a body's shape for a finding: the envelope, or its top-level keys. */
function describeShape(body: string): string {
  const shape = errorShapeOf(body);
  if (shape === 'ErrorInfo') return 'an ErrorInfo body';
  if (shape === 'google.rpc.Status') return 'a google.rpc.Status body';
  if (shape === 'not JSON') return 'a body that is not JSON';
  try {
    const value = JSON.parse(body) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value).slice(0, 6);
      return keys.length === 0 ? 'an empty object' : `an object with ${keys.join(', ')}`;
    }
    return `a JSON ${Array.isArray(value) ? 'array' : typeof value}`;
  } catch {
    return 'a body that is not JSON';
  }
}

/** The response's media type without parameters, lower-cased; '' when absent. */
export const mediaTypeOf = (exchange: Exchange): string =>
  (exchange.responseHeaders['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

const key = (operation: OperationInfo) => operation.key;

/** The declared response of a status (or `default`); undefined when the spec is silent on the status. */
function declaredResponse(operation: OperationInfo, status: number) {
  return operation.responses[String(status)] ?? operation.responses.default;
}

/**
 * The JSON pointers (array positions as `*`) of properties in `value` that `schema` (a node of the dereferenced
 * spec) does not name. An object schema without `properties` is a map (`metadata`, a Struct) and names anything;
 * `additionalProperties` with a schema names everything too, and its values are walked. The parts of
 * allOf/anyOf/oneOf are merged: a property any of them names is documented. A `$ref` the tree kept (one into a
 * cycle) names nothing here, so nothing under it is reported: drift is never guessed.
 */
export function undocumentedProperties(schema: unknown, value: unknown, limit = 10): string[] {
  // A set: the elements of an array repeat the same pointer, and each counts once toward the limit.
  const found = new Set<string>();
  const resolve = (node: unknown): Node[] => {
    if (!node || typeof node !== 'object') return [];
    const n = node as Node;
    const parts: Node[] = [];
    for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
      for (const part of (n[keyword] as unknown[] | undefined) ?? []) parts.push(...resolve(part));
    }
    return [n, ...parts];
  };
  const walk = (node: unknown, instance: unknown, pointer: string, depth: number) => {
    if (found.size >= limit || depth > 30 || instance === null || typeof instance !== 'object') return;
    const parts = resolve(node);
    if (parts.length === 0) return;
    if (Array.isArray(instance)) {
      const items = parts.map((p) => p.items).filter((i) => i !== undefined);
      if (items.length === 0) return;
      for (const element of instance) walk({ allOf: items }, element, `${pointer}/*`, depth + 1);
      return;
    }
    const named = new Map<string, unknown[]>();
    for (const part of parts) {
      for (const [name, child] of Object.entries((part.properties as Node | undefined) ?? {})) {
        named.set(name, [...(named.get(name) ?? []), child]);
      }
    }
    const additional = parts.map((p) => p.additionalProperties).filter((a) => a !== undefined && a !== false);
    for (const [name, child] of Object.entries(instance as Node)) {
      const escaped = name.replace(/~/g, '~0').replace(/\//g, '~1');
      const childSchemas = named.get(name);
      if (childSchemas) walk({ allOf: childSchemas }, child, `${pointer}/${escaped}`, depth + 1);
      else if (additional.length > 0) {
        walk({ allOf: additional.filter((a) => a !== true) }, child, `${pointer}/${escaped}`, depth + 1);
      }
      // A map: nothing is named, so nothing is extra.
      else if (named.size > 0) found.add(`${pointer}/${escaped}`);
      if (found.size >= limit) return;
    }
  };
  walk(schema, value, '', 0);
  return [...found];
}

/** Properties of a declared JSON response the spec does not name (drift, OAS-013). */
export function undocumentedPropertyDrift(operation: OperationInfo, exchange: Exchange): DriftFinding | undefined {
  const schema = operation.responses[String(exchange.status)]?.schema;
  // An error body's extra fields are its envelope: undeclaredErrorShapeDrift names that instead.
  if (schema === undefined || exchange.status >= 400 || exchange.responseBody.trim() === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(exchange.responseBody);
  } catch {
    return undefined;
  }
  const pointers = undocumentedProperties(schema, body);
  if (pointers.length === 0) return undefined;
  return {
    kind: 'undocumented-property',
    rule: 'OAS-013',
    operation: key(operation),
    status: exchange.status,
    pointers,
    detail: `properties the spec does not declare: ${pointers.join(', ')}`,
  };
}

/**
 * A content type the spec does not declare for a status it is silent on (an undeclared status, or one declared
 * without content). Where the spec declares media types for the status, another one is OAS-011's failure instead.
 * A JSON body on an undeclared status is what the rest of the API speaks, so only other media types are drift.
 */
export function undeclaredContentTypeDrift(operation: OperationInfo, exchange: Exchange): DriftFinding | undefined {
  if (exchange.responseBody.trim() === '') return undefined;
  const declared = declaredResponse(operation, exchange.status);
  if (declared && declared.mediaTypes.length > 0) return undefined;
  const actual = mediaTypeOf(exchange) || '(none)';
  if (!declared && actual === 'application/json') return undefined;
  return {
    kind: 'undeclared-content-type',
    rule: 'OAS-011',
    operation: key(operation),
    status: exchange.status,
    contentType: actual,
    detail: declared
      ? `a ${actual} body where the spec declares no content for ${exchange.status}`
      : `a ${actual} body on ${exchange.status}, which the spec does not declare`,
  };
}

/**
 * An error body whose shape the spec does not declare: the status's schema is empty (`{}`, 67 of the 73 error
 * responses, OAS-005), or it is errdetailsErrorInfo and the target answers another envelope (C-21). Undeclared
 * statuses are named by OAS-010's finding, which carries the shape in its detail.
 */
export function undeclaredErrorShapeDrift(
  operation: OperationInfo,
  exchange: Exchange,
  registry: SchemaRegistry,
): DriftFinding | undefined {
  if (exchange.status < 400 || exchange.responseBody.trim() === '') return undefined;
  if (!registry.declaresStatus(operation.path, operation.method, exchange.status)) return undefined;
  const schema = registry.responseSchema(operation.path, operation.method, exchange.status) as Node | undefined;
  const shape = errorShapeOf(exchange.responseBody);
  const base = { kind: 'undeclared-error-shape' as const, rule: 'OAS-005' as const, operation: key(operation) };
  if (schema === undefined || Object.keys(schema).length === 0) {
    return {
      ...base,
      status: exchange.status,
      errorShape: shape,
      detail: `the spec declares no body schema for ${exchange.status}; the target answers ${describeShape(exchange.responseBody)}`,
    };
  }
  // Which component the spec names is the point here, so this reads the registry's schema, its ref intact.
  if (schema.$ref === '#/components/schemas/errdetailsErrorInfo' && shape !== 'ErrorInfo') {
    return {
      ...base,
      status: exchange.status,
      errorShape: shape,
      contradiction: 'C-21',
      detail: `the spec declares a bare ErrorInfo for ${exchange.status}; the target answers ${describeShape(exchange.responseBody)}`,
    };
  }
  return undefined;
}

/** How an undeclared status's body looks, for OAS-010's finding: `with an ErrorInfo body (application/json)`. */
export function responseSummary(exchange: Exchange): string {
  if (exchange.responseBody.trim() === '') return 'with no body';
  return `with ${describeShape(exchange.responseBody)} (${mediaTypeOf(exchange) || 'no content type'})`;
}

/**
 * A read the spec declares no operation for, which the target serves: a success, or a validation answer (400, 422),
 * which only a route that took the request gives. 404, 405 and 501 say it is not there; any other answer (401, 403,
 * 5xx) could come from in front of the routing, so it names nothing. Drift (the spec lags what the SDK calls),
 * never a failure: OAS-017 fails only an undeclared method on a declared path.
 */
export function undeclaredOperationDrift(read: SdkReadBeyondSpec, exchange: Exchange): DriftFinding | undefined {
  const { status } = exchange;
  const success = status >= 200 && status < 300;
  if (!success && status !== 400 && status !== 422) return undefined;
  const how = success ? 'the target serves it' : 'a validation answer, so the target routes it';
  return {
    kind: 'undeclared-operation',
    rule: 'OAS-017',
    operation: `${read.method} ${read.path}`,
    status,
    detail: `${how}, and the spec declares no such operation; the official Node SDK calls it (${read.calledBy})`,
  };
}
