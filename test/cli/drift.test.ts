import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { type DriftFlags, driftCommand } from '../../src/cli/drift.js';
import type { DriftReport } from '../../src/drift/report.js';
import { UserError } from '../../src/errors.js';
import { generatedTypesPath } from '../../src/spec/generate.js';
import { pinnedSpec } from '../../src/spec/pinned.js';
import { cacheWithSuiteIndex, cliBudgetMs, packageDir, runCli } from './run-cli.js';

// The drift command called directly, on the shared spec, its published history and the shared docs, all read at
// run time. Hand-made specs in a temp folder separate breaking-for-clients from breaking-for-servers.

const specPath = process.env.SCALEKIT_OPENAPI;
if (!specPath) throw new Error('set SCALEKIT_OPENAPI to the spec file before running these tests');
const historyDir = join(dirname(resolve(packageDir, specPath)), 'history');
const oldSpec = join(historyDir, readdirSync(historyDir).find((name) => name.includes('.2026-05-18.')) ?? 'missing');
const oldestSpec = join(historyDir, readdirSync(historyDir).sort()[0] ?? 'missing');
// The docs sit beside the spec's folder in shared/ (shared/openapi, shared/docs), wherever the clone is.
const docsDir = resolve(process.env.SCALEKIT_DOCS ?? join(dirname(resolve(packageDir, specPath)), '..', 'docs'));

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'skc-drift-test-'));
  temps.push(dir);
  return dir;
}

async function drift(flags: DriftFlags) {
  const lines: string[] = [];
  const env = { SCALEKIT_OPENAPI: specPath };
  const code = await driftCommand(flags, { out: (line) => lines.push(line), env, cwd: packageDir });
  return { code, stdout: lines.join('\n') };
}
async function driftJson(flags: DriftFlags) {
  const { code, stdout } = await drift({ ...flags, format: 'json' });
  return { code, report: JSON.parse(stdout) as DriftReport };
}
async function userError(flags: DriftFlags): Promise<UserError> {
  const error = await drift(flags).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof UserError)) throw new Error(`expected a UserError, got ${String(error)}`);
  return error;
}

/** A server finding as a run reports it: `status` answered on `operation`, which the spec does not declare. */
const undeclaredStatus = (operation: string, status: number) => ({
  kind: 'undeclared-status',
  rule: 'OAS-010',
  operation,
  status,
  detail: `the target answered ${status}, which the spec does not declare`,
});

