import { describe, expect, it } from 'vitest';
import type { DriftFinding } from '../../src/checks/drift.js';
import { type SpecChange, specChange } from '../../src/drift/change-kinds.js';
import { escapeData, escapeProperty, renderGithub, renderJunit, xml } from '../../src/drift/formats.js';
import { type DriftReport, groupChanges, groupServerDrift } from '../../src/drift/report.js';
import { summarise } from '../../src/drift/spec-diff.js';
import type { OpenApiDocument } from '../../src/spec/document.js';
import { undeclared401 } from '../support/drift-findings.js';

// The CI formats on hand-made reports: GitHub workflow commands and JUnit XML.

const tool = { name: 'scalekit-conformance', version: '0' };
const emptySpec: OpenApiDocument = { openapi: '3.1.0', paths: {} };
const removed = specChange('SD-001', {
  location: 'DELETE /api/v1/roles/{name}',
  pointer: '/paths',
  from: 'DeleteRole',
});
const limit = specChange('SD-218', {
  location: 'GET /api/v1/users response 200 .name',
  pointer: '/components/schemas/User/properties/name',
  from: { maxLength: 32 },
  to: { maxLength: null },
});

function reportOf(changes: SpecChange[], findings: DriftFinding[] = []): DriftReport {
  return {
    tool,
    specDiff: { summary: summarise(changes, emptySpec, emptySpec), groups: groupChanges(changes) },
    server: { report: 'r.json', total: findings.length, operations: groupServerDrift(findings) },
  };
}

describe('renderGithub', () => {
  it('prints ::error for changes breaking clients and ::warning for the others, one line each', () => {
    const lines = renderGithub(reportOf([limit, removed], [undeclared401('GET /a'), undeclared401('GET /b')]))
      .trimEnd()
      .split('\n');
    expect(lines).toEqual([
      '::error title=SD-001 operation removed::DELETE /api/v1/roles/{name} operation removed (`DeleteRole`)',
      '::warning title=SD-218 response limit loosened::GET /api/v1/users response 200 .name: maxLength 32 removed',
      // A property escapes `:` and `,`; the message keeps them.
      '::warning title=server drift%3A undeclared-status::undeclared-status 401: the target answered 401, which the spec does not declare [OAS-010] on 2 operations: GET /a; GET /b',
      'scalekit-conformance drift: 2 spec changes: 1 breaking for clients, 0 breaking for servers; 2 server findings (1 distinct)',
    ]);
  });

  it('prints accepted changes as notices and the unused entries of the accepted-changes file as warnings', () => {
    const report = reportOf([removed]);
    const [group] = report.specDiff?.groups ?? [];
    if (group) group.accepted = { reason: 'shipped, announced', until: '2027-01-01' };
    report.acceptance = { file: 'accept.yaml', unmatched: [{ entry: 'SD-209 GET /x', reason: 'old' }], expired: [] };
    const output = renderGithub(report);
    expect(output).toContain('::notice title=SD-001 operation removed::');
    expect(output).toContain('(accepted until 2027-01-01: shipped, announced)');
    expect(output).toContain('::warning title=accepted change matches nothing (accept.yaml)::SD-209 GET /x: old');
    expect(output).not.toContain('::error');
    expect(output).toContain('0 breaking for clients (1 accepted)');
  });

  it('escapes as GitHub’s workflow-command rules say', () => {
    expect(escapeData('100%\r\nnext')).toBe('100%25%0D%0Anext');
    expect(escapeProperty('a: b, c%')).toBe('a%3A b%2C c%25');
    const hostile = specChange('SD-002', { location: 'GET /x', pointer: '/p', to: 'line1\n::error::forged' });
    const output = renderGithub(reportOf([hostile]));
    expect(output.split('\n').filter((line) => line.startsWith('::'))).toHaveLength(1);
    expect(output).toContain('line1%0A::error::forged');
  });

  it('points a broken suite file at its line', () => {
    const report: DriftReport = {
      tool,
      typecheck: {
        spec: 'new.json',
        filesChecked: 10,
        durationMs: 1,
        broken: [{ file: 'suites/a.test.ts', errors: 2, first: '12:5 TS2339 Property x does not exist' }],
      },
    };
    expect(renderGithub(report)).toContain(
      '::warning file=suites/a.test.ts,line=12,col=5,title=no longer compiles against new.json::TS2339 Property x does not exist',
    );
  });
});

/** Well-formed enough for a CI's JUnit reader: tags nest and close, every `&` starts an entity, no raw `<` in text. */
function assertWellFormed(document: string): void {
  const body = document.replace(/^<\?xml [^?]*\?>\n/, '');
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (const match of body.matchAll(tag)) {
    const between = body.slice(last, match.index);
    expect(between, 'text between tags').not.toMatch(/[<>]|&(?!(?:amp|lt|gt|quot|apos);)/);
    last = (match.index ?? 0) + match[0].length;
    const [, closing, name, attributes = '', selfClosing] = match;
    expect(attributes).not.toMatch(/&(?!(?:amp|lt|gt|quot|apos);)/);
    if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing && name) stack.push(name);
  }
  expect(body.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
}

describe('renderJunit', () => {
  it('writes one case per endpoint and per distinct finding; breaking and new ones fail', () => {
    const findings = [undeclared401('GET /a'), undeclared401('GET /b', { status: 409, detail: 'a 409', new: true })];
    const output = renderJunit(reportOf([removed, limit], findings));
    assertWellFormed(output);
    expect(output).toContain('<testsuites name="scalekit-conformance drift" tests="4" failures="2" errors="0">');
    expect(output).toContain('<testsuite name="spec against spec" tests="2" failures="1"');
    expect(output).toContain('<testcase classname="drift.spec" name="DELETE /api/v1/roles/{name}">');
    expect(output).toContain('<failure message="1 change(s) breaking for clients" type="drift">');
    expect(output).toContain('review: response 200 .name: maxLength 32 removed (SD-218)');
    expect(output).toContain('<testsuite name="server against spec" tests="2" failures="1"');
    expect(output).toContain('name="new: undeclared-status 409: a 409"');
  });

  it('escapes markup and drops characters XML forbids', () => {
    expect(xml('a<b & "c" \'d\' \u0001e')).toBe('a&lt;b &amp; &quot;c&quot; &apos;d&apos; e');
    const hostile = specChange('SD-002', {
      location: 'GET /x<y>&z',
      pointer: '/p',
      to: ']]></system-out><injected attr="1"/>\u0000',
    });
    const output = renderJunit(reportOf([hostile], [undeclared401('GET "q" & <r>')]));
    assertWellFormed(output);
    expect(output).not.toContain('<injected');
  });

  it('passes accepted changes, noting why', () => {
    const report = reportOf([removed]);
    const [group] = report.specDiff?.groups ?? [];
    if (group) group.accepted = { reason: 'shipped' };
    const output = renderJunit(report);
    expect(output).not.toContain('<failure');
    expect(output).toContain('accepted: operation removed (`DeleteRole`) (SD-001) (accepted: shipped)');
  });
});
