// Drivers for the email-template suites: passwordless sends with template_variables, a saved SIGNUP template for
// the length of a test, and the outbox read back. They send and read; the checks in src/checks/templates.ts judge.
import type { paths } from '../../../generated/openapi.js';
import { undeclaredStatus } from '../../../src/checks/drift.js';
import type { Failure } from '../../../src/checks/failure.js';
import { checkStatus } from '../../../src/checks/http.js';
import {
  answeredAsOracleSays,
  builtInProbe,
  nothingSentOnRefusal,
  probedValues,
  type RenderedTemplateRule,
  renderedAsOracle,
  type TemplatedSend,
} from '../../../src/checks/templates.js';
import type { OutboxMessage } from '../../../src/client/control-hooks.js';
import type { Exchange } from '../../../src/client/transport.js';
import { assertConforms, exchangeOf, noteDrift, type Target } from '../../../src/harness/index.js';
import {
  checkTemplateVariables,
  type EmailTemplateParts,
  type TemplateVariableRule,
} from '../../../src/oracles/email-template.js';
import type { RuleId } from '../../../src/rules/catalogue.js';

const sendPath = '/api/v1/passwordless/email/send';
const operation = { path: sendPath, method: 'post' } as const;
type SendBody = paths[typeof sendPath]['post']['requestBody']['content']['application/json'];
type TemplateKind = NonNullable<SendBody['template']>;

/** The template kind the custom-template tests save; the other suites send SIGNIN, which a saved one never changes. */
export const savedKind: TemplateKind = 'SIGNUP';

let sends = 0;
/** A fresh address for every send, so the per-address rate limit and outboxes never meet. */
export function nextAddress(target: Target, label: string): string {
  sends += 1;
  return `${target.runTag}.${label}-${sends}@example.test`;
}

/** Saves `template` as the SIGNUP template for the duration of `body`; the default is restored however it ends. */
export function withSavedTemplate<T>(target: Target, template: EmailTemplateParts, body: () => Promise<T>): Promise<T> {
  return target.hooks.withEmailTemplate(savedKind, template, body);
}

/** One send of `kind` to `email`; `variables` is untyped so a test can break the schema on purpose (TPL-008). */
export function send(target: Target, email: string, variables: Record<string, unknown>, extra: Partial<SendBody> = {}) {
  return exchangeOf(target, () =>
    target.api.POST(sendPath, {
      body: {
        email,
        template: savedKind,
        template_variables: variables as NonNullable<SendBody['template_variables']>,
        ...extra,
      },
    }),
  );
}

/** The newest email the outbox holds for `email`. */
export async function lastEmail(target: Target, email: string): Promise<OutboxMessage | undefined> {
  return (await target.hooks.outbox(email)).at(-1);
}

/**
 * The values the target gives the built-ins that are not about one request (application, user, organization),
 * read by rendering `builtInProbe` once: a fresh address has no user or organization, so every fresh address the
 * tests mail gets the same values.
 */
export async function probeBuiltIns(target: Target, rule: RuleId): Promise<Record<string, string>> {
  const email = nextAddress(target, 'probe');
  const message = await withSavedTemplate(target, { subject: 'probe', html: '', text: builtInProbe }, async () => {
    const { exchange } = await send(target, email, {});
    assertConforms(checkStatus(rule, exchange, 200));
    return lastEmail(target, email);
  });
  return probedValues(message?.text ?? '');
}

/** Sends with the saved template and judges the email against the oracle's rendering; the message, for more checks. */
export async function sendRendered(
  target: Target,
  rule: RenderedTemplateRule,
  builtIns: Record<string, string>,
  template: EmailTemplateParts,
  variables: Record<string, string>,
  label: string,
): Promise<{ message: OutboxMessage | undefined; exchange: Exchange; problem: Failure | undefined }> {
  const email = nextAddress(target, label);
  const { exchange } = await send(target, email, variables);
  const message = await lastEmail(target, email);
  const sent: TemplatedSend = { template, variables, builtIns, seed: target.seed };
  return { message, exchange, problem: renderedAsOracle(rule, sent, exchange, message, target.profile.emailTemplates) };
}

/**
 * Sends `variables` and judges the answer against the oracle's verdict for `template` (the saved one, or the text
 * of the built-in one): accepted when it finds nothing, else refused as it says, with nothing emailed when the
 * target has the `email` hook. A refusal with a status the spec does not declare is drift (PWL-017, C-18).
 */
export async function sendJudged(
  target: Target,
  rule: TemplateVariableRule,
  template: string | EmailTemplateParts,
  variables: Record<string, unknown>,
  label: string,
  kind: TemplateKind = savedKind,
): Promise<(Failure | undefined)[]> {
  const verdicts = checkTemplateVariables(template, variables, target.profile.emailTemplates);
  const email = nextAddress(target, label);
  const { exchange } = await send(target, email, variables, { template: kind });
  const context = [
    `template: ${JSON.stringify(template)}`,
    `variables: ${JSON.stringify(variables)}`,
    `run seed: ${target.seed}`,
  ];
  const pattern = target.profile.emailTemplates.missingVariableErrorCode;
  const answered = answeredAsOracleSays(rule, exchange, verdicts, pattern, context);
  if (verdicts.some((v) => v.expectedStatus === exchange.status)) {
    noteDrift(undeclaredStatus(rule, exchange, target.schemas, operation));
  }
  if (answered || verdicts.length === 0 || !(await target.hooks.has('email'))) return [answered];
  const messages = await target.hooks.outbox(email);
  return [nothingSentOnRefusal(rule, verdicts, email, messages, exchange, context)];
}
