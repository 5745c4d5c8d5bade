import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ChangeKindId, SpecChange } from '../../src/drift/change-kinds.js';
import { diffSpecs } from '../../src/drift/spec-diff.js';
import { readSpecFile } from '../../src/spec/document.js';

// Optic (@useoptic/optic, its `breaking-changes` standard) against `diffSpecs` on the spec's published history:
// every change Optic calls breaking must be found here, at the same place, and be breaking for clients. Optic runs
// offline: no telemetry (OPTIC_TELEMETRY_LEVEL=off; this build carries no Sentry or Segment key either), no update
// check (NO_UPDATE_NOTIFIER, CI), no token, a home and working folder of its own outside any git repository. With
// CI=true it writes its results to ci-run-details.json in that folder, which is what is read here.

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const specPath = process.env.SCALEKIT_OPENAPI;
if (!specPath) throw new Error('set SCALEKIT_OPENAPI to the spec file before running these tests');
const pinned = resolve(packageDir, specPath);
const historyDir = join(dirname(pinned), 'history');
const versions = [
  ...readdirSync(historyDir)
    .filter((name) => /\.(ya?ml|json)$/.test(name))
    .sort()
    .map((name) => join(historyDir, name)),
  pinned,
];
const pairs = versions.slice(1).map((to, index) => ({ from: versions[index] as string, to }));
const label = (path: string) =>
  path === pinned ? 'pinned' : (/\.(\d{4}-\d\d-\d\d)\./.exec(path)?.[1] ?? basename(path));

const opticBin = join(
  dirname(createRequire(import.meta.url).resolve('@useoptic/optic/package.json')),
  'build',
  'index.js',
);
/** A hang guard, far above the 3 to 12 s a diff takes: only a stuck Optic reaches it. */
const opticHangGuardMs = 5 * 60_000;

/** One of Optic's rule results (ci-run-details.json, `completed[].comparison.results`). */
interface OpticResult {
  name: string;
  where: string;
  error?: string;
  passed: boolean;
  exempted: boolean;
  severity: number;
  location: { jsonPath: string; spec: 'before' | 'after' };
}

interface OpticRun {
  completed: { comparison: { results: OpticResult[] } }[];
  failed: unknown[];
  noop: unknown[];
}

