import { type DereferencedDocument, dereferenceDocument } from '../../src/spec/document.js';

// What the generation tests share: the spec they read, the seed their properties run with, and a minimal document
// around hand-written component schemas.

const fromEnvironment = process.env.SCALEKIT_OPENAPI;
if (!fromEnvironment) throw new Error('set SCALEKIT_OPENAPI to the spec file before running these tests');
export const specPath: string = fromEnvironment;

export const seed = 20260521;

/** A document holding only these component schemas, for a case written by hand; dereferenced, as generators take it. */
export const small = (schemas: Record<string, unknown> = {}): Promise<DereferencedDocument> =>
  dereferenceDocument({ openapi: '3.1.0', paths: {}, components: { schemas } });
