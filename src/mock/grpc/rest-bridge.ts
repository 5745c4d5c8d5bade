import {
  type DescMessage,
  fromJson,
  type JsonObject,
  type JsonValue,
  type MessageShape,
  toJson,
} from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { ErrorInfoSchema } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/errdetails/errdetails_pb.js';
import type { HttpRule } from '../../protocol/sdk/http-rule.js';

/** A REST request the mock answers in-process, through the same handling as a request on its socket. */
export interface RestRequest {
  method: string;
  url: URL;
  authorization: string | null;
  /** The JSON body ('' for none). */
  body: string;
}

/** What the REST handling answered: a status and its JSON body (undefined when the body is not JSON). */
export interface RestAnswer {
  status: number;
  json: unknown;
}

/** Answers a REST request; undefined when no handler serves its method and path (not a missing resource). */
export type RestDispatch = (request: RestRequest) => Promise<RestAnswer | undefined>;

/**
 * The REST request of one RPC: the message in JSON with its proto field names (the REST API's snake_case), the
 * path template's variables taken from it, then the body the rule names, and every other field in the query.
 */
export function restRequestFor(
  rule: HttpRule,
  schema: DescMessage,
  message: MessageShape<DescMessage>,
  baseUrl: string,
  authorization: string | null,
): RestRequest {
  const fields = toJson(schema, message, { useProtoFieldName: true }) as JsonObject;
  const path = rule.path.replace(/\{([^}=]+)(?:=([^}]*))?\}/g, (_template, name: string, pattern?: string) => {
    const value = take(fields, name.split('.'));
    if (value === undefined || value === '' || typeof value === 'object') {
      throw new ConnectError(`${name} is required`, Code.InvalidArgument);
    }
    // A `**` variable may span segments (google.api.http); any other fills exactly one.
    return pattern === '**'
      ? String(value).split('/').map(encodeURIComponent).join('/')
      : encodeURIComponent(String(value));
  });
  const url = new URL(path, baseUrl);
  let body = '';
  if (rule.body === '*') {
    body = JSON.stringify(fields);
  } else {
    if (rule.body) body = JSON.stringify(take(fields, [rule.body]) ?? {});
    appendQuery(url.searchParams, '', fields);
  }
  return { method: rule.method, url, authorization, body };
}

/** Removes and returns the value at a field path (the path template's `a.b`). */
function take(fields: JsonObject, path: readonly string[]): JsonValue | undefined {
  const [head, ...rest] = path;
  if (head === undefined) return undefined;
  const value = fields[head];
  if (rest.length === 0) {
    delete fields[head];
    return value;
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? take(value, rest) : undefined;
}

/** Query parameters as grpc-gateway reads them: nested fields as `a.b`, repeated fields as repeated parameters. */
function appendQuery(query: URLSearchParams, prefix: string, fields: JsonObject): void {
  for (const [name, value] of Object.entries(fields)) {
    const key = prefix ? `${prefix}.${name}` : name;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null) continue;
      if (typeof item === 'object') {
        if (!Array.isArray(item)) appendQuery(query, key, item);
      } else query.append(key, String(item));
    }
  }
}

/** REST statuses as gRPC codes (the inverse of grpc-gateway's mapping). */
export function grpcCodeFor(status: number): Code {
  switch (status) {
    case 400:
      return Code.InvalidArgument;
    case 401:
      return Code.Unauthenticated;
    case 403:
      return Code.PermissionDenied;
    case 404:
      return Code.NotFound;
    case 409:
      return Code.AlreadyExists;
    case 429:
      return Code.ResourceExhausted;
    default:
      return status >= 500 ? Code.Internal : Code.Unknown;
  }
}

/**
 * The RPC's answer from the REST one: a 2xx body as the response message (fields the message does not have are
 * dropped), anything else as a ConnectError with the REST error's message and its ErrorInfo as a detail.
 */
export function responseFor<Output extends DescMessage>(
  rule: HttpRule,
  schema: Output,
  answer: RestAnswer,
): MessageShape<Output> {
  if (answer.status >= 200 && answer.status < 300) {
    const body = rule.responseBody ? (answer.json as JsonObject | undefined)?.[rule.responseBody] : answer.json;
    try {
      return fromJson(schema, (body ?? {}) as JsonValue, { ignoreUnknownFields: true });
    } catch (error) {
      throw new ConnectError(`the REST answer does not fit ${schema.typeName}: ${String(error)}`, Code.Internal);
    }
  }
  throw errorFor(answer);
}

function errorFor(answer: RestAnswer): ConnectError {
  const code = grpcCodeFor(answer.status);
  const json = answer.json as { localized_message_info?: { message?: unknown }; message?: unknown } | undefined;
  const message = json?.localized_message_info?.message ?? json?.message;
  let details: ConnectError['details'] = [];
  try {
    details = [
      {
        desc: ErrorInfoSchema,
        value: fromJson(ErrorInfoSchema, answer.json as JsonValue, { ignoreUnknownFields: true }),
      },
    ];
  } catch {
    // An error body that is not an ErrorInfo still gives the code and the message.
  }
  return new ConnectError(
    typeof message === 'string' ? message : `REST status ${answer.status}`,
    code,
    undefined,
    details as never,
  );
}
