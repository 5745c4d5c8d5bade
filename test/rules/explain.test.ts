import { describe, expect, it } from 'vitest';
import {
  checksByRule,
  faultsNaming,
  formatExplanation,
  formatSource,
  oraclesByRule,
  type RuleExplanation,
  relatedFindings,
  ruleIdsNamedIn,
  tagRowLine,
} from '../../src/rules/explain.js';
import { closestIds } from '../../src/rules/selector.js';
import type { Contradiction, Gap } from '../../src/rules/types.js';

// Source texts as the CLI reads them; line numbers below count from the first line of each template.
const redirectChecks = `import type { RuleId } from '../rules/catalogue.js';

export type RegistrationRule =
  | 'RDR-003'
  | 'RDR-008';

export function registrationAgrees(rule: RegistrationRule, answer: unknown): Failure | undefined {
  return undefined;
}

export function stateReturned(rule: 'EPT-006' | 'EPT-008', exchange: Exchange): Failure | undefined {
  return undefined;
}

export function checkEnvelope(event: unknown): Failure[] {
  return [failure('WHP-001', 'envelope')];
}

export const refused = (rule: RefusedRule, exchange: Exchange) => undefined;
`;

const httpChecks = `/** Decides whatever rule its caller names. */
export function checkStatus(rule: RuleId, exchange: Exchange, expected: number): Failure | undefined {
  return undefined;
}

type RefusedRule = LoginRule | 'RDR-001';
type LoginRule = 'EPT-005';
`;

const contractChecks = `export const contractChecks = {
  not_a_server_error: {
    rule: 'OAS-009',
    run: () => undefined,
  },
  status_code_conformance: {
    rule: 'OAS-010',
    also: ['OAS-004'],
    run: () => undefined,
  },
} satisfies Record<string, ContractCheck>;
`;

const authLogSuite = `test('a status outside the enum is rejected', { tags: ['ALG-010'] }, async ({ target }) => {
  const { exchange } = await exchangeOf(target, () => request());
  assertConforms(checkStatus('ALG-010', exchange, 400));
});
`;

describe('ruleIdsNamedIn', () => {
  it('finds single IDs and expands ranges, with or without the prefix repeated', () => {
    expect(ruleIdsNamedIn('(RDR-008, EPT-001)')).toEqual(['RDR-008', 'EPT-001']);
    expect(ruleIdsNamedIn('RDR-012..RDR-015')).toEqual(['RDR-012', 'RDR-013', 'RDR-014', 'RDR-015']);
    expect(ruleIdsNamedIn('WHD-006..008')).toEqual(['WHD-006', 'WHD-007', 'WHD-008']);
  });

  it('finds nothing in text without a rule ID', () => {
    expect(ruleIdsNamedIn('G-01 and C-26, sha-256, ABCDE-123')).toEqual([]);
  });
});

describe('checksByRule', () => {
  const scanned = checksByRule(
    [
      { file: 'src/checks/redirects.ts', text: redirectChecks },
      { file: 'src/checks/http.ts', text: httpChecks },
      { file: 'src/contract/checks.ts', text: contractChecks },
    ],
    [{ file: 'suites/auth-logs/list.test.ts', text: authLogSuite }],
  );

  it('lists a check whose rule parameter is a union type naming the rule, and the type', () => {
    expect(scanned.get('RDR-008')).toEqual([
      { file: 'src/checks/redirects.ts', line: 3, name: 'type RegistrationRule' },
      { file: 'src/checks/redirects.ts', line: 7, name: 'registrationAgrees' },
    ]);
  });

  it('lists a check whose rule parameter is an inline union of literal IDs', () => {
    expect(scanned.get('EPT-006')).toEqual([{ file: 'src/checks/redirects.ts', line: 11, name: 'stateReturned' }]);
  });

  it('follows a rule type through the types it is made of, across files', () => {
    expect(scanned.get('EPT-005')).toEqual([{ file: 'src/checks/redirects.ts', line: 19, name: 'refused' }]);
    expect(scanned.get('RDR-001')).toEqual([{ file: 'src/checks/redirects.ts', line: 19, name: 'refused' }]);
  });

  it('lists a check that fixes the rule in its code', () => {
    expect(scanned.get('WHP-001')).toEqual([{ file: 'src/checks/redirects.ts', line: 15, name: 'checkEnvelope' }]);
  });

  it('lists each entry of an object of named checks by the rules it names', () => {
    expect(scanned.get('OAS-009')).toEqual([
      { file: 'src/contract/checks.ts', line: 2, name: 'contractChecks.not_a_server_error' },
    ]);
    expect(scanned.get('OAS-004')).toEqual([
      { file: 'src/contract/checks.ts', line: 6, name: 'contractChecks.status_code_conformance' },
    ]);
  });

  it('lists a generic check only under the rules a suite writes as its argument, with where', () => {
    expect(scanned.get('ALG-010')).toEqual([
      {
        file: 'src/checks/http.ts',
        line: 2,
        name: 'checkStatus',
        calledAt: ['suites/auth-logs/list.test.ts:3'],
      },
    ]);
    expect([...scanned.values()].flat().filter((c) => c.name === 'checkStatus')).toHaveLength(1);
  });

  it('lists nothing for a rule no check names', () => {
    expect(scanned.get('ALG-001')).toBeUndefined();
  });
});

