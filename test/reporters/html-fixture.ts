// Hand-built run reports for the HTML report's tests: one of every kind of row, and a full-catalogue one for size.
import type { Failure } from '../../src/checks/failure.js';
import type { MetExpectation, RuleOutcome, RunReport, TestOutcome } from '../../src/reporters/model.js';
import { catalogue, type RuleId } from '../../src/rules/catalogue.js';
import type { Force } from '../../src/rules/types.js';
import { testOutcome } from '../support/outcomes.js';

/** What a hostile or broken server may put in a body: it must show as text, never run. */
export const hostileBody = '<script>window.__xss=1</script>';
/** A known secret handed to the Redactor: it must not reach the file. */
export const clientSecret = 'sk_live_not-a-real-secret-42';

const target = 'https://conformance.example.test';

/** A rule of the catalogue as a report has it; `force` guards the fixture's intent if the catalogue changes. */
function outcome(
  id: RuleId,
  force: Force,
  status: RuleOutcome['status'],
  extra: Partial<RuleOutcome> = {},
): RuleOutcome {
  const rule = catalogue.find((r) => r.id === id);
  if (!rule) throw new Error(`fixture: ${id} is not in the catalogue`);
  if (rule.force !== force) throw new Error(`fixture: ${id} is ${rule.force} now, the fixture wants ${force}`);
  return { id, force, area: rule.area, statement: rule.statement, sources: rule.sources, status, tests: [], ...extra };
}

const test = (
  name: string,
  file: string,
  state: TestOutcome['state'],
  rules: RuleId[],
  extra: Partial<TestOutcome> = {},
): TestOutcome =>
  testOutcome(`${file.replace(/^suites\/|\.test\.ts$/g, '')} > ${name}`, state, rules, {
    file,
    durationMs: 12,
    ...extra,
  });

const cited = (t: TestOutcome) => ({ name: t.fullName, file: t.file, state: t.state });

const mustFailure: Failure = {
  rule: 'ALG-001',
  title: 'status code',
  expected: '200 with a JSON list of auth logs',
  received: `500 text/html: <html><body>${hostileBody}<p>upstream error &amp; more</p></body></html>`,
  replay: `curl -sS -X GET '${target}/api/v1/logs/authentication/requests?page_size=5' -H "Authorization: Bearer $SCALEKIT_ACCESS_TOKEN"`,
  details: ['seed 20260521, path "3:1"'],
};

const warning: Failure = {
  rule: 'ALG-003',
  title: 'order',
  expected: 'most recent first',
  received: `oldest first (client_secret was ${clientSecret})`,
  replay: `curl -sS '${target}/api/v1/logs/authentication/requests' -H "Authorization: Bearer $SCALEKIT_ACCESS_TOKEN"`,
};

const expectedFailure: Failure = {
  rule: 'RDR-001',
  title: 'response body schema',
  expected: 'an object with `redirect_uri`',
  received: '{"uri":"https://app.example.test/callback"}',
};

const expectation = (match: string, met: boolean): MetExpectation => ({
  match,
  outcome: 'fail',
  reason: 'known bug: the field is renamed upstream',
  link: 'https://github.com/example/tracker/issues/42',
  until: '2099-12-31',
  met,
});

