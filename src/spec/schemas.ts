import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { type OpenApiDocument, sourceDocument } from './document.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * Whether `value` passes the spec's `format` as the validator checks it (ajv-formats, full mode); true for a format
 * ajv-formats does not assert. For generators that must produce what the validator accepts.
 */
export function satisfiesFormat(format: string, value: string): boolean {
  const definition: unknown = (fullFormats as Record<string, unknown>)[format];
  const check =
    definition && typeof definition === 'object' && 'validate' in definition ? definition.validate : definition;
  if (check instanceof RegExp) return check.test(value);
  if (typeof check === 'function') return Boolean(check(value));
  return true;
}

const rootId = 'urn:scalekit-conformance:components';

/** Rewrites `#/components/schemas/X` refs so the component schemas can live under one Ajv schema's `$defs`. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] =
      key === '$ref' && typeof child === 'string' && child.startsWith('#/components/schemas/')
        ? `${rootId}#/$defs/${child.slice('#/components/schemas/'.length)}`
        : rewriteRefs(child);
  }
  return out;
}

export interface SchemaViolation {
  /** JSON pointer into the validated value, '' for the root. */
  at: string;
  message: string;
}

/**
 * Validates JSON values against schemas taken from the spec, with OpenAPI 3.1 semantics (JSON Schema 2020-12,
 * `$ref` siblings apply). OAS-only keywords that are annotations (`example`, `x-enum-varnames`) are registered so
 * Ajv's strict mode accepts them instead of failing the whole document.
 */
export class SchemaRegistry {
  readonly #ajv: Ajv2020;
  readonly #document: OpenApiDocument;
  readonly #compiled = new Map<string, ValidateFunction>();
  // Dereferenced schemas are shared objects: found by identity, they skip the serializing of the key.
  readonly #compiledFor = new WeakMap<object, ValidateFunction>();

  constructor(document: OpenApiDocument) {
    // Of a dereferenced tree, its source: the components' refs are what lets Ajv compile each once.
    this.#document = sourceDocument(document);
    // Strict, except for two spec quirks Ajv would refuse to compile: `required` beside a `$ref` with no `type`
    // (the membership request bodies), which JSON Schema allows and the validation below still applies.
    this.#ajv = new Ajv2020({
      strict: true,
      strictTypes: false,
      strictRequired: false,
      allErrors: true,
      validateFormats: true,
    });
    addFormats(this.#ajv);
    this.#ajv.addKeyword({
      keyword: 'example',
      schemaType: ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'],
    });
    this.#ajv.addKeyword('x-enum-varnames');
    this.#ajv.addSchema({ $id: rootId, $defs: rewriteRefs(this.#document.components?.schemas ?? {}) });
  }

  /** The schema of a response body, or undefined when the spec declares none for that status and media type. */
  responseSchema(path: string, method: string, status: number, mediaType = 'application/json'): unknown {
    const operation = this.#document.paths[path]?.[method.toLowerCase()] as
      | { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }
      | undefined;
    return operation?.responses?.[String(status)]?.content?.[mediaType]?.schema;
  }

  /** The payload schema of a top-level webhook (OpenAPI 3.1 `webhooks`), or undefined for a type the spec lacks. */
  webhookSchema(eventType: string, mediaType = 'application/json'): unknown {
    const webhook = this.#document.webhooks?.[eventType] as
      | { post?: { requestBody?: { content?: Record<string, { schema?: unknown }> } } }
      | undefined;
    return webhook?.post?.requestBody?.content?.[mediaType]?.schema;
  }

  /** The spec's component schemas, by name. */
  components(): Record<string, unknown> {
    return (this.#document.components?.schemas ?? {}) as Record<string, unknown>;
  }

  /** The event types the spec declares as webhooks. */
  webhookTypes(): string[] {
    return Object.keys(this.#document.webhooks ?? {});
  }

  /** Whether the spec lists this status (or `default`) among the operation's responses. */
  declaresStatus(path: string, method: string, status: number): boolean {
    const operation = this.#document.paths[path]?.[method.toLowerCase()] as
      | { responses?: Record<string, unknown> }
      | undefined;
    const responses = operation?.responses ?? {};
    return String(status) in responses || 'default' in responses;
  }

  /** Validates `value`; returns the violations (empty when valid). */
  /**
   * Validates `value`; returns the violations (empty when valid). The schema may be one of the spec's (refs intact)
   * or a node of the dereferenced tree (refs replaced; a kept ref into a cycle resolves against the components).
   */
  validate(schema: unknown, value: unknown): SchemaViolation[] {
    const object = typeof schema === 'object' && schema !== null ? schema : undefined;
    let validate = object && this.#compiledFor.get(object);
    if (!validate) {
      const key = JSON.stringify(schema);
      validate = this.#compiled.get(key);
      if (!validate) {
        validate = this.#ajv.compile(rewriteRefs(schema) as object);
        this.#compiled.set(key, validate);
      }
      if (object) this.#compiledFor.set(object, validate);
    }
    return validate(value) ? [] : (validate.errors ?? []).map(toViolation);
  }
}

const registries = new WeakMap<OpenApiDocument, SchemaRegistry>();

/**
 * The one registry of a spec in this process (a document and its dereferenced tree share it): Ajv compiles the
 * components once and each schema once, whoever validates.
 */
export function schemaRegistryFor(document: OpenApiDocument): SchemaRegistry {
  const source = sourceDocument(document);
  let registry = registries.get(source);
  if (!registry) {
    registry = new SchemaRegistry(source);
    registries.set(source, registry);
  }
  return registry;
}

function toViolation(error: ErrorObject): SchemaViolation {
  const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
  const suffix = allowed ? ` (${allowed.map((v) => JSON.stringify(v)).join(', ')})` : '';
  return { at: error.instancePath, message: `${error.message ?? error.keyword}${suffix}` };
}
