// General OpenAPI conformance over every operation of the spec (OAS-009..OAS-017, TOK-004, TOK-005): the file
// builds a small world through the API (an organization with a domain, a member, a role, a permission), then sends
// each of the 111 operations a valid request (path parameters from the world, a body sampled from its schema), a
// request without a token and one with a forged token, a request missing what it requires, bodies that break
// exactly one schema constraint (confirmed invalid by the validator first, so no false positives), and each path a
// method it does not declare. Every check below is a named function in src/contract/checks.ts, judged over the
// recorded exchanges. What the target does beyond the spec without contradicting it (an error status, a property
// or a content type the spec does not declare, an error body's envelope) is drift, reported apart from failures.
import { describe, inject } from 'vitest';
import { cleanupTriggers, runTriggers, type TriggerContext } from '../../fixtures/builders/webhook-triggers.js';
import type { Failure } from '../../src/checks/failure.js';
import { isTransportFailure } from '../../src/client/problems.js';
import { isRunInterruption } from '../../src/client/safety.js';
import type { Exchange } from '../../src/client/transport.js';
import { type ContractCheck, contractChecks } from '../../src/contract/checks.js';
import {
  httpMethods,
  type OperationInfo,
  operationFor,
  operationsOf,
  pageSizeBounds,
} from '../../src/contract/operations.js';
import { type SdkReadBeyondSpec, sdkReadsBeyondSpec } from '../../src/contract/sdk-operations.js';
import { confirmedNegatives } from '../../src/generation/negative.js';
import { assertConforms, caseCount, noteDrift, type Target, test } from '../../src/harness/index.js';
import { type DereferencedDocument, dereferencedSpec } from '../../src/spec/document.js';
import { sampleFromSchema } from '../../src/spec/sample.js';

// Read when the first test runs, not when the file is collected: collecting (`rules`, the suite index) has no run.
let spec:
  | {
      document: DereferencedDocument;
      operations: OperationInfo[];
      methodsOfPath: Map<string, string[]>;
      specStatuses: string[];
    }
  | undefined;
async function loadSpec() {
  if (spec) return spec;
  const document = await dereferencedSpec(inject('conformance').specPath);
  const operations = operationsOf(document);
  const methodsOfPath = new Map<string, string[]>();
  for (const op of operations) methodsOfPath.set(op.path, [...(methodsOfPath.get(op.path) ?? []), op.method]);
  const specStatuses = [...new Set(operations.flatMap((op) => op.declared))];
  spec = { document, operations, methodsOfPath, specStatuses };
  return spec;
}

/** A read the official SDK sends that the spec declares no operation for, and the target's answer. */
interface BeyondSpec {
  read: SdkReadBeyondSpec;
  exchange: Exchange;
}

interface Recorded {
  kind: ContractCheck['appliesTo'];
  operation: OperationInfo;
  exchange: Exchange;
  /** The valid request, its path parameters all naming resources of the world. */
  fromWorld?: boolean;
}

/** The world's value for a path parameter, by its name and the segment before it; undefined when it has none. */
function worldValue(world: TriggerContext, path: string, name: string): string | undefined {
  const before = path.split(`{${name}}`)[0]?.split('/').filter(Boolean).at(-1) ?? '';
  if (name === 'organization_id' || name === 'org_id') return world.organizationId;
  if (name === 'user_id') return world.member?.id;
  if (name === 'role_name') return world.roleName;
  if (name === 'permission_name') return world.permissionName;
  if (name === 'directory_id') return world.directoryId;
  if (name === 'id') {
    if (before === 'organizations') return world.organizationId;
    if (before === 'users') return world.member?.id;
    if (before === 'domains') return world.domainId;
    if (before === 'connections') return world.connectionId;
    if (before === 'directories') return world.directoryId;
  }
  return undefined;
}

/** Sends one request to an operation (or a path the spec does not declare) through the typed client; the client is picked by `auth`. */
async function send(
  target: Target,
  operation: Pick<OperationInfo, 'method' | 'path'>,
  request: { path: Record<string, string>; query?: Record<string, unknown>; body?: unknown },
  auth: 'token' | 'none' | 'forged' = 'token',
  method: string = operation.method,
): Promise<Exchange | undefined> {
  const client =
    auth === 'token' ? target.api : auth === 'none' ? target.anonymous : target.withBearer('forged.jwt.token');
  const call = (client as unknown as Record<string, (path: string, init: object) => Promise<unknown>>)[
    method.toUpperCase()
  ];
  const before = target.exchanges.length;
  try {
    await call?.(operation.path, {
      params: { path: request.path, ...(request.query ? { query: request.query } : {}) },
      ...(request.body === undefined ? {} : { body: request.body }),
    });
  } catch (error) {
    // A transport error (timeout, reset) leaves no exchange: the run's other checks still judge the rest, and a
    // check left with nothing to judge is errored by it (see the tests), never skipped for want of requests.
    if (isTransportFailure(error) || isRunInterruption(error)) unanswered.push(error);
  }
  return target.exchanges.length > before ? target.exchanges.at(-1) : undefined;
}