const redirectOracle = `// The reference model of redirect-URI registration (RDR-003..RDR-016, EPT-001).
import type { RuleId } from '../rules/catalogue.js';

/** G-03: the longest URI that passes RDR-007. */
export function maxLength(): number {
  return 2048;
}

function wildcardViolations(uri: string): RuleId[] {
  return uri.includes('**') ? ['RDR-013'] : [];
}

/** The rules a URI breaks. */
export function violations(uri: string): RuleId[] {
  const found: RuleId[] = [...wildcardViolations(uri)];
  if (uri.includes('?')) found.push('RDR-008');
  return found;
}
`;

describe('oraclesByRule', () => {
  const scanned = oraclesByRule([{ file: 'src/oracles/redirect-uri.ts', text: redirectOracle }]);

  it('credits the export whose code names the rule', () => {
    expect(scanned.get('RDR-008')).toEqual([
      { file: 'src/oracles/redirect-uri.ts', exports: [{ name: 'violations', line: 14 }] },
    ]);
  });

  it('credits the export whose doc comment names the rule', () => {
    expect(scanned.get('RDR-007')).toEqual([
      { file: 'src/oracles/redirect-uri.ts', exports: [{ name: 'maxLength', line: 5 }] },
    ]);
  });

  it('credits an internal helper to the exports that use it', () => {
    expect(scanned.get('RDR-013')).toEqual([
      { file: 'src/oracles/redirect-uri.ts', exports: [{ name: 'violations', line: 14 }] },
    ]);
  });

  it('credits the file alone for a rule only its header comment names (a range included)', () => {
    expect(scanned.get('RDR-011')).toEqual([{ file: 'src/oracles/redirect-uri.ts', exports: [] }]);
    expect(scanned.get('EPT-001')).toEqual([{ file: 'src/oracles/redirect-uri.ts', exports: [] }]);
  });

  it('credits nothing for a rule the oracle does not name', () => {
    expect(scanned.get('RDR-017')).toBeUndefined();
  });
});

describe('tagRowLine', () => {
  const table = `const cases = [
  {
    tags: ['RDR-007'],
  },
  {
    tags: ['RDR-009', 'RDR-008'],
    uri: 'https://yourapp.com/callback?x=1',
  },
];
// RDR-010 is only named here
`;

  it('gives the line of the table row writing the tag', () => {
    expect(tagRowLine(table, 'RDR-008')).toBe(6);
    expect(tagRowLine(table, 'RDR-007')).toBe(3);
  });

  it('gives nothing when no row writes the tag', () => {
    expect(tagRowLine(table, 'RDR-010')).toBeUndefined();
  });
});

describe('faultsNaming', () => {
  const faults = [
    { id: 'redirects.accept-query', rules: ['RDR-008'], description: 'accepts a query' },
    { id: 'contract.extra', rules: [], drift: [{ kind: 'undocumented-property', rule: 'OAS-013' }], description: 'd' },
    { id: 'templates.limit', rules: [], underProfiles: [{ profile: {}, rules: ['TPL-009'] }], description: 'p' },
    { id: 'redirects.extra-names', rules: [], diagnostics: ['RDR-008'], description: 'names one more' },
  ];

  it('names the faults that break the rule and how each bears on it', () => {
    expect(faultsNaming('RDR-008', faults)).toEqual([
      { id: 'redirects.accept-query', how: 'breaks', description: 'accepts a query' },
      { id: 'redirects.extra-names', how: 'diagnostic', description: 'names one more' },
    ]);
    expect(faultsNaming('OAS-013', faults)).toEqual([{ id: 'contract.extra', how: 'drift', description: 'd' }]);
    expect(faultsNaming('TPL-009', faults)).toEqual([{ id: 'templates.limit', how: 'profile', description: 'p' }]);
  });

  it('names none for a rule no fault names', () => {
    expect(faultsNaming('WHS-008', faults)).toEqual([]);
  });
});

describe('formatSource', () => {
  it('writes each kind of source as a reader finds it', () => {
    expect(formatSource({ kind: 'seed', document: 'Redirects', section: 'Wildcard usage patterns' })).toBe(
      'seed document "Redirects" § Wildcard usage patterns',
    );
    expect(formatSource({ kind: 'docs', page: 'allowed-callback-url' })).toBe('docs page allowed-callback-url');
    expect(formatSource({ kind: 'repo', path: 'sso/guides/idp-init-sso.mdx', section: 'Troubleshooting' })).toBe(
      'docs repository sso/guides/idp-init-sso.mdx § Troubleshooting',
    );
    expect(formatSource({ kind: 'sdk', path: 'src/scalekit.ts', lines: '537-554' })).toBe(
      'sdk src/scalekit.ts lines 537-554',
    );
    expect(formatSource({ kind: 'derived', from: ['RDR-003', 'RDR-004'] })).toBe('derived from RDR-003, RDR-004');
  });

  it('reads a spec pointer as the operation or schema it points into, keeping the pointer', () => {
    const pointer = '/paths/~1api~1v1~1logs~1authentication~1requests/get/responses/400';
    expect(formatSource({ kind: 'spec', pointer })).toBe(
      `spec GET /api/v1/logs/authentication/requests responses/400 (${pointer})`,
    );
    const schema = '/components/schemas/auditlogsAuthLogRequest/properties/status/enum';
    expect(formatSource({ kind: 'spec', pointer: schema })).toBe(
      `spec schema auditlogsAuthLogRequest properties/status/enum (${schema})`,
    );
  });
});

