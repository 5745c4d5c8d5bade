// The kinds of change `diffSpecs` reports, as data: a stable ID, a one-line title, and what the change means for
// clients (callers of the API and webhook receivers) and for servers (the implementation, mocks, alternative
// servers). IDs never change or get reused; a new kind takes the next free number of its group.
//
// The reasoning behind most rows: every message has a producer and a consumer. Requests are produced by clients
// and consumed by servers; responses and webhook payloads the other way round. A change that widens what a
// message may contain (an enum value added, a limit loosened) breaks its consumer; a change that narrows it (a
// property made required, a pattern added) breaks its producer, whose old messages may no longer be valid. The
// exceptions say why in their row: chiefly, servers validate requests but clients seldom validate responses, so a
// response constraint dropped is 'review' for clients while a new response enum value stays breaking (clients
// switch on enums). 'review' means the effect depends on how the API is used and needs a human.

export type Classification = 'breaking' | 'non-breaking' | 'review';

/** Which way a schema's message travels: a request (client → server) or a response or webhook payload (server → client). */
export type Direction = 'request' | 'response';

interface ChangeKindFields {
  readonly title: string;
  readonly clients: Classification;
  readonly servers: Classification;
  /** Why it is classified so, in a few words. */
  readonly why: string;
}

/**
 * The nearest oasdiff check ID, for a reader who knows oasdiff's output (its IDs as of oasdiff 1.28, August 2026:
 * `checker/localizations_src/en/messages.yaml` in oasdiff/oasdiff). oasdiff splits what one kind here covers by
 * where the schema sits: the SD-1xx rows name its request-property form, which has request-body- and
 * request-parameter- siblings (`request-parameter-enum-value-removed`), the SD-2xx rows its response-property form
 * (`response-body-type-changed`); a limit row names the maxLength check of the family (min, max, minItems and the
 * rest have their own), an alternatives row the oneOf-added one. oasdiff reads `format` as part of the type, so the
 * format rows name its type checks. Where oasdiff has no check at all, `oasdiff` is null and `noOasdiffCheck` says so.
 */
type OasdiffCheck = { readonly oasdiff: string } | { readonly oasdiff: null; readonly noOasdiffCheck: string };

export type ChangeKind = ChangeKindFields & OasdiffCheck;

const B = 'breaking';
const N = 'non-breaking';
const R = 'review';

