import type { Exchange } from '../client/transport.js';
import {
  type AuthLogFilter,
  type AuthLogFilterProfile,
  type AuthLogStatus,
  authLogStatuses,
  type FilterableAuthLog,
  filterPredicate,
} from '../oracles/auth-log-filter.js';
import type { RuleId } from '../rules/catalogue.js';
import { type Failure, failure } from './failure.js';
import { answerPreview, checkStatus, parseJsonBody } from './http.js';

// Checks on GET /api/v1/logs/authentication/requests (ALG-001 to ALG-020; the refusals of ALG-010 to ALG-012 are
// http.ts's checkStatus and checkErrorInfo): the entries an OAuth flow leaves, the filters against the model of
// src/oracles/auth-log-filter.ts, and the answers compared with each other (paging, ordering, totals). Pure
// functions over recorded pages and exchanges: the suites walk the list, these judge. Each check's rule parameter
// lists the rules it may decide, so a rule ID leads here through the types.

/** A listed entry, as far as the checks read it. */
export interface AuthLogEntry extends FilterableAuthLog {
  auth_request_id?: string | undefined;
}

/** One page of a list answer as a suite recorded it; total_size as a number, undefined when absent. */
export interface AuthLogPageRecord {
  items: readonly AuthLogEntry[];
  next: string;
  prev: string;
  total: number | undefined;
  exchange: Exchange;
}

/** The query a list request sent, shown as JSON in a failure. */
type ListQuery = object;

const idOf = (entry: AuthLogEntry) => entry.auth_request_id ?? JSON.stringify(entry);
const timeOf = (entry: AuthLogEntry) => Date.parse(entry.timestamp ?? '');

/** A short, stable description of entries for failure details. */
const describeEntries = (entries: readonly AuthLogEntry[], limit = 5) =>
  entries.slice(0, limit).map((e) =>
    JSON.stringify({
      auth_request_id: e.auth_request_id,
      status: e.status,
      email: e.email,
      client_id: e.client_id,
      resource_id: e.resource_id,
      timestamp: e.timestamp,
    }),
  );

/** What `got` lacks of `expected` and holds beyond it, counting each ID as often as it appears. */
function difference(expected: readonly AuthLogEntry[], got: readonly AuthLogEntry[]) {
  const unmatched = (wanted: readonly AuthLogEntry[], present: readonly AuthLogEntry[]) => {
    const left = new Map<string, number>();
    for (const entry of present) left.set(idOf(entry), (left.get(idOf(entry)) ?? 0) + 1);
    return wanted.filter((entry) => {
      const count = left.get(idOf(entry)) ?? 0;
      left.set(idOf(entry), count - 1);
      return count <= 0;
    });
  };
  return { missing: unmatched(expected, got), extra: unmatched(got, expected) };
}

const differenceDetails = (missing: readonly AuthLogEntry[], extra: readonly AuthLogEntry[]) => [
  ...describeEntries(missing).map((line) => `missing: ${line}`),
  ...describeEntries(extra).map((line) => `extra: ${line}`),
];

const inWords = (missing: readonly AuthLogEntry[], extra: readonly AuthLogEntry[]) =>
  `${missing.length} missing, ${extra.length} extra`;

// --- entries an OAuth flow leaves (ALG-002 to ALG-005) -----------------------------------------------------------

const describeStatuses = (items: readonly AuthLogEntry[]) =>
  items.map((i) => i.status ?? '(none)').join(', ') || 'no entry';

/**
 * ALG-003, ALG-004: the tests need the code of a scripted approval to reach the step they judge; any answer without
 * one (a 5xx, a login page despite the script, a redirect with an error) fails them.
 */
export function approvalReturnedCode(
  rule: 'ALG-003' | 'ALG-004',
  exchange: Exchange,
  code: string,
): Failure | undefined {
  if (code) return undefined;
  const redirected = exchange.status >= 300 && exchange.status < 400;
  return failure(
    rule,
    'precondition: the authorize request of a scripted approval',
    'a redirect to the callback with a code',
    redirected
      ? `${exchange.status} with Location ${exchange.responseHeaders.location ?? '(none)'}`
      : answerPreview(exchange),
    exchange,
  );
}