/** A one-operation spec file; `extra` adds paths. */
function specFile(dir: string, name: string, extra: Record<string, unknown> = {}): string {
  const ok = { responses: { '200': { description: 'ok' } } };
  const spec = { openapi: '3.1.0', info: { title: 't', version: '1' }, paths: { '/a': { get: ok }, ...extra } };
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

describe('scalekit-conformance drift', () => {
  it('reports 91 → 111 operations, the schema changes and the enum additions as breaking for clients', async () => {
    const flags = { from: oldSpec, to: specPath };
    const { code, report } = await driftJson(flags);
    expect(code).toBe(0);
    const diff = report.specDiff;
    expect(diff?.summary.operations).toEqual({ from: 91, to: 111 });
    const groupsOf = (kind: string) => diff?.groups.filter((group) => group.kind === kind) ?? [];
    expect(groupsOf('SD-002').flatMap((group) => group.locations)).toHaveLength(20);
    expect(groupsOf('SD-060').length).toBeGreaterThan(0);
    expect(groupsOf('SD-202').length).toBeGreaterThan(0);
    // One enum widened in a component: one group listing every operation that returns it.
    const connectorType = groupsOf('SD-209').find(
      (group) => group.pointer === '/components/schemas/connected_accountsConnectorType/enum',
    );
    expect(connectorType).toMatchObject({ clients: 'breaking', servers: 'non-breaking', title: expect.any(String) });
    expect(connectorType?.to).toEqual(['TRUSTED_IDP', 'SMART_FHIR', 'NO_AUTH']);
    expect(connectorType?.locations).toContain(
      'GET /api/v1/connected_accounts response 200 .connected_accounts[].authorization_type',
    );
    expect(connectorType?.locations.length).toBeGreaterThan(1);
    // The suites' typecheck runs only with --typecheck: a spec's maintainer has no use for it.
    expect(report.typecheck).toBeUndefined();

    const markdown = (await drift(flags)).stdout;
    expect(markdown).toMatch(/^\| operations \| 91 \| 111 \|$/m);
    expect(markdown).toMatch(/^\| breaking \| \d+ \| \d+ \|$/m);
    expect(markdown).toContain('#### Breaking for clients');
    expect(markdown).toContain('enum values added: `TRUSTED_IDP`');
    expect(markdown).toContain('· SD-209');
    const byKind = (await drift({ ...flags, 'group-by': 'kind' })).stdout;
    expect(byKind).toContain('**SD-209** response enum value added');
    expect(markdown.length).toBeLessThan(65_536);
  });

  it('reports no changes and exits 0 for the same spec twice, even with --fail-on breaking', async () => {
    const { code, report } = await driftJson({
      from: specPath,
      to: specPath,
      'fail-on': 'breaking',
    });
    expect(code).toBe(0);
    expect(report.specDiff?.summary.total).toBe(0);
    expect(report.specDiff?.groups).toEqual([]);
    expect((await drift({ from: specPath, to: specPath })).stdout).toContain('No changes.');
  });

  it('reads `pinned` as the verified pinned download, here from a cache holding the shared spec', async () => {
    const cache = tempDir();
    symlinkSync(resolve(packageDir, specPath), join(cache, `pinned-${pinnedSpec.sha256}.json`));
    vi.stubEnv('SCALEKIT_CONFORMANCE_CACHE', cache);
    const { report } = await driftJson({ from: 'pinned', to: specPath });
    expect(report.from?.origin).toBe(`pinned ${pinnedSpec.commit.slice(0, 12)}`);
    expect(report.specDiff?.summary.total).toBe(0);
  });

  it('reports C-01, C-03, C-05 and C-11 from the docs folder with both sources', async () => {
    const { code, report } = await driftJson({ docs: docsDir });
    expect(code).toBe(0);
    const finding = (id: string) => report.docs?.findings.find((entry) => entry.id === id);
    for (const id of ['C-01', 'C-03', 'C-05', 'C-11']) expect(finding(id)?.sides.length).toBeGreaterThanOrEqual(2);
    for (const id of ['C-01', 'C-11']) {
      const sources = finding(id)?.sides.map((side) => side.source.split(' ')[0]);
      expect(new Set(sources)).toEqual(new Set(['docs', 'spec']));
    }
    expect(report.docs?.stale.every((entry) => entry.kind === 'stale')).toBe(true);
    expect(report.typecheck).toBeUndefined();
    const markdown = (await drift({ docs: docsDir })).stdout;
    expect(markdown).toMatch(/^- docs auth-logs § .+: labels .*Failure/m);
    expect(markdown).toMatch(/^- spec \/components\/schemas\/.+: enum .*FAILED/m);
  });

  it('fails on breaking changes only when asked, and for servers only with breaking-for-servers', async () => {
    const dir = tempDir();
    const before = specFile(dir, 'before.json');
    // An added operation breaks no client, but every server must implement it.
    const after = specFile(dir, 'after.json', { '/b': { get: { responses: { '200': { description: 'ok' } } } } });
    const base = { from: before, to: after };
    expect((await drift(base)).code).toBe(0);
    expect((await drift({ ...base, 'fail-on': 'breaking' })).code).toBe(0);
    expect((await drift({ ...base, 'fail-on': 'breaking-for-servers' })).code).toBe(1);
    // Removing it breaks clients.
    expect((await drift({ ...base, from: after, to: before, 'fail-on': 'breaking' })).code).toBe(1);
  });

  it('groups the drift of a run report per operation', async () => {
    const dir = tempDir();
    const runReport = join(dir, 'r.json');
    const finding = (rule: string, operation: string, status: number) => ({
      kind: 'undeclared-status',
      rule,
      operation,
      status,
      detail: `documented by the docs but undeclared in the spec: ${status}`,
    });
    const send = 'POST /api/v1/passwordless/email/send';
    const property = {
      kind: 'undocumented-property',
      rule: 'OAS-013',
      operation: 'POST /x',
      status: 200,
      pointers: ['/thing/shard'],
      detail: 'properties the spec does not declare: /thing/shard',
    };
    const drifted = [
      finding('PWL-017', send, 400),
      finding('PWL-011', 'POST /x', 429),
      finding('TPL-011', send, 400),
      property,
    ];
    writeFileSync(
      runReport,
      JSON.stringify({ target: 'embedded mock', spec: { origin: 's', sha256: '' }, drift: drifted }),
    );
    const { report } = await driftJson({ 'run-report': runReport });
    expect(report.server?.operations.map((group) => [group.operation, group.findings.length])).toEqual([
      ['POST /api/v1/passwordless/email/send', 2],
      ['POST /x', 2],
    ]);
    const markdown = (await drift({ 'run-report': runReport })).stdout;
    expect(markdown).toContain(
      '| server against spec | 4 findings on 2 operations (3 undeclared-status, 1 undocumented-property) |',
    );
    expect(markdown).toContain(
      '- undocumented-property 200: properties the spec does not declare: /thing/shard [OAS-013]',
    );
    expect(markdown).toContain(
      '- undeclared-status 400: documented by the docs but undeclared in the spec: 400 [PWL-017, TPL-011]',
    );
  });

  it(
    'reports what the target serves beyond the spec: the SDK’s organizations:search on the embedded mock',
    async () => {
      const runReport = join(tempDir(), 'r.json');
      const cache = await cacheWithSuiteIndex('skc-drift-run-');
      temps.push(cache);
      const run = await runCli(['run', '--only', 'OAS-017', '--seed', '1', '--report-json', runReport], {
        SCALEKIT_CONFORMANCE_CACHE: cache,
      });
      expect(run.code, run.stderr).toBe(0);
      const { report } = await driftJson({ 'run-report': runReport });
      const search = report.server?.operations.find((group) => group.operation === 'GET /api/v1/organizations:search');
      expect(search?.findings).toEqual([
        expect.objectContaining({ kind: 'undeclared-operation', rule: 'OAS-017', status: 400 }),
      ]);
      expect((await drift({ 'run-report': runReport })).stdout).toContain('1 undeclared-operation');
    },
    cliBudgetMs,
  );

  it('accepts changes listed in --accept: --fail-on breaking passes when every breaking change is accepted, fails when one is not', async () => {
    const dir = tempDir();
    const base = { from: oldestSpec, to: specPath, 'fail-on': 'breaking' };
    const { code, report } = await driftJson(base);
    expect(code).toBe(1);
    const breaking = report.specDiff?.groups.filter((group) => group.clients === 'breaking') ?? [];
    expect(breaking.length).toBeGreaterThan(1);
    const entries = breaking.map((group) => ({
      kind: group.kind,
      location: (group.fromPointer ?? group.pointer).replace(/~1/g, '/'),
      reason: 'shipped on purpose',
    }));
    const write = (name: string, listed: unknown[]) => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify(listed));
      return file;
    };
    const all = await driftJson({ ...base, accept: write('all.json', entries) });
    expect(all.code).toBe(0);
    expect(all.report.acceptance).toEqual({ file: join(dir, 'all.json'), unmatched: [], expired: [] });
    expect(all.report.specDiff?.groups.filter((g) => g.clients === 'breaking').every((g) => g.accepted)).toBe(true);
    // One entry fewer: that change counts again. An entry naming nothing, and one past its day, are reported.
    const fewer = [
      ...entries.slice(1),
      { kind: 'SD-001', location: 'DELETE /api/v1/nowhere', reason: 'r' },
      { ...entries[0], until: '2026-01-31' },
    ];
    const one = await driftJson({ ...base, accept: write('fewer.json', fewer) });
    expect(one.code).toBe(1);
    expect(one.report.acceptance?.unmatched).toEqual([{ entry: 'SD-001 DELETE /api/v1/nowhere', reason: 'r' }]);
    expect(one.report.acceptance?.expired).toHaveLength(1);
    const markdown = (await drift({ ...base, accept: write('fewer.json', fewer) })).stdout;
    expect(markdown).toContain('DELETE /api/v1/nowhere');
  });

  it('accepts server findings by kind, operation and status', async () => {
    const dir = tempDir();
    const runReport = join(dir, 'r.json');
    const finding = undeclaredStatus;
    writeFileSync(
      runReport,
      JSON.stringify({
        target: 't',
        spec: { origin: 's', sha256: '' },
        drift: [finding('GET /a', 401), finding('GET /a', 404)],
      }),
    );
    const accept = join(dir, 'accept.yaml');
    writeFileSync(
      accept,
      '- kind: undeclared-status\n  location: GET /a\n  status: 401\n  reason: the gateway answers 401\n',
    );
    const { report } = await driftJson({ 'run-report': runReport, accept });
    const findings = report.server?.operations.flatMap((group) => group.findings) ?? [];
    expect(findings.map((f) => [f.status, f.accepted?.reason])).toEqual([
      [401, 'the gateway answers 401'],
      [404, undefined],
    ]);
  });

  it('compares a run report with an earlier one (--since): new findings marked, gone ones listed, new-drift fails', async () => {
    const dir = tempDir();
    const finding = undeclaredStatus;
    const write = (name: string, drift: unknown[]) => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify({ target: 'embedded mock', spec: { origin: 's', sha256: '' }, drift }));
      return file;
    };
    const older = write('old.json', [finding('GET /a', 401), finding('GET /b', 404)]);
    const newer = write('new.json', [finding('GET /a', 401), finding('GET /c', 409)]);
    const { report } = await driftJson({ 'run-report': newer, since: older });
    expect(report.server?.since).toMatchObject({ report: older, added: 1, gone: [{ operation: 'GET /b' }] });
    const marked = report.server?.operations.flatMap((group) => group.findings.map((f) => [f.operation, f.new]));
    expect(marked).toEqual([
      ['GET /a', undefined],
      ['GET /c', true],
    ]);
    const markdown = (await drift({ 'run-report': newer, since: older })).stdout;
    expect(markdown).toContain(
      '| server against spec | 2 findings on 2 operations (2 undeclared-status); 1 new, 1 gone |',
    );
    expect(markdown).toContain('- **new** undeclared-status 409:');
    expect(markdown).toContain('- gone: GET /b undeclared-status 404');
    expect((await drift({ 'run-report': newer, since: older, 'fail-on': 'new-drift' })).code).toBe(1);
    expect((await drift({ 'run-report': newer, since: newer, 'fail-on': 'new-drift' })).code).toBe(0);
  });

  it('writes the report to --output and says where in one line', async () => {
    const output = join(tempDir(), 'nested', 'drift.md');
    const { code, stdout } = await drift({ docs: docsDir, output });
    expect(code).toBe(0);
    expect(stdout).toBe(`drift report (markdown) written to ${output}`);
    expect(readFileSync(output, 'utf8')).toMatch(/^## scalekit-conformance drift\n/);
  });

  it('stops with exit 2 and one line for a bad path, a missing input or a bad flag value', async () => {
    const cases: [DriftFlags, RegExp][] = [
      [{ from: 'no/such/spec.yaml' }, /the spec file no\/such\/spec\.yaml \(from --from\) does not exist/],
      [{ from: specPath, to: 'no/such.json' }, /\(from --to\) does not exist/],
      [{ docs: 'no/such/docs' }, /the docs folder no\/such\/docs does not exist/],
      [{ 'run-report': 'package.json' }, /package\.json is not a run report/],
      [{}, /drift needs at least one of --from SPEC, --docs DIR, --run-report FILE/],
      [{ from: specPath, format: 'html' }, /--format must be markdown, json, github or junit/],
      [{ from: specPath, 'group-by': 'tag' }, /--group-by must be endpoint or kind/],
      [{ from: specPath, format: 'json', 'group-by': 'kind' }, /--group-by applies to --format markdown only/],
      [{ docs: docsDir, 'fail-on': 'breaking' }, /--fail-on needs --from/],
      [{ docs: docsDir, since: 'old.json' }, /--since needs --run-report/],
      [{ 'run-report': 'r.json', 'fail-on': 'new-drift' }, /--fail-on new-drift needs --since/],
    ];
    for (const [flags, message] of cases) {
      const error = await userError(flags);
      expect(error.exitCode).toBe(2);
      expect(error.line).toMatch(message);
      expect(error.line).not.toContain('\n');
    }
  });

  it('with --typecheck, type-checks the suites against --to in a temp copy, listing files that break, without touching generated/', {
    timeout: cliBudgetMs,
  }, async () => {
    const generatedBefore = statSync(generatedTypesPath).mtimeMs;
    const { code, report } = await driftJson({ from: specPath, to: oldSpec, typecheck: true });
    expect(code).toBe(0);
    const typecheck = report.typecheck;
    if (!typecheck || 'skipped' in typecheck) throw new Error('the typecheck did not run');
    expect(typecheck.filesChecked).toBeGreaterThan(50);
    // The old spec lacks the MCP operations the mock implements.
    const broken = typecheck.broken.map((file) => file.file);
    expect(broken).toContain('src/mock/handlers/mcp.ts');
    expect(typecheck.broken.every((file) => /^\d+:\d+ TS\d+ \S/.test(file.first))).toBe(true);
    expect(statSync(generatedTypesPath).mtimeMs).toBe(generatedBefore);
  });
});
