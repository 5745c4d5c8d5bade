import { type DocsBlock, type DocsPage, headingKey, plain, type Where } from './docs-parse.js';

// Facts the prose docs state, each found by the shape of the text around it (a table keyed by a field name, a list
// under a retry lead-in, a string literal in a `case`), never by matching a whole sentence. Each extractor returns
// every place the fact occurs, with the innermost heading above it, so a fact that moves or disappears shows up.

export interface Fact<T> extends Where {
  value: T;
}

interface Unit extends Where {
  block: DocsBlock;
  /** One sentence of a paragraph or table row, or a whole list item. */
  text: string;
}

const sentences = (text: string) => text.split(/(?<=[.!?])\s+(?=[A-Z`*(])/);

/** Prose units, code left out: paragraphs and table rows split into sentences, list items whole. */
function proseUnits(pages: readonly DocsPage[]): Unit[] {
  const units: Unit[] = [];
  for (const { origin, page, sections } of pages) {
    for (const { heading, blocks } of sections) {
      for (const block of blocks) {
        if (block.kind === 'code') continue;
        const texts = block.kind === 'list-item' ? [block.text] : sentences(block.text);
        for (const text of texts) units.push({ origin, page, heading, block, text });
      }
    }
  }
  return units;
}

function codeBlocks(pages: readonly DocsPage[]): (Where & { text: string })[] {
  return pages.flatMap(({ origin, page, sections }) =>
    sections.flatMap(({ heading, blocks }) =>
      blocks.filter((block) => block.kind === 'code').map((block) => ({ origin, page, heading, text: block.text })),
    ),
  );
}

/** Facts found in one place are merged into one value per heading, in document order. */
function perHeading<T, V>(items: (Where & { item: T })[], merge: (items: T[]) => V | undefined): Fact<V>[] {
  const groups = new Map<string, { where: Where; items: T[] }>();
  for (const { item, ...where } of items) {
    const key = `${where.origin}\u0000${where.page}\u0000${where.heading}`;
    const group = groups.get(key) ?? {
      where: { origin: where.origin, page: where.page, heading: where.heading },
      items: [],
    };
    group.items.push(item);
    groups.set(key, group);
  }
  return [...groups.values()].flatMap(({ where, items: grouped }) => {
    const value = merge(grouped);
    return value === undefined ? [] : [{ ...where, value }];
  });
}

const unique = <T>(values: Iterable<T>): T[] => [...new Set(values)];

/** Identifiers compare across case and separators: expires_in, expiresIn and ExpiresIn are one field. */
export const identifierKey = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

// --- Status labels (C-01) ---------------------------------------------------------------------------------------

/** Labels loosely match enum values when equal ignoring case or sharing a 4-letter stem (Failure ~ FAILED). */
export function looselyMatches(label: string, value: string): boolean {
  const a = label.toLowerCase();
  const b = value.toLowerCase();
  return a === b || (a.length >= 4 && b.length >= 4 && a.slice(0, 4) === b.slice(0, 4));
}

/**
 * Label sets that name the values of an enum: the first column of a table headed "Status", or an enumeration
 * "A, B, C, or D". A set counts when it loosely matches more than half of the enum, so another status list (webhook
 * delivery: Success, Queued, Failed, Retrying) is not mistaken for it.
 */
export function statusLabelSets(pages: readonly DocsPage[], enumValues: readonly string[]): Fact<string[]>[] {
  const candidates: Fact<string[]>[] = [];
  for (const { origin, page, sections } of pages) {
    for (const { heading, blocks } of sections) {
      const tables = new Map<string[], string[]>();
      for (const block of blocks) {
        if (block.kind === 'table-row' && block.header && /status/i.test(plain(block.header[0] ?? ''))) {
          const labels = tables.get(block.header) ?? [];
          labels.push(plain(block.cells?.[0] ?? ''));
          tables.set(block.header, labels);
        }
        if (block.kind === 'code') continue;
        for (const match of plain(block.text).matchAll(/\b[A-Z][a-z]+(?:, [A-Z][a-z]+)+,? (?:or|and) [A-Z][a-z]+\b/g)) {
          candidates.push({ origin, page, heading, value: match[0].split(/,? (?:or|and) |, /) });
        }
      }
      for (const labels of tables.values()) candidates.push({ origin, page, heading, value: labels });
    }
  }
  return candidates.filter(
    ({ value }) =>
      enumValues.filter((entry) => value.some((label) => looselyMatches(label, entry))).length * 2 > enumValues.length,
  );
}

// --- Retry schedules (C-03) -------------------------------------------------------------------------------------

export interface RetrySchedule {
  /** Delays in seconds in the order the docs give them; 0 for "immediately". */
  delays: number[];
  attempts?: number;
  retries?: number;
}

const retryWord = /\bretr(?:y|ies|ied)\b/i;
const numberWords: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8 };
const durationPattern = /\bimmediate(?:ly)?\b|\b(\d+)\s*(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d)\b/gi;
const unitSeconds = (unit: string) =>
  unit.startsWith('d') ? 86_400 : unit.startsWith('h') ? 3600 : unit.startsWith('m') ? 60 : 1;

/** A duration after "within" is a timeout and after "over" a total span; neither is a delay between attempts. */
const notADelay = /\b(within|over|under|than|last)\s+(approximately\s+|about\s+)?$/i;

/** Seconds of each delay in order, "immediately" as 0. */
export function durationsIn(text: string): number[] {
  return [...text.matchAll(durationPattern)]
    .filter((match) => !notADelay.test(text.slice(0, match.index)))
    .map((match) => (match[1] === undefined ? 0 : Number(match[1]) * unitSeconds((match[2] ?? 's').toLowerCase())));
}

function countIn(text: string): Pick<RetrySchedule, 'attempts' | 'retries'> | undefined {
  const match =
    /\b(\d+|one|two|three|four|five|six|seven|eight)\s+(?:total\s+)?(attempts?|deliveries|retries|times)\b/i.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  const count = numberWords[match[1].toLowerCase()] ?? Number(match[1]);
  return /^(attempt|deliver)/i.test(match[2]) ? { attempts: count } : { retries: count };
}

/**
 * Every place the docs state a webhook retry schedule. A sentence counts when it talks about retries, and so does a
 * list introduced by one or inside an aside titled so; a stated count makes the durations beside it totals
 * ("6 attempts over 22 minutes"), not delays.
 */
export function retrySchedules(pages: readonly DocsPage[]): Fact<RetrySchedule>[] {
  const items = proseUnits(pages).flatMap((unit) => {
    const { block } = unit;
    const context = block.kind === 'list-item' ? `${unit.text} ${block.leadIn ?? ''} ${block.aside ?? ''}` : unit.text;
    if (!retryWord.test(context)) return [];
    const text = plain(unit.text);
    return [{ ...unit, item: countIn(text) ?? { delays: durationsIn(text) } }];
  });
  return perHeading(items, (found) => {
    const schedule: RetrySchedule = { delays: [] };
    for (const item of found) {
      if ('delays' in item) schedule.delays.push(...item.delays);
      // The first count stated in a place is the one it means.
      else if (schedule.attempts === undefined && schedule.retries === undefined) Object.assign(schedule, item);
    }
    return schedule.delays.length || schedule.attempts || schedule.retries ? schedule : undefined;
  });
}

// --- Webhook acknowledgement codes (C-05) -----------------------------------------------------------------------

export interface Acknowledgement {
  codes: number[];
  /** A code marked "Recommended" in a table of codes. */
  recommended?: number;
  /** "any 2xx" was said. */
  anySuccess: boolean;
}

const replyVerb = /\b(respond\w*|response|return\w*|acknowledg\w*|repl(?:y|ies))\b/i;
const returnedInCode: [RegExp, (match: RegExpMatchArray) => number][] = [
  [/\.status\(\s*(2\d\d)\s*\)/g, (match) => Number(match[1])],
  [/status_code\s*=\s*(2\d\d)\b/g, (match) => Number(match[1])],
  [/\)\s*,\s*(2\d\d)\s*$/gm, (match) => Number(match[1])],
  [/WriteHeader\(\s*(2\d\d)\s*\)/g, (match) => Number(match[1])],
  [/\bstatus\s*===?\s*(2\d\d)\b/g, (match) => Number(match[1])],
  [/\bhttp\.Status(OK|Created|Accepted)\b/g, (match) => httpNames[(match[1] ?? '').toUpperCase()] ?? 0],
  [/\bHttpStatus\.(OK|CREATED|ACCEPTED)\b/g, (match) => httpNames[match[1] ?? ''] ?? 0],
  [/\bResponseEntity\.ok\(/g, () => 200],
];
const httpNames: Record<string, number> = { OK: 200, CREATED: 201, ACCEPTED: 202 };

/**
 * The 2xx codes the docs tell a webhook receiver to answer with: sentences that pair a reply verb with a 2xx code,
 * rows of a table of 2xx codes (with a "Recommended" mark), and the success codes handler samples return.
 */
export function acknowledgementCodes(pages: readonly DocsPage[]): Fact<Acknowledgement>[] {
  const aboutWebhooks = (where: Where, text: string) => /webhook/i.test(`${where.page} ${where.heading} ${text}`);
  const prose = proseUnits(pages).flatMap((unit) => {
    const text = plain(unit.text);
    if (!aboutWebhooks(unit, `${text} ${unit.block.aside ?? ''}`)) return [];
    const firstCell = plain(unit.block.cells?.[0] ?? '');
    const tableCode = unit.block.kind === 'table-row' ? /^(2\d\d)\b/.exec(firstCell)?.[1] : undefined;
    if (tableCode) {
      const code = Number(tableCode);
      return [
        {
          ...unit,
          item: { codes: [code], anySuccess: false, ...(/recommended/i.test(unit.text) ? { recommended: code } : {}) },
        },
      ];
    }
    if (!replyVerb.test(text)) return [];
    const codes = [...text.matchAll(/(?<!non-)\b(2\d\d)\b/g)].map((match) => Number(match[1]));
    const anySuccess = /(?<!non-)\b2xx\b/i.test(text);
    return codes.length || anySuccess ? [{ ...unit, item: { codes, anySuccess } }] : [];
  });
  const code = codeBlocks(pages).flatMap((block) => {
    if (!/webhook/i.test(block.text)) return [];
    const codes = returnedInCode.flatMap(([pattern, code]) => [...block.text.matchAll(pattern)].map(code));
    return codes.length ? [{ ...block, item: { codes, anySuccess: false } as Acknowledgement }] : [];
  });
  return perHeading<Acknowledgement, Acknowledgement>([...prose, ...code], (found) => {
    const recommended = found.find((item) => item.recommended !== undefined)?.recommended;
    return {
      codes: unique(found.flatMap((item) => item.codes)).sort((a, b) => a - b),
      anySuccess: found.some((item) => item.anySuccess),
      ...(recommended === undefined ? {} : { recommended }),
    };
  });
}

/** The one code a place asks for: its recommended code, or its only code unless it allows any 2xx. */
export function preferredCode(ack: Acknowledgement): number | undefined {
  if (ack.recommended !== undefined) return ack.recommended;
  return ack.codes.length === 1 && !ack.anySuccess ? ack.codes[0] : undefined;
}

// --- Webhook event names (C-11) ---------------------------------------------------------------------------------

const dottedName = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;
const hostLike = /\.(com|io|dev|net|org|co|app|ai|js|ts|json|mdx?|py|go|java|html|ya?ml|txt)$/;
const isEventLike = (name: string) => dottedName.test(name) && !hostLike.test(name);

/**
 * Event type names: dotted lower-case names in backticks where the sentence (or its list item's label) talks about
 * events, and string literals on a code line that switches on or sets a type (`case 'x.y'`, `"type": "x.y"`).
 */
export function webhookEventNames(pages: readonly DocsPage[]): Fact<string[]>[] {
  const prose = proseUnits(pages).flatMap((unit) => {
    if (!/\bevents?\b/i.test(`${unit.text} ${unit.block.leadIn ?? ''}`)) return [];
    return [...unit.text.matchAll(/`([^`\s]+)`/g)]
      .map((match) => match[1] ?? '')
      .filter(isEventLike)
      .map((item) => ({ ...unit, item }));
  });
  const code = codeBlocks(pages).flatMap((block) =>
    block.text
      .split('\n')
      .filter((line) => /case|type/i.test(line))
      .flatMap((line) => [...line.matchAll(/(['"])([^'"\s]+)\1/g)].map((match) => match[2] ?? ''))
      .filter(isEventLike)
      .map((item) => ({ ...block, item })),
  );
  return perHeading([...prose, ...code], (names) => unique(names).sort());
}

// --- Webhook payload samples (C-12) -----------------------------------------------------------------------------

export interface PayloadSample {
  type: string;
  keys: string[];
  dataKeys: string[];
}

interface ObjectNode {
  keys: string[];
  strings: Map<string, string>;
  objects: Map<string, ObjectNode>;
}

/**
 * The object literals in a piece of code (JSON with comments, JS, Python dicts), each with its keys, string values
 * and nested objects. A tolerant scanner, not a parser: values it cannot read are skipped up to the next comma.
 */
export function objectLiterals(code: string): ObjectNode[] {
  const all: ObjectNode[] = [];
  const stack: (ObjectNode | 'other')[] = [];
  let expectKey = false;
  let pendingKey: string | undefined;
  let lastToken: { kind: 'name' | 'string'; text: string } | undefined;
  let index = 0;
  const top = () => stack.at(-1);
  while (index < code.length) {
    const char = code[index] as string;
    const rest = code.slice(index, index + 2);
    if (rest === '//' || char === '#') {
      index = code.indexOf('\n', index) < 0 ? code.length : code.indexOf('\n', index);
      continue;
    }
    if (rest === '/*') {
      const end = code.indexOf('*/', index + 2);
      index = end < 0 ? code.length : end + 2;
      continue;
    }
    if (char === '"' || char === "'" || char === '`') {
      let end = index + 1;
      while (end < code.length && code[end] !== char && code[end] !== '\n') end += code[end] === '\\' ? 2 : 1;
      lastToken = { kind: 'string', text: code.slice(index + 1, end) };
      const node = top();
      if (pendingKey !== undefined && node && node !== 'other') node.strings.set(pendingKey, lastToken.text);
      index = end + 1;
      continue;
    }
    const name = /^[A-Za-z_$][\w$]*/.exec(code.slice(index, index + 64));
    if (name) {
      lastToken = { kind: 'name', text: name[0] };
      index += name[0].length;
      continue;
    }
    const node = top();
    if (char === ':' && expectKey && lastToken && node && node !== 'other') {
      pendingKey = lastToken.text;
      node.keys.push(pendingKey);
      expectKey = false;
    } else if (char === '{') {
      const child: ObjectNode = { keys: [], strings: new Map(), objects: new Map() };
      if (pendingKey !== undefined && node && node !== 'other') node.objects.set(pendingKey, child);
      all.push(child);
      stack.push(child);
      expectKey = true;
      pendingKey = undefined;
    } else if (char === '[' || char === '(') {
      stack.push('other');
      pendingKey = undefined;
    } else if (char === '}' || char === ']' || char === ')') {
      stack.pop();
      expectKey = false;
      pendingKey = undefined;
    } else if (char === ',') {
      expectKey = top() !== 'other' && top() !== undefined;
      pendingKey = undefined;
    }
    if (!/\s/.test(char)) lastToken = char === ':' ? lastToken : undefined;
    index += 1;
  }
  return all;
}

/** Sample event payloads in code: objects with a dotted `type` string and a `data` object. */
export function webhookPayloadSamples(pages: readonly DocsPage[]): Fact<PayloadSample>[] {
  return codeBlocks(pages).flatMap((block) =>
    objectLiterals(block.text).flatMap((node) => {
      const type = node.strings.get('type');
      const data = node.objects.get('data');
      if (!type || !isEventLike(type) || !data) return [];
      const { origin, page, heading } = block;
      return [{ origin, page, heading, value: { type, keys: unique(node.keys), dataKeys: unique(data.keys) } }];
    }),
  );
}

// --- Signature recipes (C-07, C-08) -----------------------------------------------------------------------------

export interface SignatureRecipe {
  /** Signature-related header names the code reads or writes. */
  headers: string[];
  /** `t=<timestamp>,v1=<signature>` when the code builds or parses that format. */
  timestampedFormat: boolean;
  digest?: 'hex' | 'base64';
}

/** The webhook signature headers, header format and digest encoding that code samples use, per heading. */
export function signatureRecipes(pages: readonly DocsPage[]): Fact<SignatureRecipe>[] {
  const items = codeBlocks(pages).flatMap((block) => {
    if (!/webhook/i.test(`${block.page} ${block.heading} ${block.text}`)) return [];
    const headers = [...block.text.matchAll(/(['"])([\w-]+)\1/g)]
      .map((match) => (match[2] ?? '').toLowerCase())
      .filter((name) => /^[a-z0-9-]+-signature$|^webhook-(id|timestamp)$/.test(name));
    const timestampedFormat = /\bt=[^,\s]*,\s*v1=/.test(block.text);
    const digest = /digest\(\s*['"](hex|base64)['"]\s*\)/.exec(block.text)?.[1] as SignatureRecipe['digest'];
    if (!headers.length && !timestampedFormat && !digest) return [];
    return [{ ...block, item: { headers, timestampedFormat, ...(digest ? { digest } : {}) } }];
  });
  return perHeading<SignatureRecipe, SignatureRecipe>(items, (found) => {
    const digest = found.find((item) => item.digest)?.digest;
    return {
      headers: unique(found.flatMap((item) => item.headers)).sort(),
      timestampedFormat: found.some((item) => item.timestampedFormat),
      ...(digest ? { digest } : {}),
    };
  });
}

// --- Field defaults and limits (C-14, C-16) ---------------------------------------------------------------------

/** Words of a field name that are long enough to recognise a heading about it (`expires_in` → expir...). */
const stemsOf = (field: string) =>
  field
    .split(/[^a-zA-Z]+|(?=[A-Z])/)
    .filter((word) => word.length >= 5)
    .map((word) => word.slice(0, 5).toLowerCase());
const headingAbout = (heading: string, field: string) =>
  headingKey(heading)
    .split(' ')
    .some((word) => stemsOf(field).includes(word.slice(0, 5)));
const isRowFor = (block: DocsBlock, field: string) =>
  block.kind === 'table-row' && identifierKey(plain(block.cells?.[0] ?? '')) === identifierKey(field);

/**
 * Defaults the docs state for a field: a table row keyed by the field (`expiresIn`, `expires_in`) whose text gives
 * "default" with a number, or a list item labelled Default under a heading about the field (Set expiry period).
 */
export function fieldDefaults(pages: readonly DocsPage[], field: string): Fact<number>[] {
  return proseUnits(pages).flatMap((unit) => {
    const text = plain(unit.text);
    const inRow = isRowFor(unit.block, field);
    const labelled = unit.block.kind === 'list-item' && /^default\b/i.test(text) && headingAbout(unit.heading, field);
    const number = /\bdefault\b\D{0,16}?(\d+)/i.exec(text)?.[1];
    return (inRow || labelled) && number ? [{ ...unit, value: Number(number) }] : [];
  });
}

export interface Limit {
  count: number;
  /** The counted noun, singular: `variable`, `key-value pair`. */
  unit: string;
}

const limitPattern =
  /\b(?:up to|maximum of|max(?:imum)?:?|at most|no more than|limit of)\s+(\d+)\s+([a-z][a-z-]*)(\s+pairs?)?/i;

export function limitIn(text: string): Limit | undefined {
  const match = limitPattern.exec(plain(text));
  if (!match?.[1] || !match[2]) return undefined;
  const unit = `${match[2]}${match[3] ?? ''}`.toLowerCase().replace(/s$/, '');
  return { count: Number(match[1]), unit };
}

/** Upper limits stated for a field: in a table row keyed by it, or under a heading about it. */
export function fieldLimits(pages: readonly DocsPage[], field: string): Fact<Limit>[] {
  return proseUnits(pages).flatMap((unit) => {
    if (!isRowFor(unit.block, field) && !headingAbout(unit.heading, field)) return [];
    const limit = limitIn(unit.text);
    return limit ? [{ ...unit, value: limit }] : [];
  });
}

// --- Documented error statuses (C-18) ---------------------------------------------------------------------------

export interface OperationRef {
  /** `POST /api/v1/passwordless/email/send`. */
  key: string;
  /** The path as docs write it, without the version prefix: `/passwordless/email/send`. */
  pathTail: string;
  /** SDK method names as identifier keys: `sendpasswordlessemail`. */
  methodKeys: string[];
}

function operationsNamed(text: string, operations: readonly OperationRef[]): OperationRef[] {
  const identifiers = new Set((text.match(/[A-Za-z_][\w]*/g) ?? []).map(identifierKey));
  return operations.filter(
    (operation) =>
      new RegExp(`${operation.pathTail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w/-])`).test(text) ||
      operation.methodKeys.some((key) => identifiers.has(key)),
  );
}

/**
 * Error statuses (4xx, 5xx) the prose promises for an operation: a sentence naming a status with a word such as
 * status, HTTP, error or return, tied to the operation its block names (path or SDK method), else to the one
 * operation the section's text and code name.
 */
export function documentedErrorStatuses(
  pages: readonly DocsPage[],
  operations: readonly OperationRef[],
): Fact<{ operation: string; status: number }>[] {
  const facts: Fact<{ operation: string; status: number }>[] = [];
  for (const { origin, page, sections } of pages) {
    for (const { heading, blocks } of sections) {
      const inSection = operationsNamed(blocks.map((block) => block.text).join('\n'), operations);
      for (const block of blocks) {
        if (block.kind === 'code') continue;
        const named = operationsNamed(block.text, operations);
        const targets = named.length ? named : inSection.length === 1 ? inSection : [];
        for (const sentence of sentences(plain(block.text))) {
          if (!/\b(status|http|error|returns?|responds?)\b/i.test(sentence)) continue;
          for (const match of sentence.matchAll(/\b([45]\d\d)\b/g)) {
            for (const operation of targets) {
              facts.push({ origin, page, heading, value: { operation: operation.key, status: Number(match[1]) } });
            }
          }
        }
      }
    }
  }
  return facts;
}