/** ALG-002: an authorize request nobody has signed in to yet left exactly one new INITIATED entry for the client. */
export function oneNewInitiatedEntry(
  rule: 'ALG-002',
  freshIds: readonly string[],
  clientId: string,
  waitMs: number,
  exchange: Exchange | undefined,
): Failure | undefined {
  if (freshIds.length === 1) return undefined;
  return failure(
    rule,
    'entries after /oauth/authorize',
    `one new INITIATED entry for client ${clientId} within ${waitMs} ms`,
    `${freshIds.length} new INITIATED entries`,
    exchange,
  );
}

/** The rules of the flow's later steps, each judged on the one entry the flow left. */
export type LifecycleRule = 'ALG-003' | 'ALG-004' | 'ALG-005';

/** The status each lifecycle rule expects the flow's entry to show, and at which step. */
const lifecycleSteps: Record<LifecycleRule, { status: AuthLogStatus; step: string }> = {
  'ALG-003': { status: 'PENDING', step: 'entry between the redirect and the code exchange' },
  'ALG-004': { status: 'SUCCESS', step: 'entry after the code exchange' },
  'ALG-005': { status: 'FAILED', step: 'entry after a denied login' },
};

/** ALG-003, ALG-004, ALG-005: the flow of `email` has one entry, in the status its step leads to. */
export function entryReachedStatus(
  rule: LifecycleRule,
  page: Pick<AuthLogPageRecord, 'items' | 'exchange'>,
  email: string,
  waitMs: number,
): Failure | undefined {
  const { status, step } = lifecycleSteps[rule];
  if (page.items.length === 1 && page.items[0]?.status === status) return undefined;
  return failure(
    rule,
    step,
    `one ${status} entry for ${email} within ${waitMs} ms`,
    describeStatuses(page.items),
    page.exchange,
  );
}

/**
 * ALG-002: a flow that has not reached the code exchange has one entry, INITIATED or PENDING, and an email or
 * client ID it carries is the user's and the client's.
 */
export function signedInEntryNamesUserAndClient(
  rule: 'ALG-002',
  page: Pick<AuthLogPageRecord, 'items' | 'exchange'>,
  email: string,
  clientId: string,
  waitMs: number,
): Failure[] {
  const entry = page.items.find((i) => i.status === 'INITIATED' || i.status === 'PENDING');
  const failures: Failure[] = [];
  if (!entry || page.items.length !== 1) {
    failures.push(
      failure(
        rule,
        'entry after /oauth/authorize',
        `one INITIATED or PENDING entry for ${email} within ${waitMs} ms`,
        describeStatuses(page.items),
        page.exchange,
      ),
    );
  }
  if (!entry) return failures;
  // The email filter found it; an email it carries must be the user's all the same.
  if (entry.email !== undefined && entry.email.toLowerCase() !== email.toLowerCase()) {
    failures.push(failure(rule, 'entry user', email, String(entry.email), page.exchange));
  }
  if (entry.client_id !== undefined && entry.client_id !== clientId) {
    failures.push(failure(rule, 'entry client', clientId, String(entry.client_id), page.exchange));
  }
  return failures;
}

// --- the answer's shape (ALG-001, ALG-007, ALG-014, ALG-018, ALG-019) --------------------------------------------

/** ALG-001: every listed status is a value of the enum (C-01: the docs' Failure is not FAILED). */
export function statusesInEnum(
  rule: 'ALG-001',
  page: Pick<AuthLogPageRecord, 'items' | 'exchange'>,
): Failure | undefined {
  const outside = page.items.filter((i) => !(authLogStatuses as readonly string[]).includes(i.status ?? ''));
  if (outside.length === 0) return undefined;
  return failure(
    rule,
    'status vocabulary',
    authLogStatuses.join(', '),
    [...new Set(outside.map((i) => String(i.status)))].join(', '),
    page.exchange,
    describeEntries(outside),
  );
}

