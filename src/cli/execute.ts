import { createHash } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createVitest, type Reporter } from 'vitest/node';
import type { RunContext } from '../harness/context.js';
import type { TestOutcome } from '../reporters/model.js';
import { excludedNote, notSelectedNote, OutcomeCollector } from '../reporters/vitest-collector.js';
import { rules } from '../rules/catalogue.js';
import { leftOutBy, type RuleSelection, ruleSelector } from '../rules/selector.js';
import { ruleTags } from '../rules/tags.js';
import { defaultCacheDir } from '../spec/resolve.js';
import { packageRoot, toolVersion } from '../version.js';
import { markPhase, noteFile, notingPhases } from './phases.js';

/**
 * The vitest options every programmatic run shares: the suites, the rule tags, no config file. Worker threads
 * without isolation: a worker imports msw, faker, Ajv and the mock once for all the suite files it runs, not once
 * per file, and each file still connects afresh to its target (`connectTarget`). Transforms are kept on disk in the
 * cache folder, so a run after the first does not transform the suites again.
 */
function baseOptions() {
  return {
    config: false as const,
    root: packageRoot,
    watch: false,
    include: ['suites/**/*.test.ts'],
    tags: ruleTags(),
    strictTags: true,
    pool: 'threads' as const,
    isolate: false,
    ...transformCache(),
  };
}

/**
 * vitest's transforms kept in the cache folder, when it can be written: a cache only saves time, never fails a run.
 * One folder per install (its path and lockfile): vitest empties the whole folder when it meets another lockfile,
 * so two installs sharing one folder would delete each other's transforms under a run in progress.
 */
function transformCache() {
  const parent = join(defaultCacheDir(), 'vitest-modules');
  const path = join(parent, installKey());
  try {
    mkdirSync(path, { recursive: true });
    forgetOldInstalls(parent, path);
    accessSync(path, constants.W_OK);
    return { experimental: { fsModuleCache: true, fsModuleCachePath: path } };
  } catch {
    return {};
  }
}

/** Transforms of other installs left untouched for 30 days (an upgrade leaves its predecessor's): removed. */
function forgetOldInstalls(parent: string, current: string): void {
  const cutoff = Date.now() - 30 * 24 * 60 * 60 * 1000;
  for (const name of readdirSync(parent)) {
    const other = join(parent, name);
    try {
      if (other !== current && statSync(other).mtimeMs < cutoff) rmSync(other, { recursive: true, force: true });
    } catch {
      // Another run may be removing it too: a cache only saves time.
    }
  }
}

/** A short key of this install: its folder and its lockfile (absent in a published package: then its version). */
function installKey(): string {
  let lock = toolVersion;
  try {
    lock = readFileSync(join(packageRoot, 'package-lock.json'), 'utf8');
  } catch {
    // A published package carries no lockfile; its version names its dependencies' ranges.
  }
  return createHash('sha256').update(`${packageRoot}\0${lock}`).digest('hex').slice(0, 16);
}

/** What a run of the suites leaves: every test's outcome, and the errors outside tests (a suite that failed to load). */
export interface SuiteResults {
  tests: TestOutcome[];
  errors: string[];
  /** The suite files vitest ran (relative to the package): with `--shard`, this shard's part. */
  files?: string[];
}

/** What selects the tests of a run: rule-ID globs (`only`, `exclude`) and the suite files holding them (`files`). */
interface Selection {
  only?: readonly string[];
  exclude?: readonly string[];
  files?: readonly string[];
}

/** The fault proof's selection: test files, each with the rule IDs whose tests it runs (all when empty). */
type Plan = readonly { file: string; only: readonly string[] }[];

/** What each suite file spent importing (with its set-up) and testing, for `SCALEKIT_CONFORMANCE_PHASES`. */
const filePhases: Reporter = {
  onTestModuleEnd(module) {
    const d = module.diagnostic();
    const importMs = d.environmentSetupDuration + d.prepareDuration + d.setupDuration + d.collectDuration;
    noteFile(relative(packageRoot, module.moduleId), importMs, d.duration);
  },
};

