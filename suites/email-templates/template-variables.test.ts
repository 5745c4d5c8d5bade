// The request rules of template_variables on POST /api/v1/passwordless/email/send that hold whatever template the
// target has saved (TPL-008..TPL-010): key-value pairs of strings, at most 30 of them, no reserved names. What a
// request should get comes from the oracle with the profile's settings (C-16, C-17, G-10); a refusal must leave
// nothing in the outbox. The rules that need a saved custom template are in custom-templates.test.ts.
import { describe } from 'vitest';
import { assertConforms, type Target, test } from '../../src/harness/index.js';
import type { TemplateVariableRule } from '../../src/oracles/email-template.js';
import { sendJudged } from './support/sends.js';

/**
 * The template the oracle judges these requests against: one that uses no custom variable, which is what the
 * target's built-in SIGNIN template is. Only the request's own pairs can then break a rule.
 */
const noCustomVariables = '';

/** `count` distinct custom pairs, none reserved or built in. */
const pairs = (count: number, prefix = 'var'): Record<string, string> =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}_${i + 1}`, `value ${i + 1}`]));

/** A send with the built-in SIGNIN template, judged against the oracle's verdict for `variables`. */
const sendSignIn = (target: Target, rule: TemplateVariableRule, label: string, variables: Record<string, unknown>) =>
  sendJudged(target, rule, noCustomVariables, variables, label, 'SIGNIN');

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
    assertConforms(...(await sendSignIn(target, 'TPL-009', 'pairs-at-limit', pairs(max))));
    assertConforms(...(await sendSignIn(target, 'TPL-009', 'pairs-over-limit', pairs(max + 1))));
  });

  test('each reserved name is refused as a key, with nothing sent', { tags: ['TPL-010'] }, async ({ target }) => {
    for (const name of target.profile.emailTemplates.reservedNames) {
      assertConforms(
        ...(await sendSignIn(target, 'TPL-010', `reserved-${name}`, { [name]: 'supplied by the client' })),
      );
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
      assertConforms(...(await sendSignIn(target, 'TPL-008', `non-string-${kind}`, { count: value })));
    }
  });

  test('string values, including empty ones, are accepted as key-value pairs', { tags: ['TPL-008'] }, async ({
    target,
    skip,
  }) => {
    if (target.profile.emailTemplates.extraVariables === 'rejected') {
      return skip('precondition not met: the profile refuses variables the template does not use (G-12)');
    }
    const values = { first: 'Ada', empty: '', digits: '3', spaced: ' a b ' };
    assertConforms(...(await sendSignIn(target, 'TPL-008', 'string-values', values)));
  });
});
