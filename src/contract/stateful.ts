import fc from 'fast-check';
import { type Failure, PropertyFailure } from '../checks/failure.js';
import { parseJsonBody } from '../checks/http.js';
import type { ApiClient } from '../client/api.js';
import { toCurl } from '../client/curl.js';
import { type Exchange, exchangeOf } from '../client/transport.js';
import type { RuleId } from '../rules/catalogue.js';
import type { DereferencedDocument } from '../spec/document.js';
import {
  createdWithId,
  deletedNotReadable,
  type ExpectedListing,
  listAgreesWithModel,
  showsWhatWasWritten,
  valueAt,
  writeAccepted,
} from './chain-checks.js';
import {
  findCarrier,
  findNestedCarrier,
  inferLinks,
  type LinkMap,
  type OperationRef,
  operationName,
  type ValueSource,
} from './links.js';
import { type OperationInfo, operationsOf } from './operations.js';

// Stateful chains: fast-check command sequences (create, get, list, update, delete) over resource kinds whose
// producer → consumer wiring comes from the inferred links. The model is deliberately simpler than the server:
// which resources exist, the values last written to them, and which were deleted. Every command compares the
// server with it, and a failure carries the whole chain so far, one curl line per request.

type Json = Record<string, unknown>;

/** What a kind needs beyond the spec: valid bodies, and which response field shows the value a body set. */
export interface ResourceKind {
  name: string;
  /** One resource's path: its get, update and delete are the operations the spec declares here. */
  itemPath: string;
  /** `shows`: a field (dotted path) the body sets and the resource must then show with the same value. */
  create: { body?: (label: string) => Json; query?: Record<string, string>; shows?: string };
  update?: { body(value: string): Json; shows: string };
  /** How many may exist at once under one parent (a server limit); three otherwise, to keep lists short. */
  maxPerParent?: number;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** A body setting one field (a dotted path) to the value, maybe transformed, beside fixed fields; and that field. */
function writes(path: string, transform = (value: string) => value, fixed: Json = {}) {
  const nested = (value: string) =>
    path.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), transform(value)) as Json;
  return { body: (value: string) => ({ ...fixed, ...nested(value) }), shows: path };
}

/** The kinds the chains cover, parents before children. */
export const resourceKinds: readonly ResourceKind[] = [
  {
    name: 'organization',
    itemPath: '/api/v1/organizations/{id}',
    create: writes('display_name'),
    update: writes('display_name'),
  },
  {
    name: 'user',
    itemPath: '/api/v1/users/{id}',
    // No invitation email: a chain against a live target must not mail anyone.
    create: { ...writes('email', (label) => `${label}@example.com`), query: { send_invitation_email: 'false' } },
    update: writes('user_profile.given_name'),
  },
  {
    name: 'domain',
    itemPath: '/api/v1/organizations/{organization_id}/domains/{id}',
    // Host names take hyphens where labels have underscores.
    create: writes('domain', (label) => `${label.replaceAll('_', '-')}.example.com`, {
      domain_type: 'ALLOWED_EMAIL_DOMAIN',
    }),
  },
  {
    name: 'client',
    itemPath: '/api/v1/organizations/{organization_id}/clients/{client_id}',
    create: writes('name'),
    update: writes('description'),
  },
  {
    name: 'client secret',
    itemPath: '/api/v1/organizations/{organization_id}/clients/{client_id}/secrets/{secret_id}',
    create: {},
    // A client holds at most two active secrets, and creating the client made the first.
    maxPerParent: 1,
  },
  {
    name: 'organization role',
    itemPath: '/api/v1/organizations/{org_id}/roles/{role_name}',
    create: writes('name'),
    update: writes('display_name'),
  },
  {
    name: 'environment role',
    itemPath: '/api/v1/roles/{role_name}',
    create: writes('name'),
    update: writes('display_name'),
  },
  {
    name: 'permission',
    itemPath: '/api/v1/permissions/{permission_name}',
    create: writes('name'),
    update: writes('description'),
  },
];

