// Custom email templates end to end (TPL-003..TPL-007, TPL-009, TPL-011..TPL-013, PWL-016): a template is saved
// through the `email` hook, a passwordless send renders it, and the outbox shows what went out, which must equal the
// oracle's rendering of the same template with the same variables (the OTP and link as the outbox reports them).
//
// One file on purpose: the saved templates are state of the whole target, and vitest runs files in parallel
// against one target while the tests of a file run one after another. Every test saves the SIGNUP template it
// needs and puts the default back afterwards; the other suites send SIGNIN only, so they never meet these.
import fc from 'fast-check';
import { describe } from 'vitest';
import {
  type MissingVariableCase,
  missingVariableCase,
  type TemplateWithVariables,
  templateWithVariables,
} from '../../fixtures/arbitraries/email-templates.js';
import type { paths } from '../../generated/openapi.js';
import { undeclaredStatus } from '../../src/checks/drift.js';
import { type Failure, failure } from '../../src/checks/failure.js';
import { checkStatus, parseJsonBody } from '../../src/checks/http.js';
import type { OutboxMessage } from '../../src/client/control-hooks.js';
import type { Exchange } from '../../src/client/transport.js';
import {
  assertConforms,
  assertProperty,
  conformsOrThrow,
  exchangeOf,
  noteDrift,
  requireHook,
  type Target,
  test,
} from '../../src/harness/index.js';
import {
  builtInVariables,
  checkTemplateVariables,
  type EmailTemplateParts,
  type RenderedEmail,
  renderEmail,
} from '../../src/oracles/email-template.js';
import type { RuleId } from '../../src/rules/catalogue.js';

const sendPath = '/api/v1/passwordless/email/send';
const operation = { path: sendPath, method: 'post' } as const;
type SendBody = paths[typeof sendPath]['post']['requestBody']['content']['application/json'];
const kind = 'SIGNUP';

// --- sending with a saved template ---------------------------------------------------------------------------

let sends = 0;
/** A fresh address for every send, so the per-address rate limit and outboxes never meet. */
function nextAddress(target: Target, label: string): string {
  sends += 1;
  return `${target.runTag}.${label}-${sends}@example.test`;
}

/** Saves `template` as the SIGNUP template for the duration of `body`; the default is restored however it ends. */
function withTemplate<T>(target: Target, template: EmailTemplateParts, body: () => Promise<T>): Promise<T> {
  return target.hooks.withEmailTemplate(kind, template, body);
}

function send(target: Target, email: string, variables: Record<string, string>, extra: Partial<SendBody> = {}) {
  return exchangeOf(target, () =>
    target.api.POST(sendPath, { body: { email, template: kind, template_variables: variables, ...extra } }),
  );
}

/**
 * The values the target gives the built-ins that are not about one request (application, user, organization),
 * read by rendering a probe template once: a fresh address has no user or organization, so every fresh address
 * the tests mail gets the same values.
 */
async function builtInValues(target: Target, rule: RuleId): Promise<Record<string, string>> {
  const probe = builtInVariables.map((name) => `⟦${name}=${`{{ ${name} }}`}⟧`).join('');
  const email = nextAddress(target, 'probe');
  const message = await withTemplate(target, { subject: 'probe', html: '', text: probe }, async () => {
    const { exchange } = await send(target, email, {});
    assertConforms(checkStatus(rule, exchange, 200));
    return (await target.hooks.outbox(email)).at(-1);
  });
  const values: Record<string, string> = {};
  for (const name of builtInVariables) {
    const value = new RegExp(`⟦${name}=(.*?)⟧`, 's').exec(message?.text ?? '')?.[1];
    if (value !== undefined) values[name] = value;
  }
  return values;
}

/** The variables a send renders with, as far as the suite can know them: the request's, then the server's. */
function variablesOf(
  builtIns: Record<string, string>,
  custom: Record<string, string>,
  message: OutboxMessage,
): Record<string, string | undefined> {
  return { ...custom, ...builtIns, user_email: message.to, otp: message.otp, link: message.link };
}

const show = (value: unknown) => JSON.stringify(value);

/**
 * The outbox message equals the oracle's rendering: subject, HTML and text, and the multipart flag when the
 * target reports one. A mismatch carries the template, the variables, both renderings and the run's seed.
 */