/** ALG-007: the request carried each filter of `query` once, and an array (status) as repeated parameters. */
export function filtersSentAsSpecified(
  rule: 'ALG-007',
  exchange: Exchange,
  query: Readonly<Record<string, unknown>>,
): Failure | undefined {
  const sent = new URL(exchange.url).searchParams;
  const wrong = Object.entries(query).filter(([name, value]) => {
    const values = Array.isArray(value) ? value.map(String) : [String(value)];
    return sent.getAll(name).join('\n') !== values.join('\n');
  });
  if (wrong.length === 0) return undefined;
  return failure(
    rule,
    'query serialisation',
    'each filter once, status as repeated parameters (status=SUCCESS&status=FAILED)',
    exchange.url,
    exchange,
    wrong.map(([name, value]) => `${name}: sent ${JSON.stringify(sent.getAll(name))} for ${JSON.stringify(value)}`),
  );
}

/** The body as an object, or undefined when it is not JSON (the status and schema checks say why). */
function bodyObject(exchange: Exchange): Record<string, unknown> | undefined {
  const body = parseJsonBody(exchange);
  return body.ok && body.value !== null && typeof body.value === 'object'
    ? (body.value as Record<string, unknown>)
    : undefined;
}

/**
 * ALG-014 (C-22): the entries come under the list field the profile names (authLogs.listField), not the other
 * spelling. Every other list of the API is snake_case, so a server may well answer auth_requests.
 */
export function entriesUnderListField(
  rule: 'ALG-014',
  exchange: Exchange,
  listField: 'authRequests' | 'auth_requests',
): Failure | undefined {
  const body = bodyObject(exchange) ?? {};
  const other = listField === 'authRequests' ? 'auth_requests' : 'authRequests';
  if (!(other in body) || listField in body) return undefined;
  return failure(
    rule,
    'list field (C-22)',
    `the entries under ${listField} (authLogs.listField)`,
    `the entries under ${other}; if that is your server's choice, set authLogs.listField to "${other}"`,
    exchange,
  );
}

/** ALG-018: a filter that matches nothing is answered 200 with an empty (or omitted) list, total 0, no next page. */
export function emptyResultAnswered(rule: 'ALG-018', exchange: Exchange, listField: string): Failure | undefined {
  const status = checkStatus(rule, exchange, 200);
  if (status) return status;
  const body = bodyObject(exchange);
  const list = body?.[listField];
  const total = body?.total_size;
  const empty = list === undefined || (Array.isArray(list) && list.length === 0);
  if (empty && (total === undefined || Number(total) === 0) && !body?.next_page_token) return undefined;
  return failure(
    rule,
    'empty result',
    `${listField} [] (or omitted), total_size 0 (or omitted), next_page_token empty`,
    exchange.responseBody.slice(0, 200),
    exchange,
  );
}

/** ALG-019: every item's timestamp is an RFC 3339 date-time string (the schema alone allows any string). */
export function timestampsAreRfc3339(
  rule: 'ALG-019',
  page: Pick<AuthLogPageRecord, 'items' | 'exchange'>,
): Failure | undefined {
  const bad = page.items.filter(
    (i) => typeof i.timestamp !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(i.timestamp) || !Number.isFinite(timeOf(i)),
  );
  if (bad.length === 0) return undefined;
  return failure(
    rule,
    'item timestamp',
    'an RFC 3339 date-time string on every item',
    `${bad.length} item(s) without one`,
    page.exchange,
    describeEntries(bad),
  );
}

// --- filters against the model (ALG-007, ALG-013, ALG-020) -------------------------------------------------------

/** The rules whose tests compare a filtered result with the entries the model selects. */
export type SelectionRule = 'ALG-007' | 'ALG-013' | 'ALG-020';

/**
 * The entries a filtered query returned (across all its pages) are exactly those the model selected from what was
 * seeded: none missing, none extra, none twice. `what` names the comparison in the failure.
 */
