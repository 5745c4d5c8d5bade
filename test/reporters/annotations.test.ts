import { describe, expect, it } from 'vitest';
import { annotationsPerLevel, escapeData, escapeProperty, githubAnnotations } from '../../src/reporters/annotations.js';
import type { RunReport } from '../../src/reporters/model.js';
import { buildReport, expectations, listFile, manyFailures, mustFailure, redirectFile } from './report-fixture.js';

interface Command {
  level: string;
  properties: Record<string, string>;
  message: string;
}

/** Reads a workflow command back as GitHub does: properties split on `,` and `=`, then every escape undone. */
function parseCommand(line: string): Command {
  const match = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!match) throw new Error(`not a workflow command: ${line}`);
  const decode = (text: string) =>
    text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  const properties = Object.fromEntries(
    (match[2] ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => {
        const [key = '', value = ''] = pair.split('=');
        return [key, decode(value)];
      }),
  );
  return { level: match[1] ?? '', properties, message: decode(match[3] ?? '') };
}

describe('escaping', () => {
  it('encodes %, CR and LF in data, and : and , too in properties', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext%3A a%2C b');
  });

  it('encodes % first, so an escape already in the text survives', () => {
    expect(escapeData('%0A')).toBe('%250A');
  });
});

describe('githubAnnotations', () => {
  const report = buildReport();
  const lines = githubAnnotations(report);
  const commands = lines.map(parseCommand);
  const byTitle = (title: string) => commands.filter((c) => c.properties.title === title);

  it('writes one command per line, none spanning lines', () => {
    for (const line of lines) expect(line).not.toMatch(/[\r\n]/);
  });

  it('makes a MUST failure an error at its test file, with the first line and then the replay line', () => {
    const [error, ...others] = byTitle('ALG-010 (MUST)');
    expect(others).toEqual([]);
    expect(error?.level).toBe('error');
    expect(error?.properties.file).toBe(listFile);
    const [first, replay] = error?.message.split('\n') ?? [];
    expect(first).toBe(
      `${mustFailure.rule} ${mustFailure.title}: expected ${mustFailure.expected} but got ${mustFailure.received.split('\n')[0]}`,
    );
    expect(replay).toBe(`Reproduce with: ${mustFailure.replay}`);
  });

  it('has no error for warnings, errored rules, expected failures or a lenient unexpected pass', () => {
    const errors = commands.filter((c) => c.level === 'error');
    expect(errors.map((c) => c.properties.title)).toEqual(['ALG-010 (MUST)']);
    expect(byTitle('ALG-013 (SHOULD)').map((c) => c.level)).toEqual(['warning']);
    expect(byTitle('ALG-007 (MUST) no verdict').map((c) => c.level)).toEqual(['warning']);
    expect(byTitle('RDR-004 unexpected pass').map((c) => c.level)).toEqual(['warning']);
    expect(commands.filter((c) => c.message.includes('RDR-003') && c.level !== 'notice')).toEqual([]);
  });

  it('counts expected failures in one notice', () => {
    const notices = commands.filter((c) => c.level === 'notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.message).toMatch(/^1 rule failed as expected .*: RDR-003$/);
  });

  it('warns of expectations entries that did not apply, escaping : and , in properties', () => {
    const notApplied = byTitle('expectations entry not applied');
    expect(notApplied).toHaveLength(expectations.expired.length + expectations.unmatched.length);
    expect(notApplied.some((c) => c.message.includes('"suite > gone, renamed: test"'))).toBe(true);
    // A title or file with `:` or `,` would otherwise end the property early.
    const withComma = buildReport({
      expectations: { ...expectations, file: 'expectations, v2: staging.yaml' },
    });
    const line = githubAnnotations(withComma).find((l) => l.includes('expectations entry not applied')) ?? '';
    expect(line).toContain('file=expectations%2C v2%3A staging.yaml,');
    expect(parseCommand(line).properties.file).toBe('expectations, v2: staging.yaml');
  });

  it('makes an unexpected pass an error under --strict-expectations', () => {
    const strict = githubAnnotations(buildReport({ expectations: { ...expectations, strict: true } })).map(
      parseCommand,
    );
    const unexpected = strict.filter((c) => c.properties.title === 'RDR-004 unexpected pass');
    expect(unexpected.map((c) => [c.level, c.properties.file])).toEqual([['error', redirectFile]]);
  });

  it('escapes a newline and a percent sign in a failure message', () => {
    const rules = report.rules.map((r) =>
      r.id === 'ALG-010'
        ? { ...r, failures: [{ ...mustFailure, received: '100% wrong\n::error::forged', replay: undefined }] }
        : r,
    );
    const line = githubAnnotations(buildReport({ rules })).find((l) => l.includes('title=ALG-010')) ?? '';
    expect(line).toContain('100%25 wrong');
    // The received body's second line is not in the message (only the first line is), and cannot start a command.
    expect(line).not.toContain('forged');
    expect(githubAnnotations(buildReport({ rules })).filter((l) => l.startsWith('::error'))).toHaveLength(1);
  });

  it('writes at most 50 errors, then one line counting the rest', () => {
    const many: RunReport = buildReport({ rules: manyFailures(annotationsPerLevel + 7) });
    const errors = githubAnnotations(many)
      .map(parseCommand)
      .filter((c) => c.level === 'error');
    expect(errors).toHaveLength(annotationsPerLevel + 1);
    expect(errors.slice(0, annotationsPerLevel).every((c) => /^ALG-\d+ \(MUST\)$/.test(c.properties.title ?? ''))).toBe(
      true,
    );
    expect(errors.at(-1)?.message).toMatch(/^7 more errors not annotated/);
  });
});