/** Runs `optic diff FROM TO --check` in a folder of its own and returns its rule results. */
function opticCommand(from: string, to: string): Promise<OpticResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'skc-optic-'));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    XDG_CONFIG_HOME: dir,
    GIT_CEILING_DIRECTORIES: dirname(dir),
    OPTIC_TELEMETRY_LEVEL: 'off',
    NO_UPDATE_NOTIFIER: '1',
    CI: 'true',
  };
  const child = spawn(process.execPath, [opticBin, 'diff', from, to, '--check'], {
    cwd: dir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output = (output + chunk).slice(-4000);
  });
  child.stderr.on('data', (chunk) => {
    output = (output + chunk).slice(-4000);
  });
  return new Promise<OpticResult[]>((done, fail) => {
    const guard = setTimeout(() => {
      try {
        // The whole process group: Optic and anything it started.
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      fail(new Error(`optic diff ${label(from)} ${label(to)} still running after ${opticHangGuardMs} ms: killed`));
    }, opticHangGuardMs);
    child.on('error', (error) => {
      clearTimeout(guard);
      fail(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      try {
        // 0: no breaking change; 1: some (the default --severity error).
        if (code !== 0 && code !== 1) throw new Error(`optic exited ${code ?? signal}: ${output}`);
        const run = JSON.parse(readFileSync(join(dir, 'ci-run-details.json'), 'utf8')) as OpticRun;
        if (run.failed.length > 0) throw new Error(`optic could not diff: ${JSON.stringify(run.failed)}`);
        done(run.completed.flatMap((spec) => spec.comparison.results));
      } catch (error) {
        fail(error);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

// Optic's rules (its breaking-changes standard, @useoptic/standard-rulesets 1.0.9) and the change kinds that report
// the same change here. The parameter rules exist once per parameter location Optic checks.
const perLocation = (rule: string, locations: string[], kinds: ChangeKindId[]) =>
  Object.fromEntries(locations.map((location) => [rule.replace('{in}', location), kinds]));
const opticRuleKinds: Record<string, ChangeKindId[]> = {
  'prevent operation removal': ['SD-001'],
  'prevent response status code removal': ['SD-031'],
  // Request: an enum value removed, or an enum added to a free value; response: the reverse.
  'request and response property enums': ['SD-110', 'SD-120', 'SD-209', 'SD-221'],
  'prevent removing response property': ['SD-203'],
  'prevent making response property optional': ['SD-205'],
  // A response type set widened; `null` joining it is our "made nullable".
  'prevent response property type changes': ['SD-206', 'SD-207'],
  'prevent narrowing in response union types': ['SD-219', 'SD-206'],
  'prevent changing request property to required': ['SD-102', 'SD-104'],
  // A request type set narrowed; `null` leaving it is our "made non-nullable".
  'prevent request property type changes': ['SD-106', 'SD-108'],
  'prevent expanded in request union types': ['SD-119', 'SD-106'],
  ...perLocation('prevent new required {in} parameters', ['query', 'header', 'cookie'], ['SD-012']),
  ...perLocation('prevent requiring existing {in} parameters', ['query', 'header', 'cookie'], ['SD-013']),
  ...perLocation('prevent {in} parameters type changes', ['query', 'header', 'path', 'cookie'], ['SD-106', 'SD-108']),
  ...perLocation(
    'prevent {in} parameters enum breaking changes',
    ['query', 'header', 'path', 'cookie'],
    ['SD-110', 'SD-120'],
  ),
};

/** The names of the rules in Optic's breaking-changes standard, read from the installed rule set. */
function opticRuleNames(): string[] {
  const script = `const load = require('node:module').createRequire(${JSON.stringify(opticBin)});
    const { BreakingChangesRuleset } = load('@useoptic/standard-rulesets');
    console.log(JSON.stringify(new BreakingChangesRuleset().rules.map((rule) => rule.name)));`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: opticHangGuardMs });
  if (run.status !== 0) throw new Error(`could not read Optic's rule names: ${run.error ?? run.stderr}`);
  return JSON.parse(run.stdout) as string[];
}

const pointerSegment = (segment: string) => segment.replaceAll('~1', '/').replaceAll('~0', '~');
/** Path templates compared without their parameter names, as `diffSpecs` matches operations. */
const anonymous = (site: string) => site.replace(/\{[^}]*\}/g, '{}');

/** A schema trail (`properties/a/items/properties/b`) written the way `diffSpecs` writes it (`.a[].b`). */
function readableTrail(segments: string[]): string {
  let out = '';
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index] as string;
    if (segment === 'properties') out += `.${segments[++index]}`;
    else if (segment === 'items') out += '[]';
    else if (segment === 'additionalProperties') out += '.*';
    else if (segment === 'allOf' || segment === 'oneOf' || segment === 'anyOf')
      out += `<${segment} ${segments[++index]}>`;
    else out += `/${segment}`;
  }
  return out;
}

/**
 * Where an Optic result is, written as `diffSpecs` writes a change's location: `GET /a/{} response 200 .x[].y`,
 * `POST /a request body .x`, `GET /a query parameter limit`, `DELETE /a/{}`. Optic's pointers are into the
 * dereferenced spec, so they name the operation's own path, never a component.
 */
function opticSite(result: OpticResult): string {
  const segments = result.location.jsonPath.split('/').slice(1).map(pointerSegment);
  const [root, path, method, section, ...rest] = segments;
  if (root !== 'paths' || path === undefined || method === undefined) return `(${result.location.jsonPath})`;
  const operation = `${method.toUpperCase()} ${path}`;
  const withMedia = (base: string, mediaType: string | undefined) =>
    mediaType === undefined || mediaType === 'application/json' ? base : `${base} (${mediaType})`;
  const body = (base: string, tail: string[]) => {
    // tail: content, media type, schema, ...trail
    const [, mediaType, , ...trail] = tail;
    const readable = readableTrail(trail);
    return `${withMedia(base, mediaType)}${readable ? ` ${readable}` : ''}`;
  };
  if (section === undefined) return anonymous(operation);
  if (section === 'parameters') {
    // `GET /a query parameter: limit` (rulesets-base's parameter results); the pointer holds only its index.
    const match = /\s(\w+)(?:[ -]parameter)?: (.+)$/.exec(result.where);
    return anonymous(match ? `${operation} ${match[1]} parameter ${match[2]}` : `${operation} ${result.where}`);
  }
  if (section === 'requestBody') return anonymous(body(`${operation} request body`, rest));
  if (section === 'responses') {
    const [status, ...tail] = rest;
    return anonymous(body(`${operation} response ${status}`, tail));
  }
  return anonymous(`${operation} /${[section, ...rest].join('/')}`);
}

interface Verdict {
  rule: string;
  site: string;
  /** How this project reports the change at that site, or nothing. */
  found: { kind: ChangeKindId; clients: string }[];
}

/** Each Optic breaking result that `diffSpecs` misses or does not classify breaking for clients. */
function gaps(results: OpticResult[], changes: SpecChange[]): Verdict[] {
  const bySite = new Map<string, SpecChange[]>();
  for (const change of changes) {
    const site = anonymous(change.location);
    bySite.set(site, [...(bySite.get(site) ?? []), change]);
  }
  const out: Verdict[] = [];
  for (const result of results.filter((each) => !each.passed && !each.exempted)) {
    const site = opticSite(result);
    const kinds = opticRuleKinds[result.name] ?? [];
    // A removed operation carries everything Optic reports under it (its statuses, their bodies).
    const operation = /^\S+ \S+/.exec(site)?.[0] ?? site;
    const candidates = [
      ...(bySite.get(site) ?? []).filter((change) => kinds.includes(change.kind)),
      ...(bySite.get(operation) ?? []).filter((change) => change.kind === 'SD-001'),
    ];
    if (candidates.some((change) => change.clients === 'breaking')) continue;
    out.push({
      rule: result.name,
      site,
      found: candidates.map((change) => ({ kind: change.kind, clients: change.clients })),
    });
  }
  return out;
}

// A made-up pair with one change per Optic rule that fires on it, so the mapping is proven on parameters and
// request bodies too (the history's breaking changes are all in responses and operations).
const text = { type: 'string' };
const enumOf = (...values: string[]) => ({ type: 'string', enum: values });
const madeUp = (after: boolean) => ({
  openapi: '3.1.0',
  info: { title: 'Widgets', version: '1.0.0' },
  paths: {
    '/widgets/{id}': {
      get: {
        operationId: 'getWidget',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: after ? enumOf('a') : enumOf('a', 'b') },
          { name: 'q', in: 'query', required: after, schema: text },
          ...(after ? [{ name: 'n', in: 'query', required: true, schema: text }] : []),
          { name: 't', in: 'query', schema: after ? { type: 'integer' } : text },
          { name: 'e', in: 'query', schema: after ? enumOf('x') : enumOf('x', 'y') },
          { name: 'X-Tenant', in: 'header', required: after, schema: text },
        ],
        responses: {
          '200': {
            description: 'ok',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: after ? [] : ['optional'],
                  properties: {
                    ...(after ? {} : { gone: text }),
                    optional: text,
                    widened: after ? { type: ['string', 'integer'] } : text,
                    nullable: after ? { type: ['string', 'null'] } : text,
                    status: after ? enumOf('a', 'b') : enumOf('a'),
                    union: after ? { oneOf: [text] } : { oneOf: [text, { type: 'integer' }] },
                    list: {
                      type: 'array',
                      items: { type: 'object', properties: { deep: after ? enumOf('a', 'b') : enumOf('a') } },
                    },
                  },
                },
              },
            },
          },
          ...(after ? {} : { '404': { description: 'missing' } }),
        },
      },
      post: {
        operationId: 'updateWidget',
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: after ? ['made', 'added'] : [],
                properties: {
                  made: text,
                  ...(after ? { added: text } : {}),
                  retyped: after ? { type: 'integer' } : text,
                  narrowed: after ? enumOf('x') : enumOf('x', 'y'),
                  closed: after ? enumOf('x') : text,
                  nonNull: after ? text : { type: ['string', 'null'] },
                  union: after ? { oneOf: [text, { type: 'integer' }] } : { oneOf: [text] },
                },
              },
            },
          },
        },
        responses: { '200': { description: 'ok' } },
      },
    },
    ...(after
      ? {}
      : {
          '/gadgets/{id}': {
            delete: {
              operationId: 'deleteGadget',
              parameters: [{ name: 'id', in: 'path', required: true, schema: text }],
              responses: { '204': { description: 'gone' } },
            },
          },
        }),
  },
});

