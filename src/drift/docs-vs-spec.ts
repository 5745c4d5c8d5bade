import { rules } from '../rules/catalogue.js';
import { contradictions } from '../rules/findings.js';
import type { SourceRef } from '../rules/types.js';
import type { OpenApiDocument } from '../spec/document.js';
import {
  type Acknowledgement,
  acknowledgementCodes,
  documentedErrorStatuses,
  type Fact,
  fieldDefaults,
  fieldLimits,
  identifierKey,
  type Limit,
  limitIn,
  looselyMatches,
  type OperationRef,
  preferredCode,
  type RetrySchedule,
  retrySchedules,
  type SignatureRecipe,
  signatureRecipes,
  statusLabelSets,
  webhookEventNames,
  webhookPayloadSamples,
} from './docs-facts.js';
import { type DocsPage, headingKey, headingsUnder, sourceLabel, type Where } from './docs-parse.js';
import { asObject, dereference, nodeAt, pointerTo } from './schema-diff.js';

// Docs against spec: the facts docs-facts.ts finds, compared with what the spec states and with each other, as
// findings that name every source on each side. Where to look in the spec comes from the contradictions' own spec
// pointers in src/rules/findings.ts, so the catalogue stays the one record of where a fact lives. The same facts
// decide staleness: a catalogue source whose page, heading or fact is gone is reported `stale`.

export type DocsFindingKind = 'docs-vs-spec' | 'docs-vs-docs' | 'stale';

export interface DocsFindingSide {
  /** `docs <page> § <heading>`, `seed <document> § <heading>` or `spec <pointer>`. */
  source: string;
  claim: string;
}

export interface DocsFinding {
  /** A contradiction (`C-01`) or, for a stale source, the rule or contradiction citing it. */
  id: string;
  kind: DocsFindingKind;
  summary: string;
  sides: DocsFindingSide[];
  /** The catalogue rules the contradiction bears on. */
  rules?: readonly string[];
}

/** The contradictions this module checks against the docs, each with the fact its extractor finds. */
export const checkedFacts: Readonly<Record<string, string>> = {
  'C-01': 'status labels naming the auth-log status enum',
  'C-03': 'webhook retry schedule',
  'C-05': 'webhook acknowledgement code',
  'C-07': 'webhook signature header in code',
  'C-08': 'webhook signature recipe in code',
  'C-11': 'webhook event name',
  'C-12': 'webhook payload sample',
  'C-14': 'expires_in default',
  'C-16': 'template_variables limit',
  'C-18': 'error status for a passwordless operation',
};
export const checkedContradictions = Object.keys(checkedFacts);

// --- What the spec says, found through the contradictions' spec pointers ------------------------------------------

interface SpecFacts {
  statusEnums: { pointer: string; values: string[] }[];
  webhookTypes: string[];
  /** Response codes declared by every webhook (the receiver's acknowledgement). */
  webhookCodes: number[];
  operations: (OperationRef & { pointer: string; declared: string[] })[];
  expiresIn?: { pointer: string; field: string; value?: number };
  variableLimit?: { pointer: string; field: string; limit?: Limit };
}

const byId = new Map(contradictions.map((entry) => [entry.id, entry]));
const sourcesOf = (id: string): SourceRef[] => byId.get(id)?.sides.flatMap((side) => side.sources) ?? [];
const specPointers = (id: string) =>
  sourcesOf(id).flatMap((source) => (source.kind === 'spec' ? [source.pointer] : []));
const lastSegment = (pointer: string) => (pointer.split('/').at(-1) ?? '').replaceAll('~1', '/').replaceAll('~0', '~');
const unique = <T>(values: Iterable<T>): T[] => [...new Set(values)];

