import type { OpenApiDocument } from '../spec/document.js';
import {
  type ChangeKindId,
  type Classification,
  changeKinds,
  type Direction,
  type SpecChange,
  specChange,
} from './change-kinds.js';
import { asObject, dereference, diffSchema, type JsonObject, type Located, pointerTo } from './schema-diff.js';

// Spec against spec: what changed from one OpenAPI document to another, each change with a kind from
// change-kinds.ts. Operations are matched by method and path template (parameter names ignored, so renaming
// `{id}` is not a new operation); schemas are compared through their `$ref`s and reported at every operation and
// webhook that uses them, the way a client meets them.

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface Operation {
  method: string;
  path: string;
  pathItem: JsonObject;
  operation: JsonObject;
  pointer: string;
}

/** An operation with the document it belongs to, so its `$ref`s can be followed. */
interface Side extends Operation {
  document: OpenApiDocument;
}

function operationsOf(document: OpenApiDocument): Map<string, Operation> {
  const operations = new Map<string, Operation>();
  for (const [path, item] of Object.entries(document.paths)) {
    const pathItem = asObject(item) ?? {};
    for (const method of methods) {
      const operation = asObject(pathItem[method]);
      if (!operation) continue;
      const key = `${method.toUpperCase()} ${path.replace(/\{[^}]*\}/g, '{}')}`;
      operations.set(key, { method, path, pathItem, operation, pointer: pointerTo('', 'paths', path, method) });
    }
  }
  return operations;
}

export function countOperations(document: OpenApiDocument): number {
  return operationsOf(document).size;
}

export function diffSpecs(from: OpenApiDocument, to: OpenApiDocument): SpecChange[] {
  const out: SpecChange[] = [];
  const before = operationsOf(from);
  const after = operationsOf(to);
  for (const [key, operation] of after) {
    const old = before.get(key);
    const location = `${operation.method.toUpperCase()} ${operation.path}`;
    if (!old) {
      out.push(specChange('SD-002', { location, pointer: operation.pointer, to: operation.operation.operationId }));
      continue;
    }
    diffOperation(out, location, { document: from, ...old }, { document: to, ...operation });
  }
  for (const [key, operation] of before) {
    if (after.has(key)) continue;
    const remaining = pointerTo('', 'paths', operation.path);
    out.push(
      specChange('SD-001', {
        location: `${operation.method.toUpperCase()} ${operation.path}`,
        pointer: to.paths[operation.path] ? remaining : '/paths',
        fromPointer: operation.pointer,
        from: operation.operation.operationId,
      }),
    );
  }
  diffWebhooks(out, from, to);
  diffComponents(out, from, to);
  return out;
}

function diffOperation(out: SpecChange[], location: string, from: Side, to: Side) {
  const before = from.operation.operationId;
  const after = to.operation.operationId;
  if (before !== after) {
    out.push(
      specChange('SD-003', { location, pointer: to.pointer, fromPointer: from.pointer, from: before, to: after }),
    );
  }
  diffParameters(out, location, from, to);
  diffRequestBody(out, location, from, to);
  diffResponses(out, location, from, to);
  diffSecurity(out, location, from, to);
}

interface Parameter extends Located {
  name: string;
  in: string;
  required: boolean;
  schema: Located;
}

/**
 * Path-item parameters overridden by the operation's, keyed by location and name; path parameters are keyed by
 * their position in the template, so renaming `{id}` to `{user_id}` is not a removal and an addition.
 */
function parametersOf(side: Side): Map<string, Parameter> {
  const pathParameterNames = [...side.path.matchAll(/\{([^}]*)\}/g)].map((match) => match[1]);
  const parameters = new Map<string, Parameter>();
  const collect = (list: unknown, base: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((entry, index) => {
      const at = dereference(side.document, { node: entry, pointer: pointerTo(base, 'parameters', String(index)) });
      const parameter = asObject(at.node);
      if (!parameter || typeof parameter.name !== 'string' || typeof parameter.in !== 'string') return;
      const position = parameter.in === 'path' ? pathParameterNames.indexOf(parameter.name) : -1;
      const key = position >= 0 ? `path #${position}` : `${parameter.in} ${parameter.name}`;
      parameters.set(key, {
        ...at,
        name: parameter.name,
        in: parameter.in,
        required: parameter.required === true || parameter.in === 'path',
        schema: parameterSchema(parameter, at.pointer),
      });
    });
  };
  collect(side.pathItem.parameters, side.pointer.slice(0, side.pointer.lastIndexOf('/')));
  collect(side.operation.parameters, side.pointer);
  return parameters;
}