/** A kind wired to the spec: every operation and response property below comes from the spec and the links. */
export interface ResolvedKind {
  kind: ResourceKind;
  resource: string;
  /** The create, and where its answer carries the new resource's identifying value. */
  create: ValueSource;
  createOperation: OperationInfo;
  parent?: ResolvedKind;
  /** Get on the item path, and where its answer carries the resource. */
  get?: ValueSource;
  /** For kinds without a get of their own: the array in the parent's get answer that lists them. */
  viewInParent?: string;
  list?: { operation: OperationInfo; source: ValueSource };
  update?: OperationInfo;
  remove: OperationInfo;
}

const sameOperation = (a: OperationRef, b: OperationRef) => a.method === b.method && a.path === b.path;
const pathParameters = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');

/** Wires each kind to the spec through the links; throws with the reason when the spec no longer fits a kind. */
export function resolveKinds(
  document: DereferencedDocument,
  kinds: readonly ResourceKind[] = resourceKinds,
  links: LinkMap = inferLinks(document),
): ResolvedKind[] {
  const operations = operationsOf(document);
  const operation = (method: string, path: string) => operations.find((o) => o.method === method && o.path === path);
  const producerOf = (path: string, parameter: string) =>
    links.links.find((l) => l.operation.path === path && l.parameter === parameter);
  const resolved: ResolvedKind[] = [];
  for (const kind of kinds) {
    const fail = (why: string): never => {
      throw new Error(`stateful kind "${kind.name}": ${why}; adjust resourceKinds in src/contract/stateful.ts`);
    };
    const own = producerOf(kind.itemPath, pathParameters(kind.itemPath).at(-1) ?? '');
    if (own?.producer.role !== 'create') return fail(`no create operation produces ${kind.itemPath}'s id`);
    const createOperation = operation(own.producer.operation.method, own.producer.operation.path);
    const remove = operation('delete', kind.itemPath);
    if (!createOperation || !remove) return fail(`${kind.itemPath} has no create or no delete`);
    const parentParameter = pathParameters(createOperation.path).at(-1);
    const parentLink = parentParameter ? producerOf(createOperation.path, parentParameter) : undefined;
    const parent = parentLink && resolved.find((r) => sameOperation(r.create.operation, parentLink.producer.operation));
    if (parentParameter && !parent) return fail(`the parent named by {${parentParameter}} is not an earlier kind`);
    const fields = [own.producer.field];
    const getOperation = operation('get', kind.itemPath);
    const get = getOperation && findCarrier(document, getOperation, own.resource, fields);
    const viewInParent = parent?.get && findNestedCarrier(document, parent.get, own.resource, own.producer.field);
    if (!get && !viewInParent) return fail('neither a get nor its parent’s get shows it');
    const listOperation = operation('get', createOperation.path);
    const listSource = listOperation && findCarrier(document, listOperation, own.resource, fields);
    const update = operation('patch', kind.itemPath) ?? operation('put', kind.itemPath);
    resolved.push({
      kind,
      resource: own.resource,
      create: own.producer,
      createOperation,
      remove,
      ...(parent ? { parent } : {}),
      ...(get ? { get } : { viewInParent }),
      ...(listOperation && listSource?.many ? { list: { operation: listOperation, source: listSource } } : {}),
      ...(kind.update && update ? { update } : {}),
    });
  }
  return resolved;
}

// ---- the model ----

interface ModelResource {
  kind: string;
  /** The n in its label: how steps name it (`client #4`). */
  handle: number;
  /** The last value written to each shown field (dotted path), as the server must show it. */
  written: Record<string, unknown>;
  parent?: number;
  /** Its own identifying value and its ancestors', by kind name: enough to fill any of its paths. */
  ids: Record<string, string>;
}

export interface ChainModel {
  live: ModelResource[];
  /** Deleted resources: no list may show them again while their parent lives. */
  gone: ModelResource[];
}

const emptyModel = (): ChainModel => ({ live: [], gone: [] });

// ---- one run against the target ----

interface Step {
  title: string;
  exchanges: Exchange[];
}

const listPageSize = 100;
// A list longer than this many pages is not walked to its end; absence from it then proves nothing.
const maxListPages = 20;

/**
 * What a chain needs of the target under test: the authenticated client, the run tag its labels carry, and the
 * exchanges the client records. The harness's Target is one; naming only these keeps the chains free of vitest.
 */
export interface ChainTarget {
  api: ApiClient;
  runTag: string;
  readonly exchanges: readonly Exchange[];
}

