import { describe, expect, it } from 'vitest';
import { specChange } from '../../src/drift/change-kinds.js';
import { type DriftReport, groupChanges, renderMarkdown } from '../../src/drift/report.js';
import { summarise } from '../../src/drift/spec-diff.js';
import type { OpenApiDocument } from '../../src/spec/document.js';

// Grouping and rendering on hand-made changes: what a reader of a pull-request comment sees.

const enumWidened = (location: string) =>
  specChange('SD-209', { location, pointer: '/components/schemas/Kind/enum', fromPointer: '/x', to: ['NEW'] });
const emptySpec: OpenApiDocument = { openapi: '3.1.0', paths: {} };

function reportOf(changes: ReturnType<typeof enumWidened>[]): DriftReport {
  return {
    tool: { name: 'scalekit-conformance', version: '0' },
    specDiff: { summary: summarise(changes, emptySpec, emptySpec), groups: groupChanges(changes) },
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

describe('renderMarkdown', () => {
  it('counts per classification first, lists breaking changes, and folds long lists', () => {
    const changes = Array.from({ length: 5 }, (_, index) => enumWidened(`GET /item/${index}`));
    const markdown = renderMarkdown(reportOf(changes), { maxLocations: 3 });
    const lines = markdown.split('\n');
    expect(lines.indexOf('| breaking | 5 | 0 |')).toBeGreaterThan(0);
    expect(lines.indexOf('| breaking | 5 | 0 |')).toBeLessThan(lines.indexOf('#### Breaking for clients'));
    expect(markdown).toContain('- `/components/schemas/Kind/enum`: `["NEW"]`, at 5 places:');
    expect(markdown).toContain('  - … and 2 more (the JSON report lists them all)');
    expect(markdown).toMatch(/<details><summary><b>SD-209<\/b> response enum value added/);
  });

  it('escapes text that Markdown or HTML would swallow', () => {
    const report: DriftReport = {
      tool: { name: 'scalekit-conformance', version: '0' },
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

  it('says so when there is nothing to report', () => {
    expect(renderMarkdown(reportOf([]))).toContain('| spec against spec | no changes |');
  });
});