describe('relatedFindings', () => {
  const contradictions = [{ id: 'C-01', topic: 'Authentication status names' }] as unknown as Contradiction[];
  const gaps = [{ id: 'G-29', question: 'Is the status filter case-insensitive?' }] as unknown as Gap[];

  it('gives each related contradiction its topic and each gap its question', () => {
    expect(relatedFindings({ related: ['C-01', 'G-29'] }, contradictions, gaps)).toEqual([
      { id: 'C-01', summary: 'Authentication status names' },
      { id: 'G-29', summary: 'Is the status filter case-insensitive?' },
    ]);
  });

  it('gives none for a rule with no related findings', () => {
    expect(relatedFindings({}, contradictions, gaps)).toEqual([]);
  });
});

describe('closestIds', () => {
  const ids = ['RDR-001', 'RDR-008', 'RDR-018', 'ALG-010', 'WHS-008'];

  it('suggests the IDs within two edits, nearest first, case folded', () => {
    expect(closestIds('RDR-08', ids)).toEqual(['RDR-008', 'RDR-018', 'RDR-001']);
    expect(closestIds('alg-01', ids)).toEqual(['ALG-010']);
  });

  it('suggests nothing for an ID far from every one', () => {
    expect(closestIds('nonsense', ids)).toEqual([]);
  });
});

describe('formatExplanation', () => {
  const explained: RuleExplanation = {
    id: 'RDR-008',
    force: 'MUST',
    area: 'redirect-uris',
    tests: 1,
    statement: 'A redirect URI with a query string is refused in every environment.',
    sources: [{ kind: 'docs', page: 'redirects', section: 'URI validation requirements' }],
    related: [{ id: 'G-01', summary: 'How are the redirect rules checked?' }],
    testLocations: [
      { file: 'suites/redirect-uris/registration.test.ts', line: 142, name: 'a URI with a query is refused', row: 79 },
    ],
    checks: [
      { file: 'src/checks/redirects.ts', line: 499, name: 'registrationAgreesWithOracle' },
      { file: 'src/checks/http.ts', line: 16, name: 'checkStatus', calledAt: ['suites/a.test.ts:3', 'suites/b.ts:9'] },
    ],
    oracles: [
      { file: 'src/oracles/redirect-uri.ts', exports: [{ name: 'redirectUriViolations', line: 175 }] },
      { file: 'src/oracles/notes.ts', exports: [] },
    ],
    faults: [
      { id: 'redirects.accept-query', how: 'breaks', description: 'accepts URIs with a query string' },
      { id: 'redirects.extra-rule-names', how: 'diagnostic', description: 'names one rule more' },
    ],
  };

  it('lists each part with file:line, the table row of a generated test, and how each fault bears on the rule', () => {
    const text = formatExplanation(explained).join('\n');
    expect(text).toContain('RDR-008  MUST  redirect-uris');
    expect(text).toContain('docs page redirects § URI validation requirements');
    expect(text).toContain('G-01  How are the redirect rules checked?');
    expect(text).toContain(
      'suites/redirect-uris/registration.test.ts:142  a URI with a query is refused (table row at line 79)',
    );
    expect(text).toMatch(/src\/checks\/redirects\.ts:499 +registrationAgreesWithOracle\n/);
    expect(text).toContain('checkStatus (given the rule at suites/a.test.ts:3 and 1 more)');
    expect(text).toContain('src/oracles/redirect-uri.ts: redirectUriViolations (line 175)');
    expect(text).toContain('src/oracles/notes.ts (file comment)');
    expect(text).toMatch(/redirects\.accept-query +accepts URIs with a query string/);
    expect(text).toMatch(/redirects\.extra-rule-names +\(diagnostic\) names one rule more/);
  });

  it('says none for an empty part, and shows why a rule cannot be checked', () => {
    const text = formatExplanation({
      ...explained,
      tests: 0,
      notCheckable: 'not checkable through the API: dashboard-only configuration',
      related: [],
      testLocations: [],
      checks: [],
      oracles: [],
      faults: [],
    });
    expect(text).toContain('  not checkable through the API: dashboard-only configuration');
    for (const part of ['related', 'tests', 'checks', 'oracles', 'faults']) expect(text).toContain(`${part}: none`);
  });
});
