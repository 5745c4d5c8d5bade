import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { type DriftFinding, driftKinds } from '../../src/checks/drift.js';
import { changeKinds } from '../../src/drift/change-kinds.js';
import {
  compareServerDrift,
  type DriftReport,
  groupChanges,
  groupServerDrift,
  renderJson,
} from '../../src/drift/report.js';
import { diffSpecs, summarise } from '../../src/drift/spec-diff.js';
import { readSpecFile } from '../../src/spec/document.js';

// The JSON format's documented schema (schemas/drift-report.schema.json) against real reports: the published
// history's diff, and a report with every section, `--since` and accepted changes.

const schemaPath = join(import.meta.dirname, '..', '..', 'schemas', 'drift-report.schema.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
const check = (report: DriftReport) => {
  // What the command prints, read back as a consumer would.
  const valid = validate(JSON.parse(renderJson(report)));
  expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
  expect(valid).toBe(true);
};

const specPath = process.env.SCALEKIT_OPENAPI;
if (!specPath) throw new Error('set SCALEKIT_OPENAPI to the spec file before running these tests');
const historyDir = join(dirname(specPath), 'history');
const oldest = readdirSync(historyDir).sort()[0] ?? 'missing';
const tool = { name: 'scalekit-conformance', version: '0.1.0' };

describe('the drift report JSON schema', () => {
  it('names every change kind and drift kind the code has', () => {
    expect(schema.$defs.changeKind.enum).toEqual(Object.keys(changeKinds));
    expect(schema.$defs.driftFinding.properties.kind.enum).toEqual([...driftKinds]);
  });

  it('holds the diff of the oldest published spec against the current one', () => {
    const from = readSpecFile(join(historyDir, oldest));
    const to = readSpecFile(specPath);
    const changes = diffSpecs(from.document, to.document);
    check({
      tool,
      from: { origin: oldest, sha256: 'a'.repeat(64) },
      to: { origin: specPath, sha256: 'b'.repeat(64) },
      specDiff: { summary: summarise(changes, from.document, to.document), groups: groupChanges(changes) },
      typecheck: { skipped: '--skip-typecheck' },
    });
  });

  it('holds a report with every section, --since and accepted changes', () => {
    const finding = (operation: string, status: number): DriftFinding => ({
      kind: 'undocumented-property',
      rule: 'OAS-013',
      operation,
      status,
      pointers: ['/thing/shard'],
      detail: 'properties the spec does not declare: /thing/shard',
    });
    const compared = compareServerDrift([finding('GET /a', 200), finding('GET /b', 200)], [finding('GET /c', 200)]);
    const [first, ...rest] = compared.findings;
    const findings = first ? [{ ...first, accepted: { reason: 'known', until: '2027-01-01' } }, ...rest] : rest;
    const changes = diffSpecs(readSpecFile(join(historyDir, oldest)).document, readSpecFile(specPath).document);
    const [group, ...groups] = groupChanges(changes);
    if (!group) throw new Error('the history diff found nothing');
    check({
      tool,
      to: { origin: specPath, sha256: 'b'.repeat(64) },
      specDiff: {
        summary: summarise(changes, readSpecFile(specPath).document, readSpecFile(specPath).document),
        groups: [{ ...group, accepted: { reason: 'shipped' } }, ...groups],
      },
      typecheck: {
        spec: specPath,
        filesChecked: 120,
        durationMs: 5000,
        broken: [{ file: 'src/mock/handlers/mcp.ts', errors: 3, first: '1:2 TS2339 x' }],
      },
      docs: {
        dir: 'docs',
        findings: [{ id: 'C-01', kind: 'docs-vs-spec', summary: 's', sides: [{ source: 'docs a', claim: 'b' }] }],
        stale: [{ id: 'ALG-001', kind: 'stale', summary: 'gone', sides: [], rules: ['ALG-001'] }],
      },
      server: {
        report: 'new.json',
        target: 'embedded mock',
        spec: specPath,
        total: findings.length,
        operations: groupServerDrift(findings),
        since: { report: 'old.json', added: compared.added, gone: compared.gone },
      },
      acceptance: {
        file: 'accept.yaml',
        unmatched: [{ entry: 'SD-209 GET /x', reason: 'r' }],
        expired: [{ entry: 'SD-203 GET /y', reason: 'r', until: '2026-01-01' }],
      },
    });
  });

  it('refuses what the model does not have', () => {
    expect(validate({ tool, specDiff: { groups: [] } })).toBe(false);
    expect(validate({ tool, surprise: true })).toBe(false);
  });
});