export function selectionMatchesModel(
  rule: SelectionRule,
  what: string,
  query: ListQuery,
  expected: readonly AuthLogEntry[],
  got: readonly AuthLogEntry[],
  exchange: Exchange | undefined,
): Failure | undefined {
  const { missing, extra } = difference(expected, got);
  if (missing.length === 0 && extra.length === 0) return undefined;
  return failure(
    rule,
    what,
    `${expected.length} entries selected by ${JSON.stringify(query)}`,
    `${got.length} entries (${inWords(missing, extra)})`,
    exchange,
    differenceDetails(missing, extra),
  );
}

/**
 * ALG-007 or ALG-020, for a generated filter scoped to one client: an extra entry of another client, or with
 * another email than the filter asked for, is a filter ignored (ALG-020); any other difference from the model's
 * selection is ALG-007's.
 */
export function generatedSelectionMatchesModel(
  rules: { selection: 'ALG-007'; ignoredFilter: 'ALG-020' },
  filter: AuthLogFilter,
  query: ListQuery,
  expected: readonly AuthLogEntry[],
  got: readonly AuthLogEntry[],
  exchange: Exchange | undefined,
): Failure | undefined {
  const { extra } = difference(expected, got);
  const ignored = extra.some(
    (i) => i.client_id !== filter.clientId || (filter.email !== undefined && i.email !== filter.email),
  );
  const rule = ignored ? rules.ignoredFilter : rules.selection;
  return selectionMatchesModel(rule, 'filtered result set across pages', query, expected, got, exchange);
}

/** ALG-007, ALG-020: every returned item matches every filter it was asked for (the model decides, with the profile). */
export function returnedEntriesMatchFilter(
  rule: 'ALG-007' | 'ALG-020',
  filter: AuthLogFilter,
  settings: Partial<AuthLogFilterProfile>,
  query: ListQuery,
  items: readonly AuthLogEntry[],
  exchange: Exchange | undefined,
): Failure | undefined {
  const matches = filterPredicate(filter, settings);
  const wrong = items.filter((i) => !matches(i));
  if (wrong.length === 0) return undefined;
  return failure(
    rule,
    'filter honoured',
    `only items matching ${JSON.stringify(query)}`,
    `${wrong.length} item(s) that do not match`,
    exchange,
    describeEntries(wrong, 3),
  );
}

// --- answers compared with each other (ALG-008, ALG-009, ALG-013) ------------------------------------------------

/** ALG-008: the results of the four single-status filters together are the unfiltered result, each entry once. */
export function perStatusResultsMakeUpUnfiltered(
  rule: 'ALG-008',
  query: ListQuery,
  unfiltered: readonly AuthLogEntry[],
  perStatus: readonly (readonly AuthLogEntry[])[],
  exchange: Exchange | undefined,
): Failure | undefined {
  const union = perStatus.flat();
  const { missing, extra } = difference(unfiltered, union);
  if (missing.length === 0 && extra.length === 0) return undefined;
  return failure(
    rule,
    'union of the per-status results',
    `the ${unfiltered.length} unfiltered entries of ${JSON.stringify(query)}, each once`,
    `${union.length} entries over the ${perStatus.length} statuses (${inWords(missing, extra)})`,
    exchange,
    differenceDetails(missing, extra),
  );
}

/**
 * ALG-008 (G-17, authLogs.statusCombination): several statuses in one request select the entries of either (OR,
 * the default) or, under AND, none, since an entry has one status. `single` holds each status's own result.
 */
export function severalStatusesCombined(
  rule: 'ALG-008',
  combination: AuthLogFilterProfile['statusCombination'],
  single: ReadonlyMap<string, readonly AuthLogEntry[]>,
  got: readonly AuthLogEntry[],
  exchange: Exchange | undefined,
): Failure | undefined {
  const expected = combination === 'or' ? [...single.values()].flat() : [];
  const { missing, extra } = difference(expected, got);
  if (missing.length === 0 && extra.length === 0) return undefined;
  return failure(
    rule,
    'several status values',
    `${expected.length} entries (${combination.toUpperCase()} of ${[...single.keys()].join(' and ')})`,
    `${got.length} entries`,
    exchange,
    differenceDetails(missing, extra),
  );
}

