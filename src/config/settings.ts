import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decideWrites, defaultMaxRps, type SafetyTarget, type WriteDecision } from '../client/safety.js';
import { maxResponseBytes } from '../client/transport.js';
import { UserError } from '../errors.js';
import { rules } from '../rules/catalogue.js';
import { ruleSelector } from '../rules/selector.js';
import { mergeProfile, type Profile } from './profile.js';

/** Flags of `scalekit-conformance run`, as parsed (all optional). */
export interface RunFlags {
  target?: string | undefined;
  spec?: string | undefined;
  only?: string[] | undefined;
  exclude?: string[] | undefined;
  seed?: string | undefined;
  runs?: string | undefined;
  'client-id'?: string | undefined;
  'client-secret'?: string | undefined;
  config?: string | undefined;
  'timeout-ms'?: string | undefined;
  'max-body-bytes'?: string | undefined;
  'report-json'?: string | undefined;
  'report-junit'?: string | undefined;
  fault?: string[] | undefined;
  'real-time'?: boolean | undefined;
  'receiver-url'?: string | undefined;
  'allow-writes'?: boolean | undefined;
  'read-only'?: boolean | undefined;
  'max-rps'?: string | undefined;
  plan?: boolean | undefined;
  'wait-for-target'?: string | undefined;
  expectations?: string | undefined;
  'strict-expectations'?: boolean | undefined;
  'report-markdown'?: string | undefined;
  'report-html'?: string | undefined;
  shard?: string | undefined;
  'max-failures'?: string | undefined;
}

/**
 * `Fault` is what the mock's fault names are known as: plain strings here, since the mock knows its faults and
 * config does not (src/cli/run-settings.ts checks them).
 */
export type TargetSetting<Fault extends string = string> =
  | { kind: 'mock'; faults: Fault[] }
  | { kind: 'url'; baseUrl: string; clientId: string; clientSecret: string };

export interface RunSettings<Fault extends string = string> {
  target: TargetSetting<Fault>;
  /** The open points of the docs, decided (defaults, overridden by the config file's "profile"). */
  profile: Profile;
  /** Where the target came from, for the first line of output. */
  targetSource: string;
  spec: string | undefined;
  only: string[];
  /** Rule-ID globs whose tests the run leaves out, whatever `only` selects (`--exclude`). */
  exclude: string[];
  seed: number;
  /** Whether the seed was given (flag, config, SCALEKIT_CONFORMANCE_SEED) rather than drawn at random. */
  seedGiven: boolean;
  /** Each property runs this many times its default number of cases (`--runs`); 1 by default. */
  runs: number;
  timeoutMs: number;
  /** The longest response body read; a longer one is no usable answer (the test is errored). */
  maxBodyBytes: number;
  reportJson: string | undefined;
  reportJunit: string | undefined;
  reportMarkdown: string | undefined;
  reportHtml: string | undefined;
  /** The expectations file (`--expectations`): known failures and skips, each with a reason. */
  expectations: string | undefined;
  /** `--strict-expectations`: an expected failure or skip that passes fails the run. */
  strictExpectations: boolean;
  /** `--shard K/N`: only the K-th of N parts of the suite files. */
  shard: { index: number; count: number } | undefined;
  /** `--max-failures N`: stop starting tests once N MUST rules failed. */
  maxFailures: number | undefined;
  /** Whether the run may create, change and delete data on the target, and why. */
  writes: WriteDecision;
  /** Requests per second across the run; undefined: no limit. */
  maxRps: number | undefined;
  /** `--plan`: print what the run would do and stop, without contacting the target. */
  plan: boolean;
  /** How long the preflight waits for a URL target that does not answer yet (`--wait-for-target`); 0: not at all. */
  waitForTargetSeconds: number;
}

