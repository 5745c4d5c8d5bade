import { describe, expect, it } from 'vitest';
import type { DriftFinding } from '../../src/checks/drift.js';
import { applyAcceptance, parseAcceptFile } from '../../src/drift/accept.js';
import type { ChangeGroup, DriftReport } from '../../src/drift/report.js';
import { UserError } from '../../src/errors.js';

// The accepted-changes file of `drift --accept`: parsing with one-line errors, and what an entry names.

const group = (fields: Partial<ChangeGroup>): ChangeGroup => ({
  kind: 'SD-203',
  title: 'response property removed',
  clients: 'breaking',
  servers: 'non-breaking',
  why: 'clients reading it get nothing',
  pointer: '/components/schemas/Thing',
  fromPointer: '/components/schemas/Thing/properties/name',
  locations: ['GET /api/v1/things/{id} response 200 .thing.name', 'GET /api/v1/things response 200 .things[].name'],
  ...fields,
});

const finding = (operation: string, status: number): DriftFinding => ({
  kind: 'undeclared-status',
  rule: 'OAS-010',
  operation,
  status,
  detail: `the target answered ${status}`,
});

function reportWith(groups: ChangeGroup[], findings: DriftFinding[] = []): DriftReport {
  return {
    tool: { name: 't', version: '0' },
    specDiff: {
      summary: {
        operations: { from: 1, to: 1 },
        webhooks: { from: 0, to: 0 },
        schemas: { from: 1, to: 1 },
        total: groups.length,
        byKind: {},
        clients: { breaking: 0, 'non-breaking': 0, review: 0 },
        servers: { breaking: 0, 'non-breaking': 0, review: 0 },
      },
      groups,
    },
    server: { report: 'r.json', total: findings.length, operations: [{ operation: 'GET /a', findings }] },
  } as DriftReport;
}

function parseError(text: string): string {
  try {
    parseAcceptFile(text, 'accept.yaml');
  } catch (error) {
    if (error instanceof UserError) return error.line;
    throw error;
  }
  throw new Error('no error');
}

describe('the accepted-changes file', () => {
  it('reads a YAML list or { accept: [...] }, unquoted dates included', () => {
    const yaml =
      '- kind: SD-001\n  location: DELETE /api/v1/roles/{role_name}/base\n  reason: moved\n  until: 2027-03-01\n';
    expect(parseAcceptFile(yaml, 'a.yaml')).toEqual([
      { kind: 'SD-001', location: 'DELETE /api/v1/roles/{role_name}/base', reason: 'moved', until: '2027-03-01' },
    ]);
    expect(parseAcceptFile(`accept:\n${yaml.replace(/^/gm, '  ')}`, 'a.yaml')).toHaveLength(1);
    expect(parseAcceptFile('', 'a.yaml')).toEqual([]);
  });

  it('refuses with one line naming the entry: an unknown kind or key, a missing reason, a bad date or status', () => {
    expect(parseError('- kind: SD-999\n  location: /x\n  reason: r\n')).toMatch(
      /: accept\.yaml entry 1 \(\/x\): kind "SD-999" is neither/,
    );
    expect(parseError('- kind: SD-001\n  location: /x\n')).toMatch(/reason must be a non-empty string/);
    expect(parseError('- kind: SD-001\n  location: /x\n  reason: r\n  why: w\n')).toMatch(/unknown key\(s\) why/);
    expect(parseError('- kind: SD-001\n  location: /x\n  reason: r\n  until: 2027-02-30\n')).toMatch(/YYYY-MM-DD/);
    expect(parseError('- kind: undeclared-status\n  location: GET /a\n  reason: r\n  status: often\n')).toMatch(
      /not an HTTP status/,
    );
    expect(parseError('kind: SD-001')).toMatch(/unknown top-level key/);
    expect(parseError('- [')).toMatch(/is not valid YAML/);
  });
});

describe('applying accepted changes', () => {
  it('names a group by its pointer (escaped or as read), one of its locations, or the operation a location starts with', () => {
    const byPointer = group({ fromPointer: '/paths/~1api~1v1~1things/get' });
    const byLocation = group({ pointer: '/components/schemas/Other', fromPointer: undefined });
    const byOperation = group({ pointer: '/components/schemas/Third', fromPointer: undefined });
    const untouched = group({ kind: 'SD-202', pointer: '/components/schemas/Thing' });
    const report = reportWith([byPointer, byLocation, byOperation, untouched]);
    applyAcceptance(
      report,
      [
        { kind: 'SD-203', location: '/paths//api/v1/things/get', reason: 'one' },
        { kind: 'SD-203', location: 'GET /api/v1/things response 200 .things[].name', reason: 'two' },
        { kind: 'SD-203', location: 'GET /api/v1/things/{id}', reason: 'three' },
      ],
      'accept.yaml',
      '2026-12-07',
    );
    // Every SD-203 group has both locations, so the later entries accept all three; SD-202 is another kind.
    expect(report.specDiff?.groups.map((g) => g.accepted?.reason)).toEqual(['three', 'three', 'three', undefined]);
    expect(report.acceptance).toEqual({ file: 'accept.yaml', unmatched: [], expired: [] });
  });

  it('reports entries that name nothing and entries past their day, and applies neither', () => {
    const report = reportWith([group({})]);
    applyAcceptance(
      report,
      [
        { kind: 'SD-203', location: 'GET /nowhere', reason: 'gone' },
        { kind: 'SD-203', location: 'GET /api/v1/things', reason: 'old', until: '2026-12-06' },
      ],
      'accept.yaml',
      '2026-12-07',
    );
    expect(report.specDiff?.groups[0]?.accepted).toBeUndefined();
    expect(report.acceptance).toEqual({
      file: 'accept.yaml',
      unmatched: [{ entry: 'SD-203 GET /nowhere', reason: 'gone' }],
      expired: [{ entry: 'SD-203 GET /api/v1/things', reason: 'old', until: '2026-12-06' }],
    });
  });

  it('names a server finding by kind and operation, and by status when given; an entry is good through its day', () => {
    const findings = [finding('GET /a', 401), finding('GET /a', 404)];
    const report = reportWith([], findings);
    applyAcceptance(
      report,
      [{ kind: 'undeclared-status', location: 'GET /a', status: 401, reason: 'gateway', until: '2026-12-07' }],
      'accept.yaml',
      '2026-12-07',
    );
    expect(findings.map((f) => f.accepted)).toEqual([{ reason: 'gateway', until: '2026-12-07' }, undefined]);
  });
});