function checkRendered(
  target: Target,
  rule: RuleId,
  template: EmailTemplateParts,
  variables: Record<string, string | undefined>,
  message: OutboxMessage | undefined,
  exchange: Exchange,
): Failure | undefined {
  if (!message) return failure(rule, 'email sent', 'an email in the outbox', 'none', exchange);
  const expected: RenderedEmail = renderEmail(template, variables, target.profile.emailTemplates);
  const parts = ['subject', 'html', 'text'] as const;
  const differing: string[] = parts.filter((part) => message[part] !== expected[part]);
  if (message.multipart !== undefined && message.multipart !== expected.multipart) differing.push('multipart');
  if (differing.length === 0) return undefined;
  return failure(
    rule,
    'rendered email',
    `the oracle's rendering (${differing.join(', ')} differ)`,
    differing.map((part) => `${part} ${show(message[part as keyof OutboxMessage])}`).join('; '),
    exchange,
    [
      `template: ${show(template)}`,
      `variables: ${show(variables)}`,
      `expected: ${show(expected)}`,
      `received: ${show({ subject: message.subject, html: message.html, text: message.text, multipart: message.multipart })}`,
      `run seed: ${target.seed}`,
    ],
  );
}

/** Sends with a saved template and checks the email against the oracle; the message, for more checks. */
async function renderAndCheck(
  target: Target,
  rule: RuleId,
  builtIns: Record<string, string>,
  template: EmailTemplateParts,
  variables: Record<string, string>,
  label: string,
): Promise<{ message: OutboxMessage | undefined; problem: Failure | undefined }> {
  const email = nextAddress(target, label);
  const { exchange } = await send(target, email, variables);
  const status = checkStatus(rule, exchange, 200);
  if (status) {
    return {
      message: undefined,
      problem: { ...status, details: [`template: ${show(template)}`, `variables: ${show(variables)}`] },
    };
  }
  const message = (await target.hooks.outbox(email)).at(-1);
  const problem = checkRendered(
    target,
    rule,
    template,
    message ? variablesOf(builtIns, variables, message) : {},
    message,
    exchange,
  );
  return { message, problem };
}

/**
 * A send the oracle says must be refused: one of its statuses, the error_code the profile asks for (G-09), and no
 * email. An undeclared status is recorded as drift (PWL-017).
 */
async function checkRefusedSend(
  target: Target,
  rule: RuleId,
  template: EmailTemplateParts,
  variables: Record<string, string>,
  label: string,
): Promise<Failure | undefined> {
  const verdicts = checkTemplateVariables(template, variables, target.profile.emailTemplates);
  const email = nextAddress(target, label);
  const { exchange } = await send(target, email, variables);
  const context = [`template: ${show(template)}`, `variables: ${show(variables)}`, `run seed: ${target.seed}`];
  if (verdicts.length === 0) {
    const ok = checkStatus(rule, exchange, 200);
    return ok && { ...ok, details: ['the oracle finds nothing to refuse', ...context] };
  }
  const status = checkStatus(rule, exchange, [...new Set(verdicts.map((v) => v.expectedStatus))]);
  if (status) return { ...status, details: [...verdicts.map((v) => `${v.rule}: ${v.reason}`), ...context] };
  noteDrift(undeclaredStatus(rule, exchange, target.schemas, operation));
  const pattern = target.profile.emailTemplates.missingVariableErrorCode;
  if (pattern !== null && verdicts.some((v) => v.rule === 'TPL-011')) {
    const body = parseJsonBody(exchange);
    const code = body.ok ? String((body.value as { error_code?: unknown } | null)?.error_code ?? '') : '';
    if (!new RegExp(pattern).test(code)) {
      return failure(rule, 'error_code', `an error_code matching /${pattern}/`, code || '(none)', exchange, context);
    }
  }
  const messages = await target.hooks.outbox(email);
  if (messages.length === 0) return undefined;
  return failure(rule, 'nothing sent on a refusal', `no email to ${email}`, `${messages.length} email(s)`, exchange, [
    `sent: ${show(messages[0])}`,
    ...context,
  ]);
}

const names = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => `${prefix}_${i + 1}`);
const usingAll = (variables: string[]): EmailTemplateParts => ({
  subject: 'Your code',
  html: `<p>{{ otp }}</p>`,
  text: variables.map((name) => `{{ ${name} }}`).join(' '),
});
const valuesFor = (variables: string[]) => Object.fromEntries(variables.map((name, i) => [name, `v${i + 1}`]));

// --- tests ---------------------------------------------------------------------------------------------------

