import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DriftFinding } from '../../src/checks/drift.js';
import { type SpecChange, specChange } from '../../src/drift/change-kinds.js';
import {
  type DriftReport,
  failingChanges,
  groupChanges,
  groupServerDrift,
  renderMarkdown,
} from '../../src/drift/report.js';
import { diffSpecs, summarise } from '../../src/drift/spec-diff.js';
import { type OpenApiDocument, readSpecFile } from '../../src/spec/document.js';

// Grouping and rendering on hand-made changes and on the published history: what a reader of a pull-request
// comment sees.

const tool = { name: 'scalekit-conformance', version: '0' };
const enumWidened = (location: string) =>
  specChange('SD-209', { location, pointer: '/components/schemas/Kind/enum', fromPointer: '/x', to: ['NEW'] });
const emptySpec: OpenApiDocument = { openapi: '3.1.0', paths: {} };

function reportOf(changes: SpecChange[]): DriftReport {
  return { tool, specDiff: { summary: summarise(changes, emptySpec, emptySpec), groups: groupChanges(changes) } };
}

const unauthorized = (operation: string, extra: Partial<DriftFinding> = {}): DriftFinding => ({
  kind: 'undeclared-status',
  rule: 'OAS-010',
  operation,
  status: 401,
  detail: 'the target answered 401 with an ErrorInfo body, which the spec does not declare',
  ...extra,
});

function serverReport(findings: DriftFinding[], since?: NonNullable<DriftReport['server']>['since']): DriftReport {
  return {
    tool,
    server: {
      report: 'r.json',
      total: findings.length,
      operations: groupServerDrift(findings),
      ...(since ? { since } : {}),
    },
  };
}

describe('groupChanges', () => {
  it('makes one group of a change met at many places, and keeps different values apart', () => {
    const other = specChange('SD-209', { location: 'GET /c', pointer: '/components/schemas/Kind/enum', to: ['X'] });
    const groups = groupChanges([enumWidened('GET /a'), other, enumWidened('GET /b')]);
    expect(groups.map((group) => [group.kind, group.locations])).toEqual([
      ['SD-209', ['GET /a', 'GET /b']],
      ['SD-209', ['GET /c']],
    ]);
    expect(groups[0]).toMatchObject({ title: 'response enum value added', clients: 'breaking', to: ['NEW'] });
  });

  it('orders groups by kind ID', () => {
    const added = specChange('SD-002', { location: 'GET /new', pointer: '/paths/~1new/get' });
    expect(groupChanges([enumWidened('GET /a'), added]).map((group) => group.kind)).toEqual(['SD-002', 'SD-209']);
  });
});

describe('renderMarkdown by kind', () => {
  it('counts per classification first, lists breaking changes once, and folds long lists', () => {
    const changes = Array.from({ length: 5 }, (_, index) => enumWidened(`GET /item/${index} response 200 .kind`));
    const markdown = renderMarkdown(reportOf(changes), { groupBy: 'kind', maxLocations: 3 });
    const lines = markdown.split('\n');
    expect(lines.indexOf('| breaking | 5 | 0 |')).toBeGreaterThan(0);
    expect(lines.indexOf('| breaking | 5 | 0 |')).toBeLessThan(lines.indexOf('#### Breaking for clients'));
    expect(markdown).toContain('**SD-209** response enum value added');
    expect(markdown).toContain('- schema Kind: enum value added: `NEW`, at 5 places:');
    expect(markdown).toContain('  - `GET /item/0` response 200 `.kind`');
    expect(markdown).toContain('  - … and 2 more (the JSON report lists them all)');
    // Listed in full under "Breaking for clients", so not again below.
    expect(markdown).not.toContain('<summary><b>SD-209</b>');
  });

  it('folds the other kinds', () => {
    const limit = specChange('SD-218', {
      location: 'webhook user.login payload .id',
      pointer: '/components/schemas/E/properties/id',
      from: { minLength: 1 },
      to: { minLength: null },
    });
    const markdown = renderMarkdown(reportOf([limit]), { groupBy: 'kind' });
    expect(markdown).toMatch(/<details><summary><b>SD-218<\/b> response limit loosened/);
    expect(markdown).toContain('- `webhook user.login` payload `.id`: minLength 1 removed');
  });
});