/** ALG-009 (G-29): a status filter spelt in lower or mixed case returns what the upper-case spelling returns. */
export function statusFilterIgnoresCase(
  rule: 'ALG-009',
  spelling: string,
  query: ListQuery,
  upperCase: readonly AuthLogEntry[],
  got: readonly AuthLogEntry[],
  exchange: Exchange | undefined,
): Failure | undefined {
  const { missing, extra } = difference(upperCase, got);
  if (missing.length === 0 && extra.length === 0) return undefined;
  const upper = spelling.toUpperCase();
  return failure(
    rule,
    `status=${spelling} as status=${upper}`,
    `the ${upperCase.length} entries status=${upper} returns for ${JSON.stringify(query)}`,
    `${got.length} entries (${inWords(missing, extra)})`,
    exchange,
    differenceDetails(missing, extra),
  );
}

/** ALG-013: a narrower window returns a subset of a wider one. */
export function narrowerWindowAddsNothing(
  rule: 'ALG-013',
  wide: readonly AuthLogEntry[],
  narrow: readonly AuthLogEntry[],
  exchange: Exchange | undefined,
): Failure | undefined {
  const wideIds = new Set(wide.map(idOf));
  const added = narrow.filter((i) => !wideIds.has(idOf(i)));
  if (added.length === 0) return undefined;
  return failure(
    rule,
    'narrowing the window',
    'a subset of the wider window',
    `${added.length} item(s) only in the narrower window`,
    exchange,
    describeEntries(added),
  );
}

/** ALG-013: every item of a windowed query lies within the inclusive bounds (epoch milliseconds). */
export function entriesWithinWindow(
  rule: 'ALG-013',
  window: { startTime: number; endTime: number },
  items: readonly AuthLogEntry[],
  exchange: Exchange | undefined,
): Failure | undefined {
  const outside = items.filter((i) => timeOf(i) < window.startTime || timeOf(i) > window.endTime);
  if (outside.length === 0) return undefined;
  const bounds = `${new Date(window.startTime).toISOString()}..${new Date(window.endTime).toISOString()}`;
  return failure(
    rule,
    'inclusive window',
    `timestamps within ${bounds}`,
    `${outside.length} item(s) outside`,
    exchange,
    describeEntries(outside),
  );
}

/**
 * ALG-013: a window whose bounds are the oldest and newest of `inScope` entries themselves returns all of them:
 * inclusive bounds keep the entries exactly on them.
 */
export function entriesOnBoundsReturned(
  rule: 'ALG-013',
  inScope: number,
  got: readonly AuthLogEntry[],
  exchange: Exchange | undefined,
): Failure | undefined {
  if (got.length === inScope) return undefined;
  return failure(
    rule,
    'entries exactly on the bounds',
    `all ${inScope} entries, the oldest and newest being exactly on start_time and end_time`,
    `${got.length} entries`,
    exchange,
  );
}

// --- paging, ordering and totals (ALG-014 to ALG-017) ------------------------------------------------------------

/** ALG-014: timestamps never increase, within a page or from one page to the next. */
export function newestFirst(rule: 'ALG-014', pages: readonly AuthLogPageRecord[]): Failure | undefined {
  const items = pages.flatMap((page) => page.items.map((item) => ({ item, exchange: page.exchange })));
  const at = items.findIndex((entry, i) => i > 0 && timeOf(entry.item) > timeOf(items[i - 1]?.item ?? entry.item));
  if (at < 0) return undefined;
  const newer = items[at];
  const older = items[at - 1];
  return failure(
    rule,
    'ordering',
    'timestamps non-increasing across all pages',
    `item ${at} (${newer?.item.timestamp}) is newer than item ${at - 1} (${older?.item.timestamp})`,
    newer?.exchange,
    describeEntries([older?.item, newer?.item].filter((i): i is AuthLogEntry => i !== undefined)),
  );
}

