// Builds the embeddable mock (`scalekit-conformance/mock`) into dist/: one ESM bundle for Node, dependencies left
// as imports, plus declarations for the facade only. Runs before `npm pack`/`npm publish`; dist/ is not committed.
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = process.argv[2] ?? `${root}dist`;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [`${root}src/mock/public.ts`],
  outfile: `${outdir}/mock.js`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
execFileSync(
  process.execPath,
  [
    `${root}node_modules/typescript/bin/tsc`,
    `${root}src/mock/public.ts`,
    '--declaration',
    '--emitDeclarationOnly',
    '--skipLibCheck',
    '--strict',
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--target',
    'es2022',
    '--types',
    'node',
    '--outDir',
    `${outdir}/types`,
  ],
  { stdio: 'inherit' },
);
// Only the facade's declarations are published: they import msw and nothing of ours.
copyFileSync(`${outdir}/types/src/mock/public.d.ts`, `${outdir}/mock.d.ts`);
rmSync(`${outdir}/types`, { recursive: true });
console.log(`built ${outdir}/mock.js`);