/** Keys a config file may set; anything else is a typo and is rejected. */
const configKeys = [
  'target',
  'spec',
  'only',
  'exclude',
  'seed',
  'runs',
  'clientId',
  'clientSecret',
  'timeoutMs',
  'maxBodyBytes',
  'reportJson',
  'reportJunit',
  'reportMarkdown',
  'reportHtml',
  'expectations',
  'strictExpectations',
  'maxFailures',
  'profile',
  'allowWrites',
  'writeAllowlist',
  'maxRps',
  'waitForTarget',
] as const;
type ConfigFile = Partial<Record<(typeof configKeys)[number], unknown>>;

/** `--runs` beyond this would turn a run of seconds into hours. */
const maxRunsFactor = 100;

function runsFactor(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > maxRunsFactor) {
    throw new UserError(
      `--runs must be a whole number from 1 to ${maxRunsFactor}, got "${text}"`,
      'Pass --runs N, e.g. --runs 4 for four times the cases',
    );
  }
  return value;
}

/** `--shard K/N`: 1 ≤ K ≤ N ≤ 64 (more parts than suite files would leave shards with nothing to run). */
function shardSetting(text: string | undefined): { index: number; count: number } | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || index < 1 || count < 1 || index > count || count > 64) {
    throw new UserError(
      `--shard must be K/N with 1 ≤ K ≤ N ≤ 64, got "${text}"`,
      'Pass e.g. --shard 1/2 on one machine and --shard 2/2 on another',
    );
  }
  return { index, count };
}

function booleanSetting(value: unknown, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new UserError(`${name} must be true or false`, 'Fix the config file');
  return value;
}

const defaultConfigName = 'scalekit-conformance.config.json';

function readConfig(flag: string | undefined, cwd: string): { file: ConfigFile; path?: string } {
  const path = flag ? resolve(cwd, flag) : resolve(cwd, defaultConfigName);
  if (!existsSync(path)) {
    if (flag) throw new UserError(`the config file ${flag} does not exist`, 'Check the --config path');
    return { file: {} };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UserError(`${path} is not valid JSON (${(error as Error).message})`, 'Fix the config file');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UserError(`${path} must hold a JSON object`, `Allowed keys: ${configKeys.join(', ')}`);
  }
  const unknown = Object.keys(parsed).filter((k) => !(configKeys as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new UserError(`${path} has unknown key(s) ${unknown.join(', ')}`, `Allowed keys: ${configKeys.join(', ')}`);
  }
  return { file: parsed as ConfigFile, path };
}

function stringSetting(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new UserError(`${name} must be a string`, 'Fix the config file');
  return value;
}

/** Rule-ID globs from a repeatable, comma-separated flag (or the config file's string or list), each checked. */
function ruleGlobs(value: unknown, flag: string): string[] {
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const globs = values
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  for (const glob of globs) {
    if (!/^[A-Za-z0-9*?-]+$/.test(glob)) {
      throw new UserError(
        `${flag} "${glob}" is not a rule ID glob`,
        'Use IDs and wildcards such as ALG-010, ALG-*, RDR-01?',
      );
    }
    if (!rules.some((rule) => ruleSelector([glob])(rule.id))) {
      throw new UserError(`${flag} "${glob}" matches no rule ID`, 'List the rules with `scalekit-conformance rules`');
    }
  }
  return globs;
}

function positiveInteger(text: string, name: string, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) > max) {
    throw new UserError(`${name} must be a whole number between 0 and ${max}, got "${text}"`, `Pass ${name} N`);
  }
  return Number(text);
}

/** `--max-rps` (a positive number, 0 for no limit), else the config's maxRps, else the target's default. */
function maxRpsSetting(flag: string | undefined, file: ConfigFile, target: SafetyTarget): number | undefined {
  const text = flag ?? (file.maxRps === undefined ? undefined : String(file.maxRps));
  if (text === undefined) return defaultMaxRps(target);
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) > 10_000) {
    throw new UserError(
      `--max-rps must be a number of requests per second, got "${text}"`,
      'Pass --max-rps 20, or 0 for no limit',
    );
  }
  return Number(text) === 0 ? undefined : Number(text);
}

