import { type DriftFinding, undeclaredStatus } from '../checks/drift.js';
import { type Failure, failure } from '../checks/failure.js';
import { checkResponseSchema } from '../checks/http.js';
import type { Exchange } from '../client/transport.js';
import type { ErrorSettings } from '../config/profile.js';
import type { RuleId } from '../rules/catalogue.js';
import type { OpenApiDocument } from '../spec/document.js';
import type { SchemaRegistry } from '../spec/schemas.js';
import { idPrefixViolations } from './id-prefixes.js';
import type { OperationInfo } from './operations.js';
import type { SdkReadBeyondSpec } from './sdk-operations.js';
import {
  errorCodesOf,
  errorShapeOf,
  mediaTypeOf,
  responseSummary,
  undeclaredContentTypeDrift,
  undeclaredErrorShapeDrift,
  undeclaredOperationDrift,
  undocumentedPropertyDrift,
} from './server-drift.js';

// The general OpenAPI checks, each a named pure function over one operation and one recorded exchange, each a rule
// of the catalogue (OAS-003, OAS-006, OAS-007, OAS-009..OAS-017, TOK-004, TOK-005, TOK-007, TOK-008). The names are Schemathesis's where the check is
// the same, so a user moving over finds them; select one with `--only <its rule>`. Beside its verdict a check may
// name drift: what the target does beyond the spec without contradicting it (server-drift.ts), never a failure.

export interface CheckInput {
  operation: OperationInfo;
  exchange: Exchange;
  registry: SchemaRegistry;
  /** The methods the spec declares for the operation's path (for the unsupported-method check). */
  pathMethods?: readonly string[];
  /** Every status some operation of the spec declares: the API's own status vocabulary (TOK-007). */
  specStatuses?: readonly string[];
  /** The request is the operation's valid one, every path parameter naming a resource that exists. */
  fromWorld?: boolean;
  /** G-23: the error envelopes and error codes the run accepts (default: either envelope, any code). */
  errors?: ErrorSettings;
}

export interface ContractCheck {
  rule: RuleId;
  /** Further rules the same check decides (e.g. OAS-004's success codes are OAS-010's declared ones). */
  also?: readonly RuleId[];
  /** What the request was: every exchange, or only those of a kind of request. */
  appliesTo:
    | 'any'
    | 'positive'
    | 'negative'
    | 'missing-required'
    | 'unsupported-method'
    | 'no-token'
    | 'bad-token'
    | 'page-size';
  run(input: CheckInput): Failure | undefined;
  /** Narrower than `appliesTo`: the exchanges the check judges at all (the others neither pass nor fail it). */
  applies?(input: CheckInput): boolean;
  /** What the exchange shows beyond the spec, as drift findings (never failures). */
  drift?(input: CheckInput): (DriftFinding | undefined)[];
  /** What the answer to a request the spec declares no operation for shows (drift, never a failure). */
  beyondSpec?(read: SdkReadBeyondSpec, exchange: Exchange): DriftFinding | undefined;
}

const isSuccess = (status: number) => status >= 200 && status < 300;
const declares = (operation: OperationInfo, status: number) =>
  operation.declared.includes(String(status)) || operation.declared.includes('default');

