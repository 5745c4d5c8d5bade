import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultMarkdownMaxChars, renderMarkdownReport, writeMarkdownReport } from '../../src/reporters/markdown.js';
import type { RunReport } from '../../src/reporters/model.js';
import { Redactor } from '../../src/reporters/redact.js';
import { buildReport, expectedEntry, manyFailures, mustFailure, ruleOf } from './report-fixture.js';

/** Where a rule's entry starts: its `#### ID (…)` heading, or its row or item in a list. */
const positionOf = (markdown: string, pattern: RegExp) => {
  const match = pattern.exec(markdown);
  expect(match, String(pattern)).not.toBeNull();
  return match?.index ?? -1;
};

/** The cells of a table row, split on pipes that are not escaped. */
const cells = (row: string) =>
  row
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());

describe('renderMarkdownReport', () => {
  const report = buildReport();
  const markdown = renderMarkdownReport(report);

  it('opens with the verdict, counting MUST failures and errored rules', () => {
    const [title] = markdown.split('\n');
    expect(title).toBe('## scalekit-conformance: 1 MUST failure, 1 rule errored (no verdict)');
  });

  it('says passed when only warnings and expected failures remain', () => {
    const rules = report.rules.filter((r) => r.id !== 'ALG-010' && r.id !== 'ALG-007');
    const [title] = renderMarkdownReport(buildReport({ rules })).split('\n');
    expect(title).toBe('## scalekit-conformance: passed, with 1 SHOULD/MAY warning');
  });

  it('names the target, the seed to replay with, the spec hash, the duration and the shard', () => {
    const facts = markdown.split('\n')[2] ?? '';
    expect(facts).toContain(`\`${report.target}\``);
    expect(facts).toContain(`\`--seed ${report.seed}\``);
    expect(facts).toContain(`\`${report.spec.sha256.slice(0, 12)}\``);
    expect(facts).not.toContain(report.spec.sha256.slice(0, 13));
    expect(facts).toContain('12.3 s');
    expect(facts).toContain('shard 1/2');
  });

  it('counts every kind of outcome in its own column', () => {
    // Each kind of rule repeated a different number of times, so a column showing another's count is caught.
    const repeats: [string, string, number][] = [
      ['passed', 'ALG-001', 1],
      ['failed (MUST)', 'ALG-010', 2],
      ['warnings', 'ALG-013', 3],
      ['expected failures', 'RDR-003', 4],
      ['unexpected passes', 'RDR-004', 5],
      ['errored', 'ALG-007', 6],
      ['skipped', 'TOK-005', 7],
      ['uncovered', 'ALG-020', 8],
      ['deselected', 'TOK-009', 9],
    ];
    const rules = repeats.flatMap(([, id, times]) => Array.from({ length: times }, () => ruleOf(report, id)));
    const lines = renderMarkdownReport(buildReport({ rules })).split('\n');
    const header = lines.findIndex((l) => l.startsWith('| passed |'));
    const names = cells(lines[header] ?? '');
    const counts = cells(lines[header + 2] ?? '').map(Number);
    expect(names).toEqual(repeats.map(([name]) => name));
    expect(counts).toEqual(repeats.map(([, , times]) => times));
  });

  it('lists MUST failures first, then errored rules, warnings, unexpected passes and expected failures', () => {
    const order = [
      positionOf(markdown, /^#### ALG-010 \(MUST\)/m),
      positionOf(markdown, /^#### ALG-007 \(MUST\)/m),
      positionOf(markdown, /^#### ALG-013 \(SHOULD warning\)/m),
      positionOf(markdown, /^- \*\*RDR-004\*\*/m),
      positionOf(markdown, /^\| RDR-003 \|/m),
      positionOf(markdown, /entry "ALG-\\\*" expired/),
      positionOf(markdown, /1 rule not selected/),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('puts a failure replay line in a sh code block', () => {
    const block = `\`\`\`sh\n${mustFailure.replay}\n\`\`\``;
    expect(markdown).toContain(block);
  });

  it('escapes a pipe in a table cell, so the expected-failure row keeps its five cells', () => {
    const row = markdown.split('\n').find((l) => l.startsWith('| RDR-003 |')) ?? '';
    expect(row).toContain('known bug \\| tracked upstream');
    expect(cells(row)).toHaveLength(5);
    expect(cells(row)[3]).toBe(`[${expectedEntry.link}](${expectedEntry.link})`);
  });

  it('keeps markup of a response body from rendering: it sits in code, or is escaped', () => {
    // The received body has `<b>bad</b>` and a newline: it goes in a text block, not in the prose.
    expect(markdown).toMatch(/```text\n[^`]*<b>bad<\/b>/);
    const prose = markdown.replace(/```[a-z]*\n[\s\S]*?\n\s*```/g, '').replace(/`[^`\n]*`/g, '');
    expect(prose).not.toContain('<b>');
  });

  it('says what did not apply in the expectations file, and how many rules were not selected', () => {
    expect(markdown).toContain('expired on 2020-01-01');
    expect(markdown).toContain('matched no rule and no test of the run');
    // `*` is escaped, so the glob does not start emphasis.
    expect(markdown).toContain('1 rule not selected (--exclude TOK-\\*, --shard 1/2)');
  });

  it('ends without a cut line when everything fits', () => {
    expect(markdown.length).toBeLessThan(defaultMarkdownMaxChars);
    expect(markdown).not.toContain('cut to stay under');
  });
});

describe('the size bound', () => {
  const base = buildReport();
  const failures = manyFailures(500);
  const report: RunReport = { ...base, rules: [...failures, ...base.rules] };
  const markdown = renderMarkdownReport(report);

  it('keeps 500 failures under the default bound, with a line saying how many were cut', () => {
    expect(markdown.length).toBeLessThanOrEqual(defaultMarkdownMaxChars);
    const kept = failures.filter((r) => markdown.includes(`#### ${r.id} (MUST)`)).length;
    // The fixture's own MUST failure comes after the generated ones, so it is cut too.
    const cut = failures.length + 1 - kept;
    expect(kept).toBeGreaterThan(0);
    expect(cut).toBeGreaterThan(0);
    const lastLine = markdown.trimEnd().split('\n').at(-1) ?? '';
    expect(lastLine).toMatch(
      new RegExp(
        `^… ${cut} more failures and \\d+ more entries cut to stay under ${defaultMarkdownMaxChars} characters`,
      ),
    );
  });

  it('keeps the first failures and cuts from the end', () => {
    const shown = failures.map((r) => markdown.includes(`#### ${r.id} (MUST)`));
    const firstCut = shown.indexOf(false);
    expect(shown.slice(0, firstCut).every(Boolean)).toBe(true);
    expect(shown.slice(firstCut).some(Boolean)).toBe(false);
    // Less important sections went before any failure did.
    expect(markdown).not.toContain('### Warnings');
    expect(markdown).not.toContain('### Expected failures');
  });

  it('counts the other entries it cut', () => {
    const others = Number(/and (\d+) more entries cut/.exec(markdown)?.[1]);
    // Errored, warning, unexpected pass, expected failure, two expectations notes and the deselected line.
    const otherEntries = ['ALG-007', 'ALG-013', 'RDR-004', 'RDR-003'].length + 2 + 1;
    expect(others).toBe(otherEntries);
  });

  it('holds a smaller bound too', () => {
    const small = renderMarkdownReport(report, { maxChars: 5_000 });
    expect(small.length).toBeLessThanOrEqual(5_000);
    expect(small).toContain('cut to stay under 5000 characters');
    expect(small).toContain(`#### ${failures[0]?.id} (MUST)`);
  });

  it('cuts a huge received body short instead of dropping the failure', () => {
    const rule = ruleOf(base, 'ALG-010');
    const huge = { ...rule, failures: [{ ...mustFailure, received: 'y'.repeat(200_000) }] };
    const text = renderMarkdownReport({ ...base, rules: [huge] });
    expect(text).toContain('#### ALG-010 (MUST)');
    expect(text).toContain('received cut at 1000 characters');
    expect(text.length).toBeLessThan(defaultMarkdownMaxChars);
  });
});

describe('writeMarkdownReport', () => {
  const dir = mkdtempSync(join(tmpdir(), 'markdown-report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('appends to a step summary file, redacted, and replaces a report file', () => {
    const secret = 'super-secret-value-123';
    const report = buildReport({ target: `http://target/?k=${secret}` });
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, 'an earlier step\n');
    writeMarkdownReport(summary, report, new Redactor([secret]), { append: true });
    const appended = readFileSync(summary, 'utf8');
    expect(appended.startsWith('an earlier step\n')).toBe(true);
    expect(appended).toContain('## scalekit-conformance:');
    expect(appended).not.toContain(secret);

    const file = join(dir, 'report.md');
    writeFileSync(file, 'an older report\n');
    writeMarkdownReport(file, report, new Redactor([secret]));
    const written = readFileSync(file, 'utf8');
    expect(written).not.toContain('an older report');
    expect(written.startsWith('## scalekit-conformance:')).toBe(true);
  });
});
