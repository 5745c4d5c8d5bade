import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
