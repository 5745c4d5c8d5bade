import type { DereferencedDocument } from '../spec/document.js';

// The spec's operations as data the contract checks walk: method, path, parameters, body and declared responses.
// Read from the dereferenced spec at run time, so a new operation is covered the day it appears.

export const httpMethods = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type HttpMethod = (typeof httpMethods)[number];

export interface ParameterInfo {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: unknown;
  description?: string;
}

export interface OperationInfo {
  method: HttpMethod;
  path: string;
  /** `GET /api/v1/organizations`: how reports name the operation. */
  key: string;
  operationId: string;
  parameters: ParameterInfo[];
  body?: { required: boolean; schema: unknown };
  /** The response keys the spec declares: statuses as strings, and `default` if present. */
  declared: string[];
  /** Declared media types and header names per status key, and the JSON body's schema if one is declared. */
  responses: Record<string, { mediaTypes: string[]; headers: string[]; schema?: unknown }>;
}

type Raw = Record<string, unknown>;

const asRaw = (value: unknown): Raw => (value ?? {}) as Raw;
const jsonSchemaOf = (content: unknown): unknown => (asRaw(content)['application/json'] as Raw | undefined)?.schema;

export function operationsOf(document: DereferencedDocument): OperationInfo[] {
  const operations: OperationInfo[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    const shared = ((item as Raw).parameters ?? []) as unknown[];
    for (const method of httpMethods) {
      const raw = (item as Raw)[method] as Raw | undefined;
      if (!raw) continue;
      const parameters = [...shared, ...((raw.parameters ?? []) as unknown[])].map((p) => {
        const param = asRaw(p);
        return {
          name: String(param.name),
          in: param.in as ParameterInfo['in'],
          required: param.required === true || param.in === 'path',
          schema: param.schema ?? {},
          ...(typeof param.description === 'string' ? { description: param.description } : {}),
        };
      });
      const body = raw.requestBody === undefined ? undefined : asRaw(raw.requestBody);
      const bodySchema = jsonSchemaOf(body?.content);
      const responses: OperationInfo['responses'] = {};
      for (const [status, response] of Object.entries(asRaw(raw.responses))) {
        const { content, headers } = asRaw(response);
        const schema = jsonSchemaOf(content);
        responses[status] = {
          mediaTypes: Object.keys(asRaw(content)),
          headers: Object.keys(asRaw(headers)),
          ...(schema === undefined ? {} : { schema }),
        };
      }
      operations.push({
        method,
        path,
        key: `${method.toUpperCase()} ${path}`,
        operationId: String(raw.operationId ?? `${method} ${path}`),
        parameters,
        ...(bodySchema === undefined ? {} : { body: { required: body?.required === true, schema: bodySchema } }),
        declared: Object.keys(responses),
        responses,
      });
    }
  }
  return operations;
}

/** The operation a request was for, by method and URL path; undefined for a path outside the spec. */
export function operationFor(
  operations: readonly OperationInfo[],
  method: string,
  url: string,
): OperationInfo | undefined {
  const path = new URL(url).pathname;
  return operations.find((op) => op.method === method.toLowerCase() && templateMatcher(op.path).test(path));
}

const matchers = new Map<string, RegExp>();
/** A path template as a regular expression; colon segments (`users:search`) stay literal (OAS-007). */
function templateMatcher(template: string): RegExp {
  let matcher = matchers.get(template);
  if (!matcher) {
    const pattern = template
      .split(/(\{[^}]+\})/)
      .map((part) => (/^\{[^}]+\}$/.test(part) ? '[^/:]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    matcher = new RegExp(`^${pattern}/?$`);
    matchers.set(template, matcher);
  }
  return matcher;
}

/**
 * The page sizes a list documents (OAS-003): from the schema's minimum/maximum when it has them, else from the
 * description ("Must be between 10 and 100", "Valid range: 1-100", "Maximum value is 30", "(max 30)"). The
 * smallest is at least 1: a 0 reads as "the default", not as a page size. Undefined when nothing is documented.
 */
export function pageSizeBounds(parameter: {
  schema: unknown;
  description?: string;
}): { min: number; max: number } | undefined {
  const schema = (parameter.schema ?? {}) as { minimum?: number; maximum?: number };
  const text = parameter.description ?? '';
  const range = /between (\d+) and (\d+)/i.exec(text) ?? /range:?\s*(\d+)\s*[-–]\s*(\d+)/i.exec(text);
  const maxOnly = /\bmax(?:imum)?(?: value)?(?: is)?:?\s*(\d+)/i.exec(text);
  const max = schema.maximum ?? (range ? Number(range[2]) : maxOnly ? Number(maxOnly[1]) : undefined);
  if (max === undefined) return undefined;
  const min = Math.max(1, schema.minimum ?? (range ? Number(range[1]) : 1));
  return min <= max ? { min, max } : undefined;
}