/** One rule of each kind of row, in three areas and more, with a deselected rule the table must leave out. */
export function buildHtmlFixtureReport(): RunReport {
  const tests = {
    logsFail: test('lists auth logs', 'suites/auth-logs/list.test.ts', 'failed', ['ALG-001', 'ALG-003'], {
      failures: [mustFailure, warning],
    }),
    logsPass: test('pages through auth logs', 'suites/auth-logs/paging.test.ts', 'passed', ['ALG-002']),
    tokenRefused: test('issues a token', 'suites/token-auth/token.test.ts', 'errored', ['TOK-001'], {
      errored: {
        kind: 'transport',
        cause: 'connection refused (ECONNREFUSED)',
        request: `POST ${target}/oauth/token`,
      },
    }),
    tokenPass: test('rejects a wrong secret', 'suites/token-auth/token.test.ts', 'passed', ['TOK-002']),
    redirectFail: test('adds a redirect URI', 'suites/redirect-uris/add.test.ts', 'failed', ['RDR-001'], {
      failures: [expectedFailure],
    }),
    redirectPass: test('lists redirect URIs', 'suites/redirect-uris/list.test.ts', 'passed', ['RDR-002', 'RDR-003']),
    endpointPass: test('creates an endpoint', 'suites/endpoints/create.test.ts', 'passed', ['EPT-001']),
    webhookSkip: test('retries a failed delivery', 'suites/webhook-delivery/retry.test.ts', 'skipped', ['WHD-001'], {
      message: 'needs a live target',
    }),
  };
  const rules: RuleOutcome[] = [
    outcome('ALG-002', 'MUST', 'passed', { tests: [cited(tests.logsPass)] }),
    outcome('ALG-001', 'MUST', 'failed', { tests: [cited(tests.logsFail)], failures: [mustFailure] }),
    outcome('ALG-003', 'SHOULD', 'failed', { tests: [cited(tests.logsFail)], failures: [warning] }),
    outcome('TOK-001', 'MUST', 'errored', {
      tests: [cited(tests.tokenRefused)],
      reason: 'the target gave no usable answer',
      errors: [
        { ...(tests.tokenRefused.errored as NonNullable<TestOutcome['errored']>), test: tests.tokenRefused.fullName },
      ],
    }),
    outcome('TOK-002', 'MUST', 'passed', { tests: [cited(tests.tokenPass)] }),
    outcome('RDR-001', 'MUST', 'failed', {
      tests: [cited(tests.redirectFail)],
      failures: [expectedFailure],
      expectation: expectation('RDR-001', true),
    }),
    outcome('RDR-002', 'MUST', 'passed', {
      tests: [cited(tests.redirectPass)],
      expectation: expectation('RDR-002', false),
    }),
    outcome('RDR-003', 'MUST', 'passed', { tests: [cited(tests.redirectPass)] }),
    outcome('EPT-001', 'MUST', 'passed', {
      tests: [cited(tests.endpointPass)],
      diagnostics: [
        {
          rule: 'EPT-001',
          title: 'rule named by the target',
          expected: 'EPT-001',
          received: 'EPT-1',
        },
      ],
    }),
    outcome('WHD-001', 'SHOULD', 'skipped', { tests: [cited(tests.webhookSkip)], reason: 'needs a live target' }),
    outcome('OTH-001', 'MUST', 'uncovered', { reason: 'no test cites this rule yet' }),
    outcome('WHS-001', 'MUST', 'skipped', {
      deselected: true,
      reason: 'left out by --only',
      tests: [{ name: 'signs every delivery', file: 'suites/webhook-signatures/sign.test.ts', state: 'skipped' }],
    }),
  ];
  return {
    tool: { name: 'scalekit-conformance', version: '0.1.0' },
    target,
    spec: { origin: '/work/shared/openapi/scalekit.scalar.json', sha256: 'ab'.repeat(32) },
    seed: 20260521,
    only: ['suites/auth-logs', 'suites/token-auth', 'suites/redirect-uris', 'suites/endpoints'],
    exclude: [],
    startedAt: '2026-05-21T09:30:00.000Z',
    durationMs: 83_400,
    summary: {
      completed: true,
      passed: 5,
      failed: 3,
      errored: 1,
      skipped: 2,
      uncovered: 1,
      warnings: 1,
      expectedFailures: 1,
      unexpectedPasses: 1,
      deselected: 1,
      diagnostics: 1,
      tests: { passed: 4, failed: 2, errored: 1, skipped: 1 },
    },
    rules,
    tests: Object.values(tests),
    errors: [],
    drift: [],
    replayVariables: 'see the console note',
    expectations: {
      file: 'expectations.yaml',
      expectedFailures: ['RDR-001'],
      unexpectedPasses: ['RDR-002'],
      expired: [],
      unmatched: [],
      strict: false,
    },
    shard: { index: 1, count: 2 },
    maxFailures: { limit: 10, reached: false, notRun: 0 },
  };
}

/**
 * The whole catalogue and a few more, as a busy run might report it: three tests a rule, and one rule in ten failed
 * with a 2 kB body, a replay line and details. Only for the page's size.
 */
export function buildLargeReport(ruleCount = 170): RunReport {
  const base = buildHtmlFixtureReport();
  const body = JSON.stringify({ items: Array.from({ length: 20 }, (_, i) => ({ id: `log_${i}`, status: 'SUCCESS' })) });
  const rules: RuleOutcome[] = Array.from({ length: ruleCount }, (_, i) => {
    const rule = catalogue[i % catalogue.length] ?? catalogue[0];
    if (!rule) throw new Error('fixture: the catalogue is empty');
    const id = i < catalogue.length ? rule.id : `${rule.id}-${i}`;
    const file = `suites/${rule.area}/case-${i % 7}.test.ts`;
    const tests = [1, 2, 3].map((n) => ({
      name: `${rule.area} > case ${i} variant ${n} answers as the rule says`,
      file,
      state: 'passed' as const,
    }));
    const failed = i % 10 === 0;
    const failures: Failure[] = failed
      ? [
          {
            rule: rule.id as RuleId,
            title: 'response body schema',
            expected: 'a body matching #/components/schemas/ListAuthRequestsResponse',
            received: body.slice(0, 2000),
            replay: `curl -sS '${target}/api/v1/${rule.area}?page_size=20' -H "Authorization: Bearer $SCALEKIT_ACCESS_TOKEN"`,
            details: ['/items/0/status must be equal to one of the allowed values', 'seed 20260521, path "0:0"'],
          },
        ]
      : [];
    return {
      id,
      force: rule.force,
      area: rule.area,
      statement: rule.statement,
      sources: rule.sources,
      status: failed ? 'failed' : 'passed',
      tests,
      ...(failed ? { failures } : {}),
    };
  });
  return { ...base, rules, tests: [] };
}
