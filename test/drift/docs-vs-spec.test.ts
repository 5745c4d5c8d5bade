import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  acknowledgementCodes,
  objectLiterals,
  retrySchedules,
  webhookEventNames,
  webhookPayloadSamples,
} from '../../src/drift/docs-facts.js';
import {
  type DocsPage,
  headingKey,
  parseMdx,
  parseSeed,
  plain,
  readDocsFolder,
  seedBoundaryMarker,
} from '../../src/drift/docs-parse.js';
import { type DocsFinding, docsVsSpec, schedulesAgree } from '../../src/drift/docs-vs-spec.js';
import { readSpecFile } from '../../src/spec/document.js';

// Hand-made pages prove the parser and each extractor; the shared docs folder proves the acceptance findings; temp
// copies of it, edited, prove staleness. The docs are read at run time and never copied into the repository.

const specPath = process.env.SCALEKIT_OPENAPI;
if (!specPath) throw new Error('set SCALEKIT_OPENAPI to the spec file before running these tests');
const spec = readSpecFile(specPath).document;
const docsDir = resolve(process.env.SCALEKIT_DOCS ?? '../shared/docs');
const seedDir = resolve(process.env.SCALEKIT_SEED_DOCS ?? '../shared/seed');
const page = (name: string, text: string): DocsPage => ({ origin: 'docs', page: name, sections: parseMdx(text) });

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'docs-drift-'));
  temps.push(dir);
  return dir;
}
function writePages(dir: string, pages: Record<string, string>) {
  for (const [name, text] of Object.entries(pages)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const byId = (findings: DocsFinding[], id: string, kind?: DocsFinding['kind']) =>
  findings.filter((entry) => entry.id === id && (kind ? entry.kind === kind : entry.kind !== 'stale'));
const sources = (findings: DocsFinding[]) => findings.flatMap((entry) => entry.sides.map((side) => side.source));

describe('the MDX section parser', () => {
  // Valid MDX, as a site build needs it: an import block ends at a blank line, and so does a GFM table (a line
  // without pipes right below one is another row).
  const sections = parseMdx(
    [
      '---',
      'title: Sample',
      '---',
      "import { Aside } from '@astrojs/starlight/components';",
      '',
      'Intro text.',
      '## First *heading* <Badge text="New" />',
      '<Steps>',
      '1. ### A step',
      '   Step text that',
      '   wraps.',
      '   ```js title="x"',
      '   // ## not a heading',
      '   ```',
      '</Steps>',
      '<Aside type="note" title="Careful">',
      'Inside the aside.',
      '</Aside>',
      '| Name | Value |',
      '|------|-------|',
      '| `a` | one \\| two |',
      '',
      '**Lead:**',
      '- item one',
      '  continues',
      '- item two',
    ].join('\n'),
  );

  it('keeps headings, including one inside a numbered step, with their depth', () => {
    expect(sections.map((section) => [section.heading, section.depth])).toEqual([
      ['', 0],
      ['First heading', 2],
      ['A step', 3],
    ]);
  });

  it('splits a section into text, code, aside text, table rows and list items with their lead-in', () => {
    const [, , step] = sections;
    expect(step?.blocks.map((block) => [block.kind, block.cells ?? block.text, block.aside, block.leadIn])).toEqual([
      ['text', 'Step text that wraps.', undefined, undefined],
      ['code', '// ## not a heading', undefined, undefined],
      ['text', 'Inside the aside.', 'Careful', undefined],
      ['table-row', ['`a`', 'one | two'], undefined, undefined],
      ['text', '**Lead:**', undefined, undefined],
      ['list-item', 'item one continues', undefined, '**Lead:**'],
      ['list-item', 'item two', undefined, '**Lead:**'],
    ]);
  });

  it('leaves out what a page does not show (an MDX comment, a rule), and reads a page that is no MDX as Markdown', () => {
    const shown = parseMdx(
      ['## Retries', '{/* Retried up to 9 times */}', '', '---', '', 'Retried up to 3 times.'].join('\n'),
    );
    expect(shown.flatMap((section) => section.blocks.map((block) => block.text))).toEqual(['Retried up to 3 times.']);
    // `<timestamp>` is no closed tag: MDX refuses the page, Markdown keeps its text.
    const loose = parseMdx(['## Signatures', 'The header is t=<timestamp>,v1=<signature>.'].join('\n'));
    expect(loose.map((section) => [section.heading, section.blocks.map((block) => plain(block.text))])).toEqual([
      ['Signatures', ['The header is t= ,v1= .']],
    ]);
  });

  it('restores the structure of a flattened seed document', () => {
    const [document] = parseSeed(
      [
        'preamble',
        '---',
        seedBoundaryMarker,
        '---',
        '# Sample page',
        '> A description.',
        'Intro. ## Retries [Section titled “Retries”](#retries) **Schedule:** * **One**: now * **Two**: later',
        '| Status | Meaning | | --- | --- | | **Ok** | fine | | **Bad** | not fine | After.',
      ].join('\n'),
    );
    expect(document?.page).toBe('Sample page');
    const retries = document?.sections.find((section) => section.heading === 'Retries');
    expect(retries?.blocks.map((block) => [block.kind, block.text])).toEqual([
      ['text', '**Schedule:**'],
      ['list-item', '**One**: now'],
      ['list-item', '**Two**: later'],
      ['table-row', '**Ok** | fine'],
      ['table-row', '**Bad** | not fine'],
      ['text', 'After.'],
    ]);
  });

  it('compares headings across case, punctuation, typographic quotes, markup and whitespace', () => {
    expect(headingKey("Verify the user's  identity")).toBe(headingKey('**VERIFY** the user’s identity!'));
    expect(headingKey('Authentication statuses')).not.toBe(headingKey('Authentication status'));
  });
});

describe('the fact extractors', () => {
  it('reads a retry schedule from a list under a retry lead-in, leaving out timeouts and total spans', () => {
    const docs = page(
      'hooks',
      [
        '## Delivery',
        'Answer within 10 seconds. Failed deliveries are retried up to 3 times.',
        '## Schedule',
        'Scalekit retries failed deliveries:',
        '- **First**: immediately',
        '- **Then**: 30 seconds, 2 minutes, 1 hour',
        '- **Total**: 4 attempts over about 1 hour',
        '## Unrelated',
        'Logs are kept for 30 days.',
      ].join('\n'),
    );
    expect(retrySchedules([docs]).map((fact) => [fact.heading, fact.value])).toEqual([
      ['Delivery', { delays: [], retries: 3 }],
      ['Schedule', { delays: [0, 30, 120, 3600], attempts: 4 }],
    ]);
  });

  it('treats a count as agreeing with a list of delays it can describe, and different delays as disagreeing', () => {
    expect(schedulesAgree({ delays: [0, 60, 300] }, { delays: [], attempts: 3 })).toBe(true);
    expect(schedulesAgree({ delays: [0, 60, 300] }, { delays: [], retries: 2 })).toBe(true);
    expect(schedulesAgree({ delays: [0, 60, 300] }, { delays: [], attempts: 6 })).toBe(false);
    expect(schedulesAgree({ delays: [0, 60] }, { delays: [0, 5] })).toBe(false);
  });

  it('finds acknowledgement codes in prose, in a table of codes and in handler code, per heading', () => {
    const docs = page(
      'webhooks',
      [
        '## Answer',
        'Your webhook endpoint should respond with a `201` status code. A non-2xx reply is a failure.',
        '## Codes',
        '| Code | Meaning |',
        '|---|---|',
        '| `200 OK` | fine |',
        '| `202 Accepted` <Badge text="Recommended" /> | queued |',
        '## Handler',
        '```js',
        "app.post('/webhook', (req, res) => res.status(200).end());",
        '```',
      ].join('\n'),
    );
    expect(acknowledgementCodes([docs]).map((fact) => [fact.heading, fact.value])).toEqual([
      ['Answer', { codes: [201], anySuccess: false }],
      ['Codes', { codes: [200, 202], anySuccess: false, recommended: 202 }],
      ['Handler', { codes: [200], anySuccess: false }],
    ]);
  });

  it('takes event names from event lists and from code that switches on the type, not other dotted names', () => {
    const docs = page(
      'hooks',
      [
        '## Events',
        '- **User events** - `user.signup`, `user.login`, sent from `auth.example.com`',
        '',
        'Read `options.code` first.',
        '```python',
        "if event_type == 'role.created':",
        "    host = 'api.example.com'",
        '```',
      ].join('\n'),
    );
    expect(webhookEventNames([docs]).map((fact) => fact.value)).toEqual([
      ['role.created', 'user.login', 'user.signup'],
    ]);
  });

  it('reads object literals in JSON with comments, JS and Python, and picks out event samples', () => {
    const code = [
      '{ "type": "role.created", // comment',
      '  "when": new Date().toISOString(),',
      "  data: { id: 'r1', 'name': \"x\" }, list: [{ inner: 1 }] }",
    ].join('\n');
    const [outer] = objectLiterals(code);
    expect(outer?.keys).toEqual(['type', 'when', 'data', 'list']);
    const docs = page('hooks', `## Sample\n\`\`\`json\n${code}\n\`\`\``);
    expect(webhookPayloadSamples([docs]).map((fact) => fact.value)).toEqual([
      { type: 'role.created', keys: ['type', 'when', 'data', 'list'], dataKeys: ['id', 'name'] },
    ]);
  });
});

// A folder whose every fact agrees with the spec, and the same folder with one fact changed at a time.
const agreeingPages = {
  'auth-logs.mdx': [
    '## Authentication statuses',
    '| Status | Description |',
    '|---|---|',
    '| **Initiated** | started |',
    '| **Pending** | in progress |',
    '| **Success** | done |',
    '| **Failed** | denied |',
    '## Retry behavior',
    'Failed deliveries are retried:',
    '- immediately',
    '- after 1 minute',
    '## Webhook delivery statuses',
    'Your webhook endpoint responds with 200 to acknowledge a delivery.',
  ].join('\n'),
  'implement-webhooks.mdx': [
    '## Configure webhooks in the dashboard',
    '- **Events** - `organization.created`, `user.signup`',
    'A failed delivery is retried once more after 1 minute, 2 attempts in all.',
  ].join('\n'),
};
const variations: [id: string, file: keyof typeof agreeingPages, from: string, to: string][] = [
  ['C-01', 'auth-logs.mdx', '**Failed**', '**Failure**'],
  ['C-03', 'implement-webhooks.mdx', '2 attempts', '5 attempts'],
  ['C-05', 'auth-logs.mdx', 'responds with 200', 'responds with 201'],
  ['C-11', 'implement-webhooks.mdx', '`user.signup`', '`user.created`'],
];

describe('docs that agree with the spec', () => {
  const compare = (pages: Record<string, string>) => {
    const dir = tempDir();
    writePages(dir, pages);
    return docsVsSpec(readDocsFolder(dir), spec);
  };

  it('report none of C-01, C-03, C-05 and C-11', () => {
    const findings = compare(agreeingPages);
    for (const [id] of variations) expect(byId(findings, id)).toEqual([]);
  });

  it.each(variations)('report %s once that one fact is changed', (id, file, from, to) => {
    const findings = compare({ ...agreeingPages, [file]: agreeingPages[file].replace(from, to) });
    expect(byId(findings, id)).toHaveLength(1);
  });
});

const haveDocs = existsSync(docsDir);
describe.skipIf(!haveDocs)(
  haveDocs ? `the docs folder ${docsDir}` : `the docs folder (skipped: ${docsDir} not found; set SCALEKIT_DOCS)`,
  () => {
    const findings = haveDocs ? docsVsSpec(readDocsFolder(docsDir), spec) : [];

    it('reports C-01 with both docs places and both spec enums', () => {
      const [c01] = byId(findings, 'C-01');
      expect(c01?.kind).toBe('docs-vs-spec');
      expect(c01?.summary).toContain('Failure (spec: FAILED)');
      expect(sources(byId(findings, 'C-01'))).toEqual([
        'docs auth-logs § Authentication statuses',
        'docs auth-logs § Filter auth logs',
        'spec /components/schemas/auditlogsAuthLogRequest/properties/status/enum',
        'spec /paths/~1api~1v1~1logs~1authentication~1requests/get/parameters/3/schema/items/enum',
      ]);
    });

    it('reports C-03 with every place a retry schedule is stated, each with its schedule', () => {
      const sides = byId(findings, 'C-03', 'docs-vs-docs')[0]?.sides ?? [];
      expect(sides).toEqual(
        expect.arrayContaining([
          { source: 'docs auth-logs § Retry behavior', claim: 'immediately, 1 min, 5 min, 15 min' },
          {
            source: 'docs implement-webhooks § Handle error responses',
            claim: 'immediately, 5 s, 30 s, 2 min, 5 min, 15 min; 6 attempts',
          },
          { source: 'docs implement-webhooks § Configure webhooks in the dashboard', claim: 'up to 3 retries' },
        ]),
      );
    });

    it('reports C-03 with the fourth schedule when its page is in the folder', () => {
      const dir = tempDir();
      cpSync(docsDir, dir, { recursive: true });
      writePages(dir, {
        'directory/scim/quickstart.mdx':
          '## Retries\nA failed delivery is retried immediately, then after 5 seconds, 5 minutes, 30 minutes, ' +
          '2 hours, 5 hours, 10 hours and 10 hours.',
      });
      const withFourth = docsVsSpec(readDocsFolder(dir), spec);
      expect(byId(withFourth, 'C-03')[0]?.sides).toContainEqual({
        source: 'docs directory/scim/quickstart § Retries',
        claim: 'immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h',
      });
      expect(byId(withFourth, 'C-03', 'stale')).toEqual([]);
    });

    it('reports C-05 with the places saying 201, the handlers answering 200, and the spec', () => {
      const sides = byId(findings, 'C-05', 'docs-vs-docs')[0]?.sides ?? [];
      expect(sides).toEqual(
        expect.arrayContaining([
          { source: 'docs implement-webhooks § Configure webhooks in the dashboard', claim: 'answer 201' },
          { source: 'docs webhooks-best-practices § Avoid webhook timeouts', claim: 'answer 201' },
          { source: 'docs implement-webhooks § Set up webhook endpoint', claim: 'answer 200' },
          expect.objectContaining({ source: 'spec /webhooks' }),
        ]),
      );
    });

    it('reports C-11 with the docs list of events, what it omits, and the spec webhooks', () => {
      const [c11] = byId(findings, 'C-11', 'docs-vs-spec');
      const configure = c11?.sides.find(
        (side) => side.source === 'docs implement-webhooks § Configure webhooks in the dashboard',
      );
      expect(configure?.claim).toContain('user.created');
      expect(configure?.claim).toContain('omits organization.deleted');
      expect(sources(byId(findings, 'C-11'))).toContain('spec /webhooks');
    });

    it('gives the same sorted findings for the same docs and spec', () => {
      expect(docsVsSpec(readDocsFolder(docsDir), spec)).toEqual(findings);
      const keys = findings.map((entry) => `${entry.kind === 'stale' ? 1 : 0} ${entry.id}`);
      expect(keys).toEqual([...keys].sort());
    });
  },
);

describe.skipIf(!haveDocs)('staleness against an edited copy of the docs folder', () => {
  const editedCopy = (file: string, edit: (text: string) => string) => {
    const dir = tempDir();
    cpSync(docsDir, dir, { recursive: true });
    const path = join(dir, file);
    const before = readFileSync(path, 'utf8');
    const after = edit(before);
    expect(after).not.toBe(before);
    writeFileSync(path, after);
    return docsVsSpec(readDocsFolder(dir), spec).filter((entry) => entry.kind === 'stale');
  };
  const staleAt = (stale: DocsFinding[], source: string) =>
    stale.filter((entry) => entry.sides.some((side) => side.source === source)).map((entry) => entry.id);

  it('reports a renamed heading as stale for each rule or contradiction citing it', () => {
    const stale = editedCopy('auth-logs.mdx', (text) => text.replace('## Authentication statuses', '## Status values'));
    expect(staleAt(stale, 'docs auth-logs § Authentication statuses')).toContain('C-01');
  });

  it('does not report a heading whose case, spacing or punctuation changed', () => {
    const stale = editedCopy('auth-logs.mdx', (text) =>
      text.replace('## Authentication statuses', '## AUTHENTICATION   statuses:'),
    );
    expect(staleAt(stale, 'docs auth-logs § Authentication statuses')).toEqual([]);
  });

  it('reports a source whose fact is gone when its table row is removed', () => {
    const stale = editedCopy('auth-logs.mdx', (text) =>
      text
        .split('\n')
        .filter((line) => !(line.startsWith('| **Success**') && line.includes('2xx')))
        .join('\n'),
    );
    expect(staleAt(stale, 'docs auth-logs § Webhook delivery statuses')).toContain('C-05');
    expect(staleAt(stale, 'docs auth-logs § Authentication statuses')).toEqual([]);
  });

  it('reports a page that left the folder', () => {
    const dir = tempDir();
    cpSync(docsDir, dir, { recursive: true });
    rmSync(join(dir, 'webhooks-best-practices.mdx'));
    const stale = docsVsSpec(readDocsFolder(dir), spec).filter((entry) => entry.kind === 'stale');
    expect(staleAt(stale, 'docs webhooks-best-practices § Avoid webhook timeouts')).toContain('C-05');
  });

  it('reports a contradiction the docs have resolved as no longer seen', () => {
    const stale = editedCopy('auth-logs.mdx', (text) => text.replaceAll('Failure', 'Failed'));
    expect(stale.find((entry) => entry.id === 'C-01')?.summary).toContain('no longer seen');
  });
});

const haveSeed = existsSync(seedDir);
describe.skipIf(!haveSeed)(
  haveSeed ? `the seed folder ${seedDir}` : `the seed folder (skipped: ${seedDir} not found; set SCALEKIT_SEED_DOCS)`,
  () => {
    it('reads the seed as prose docs: C-01 from its auth-log page, and none of its cited sections stale', () => {
      const findings = docsVsSpec(readDocsFolder(seedDir), spec);
      expect(sources(byId(findings, 'C-01'))).toContain('seed View logs § Authentication statuses');
      expect(findings.filter((entry) => entry.kind === 'stale')).toEqual([]);
    });
  },
);
