import type { OutboxMessage } from '../client/control-hooks.js';
import type { Exchange } from '../client/transport.js';
import {
  builtInVariables,
  type EmailTemplateParts,
  type EmailTemplateSettings,
  renderEmail,
  type TemplateVariableRule,
  type TemplateVariableVerdict,
} from '../oracles/email-template.js';
import { type Failure, failure } from './failure.js';
import { checkStatus, parseJsonBody } from './http.js';

// Checks on passwordless emails rendered from templates (TPL-003..TPL-014): what a send with template_variables is
// answered against the oracle's verdict, and what the `email` hook's outbox shows went out against the oracle's
// rendering. Pure functions over the recorded send and the outbox messages: the suites drive the target, these
// judge. Each check's rule parameter lists the rules it may decide, so a rule ID leads here through the types.

const show = (value: unknown) => JSON.stringify(value);

// --- the built-in variables --------------------------------------------------------------------------------------

/** A template text that writes every built-in as `⟦name=value⟧`, so one email shows what the target fills in. */
export const builtInProbe: string = builtInVariables.map((name) => `⟦${name}={{ ${name} }}⟧`).join('');

/** The built-ins' values read back from an email rendered from `builtInProbe`; a tag not rendered is absent. */
export function probedValues(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of builtInVariables) {
    const value = new RegExp(`⟦${name}=(.*?)⟧`, 's').exec(text)?.[1];
    if (value !== undefined) values[name] = value;
  }
  return values;
}

/**
 * TPL-005: an email rendered from `builtInProbe` has every built-in filled in: user_email is the address it went
 * to, otp and link are the ones the outbox reports, expiry_time_relative is not empty.
 */
export function builtInsFilled(
  rule: 'TPL-005',
  message: OutboxMessage | undefined,
  userEmail: string,
  exchange: Exchange,
): Failure | undefined {
  if (!message) return failure(rule, 'email sent', 'an email in the outbox', 'none', exchange);
  const values = probedValues(message.text);
  const expected: [string, string | undefined][] = [
    ['user_email', userEmail],
    ['otp', message.otp],
    ['link', message.link],
  ];
  const wrong = [
    ...expected
      .filter(([name, want]) => want !== undefined && values[name] !== want)
      .map(([name, want]) => `${name}: expected ${show(want)}, got ${show(values[name])}`),
    ...(values.expiry_time_relative ? [] : ['expiry_time_relative: empty']),
    ...builtInVariables.filter((name) => values[name] === undefined).map((name) => `${name}: tag not rendered`),
  ];
  if (wrong.length === 0) return undefined;
  return failure(rule, 'built-in variables', 'each built-in filled in', show(message.text), exchange, wrong);
}

// --- rendering -----------------------------------------------------------------------------------------------

/** The rules whose tests hold a sent email to the oracle's rendering of the saved template. */
export type RenderedTemplateRule = 'TPL-003' | 'TPL-004' | 'TPL-006' | 'TPL-007' | 'TPL-012' | 'TPL-013';

/** A send with a saved template, as far as the suite can know what it renders with. */
export interface TemplatedSend {
  template: EmailTemplateParts;
  /** The request's template_variables. */
  variables: Record<string, string>;
  /** The built-ins the target fills for any fresh address (application, user, organization), probed once. */
  builtIns: Record<string, string>;
  /** The run's seed, shown with a mismatch so the run can be repeated. */
  seed: number;
}

/** What the send renders with: the request's variables, the probed built-ins, then the email's own address, OTP and link. */
export function renderVariables(sent: TemplatedSend, message: OutboxMessage): Record<string, string | undefined> {
  return { ...sent.variables, ...sent.builtIns, user_email: message.to, otp: message.otp, link: message.link };
}

/**
 * The send is answered 200 and the email equals the oracle's rendering: subject, HTML and text, and the multipart
 * flag when the target reports one. A mismatch carries the template, the variables, both renderings and the seed.
 */
export function renderedAsOracle(
  rule: RenderedTemplateRule,
  sent: TemplatedSend,
  exchange: Exchange,
  message: OutboxMessage | undefined,
  settings: EmailTemplateSettings,
): Failure | undefined {
  const context = [`template: ${show(sent.template)}`, `variables: ${show(sent.variables)}`, `run seed: ${sent.seed}`];
  const status = checkStatus(rule, exchange, 200);
  if (status) return { ...status, details: context };
  if (!message) return failure(rule, 'email sent', 'an email in the outbox', 'none', exchange, context);
  const expected = renderEmail(sent.template, renderVariables(sent, message), settings);
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
      ...context,
      `expected: ${show(expected)}`,
      `received: ${show({ subject: message.subject, html: message.html, text: message.text, multipart: message.multipart })}`,
    ],
  );
}