describe('custom email templates (through the email hook)', () => {
  test('a send that leaves out a variable the template uses is refused with 400, and nothing is sent', {
    tags: ['TPL-011', 'PWL-016'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    const template = {
      subject: 'Welcome {{ first_name }}',
      html: '<p>{{ if nickname }}Hi {{ nickname }}{{ else }}Hi{{ end }}, your code is {{ otp }}</p>',
      text: 'Your code is {{ otp }}',
    };
    await withTemplate(target, template, async () => {
      assertConforms(await checkRefusedSend(target, 'TPL-011', template, { nickname: 'Ada' }, 'missing-output'));
      // Whether a name used only as an if-condition must be supplied is the profile's (G-11); the oracle follows it.
      assertConforms(await checkRefusedSend(target, 'TPL-011', template, { first_name: 'Ada' }, 'missing-condition'));
      assertConforms(await checkRefusedSend(target, 'TPL-011', template, {}, 'missing-both'));
    });
  });

  test('any template with one of its variables left out is refused, and nothing is sent', {
    tags: ['TPL-011', 'PWL-016'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    await assertProperty(
      fc.asyncProperty(missingVariableCase(), async ({ template, variables }: MissingVariableCase) => {
        const problem = await withTemplate(target, template, () =>
          checkRefusedSend(target, 'TPL-011', template, variables, 'missing-property'),
        );
        conformsOrThrow(problem);
      }),
      { numRuns: 8 },
    );
  });

  test('30 variables are accepted and 31 refused, read as pairs per request and as variables per template', {
    tags: ['TPL-009'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    const max = target.profile.emailTemplates.maxVariables;
    const atLimit = names(max, 'field');
    const overLimit = names(max + 1, 'field');
    // Per request (C-16, spec and quickstart): the template uses 30; the request carries 30, then 31 pairs.
    await withTemplate(target, usingAll(atLimit), async () => {
      assertConforms(await checkRefusedSend(target, 'TPL-009', usingAll(atLimit), valuesFor(atLimit), 'pairs-30'));
      assertConforms(await checkRefusedSend(target, 'TPL-009', usingAll(atLimit), valuesFor(overLimit), 'pairs-31'));
    });
    // Per template (C-16, the template docs): the template uses 31, each supplied.
    await withTemplate(target, usingAll(overLimit), async () => {
      assertConforms(
        await checkRefusedSend(target, 'TPL-009', usingAll(overLimit), valuesFor(overLimit), 'template-31'),
      );
    });
  });

  test('custom variables sent as template_variables replace their placeholders verbatim', {
    tags: ['TPL-012', 'TPL-007'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    const builtIns = await builtInValues(target, 'TPL-012');
    const template = {
      subject: '{{ company_name }} onboarding for {{ first_name }}',
      html: '<p>Hi {{ first_name }}, {{ company_name }} put your starter kit at {{ onboarding_resources }}.</p>',
      text: 'Hi {{ first_name }}, {{ company_name }} put your starter kit at {{ onboarding_resources }}.',
    };
    const variables = {
      first_name: 'John',
      company_name: 'Acme Corp',
      onboarding_resources: 'https://acme.com/onboarding',
    };
    await withTemplate(target, template, async () => {
      const { message, problem } = await renderAndCheck(target, 'TPL-012', builtIns, template, variables, 'example');
      assertConforms(problem);
      const text = message?.text ?? '';
      assertConforms(
        text === 'Hi John, Acme Corp put your starter kit at https://acme.com/onboarding.'
          ? undefined
          : failure('TPL-012', 'text body', 'the three values in place of their placeholders', show(text)),
      );
    });
  });

  test('every variable is substituted before sending, whichever spelling ({{x}}, {{ x }}) the template uses', {
    tags: ['TPL-013'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    const builtIns = await builtInValues(target, 'TPL-013');
    const template = {
      subject: '{{plan_name}} for {{ team_name }}',
      html: '<p>{{team_name}} joined {{ plan_name }} with code {{otp}}</p>',
      text: 'Team {{ team_name }} / plan {{plan_name}} / code {{ otp }}',
    };
    const variables = { plan_name: 'Pro', team_name: 'Blue' };
    await withTemplate(target, template, async () => {
      const { message, problem } = await renderAndCheck(target, 'TPL-013', builtIns, template, variables, 'spellings');
      assertConforms(problem);
      const left = ['subject', 'html', 'text'].filter((part) =>
        /\{\{|\}\}/.test(String(message?.[part as 'subject'] ?? '')),
      );
      assertConforms(
        left.length === 0
          ? undefined
          : failure('TPL-013', 'placeholders left', 'no {{ or }} in the sent email', `in ${left.join(', ')}`),
      );
    });
  });

  test('a JET if renders its branch when the variable is set and its else branch when it is empty', {
    tags: ['TPL-006'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    const builtIns = await builtInValues(target, 'TPL-006');
    const template = {
      subject: '{{ if team_name }}Join {{ team_name }} on {{ plan_name }}{{ else }}Join us on {{ plan_name }}{{ end }}',
      html: '<p>{{ if first_name }}Hello {{ first_name }},{{ else }}Hello,{{ end }} welcome.</p>',
      text: '{{ if first_name }}Hello {{ first_name }},{{ else }}Hello,{{ end }} welcome.',
    };
    await withTemplate(target, template, async () => {
      const set = { first_name: 'John', team_name: 'Blue', plan_name: 'Pro' };
      const unset = { first_name: '', team_name: '', plan_name: 'Pro' };
      const withValue = await renderAndCheck(target, 'TPL-006', builtIns, template, set, 'if-set');
      const withoutValue = await renderAndCheck(target, 'TPL-006', builtIns, template, unset, 'if-empty');
      assertConforms(withValue.problem, withoutValue.problem);
    });
  });

  test('once a custom template is saved, later sends and resends are rendered from it', {
    tags: ['TPL-004'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    const builtIns = await builtInValues(target, 'TPL-004');
    const template = {
      subject: `Saved template ${target.runTag}`,
      html: '<p>Saved: {{ otp }} for {{ team_name }}</p>',
      text: 'Saved: {{ otp }} for {{ team_name }}',
    };
    const variables = { team_name: 'Blue' };
    await withTemplate(target, template, async () => {
      for (const label of ['saved-first', 'saved-second']) {
        assertConforms((await renderAndCheck(target, 'TPL-004', builtIns, template, variables, label)).problem);
      }
      const email = nextAddress(target, 'saved-resend');
      const sent = await send(target, email, variables);
      assertConforms(checkStatus('TPL-004', sent.exchange, 200));
      const resent = await exchangeOf(target, () =>
        target.api.POST('/api/v1/passwordless/email/resend', {
          body: { auth_request_id: sent.data?.auth_request_id ?? '' },
        }),
      );
      assertConforms(checkStatus('TPL-004', resent.exchange, 200));
      const message = (await target.hooks.outbox(email)).at(-1);
      assertConforms(
        checkRendered(
          target,
          'TPL-004',
          template,
          message ? variablesOf(builtIns, variables, message) : {},
          message,
          resent.exchange,
        ),
      );
    });
  });

  test('a template with both an HTML and a text body is sent as multipart/alternative', {
    tags: ['TPL-003'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    const builtIns = await builtInValues(target, 'TPL-003');
    const template = {
      subject: 'Two bodies',
      html: '<p>Your code: <b>{{ otp }}</b></p>',
      text: 'Your code: {{ otp }}',
    };
    await withTemplate(target, template, async () => {
      const { message, problem } = await renderAndCheck(target, 'TPL-003', builtIns, template, {}, 'multipart');
      if (!problem && message?.multipart === undefined) {
        return skip('precondition not met: the outbox does not report whether an email was multipart');
      }
      assertConforms(
        problem ??
          (message?.multipart === true && message.html !== '' && message.text !== ''
            ? undefined
            : failure('TPL-003', 'multipart', 'multipart with an HTML and a text part', show(message))),
      );
    });
  });

  test('the built-in variables are filled at send time: user_email, otp, link and expiry_time_relative', {
    tags: ['TPL-005'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    const text = builtInVariables.map((name) => `⟦${name}=${`{{ ${name} }}`}⟧`).join('');
    const email = nextAddress(target, 'built-ins');
    const magicLink = `https://app.example.test/passwordless/verify/${target.runTag}`;
    await withTemplate(target, { subject: 'Built-ins', html: '', text }, async () => {
      const { exchange } = await send(target, email, {}, { magiclink_auth_uri: magicLink });
      assertConforms(checkStatus('TPL-005', exchange, 200));
      const message = (await target.hooks.outbox(email)).at(-1);
      const value = (name: string) => new RegExp(`⟦${name}=(.*?)⟧`, 's').exec(message?.text ?? '')?.[1];
      const expected: [string, string | undefined][] = [
        ['user_email', email],
        ['otp', message?.otp],
        ['link', message?.link],
      ];
      const wrong = [
        ...expected
          .filter(([name, want]) => want !== undefined && value(name) !== want)
          .map(([name, want]) => `${name}: expected ${show(want)}, got ${show(value(name))}`),
        ...(value('expiry_time_relative') ? [] : ['expiry_time_relative: empty']),
        ...builtInVariables.filter((name) => value(name) === undefined).map((name) => `${name}: tag not rendered`),
      ];
      assertConforms(
        wrong.length === 0
          ? undefined
          : failure('TPL-005', 'built-in variables', 'each built-in filled in', show(message?.text), exchange, wrong),
      );
    });
  });

  test('any generated template renders exactly as the oracle renders it', {
    tags: ['TPL-013', 'TPL-007'],
  }, async ({ target, skip }) => {
    await requireHook(target, 'email', skip);
    const builtIns = await builtInValues(target, 'TPL-013');
    await assertProperty(
      fc.asyncProperty(templateWithVariables(), async ({ template, variables }: TemplateWithVariables) => {
        const { problem } = await withTemplate(target, template, () =>
          renderAndCheck(target, 'TPL-013', builtIns, template, variables, 'rendered-property'),
        );
        conformsOrThrow(problem);
      }),
      { numRuns: 8 },
    );
  });
});
