// A run's settings as the CLI uses them: config's, with the fault names checked against the mock's faults. Config
// parses flags, file and environment without knowing the mock; the CLI is the layer that knows both.
import {
  type RunFlags as ConfigRunFlags,
  type RunSettings as ConfigRunSettings,
  resolveRunSettings as resolveConfigSettings,
} from '../config/settings.js';
import { UserError } from '../errors.js';
import { type FaultId, faults, isFaultId } from '../mock/faults.js';
import { hookNames } from '../protocol/control-hooks.js';

// The mock's hooks (the protocol's, and `faults`), named without loading the mock: settings are read before it.
const implementedHooks: readonly string[] = [...hookNames, 'faults'];

/** Config's flags, and `--without-hook`, which only the embedded mock understands. */
export type RunFlags = ConfigRunFlags & { 'without-hook'?: string[] | undefined };

type UrlTarget = Extract<ConfigRunSettings<FaultId>['target'], { kind: 'url' }>;
/** The embedded mock, with its seeded faults and the control hooks switched off (`--without-hook`). */
export type MockTargetSetting = { kind: 'mock'; faults: FaultId[]; withoutHooks?: readonly string[] };
export type RunSettings = Omit<ConfigRunSettings<FaultId>, 'target'> & { target: UrlTarget | MockTargetSetting };

/** Settings for a run (see src/config/settings.ts), every `--fault` one the mock has. */
export function resolveRunSettings(flags: RunFlags, env: NodeJS.ProcessEnv, cwd = process.cwd()): RunSettings {
  const settings = resolveConfigSettings(flags, env, cwd);
  const { target } = settings;
  const withoutHooks = flags['without-hook'] ?? [];
  if (target.kind === 'url') {
    if (withoutHooks.length > 0) {
      throw new UserError('--without-hook switches hooks off in the embedded mock only', 'Leave out --target URL');
    }
    return { ...settings, target };
  }
  const requested = target.faults;
  const unknown = requested.find((fault) => !isFaultId(fault));
  if (unknown !== undefined) {
    throw new UserError(`unknown mock fault "${unknown}"`, `Known faults: ${faults.map((f) => f.id).join(', ')}`);
  }
  const unknownHook = withoutHooks.find((hook) => !implementedHooks.includes(hook));
  if (unknownHook !== undefined) {
    throw new UserError(`unknown control hook "${unknownHook}"`, `Hooks: ${implementedHooks.join(', ')}`);
  }
  return {
    ...settings,
    target: {
      kind: 'mock',
      faults: requested.filter(isFaultId),
      ...(withoutHooks.length > 0 ? { withoutHooks } : {}),
    },
  };
}