function readSpecFacts(spec: OpenApiDocument): SpecFacts {
  const statusEnums = specPointers('C-01').flatMap((pointer) => {
    const values = nodeAt(spec, pointer);
    return Array.isArray(values) ? [{ pointer, values: values.map(String) }] : [];
  });
  const webhooks = asObject(spec.webhooks) ?? {};
  const codes = Object.values(webhooks).map((item) =>
    Object.keys(asObject(asObject(asObject(item)?.post)?.responses) ?? {}).map(Number),
  );
  const webhookCodes = unique(codes.flat()).filter((code) => codes.every((declared) => declared.includes(code)));
  const operations = specPointers('C-18')
    .filter((pointer) => pointer.endsWith('/responses'))
    .flatMap((pointer) => {
      const at = pointer.slice(0, -'/responses'.length);
      const operation = asObject(nodeAt(spec, at));
      const [, , rawPath, method] = at.split('/');
      if (!operation || !rawPath || !method) return [];
      const path = rawPath.replaceAll('~1', '/').replaceAll('~0', '~');
      const methodName =
        String(operation.operationId ?? '')
          .split('_')
          .at(-1) ?? '';
      return [
        {
          key: `${method.toUpperCase()} ${path}`,
          pathTail: path.replace(/^\/api\/v\d+/, ''),
          methodKeys: methodName ? [identifierKey(methodName)] : [],
          pointer,
          declared: Object.keys(asObject(operation.responses) ?? {}),
        },
      ];
    });
  const facts: SpecFacts = { statusEnums, webhookTypes: Object.keys(webhooks).sort(), webhookCodes, operations };
  const property = specPointers('C-14').find((pointer) => /\/properties\/[^/]+$/.test(pointer));
  if (property) {
    const schema = asObject(nodeAt(spec, property));
    const stated = typeof schema?.default === 'number' ? schema.default : undefined;
    const described = /\bdefaults? (?:to|is)\s*(\d+)/i.exec(String(schema?.description ?? ''))?.[1];
    const value = stated ?? (described === undefined ? undefined : Number(described));
    facts.expiresIn = { pointer: property, field: lastSegment(property), ...(value === undefined ? {} : { value }) };
  }
  const description = specPointers('C-16').find((pointer) => pointer.endsWith('/description'));
  if (description) {
    const limit = limitIn(String(nodeAt(spec, description) ?? ''));
    const field = lastSegment(description.slice(0, -'/description'.length));
    facts.variableLimit = { pointer: description, field, ...(limit ? { limit } : {}) };
  }
  return facts;
}

// --- The facts, located -----------------------------------------------------------------------------------------

interface DocsFacts {
  statusLabels: Fact<string[]>[];
  retries: Fact<RetrySchedule>[];
  acknowledgements: Fact<Acknowledgement>[];
  signatures: Fact<SignatureRecipe>[];
  events: Fact<string[]>[];
  payloads: ReturnType<typeof webhookPayloadSamples>;
  expiresDefaults: Fact<number>[];
  variableLimits: Fact<Limit>[];
  errorStatuses: ReturnType<typeof documentedErrorStatuses>;
}

function readDocsFacts(pages: readonly DocsPage[], spec: SpecFacts): DocsFacts {
  return {
    statusLabels: statusLabelSets(pages, unique(spec.statusEnums.flatMap((entry) => entry.values))),
    retries: retrySchedules(pages),
    acknowledgements: acknowledgementCodes(pages),
    signatures: signatureRecipes(pages),
    events: webhookEventNames(pages),
    payloads: webhookPayloadSamples(pages),
    expiresDefaults: spec.expiresIn ? fieldDefaults(pages, spec.expiresIn.field) : [],
    variableLimits: spec.variableLimit ? fieldLimits(pages, spec.variableLimit.field) : [],
    errorStatuses: documentedErrorStatuses(pages, spec.operations),
  };
}