/** Whether writes are allowed: flags first, then the config file's allowWrites and writeAllowlist. */
function writeSetting(
  flags: { 'allow-writes'?: boolean | undefined; 'read-only'?: boolean | undefined },
  file: ConfigFile,
  configPath: string | undefined,
  target: SafetyTarget,
): WriteDecision {
  if (flags['allow-writes'] && flags['read-only']) {
    throw new UserError('--allow-writes and --read-only contradict each other', 'Pass one of them');
  }
  if (file.allowWrites !== undefined && typeof file.allowWrites !== 'boolean') {
    throw new UserError('allowWrites must be true or false', 'Fix the config file');
  }
  const allowlist = file.writeAllowlist;
  if (allowlist !== undefined && (!Array.isArray(allowlist) || allowlist.some((h) => typeof h !== 'string'))) {
    throw new UserError(
      'writeAllowlist must be an array of host names',
      'Fix the config file, e.g. ["acme.scalekit.dev"]',
    );
  }
  const optIn = flags['allow-writes']
    ? '--allow-writes'
    : file.allowWrites === true
      ? `allowWrites in config ${configPath}`
      : undefined;
  return decideWrites(target, {
    readOnly: flags['read-only'],
    optIn,
    writeAllowlist: allowlist as string[] | undefined,
  });
}

/** Client credentials for a URL target: flags, then the config file, then the SDKs' variables. */
function credentialsFor(
  baseUrl: string,
  flags: { 'client-id'?: string | undefined; 'client-secret'?: string | undefined },
  file: ConfigFile,
  env: NodeJS.ProcessEnv,
): { clientId: string; clientSecret: string } {
  const clientId = flags['client-id'] ?? stringSetting(file.clientId, 'clientId') ?? env.SCALEKIT_CLIENT_ID;
  const clientSecret =
    flags['client-secret'] ?? stringSetting(file.clientSecret, 'clientSecret') ?? env.SCALEKIT_CLIENT_SECRET;
  const missing = [!clientId && 'SCALEKIT_CLIENT_ID', !clientSecret && 'SCALEKIT_CLIENT_SECRET'].filter(Boolean);
  if (!clientId || !clientSecret) {
    throw new UserError(
      `missing credentials for ${baseUrl}: ${missing.join(' and ')} not set`,
      'Set SCALEKIT_CLIENT_ID and SCALEKIT_CLIENT_SECRET (or pass --client-id and --client-secret)',
    );
  }
  return { clientId, clientSecret };
}

/** 16 MiB unless set: far above any answer of the API, low enough that a body streaming without end is cut. */
function maxBodySetting(flag: string | undefined, file: ConfigFile): number {
  const text = flag ?? (file.maxBodyBytes === undefined ? undefined : String(file.maxBodyBytes));
  if (text === undefined) return maxResponseBytes;
  const bytes = positiveInteger(text, '--max-body-bytes', 1024 ** 3);
  if (bytes < 1024)
    throw new UserError('--max-body-bytes must be at least 1024', 'Pass e.g. --max-body-bytes 16777216');
  return bytes;
}

function timeoutSetting(flag: string | undefined, file: ConfigFile): number {
  const timeoutText = flag ?? (file.timeoutMs === undefined ? undefined : String(file.timeoutMs));
  const timeoutMs = timeoutText === undefined ? 10_000 : positiveInteger(timeoutText, '--timeout-ms', 600_000);
  if (timeoutMs < 100) throw new UserError('--timeout-ms must be at least 100', 'Pass --timeout-ms 10000');
  return timeoutMs;
}