export const contractChecks = {
  not_a_server_error: {
    rule: 'OAS-009',
    appliesTo: 'any',
    run: ({ exchange }) =>
      exchange.status >= 500
        ? failure('OAS-009', 'server error', 'any status below 500', `${exchange.status}`, exchange, [
            exchange.responseBody.slice(0, 200),
          ])
        : undefined,
  },
  status_code_conformance: {
    rule: 'OAS-010',
    also: ['OAS-004'],
    appliesTo: 'any',
    run: ({ operation, exchange }) =>
      isSuccess(exchange.status) && !declares(operation, exchange.status)
        ? failure(
            'OAS-010',
            'success status',
            `one the spec declares (${operation.declared.join(', ')})`,
            `${exchange.status}`,
            exchange,
          )
        : undefined,
    drift: ({ operation, exchange, registry }) => [undeclaredErrorStatus(operation, exchange, registry)],
  },
  content_type_conformance: {
    rule: 'OAS-011',
    appliesTo: 'any',
    // Judged where the spec declares media types for the status; where it is silent, another type is drift.
    run: ({ operation, exchange }) => {
      if (exchange.responseBody.trim() === '') return undefined;
      const declared = (operation.responses[String(exchange.status)] ?? operation.responses.default)?.mediaTypes;
      if (!declared || declared.length === 0) return undefined;
      const actual = mediaTypeOf(exchange);
      return declared.includes(actual)
        ? undefined
        : failure('OAS-011', 'Content-Type', declared.join(' or '), actual || '(none)', exchange);
    },
    drift: ({ operation, exchange }) => [undeclaredContentTypeDrift(operation, exchange)],
  },
  response_schema_conformance: {
    rule: 'OAS-013',
    also: ['OAS-005'],
    appliesTo: 'any',
    run: ({ operation, exchange, registry }) => {
      if (!declares(operation, exchange.status) || exchange.responseBody.trim() === '') return undefined;
      if (registry.responseSchema(operation.path, operation.method, exchange.status) === undefined) return undefined;
      return checkResponseSchema('OAS-013', exchange, registry, operation);
    },
    drift: ({ operation, exchange, registry }) => [
      undocumentedPropertyDrift(operation, exchange),
      undeclaredErrorShapeDrift(operation, exchange, registry),
    ],
  },
  error_envelope: {
    rule: 'TOK-008',
    appliesTo: 'any',
    // The schema cannot tell the envelopes apart (ErrorInfo requires nothing, C-21): this names the one answered.
    applies: ({ operation, exchange }) => exchange.status >= 400 && operation.path.startsWith('/api/'),
    run: ({ operation, exchange, errors = { envelope: 'either', knownErrorCodes: [] } }) => {
      if (exchange.status < 400 || !operation.path.startsWith('/api/')) return undefined;
      const { envelope, knownErrorCodes } = errors;
      const shape = errorShapeOf(exchange.responseBody);
      const accepted = envelope === 'either' ? ['google.rpc.Status', 'ErrorInfo'] : [envelopeNames[envelope]];
      if (!accepted.includes(shape)) {
        return failure(
          'TOK-008',
          `error body of a ${exchange.status}`,
          `a ${accepted.join(' or ')} envelope (profile errors.envelope: ${envelope})`,
          shape === 'other' ? exchange.responseBody.slice(0, 120) : shape,
          exchange,
        );
      }
      const unknown = errorCodesOf(exchange.responseBody).filter((code) => !knownErrorCodes.includes(code));
      return knownErrorCodes.length === 0 || unknown.length === 0
        ? undefined
        : failure(
            'TOK-008',
            `error_code of a ${exchange.status}`,
            `one of ${knownErrorCodes.join(', ')} (profile errors.knownErrorCodes)`,
            unknown.join(', '),
            exchange,
          );
    },
  },
  id_prefixes: {
    rule: 'OAS-006',
    appliesTo: 'any',
    run: ({ operation, exchange }) => {
      if (!isSuccess(exchange.status) || exchange.responseBody.trim() === '') return undefined;
      let body: unknown;
      try {
        body = JSON.parse(exchange.responseBody);
      } catch {
        return undefined;
      }
      const wrong = idPrefixViolations(body, operation.path);
      return wrong.length === 0
        ? undefined
        : failure(
            'OAS-006',
            'resource ID prefixes',
            wrong.map((w) => `${w.pointer} starting ${w.expected}`).join(', '),
            wrong.map((w) => `${w.pointer} = ${JSON.stringify(w.value)}`).join(', '),
            exchange,
          );
    },
  },
  pagination_shape: {
    rule: 'OAS-002',
    appliesTo: 'any',
    applies: ({ operation, exchange }) =>
      exchange.status === 200 && operation.parameters.some((p) => p.name === 'page_token'),
    run: ({ operation, exchange }) => {
      // A token-paged list: page_size and page_token in; next_page_token, prev_page_token, total_size out.
      const names = operation.parameters.map((p) => p.name);
      if (!names.includes('page_token') || exchange.status !== 200) return undefined;
      let body: unknown;
      try {
        body = JSON.parse(exchange.responseBody);
      } catch {
        return undefined;
      }
      const missing = ['next_page_token', 'prev_page_token', 'total_size'].filter(
        (field) => !(body && typeof body === 'object' && field in body),
      );
      return missing.length === 0
        ? undefined
        : failure(
            'OAS-002',
            'page of a list',
            'next_page_token, prev_page_token and total_size',
            `missing ${missing.join(', ')}`,
            exchange,
          );
    },
  },
  documented_status_table: {
    rule: 'TOK-007',
    appliesTo: 'any',
    // The API reference's table, and the statuses the spec declares anywhere (403 and 409, on one operation each):
    // the table is the docs' word, the spec's own declarations widen it. A method the path does not declare may
    // also be 405 (OAS-017).
    run: ({ operation, exchange, specStatuses = [] }) => {
      const undeclaredMethod = exchange.method.toLowerCase() !== operation.method;
      const allowed =
        documentedStatuses.includes(exchange.status) ||
        specStatuses.includes(String(exchange.status)) ||
        operation.declared.includes(String(exchange.status)) ||
        (undeclaredMethod && exchange.status === 405);
      return allowed
        ? undefined
        : failure(
            'TOK-007',
            'status',
            `one of the documented ${documentedStatuses.join(', ')} or one the spec declares`,
            `${exchange.status}`,
            exchange,
          );
    },
  },
  colon_routing: {
    rule: 'OAS-007',
    appliesTo: 'any',
    // A router reading `{id}:enable` as one parameter looks up a resource named "conn_1:enable" and answers 404.
    applies: ({ operation, fromWorld }) => fromWorld === true && operation.path.includes(':'),
    run: ({ operation, exchange, fromWorld }) =>
      fromWorld && operation.path.includes(':') && (exchange.status === 404 || exchange.status === 405)
        ? failure(
            'OAS-007',
            'a path with a colon segment, naming resources that exist',
            'the operation answers (the colon is literal)',
            `${exchange.status}`,
            exchange,
            [exchange.responseBody.slice(0, 200)],
          )
        : undefined,
  },
  page_size_bounds: {
    rule: 'OAS-003',
    appliesTo: 'page-size',
    // A read of a list at the smallest and at the largest page size its parameter documents.
    run: ({ operation, exchange }) => {
      const asked = Number(new URL(exchange.url).searchParams.get('page_size'));
      if (!isSuccess(exchange.status)) {
        return failure(
          'OAS-003',
          `page_size=${asked}, inside the documented bounds`,
          'a success status',
          `${exchange.status}`,
          exchange,
          [exchange.responseBody.slice(0, 200)],
        );
      }
      let body: unknown;
      try {
        body = JSON.parse(exchange.responseBody);
      } catch {
        return undefined;
      }
      const items = Object.values((body ?? {}) as Record<string, unknown>).find(Array.isArray) ?? [];
      return items.length <= asked
        ? undefined
        : failure(
            'OAS-003',
            `a page of ${operation.key} with page_size=${asked}`,
            `at most ${asked} items`,
            `${items.length}`,
            exchange,
          );
    },
  },
  negative_data_rejection: {
    rule: 'OAS-014',
    appliesTo: 'negative',
    run: ({ exchange }) =>
      exchange.status >= 400 && exchange.status < 500
        ? undefined
        : failure('OAS-014', 'a request breaking one constraint', 'a 4xx refusal', `${exchange.status}`, exchange),
  },
  positive_data_acceptance: {
    rule: 'OAS-015',
    appliesTo: 'positive',
    run: ({ operation, exchange }) =>
      isSuccess(exchange.status) && declares(operation, exchange.status)
        ? undefined
        : failure(
            'OAS-015',
            'a valid request',
            `a declared success status (${operation.declared.filter((s) => s.startsWith('2')).join(', ')})`,
            `${exchange.status}`,
            exchange,
            [exchange.responseBody.slice(0, 200)],
          ),
  },
  missing_required_parameter: {
    rule: 'OAS-016',
    appliesTo: 'missing-required',
    run: ({ exchange }) =>
      exchange.status >= 400 && exchange.status < 500
        ? undefined
        : failure('OAS-016', 'a request missing a required part', 'a 4xx refusal', `${exchange.status}`, exchange),
  },
  unsupported_method: {
    rule: 'OAS-017',
    appliesTo: 'unsupported-method',
    // Beside the undeclared methods of declared paths: the SDK's reads of paths the spec does not declare at all.
    beyondSpec: undeclaredOperationDrift,
    run: ({ exchange, pathMethods = [] }) => {
      if (exchange.status !== 404 && exchange.status !== 405) {
        return failure('OAS-017', 'an undeclared method', '404 or 405', `${exchange.status}`, exchange);
      }
      const allow = exchange.responseHeaders.allow;
      if (allow === undefined) return undefined;
      const listed = allow
        .split(',')
        .map((m) => m.trim().toLowerCase())
        .filter((m) => m !== '' && m !== 'head' && m !== 'options');
      const declared = pathMethods.map((m) => m.toLowerCase());
      const same = listed.length === declared.length && declared.every((m) => listed.includes(m));
      return same ? undefined : failure('OAS-017', 'Allow header', declared.join(', ').toUpperCase(), allow, exchange);
    },
  },
  ignored_auth_without_token: {
    rule: 'TOK-004',
    appliesTo: 'no-token',
    run: ({ exchange }) =>
      exchange.status === 401
        ? undefined
        : failure('TOK-004', 'a request without a token', '401', `${exchange.status}`, exchange),
  },
  ignored_auth_bad_token: {
    rule: 'TOK-005',
    appliesTo: 'bad-token',
    run: ({ exchange }) =>
      exchange.status === 401
        ? undefined
        : failure('TOK-005', 'a request with a token the target never issued', '401', `${exchange.status}`, exchange),
  },
} as const satisfies Record<string, ContractCheck>;

