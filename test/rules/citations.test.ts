import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogue as rules } from '../../src/rules/catalogue.js';
import { contradictions, gaps } from '../../src/rules/findings.js';
import { packageDir } from '../cli/run-cli.js';

describe('the rule catalogue', () => {
  it('has unique, well-formed IDs and one-line statements', () => {
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of rules) {
      expect(rule.id).toMatch(/^(RDR|RDT|EPT|TPL|PWL|ALG|WHD|WHS|WHP|TOK|OAS|OTH)-\d{3}$/);
      expect(rule.statement).not.toContain('\n');
      expect(rule.sources.length).toBeGreaterThan(0);
    }
  });

  it('links contradictions and gaps only to rules that exist, and back', () => {
    const ids = new Set<string>(rules.map((r) => r.id));
    const findings = new Set([...contradictions, ...gaps].map((f) => f.id));
    expect(contradictions).toHaveLength(38);
    expect(gaps).toHaveLength(31);
    for (const finding of [...contradictions, ...gaps])
      for (const id of finding.rules) expect(ids.has(id), `${finding.id} → ${id}`).toBe(true);
    for (const rule of rules)
      for (const id of rule.related ?? []) expect(findings.has(id), `${rule.id} → ${id}`).toBe(true);
  });
});

describe('a test that cites an unknown rule ID', { timeout: 60_000 }, () => {
  it('fails the vitest run with a message naming the file and the ID', async () => {
    // A real test file under the harness project's include, run with the project's own vitest.config.ts. Its own
    // folder: the embedding test builds its probe under test/__probe__ too, perhaps at the same time.
    const dir = join(packageDir, 'test', '__probe__', 'citations');
    const file = join(dir, 'unknown-rule.test.ts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      file,
      "import { test } from 'vitest';\ntest('cites a rule that does not exist', { tags: ['ZZZ-999'] }, () => {});\n",
    );
    try {
      const result = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            join(packageDir, 'node_modules/vitest/vitest.mjs'),
            'run',
            '--project',
            'harness',
            'test/__probe__/citations/',
          ],
          {
            cwd: packageDir,
            env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
          },
        );
        let output = '';
        child.stdout.on('data', (c) => {
          output += c;
        });
        child.stderr.on('data', (c) => {
          output += c;
        });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, output }));
      });
      expect(result.code).toBe(1);
      expect(result.output).toContain('test/__probe__/citations/unknown-rule.test.ts');
      expect(result.output).toContain('The tag "ZZZ-999" is not defined in the configuration');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