/**
 * ALG-015: the first page has no previous page and the last no next one; with page-number tokens (G-17,
 * authLogs.pageTokenFormat, as the spec's examples suggest) page n also links to n - 1 and n + 1.
 */
export function pageLinksConsistent(
  rule: 'ALG-015',
  pages: readonly AuthLogPageRecord[],
  tokenFormat: 'opaque' | 'page-number',
): Failure[] {
  const failures: Failure[] = [];
  const first = pages[0];
  const last = pages.at(-1);
  if (first && first.prev !== '') {
    failures.push(failure(rule, 'first page', 'prev_page_token empty', JSON.stringify(first.prev), first.exchange));
  }
  if (last && last.next !== '') {
    failures.push(failure(rule, 'last page', 'next_page_token empty', 'a token', last.exchange));
  }
  if (tokenFormat !== 'page-number') return failures;
  for (const [index, page] of pages.entries()) {
    const prev = index === 0 ? '' : String(index);
    const next = index === pages.length - 1 ? '' : String(index + 2);
    if (page.prev === prev && page.next === next) continue;
    failures.push(
      failure(
        rule,
        'page-number tokens (authLogs.pageTokenFormat)',
        `page ${index + 1}: prev ${JSON.stringify(prev)}, next ${JSON.stringify(next)}`,
        `prev ${JSON.stringify(page.prev)}, next ${JSON.stringify(page.next)}`,
        page.exchange,
      ),
    );
  }
  return failures;
}

/** ALG-015: following page n's prev_page_token returns page n - 1 again, the same entries in the same order. */
export function prevTokenLeadsBack(
  rule: 'ALG-015',
  previousPageNumber: number,
  original: Pick<AuthLogPageRecord, 'items'>,
  back: Pick<AuthLogPageRecord, 'items' | 'exchange'>,
): Failure | undefined {
  const expected = original.items.map(idOf).join(', ');
  const got = back.items.map(idOf).join(', ');
  if (got === expected) return undefined;
  return failure(rule, 'prev_page_token', `page ${previousPageNumber} again: ${expected}`, got, back.exchange);
}

/** ALG-015: no entry appears on more than one page (or twice on one). */
export function noEntryTwiceAcrossPages(rule: 'ALG-015', pages: readonly AuthLogPageRecord[]): Failure | undefined {
  const items = pages.flatMap((p) => p.items);
  const seen = new Map<string, number>();
  for (const item of items) seen.set(idOf(item), (seen.get(idOf(item)) ?? 0) + 1);
  const twice = items.filter((i) => (seen.get(idOf(i)) ?? 0) > 1);
  if (twice.length === 0) return undefined;
  return failure(
    rule,
    'no duplicates across pages',
    'each item once',
    `${new Set(twice.map(idOf)).size} item(s) more than once`,
    pages.at(-1)?.exchange,
    describeEntries(twice),
  );
}

/** ALG-015: every entry of one page large enough to hold them all was also seen walking the small pages. */
export function noEntrySkippedAcrossPages(
  rule: 'ALG-015',
  walked: readonly AuthLogEntry[],
  allAtOnce: Pick<AuthLogPageRecord, 'items' | 'exchange'>,
): Failure | undefined {
  const walkedIds = new Set(walked.map(idOf));
  const skipped = allAtOnce.items.filter((i) => !walkedIds.has(idOf(i)));
  if (skipped.length === 0) return undefined;
  return failure(
    rule,
    'none skipped across pages',
    'every item of the single large page also on the smaller pages',
    `${skipped.length} item(s) skipped`,
    allAtOnce.exchange,
    describeEntries(skipped),
  );
}

/**
 * ALG-015: walking pages of `pageSize`, every page behind a next_page_token holds entries, and the tokens stop
 * exactly when all `total` entries (counted by a read in the largest pages) have been seen.
 */
