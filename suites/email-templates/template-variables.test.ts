// The request rules of template_variables on POST /api/v1/passwordless/email/send that hold whatever template the
// target has saved (TPL-008..TPL-010): key-value pairs of strings, at most 30 of them, no reserved names. What a
// request should get comes from the oracle with the profile's settings (C-16, C-17, G-10); a refusal must leave
// nothing in the outbox. The rules that need a saved custom template are in custom-templates.test.ts.
//
// Only the SIGNIN template is used here: custom-templates.test.ts saves custom SIGNUP templates on the same target.
import { describe } from 'vitest';
import type { paths } from '../../generated/openapi.js';
import { undeclaredStatus } from '../../src/checks/drift.js';
import { type Failure, failure } from '../../src/checks/failure.js';
import { checkStatus } from '../../src/checks/http.js';
import type { Exchange } from '../../src/client/transport.js';
import { assertConforms, exchangeOf, noteDrift, type Target, test } from '../../src/harness/index.js';
import { checkTemplateVariables, type TemplateVariableRule } from '../../src/oracles/email-template.js';

const sendPath = '/api/v1/passwordless/email/send';
const operation = { path: sendPath, method: 'post' } as const;
type SendBody = paths[typeof sendPath]['post']['requestBody']['content']['application/json'];
type Variables = NonNullable<SendBody['template_variables']>;

/**
 * The template the oracle judges these requests against: one that uses no custom variable, which is what the
 * target's built-in SIGNIN template is. Only the request's own pairs can then break a rule.
 */
const noCustomVariables = '';

const addressFor = (target: Target, label: string) => `${target.runTag}.${label}@example.test`;

/** `count` distinct custom pairs, none reserved or built in. */
const pairs = (count: number, prefix = 'var'): Record<string, string> =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}_${i + 1}`, `value ${i + 1}`]));

/**
 * Sends `variables` and checks the answer against the oracle's verdict for this rule: 200 when it finds nothing,
 * else one of the statuses it expects, with nothing emailed (when the target has the `email` hook). A refusal the
 * spec does not declare is recorded as drift (PWL-017, C-18).
 */
async function checkSend(
  target: Target,
  rule: TemplateVariableRule,
  label: string,
  variables: Record<string, unknown>,
): Promise<Failure | undefined> {
  const email = addressFor(target, label);
  const verdicts = checkTemplateVariables(noCustomVariables, variables, target.profile.emailTemplates);
  const { exchange } = await exchangeOf(target, () =>
    // Deliberately untyped values: some requests here break the schema on purpose (TPL-008).
    target.api.POST(sendPath, { body: { email, template: 'SIGNIN', template_variables: variables as Variables } }),
  );
  const problem = verdicts.length === 0 ? checkStatus(rule, exchange, 200) : refusal(target, rule, exchange, verdicts);
  if (problem) return problem;
  if (verdicts.length === 0 || !(await target.hooks.has('email'))) return undefined;
  return nothingSent(target, rule, email, exchange);
}

function refusal(
  target: Target,
  rule: TemplateVariableRule,
  exchange: Exchange,
  verdicts: ReturnType<typeof checkTemplateVariables>,
): Failure | undefined {
  const statuses = [...new Set(verdicts.map((v) => v.expectedStatus))];
  const problem = checkStatus(rule, exchange, statuses);
  if (problem)
    return { ...problem, details: [...verdicts.map((v) => `${v.rule}: ${v.reason}`), ...(problem.details ?? [])] };
  noteDrift(undeclaredStatus(rule, exchange, target.schemas, operation));
  return undefined;
}

async function nothingSent(
  target: Target,
  rule: TemplateVariableRule,
  email: string,
  refused: Exchange,
): Promise<Failure | undefined> {
  const messages = await target.hooks.outbox(email);
  if (messages.length === 0) return undefined;
  return failure(
    rule,
    'nothing sent on a refusal',
    `no email to ${email}`,
    `${messages.length} email(s), the first with subject ${JSON.stringify(messages[0]?.subject)}`,
    refused,
  );
}

describe('template_variables on POST /api/v1/passwordless/email/send', () => {
  test('30 key-value pairs are accepted and 31 are refused, with nothing sent', { tags: ['TPL-009'] }, async ({
    target,
    skip,
  }) => {
    const settings = target.profile.emailTemplates;
    if (settings.extraVariables === 'rejected') {
      return skip('precondition not met: the profile refuses variables the template does not use (G-12)');
    }
    const max = settings.maxVariables;
    assertConforms(await checkSend(target, 'TPL-009', 'pairs-at-limit', pairs(max)));
    assertConforms(await checkSend(target, 'TPL-009', 'pairs-over-limit', pairs(max + 1)));
  });

  test('each reserved name is refused as a key, with nothing sent', { tags: ['TPL-010'] }, async ({ target }) => {
    for (const name of target.profile.emailTemplates.reservedNames) {
      assertConforms(await checkSend(target, 'TPL-010', `reserved-${name}`, { [name]: 'supplied by the client' }));
    }
  });

  test('a value that is not a string is refused, with nothing sent', { tags: ['TPL-008'] }, async ({ target }) => {
    const values: [string, unknown][] = [
      ['number', 3],
      ['boolean', true],
      ['null', null],
      ['object', { nested: 'x' }],
      ['array', ['x']],
    ];
    for (const [kind, value] of values) {
      assertConforms(await checkSend(target, 'TPL-008', `non-string-${kind}`, { count: value }));
    }
  });

  test('string values, including empty ones, are accepted as key-value pairs', { tags: ['TPL-008'] }, async ({
    target,
    skip,
  }) => {
    if (target.profile.emailTemplates.extraVariables === 'rejected') {
      return skip('precondition not met: the profile refuses variables the template does not use (G-12)');
    }
    assertConforms(
      await checkSend(target, 'TPL-008', 'string-values', { first: 'Ada', empty: '', digits: '3', spaced: ' a b ' }),
    );
  });
});