// What Optic 1.0.9 calls breaking on each pair: pinned so a silent Optic (a rule set that failed to load, a spec it
// could not read) cannot pass as agreement.
const opticBreakingPerPair: Record<string, number> = {
  '2025-12-23 → 2026-03-29': 9,
  '2026-03-29 → 2026-05-18': 14,
  '2026-05-18 → 2026-07-13': 8,
  '2026-07-13 → 2026-07-22': 0,
  '2026-07-22 → 2026-08-14': 8,
  '2026-08-14 → pinned': 0,
  'made-up pair': 23,
};

// Breaking changes Optic finds that `diffSpecs` misses or classifies otherwise, each a finding for spec-diff.ts or
// change-kinds.ts. Listed so the test states them; an entry that stops being a gap fails the test, so the list
// only shrinks. The published history has none.
const knownGaps: Record<string, Verdict[]> = {
  'made-up pair': [
    {
      // A response's oneOf lost a member (integer | string became string). Optic compares the members by position
      // and calls it breaking; SD-219 (alternatives changed) is 'review' for clients.
      rule: 'prevent narrowing in response union types',
      site: 'GET /widgets/{} response 200 .union',
      found: [{ kind: 'SD-219', clients: 'review' }],
    },
    {
      // A status removed from an operation that stays: Optic calls it breaking, SD-031 is 'review' for clients.
      rule: 'prevent response status code removal',
      site: 'GET /widgets/{} response 404',
      found: [{ kind: 'SD-031', clients: 'review' }],
    },
    {
      // A request's oneOf gained a member (string became string | integer): SD-119 is 'review' for clients.
      rule: 'prevent expanded in request union types',
      site: 'POST /widgets/{} request body .union',
      found: [{ kind: 'SD-119', clients: 'review' }],
    },
  ],
};

