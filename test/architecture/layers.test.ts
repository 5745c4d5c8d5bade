// The import-layer rules of biome.json (ARCHITECTURE.md, "Layers") catch what they are meant to: each probe is a
// file at a path inside a layer, linted with the project's own biome.json in a scratch copy of the tree, so the
// repository is never touched. One Biome run lints every probe.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');

interface Probe {
  /** Where the probe sits, relative to the repository root: its folder decides which layer rule applies. */
  file: string;
  source: string;
  /** The layer rule the diagnostic must name; undefined when the import is allowed. */
  rule: string | undefined;
}

const probes: Probe[] = [
  { file: 'src/oracles/probe-mock.ts', source: "import '../mock/index.js';", rule: 'oracles-are-pure' },
  {
    file: 'src/oracles/probe-config.ts',
    source: "import { defaultProfile } from '../config/profile.js';",
    rule: 'oracles-are-pure',
  },
  {
    file: 'src/oracles/probe-allowed.ts',
    source: "import type { RuleId } from '../rules/catalogue.js';\nimport { splitUri } from './redirect-uri.js';",
    rule: undefined,
  },
  {
    file: 'src/protocol/probe-client.ts',
    source: "import type { Transport } from '../client/transport.js';",
    rule: 'protocol-is-neutral',
  },
  {
    file: 'src/checks/probe-mock.ts',
    source: "import { faults } from '../mock/faults.js';",
    rule: 'checks-judge-recordings',
  },
  {
    file: 'src/checks/probe-harness.ts',
    source: "import { test } from '../harness/index.js';",
    rule: 'checks-judge-recordings',
  },
  {
    file: 'src/mock/handlers/probe-client.ts',
    source: "import { hookNames } from '../../client/control-hooks.js';",
    rule: 'mock-stands-alone',
  },
  {
    file: 'src/mock/probe-check.ts',
    source: "import type { DriftKind } from '../checks/drift.js';",
    rule: 'mock-stands-alone',
  },
  {
    file: 'src/mock/handlers/probe-allowed.ts',
    source: "import { hookNames } from '../../protocol/control-hooks.js';",
    rule: undefined,
  },
  {
    file: 'suites/area/probe-mock.test.ts',
    source: "import { createMock } from '../../src/mock/index.js';",
    rule: 'suites-through-harness',
  },
  {
    file: 'suites/area/probe-transport.test.ts',
    source: "import { createTransport } from '../../src/client/transport.js';",
    rule: 'suites-through-harness',
  },
  {
    file: 'suites/area/probe-hooks.test.ts',
    source: "import { ControlHooks } from '../../src/client/control-hooks.js';",
    rule: 'suites-through-harness',
  },
  {
    file: 'suites/area/probe-allowed.test.ts',
    source: [
      "import type { Exchange } from '../../src/client/transport.js';",
      "import { isTransportFailure } from '../../src/client/problems.js';",
      "import { test } from '../../src/harness/index.js';",
    ].join('\n'),
    rule: undefined,
  },
  {
    file: 'src/config/probe-mock.ts',
    source: "import { faults } from '../mock/faults.js';",
    rule: 'config-is-parsing',
  },
  {
    file: 'src/config/probe-reporters.ts',
    source: "import { aggregateRules } from '../reporters/aggregate.js';",
    rule: 'config-is-parsing',
  },
  {
    file: 'src/contract/probe-harness.ts',
    source: "import { exchangeOf } from '../harness/index.js';",
    rule: 'contract-outside-vitest',
  },
  {
    file: 'src/cli/probe-handler.ts',
    source: "import { implementedHooks } from '../mock/handlers/conformance-hooks.js';",
    rule: 'mock-facade',
  },
  { file: 'src/cli/probe-allowed.ts', source: "import { createMock } from '../mock/index.js';", rule: undefined },
];

/** Per probe file, the layer rules Biome's diagnostics name. */
let named: Map<string, string[]>;
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'skc-layers-'));
  copyFileSync(join(root, 'biome.json'), join(scratch, 'biome.json'));
  for (const probe of probes) {
    mkdirSync(dirname(join(scratch, probe.file)), { recursive: true });
    writeFileSync(join(scratch, probe.file), `${probe.source}\n`);
  }
  // The scratch tree is no git checkout, so Biome's VCS integration is off for it.
  const lint = spawnSync(
    process.execPath,
    [biome, 'lint', '--vcs-enabled=false', '--only=style/noRestrictedImports', '--reporter=github', '.'],
    { cwd: scratch, encoding: 'utf8' },
  );
  named = new Map();
  // One line per diagnostic: ::error title=<category>,file=<path>,...::<message>
  for (const match of lint.stdout.matchAll(/^::error title=([^,]+),file=([^,]+),.*?::(.*)$/gm)) {
    const [, category, file = '', message = ''] = match;
    expect(category).toBe('lint/style/noRestrictedImports');
    const key = relative(scratch, file);
    named.set(key, [...(named.get(key) ?? []), /^Layer rule ([a-z-]+)/.exec(message)?.[1] ?? message]);
  }
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('import-layer lint (biome.json)', () => {
  it.each(probes.filter((p) => p.rule !== undefined))('$file: `$source` breaks $rule', ({ file, rule }) => {
    expect(named.get(file)).toEqual([rule]);
  });

  it.each(probes.filter((p) => p.rule === undefined))('$file: `$source` is allowed', ({ file }) => {
    expect(named.get(file)).toBeUndefined();
  });
});