/** Where each checked contradiction's fact was found, for the staleness check. */
function locations(facts: DocsFacts): Map<string, Where[]> {
  return new Map<string, Where[]>([
    ['C-01', facts.statusLabels],
    ['C-03', facts.retries],
    ['C-05', facts.acknowledgements],
    ['C-07', facts.signatures.filter((fact) => fact.value.headers.some((name) => name.endsWith('signature')))],
    ['C-08', facts.signatures],
    ['C-11', facts.events],
    ['C-12', facts.payloads],
    ['C-14', facts.expiresDefaults],
    ['C-16', facts.variableLimits],
    ['C-18', facts.errorStatuses],
  ]);
}

// --- Comparisons ------------------------------------------------------------------------------------------------

const docsSide = (where: Where, claim: string): DocsFindingSide => ({ source: sourceLabel(where), claim });
const specSide = (pointer: string, claim: string): DocsFindingSide => ({ source: `spec ${pointer}`, claim });

function finding(id: string, kind: DocsFindingKind, summary: string, sides: DocsFindingSide[]): DocsFinding {
  const byKey = new Map(sides.map((side) => [`${side.source}\u0000${side.claim}`, side]));
  const distinct = [...byKey.values()];
  distinct.sort((a, b) => a.source.localeCompare(b.source) || a.claim.localeCompare(b.claim));
  return { id, kind, summary, sides: distinct, rules: byId.get(id)?.rules ?? [] };
}

function compareStatusLabels(facts: DocsFacts, spec: SpecFacts): DocsFinding[] {
  const values = unique(spec.statusEnums.flatMap((entry) => entry.values));
  const folded = (list: readonly string[]) => new Set(list.map((entry) => entry.toLowerCase()));
  const differs = (labels: string[]) => {
    const docs = folded(labels);
    const enumValues = folded(values);
    return docs.size !== enumValues.size || [...docs].some((label) => !enumValues.has(label));
  };
  const disagreeing = facts.statusLabels.filter((fact) => differs(fact.value));
  if (!disagreeing.length) return [];
  const renamed = unique(
    disagreeing.flatMap((fact) =>
      fact.value
        .filter((label) => !folded(values).has(label.toLowerCase()))
        .map((label) => `${label} (spec: ${values.find((value) => looselyMatches(label, value)) ?? 'none'})`),
    ),
  );
  const missing = values.filter((value) =>
    disagreeing.some((fact) => !fact.value.some((label) => looselyMatches(label, value))),
  );
  const summary =
    `Docs status labels differ from the spec enum: ${renamed.join(', ') || 'none renamed'}` +
    (missing.length ? `; not labelled: ${missing.join(', ')}` : '');
  return [
    finding('C-01', 'docs-vs-spec', summary, [
      ...disagreeing.map((fact) => docsSide(fact, `labels ${fact.value.join(', ')}`)),
      ...spec.statusEnums.map((entry) => specSide(entry.pointer, `enum ${entry.values.join(', ')}`)),
    ]),
  ];
}