export const changeKinds = {
  // Operations
  'SD-001': {
    title: 'operation removed',
    clients: B,
    servers: N,
    oasdiff: 'api-removed-without-deprecation',
    why: 'calls to it fail',
  },
  'SD-002': {
    title: 'operation added',
    clients: N,
    servers: B,
    oasdiff: 'endpoint-added',
    why: 'servers must implement it',
  },
  'SD-003': {
    title: 'operationId changed',
    clients: R,
    servers: N,
    oasdiff: 'api-operation-id-removed',
    why: 'generated SDK method names change',
  },

  // Parameters (request side; their schema changes use the SD-1xx rows)
  'SD-010': {
    title: 'parameter removed',
    clients: R,
    servers: N,
    oasdiff: 'request-parameter-removed',
    why: 'a client still sending it is ignored: its effect is gone',
  },
  'SD-011': {
    title: 'optional parameter added',
    clients: N,
    servers: B,
    oasdiff: 'new-optional-request-parameter',
    why: 'servers must honour it',
  },
  'SD-012': {
    title: 'required parameter added',
    clients: B,
    servers: B,
    oasdiff: 'new-required-request-parameter',
    why: 'old calls lack it; servers must use it',
  },
  'SD-013': {
    title: 'parameter made required',
    clients: B,
    servers: N,
    oasdiff: 'request-parameter-became-required',
    why: 'old calls may lack it',
  },
  'SD-014': {
    title: 'parameter made optional',
    clients: N,
    servers: B,
    oasdiff: 'request-parameter-became-optional',
    why: 'servers must cope without it',
  },

  // Request bodies
  'SD-020': {
    title: 'optional request body added',
    clients: N,
    servers: B,
    oasdiff: 'request-body-added-optional',
    why: 'servers must accept and use it',
  },
  'SD-021': {
    title: 'required request body added',
    clients: B,
    servers: B,
    oasdiff: 'request-body-added-required',
    why: 'old calls send no body',
  },
  'SD-022': {
    title: 'request body removed',
    clients: R,
    servers: R,
    oasdiff: 'request-body-removed',
    why: 'what clients send is no longer used',
  },
  'SD-023': {
    title: 'request body made required',
    clients: B,
    servers: N,
    oasdiff: 'request-body-became-required',
    why: 'old calls may send no body',
  },
  'SD-024': {
    title: 'request body made optional',
    clients: N,
    servers: B,
    oasdiff: 'request-body-became-optional',
    why: 'servers must cope without it',
  },
  'SD-025': {
    title: 'request media type added',
    clients: N,
    servers: B,
    oasdiff: 'request-body-media-type-added',
    why: 'servers must parse it',
  },
  'SD-026': {
    title: 'request media type removed',
    clients: B,
    servers: N,
    oasdiff: 'request-body-media-type-removed',
    why: 'clients sending it are refused',
  },

  // Responses
  'SD-030': {
    title: 'response status added',
    clients: R,
    servers: N,
    oasdiff: 'response-success-status-added',
    why: 'a new outcome clients may need to handle; a server that never returns it still conforms',
  },
  'SD-031': {
    title: 'response status removed',
    clients: R,
    servers: B,
    oasdiff: 'response-success-status-removed',
    why: 'clients relying on it need another path; a server still returning it no longer conforms',
  },
  'SD-032': {
    title: 'response media type added',
    clients: N,
    servers: R,
    oasdiff: 'response-media-type-added',
    why: 'content negotiation keeps clients on the type they ask for',
  },
  'SD-033': {
    title: 'response media type removed',
    clients: B,
    servers: N,
    oasdiff: 'response-media-type-removed',
    why: 'clients asking for it fail',
  },

  // Security
  'SD-040': {
    title: 'security requirement added',
    clients: N,
    servers: B,
    oasdiff: 'api-security-added',
    why: 'a new way to authenticate that servers must accept (an empty requirement list counts as anonymous)',
  },
  'SD-041': {
    title: 'security requirement removed',
    clients: B,
    servers: N,
    oasdiff: 'api-security-removed',
    why: 'clients using that way to authenticate are refused',
  },
  'SD-042': {
    title: 'security scheme changed',
    clients: R,
    servers: R,
    oasdiff: 'api-security-component-oauth-token-url-changed',
    why: 'token URLs, flows or scopes moved',
  },

  // Webhooks (their payloads use the SD-2xx rows: the server produces them, receivers consume them)
  'SD-050': {
    title: 'webhook added',
    clients: N,
    servers: B,
    oasdiff: 'webhook-added',
    why: 'receivers get only the events they subscribe to; servers must send it',
  },
  'SD-051': {
    title: 'webhook removed',
    clients: B,
    servers: N,
    oasdiff: 'webhook-removed',
    why: 'receivers waiting for it never get it',
  },

  // Components
  'SD-060': {
    title: 'component schema added',
    clients: N,
    servers: N,
    oasdiff: null,
    noOasdiffCheck: 'oasdiff has a check for a removed component schema only',
    why: 'a definition alone changes nothing; its uses are reported where they are',
  },
  'SD-061': {
    title: 'component schema removed',
    clients: R,
    servers: N,
    oasdiff: 'api-schema-removed',
    why: 'types generated from it disappear from SDKs',
  },

  // Schemas of requests and parameters: clients produce, servers consume
  'SD-101': {
    title: 'request property added (optional)',
    clients: N,
    servers: B,
    oasdiff: 'new-optional-request-property',
    why: 'servers must accept it',
  },
  'SD-102': {
    title: 'request property added (required)',
    clients: B,
    servers: B,
    oasdiff: 'new-required-request-property',
    why: 'old requests lack it',
  },
  'SD-103': {
    title: 'request property removed',
    clients: R,
    servers: R,
    oasdiff: 'request-property-removed',
    why: 'what clients send is ignored; a server that required it refuses new requests',
  },
  'SD-104': {
    title: 'request property made required',
    clients: B,
    servers: N,
    oasdiff: 'request-property-became-required',
    why: 'old requests may lack it',
  },
  'SD-105': {
    title: 'request property made optional',
    clients: N,
    servers: B,
    oasdiff: 'request-property-became-optional',
    why: 'servers must cope without it',
  },
  'SD-106': {
    title: 'request type changed',
    clients: B,
    servers: B,
    oasdiff: 'request-property-type-changed',
    why: 'old values are invalid both ways',
  },
  'SD-107': {
    title: 'request value made nullable',
    clients: N,
    servers: B,
    oasdiff: 'request-property-became-nullable',
    why: 'servers must accept null',
  },
  'SD-108': {
    title: 'request value made non-nullable',
    clients: B,
    servers: N,
    oasdiff: 'request-property-became-not-nullable',
    why: 'clients sending null fail',
  },
  'SD-109': {
    title: 'request enum value added',
    clients: N,
    servers: B,
    oasdiff: 'request-property-enum-value-added',
    why: 'servers must accept the value',
  },
  'SD-110': {
    title: 'request enum value removed',
    clients: B,
    servers: N,
    oasdiff: 'request-property-enum-value-removed',
    why: 'clients sending it are refused',
  },
  'SD-111': {
    title: 'request format added',
    clients: B,
    servers: N,
    oasdiff: 'request-property-type-changed',
    why: 'values that were valid may not be',
  },
  'SD-112': {
    title: 'request format removed',
    clients: N,
    servers: B,
    oasdiff: 'request-property-type-generalized',
    why: 'servers must accept any string',
  },
  'SD-113': {
    title: 'request format changed',
    clients: B,
    servers: B,
    oasdiff: 'request-property-type-changed',
    why: 'values are read differently',
  },
  'SD-114': {
    title: 'request pattern added',
    clients: B,
    servers: N,
    oasdiff: 'request-property-pattern-added',
    why: 'values that were valid may not be',
  },
  'SD-115': {
    title: 'request pattern removed',
    clients: N,
    servers: B,
    oasdiff: 'request-property-pattern-removed',
    why: 'servers must accept any string',
  },
  'SD-116': {
    title: 'request pattern changed',
    clients: R,
    servers: R,
    oasdiff: 'request-property-pattern-changed',
    why: 'a new pattern may be wider, narrower or both',
  },
  'SD-117': {
    title: 'request limit tightened',
    clients: B,
    servers: N,
    oasdiff: 'request-property-max-length-decreased',
    why: 'values that were valid may not be (min/max, lengths, item counts)',
  },
  'SD-118': {
    title: 'request limit loosened',
    clients: N,
    servers: B,
    oasdiff: 'request-property-max-length-increased',
    why: 'servers must accept wider values (min/max, lengths, item counts)',
  },
  'SD-119': {
    title: 'request alternatives changed',
    clients: R,
    servers: R,
    oasdiff: 'request-property-one-of-added',
    why: 'allOf/oneOf/anyOf members added or removed',
  },
  'SD-120': {
    title: 'request enum added',
    clients: B,
    servers: N,
    oasdiff: 'request-property-became-enum',
    why: 'a free value became a closed list',
  },
  'SD-121': {
    title: 'request enum removed',
    clients: N,
    servers: B,
    oasdiff: null,
    noOasdiffCheck: 'oasdiff has no check for an enum dropped from a request value',
    why: 'a closed list became a free value',
  },

  // Schemas of responses and webhook payloads: servers produce, clients consume
  'SD-201': {
    title: 'response property added (optional)',
    clients: N,
    servers: N,
    oasdiff: 'response-optional-property-added',
    why: 'tolerant readers ignore it; a server that omits it still conforms',
  },
  'SD-202': {
    title: 'response property added (required)',
    clients: N,
    servers: B,
    oasdiff: 'response-required-property-added',
    why: 'servers must send it',
  },
  'SD-203': {
    title: 'response property removed',
    clients: B,
    servers: N,
    oasdiff: 'response-required-property-removed',
    why: 'clients reading it get nothing',
  },
  'SD-204': {
    title: 'response property made required',
    clients: N,
    servers: B,
    oasdiff: 'response-property-became-required',
    why: 'servers must always send it',
  },
  'SD-205': {
    title: 'response property made optional',
    clients: B,
    servers: N,
    oasdiff: 'response-property-became-optional',
    why: 'clients may not get it',
  },
  'SD-206': {
    title: 'response type changed',
    clients: B,
    servers: B,
    oasdiff: 'response-property-type-changed',
    why: 'old values are invalid both ways',
  },
  'SD-207': {
    title: 'response value made nullable',
    clients: B,
    servers: N,
    oasdiff: 'response-property-became-nullable',
    why: 'clients may get null',
  },
  'SD-208': {
    title: 'response value made non-nullable',
    clients: N,
    servers: B,
    oasdiff: 'response-property-became-not-nullable',
    why: 'servers sending null fail',
  },
  'SD-209': {
    title: 'response enum value added',
    clients: B,
    servers: N,
    oasdiff: 'response-property-enum-value-added',
    why: 'clients that switch on the value meet one they do not know (Optic flags these)',
  },
  'SD-210': {
    title: 'response enum value removed',
    clients: N,
    servers: B,
    oasdiff: 'response-property-enum-value-removed',
    why: 'servers still sending it fail',
  },
  'SD-211': {
    title: 'response format added',
    clients: N,
    servers: B,
    oasdiff: 'response-property-type-specialized',
    why: 'servers must send that format',
  },
  'SD-212': {
    title: 'response format removed',
    clients: R,
    servers: N,
    oasdiff: 'response-property-type-generalized',
    why: 'only clients that parse or validate the format break',
  },
  'SD-213': {
    title: 'response format changed',
    clients: B,
    servers: B,
    oasdiff: 'response-property-type-changed',
    why: 'values are read differently',
  },
  'SD-214': {
    title: 'response pattern added',
    clients: N,
    servers: B,
    oasdiff: 'response-property-pattern-added',
    why: 'servers must match it',
  },
  'SD-215': {
    title: 'response pattern removed',
    clients: R,
    servers: N,
    oasdiff: 'response-property-pattern-removed',
    why: 'only clients that validate responses or parse the value break',
  },
  'SD-216': {
    title: 'response pattern changed',
    clients: R,
    servers: R,
    oasdiff: 'response-property-pattern-changed',
    why: 'a new pattern may be wider, narrower or both',
  },
  'SD-217': {
    title: 'response limit tightened',
    clients: N,
    servers: B,
    oasdiff: null,
    noOasdiffCheck: 'oasdiff checks only response limits that loosen (response-property-max-increased and the like)',
    why: 'servers must keep within it (min/max, lengths, item counts)',
  },
  'SD-218': {
    title: 'response limit loosened',
    clients: R,
    servers: N,
    oasdiff: 'response-property-max-length-increased',
    why: 'only clients that validate responses or sized storage to the limit break',
  },
  'SD-219': {
    title: 'response alternatives changed',
    clients: R,
    servers: R,
    oasdiff: 'response-property-one-of-added',
    why: 'allOf/oneOf/anyOf members added or removed',
  },
  'SD-220': {
    title: 'response enum added',
    clients: N,
    servers: B,
    oasdiff: null,
    noOasdiffCheck: 'oasdiff has no check for a response value restricted to an enum',
    why: 'servers must send only listed values',
  },
  'SD-221': {
    title: 'response enum removed',
    clients: B,
    servers: N,
    oasdiff: null,
    noOasdiffCheck: 'oasdiff has no check for an enum dropped from a response value',
    why: 'clients may get any value',
  },
} as const satisfies Record<string, ChangeKind>;

