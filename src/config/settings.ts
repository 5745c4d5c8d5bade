import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { type FaultId, faults, isFaultId } from '../mock/faults.js';
import { ruleSelector } from '../reporters/aggregate.js';
import { rules } from '../rules/catalogue.js';
import { mergeProfile, type Profile } from './profile.js';

/** Flags of `scalekit-conformance run`, as parsed (all optional). */
export interface RunFlags {
  target?: string | undefined;
  spec?: string | undefined;
  only?: string[] | undefined;
  seed?: string | undefined;
  'client-id'?: string | undefined;
  'client-secret'?: string | undefined;
  config?: string | undefined;
  'timeout-ms'?: string | undefined;
  'report-json'?: string | undefined;
  'report-junit'?: string | undefined;
  fault?: string[] | undefined;
  'real-time'?: boolean | undefined;
  'receiver-url'?: string | undefined;
}

export type TargetSetting =
  | { kind: 'mock'; faults: FaultId[] }
  | { kind: 'url'; baseUrl: string; clientId: string; clientSecret: string };

export interface RunSettings {
  target: TargetSetting;
  /** The open points of the docs, decided (defaults, overridden by the config file's "profile"). */
  profile: Profile;
  /** Where the target came from, for the first line of output. */
  targetSource: string;
  spec: string | undefined;
  only: string[];
  seed: number;
  timeoutMs: number;
  reportJson: string | undefined;
  reportJunit: string | undefined;
}

/** Keys a config file may set; anything else is a typo and is rejected. */
const configKeys = [
  'target',
  'spec',
  'only',
  'seed',
  'clientId',
  'clientSecret',
  'timeoutMs',
  'reportJson',
  'reportJunit',
  'profile',
] as const;
type ConfigFile = Partial<Record<(typeof configKeys)[number], unknown>>;

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

function positiveInteger(text: string, name: string, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) > max) {
    throw new UserError(`${name} must be a whole number between 0 and ${max}, got "${text}"`, `Pass ${name} N`);
  }
  return Number(text);
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
  for (const fault of faultFlags) {
    if (!isFaultId(fault)) {
      throw new UserError(`unknown mock fault "${fault}"`, `Known faults: ${faults.map((f) => f.id).join(', ')}`);
    }
  }

  let target: TargetSetting;
  if (targetText === 'mock') {
    target = { kind: 'mock', faults: faultFlags as FaultId[] };
  } else {
    if (faultFlags.length > 0) throw new UserError('--fault only applies to --target mock', 'Drop --fault');
    const baseUrl = parseTargetUrl(targetText, targetSource === 'default' ? 'target' : targetSource);
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
    target = { kind: 'url', baseUrl, clientId, clientSecret };
  }

  const onlyValue = flags.only ?? (file.only === undefined ? [] : Array.isArray(file.only) ? file.only : [file.only]);
  const only = onlyValue
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  for (const glob of only) {
    if (!/^[A-Za-z0-9*?-]+$/.test(glob)) {
      throw new UserError(
        `--only "${glob}" is not a rule ID glob`,
        'Use IDs and wildcards such as ALG-010, ALG-*, RDR-01?',
      );
    }
    if (!rules.some((rule) => ruleSelector([glob])(rule.id))) {
      throw new UserError(`--only "${glob}" matches no rule ID`, 'List the rules with `scalekit-conformance rules`');
    }
  }

  const seedText =
    flags.seed ?? (file.seed === undefined ? undefined : String(file.seed)) ?? env.SCALEKIT_CONFORMANCE_SEED;
  const seed = seedText === undefined ? randomInt(2 ** 31 - 1) : positiveInteger(seedText, '--seed', 2 ** 31 - 1);
  const timeoutText = flags['timeout-ms'] ?? (file.timeoutMs === undefined ? undefined : String(file.timeoutMs));
  const timeoutMs = timeoutText === undefined ? 10_000 : positiveInteger(timeoutText, '--timeout-ms', 600_000);
  if (timeoutMs < 100) throw new UserError('--timeout-ms must be at least 100', 'Pass --timeout-ms 10000');

  return {
    target,
    targetSource,
    spec: flags.spec ?? stringSetting(file.spec, 'spec'),
    only,
    seed,
    timeoutMs,
    reportJson: flags['report-json'] ?? stringSetting(file.reportJson, 'reportJson'),
    reportJunit: flags['report-junit'] ?? stringSetting(file.reportJunit, 'reportJunit'),
    profile,
  };
}