/** A parameter's schema, from `schema` or from its single `content` entry. */
function parameterSchema(parameter: JsonObject, pointer: string): Located {
  if (parameter.schema !== undefined) return { node: parameter.schema, pointer: pointerTo(pointer, 'schema') };
  const [mediaType, media] = Object.entries(asObject(parameter.content) ?? {})[0] ?? [];
  if (mediaType === undefined) return { node: undefined, pointer };
  return { node: asObject(media)?.schema, pointer: pointerTo(pointer, 'content', mediaType, 'schema') };
}

function diffParameters(out: SpecChange[], location: string, from: Side, to: Side) {
  const before = parametersOf(from);
  const after = parametersOf(to);
  const describe = (parameter: Parameter) => `${location} ${parameter.in} parameter ${parameter.name}`;
  for (const [key, parameter] of after) {
    const old = before.get(key);
    if (!old) {
      const kind = parameter.required ? 'SD-012' : 'SD-011';
      out.push(specChange(kind, { location: describe(parameter), pointer: parameter.pointer }));
      continue;
    }
    if (old.required !== parameter.required) {
      const kind = parameter.required ? 'SD-013' : 'SD-014';
      out.push(
        specChange(kind, { location: describe(parameter), pointer: parameter.pointer, fromPointer: old.pointer }),
      );
    }
    const walk = { from: from.document, to: to.document, direction: 'request' as const, out };
    diffSchema(
      { ...walk, prefix: `${location} ${parameter.in} parameter` },
      old.schema,
      parameter.schema,
      parameter.name,
    );
  }
  for (const [key, parameter] of before) {
    if (after.has(key)) continue;
    out.push(
      specChange('SD-010', { location: describe(parameter), pointer: to.pointer, fromPointer: parameter.pointer }),
    );
  }
}

/** Media types of a request body or response, each with its schema. */
function contentOf(at: Located): Map<string, Located> {
  const content = new Map<string, Located>();
  for (const [mediaType, media] of Object.entries(asObject(asObject(at.node)?.content) ?? {})) {
    content.set(mediaType, {
      node: asObject(media)?.schema,
      pointer: pointerTo(at.pointer, 'content', mediaType, 'schema'),
    });
  }
  return content;
}

interface ContentDiff {
  out: SpecChange[];
  from: OpenApiDocument;
  to: OpenApiDocument;
  direction: Direction;
  /** `POST /x request body`, `GET /x response 200`, `webhook user.login payload`. */
  location: string;
  added: ChangeKindId;
  removed: ChangeKindId;
}

function diffContent(diff: ContentDiff, fromAt: Located, toAt: Located) {
  const before = contentOf(fromAt);
  const after = contentOf(toAt);
  // The one media type this spec uses goes unsaid; any other is named.
  const prefix = (mediaType: string) =>
    mediaType === 'application/json' ? diff.location : `${diff.location} (${mediaType})`;
  for (const [mediaType, schema] of after) {
    const old = before.get(mediaType);
    if (!old) {
      diff.out.push(specChange(diff.added, { location: prefix(mediaType), pointer: schema.pointer, to: mediaType }));
      continue;
    }
    const walk = { from: diff.from, to: diff.to, direction: diff.direction, out: diff.out, prefix: prefix(mediaType) };
    diffSchema(walk, old, schema, '');
  }
  for (const [mediaType, schema] of before) {
    if (after.has(mediaType)) continue;
    diff.out.push(
      specChange(diff.removed, {
        location: prefix(mediaType),
        pointer: toAt.pointer,
        fromPointer: schema.pointer,
        from: mediaType,
      }),
    );
  }
}

