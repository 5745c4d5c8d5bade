import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { $RefParser, type $Refs, type JSONSchema } from '@apidevtools/json-schema-ref-parser';
import { parse as parseYaml } from 'yaml';

/** The parts of an OpenAPI 3.1 document the harness reads; everything else stays `unknown`. */
export interface OpenApiDocument {
  openapi: string;
  info?: { title?: string; version?: string };
  paths: Record<string, Record<string, unknown>>;
  webhooks?: Record<string, unknown>;
  components?: { schemas?: Record<string, unknown>; [key: string]: unknown };
  [key: string]: unknown;
}

export function sha256(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Parses JSON or YAML text into an OpenAPI 3.x document, or throws an Error whose message says what is wrong
 * (callers turn it into a one-line user error).
 */
export function parseOpenApi(text: string, origin: string): OpenApiDocument {
  let value: unknown;
  const trimmed = text.trimStart();
  try {
    value = trimmed.startsWith('{') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: -1 });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`${origin} is neither valid JSON nor valid YAML (${reason})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${origin} is not an OpenAPI document (its top level is not an object)`);
  }
  const doc = value as Partial<OpenApiDocument>;
  if (typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.')) {
    throw new Error(`${origin} is not an OpenAPI 3 document (no "openapi: 3.x" field)`);
  }
  if (!doc.paths || typeof doc.paths !== 'object') {
    throw new Error(`${origin} has no "paths" object`);
  }
  return doc as OpenApiDocument;
}

const parsedByPath = new Map<string, { document: OpenApiDocument; sha256: string }>();

/** Reads and parses a spec file once per process (workers load the file the CLI resolved). */
export function readSpecFile(path: string): { document: OpenApiDocument; sha256: string } {
  const cached = parsedByPath.get(path);
  if (cached) return cached;
  const bytes = readFileSync(path);
  const entry = { document: parseOpenApi(bytes.toString('utf8'), path), sha256: sha256(bytes) };
  parsedByPath.set(path, entry);
  return entry;
}

declare const dereferencedBrand: unique symbol;

/**
 * The document with its `$ref`s replaced by the objects they name, by json-schema-ref-parser: the one tree the
 * walkers read (operations, links, samples, generators, server drift). A `$ref` with keywords beside it becomes one
 * object with both, the keywords beside it winning. Nodes are shared by every place that named the same component,
 * so the tree is read-only. A ref that leads into a cycle stays a `$ref` (`circular: 'ignore'`): the tree stays
 * finite, so it serializes, Ajv compiles it and a walk ends; `resolveRef` follows such a ref (keywords beside one
 * may be lost: the ref-parser reuses the first such ref it kept; no published spec has a cycle). The parsed
 * document, refs intact, is what Ajv (schemas.ts) and the spec-vs-spec diff read.
 */
export type DereferencedDocument = OpenApiDocument & { readonly [dereferencedBrand]: true };

const dereferencedFrom = new WeakMap<object, { source: OpenApiDocument; refs: $Refs<JSONSchema> }>();
const dereferencing = new WeakMap<OpenApiDocument, Promise<DereferencedDocument>>();

/** Dereferences a parsed document once: the same promise for the same document object. */
export function dereferenceDocument(document: OpenApiDocument): Promise<DereferencedDocument> {
  let pending = dereferencing.get(document);
  if (!pending) {
    pending = (async () => {
      const parser = new $RefParser();
      const tree = await parser.dereference(document as JSONSchema, {
        // Local refs only: a spec never makes the suite read a file or fetch a URL.
        resolve: { external: false },
        dereference: { circular: 'ignore' },
        // The parsed document stays as it was: Ajv and the diff want its refs.
        mutateInputSchema: false,
      });
      dereferencedFrom.set(tree, { source: document, refs: parser.$refs });
      return tree as DereferencedDocument;
    })();
    dereferencing.set(document, pending);
  }
  return pending;
}

/** The spec file at `path`, read and dereferenced once per process. */
export function dereferencedSpec(path: string): Promise<DereferencedDocument> {
  return dereferenceDocument(readSpecFile(path).document);
}

/** The parsed document (refs intact) a dereferenced one was made from; any other document is its own. */
export function sourceDocument(document: OpenApiDocument): OpenApiDocument {
  return dereferencedFrom.get(document)?.source ?? document;
}

/**
 * What a local ref (`#/components/schemas/X`) names, dereferenced: for the refs the tree keeps (into a cycle) and
 * those of a hand-made schema. A chain of bare refs is followed (at most 32, so one that names itself ends).
 */
export function resolveRef(document: DereferencedDocument, ref: string): unknown {
  const entry = dereferencedFrom.get(document);
  if (!entry) throw new Error('resolveRef: the document was not made by dereferenceDocument');
  let target = entry.refs.get(ref);
  for (let hops = 0; isBareRef(target); hops += 1) {
    if (hops === 32) throw new Error(`resolveRef: ${ref} names only further $refs`);
    target = entry.refs.get(target.$ref);
  }
  return target;
}

const isBareRef = (value: unknown): value is { $ref: string } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { $ref?: unknown }).$ref === 'string' &&
  Object.keys(value).length === 1;