export function formatDelay(seconds: number): string {
  if (seconds === 0) return 'immediately';
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function describeSchedule(schedule: RetrySchedule): string {
  const parts = schedule.delays.length ? [schedule.delays.map(formatDelay).join(', ')] : [];
  if (schedule.attempts !== undefined) parts.push(`${schedule.attempts} attempts`);
  if (schedule.retries !== undefined) parts.push(`up to ${schedule.retries} retries`);
  return parts.join('; ');
}

/**
 * Two statements of a schedule agree when their delays are equal, or when one gives only a count that fits the
 * other's delays: a list of N delays is N attempts, or N retries when it starts with an immediate retry.
 */
export function schedulesAgree(a: RetrySchedule, b: RetrySchedule): boolean {
  if (a.delays.length && b.delays.length) return a.delays.join() === b.delays.join();
  const attempts = (schedule: RetrySchedule) =>
    schedule.attempts ?? (schedule.retries === undefined ? undefined : schedule.retries + 1);
  const [listed, counted] = a.delays.length ? [a, b] : [b, a];
  if (!listed.delays.length)
    return attempts(a) === undefined || attempts(b) === undefined || attempts(a) === attempts(b);
  const count = attempts(counted);
  const n = listed.delays.length;
  const ownCount = attempts(listed);
  return count === undefined || count === n || count === n + 1 || (ownCount !== undefined && count === ownCount);
}

function compareRetrySchedules(facts: DocsFacts): DocsFinding[] {
  const schedules = facts.retries;
  const agree = schedules.every((a) => schedules.every((b) => schedulesAgree(a.value, b.value)));
  if (agree) return [];
  return [
    finding(
      'C-03',
      'docs-vs-docs',
      `The docs state the webhook retry schedule in ${schedules.length} places that do not all agree`,
      schedules.map((fact) => docsSide(fact, describeSchedule(fact.value))),
    ),
  ];
}

function describeAcknowledgement(ack: Acknowledgement): string {
  const codes = ack.codes.map((code) => (code === ack.recommended ? `${code} (recommended)` : String(code)));
  if (ack.anySuccess) return codes.length ? `any 2xx (names ${codes.join(', ')})` : 'any 2xx';
  return codes.length === 1 ? `answer ${codes[0]}` : `answer one of ${codes.join(', ')}`;
}

function compareAcknowledgements(facts: DocsFacts, spec: SpecFacts): DocsFinding[] {
  const preferred = unique(facts.acknowledgements.flatMap((fact) => preferredCode(fact.value) ?? [])).sort(
    (a, b) => a - b,
  );
  const undeclared = preferred.filter((code) => !spec.webhookCodes.includes(code));
  if (preferred.length < 2 && !undeclared.length) return [];
  const kind = preferred.length >= 2 ? 'docs-vs-docs' : 'docs-vs-spec';
  const summary =
    `Webhook receivers are told to acknowledge with ${preferred.join(' or ')} in different places; ` +
    `the spec declares ${spec.webhookCodes.join(', ') || 'no common code'} for every webhook`;
  return [
    finding('C-05', kind, summary, [
      ...facts.acknowledgements.map((fact) => docsSide(fact, describeAcknowledgement(fact.value))),
      specSide(
        '/webhooks',
        `all ${spec.webhookTypes.length} webhooks declare ${spec.webhookCodes.join(', ')} as the receiver's response`,
      ),
    ]),
  ];
}

function compareSignatures(facts: DocsFacts): DocsFinding[] {
  const out: DocsFinding[] = [];
  const withHeader = facts.signatures.filter((fact) => fact.value.headers.some((name) => name.endsWith('signature')));
  const headerNames = unique(
    withHeader.flatMap((fact) => fact.value.headers.filter((name) => name.endsWith('signature'))),
  );
  if (headerNames.length > 1) {
    out.push(
      finding(
        'C-07',
        'docs-vs-docs',
        `Code samples read the webhook signature from different headers: ${headerNames.sort().join(', ')}`,
        withHeader.map((fact) => docsSide(fact, `headers ${fact.value.headers.join(', ')}`)),
      ),
    );
  }
  const timestamped = (recipe: SignatureRecipe) => recipe.timestampedFormat || recipe.digest === 'hex';
  const standard = (recipe: SignatureRecipe) =>
    !timestamped(recipe) && ['webhook-id', 'webhook-timestamp'].every((name) => recipe.headers.includes(name));
  const manual = facts.signatures.filter((fact) => timestamped(fact.value));
  const sdk = facts.signatures.filter((fact) => standard(fact.value));
  if (manual.length && sdk.length) {
    const describe = (recipe: SignatureRecipe) =>
      timestamped(recipe)
        ? `HMAC-SHA256${recipe.timestampedFormat ? ', header value t=<timestamp>,v1=<signature>' : ''}` +
          `${recipe.digest ? `, ${recipe.digest} digest` : ''}${recipe.headers.length ? ` (headers ${recipe.headers.join(', ')})` : ''}`
        : `Standard Webhooks headers ${recipe.headers.join(', ')} (signature value v1,<base64>)`;
    out.push(
      finding(
        'C-08',
        'docs-vs-docs',
        'The docs give two signature recipes: a t=…,v1=… hex HMAC and the Standard Webhooks headers the SDK verifies',
        [...manual, ...sdk].map((fact) => docsSide(fact, describe(fact.value))),
      ),
    );
  }
  return out;
}

function compareEventNames(facts: DocsFacts, spec: SpecFacts): DocsFinding[] {
  const known = new Set(spec.webhookTypes);
  const mentioned = new Set(facts.events.flatMap((fact) => fact.value));
  const sides: DocsFindingSide[] = [];
  const unknownNames = new Set<string>();
  for (const fact of facts.events) {
    const unknown = fact.value.filter((name) => !known.has(name));
    for (const name of unknown) unknownNames.add(name);
    // A list that already names events the spec lacks is taken as the docs' event catalogue: name what it misses
    // among siblings of the same shape as two or more it lists (organization.created, .updated → .deleted).
    const shape = (name: string) => `${name.slice(0, name.lastIndexOf('.'))} ${name.split('_').length}`;
    const listed = fact.value.filter((name) => known.has(name)).map(shape);
    const omitted = unknown.length
      ? spec.webhookTypes.filter(
          (type) => !mentioned.has(type) && listed.filter((entry) => entry === shape(type)).length >= 2,
        )
      : [];
    if (!unknown.length && !omitted.length) continue;
    const claims = [
      unknown.length ? `names ${unknown.join(', ')}` : '',
      omitted.length ? `omits ${omitted.join(', ')}` : '',
    ];
    sides.push(docsSide(fact, claims.filter(Boolean).join('; ')));
  }
  if (!sides.length) return [];
  const nearest = spec.webhookTypes.filter((type) =>
    [...unknownNames].some((name) => name.split('.')[0] === type.split('.')[0]),
  );
  const specClaim =
    `${spec.webhookTypes.length} event types, none of ${[...unknownNames].sort().join(', ') || 'the omitted ones listed'}` +
    (nearest.length ? `; nearest: ${nearest.join(', ')}` : '');
  return [
    finding('C-11', 'docs-vs-spec', `The docs name ${unknownNames.size} webhook event types the spec does not define`, [
      ...sides,
      specSide('/webhooks', specClaim),
    ]),
  ];
}

interface SchemaAt {
  pointer: string;
  properties: string[];
  required: string[];
}

function schemaAt(spec: OpenApiDocument, node: unknown, pointer: string): SchemaAt {
  const at = dereference(spec, { node, pointer });
  const schema = asObject(at.node) ?? {};
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  return { pointer: at.pointer, properties: Object.keys(asObject(schema.properties) ?? {}), required };
}

/** Samples with fewer keys are sketches (`data: { ... }`), not full payloads; their missing fields say nothing. */
const sketchSize = 3;

function comparePayloads(facts: DocsFacts, document: OpenApiDocument): DocsFinding[] {
  const sides: DocsFindingSide[] = [];
  for (const fact of facts.payloads) {
    const base = pointerTo('', 'webhooks', fact.value.type, 'post', 'requestBody', 'content', 'application/json');
    const body = asObject(nodeAt(document, base));
    if (!body) continue;
    const event = schemaAt(document, body.schema, `${base}/schema`);
    const eventSchema = asObject(dereference(document, { node: body.schema, pointer: base }).node);
    const data = schemaAt(document, asObject(eventSchema?.properties)?.data, `${event.pointer}/properties/data`);
    const problems = (keys: string[], schema: SchemaAt, prefix: string) => {
      const unknown = keys.filter((key) => !schema.properties.includes(key)).map((key) => `${prefix}${key}`);
      const missing =
        keys.length >= sketchSize
          ? schema.required.filter((key) => !keys.includes(key)).map((key) => `${prefix}${key}`)
          : [];
      return { unknown, missing, schema };
    };
    for (const { unknown, missing, schema } of [
      problems(fact.value.keys, event, ''),
      problems(fact.value.dataKeys, data, 'data.'),
    ]) {
      if (!unknown.length && !missing.length) continue;
      const claims = [
        unknown.length ? `sample for ${fact.value.type} has ${unknown.join(', ')}` : `sample for ${fact.value.type}`,
        missing.length ? `lacks required ${missing.join(', ')}` : '',
      ];
      sides.push(docsSide(fact, claims.filter(Boolean).join('; ')));
      const absent = unknown.map((key) => key.replace(/^data\./, ''));
      sides.push(
        specSide(
          schema.pointer,
          `required ${schema.required.join(', ') || 'nothing'}${absent.length ? `; no property ${absent.join(', ')}` : ''}`,
        ),
      );
    }
  }
  if (!sides.length) return [];
  return [finding('C-12', 'docs-vs-spec', 'Webhook payload samples in the docs do not fit the spec schemas', sides)];
}

function compareDefaults(facts: DocsFacts, spec: SpecFacts): DocsFinding[] {
  const expected = spec.expiresIn;
  if (expected?.value === undefined) return [];
  const differing = facts.expiresDefaults.filter((fact) => fact.value !== expected.value);
  if (!differing.length) return [];
  const values = unique(differing.map((fact) => fact.value)).join(', ');
  return [
    finding(
      'C-14',
      'docs-vs-spec',
      `The docs give ${values} as the ${expected.field} default; the spec says ${expected.value}`,
      [
        ...facts.expiresDefaults.map((fact) => docsSide(fact, `${expected.field} default ${fact.value}`)),
        specSide(expected.pointer, `${expected.field} defaults to ${expected.value}`),
      ],
    ),
  ];
}

function compareLimits(facts: DocsFacts, spec: SpecFacts): DocsFinding[] {
  const expected = spec.variableLimit;
  if (!expected?.limit) return [];
  const { count, unit } = expected.limit;
  const differing = facts.variableLimits.filter((fact) => fact.value.count !== count || fact.value.unit !== unit);
  if (!differing.length) return [];
  const describe = (limit: Limit) => `at most ${limit.count} ${limit.unit}s`;
  return [
    finding(
      'C-16',
      'docs-vs-spec',
      `The ${expected.field} limit is stated as ${unique(differing.map((fact) => describe(fact.value))).join(', ')}; ` +
        `the spec says ${describe(expected.limit)}`,
      [
        ...facts.variableLimits.map((fact) => docsSide(fact, describe(fact.value))),
        specSide(expected.pointer, describe(expected.limit)),
      ],
    ),
  ];
}

function compareErrorStatuses(facts: DocsFacts, spec: SpecFacts): DocsFinding[] {
  const undeclared = facts.errorStatuses.filter((fact) => {
    const operation = spec.operations.find((entry) => entry.key === fact.value.operation);
    return operation && !operation.declared.includes(String(fact.value.status));
  });
  if (!undeclared.length) return [];
  const operations = spec.operations.filter((operation) =>
    undeclared.some((fact) => fact.value.operation === operation.key),
  );
  const statuses = unique(undeclared.map((fact) => fact.value.status)).sort((a, b) => a - b);
  return [
    finding(
      'C-18',
      'docs-vs-spec',
      `The docs promise ${statuses.join(', ')} for ${operations.map((operation) => operation.key).join(', ')}, ` +
        'which the spec does not declare',
      [
        ...undeclared.map((fact) => docsSide(fact, `${fact.value.operation} answers ${fact.value.status}`)),
        ...operations.map((operation) => specSide(operation.pointer, `declares ${operation.declared.join(', ')} only`)),
      ],
    ),
  ];
}

// --- Staleness --------------------------------------------------------------------------------------------------

interface Citation {
  id: string;
  source: SourceRef;
  /** The contradictions whose extractor checks the fact at this source. */
  checkedBy: string[];
}

const sameSource = (a: SourceRef, b: SourceRef) => sourceKey(a) !== undefined && sourceKey(a) === sourceKey(b);

function sourceKey(source: SourceRef): string | undefined {
  const section = 'section' in source && source.section ? headingKey(source.section) : '';
  if (source.kind === 'docs') return `docs ${source.page} ${section}`;
  if (source.kind === 'seed') return `seed ${headingKey(source.document)} ${section}`;
  if (source.kind === 'repo') return `docs ${source.path.replace(/\.mdx?$/, '')} ${section}`;
  return undefined;
}

/** Every source the catalogue cites, each with the fact checks of the contradictions citing the same place. */
function citations(): Citation[] {
  const checked = new Set(checkedContradictions);
  const out: Citation[] = [];
  for (const entry of contradictions) {
    for (const source of entry.sides.flatMap((side) => side.sources)) {
      out.push({ id: entry.id, source, checkedBy: checked.has(entry.id) ? [entry.id] : [] });
    }
  }
  // A rule may rely on any fact at a place, so its source goes stale only when none of the checked facts is left.
  for (const rule of rules) {
    for (const source of rule.sources) {
      const checkedBy = checkedContradictions.filter((id) => sourcesOf(id).some((cited) => sameSource(cited, source)));
      out.push({ id: rule.id, source, checkedBy });
    }
  }
  return out;
}

interface Resolved {
  label: string;
  /** Why the source is stale, or undefined when it still holds (or cannot be checked against this folder). */
  problem?: string;
  checked: boolean;
}

function closestHeading(page: DocsPage, heading: string): string | undefined {
  const words = new Set(headingKey(heading).split(' '));
  let best: { heading: string; score: number } | undefined;
  for (const section of page.sections) {
    const score = headingKey(section.heading)
      .split(' ')
      .filter((word) => words.has(word)).length;
    if (score > 0 && (!best || score > best.score)) best = { heading: section.heading, score };
  }
  return best?.heading;
}

const describeFact = (id: string) => `${checkedFacts[id] ?? 'fact'} (${id})`;

function resolveCitation(
  citation: Citation,
  pages: readonly DocsPage[],
  spec: OpenApiDocument,
  found: Map<string, Where[]>,
): Resolved {
  const { source } = citation;
  if (source.kind === 'spec') {
    const label = `spec ${source.pointer}`;
    return nodeAt(spec, source.pointer) === undefined
      ? { label, problem: 'the pointer no longer resolves in the spec', checked: true }
      : { label, checked: true };
  }
  if (source.kind === 'sdk' || source.kind === 'derived') return { label: '', checked: false };
  const origin = source.kind === 'seed' ? 'seed' : 'docs';
  const name =
    source.kind === 'docs'
      ? source.page
      : source.kind === 'seed'
        ? source.document
        : source.path.replace(/\.mdx?$/, '');
  const section = source.section;
  const label = sourceLabel({ origin, page: name, heading: section ?? '' });
  const page = pages.find(
    (entry) =>
      entry.origin === origin &&
      (origin === 'seed' ? headingKey(entry.page) === headingKey(name) : entry.page === name),
  );
  // Repo pages are checked only when the folder holds them; docs and seed pages whenever it holds pages of that kind.
  if (!page) {
    const checkable = source.kind !== 'repo' && pages.some((entry) => entry.origin === origin);
    return checkable
      ? { label, problem: 'the page is not in the docs folder', checked: true }
      : { label, checked: false };
  }
  const headings = section === undefined ? undefined : headingsUnder(page, section);
  if (section !== undefined && !headings) {
    const closest = closestHeading(page, section);
    return {
      label,
      problem: `the heading is gone from the page${closest ? ` (closest: "${closest}")` : ''}`,
      checked: true,
    };
  }
  if (!citation.checkedBy.length) return { label, checked: true };
  const here = (where: Where) =>
    where.origin === origin && where.page === page.page && (!headings || headings.has(where.heading));
  const stillThere = citation.checkedBy.some((id) => (found.get(id) ?? []).some(here));
  return stillThere
    ? { label, checked: true }
    : { label, problem: `it states no ${citation.checkedBy.map(describeFact).join(' nor ')}`, checked: true };
}

function staleFindings(
  pages: readonly DocsPage[],
  spec: OpenApiDocument,
  found: Map<string, Where[]>,
  reported: Set<string>,
): DocsFinding[] {
  const out: DocsFinding[] = [];
  const seen = new Set<string>();
  for (const citation of citations()) {
    const { label, problem } = resolveCitation(citation, pages, spec, found);
    // A contradiction may cite one place on two sides; it is one stale source.
    if (!problem || seen.has(`${citation.id} ${label}`)) continue;
    seen.add(`${citation.id} ${label}`);
    out.push({
      id: citation.id,
      kind: 'stale',
      summary: `${citation.id} cites ${label}: ${problem}`,
      sides: [{ source: label, claim: problem }],
    });
  }
  // A checked contradiction that is no longer reported, though each of its sides still has a source in place here
  // (sources outside this folder aside), has been resolved: the catalogue entry is stale.
  for (const id of checkedContradictions) {
    const contradiction = byId.get(id);
    if (!contradiction || reported.has(id)) continue;
    const sides = contradiction.sides.map((side) =>
      side.sources.map((source) => ({
        source,
        ...resolveCitation({ id, source, checkedBy: [id] }, pages, spec, found),
      })),
    );
    const resolved = sides.flat();
    const inPlace = sides.every((side) => side.some((entry) => entry.checked && !entry.problem));
    if (!inPlace || resolved.some((entry) => entry.problem)) continue;
    out.push({
      id,
      kind: 'stale',
      summary: `${id} is no longer seen: its sources are in place but no longer disagree`,
      sides: resolved
        .filter((entry) => entry.checked && entry.source.kind !== 'spec')
        .map((entry) => ({ source: entry.label, claim: 'still present; the disagreement is gone' })),
    });
  }
  return out;
}

// --- Entry point ------------------------------------------------------------------------------------------------

const kindOrder: Record<DocsFindingKind, number> = { 'docs-vs-spec': 0, 'docs-vs-docs': 0, stale: 1 };
const idOrder = (id: string) => id.replace(/\d+/g, (digits) => digits.padStart(4, '0'));

/** Compares the docs with the spec and with themselves, and reports catalogue sources gone stale; sorted. */
export function docsVsSpec(pages: readonly DocsPage[], spec: OpenApiDocument): DocsFinding[] {
  const specFacts = readSpecFacts(spec);
  const facts = readDocsFacts(pages, specFacts);
  const compared = [
    ...compareStatusLabels(facts, specFacts),
    ...compareRetrySchedules(facts),
    ...compareAcknowledgements(facts, specFacts),
    ...compareSignatures(facts),
    ...compareEventNames(facts, specFacts),
    ...comparePayloads(facts, spec),
    ...compareDefaults(facts, specFacts),
    ...compareLimits(facts, specFacts),
    ...compareErrorStatuses(facts, specFacts),
  ];
  const reported = new Set(compared.map((entry) => entry.id));
  const stale = staleFindings(pages, spec, locations(facts), reported);
  return [...compared, ...stale].sort(
    (a, b) =>
      kindOrder[a.kind] - kindOrder[b.kind] ||
      idOrder(a.id).localeCompare(idOrder(b.id)) ||
      a.summary.localeCompare(b.summary),
  );
}