function diffRequestBody(out: SpecChange[], location: string, from: Side, to: Side) {
  const bodyAt = (side: Side) =>
    dereference(side.document, { node: side.operation.requestBody, pointer: pointerTo(side.pointer, 'requestBody') });
  const before = bodyAt(from);
  const after = bodyAt(to);
  const beforeBody = asObject(before.node);
  const afterBody = asObject(after.node);
  const bodyLocation = `${location} request body`;
  if (!beforeBody && !afterBody) return;
  if (!beforeBody) {
    const kind = afterBody?.required === true ? 'SD-021' : 'SD-020';
    out.push(specChange(kind, { location: bodyLocation, pointer: after.pointer }));
    return;
  }
  if (!afterBody) {
    out.push(specChange('SD-022', { location: bodyLocation, pointer: to.pointer, fromPointer: before.pointer }));
    return;
  }
  if ((beforeBody.required === true) !== (afterBody.required === true)) {
    const kind = afterBody.required === true ? 'SD-023' : 'SD-024';
    out.push(specChange(kind, { location: bodyLocation, pointer: after.pointer, fromPointer: before.pointer }));
  }
  const diff = { out, from: from.document, to: to.document, direction: 'request' as const, location: bodyLocation };
  diffContent({ ...diff, added: 'SD-025', removed: 'SD-026' }, before, after);
}

function diffResponses(out: SpecChange[], location: string, from: Side, to: Side) {
  const responsesAt = (side: Side) => ({
    node: asObject(side.operation.responses) ?? {},
    pointer: pointerTo(side.pointer, 'responses'),
  });
  const before = responsesAt(from);
  const after = responsesAt(to);
  for (const [status, response] of Object.entries(after.node)) {
    const statusLocation = `${location} response ${status}`;
    const toAt = dereference(to.document, { node: response, pointer: pointerTo(after.pointer, status) });
    if (!(status in before.node)) {
      out.push(specChange('SD-030', { location: statusLocation, pointer: toAt.pointer, to: status }));
      continue;
    }
    const fromAt = dereference(from.document, {
      node: before.node[status],
      pointer: pointerTo(before.pointer, status),
    });
    const diff = {
      out,
      from: from.document,
      to: to.document,
      direction: 'response' as const,
      location: statusLocation,
    };
    diffContent({ ...diff, added: 'SD-032', removed: 'SD-033' }, fromAt, toAt);
  }
  for (const status of Object.keys(before.node)) {
    if (status in after.node) continue;
    out.push(
      specChange('SD-031', {
        location: `${location} response ${status}`,
        pointer: after.pointer,
        fromPointer: pointerTo(before.pointer, status),
        from: status,
      }),
    );
  }
}

/**
 * The operation's security alternatives as comparable strings. An empty list (or an empty requirement) means
 * anonymous access, so requiring authentication where none was needed reads as "anonymous removed".
 */
function securityOf(side: Side): Set<string> {
  const requirements = Array.isArray(side.operation.security) ? side.operation.security : side.document.security;
  const list = Array.isArray(requirements) && requirements.length > 0 ? requirements : [{}];
  return new Set(
    list.map((requirement) => {
      const schemes = Object.entries(asObject(requirement) ?? {}).map(([scheme, scopes]) => {
        const names = Array.isArray(scopes) ? scopes.map(String).sort() : [];
        return names.length ? `${scheme} (${names.join(' ')})` : scheme;
      });
      return schemes.length ? schemes.sort().join(' + ') : 'anonymous';
    }),
  );
}

function diffSecurity(out: SpecChange[], location: string, from: Side, to: Side) {
  const before = securityOf(from);
  const after = securityOf(to);
  const pointer = Array.isArray(to.operation.security)
    ? pointerTo(to.pointer, 'security')
    : Array.isArray(to.document.security)
      ? '/security'
      : to.pointer;
  for (const requirement of after) {
    if (!before.has(requirement))
      out.push(specChange('SD-040', { location: `${location} security`, pointer, to: requirement }));
  }
  for (const requirement of before) {
    if (!after.has(requirement)) {
      out.push(specChange('SD-041', { location: `${location} security`, pointer, from: requirement }));
    }
  }
}