/** The value at a JSON pointer inside a generated instance. */
function valueAt(value: unknown, pointer: string): unknown {
  let current = value;
  for (const key of pointer.split('/').slice(1)) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}

interface Exercise {
  recorded: Recorded[];
  beyondSpec: BeyondSpec[];
}

let exercising: Promise<Exercise> | undefined;
/** The errors of the exercise's requests that got no answer, first first. */
const unanswered: unknown[] = [];

/** Every request of the file, sent once and judged by all the checks. */
function exercise(target: Target): Promise<Exercise> {
  exercising ??= (async () => {
    const { document, operations, methodsOfPath } = await loadSpec();
    const recorded: Recorded[] = [];
    const keep = (
      kind: Recorded['kind'],
      operation: OperationInfo,
      exchange: Exchange | undefined,
      fromWorld = false,
    ) => {
      if (exchange) recorded.push({ kind, operation, exchange, fromWorld });
    };
    const worldStart = target.exchanges.length;
    const world = await runTriggers(target, [
      'organization.created',
      'organization.domain_created',
      'role.created',
      'permission.created',
      'user.organization_membership_created',
      'organization.directory_enabled',
      'organization.sso_enabled',
    ]);
    // The calls that built the world are judged too: they are requests to the spec's operations like any other.
    for (const exchange of target.exchanges.slice(worldStart)) {
      const operation = operationFor(operations, exchange.method, exchange.url);
      if (operation) recorded.push({ kind: 'any', operation, exchange });
    }
    let sample = 0;
    // Tagged: whatever a sampled create makes or a sampled update renames still carries the run tag for the sweep.
    const valid = (schema: unknown) =>
      sampleFromSchema(document, schema, { seed: target.seed + sample++, tag: target.runTag });
    const order = (op: OperationInfo) => (op.method === 'get' ? 0 : op.method === 'delete' ? 2 : 1);
    for (const operation of [...operations].sort((a, b) => order(a) - order(b))) {
      const pathParams = operation.parameters.filter((p) => p.in === 'path');
      const fromWorld = Object.fromEntries(
        pathParams.map((p) => [p.name, worldValue(world.context, operation.path, p.name)]),
      ) as Record<string, string | undefined>;
      const known = pathParams.every((p) => fromWorld[p.name] !== undefined);
      const path = Object.fromEntries(pathParams.map((p) => [p.name, fromWorld[p.name] ?? `unknown-${p.name}`]));
      const query = Object.fromEntries(
        operation.parameters.filter((p) => p.in === 'query' && p.required).map((p) => [p.name, valid(p.schema)]),
      );
      const body = operation.body ? valid(operation.body.schema) : undefined;
      // A read of resources that exist is the one request every conforming server must accept as it is.
      // Only what the world names: a required query parameter gets a made-up value, which may name nothing; and a
      // lookup without path parameters may need optional ones the spec cannot express, so of those only lists.
      const positive =
        operation.method === 'get' &&
        known &&
        Object.keys(query).length === 0 &&
        (pathParams.length > 0 || /List/.test(operation.operationId));
      const plain = await send(target, operation, { path, query, body });
      // From the world alone: path parameters naming what exists, and no sampled body that may name what does not.
      const worldOnly = known && pathParams.length > 0 && operation.body === undefined;
      keep(positive ? 'positive' : 'any', operation, plain, worldOnly);
      keep('no-token', operation, await send(target, operation, { path, query, body }, 'none'));
      keep('bad-token', operation, await send(target, operation, { path, query, body }, 'forged'));
      const requiresMore = operation.body?.required || Object.keys(query).length > 0;
      if (requiresMore && operation.method !== 'delete') {
        keep('missing-required', operation, await send(target, operation, { path }));
      }
      const pageSize = operation.parameters.find((p) => p.name === 'page_size' && p.in === 'query');
      const bounds = pageSize && pageSizeBounds(pageSize);
      // Only where the same read without page_size succeeded: the probe changes nothing else.
      const readable = plain !== undefined && plain.status >= 200 && plain.status < 300;
      if (bounds && readable && operation.method === 'get' && Object.keys(query).length === 0) {
        for (const size of new Set([bounds.min, bounds.max])) {
          keep('page-size', operation, await send(target, operation, { path, query: { page_size: size } }));
        }
      }
      if (operation.body && operation.method === 'post' && known) {
        // The file's one registry: Ajv compiles each schema once, not once per operation.
        const { instances } = confirmedNegatives(document, operation.body.schema, {
          seed: target.seed,
          perCase: caseCount(1),
          location: 'body',
          registry: target.schemas,
        });
        // One instance per broken constraint (more with `run --runs`): every constraint of the body is tried. A null
        // where an optional field wants a value is what the profile forgives unless strictNulls (G-21): not a
        // negative case then.
        const strictNulls = target.profile.schema.strictNulls;
        for (const negative of instances.filter((n) => strictNulls || valueAt(n.value, n.case.pointer) !== null)) {
          keep('negative', operation, await send(target, operation, { path, query, body: negative.value }));
        }
      }
    }
    for (const [path, methods] of methodsOfPath) {
      const missing = httpMethods.find((m) => !methods.includes(m));
      const operation = operations.find((op) => op.path === path);
      if (!missing || !operation) continue;
      const values = Object.fromEntries(operation.parameters.filter((p) => p.in === 'path').map((p) => [p.name, 'x']));
      keep('unsupported-method', operation, await send(target, operation, { path: values }, 'token', missing));
    }
    // Reads only, without path variables (see sdkReadsBeyondSpec): safe on a shared target, and a 404 is unambiguous.
    const beyondSpec: BeyondSpec[] = [];
    for (const read of sdkReadsBeyondSpec(operations)) {
      const exchange = await send(target, { method: 'get', path: read.path }, { path: {} });
      if (exchange) beyondSpec.push({ read, exchange });
    }
    await cleanupTriggers(target, world.context);
    return { recorded, beyondSpec };
  })();
  return exercising;
}