/** The collector of one run, judging "not selected" and "left out" by the run's rule globs. */
function collectorFor(selection: RuleSelection, onTest?: (test: TestOutcome) => void): OutcomeCollector {
  return new OutcomeCollector(packageRoot, { ...(onTest ? { onTest } : {}), leftOut: leftOutBy(selection) });
}

/**
 * The vitest tag filter of a selection: a test runs when it cites a rule of `only` and none of `exclude` (vitest
 * takes every expression of the list). Its expressions know `*` but not `?`, so globs are expanded to rule IDs.
 */
function tagsFilterOf({ only, exclude }: RuleSelection): string[] | undefined {
  const ids = (globs: readonly string[]) => {
    const selected = ruleSelector(globs);
    return rules
      .map((r) => r.id)
      .filter(selected)
      .join(' || ');
  };
  const filter = [...(only.length > 0 ? [ids(only)] : []), ...(exclude.length > 0 ? [`!(${ids(exclude)})`] : [])];
  return filter.length > 0 ? filter : undefined;
}

/** The vitest options of a suite run beyond the shared ones: setup, the collecting reporter, turns, timeouts. */
function suiteRunOptions(reporter: Reporter) {
  return {
    ...baseOptions(),
    setupFiles: ['src/harness/setup.ts'],
    // One target, one set of control hooks: the scripted login, the environment kind, the email templates and
    // the clock are environment-wide, so suite files take turns rather than race each other.
    fileParallelism: false,
    reporters: [reporter],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    passWithNoTests: true,
  };
}

/**
 * Runs the conformance suites once against the target in `context`, in this process's vitest, and returns every
 * test's outcome plus the errors outside tests (a suite that failed to load). `only` holds rule-ID globs.
 */
export async function executeSuites(
  context: RunContext,
  options: Selection & {
    onTest?: (test: TestOutcome) => void;
    /** Aborted on an interrupt or at `--max-failures`: vitest starts no further test, so the run winds down. */
    signal?: AbortSignal;
    /** `--shard K/N`: vitest runs the K-th of N parts of the files (its sharding by file). */
    shard?: { index: number; count: number } | undefined;
    /** Hears that vitest starts, with how many suite files it runs (undefined with a shard: not known yet). */
    onStart?: (files: number | undefined) => void;
    /** Hears of each suite file as it ends. */
    onFileEnd?: (file: string) => void;
  } = {},
): Promise<SuiteResults> {
  const selection = { only: options.only ?? [], exclude: options.exclude ?? [] };
  const collector = collectorFor(selection, options.onTest);
  const tagsFilter = tagsFilterOf(selection);
  const files: string[] = [];
  const fileEvents: Reporter = {
    // The files before sharding: vitest picks this shard's part of them afterwards.
    onTestRunStart: (specifications) => options.onStart?.(options.shard ? undefined : specifications.length),
    // Queued: the files this run (this shard) runs.
    onTestModuleQueued: (module) => void files.push(relative(packageRoot, module.moduleId)),
    onTestModuleEnd: (module) => options.onFileEnd?.(relative(packageRoot, module.moduleId)),
  };
  const vitest = await createVitest(
    'test',
    {
      ...suiteRunOptions(collector),
      // Only these suite files, when given: collecting the rest would cost time for tests the tag filter drops.
      ...(options.files ? { include: [...options.files] } : {}),
      provide: { conformance: context },
      ...(tagsFilter ? { tagsFilter } : {}),
      ...(options.shard ? { shard: `${options.shard.index}/${options.shard.count}` } : {}),
      reporters: [collector, fileEvents, ...(notingPhases ? [filePhases] : [])],
    },
    { logLevel: 'silent' },
  );
  markPhase('vitest started');
  const cancel = () => void vitest.cancelCurrentRun('keyboard-input');
  options.signal?.addEventListener('abort', cancel, { once: true });
  try {
    if (!options.signal?.aborted) await vitest.start();
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    await vitest.close();
  }
  return { tests: collector.tests, errors: collector.errors, files };
}

