import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import ts from 'typescript';
import { ensureGeneratedTypes } from '../spec/generate.js';
import type { ResolvedSpec } from '../spec/resolve.js';
import { packageRoot } from '../version.js';

// The suites' typecheck against another spec: the project's own sources compiled against types generated from
// that spec, so a removed operation or a changed schema shows as the suite files that no longer compile. It runs in
// a temporary copy of the project made of symlinks plus its own generated/openapi.ts, so the repository's
// generated/ folder (which `run` and `npm test` rely on) is never touched.

/** The folders whose files are checked: everything that imports the generated types. */
export const checkedFolders = ['src', 'suites', 'fixtures'] as const;

export interface BrokenFile {
  /** Relative to the project root, with forward slashes. */
  file: string;
  errors: number;
  /** The first error: `line:column TSnnnn message` (first line of the message). */
  first: string;
}

export interface TypecheckResult {
  /** The spec the types were generated from. */
  spec: string;
  /** Files of the checked folders (the generated types not counted). */
  filesChecked: number;
  broken: BrokenFile[];
  durationMs: number;
}

/** Type-checks this package's src/, suites/ and fixtures/ against types generated from `spec`. */
export async function typecheckAgainst(spec: ResolvedSpec): Promise<TypecheckResult> {
  const started = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), 'skc-drift-typecheck-'));
  // package.json decides the module format of the .ts files (NodeNext), node_modules their imports.
  const targets = new Map([...checkedFolders, 'package.json'].map((name) => [name, join(packageRoot, name)]));
  targets.set('node_modules', dependencyFolder(packageRoot));
  try {
    for (const [name, target] of targets) symlinkSync(target, join(workDir, name));
    mkdirSync(join(workDir, 'generated'));
    await ensureGeneratedTypes(spec, join(workDir, 'generated', 'openapi.ts'));
    const program = createProgram(packageRoot, workDir);
    const broken = brokenFiles(ts.getPreEmitDiagnostics(program), workDir);
    const inFolders = (file: string) => !relative(workDir, file).startsWith('generated');
    const filesChecked = program.getRootFileNames().filter(inFolders).length;
    return { spec: spec.origin, filesChecked, broken, durationMs: Date.now() - started };
  } finally {
    // Unlink the symlinks first, so removing the folder can never reach through them into the project.
    for (const name of targets.keys()) rmLink(join(workDir, name));
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The project's node_modules or, for an installed package with hoisted dependencies, the one holding typescript. */
function dependencyFolder(root: string): string {
  const own = join(root, 'node_modules');
  if (existsSync(own)) return own;
  return dirname(dirname(createRequire(import.meta.url).resolve('typescript/package.json')));
}

function rmLink(path: string) {
  try {
    unlinkSync(path);
  } catch {
    // Not created: the failure that stopped the setup is the one to report.
  }
}

/** The project's compilerOptions, with symlinks kept as they are so imports resolve inside the temporary copy. */
function createProgram(root: string, workDir: string): ts.Program {
  const read = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  if (read.error) throw new Error(`cannot read ${join(root, 'tsconfig.json')}: ${flatten(read.error.messageText)}`);
  const compilerOptions = (read.config as { compilerOptions?: object }).compilerOptions ?? {};
  const configPath = join(workDir, 'tsconfig.json');
  const config = {
    compilerOptions: { ...compilerOptions, preserveSymlinks: true, noEmit: true, incremental: false },
    include: [...checkedFolders, 'generated'],
  };
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, workDir, undefined, configPath);
  return ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, configFileParsingDiagnostics: [] });
}

const flatten = (message: string | ts.DiagnosticMessageChain) =>
  (ts.flattenDiagnosticMessageText(message, '\n').split('\n')[0] ?? '').trim();

/** One entry per file with errors, in path order; errors outside any file are listed as `(project)`. */
function brokenFiles(diagnostics: readonly ts.Diagnostic[], workDir: string): BrokenFile[] {
  const byFile = new Map<string, BrokenFile>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.category !== ts.DiagnosticCategory.Error) continue;
    const file = diagnostic.file ? relative(workDir, diagnostic.file.fileName).split(sep).join('/') : '(project)';
    const entry = byFile.get(file);
    if (entry) {
      entry.errors++;
      continue;
    }
    const position =
      diagnostic.file && diagnostic.start !== undefined
        ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
        : undefined;
    const at = position ? `${position.line + 1}:${position.character + 1} ` : '';
    byFile.set(file, { file, errors: 1, first: `${at}TS${diagnostic.code} ${flatten(diagnostic.messageText)}` });
  }
  return [...byFile.values()].sort((a, b) => a.file.localeCompare(b.file));
}