async function compare(from: string, to: string, name: string) {
  const results = await opticCommand(from, to);
  const unknownRules = [...new Set(results.map((result) => result.name))].filter((rule) => !(rule in opticRuleKinds));
  expect(unknownRules, 'Optic rules with no change kinds in opticRuleKinds').toEqual([]);
  const breaking = results.filter((result) => !result.passed && !result.exempted);
  expect(breaking.length, 'Optic breaking results').toBe(opticBreakingPerPair[name]);
  const changes = diffSpecs(readSpecFile(from).document, readSpecFile(to).document);
  expect(gaps(results, changes)).toEqual(knownGaps[name] ?? []);
}

describe('Optic against diffSpecs', () => {
  it("maps every rule of Optic's breaking-changes standard to change kinds", () => {
    expect(Object.keys(opticRuleKinds).sort()).toEqual(opticRuleNames().sort());
  });

  describe.each(pairs.map((pair) => ({ ...pair, name: `${label(pair.from)} → ${label(pair.to)}` })))(
    'on the published history, $name',
    ({ from, to, name }) => {
      it(
        'finds every change Optic calls breaking, at the same place, breaking for clients',
        async () => {
          await compare(from, to, name);
        },
        opticHangGuardMs * 2,
      );
    },
  );

  it(
    'finds every change Optic calls breaking on a made-up pair that trips its rules',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'skc-optic-pair-'));
      try {
        const [from, to] = [join(dir, 'from.json'), join(dir, 'to.json')];
        writeFileSync(from, JSON.stringify(madeUp(false)));
        writeFileSync(to, JSON.stringify(madeUp(true)));
        await compare(from, to, 'made-up pair');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    opticHangGuardMs * 2,
  );
});