export interface ChainOptions {
  /** The rules whose observations this chain checks; the others' checks are skipped (their test runs them). */
  rules: readonly RuleId[];
}

/** The resolved kinds, the target and a label counter shared by every run of one test. */
export class ChainContext {
  readonly kinds: ResolvedKind[];
  readonly target: ChainTarget;
  readonly rules: ReadonlySet<RuleId>;
  readonly #links: LinkMap;
  #labels = 0;

  constructor(target: ChainTarget, document: DereferencedDocument, options: ChainOptions) {
    this.target = target;
    this.#links = inferLinks(document);
    this.kinds = resolveKinds(document, resourceKinds, this.#links);
    this.rules = new Set(options.rules);
  }

  /** The kind whose create produces the value of a path parameter, by the links. */
  ownerOf(path: string, parameter: string): string {
    const link = this.#links.links.find((l) => l.operation.path === path && l.parameter === parameter);
    const owner = link && this.kinds.find((k) => sameOperation(k.create.operation, link.producer.operation));
    if (!owner) throw new Error(`stateful chain: no kind produces {${parameter}} of ${path}`);
    return owner.kind.name;
  }

  kind(name: string): ResolvedKind {
    const found = this.kinds.find((k) => k.kind.name === name);
    if (!found) throw new Error(`no stateful kind named ${name}`);
    return found;
  }

  /**
   * A fresh label carrying the run tag, so everything a chain creates can be told apart and swept. Letters, digits
   * and an underscore only: role and permission names allow nothing else.
   */
  nextLabel(): { handle: number; label: string } {
    this.#labels += 1;
    return { handle: this.#labels, label: `${this.target.runTag}_${this.#labels}` };
  }
}

type Untyped = (
  path: string,
  init: { params: { path: Record<string, string>; query?: Record<string, string | number> }; body?: Json },
) => Promise<unknown>;

/** The system side of a model run: the requests made so far, grouped by step, and what is left to clean up. */
export class ChainRun {
  readonly context: ChainContext;
  readonly steps: Step[] = [];
  #created: ModelResource[] = [];

  constructor(context: ChainContext) {
    this.context = context;
  }

  /** Fills a path template from the ids a resource carries; which kind each parameter names comes from the links. */
  pathValues(path: string, ids: Record<string, string>): Record<string, string> {
    const values: Record<string, string> = {};
    for (const parameter of pathParameters(path)) {
      const owner = this.context.ownerOf(path, parameter);
      const value = ids[owner];
      if (value === undefined) throw new Error(`stateful chain: no ${owner} id to fill {${parameter}} of ${path}`);
      values[parameter] = value;
    }
    return values;
  }

  /** The typed client's method, called with a path template the kinds chose at run time. */
  #send(method: string): Untyped {
    const send = (this.context.target.api as unknown as Record<string, Untyped | undefined>)[method.toUpperCase()];
    if (!send) throw new Error(`stateful chain: the client has no ${method.toUpperCase()}`);
    return send.bind(this.context.target.api);
  }

  async call(
    step: Step,
    method: string,
    path: string,
    ids: Record<string, string>,
    extra: { body?: Json; query?: Record<string, string | number> } = {},
  ): Promise<{ exchange: Exchange; body: Json | undefined }> {
    const send = this.#send(method);
    const init = {
      params: { path: this.pathValues(path, ids), ...(extra.query ? { query: extra.query } : {}) },
      ...(extra.body ? { body: extra.body } : {}),
    };
    const { exchange } = await exchangeOf(this.context.target, () => send(path, init));
    step.exchanges.push(exchange);
    const parsed = exchange.responseBody ? parseJsonBody(exchange) : undefined;
    const body = parsed?.ok && parsed.value && typeof parsed.value === 'object' ? (parsed.value as Json) : undefined;
    return { exchange, body };
  }

  /**
   * Runs one command's requests as a step. Failures go out with the chain so far attached, so a shrunk
   * counterexample reads as the list of steps that lead to it.
   */
  async step(title: string, body: (step: Step, check: (f: Failure | undefined) => void) => Promise<void>) {
    const step: Step = { title, exchanges: [] };
    const failures: Failure[] = [];
    try {
      await body(step, (f) => {
        if (f) failures.push(f);
      });
    } catch (error) {
      // An error that is no check's (a timeout, a refused connection) still shows where in the chain it came.
      this.steps.push(step);
      const message = error instanceof Error ? error.message : String(error);
      throw new Error([message, ...formatChain(this.steps)].join('\n'), { cause: error });
    }
    this.steps.push(step);
    if (failures.length > 0) {
      const chain = formatChain(this.steps);
      throw new PropertyFailure(failures.map((f) => ({ ...f, details: [...(f.details ?? []), ...chain] })));
    }
  }

  checks(rule: RuleId): boolean {
    return this.context.rules.has(rule);
  }

  created(resource: ModelResource): void {
    this.#created.push(resource);
  }

  deleted(resource: ModelResource): void {
    this.#created = this.#created.filter((r) => r.handle !== resource.handle);
  }

  /** Deletes what the run left, newest first (children before parents); a 404 means a cascade got there first. */
  async cleanup(): Promise<void> {
    for (const resource of [...this.#created].reverse()) {
      const { itemPath } = this.context.kind(resource.kind).kind;
      await this.#send('delete')(itemPath, { params: { path: this.pathValues(itemPath, resource.ids) } }).catch(
        () => undefined,
      );
    }
    this.#created = [];
  }
}

/** The chain as readable lines: each step, each request with its status, and a curl line that repeats it. */
export function formatChain(steps: readonly { title: string; exchanges: readonly Exchange[] }[]): string[] {
  const lines = ['chain:'];
  steps.forEach((step, index) => {
    lines.push(`${index + 1}. ${step.title}`);
    for (const exchange of step.exchanges) {
      const url = new URL(exchange.url);
      lines.push(`   ${exchange.method} ${url.pathname}${url.search} → ${exchange.status}`);
      lines.push(`     ${toCurl(exchange)}`);
    }
  });
  return lines;
}

// ---- reading what the server shows ----

const named = (kind: ResolvedKind, resource: ModelResource) => `${kind.kind.name} #${resource.handle}`;

function objectAt(body: Json | undefined, property: string): Json | undefined {
  const value = body?.[property];
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

const itemsAt = (body: Json | undefined, property: string): Json[] => {
  const value = body?.[property];
  return Array.isArray(value) ? value.filter((v): v is Json => !!v && typeof v === 'object') : [];
};

/** Reads one resource the way the spec offers: its own get, or its entry in the parent's get. */
async function read(
  run: ChainRun,
  step: Step,
  kind: ResolvedKind,
  resource: ModelResource,
): Promise<{ exchange: Exchange; found: Json | undefined }> {
  if (kind.get) {
    const { exchange, body } = await run.call(step, 'get', kind.kind.itemPath, resource.ids);
    return { exchange, found: exchange.status === 200 ? objectAt(body, kind.get.property) : undefined };
  }
  const parent = kind.parent as ResolvedKind & { get: ValueSource };
  const { exchange, body } = await run.call(step, 'get', parent.kind.itemPath, resource.ids);
  const entries = itemsAt(objectAt(body, parent.get.property), kind.viewInParent ?? '');
  const found = entries.find((e) => e[kind.create.field] === resource.ids[kind.kind.name]);
  return { exchange, found };
}

/** A list entry and the page (exchange) that showed it, so a failure replays the page that matters. */
interface Listed {
  item: Json;
  exchange: Exchange;
}

/** Walks a list page by page (token or page-number style, as the operation declares), up to a bound. */
async function walkList(
  run: ChainRun,
  step: Step,
  kind: ResolvedKind,
  ids: Record<string, string>,
): Promise<{ items: Listed[]; complete: boolean; last: Exchange; failed?: boolean }> {
  const list = kind.list as NonNullable<ResolvedKind['list']>;
  const declared = new Set(list.operation.parameters.filter((p) => p.in === 'query').map((p) => p.name));
  const items: Listed[] = [];
  let query: Record<string, string | number> = declared.has('page_size') ? { page_size: listPageSize } : {};
  for (let page = 0; page < maxListPages; page++) {
    const { exchange, body } = await run.call(step, 'get', list.operation.path, ids, { query });
    if (exchange.status !== 200) return { items, complete: false, last: exchange, failed: true };
    const pageItems = itemsAt(body, list.source.property);
    items.push(...pageItems.map((item) => ({ item, exchange })));
    const next = text(body?.next_page_token);
    if (declared.has('page_token') && next) query = { ...query, page_token: next };
    else if (declared.has('page_number') && pageItems.length >= listPageSize)
      query = { ...query, page_number: page + 1 };
    else return { items, complete: true, last: exchange };
  }
  return { items, complete: false, last: step.exchanges.at(-1) as Exchange };
}

const listing = (kind: ResolvedKind, items: readonly Listed[], resource: ModelResource) =>
  items.find(({ item }) => item[kind.list?.source.field ?? ''] === resource.ids[kind.kind.name]);

// ---- commands ----

type Check = (f: Failure | undefined) => void;

/** After a create or an update: get shows the resource as the model has it (OAS-019). */
async function checkReadable(run: ChainRun, step: Step, check: Check, kind: ResolvedKind, resource: ModelResource) {
  if (!run.checks('OAS-019')) return;
  const where = kind.get ? operationName({ method: 'get', path: kind.kind.itemPath }) : 'its parent’s get';
  const shown = { name: named(kind, resource), written: resource.written };
  for (const found of showsWhatWasWritten('OAS-019', await read(run, step, kind, resource), shown, where)) check(found);
}

/** The list under the resource's parent shows every live resource of the kind and no deleted one. */
async function checkListed(
  run: ChainRun,
  model: ChainModel,
  step: Step,
  check: Check,
  kind: ResolvedKind,
  ids: Record<string, string>,
  parent?: number,
) {
  if (!kind.list) return;
  const sameParent = (r: ModelResource) => r.kind === kind.kind.name && r.parent === parent;
  const expectedLive = run.checks('OAS-019') ? model.live.filter(sameParent) : [];
  const expectedGone = run.checks('OAS-018') ? model.gone.filter(sameParent) : [];
  if (expectedLive.length + expectedGone.length === 0) return;
  const { items, complete, last, failed } = await walkList(run, step, kind, ids);
  const expected = (r: ModelResource): ExpectedListing => ({
    name: named(kind, r),
    field: kind.list?.source.field ?? '',
    id: r.ids[kind.kind.name] ?? '',
    shownOn: listing(kind, items, r)?.exchange,
  });
  const list = { where: operationName(kind.list.operation), items: items.length, complete, failed: !!failed, last };
  for (const found of listAgreesWithModel(list, expectedLive.map(expected), expectedGone.map(expected))) check(found);
}

const pick = <T>(items: readonly T[], index: number): T | undefined => items[index % Math.max(items.length, 1)];
const liveOf = (model: Readonly<ChainModel>, kind: string) => model.live.filter((r) => r.kind === kind);

abstract class ChainCommand implements fc.AsyncCommand<ChainModel, ChainRun> {
  constructor(
    readonly context: ChainContext,
    readonly kindName: string,
    readonly choice: number,
  ) {}
  get kind(): ResolvedKind {
    return this.context.kind(this.kindName);
  }
  abstract check(model: Readonly<ChainModel>): boolean;
  abstract run(model: ChainModel, run: ChainRun): Promise<void>;
  abstract readonly verb: string;
  toString(): string {
    return `${this.verb}(${this.kindName}, ${this.choice})`;
  }
  target(model: Readonly<ChainModel>): ModelResource | undefined {
    return pick(liveOf(model, this.kindName), this.choice);
  }
}

/** Create under a chosen parent; the new resource must be readable at once and appear in its list (OAS-019). */
export class CreateCommand extends ChainCommand {
  readonly verb = 'create';
  parents(model: Readonly<ChainModel>): (ModelResource | undefined)[] {
    const { parent } = this.kind;
    const limit = this.kind.kind.maxPerParent ?? 3;
    const children = (handle?: number) => liveOf(model, this.kindName).filter((r) => r.parent === handle).length;
    if (!parent) return children(undefined) < limit ? [undefined] : [];
    return liveOf(model, parent.kind.name).filter((p) => children(p.handle) < limit);
  }
  check(model: Readonly<ChainModel>): boolean {
    return this.parents(model).length > 0;
  }
  async run(model: ChainModel, run: ChainRun): Promise<void> {
    const kind = this.kind;
    const parent = pick(this.parents(model), this.choice);
    const { handle, label } = this.context.nextLabel();
    const where = parent && kind.parent ? ` in ${named(kind.parent, parent)}` : '';
    const sent = kind.kind.create.body?.(label);
    const { shows } = kind.kind.create;
    // A create without a body (a secret's) sends no label, so the step's title shows none.
    const shown = sent ? ` "${label}"` : '';
    await run.step(`create ${kind.kind.name} #${handle}${shown}${where}`, async (step, check) => {
      const ids = { ...(parent?.ids ?? {}) };
      const { exchange, body } = await run.call(step, 'post', kind.createOperation.path, ids, {
        ...(sent ? { body: sent } : {}),
        ...(kind.kind.create.query ? { query: kind.kind.create.query } : {}),
      });
      const id = text(objectAt(body, kind.create.property)?.[kind.create.field]);
      const created = createdWithId('OAS-019', exchange, id, `${kind.create.property}.${kind.create.field}`);
      if (created || !id) {
        check(created);
        return;
      }
      const resource: ModelResource = {
        kind: kind.kind.name,
        handle,
        written: shows && sent ? { [shows]: valueAt(sent, shows) } : {},
        ...(parent ? { parent: parent.handle } : {}),
        ids: { ...ids, [kind.kind.name]: id },
      };
      run.created(resource);
      model.live.push(resource);
      await checkReadable(run, step, check, kind, resource);
      await checkListed(run, model, step, check, kind, resource.ids, resource.parent);
    });
  }
}

/** Get an existing resource: it shows what the model holds (OAS-019). */
export class GetCommand extends ChainCommand {
  readonly verb = 'get';
  check(model: Readonly<ChainModel>): boolean {
    return liveOf(model, this.kindName).length > 0;
  }
  async run(model: ChainModel, run: ChainRun): Promise<void> {
    const resource = this.target(model) as ModelResource;
    await run.step(`get ${named(this.kind, resource)}`, (step, check) =>
      checkReadable(run, step, check, this.kind, resource),
    );
  }
}

/** List under a chosen parent: every live resource shows (OAS-019), no deleted one does (OAS-018). */
export class ListCommand extends ChainCommand {
  readonly verb = 'list';
  parents(model: Readonly<ChainModel>): (ModelResource | undefined)[] {
    const { parent } = this.kind;
    return parent ? liveOf(model, parent.kind.name) : [undefined];
  }
  check(model: Readonly<ChainModel>): boolean {
    return this.kind.list !== undefined && this.parents(model).length > 0;
  }
  async run(model: ChainModel, run: ChainRun): Promise<void> {
    const kind = this.kind;
    const parent = pick(this.parents(model), this.choice);
    const where = parent && kind.parent ? ` in ${named(kind.parent, parent)}` : '';
    await run.step(`list ${kind.kind.name}${where}`, (step, check) =>
      checkListed(run, model, step, check, kind, parent?.ids ?? {}, parent?.handle),
    );
  }
}

/** Update a shown field: get shows the new value at once (OAS-019). */
export class UpdateCommand extends ChainCommand {
  readonly verb = 'update';
  check(model: Readonly<ChainModel>): boolean {
    return this.kind.update !== undefined && liveOf(model, this.kindName).length > 0;
  }
  async run(model: ChainModel, run: ChainRun): Promise<void> {
    const kind = this.kind;
    const resource = this.target(model) as ModelResource;
    const update = kind.update as OperationInfo;
    const change = kind.kind.update as NonNullable<ResourceKind['update']>;
    const value = `${this.context.nextLabel().label} updated`;
    await run.step(`update ${named(kind, resource)}: ${change.shows} "${value}"`, async (step, check) => {
      const body = change.body(value);
      const { exchange } = await run.call(step, update.method, update.path, resource.ids, { body });
      const accepted = writeAccepted('OAS-019', 'update', operationName(update), exchange);
      if (accepted) {
        check(accepted);
        return;
      }
      resource.written[change.shows] = valueAt(body, change.shows);
      await checkReadable(run, step, check, kind, resource);
    });
  }
}

/** Delete a resource: get answers 404 and its list no longer shows it (OAS-018); its children go with it. */
export class DeleteCommand extends ChainCommand {
  readonly verb = 'delete';
  check(model: Readonly<ChainModel>): boolean {
    return liveOf(model, this.kindName).length > 0;
  }
  async run(model: ChainModel, run: ChainRun): Promise<void> {
    const kind = this.kind;
    const resource = this.target(model) as ModelResource;
    await run.step(`delete ${named(kind, resource)}`, async (step, check) => {
      const { exchange } = await run.call(step, 'delete', kind.kind.itemPath, resource.ids);
      const accepted = writeAccepted('OAS-018', 'delete', operationName(kind.remove), exchange);
      if (accepted) {
        check(accepted);
        return;
      }
      run.deleted(resource);
      // Descendants are gone too, but the model makes no claim about them: the spec does not say they cascade.
      const dropped = new Set([resource.handle]);
      for (const r of model.live) if (r.parent !== undefined && dropped.has(r.parent)) dropped.add(r.handle);
      model.live = model.live.filter((r) => !dropped.has(r.handle));
      model.gone = model.gone.filter((r) => r.parent === undefined || !dropped.has(r.parent));
      model.gone.push(resource);
      if (!run.checks('OAS-018')) return;
      const after = await read(run, step, kind, resource);
      check(deletedNotReadable('OAS-018', after, { name: named(kind, resource), hasOwnGet: kind.get !== undefined }));
      await checkListed(run, model, step, check, kind, resource.ids, resource.parent);
    });
  }
}

/** The command arbitraries for fc.commands: creates weigh double, and organizations (the root) get their own. */
export function commandArbitraries(context: ChainContext): fc.Arbitrary<fc.AsyncCommand<ChainModel, ChainRun>>[] {
  const names = context.kinds.map((k) => k.kind.name);
  const any = fc.tuple(fc.constantFrom(...names), fc.nat({ max: 7 }));
  const root = context.kinds.find((k) => !k.parent)?.kind.name ?? names[0] ?? '';
  return [
    fc.nat({ max: 7 }).map((n) => new CreateCommand(context, root, n)),
    any.map(([kind, n]) => new CreateCommand(context, kind, n)),
    any.map(([kind, n]) => new GetCommand(context, kind, n)),
    any.map(([kind, n]) => new ListCommand(context, kind, n)),
    any.map(([kind, n]) => new UpdateCommand(context, kind, n)),
    any.map(([kind, n]) => new DeleteCommand(context, kind, n)),
  ];
}

/**
 * Runs commands against a fresh model, then deletes what they left (also when a check failed). `start` runs
 * first, in the setup: random sequences begin from an organization, so fewer of their commands are inapplicable.
 */
export async function runChain(
  context: ChainContext,
  commands: Iterable<fc.AsyncCommand<ChainModel, ChainRun>>,
  start: readonly fc.AsyncCommand<ChainModel, ChainRun>[] = [],
): Promise<void> {
  const run = new ChainRun(context);
  try {
    await fc.asyncModelRun(async () => {
      const model = emptyModel();
      for (const command of start) await command.run(model, run);
      return { model, real: run };
    }, commands);
  } finally {
    await run.cleanup();
  }
}

/** The setup of a random sequence: one root resource (an organization) to hang children on. */
export function rootCommands(context: ChainContext): fc.AsyncCommand<ChainModel, ChainRun>[] {
  return context.kinds
    .filter((k) => !k.parent)
    .slice(0, 1)
    .map((k) => new CreateCommand(context, k.kind.name, 0));
}

/**
 * A fixed chain through every kind, so every check runs whatever the random sequences pick: create each kind
 * (parents first); for OAS-019 then get, update and list each; for OAS-018 then delete each, children first.
 */
export function lifecycleCommands(context: ChainContext): fc.AsyncCommand<ChainModel, ChainRun>[] {
  const kinds = context.kinds.map((k) => k.kind.name);
  return [
    ...kinds.map((k) => new CreateCommand(context, k, 0)),
    ...(context.rules.has('OAS-019')
      ? kinds.flatMap((k) => [
          new GetCommand(context, k, 0),
          new UpdateCommand(context, k, 0),
          new ListCommand(context, k, 0),
        ])
      : []),
    ...(context.rules.has('OAS-018') ? [...kinds].reverse().map((k) => new DeleteCommand(context, k, 0)) : []),
  ];
}
