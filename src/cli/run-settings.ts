// A run's settings as the CLI uses them: config's, with the fault names checked against the mock's faults. Config
// parses flags, file and environment without knowing the mock; the CLI is the layer that knows both.
import {
  type RunSettings as ConfigRunSettings,
  type RunFlags,
  resolveRunSettings as resolveConfigSettings,
} from '../config/settings.js';
import { UserError } from '../errors.js';
import { type FaultId, faults, isFaultId } from '../mock/faults.js';

export type { RunFlags } from '../config/settings.js';
export type RunSettings = ConfigRunSettings<FaultId>;

/** Settings for a run (see src/config/settings.ts), every `--fault` one the mock has. */
export function resolveRunSettings(flags: RunFlags, env: NodeJS.ProcessEnv, cwd = process.cwd()): RunSettings {
  const settings = resolveConfigSettings(flags, env, cwd);
  const { target } = settings;
  if (target.kind === 'url') return { ...settings, target };
  const requested = target.faults;
  const unknown = requested.find((fault) => !isFaultId(fault));
  if (unknown !== undefined) {
    throw new UserError(`unknown mock fault "${unknown}"`, `Known faults: ${faults.map((f) => f.id).join(', ')}`);
  }
  return { ...settings, target: { kind: 'mock', faults: requested.filter(isFaultId) } };
}