describe('renderMarkdown by endpoint (the default)', () => {
  const changes = [
    enumWidened('GET /api/v1/users/{id} response 200 .kind'),
    enumWidened('POST /api/v1/users response 201 .kind'),
    specChange('SD-201', { location: 'GET /api/v1/users/{id} response 200 .nickname', pointer: '/x/nickname' }),
    specChange('SD-201', { location: 'GET /api/v1/users/{id} response 200 .avatar', pointer: '/x/avatar' }),
    specChange('SD-010', {
      location: 'GET /api/v1/roles query parameter page',
      pointer: '/paths/~1api~1v1~1roles/get',
    }),
    specChange('SD-002', { location: 'GET /api/v1/tools', pointer: '/paths/~1api~1v1~1tools/get', to: 'ListTools' }),
  ];

  it('lists each endpoint with its changes, most severe first, breaking ones open and the rest folded', () => {
    const markdown = renderMarkdown(reportOf(changes));
    const breaking = markdown.indexOf('#### Breaking for clients');
    const users = markdown.indexOf('**`GET /api/v1/users/{id}`** (3 changes: 1 breaking for clients, 2 non-breaking)');
    expect(breaking).toBeGreaterThan(0);
    expect(users).toBeGreaterThan(breaking);
    expect(markdown).toContain('- **breaking** response 200 `.kind`: enum value added: `NEW` · SD-209');
    // Two properties added under one response: one line.
    expect(markdown).toContain('- _non-breaking_ response 200 `.nickname`, `.avatar` added (optional) · SD-201');
    expect(markdown).toContain('<details><summary><code>GET /api/v1/roles</code> (1 change: 1 review)</summary>');
    expect(markdown).toContain('- _review_ query parameter page removed · SD-010');
    expect(markdown).toContain('- `GET /api/v1/tools` (`ListTools`)');
    expect(markdown).not.toContain('~1');
  });

  it('makes one block of endpoints with the same changes', () => {
    const same = ['user.login', 'user.logout'].map((name) =>
      specChange('SD-218', {
        location: `webhook ${name} payload .id`,
        pointer: '/components/schemas/Event/properties/id',
        from: { minLength: 1 },
        to: { minLength: null },
      }),
    );
    const markdown = renderMarkdown(reportOf(same));
    expect(markdown).toContain('<details><summary>2 webhooks with the same 1 change: 1 review</summary>');
    expect(markdown).toContain('2 webhooks: `user.login`, `user.logout`');
    expect(markdown.match(/minLength 1 removed/g)).toHaveLength(1);
  });

  it('says so when there is nothing to report', () => {
    expect(renderMarkdown(reportOf([]))).toContain('| spec against spec | no changes |');
  });
});

describe('accepted changes', () => {
  const removed = specChange('SD-001', { location: 'DELETE /a', pointer: '/paths', fromPointer: '/paths/~1a/delete' });
  function acceptedReport(): DriftReport {
    const report = reportOf([removed, enumWidened('GET /b response 200 .kind')]);
    const [first] = report.specDiff?.groups ?? [];
    if (first) first.accepted = { reason: 'announced in the changelog', until: '2027-01-01' };
    report.acceptance = {
      file: 'accept.yaml',
      unmatched: [{ entry: 'SD-209 GET /gone', reason: 'old' }],
      expired: [{ entry: 'SD-203 GET /x', reason: 'grace period', until: '2026-01-01' }],
    };
    return report;
  }

  it('are listed as accepted, not counted as breaking, and the unused entries are listed', () => {
    const markdown = renderMarkdown(acceptedReport());
    expect(markdown).toContain('**1 breaking for clients** (1 accepted), 0 breaking for servers');
    expect(markdown).toContain('| breaking, accepted | 1 | 0 |');
    expect(markdown).toMatch(
      /- \*\*accepted\*\* operation removed · SD-001 \(accepted until 2027-01-01: announced in the changelog\)/,
    );
    expect(markdown).toContain('- `SD-209 GET /gone`: old');
    expect(markdown).toContain('- `SD-203 GET /x`, until 2026-01-01: grace period');
    expect(markdown).toContain('| accepted changes | `accept.yaml`: **1 entry matched nothing, 1 expired** |');
  });

  it('count for no --fail-on', () => {
    const report = acceptedReport();
    expect(failingChanges(report, 'breaking')).toBe(1);
    expect(failingChanges(reportOf([removed, enumWidened('GET /b response 200 .kind')]), 'breaking')).toBe(2);
    const findings = [
      unauthorized('GET /a', { new: true }),
      unauthorized('GET /b', { new: true, accepted: { reason: 'r' } }),
    ];
    const since = { report: 'old.json', added: 2, gone: [] };
    expect(failingChanges(serverReport(findings, since), 'new-drift')).toBe(1);
    expect(failingChanges(serverReport(findings), 'new-drift')).toBe(0);
  });
});