/** The status table of the API reference's error handling section (TOK-007). */
const documentedStatuses = [200, 201, 400, 401, 404, 429, 500, 501, 504];

const envelopeNames = { status: 'google.rpc.Status', errorInfo: 'ErrorInfo' } as const;

export type ContractCheckName = keyof typeof contractChecks;

/** An error status the spec does not declare for the operation: drift between server and spec, not a failure. */
export function undeclaredErrorStatus(
  operation: OperationInfo,
  exchange: Exchange,
  registry: SchemaRegistry,
): DriftFinding | undefined {
  if (exchange.status < 400 || exchange.status >= 500) return undefined;
  const finding = undeclaredStatus('OAS-010', exchange, registry, operation);
  return (
    finding && {
      ...finding,
      detail: `the target answered ${exchange.status} ${responseSummary(exchange)}, which the spec does not declare`,
    }
  );
}

/**
 * The response headers the spec declares for an operation and status (the status's own response, else `default`),
 * by their names as written. Content-Type is left out: OpenAPI says a header of that name is ignored (the media
 * type is OAS-011's). Reads a document with or without its refs resolved (a local `$ref` to the response is
 * followed). The pinned spec declares none (test/spec/response-headers.test.ts holds that).
 */
export function declaredResponseHeaders(
  document: OpenApiDocument,
  operation: { path: string; method: string },
  status: number,
): string[] {
  const responses = (document.paths[operation.path]?.[operation.method] as { responses?: Record<string, unknown> })
    ?.responses;
  const response = localRef(document, responses?.[String(status)] ?? responses?.default) as
    | { headers?: Record<string, unknown> }
    | undefined;
  return Object.keys(response?.headers ?? {}).filter((name) => name.toLowerCase() !== 'content-type');
}

/** A local `$ref` (`#/components/responses/X`) followed once; anything else as it is. */
function localRef(document: OpenApiDocument, value: unknown): unknown {
  const ref = (value as { $ref?: unknown } | undefined)?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return value;
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
}

/**
 * OAS-012 (Schemathesis's response_headers_conformance): every header the spec declares for the answered status is
 * in the response (names compared without case, as HTTP does). Not among `contractChecks` while the pinned spec
 * declares no header: a suite test of it could never fail; the rule is held by the harness until then.
 */
export function responseHeadersConformance(
  rule: 'OAS-012',
  declared: readonly string[],
  exchange: Exchange,
): Failure | undefined {
  const present = new Set(Object.keys(exchange.responseHeaders).map((name) => name.toLowerCase()));
  const missing = declared.filter((name) => !present.has(name.toLowerCase()));
  if (missing.length === 0) return undefined;
  return failure(
    rule,
    'declared response headers',
    `every header the spec declares for ${exchange.status} (${declared.join(', ')})`,
    `no ${missing.join(', ')}`,
    exchange,
  );
}