export function walkEndsWhereEntriesEnd(
  rule: 'ALG-015',
  pages: readonly AuthLogPageRecord[],
  total: number,
  pageSize: number,
): Failure[] {
  const failures: Failure[] = [];
  const seen = new Set<string>();
  for (const [index, page] of pages.entries()) {
    for (const item of page.items) seen.add(idOf(item));
    const which = `page ${index + 1} with page_size ${pageSize}`;
    if (index > 0 && page.items.length === 0) {
      failures.push(
        failure(rule, 'page behind a next_page_token', 'at least one entry', `an empty ${which}`, page.exchange),
      );
    }
    if (page.next && seen.size >= total) {
      failures.push(
        failure(
          rule,
          'next_page_token on the last page',
          `empty once all ${total} entries are seen`,
          `a token on ${which}, after ${seen.size} entries`,
          page.exchange,
        ),
      );
    }
    if (!page.next && seen.size < total) {
      failures.push(
        failure(
          rule,
          'end of the pages',
          `all ${total} entries of the large-page read before next_page_token is empty`,
          `${seen.size} entries when ${which} ended the walk`,
          page.exchange,
        ),
      );
    }
  }
  return failures;
}

/**
 * A walk over next_page_token that reads `maxPages` pages and still gets a token has not ended: a list that never
 * ends breaks the rule of the test walking it (every list test's walk is bounded, so a looping server cannot hang it).
 */
export function pagesEndWithin(
  rule: RuleId,
  pages: readonly Pick<AuthLogPageRecord, 'next' | 'exchange'>[],
  maxPages: number,
): Failure | undefined {
  const last = pages.at(-1);
  if (pages.length < maxPages || !last?.next) return undefined;
  return failure(
    rule,
    'pagination ends',
    `a last page within ${maxPages} pages`,
    `a next_page_token on page ${pages.length}`,
    last.exchange,
  );
}

/** ALG-016: total_size is the same on every page and equals the number of entries on all pages. */
export function totalSizeCountsEveryMatch(rule: 'ALG-016', pages: readonly AuthLogPageRecord[]): Failure[] {
  const totals = pages.map((p) => p.total ?? 0);
  const items = pages.reduce((sum, p) => sum + p.items.length, 0);
  const failures: Failure[] = [];
  const differing = pages.find((p) => (p.total ?? 0) !== totals[0]);
  if (differing) {
    failures.push(
      failure(
        rule,
        'total_size stable across pages',
        `${totals[0]} on every page`,
        `total_size per page: ${totals.join(', ')}`,
        differing.exchange,
      ),
    );
  }
  if (pages.length > 0 && totals[0] !== items) {
    failures.push(
      failure(rule, 'total_size', `${items} (the items on all pages)`, String(totals[0]), pages[0]?.exchange),
    );
  }
  return failures;
}

/** ALG-017: a page asked for with page_size holds at most that many items. */
export function pageWithinSize(
  rule: 'ALG-017',
  page: Pick<AuthLogPageRecord, 'items' | 'exchange'>,
  pageSize: number,
): Failure | undefined {
  if (page.items.length <= pageSize) return undefined;
  return failure(rule, 'page length', `at most ${pageSize} items`, `${page.items.length}`, page.exchange);
}

/** ALG-017 (authLogs.defaultPageSize): without page_size, a page holds the default number, or every match if fewer. */
export function defaultPageSizeApplied(
  rule: 'ALG-017',
  page: Pick<AuthLogPageRecord, 'items' | 'total' | 'exchange'>,
  defaultPageSize: number,
): Failure | undefined {
  const expected = Math.min(defaultPageSize, page.total ?? page.items.length);
  if (page.items.length === expected) return undefined;
  return failure(rule, 'default page size', `${expected} items`, `${page.items.length}`, page.exchange);
}

/** ALG-017 (authLogs.maxPageSize): a page_size above the maximum is capped, not honoured. */
export function maxPageSizeEnforced(
  rule: 'ALG-017',
  page: Pick<AuthLogPageRecord, 'items' | 'exchange'>,
  maxPageSize: number,
): Failure | undefined {
  if (page.items.length <= maxPageSize) return undefined;
  return failure(rule, 'maximum page size', `at most ${maxPageSize}`, `${page.items.length}`, page.exchange);
}