describe('renderMarkdown, server against spec', () => {
  it('writes the same finding on 92 operations once, the operations folded', () => {
    const findings = Array.from({ length: 92 }, (_, index) => unauthorized(`GET /r/${index}`));
    const markdown = renderMarkdown(
      serverReport([...findings, unauthorized('GET /x', { status: 409, detail: 'a 409', new: true })]),
    );
    expect(markdown).toContain('93 findings, 2 distinct');
    expect(markdown).toContain(
      '- undeclared-status 401: the target answered 401 with an ErrorInfo body, which the spec does not declare [OAS-010] on 92 operations',
    );
    expect(markdown).toContain('  <details><summary>92 operations</summary>');
    expect(markdown.indexOf('**new** undeclared-status 409')).toBeLessThan(markdown.indexOf('on 92 operations'));
    expect(markdown.match(/the target answered 401/g)).toHaveLength(1);
  });

  it('marks accepted findings and counts them in the summary', () => {
    const markdown = renderMarkdown(serverReport([unauthorized('GET /a', { accepted: { reason: 'known' } })]));
    expect(markdown).toContain('on `GET /a` (accepted: known)');
    expect(markdown).toMatch(
      /\| server against spec \| 1 finding on 1 operation \(1 undeclared-status\); 1 accepted \|/,
    );
  });
});

describe('the length budget', () => {
  it('cuts the least severe parts first, says what it cut, and stays under the limit', () => {
    const breaking = Array.from({ length: 5 }, (_, index) =>
      specChange('SD-001', { location: `DELETE /keep/${index}`, pointer: '/paths', from: `delete${index}` }),
    );
    const many = Array.from({ length: 400 }, (_, index) =>
      specChange('SD-201', { location: `GET /op/${index} response 200 .field_${index}`, pointer: `/p/${index}` }),
    );
    const markdown = renderMarkdown(reportOf([...breaking, ...many]), { maxChars: 20_000 });
    expect(markdown.length).toBeLessThanOrEqual(20_000);
    for (let index = 0; index < 5; index++) expect(markdown).toContain(`**\`DELETE /keep/${index}\`**`);
    expect(markdown).toMatch(/> \*\*Cut to fit a GitHub comment\*\* .*: \d+ endpoints not shown/);
    expect(markdown).toMatch(
      /_\d+ endpoints not shown here \(none breaking for clients\): .*`--format json` has everything\._/,
    );
  });

  it('escapes text that Markdown or HTML would swallow', () => {
    const report: DriftReport = {
      tool,
      docs: {
        dir: 'docs',
        findings: [
          { id: 'C-08', kind: 'docs-vs-docs', summary: 'a | b', sides: [{ source: 'docs p', claim: 't=<ts>,v1=*x*' }] },
        ],
        stale: [],
      },
    };
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('| C-08 | docs-vs-docs | a \\| b |');
    expect(markdown).toContain('- docs p: t=\\<ts\\>,v1=\\*x\\*');
  });
});

// The published history of the spec, read where the spec itself lives.
const specPath = process.env.SCALEKIT_OPENAPI;
if (!specPath) throw new Error('set SCALEKIT_OPENAPI to the spec file before running these tests');
const historyDir = join(dirname(specPath), 'history');
const oldest = readdirSync(historyDir).sort()[0] ?? 'missing';

describe('the history diff, rendered', () => {
  const from = readSpecFile(join(historyDir, oldest)).document;
  const to = readSpecFile(specPath).document;
  const changes = diffSpecs(from, to);
  const report = {
    ...reportOf([]),
    specDiff: { summary: summarise(changes, from, to), groups: groupChanges(changes) },
  };

  it('fits a GitHub comment in both views, in a reviewer’s words', () => {
    for (const groupBy of ['endpoint', 'kind'] as const) {
      const markdown = renderMarkdown(report, { groupBy });
      expect(markdown.length, groupBy).toBeLessThan(65_536);
      expect(markdown, groupBy).not.toContain('~1');
      expect(markdown, groupBy).not.toContain('{"minLength":null}');
      expect(markdown, groupBy).toContain('minLength 1 removed');
      expect(markdown, groupBy).not.toMatch(/component schema (\S+): `\1`/);
    }
  });
});