/** TPL-012: the text body reads exactly `expected`, each custom value verbatim in place of its placeholder. */
export function sentTextIs(
  rule: 'TPL-012',
  message: OutboxMessage | undefined,
  expected: string,
  exchange: Exchange,
): Failure | undefined {
  const text = message?.text ?? '';
  if (text === expected) return undefined;
  return failure(rule, 'text body', show(expected), show(text), exchange);
}

/** TPL-013: no `{{` or `}}` is left in the subject, HTML or text of the sent email. */
export function noPlaceholdersLeft(
  rule: 'TPL-013',
  message: OutboxMessage | undefined,
  exchange: Exchange,
): Failure | undefined {
  if (!message) return failure(rule, 'email sent', 'an email in the outbox', 'none', exchange);
  const left = (['subject', 'html', 'text'] as const).filter((part) => /\{\{|\}\}/.test(message[part]));
  if (left.length === 0) return undefined;
  return failure(rule, 'placeholders left', 'no {{ or }} in the sent email', `in ${left.join(', ')}`, exchange);
}

/** TPL-003: a template with both bodies is sent as multipart/alternative, with an HTML and a text part. */
export function sentAsMultipart(
  rule: 'TPL-003',
  message: OutboxMessage | undefined,
  exchange: Exchange,
): Failure | undefined {
  if (message?.multipart === true && message.html !== '' && message.text !== '') return undefined;
  return failure(rule, 'multipart', 'multipart with an HTML and a text part', show(message), exchange);
}

// --- template_variables accepted or refused ----------------------------------------------------------------------

/**
 * A send is answered as the oracle's verdicts say: 200 when there are none, else one of the statuses they expect,
 * and for a missing variable (TPL-011) an error_code matching the profile's pattern when it sets one (G-09).
 * `context` (what was sent) goes with any failure.
 */
export function answeredAsOracleSays(
  rule: TemplateVariableRule,
  exchange: Exchange,
  verdicts: readonly TemplateVariableVerdict[],
  errorCodePattern: string | null,
  context: readonly string[] = [],
): Failure | undefined {
  if (verdicts.length === 0) {
    const accepted = checkStatus(rule, exchange, 200);
    return accepted && { ...accepted, details: ['the oracle finds nothing to refuse', ...context] };
  }
  const refused = checkStatus(rule, exchange, [...new Set(verdicts.map((v) => v.expectedStatus))]);
  if (refused) return { ...refused, details: [...verdicts.map((v) => `${v.rule}: ${v.reason}`), ...context] };
  if (errorCodePattern === null || !verdicts.some((v) => v.rule === 'TPL-011')) return undefined;
  const body = parseJsonBody(exchange);
  const code = body.ok ? String((body.value as { error_code?: unknown } | null)?.error_code ?? '') : '';
  if (new RegExp(errorCodePattern).test(code)) return undefined;
  return failure(rule, 'error_code', `an error_code matching /${errorCodePattern}/`, code || '(none)', exchange, [
    ...context,
  ]);
}

/** A send the oracle says must be refused leaves nothing in the outbox of its address. */
export function nothingSentOnRefusal(
  rule: TemplateVariableRule,
  verdicts: readonly TemplateVariableVerdict[],
  email: string,
  messages: readonly OutboxMessage[],
  exchange: Exchange,
  context: readonly string[] = [],
): Failure | undefined {
  if (verdicts.length === 0 || messages.length === 0) return undefined;
  return failure(rule, 'nothing sent on a refusal', `no email to ${email}`, `${messages.length} email(s)`, exchange, [
    `sent: ${show(messages[0])}`,
    ...context,
  ]);
}

// --- the sender --------------------------------------------------------------------------------------------------

const managedAddress = 'hi@scalekit.com';
const managedNamePrefix = 'Team ';

/** `Name <address>` or `"Name" <address>` (RFC 5322 name-addr), or a bare address with no display name. */
export function parseMailbox(from: string): { name: string; address: string } {
  const named = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^<]*?))\s*<([^>]+)>\s*$/.exec(from);
  if (named) return { name: (named[1] ?? named[2] ?? '').replace(/\\(.)/g, '$1'), address: named[3] ?? '' };
  return { name: '', address: from.trim() };
}

/**
 * TPL-014: the email comes from "Team <workspace name>" <hi@scalekit.com>. The workspace name is the target's own,
 * so only that it follows the "Team " prefix is asserted.
 */
export function sentFromManagedSender(rule: 'TPL-014', from: string, exchange: Exchange): Failure | undefined {
  const { name, address } = parseMailbox(from);
  const workspace = name.startsWith(managedNamePrefix) ? name.slice(managedNamePrefix.length).trim() : '';
  if (address.toLowerCase() === managedAddress && workspace !== '') return undefined;
  return failure(rule, 'From header', `"${managedNamePrefix}<workspace name>" <${managedAddress}>`, from, exchange);
}
