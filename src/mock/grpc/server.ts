import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import {
  type DescMessage,
  type DescService,
  type JsonObject,
  type JsonValue,
  type MessageShape,
  toJson,
} from '@bufbuild/protobuf';
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createContextKey,
  createContextValues,
  type HandlerContext,
  type ServiceImpl,
} from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { type HttpRule, httpRulesOf, pathVariables } from '../../protocol/sdk/http-rule.js';
import { sdkServices } from '../../protocol/sdk/services.js';
import { type RestDispatch, responseFor, restRequestFor } from './rest-bridge.js';

export type { RestAnswer, RestDispatch, RestRequest } from './rest-bridge.js';

export interface GrpcServing {
  /** Answers an HTTP/2 request: a gRPC (or Connect) call to one of the SDK's services, or 404. */
  handle(req: Http2ServerRequest, res: Http2ServerResponse): void;
  /** The gRPC status an answered call ended with (undefined: the call reached no method). */
  statusOf(req: Http2ServerRequest): Code | 0 | undefined;
}

const incomingRequest = createContextKey<Http2ServerRequest | undefined>(undefined);

/**
 * gRPC for every unary method of the SDK's services, each answered by the mock's REST handling: the method's
 * `google.api.http` rule names the REST request, `dispatch` answers it as the HTTP/1.1 server would, and the
 * answer becomes the response message or the error. A method without a rule, or whose REST request no handler
 * serves, answers UNIMPLEMENTED.
 */
export function grpcServing(dispatch: RestDispatch, baseUrl: () => string): GrpcServing {
  const statuses = new WeakMap<Http2ServerRequest, Code | 0>();
  const routes = (router: ConnectRouter) => {
    for (const service of sdkServices) {
      const implementation: Record<string, unknown> = {};
      for (const method of service.methods) {
        const own = httpRulesOf(method);
        // The SDK's getOrganizationByExternalId calls GetOrganization with the external ID set, and GetOrganization
        // names only `/organizations/{id}`: a sibling with the same request and response (GetOrganizationByExternalId)
        // gives the path for the other member of the oneof.
        const siblings = service.methods
          .filter((other) => other !== method && other.input === method.input && other.output === method.output)
          .flatMap(httpRulesOf)
          .filter((rule) => rule.method === own[0]?.method);
        const rules = [...own, ...siblings];
        // Streaming methods have no REST twin; omitted methods answer UNIMPLEMENTED.
        if (own.length === 0 || method.methodKind !== 'unary') continue;
        implementation[method.localName] = async (message: MessageShape<DescMessage>, context: HandlerContext) => {
          const req = context.values.get(incomingRequest);
          try {
            const rule = ruleFor(rules, method.input, message);
            const request = restRequestFor(
              rule,
              method.input,
              message,
              baseUrl(),
              context.requestHeader.get('authorization'),
            );
            const answer = await dispatch(request);
            if (!answer) {
              throw new ConnectError(
                `the mock serves no ${request.method} ${request.url.pathname}`,
                Code.Unimplemented,
              );
            }
            const response = responseFor(rule, method.output, answer);
            if (req) statuses.set(req, 0);
            return response;
          } catch (error) {
            if (req) statuses.set(req, ConnectError.from(error).code);
            throw error;
          }
        };
      }
      router.service(service, implementation as Partial<ServiceImpl<DescService>>);
    }
  };
  const handle = connectNodeAdapter({
    routes,
    contextValues: (req) => createContextValues().set(incomingRequest, req as Http2ServerRequest),
  });
  return {
    handle: (req, res) => handle(req, res),
    statusOf: (req) => statuses.get(req),
  };
}

/** The first rule whose path variables the message sets all of (else the first: its request names what is missing). */
function ruleFor(rules: readonly HttpRule[], schema: DescMessage, message: MessageShape<DescMessage>): HttpRule {
  const fields = toJson(schema, message, { useProtoFieldName: true }) as JsonObject;
  const isSet = (path: string) => {
    let value: JsonValue | undefined = fields;
    for (const name of path.split('.')) {
      value = value && typeof value === 'object' && !Array.isArray(value) ? value[name] : undefined;
    }
    return value !== undefined && value !== '' && value !== null;
  };
  return rules.find((rule) => pathVariables(rule).every(isSet)) ?? (rules[0] as HttpRule);
}