type FileEndListener = (file: string, loaded: boolean, soFar: SuiteResults) => void;

/**
 * One vitest for many runs of the suites, each against its own targets: what `mutation` runs for the baseline and
 * for the faults. The vite server, its transforms of the suites and the harness, and the config are made once; each
 * run hands the workers its targets through `provide` and its tag filters through the test specifications, so a run
 * costs its suite files' workers and tests, not a vitest start. Runs take turns; close the session when done.
 */
export interface SuiteSession {
  /**
   * `onFileEnd` hears of each test file as it ends: its path, whether it loaded (its tests' outcomes are then all
   * in), and the outcomes so far.
   */
  run(context: RunContext, plan: Plan, onFileEnd?: FileEndListener): Promise<SuiteResults>;
  close(): Promise<void>;
}

export async function openSuiteSession(options: { workers?: number } = {}): Promise<SuiteSession> {
  const workers = options.workers ?? 1;
  // The reporter is fixed when vitest is made: it hands each run's events to that run's collector.
  let current: OutcomeCollector | undefined;
  let fileEnded: FileEndListener | undefined;
  const reporter: Reporter = {
    onTestCaseResult: (testCase) => current?.onTestCaseResult(testCase),
    onTestModuleEnd: (module) =>
      current &&
      fileEnded?.(module.moduleId, module.errors().length === 0, { tests: current.tests, errors: current.errors }),
    onTestRunEnd: (modules, errors) => current?.onTestRunEnd(modules, errors),
  };
  // Files run side by side only when each has a target of its own (`RunContext.files`): one target's hooks are
  // environment-wide.
  const vitest = await createVitest(
    'test',
    { ...suiteRunOptions(reporter), ...(workers > 1 ? { fileParallelism: true, maxWorkers: workers } : {}) },
    { logLevel: 'silent' },
  );
  try {
    await vitest.standalone();
  } catch (error) {
    await vitest.close();
    throw error;
  }
  const project = vitest.getRootProject();
  const specification = (file: string, only: readonly string[]) => {
    const tagsFilter = tagsFilterOf({ only, exclude: [] });
    return project.createSpecification(resolve(packageRoot, file), tagsFilter ? { testTagsFilter: tagsFilter } : {});
  };
  let running = Promise.resolve();
  const runOnce = async (context: RunContext, plan: Plan, onFileEnd?: FileEndListener): Promise<SuiteResults> => {
    if (workers > 1 && !context.files) throw new Error('files run side by side need a target each (RunContext.files)');
    const collector = collectorFor({ only: [], exclude: [] });
    if (plan.length === 0) return { tests: [], errors: [] };
    project.provide('conformance', context);
    current = collector;
    fileEnded = onFileEnd;
    try {
      await vitest.runTestSpecifications(plan.map((entry) => specification(entry.file, entry.only)));
    } finally {
      current = undefined;
      fileEnded = undefined;
    }
    return { tests: collector.tests, errors: collector.errors };
  };
  return {
    run(context, plan, onFileEnd) {
      const result = running.then(() => runOnce(context, plan, onFileEnd));
      running = result.then(
        () => {},
        () => {},
      );
      return result;
    },
    async close() {
      await running;
      await vitest.close();
    },
  };
}

/** Rule IDs cited by at least one suite test, found by collecting the suites (or from the cached index). */
export async function citedRules(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const { rules } of await cachedSuiteIndex()) {
    for (const rule of rules) counts.set(rule, (counts.get(rule) ?? 0) + 1);
  }
  return counts;
}

/** One test of the suites, as the index knows it without running it. */
export interface IndexedTest {
  file: string;
  name: string;
  fullName: string;
  rules: string[];
  /** The line of the `test(` call (inside the loop, for a test generated from a table); absent if vitest cannot tell. */
  line?: number;
}

/** Thrown by the index's collection when the run was interrupted meanwhile: there is no index to return. */
export class IndexInterrupted extends Error {
  constructor() {
    super('collecting the suite index was interrupted');
    this.name = 'IndexInterrupted';
  }
}