export type ChangeKindId = keyof typeof changeKinds;

/** The changes the schema walk finds, independent of direction; `schemaChangeKind` picks the kind per direction. */
export type SchemaChange =
  | 'property-added-optional'
  | 'property-added-required'
  | 'property-removed'
  | 'property-made-required'
  | 'property-made-optional'
  | 'type-changed'
  | 'made-nullable'
  | 'made-non-nullable'
  | 'enum-value-added'
  | 'enum-value-removed'
  | 'format-added'
  | 'format-removed'
  | 'format-changed'
  | 'pattern-added'
  | 'pattern-removed'
  | 'pattern-changed'
  | 'limit-tightened'
  | 'limit-loosened'
  | 'alternatives-changed'
  | 'enum-added'
  | 'enum-removed';

const schemaChangeNumber: Record<SchemaChange, number> = {
  'property-added-optional': 1,
  'property-added-required': 2,
  'property-removed': 3,
  'property-made-required': 4,
  'property-made-optional': 5,
  'type-changed': 6,
  'made-nullable': 7,
  'made-non-nullable': 8,
  'enum-value-added': 9,
  'enum-value-removed': 10,
  'format-added': 11,
  'format-removed': 12,
  'format-changed': 13,
  'pattern-added': 14,
  'pattern-removed': 15,
  'pattern-changed': 16,
  'limit-tightened': 17,
  'limit-loosened': 18,
  'alternatives-changed': 19,
  'enum-added': 20,
  'enum-removed': 21,
};

/** The kind of a schema change in a request (SD-1xx) or a response or webhook payload (SD-2xx). */
export function schemaChangeKind(change: SchemaChange, direction: Direction): ChangeKindId {
  const base = direction === 'request' ? 100 : 200;
  return `SD-${base + schemaChangeNumber[change]}` as ChangeKindId;
}

/** One difference between two specs. */
export interface SpecChange {
  kind: ChangeKindId;
  /** Where, for a reader: `POST /api/v1/organizations request body .display_name`. */
  location: string;
  /** RFC 6901 pointer into the `to` spec: the changed node, or for a removal the nearest node that remains. */
  pointer: string;
  /** Pointer into the `from` spec, when the node existed there. */
  fromPointer?: string;
  from?: unknown;
  to?: unknown;
  clients: Classification;
  servers: Classification;
}

export function specChange(kind: ChangeKindId, fields: Omit<SpecChange, 'kind' | 'clients' | 'servers'>): SpecChange {
  const { clients, servers } = changeKinds[kind];
  return { kind, ...fields, clients, servers };
}
