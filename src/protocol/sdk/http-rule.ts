import type { DescMethod } from '@bufbuild/protobuf';
import { BinaryReader } from '@bufbuild/protobuf/wire';

/** The REST request a gRPC method stands for, as its `google.api.http` annotation names it. */
export interface HttpRule {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
  /** The path template, e.g. `/api/v1/organizations/{id}` or `/api/v1/organizations/{organization_id}/users`. */
  path: string;
  /** `*` (every field not in the path), a field's proto name, or '' (no body: every other field in the query). */
  body: string;
  /** The field of the REST answer that is the RPC's response ('' for the whole answer). */
  responseBody: string;
}

/** The `google.api.http` method option's field number (google/api/annotations.proto). */
const httpRuleOption = 72_295_728;

/** HttpRule's fields (google/api/http.proto). */
const ruleField = {
  get: 2,
  put: 3,
  post: 4,
  delete: 5,
  patch: 6,
  body: 7,
  additionalBindings: 11,
  responseBody: 12,
} as const;
const verbs = new Map<number, HttpRule['method']>([
  [ruleField.get, 'GET'],
  [ruleField.put, 'PUT'],
  [ruleField.post, 'POST'],
  [ruleField.delete, 'DELETE'],
  [ruleField.patch, 'PATCH'],
]);

/**
 * The method's HTTP rules: the annotation's own first, then its `additional_bindings` (e.g. GetOrganization by ID
 * or by external ID); empty when it has none. The SDK's generated code does not register the google.api
 * extensions, so the option arrives as unknown bytes of the MethodOptions and is decoded here.
 */
export function httpRulesOf(method: DescMethod): HttpRule[] {
  const option = method.proto.options?.$unknown?.find((field) => field.no === httpRuleOption);
  // The unknown field keeps its wire form: a length-delimited HttpRule.
  return option ? decodeRule(new BinaryReader(option.data).bytes()) : [];
}

function decodeRule(bytes: Uint8Array): HttpRule[] {
  const reader = new BinaryReader(bytes);
  let verb: HttpRule['method'] | undefined;
  let path = '';
  let body = '';
  let responseBody = '';
  const additional: HttpRule[] = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    const named = verbs.get(field);
    if (named) {
      verb = named;
      path = reader.string();
    } else if (field === ruleField.body) body = reader.string();
    else if (field === ruleField.responseBody) responseBody = reader.string();
    else if (field === ruleField.additionalBindings) additional.push(...decodeRule(reader.bytes()));
    else reader.skip(wireType);
  }
  return verb ? [{ method: verb, path, body, responseBody }, ...additional] : additional;
}

/** The field paths a rule's path template takes from the message (`{organization_id}`, `{a.b=*}`). */
export function pathVariables(rule: HttpRule): string[] {
  return [...rule.path.matchAll(/\{([^}=]+)/g)].map((match) => match[1] ?? '');
}