/**
 * Every suite test's rule tags with its file (relative to the package), collected without running anything. An
 * abort closes vitest, which ends the collection (seconds on a cold cache) so an interrupt is not held up by it.
 */
export async function suiteIndex(signal?: AbortSignal): Promise<IndexedTest[]> {
  const vitest = await createVitest(
    'test',
    { ...baseOptions(), includeTaskLocation: true, reporters: [] },
    { logLevel: 'silent' },
  );
  const stop = () => void vitest.close();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    if (signal?.aborted) throw new IndexInterrupted();
    const aborted = new Promise<never>((_, reject) =>
      signal?.addEventListener('abort', () => reject(new IndexInterrupted()), { once: true }),
    );
    aborted.catch(() => {});
    const { testModules } = await Promise.race([vitest.collect(), aborted]);
    return testModules.flatMap((module) =>
      [...module.children.allTests()].map((test) => ({
        file: relative(packageRoot, module.moduleId),
        name: test.name,
        fullName: test.fullName,
        rules: [...test.tags],
        ...(test.location ? { line: test.location.line } : {}),
      })),
    );
  } finally {
    signal?.removeEventListener('abort', stop);
    await vitest.close();
  }
}

/** The shape of an index entry: bumped when `IndexedTest` changes, so a cache of the old shape is never read. */
const indexFormat = 2;

/** Every TypeScript source a test's tags can depend on, hashed with the index format: the cached index's key. */
function sourcesHash(): string {
  const hash = createHash('sha256').update(`suite index format ${indexFormat}`);
  for (const dir of ['suites', 'fixtures', 'src']) {
    const root = join(packageRoot, dir);
    if (!existsSync(root)) continue;
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .sort();
    for (const file of files) hash.update(file).update(readFileSync(join(root, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * `suiteIndex`, cached on disk by a hash of the sources: collecting every suite file costs seconds, and `run
 * --only`, `mutation` and `--plan` need the index each time. Written atomically, so parallel runs can share it.
 */
export async function cachedSuiteIndex(cacheDir = defaultCacheDir(), signal?: AbortSignal): Promise<IndexedTest[]> {
  const path = join(cacheDir, `suite-index-${sourcesHash()}.json`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as IndexedTest[];
  } catch {
    const index = await suiteIndex(signal);
    try {
      mkdirSync(cacheDir, { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(index));
      renameSync(temporary, path);
      // Indexes of older sources are never read again: one per edit would pile up in the cache.
      for (const file of readdirSync(cacheDir)) {
        if (/^suite-index-[0-9a-f]+\.json$/.test(file) && join(cacheDir, file) !== path) rmSync(join(cacheDir, file));
      }
    } catch {
      // A cache that cannot be written only costs time.
    }
    return index;
  }
}

/**
 * For `--only` and `--exclude`: the suite files holding a test the selection runs, and the tests of the other files
 * as outcomes "not selected by --only" or "left out by --exclude", so the report lists every test as a full run
 * would. Undefined without a selection.
 */
export async function selectFiles(
  selection: RuleSelection,
  signal?: AbortSignal,
): Promise<{ files: string[]; notLoaded: TestOutcome[] } | undefined> {
  if (selection.only.length === 0 && selection.exclude.length === 0) return undefined;
  const leftOut = leftOutBy(selection);
  const index = await cachedSuiteIndex(defaultCacheDir(), signal);
  const files = new Set(index.filter((t) => leftOut(t.rules) === undefined).map((t) => t.file));
  if (files.size === 0) return undefined;
  const notLoaded = index
    .filter((t) => !files.has(t.file))
    .map((t) => ({
      // The outcome's fields only: the index's own (the test's line) are not part of a report.
      file: t.file,
      name: t.name,
      fullName: t.fullName,
      rules: t.rules,
      state: 'skipped' as const,
      durationMs: 0,
      failures: [],
      drift: [],
      message: leftOut(t.rules) === 'exclude' ? excludedNote : notSelectedNote,
    }));
  return { files: [...files], notLoaded };
}