function diffWebhooks(out: SpecChange[], from: OpenApiDocument, to: OpenApiDocument) {
  const before = asObject(from.webhooks) ?? {};
  const after = asObject(to.webhooks) ?? {};
  for (const [name, item] of Object.entries(after)) {
    const pointer = pointerTo('', 'webhooks', name);
    if (!(name in before)) {
      out.push(specChange('SD-050', { location: `webhook ${name}`, pointer, to: name }));
      continue;
    }
    for (const method of methods) {
      const toOperation = asObject(asObject(item)?.[method]);
      const fromOperation = asObject(asObject(before[name])?.[method]);
      if (!toOperation || !fromOperation) continue;
      // The server sends the payload and the receiver reads it: the direction of a response.
      const payload = (side: JsonObject, document: OpenApiDocument, base: string) =>
        dereference(document, { node: side.requestBody, pointer: pointerTo(base, method, 'requestBody') });
      const label = method === 'post' ? `webhook ${name} payload` : `webhook ${name} ${method.toUpperCase()} payload`;
      const diff: ContentDiff = {
        out,
        from,
        to,
        direction: 'response',
        location: label,
        added: 'SD-032',
        removed: 'SD-033',
      };
      diffContent(diff, payload(fromOperation, from, pointer), payload(toOperation, to, pointer));
    }
  }
  for (const name of Object.keys(before)) {
    if (name in after) continue;
    out.push(
      specChange('SD-051', {
        location: `webhook ${name}`,
        pointer: '/webhooks',
        fromPointer: pointerTo('', 'webhooks', name),
        from: name,
      }),
    );
  }
}

function diffComponents(out: SpecChange[], from: OpenApiDocument, to: OpenApiDocument) {
  const before = asObject(from.components?.schemas) ?? {};
  const after = asObject(to.components?.schemas) ?? {};
  for (const name of Object.keys(after)) {
    if (name in before) continue;
    const pointer = pointerTo('', 'components', 'schemas', name);
    out.push(specChange('SD-060', { location: `component schema ${name}`, pointer, to: name }));
  }
  for (const name of Object.keys(before)) {
    if (name in after) continue;
    const fromPointer = pointerTo('', 'components', 'schemas', name);
    out.push(
      specChange('SD-061', {
        location: `component schema ${name}`,
        pointer: '/components/schemas',
        fromPointer,
        from: name,
      }),
    );
  }
  const schemesBefore = asObject(from.components?.securitySchemes) ?? {};
  const schemesAfter = asObject(to.components?.securitySchemes) ?? {};
  for (const [name, scheme] of Object.entries(schemesAfter)) {
    if (!(name in schemesBefore) || JSON.stringify(schemesBefore[name]) === JSON.stringify(scheme)) continue;
    const pointer = pointerTo('', 'components', 'securitySchemes', name);
    out.push(
      specChange('SD-042', {
        location: `security scheme ${name}`,
        pointer,
        fromPointer: pointer,
        from: schemesBefore[name],
        to: scheme,
      }),
    );
  }
}

export interface DiffSummary {
  operations: { from: number; to: number };
  webhooks: { from: number; to: number };
  schemas: { from: number; to: number };
  total: number;
  /** Counts per change kind, only kinds that occur, in ID order. */
  byKind: Partial<Record<ChangeKindId, number>>;
  clients: Record<Classification, number>;
  servers: Record<Classification, number>;
}

export function summarise(changes: SpecChange[], from: OpenApiDocument, to: OpenApiDocument): DiffSummary {
  const count = (document: OpenApiDocument) => ({
    operations: countOperations(document),
    webhooks: Object.keys(asObject(document.webhooks) ?? {}).length,
    schemas: Object.keys(asObject(document.components?.schemas) ?? {}).length,
  });
  const before = count(from);
  const after = count(to);
  const byKind: Partial<Record<ChangeKindId, number>> = {};
  for (const id of Object.keys(changeKinds) as ChangeKindId[]) {
    const n = changes.filter((change) => change.kind === id).length;
    if (n > 0) byKind[id] = n;
  }
  const tally = (pick: (change: SpecChange) => Classification) => {
    const counts: Record<Classification, number> = { breaking: 0, 'non-breaking': 0, review: 0 };
    for (const change of changes) counts[pick(change)]++;
    return counts;
  };
  return {
    operations: { from: before.operations, to: after.operations },
    webhooks: { from: before.webhooks, to: after.webhooks },
    schemas: { from: before.schemas, to: after.schemas },
    total: changes.length,
    byKind,
    clients: tally((change) => change.clients),
    servers: tally((change) => change.servers),
  };
}
