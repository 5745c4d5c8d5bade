import { type Failure, failure } from '../checks/failure.js';
import { answerPreview } from '../checks/http.js';
import type { Exchange } from '../client/transport.js';

// The verdicts of the stateful chains (OAS-018, OAS-019): what a create, update or delete answered, and what get and
// the list show afterwards, judged against the chain's model. stateful.ts drives the chain and reads the answers;
// these decide. Each takes what was read, never a client.

type Json = Record<string, unknown>;

const isSuccess = (exchange: Exchange) => exchange.status >= 200 && exchange.status < 300;
const quote = (value: unknown) => (value === undefined ? '(absent)' : JSON.stringify(value));

/** The value at a dotted path of a resource (`settings.name`); undefined when any step is missing. */
export const valueAt = (resource: Json, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (value as Json | undefined)?.[key], resource);

/** OAS-019: a create answered 2xx and carried the new resource's identifier (`carrying` names where it should be). */
export function createdWithId(
  rule: 'OAS-019',
  exchange: Exchange,
  id: string | undefined,
  carrying: string,
): Failure | undefined {
  if (isSuccess(exchange) && id) return undefined;
  return failure(rule, 'create', `a 2xx answer carrying ${carrying}`, answerPreview(exchange), exchange);
}

/** OAS-019 (an update) or OAS-018 (a delete): the write answered 2xx. */
export function writeAccepted(
  rule: 'OAS-018' | 'OAS-019',
  verb: 'update' | 'delete',
  operation: string,
  exchange: Exchange,
): Failure | undefined {
  if (isSuccess(exchange)) return undefined;
  return failure(rule, verb, `a 2xx answer from ${operation}`, answerPreview(exchange), exchange);
}

/**
 * OAS-019: after a create or an update, the read (`where`: the resource's get, or its parent's) shows the resource,
 * with every value the chain last wrote.
 */
export function showsWhatWasWritten(
  rule: 'OAS-019',
  read: { exchange: Exchange; found: Json | undefined },
  resource: { name: string; written: Record<string, unknown> },
  where: string,
): Failure[] {
  const { exchange, found } = read;
  if (!found) {
    return [
      failure(rule, 'resource readable', `${resource.name} shown by ${where}`, answerPreview(exchange), exchange),
    ];
  }
  return Object.entries(resource.written)
    .filter(([path, value]) => valueAt(found, path) !== value)
    .map(([path, value]) =>
      failure(
        rule,
        'written value visible',
        `${path} ${quote(value)} in ${where}`,
        quote(valueAt(found, path)),
        exchange,
        [`${resource.name}: the value the chain last wrote is not what the server shows`],
      ),
    );
}

/**
 * OAS-018: after a delete, the resource's own get answers 404; a resource read through its parent's get is absent
 * from a 200 answer.
 */
export function deletedNotReadable(
  rule: 'OAS-018',
  read: { exchange: Exchange; found: unknown },
  resource: { name: string; hasOwnGet: boolean },
): Failure | undefined {
  const { exchange, found } = read;
  const gone = resource.hasOwnGet ? exchange.status === 404 : exchange.status === 200 && !found;
  if (gone) return undefined;
  const expected = resource.hasOwnGet ? '404' : `200 without ${resource.name}`;
  return failure(
    rule,
    'deleted resource readable',
    `${expected} from get after the delete`,
    answerPreview(exchange),
    exchange,
  );
}

/** A resource the model expects in (or gone from) a list: its name, its identifying field and value. */
export interface ExpectedListing {
  name: string;
  field: string;
  id: string;
  /** Where the list showed it, if it did: the page that matters for the replay. */
  shownOn: Exchange | undefined;
}

/**
 * The list under a parent against the model: every live resource shown (OAS-019, judged only when the walk read
 * every page) and no deleted one (OAS-018). A list that did not answer 200 fails the first of the two rules the
 * model expected anything of.
 */
export function listAgreesWithModel(
  list: { where: string; items: number; complete: boolean; failed: boolean; last: Exchange },
  live: readonly ExpectedListing[],
  gone: readonly ExpectedListing[],
): Failure[] {
  if (live.length + gone.length === 0) return [];
  if (list.failed) {
    const rule = live.length > 0 ? 'OAS-019' : 'OAS-018';
    return [failure(rule, 'list readable', `${list.where} answering 200`, answerPreview(list.last), list.last)];
  }
  const details = (entries: readonly ExpectedListing[]) => entries.map((e) => `${e.name} has ${e.field} ${e.id}`);
  const names = (entries: readonly ExpectedListing[]) => entries.map((e) => e.name).join(', ');
  const missing = list.complete ? live.filter((e) => !e.shownOn) : [];
  const resurrected = gone.filter((e) => e.shownOn);
  const failures: Failure[] = [];
  if (missing.length > 0) {
    failures.push(
      failure(
        'OAS-019',
        'created resource listed',
        `${names(missing)} in ${list.where}`,
        `absent from all ${list.items} items`,
        list.last,
        details(missing),
      ),
    );
  }
  if (resurrected.length > 0) {
    failures.push(
      failure(
        'OAS-018',
        'deleted resource listed',
        `${names(resurrected)} gone from ${list.where}`,
        'still listed',
        resurrected[0]?.shownOn ?? list.last,
        details(resurrected),
      ),
    );
  }
  return failures;
}