/** Per operation, the statuses it answered in the exercise. */
function exercisedStatuses(recorded: readonly Recorded[]): Record<string, number[]> {
  const statuses = new Map<string, Set<number>>();
  for (const { operation, exchange } of recorded) {
    statuses.set(operation.key, (statuses.get(operation.key) ?? new Set()).add(exchange.status));
  }
  return Object.fromEntries([...statuses].map(([key, set]) => [key, [...set].sort((a, b) => a - b)]));
}

/**
 * The shared exercise, run inside whichever test comes first. The writes a read-only run refuses there are not that
 * test's precondition: every check judges what was sent and skips when nothing applies, so the mark is taken off.
 */
async function exerciseOnce(target: Target, task: { meta: { writesRefused?: string[] } }): Promise<Exercise> {
  const exercised = await exercise(target);
  task.meta.writesRefused = undefined;
  return exercised;
}

describe('every operation of the spec', () => {
  for (const [name, check] of Object.entries(contractChecks) as [string, ContractCheck][]) {
    const tags = [check.rule, ...(check.also ?? [])];
    test(`${name.replace(/_/g, ' ')} (${tags.join(', ')})`, { tags }, async ({ target, skip, task }) => {
      const { recorded, beyondSpec } = await exerciseOnce(target, task);
      const { methodsOfPath, specStatuses } = await loadSpec();
      // The report's coverage of statuses rides on one test: whether every operation was reached is the suite's own
      // business (test/cli/cli.test.ts holds it), not a rule a target can break.
      if (check.rule === 'OAS-009') task.meta.exercised = exercisedStatuses(recorded);
      const failures: Failure[] = [];
      let judged = 0;
      for (const { kind, operation, exchange, fromWorld } of recorded) {
        if (check.appliesTo !== 'any' && check.appliesTo !== kind) continue;
        const input = {
          operation,
          exchange,
          registry: target.schemas,
          pathMethods: methodsOfPath.get(operation.path) ?? [],
          errors: target.profile.errors,
          fromWorld,
          specStatuses,
        };
        // A method the path does not declare is answered for the path, not for this operation: no drift of it.
        if (kind !== 'unsupported-method') noteDrift(...(check.drift?.(input) ?? []));
        if (check.applies && !check.applies(input)) continue;
        judged += 1;
        const found = check.run(input);
        if (found) failures.push({ ...found, title: `${operation.key}: ${found.title}` });
      }
      if (check.beyondSpec) noteDrift(...beyondSpec.map(({ read, exchange }) => check.beyondSpec?.(read, exchange)));
      // Nothing to judge because requests got no answer is no verdict: the first such error errors the test.
      if (judged === 0 && unanswered.length > 0) throw unanswered[0];
      // Nothing to judge (a read-only run sends no negative body) is a skip with its reason, never a pass.
      if (judged === 0) skip(`precondition not met: nothing was sent that ${name.replace(/_/g, ' ')} judges`);
      assertConforms(...failures.slice(0, 15));
    });
  }
});