export function parseTargetUrl(text: string, source: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(
      `${source} "${text}" is not a URL`,
      'Use --target mock or --target https://<your-environment>.scalekit.dev',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(
      `${source} "${text}" must be an http(s) URL`,
      'Use --target mock or --target https://<your-environment>.scalekit.dev',
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new UserError(
      `${source} must be a plain base URL, without credentials, query or fragment`,
      'Pass credentials through SCALEKIT_CLIENT_ID and SCALEKIT_CLIENT_SECRET',
    );
  }
  return url.toString().replace(/\/+$/, '');
}

/**
 * Settings for a run, from flags, then the config file, then the environment (the same variable names as the
 * official SDKs). Every problem is a UserError with a one-line fix.
 */
export function resolveRunSettings(flags: RunFlags, env: NodeJS.ProcessEnv, cwd = process.cwd()): RunSettings {
  const { file, path: configPath } = readConfig(flags.config, cwd);
  const fromConfig = configPath ? `config ${configPath}` : '';
  const { profile, problems } = mergeProfile(file.profile);
  if (problems.length > 0) {
    throw new UserError(
      `${configPath}: ${problems.join('; ')}`,
      'See src/config/profile.ts for the settings and their types',
    );
  }
  // Two webhook settings have flags too: they are about the machine the run is on, not about the target.
  if (flags['real-time']) profile.webhooks.timeCompression = 'real-time';
  if (flags['receiver-url'] !== undefined) {
    if (!/^https?:\/\/[^\s]+$/i.test(flags['receiver-url'])) {
      throw new UserError(
        `--receiver-url ${flags['receiver-url']} is not an http(s) URL`,
        'Pass --receiver-url https://tunnel.example/hooks',
      );
    }
    profile.webhooks.receiverPublicUrl = flags['receiver-url'];
  }

  const targetText = flags.target ?? stringSetting(file.target, 'target') ?? env.SCALEKIT_ENVIRONMENT_URL ?? 'mock';
  const targetSource = flags.target
    ? '--target'
    : file.target !== undefined
      ? fromConfig
      : env.SCALEKIT_ENVIRONMENT_URL
        ? 'SCALEKIT_ENVIRONMENT_URL'
        : 'default';

  const faultFlags = flags.fault ?? [];
  let target: TargetSetting;
  if (targetText === 'mock') {
    target = { kind: 'mock', faults: faultFlags };
  } else {
    if (faultFlags.length > 0) throw new UserError('--fault only applies to --target mock', 'Drop --fault');
    const baseUrl = parseTargetUrl(targetText, targetSource === 'default' ? 'target' : targetSource);
    target = { kind: 'url', baseUrl, ...credentialsFor(baseUrl, flags, file, env) };
  }
  const writes = writeSetting(flags, file, configPath, target);
  const maxRps = maxRpsSetting(flags['max-rps'], file, target);

  const only = ruleGlobs(flags.only ?? file.only, '--only');
  const exclude = ruleGlobs(flags.exclude ?? file.exclude, '--exclude');

  const seedText =
    flags.seed ?? (file.seed === undefined ? undefined : String(file.seed)) ?? env.SCALEKIT_CONFORMANCE_SEED;
  const seed = seedText === undefined ? randomInt(2 ** 31 - 1) : positiveInteger(seedText, '--seed', 2 ** 31 - 1);
  const shard = shardSetting(flags.shard);
  const runsText = flags.runs ?? (file.runs === undefined ? undefined : String(file.runs));
  const runs = runsText === undefined ? 1 : runsFactor(runsText);
  const timeoutMs = timeoutSetting(flags['timeout-ms'], file);
  const waitText =
    flags['wait-for-target'] ?? (file.waitForTarget === undefined ? undefined : String(file.waitForTarget));
  const waitForTargetSeconds = waitText === undefined ? 0 : positiveInteger(waitText, '--wait-for-target', 3_600);
  const maxBodyBytes = maxBodySetting(flags['max-body-bytes'], file);
  const maxFailuresText =
    flags['max-failures'] ?? (file.maxFailures === undefined ? undefined : String(file.maxFailures));
  const maxFailures =
    maxFailuresText === undefined ? undefined : positiveInteger(maxFailuresText, '--max-failures', 10_000);
  if (maxFailures === 0) throw new UserError('--max-failures must be at least 1', 'Pass e.g. --max-failures 5');
  const strictExpectations =
    flags['strict-expectations'] ?? booleanSetting(file.strictExpectations, 'strictExpectations') ?? false;
  const expectations = flags.expectations ?? stringSetting(file.expectations, 'expectations');
  if (strictExpectations && expectations === undefined) {
    throw new UserError('--strict-expectations needs an expectations file', 'Pass --expectations FILE as well');
  }

  return {
    target,
    targetSource,
    spec: flags.spec ?? stringSetting(file.spec, 'spec'),
    only,
    exclude,
    seed,
    seedGiven: seedText !== undefined,
    runs,
    timeoutMs,
    maxBodyBytes,
    reportJson: flags['report-json'] ?? stringSetting(file.reportJson, 'reportJson'),
    reportJunit: flags['report-junit'] ?? stringSetting(file.reportJunit, 'reportJunit'),
    reportMarkdown: flags['report-markdown'] ?? stringSetting(file.reportMarkdown, 'reportMarkdown'),
    reportHtml: flags['report-html'] ?? stringSetting(file.reportHtml, 'reportHtml'),
    // Relative to where the run was started, as the report paths are; read (and checked) before vitest loads.
    expectations: expectations === undefined ? undefined : resolve(cwd, expectations),
    strictExpectations,
    shard,
    maxFailures,
    profile,
    writes,
    maxRps,
    plan: flags.plan ?? false,
    waitForTargetSeconds,
  };
}

/** Flags of `scalekit-conformance sweep`, as parsed. */
export interface SweepFlags {
  target?: string | undefined;
  tag?: string | undefined;
  plan?: boolean | undefined;
  'client-id'?: string | undefined;
  'client-secret'?: string | undefined;
  config?: string | undefined;
  'timeout-ms'?: string | undefined;
  'max-rps'?: string | undefined;
}

export interface SweepSettings {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** A run-tag prefix (`conf` and a run ID at least); undefined: any run's tag. */
  tag: string | undefined;
  plan: boolean;
  timeoutMs: number;
  maxRps: number | undefined;
}

/** A tag prefix names at least a run: `conf` and the six characters of a run ID, lowercase as the suites write it. */
const tagPrefixPattern = /^conf[0-9a-z]{6,13}$/;

/** Settings for a sweep: a URL target (a sweep of the embedded mock would find nothing) and its credentials. */
export function resolveSweepSettings(flags: SweepFlags, env: NodeJS.ProcessEnv, cwd = process.cwd()): SweepSettings {
  const { file } = readConfig(flags.config, cwd);
  const targetText = flags.target ?? stringSetting(file.target, 'target') ?? env.SCALEKIT_ENVIRONMENT_URL;
  if (targetText === undefined || targetText === 'mock') {
    throw new UserError(
      'sweep needs a URL target',
      'Pass --target https://<your-environment>.scalekit.dev (or set SCALEKIT_ENVIRONMENT_URL)',
    );
  }
  const baseUrl = parseTargetUrl(targetText, flags.target ? '--target' : 'target');
  if (flags.tag !== undefined && !tagPrefixPattern.test(flags.tag)) {
    throw new UserError(
      `--tag "${flags.tag}" is not a run tag`,
      'Pass conf and the run ID the run printed (e.g. --tag conf1a2b3c), or no --tag for any run',
    );
  }
  return {
    baseUrl,
    ...credentialsFor(baseUrl, flags, file, env),
    tag: flags.tag,
    plan: flags.plan ?? false,
    timeoutMs: timeoutSetting(flags['timeout-ms'], file),
    maxRps: maxRpsSetting(flags['max-rps'], file, { kind: 'url', baseUrl }),
  };
}
