import { describe, expect, it } from 'vitest';
import {
  answeredAsOracleSays,
  builtInProbe,
  builtInsFilled,
  noPlaceholdersLeft,
  nothingSentOnRefusal,
  parseMailbox,
  probedValues,
  renderedAsOracle,
  renderVariables,
  sentAsMultipart,
  sentFromManagedSender,
  sentTextIs,
  type TemplatedSend,
} from '../../src/checks/templates.js';
import type { OutboxMessage } from '../../src/client/control-hooks.js';
import {
  checkTemplateVariables,
  defaultEmailTemplateSettings,
  type TemplateVariableVerdict,
} from '../../src/oracles/email-template.js';
import { recorded } from '../support/exchanges.js';

// Recorded sends and outbox messages, built by hand: what a target answered and what its `email` hook showed.
const settings = defaultEmailTemplateSettings;
const to = 'run.label-1@example.test';

/** An answer to a passwordless send. */
const answer = (status: number, body?: unknown) =>
  recorded(status, {
    method: 'POST',
    url: 'https://env.example.test/api/v1/passwordless/email/send',
    requestBody: '{}',
    body,
  });

const sent200 = answer(200, { auth_request_id: 'ar_1' });

function email(parts: Partial<OutboxMessage> = {}): OutboxMessage {
  return {
    to,
    template: 'SIGNUP',
    subject: 'Hi',
    html: '<p>Hi</p>',
    text: 'Hi',
    sent_at: '2026-01-01T00:00:00Z',
    otp: '123456',
    link: 'https://env.example.test/passwordless/verify/x',
    ...parts,
  };
}

const rulesOf = (verdicts: TemplateVariableVerdict[]) => verdicts.map((v) => v.rule);

describe('the built-in variables (TPL-005)', () => {
  const filled = (values: Record<string, string>) =>
    email({ text: builtInProbe.replace(/\{\{ (\w+) \}\}/g, (_, name: string) => values[name] ?? '') });
  const good = {
    app_name: 'Acme',
    user_email: to,
    otp: '123456',
    link: 'https://env.example.test/passwordless/verify/x',
    expiry_time_relative: '15 minutes',
  };

  it('reads each built-in back from the probe', () => {
    expect(probedValues(filled(good).text)).toMatchObject(good);
    expect(probedValues('no tags')).toEqual({});
  });

  it('passes when every built-in is filled in with the values of this email', () => {
    expect(builtInsFilled('TPL-005', filled(good), to, sent200)).toBeUndefined();
  });

  it('fails on a wrong address, an empty expiry, a probe left unrendered or no email at all', () => {
    expect(
      builtInsFilled('TPL-005', filled({ ...good, user_email: 'other@example.test' }), to, sent200)?.details,
    ).toContain(`user_email: expected "${to}", got "other@example.test"`);
    expect(builtInsFilled('TPL-005', filled({ ...good, expiry_time_relative: '' }), to, sent200)?.details).toContain(
      'expiry_time_relative: empty',
    );
    expect(builtInsFilled('TPL-005', email({ text: 'no probe' }), to, sent200)?.details).toContain(
      'app_name: tag not rendered',
    );
    expect(builtInsFilled('TPL-005', undefined, to, sent200)?.title).toBe('email sent');
  });
});

describe('rendering as the oracle does (TPL-003, TPL-004, TPL-006, TPL-007, TPL-012, TPL-013)', () => {
  const sent: TemplatedSend = {
    template: {
      subject: '{{ if team_name }}Join {{ team_name }}{{ else }}Join us{{ end }}',
      html: '<p>{{ otp }} for {{ app_name }}</p>',
      text: '{{otp}} for {{ user_email }}',
    },
    variables: { team_name: 'Blue' },
    builtIns: { app_name: 'Acme' },
    seed: 7,
  };
  const rendered = email({ subject: 'Join Blue', html: '<p>123456 for Acme</p>', text: `123456 for ${to}` });

  it('renders with the request, the probed built-ins and the email’s own address, OTP and link', () => {
    expect(renderVariables(sent, rendered)).toMatchObject({ team_name: 'Blue', app_name: 'Acme', user_email: to });
  });

  it('passes an email equal to the oracle’s rendering, multipart flag included', () => {
    expect(renderedAsOracle('TPL-006', sent, sent200, rendered, settings)).toBeUndefined();
    expect(renderedAsOracle('TPL-003', sent, sent200, { ...rendered, multipart: true }, settings)).toBeUndefined();
  });

  it('fails a part that differs, naming it, with the template, variables and seed', () => {
    const problem = renderedAsOracle('TPL-006', sent, sent200, { ...rendered, subject: 'Join us' }, settings);
    expect(problem).toMatchObject({ rule: 'TPL-006', title: 'rendered email' });
    expect(problem?.expected).toContain('subject differ');
    expect(problem?.details).toContain('run seed: 7');
    expect(renderedAsOracle('TPL-003', sent, sent200, { ...rendered, multipart: false }, settings)?.expected).toContain(
      'multipart',
    );
  });

  it('fails a send that was not answered 200, or left no email', () => {
    expect(renderedAsOracle('TPL-004', sent, answer(400, {}), rendered, settings)?.title).toBe('status code');
    expect(renderedAsOracle('TPL-004', sent, sent200, undefined, settings)?.title).toBe('email sent');
  });

  it('holds the text body to the exact expected text (TPL-012)', () => {
    expect(sentTextIs('TPL-012', email({ text: 'Hi John' }), 'Hi John', sent200)).toBeUndefined();
    expect(sentTextIs('TPL-012', email({ text: 'Hi ' }), 'Hi John', sent200)?.received).toBe('"Hi "');
  });

  it('finds placeholders left in any part (TPL-013)', () => {
    expect(noPlaceholdersLeft('TPL-013', rendered, sent200)).toBeUndefined();
    expect(noPlaceholdersLeft('TPL-013', email({ html: '<p>{{team_name}}</p>' }), sent200)?.received).toBe('in html');
    expect(noPlaceholdersLeft('TPL-013', undefined, sent200)?.title).toBe('email sent');
  });

  it('wants multipart with both parts (TPL-003)', () => {
    expect(sentAsMultipart('TPL-003', email({ multipart: true }), sent200)).toBeUndefined();
    expect(sentAsMultipart('TPL-003', email({ multipart: false }), sent200)?.rule).toBe('TPL-003');
    expect(sentAsMultipart('TPL-003', email({ multipart: true, html: '' }), sent200)?.rule).toBe('TPL-003');
  });
});

describe('template_variables accepted or refused (TPL-008..TPL-011)', () => {
  const template = { subject: 'Welcome {{ first_name }}', html: '', text: '{{ otp }}' };
  const missing = checkTemplateVariables(template, {}, settings);
  const none = checkTemplateVariables(template, { first_name: 'Ada' }, settings);

  it('starts from the oracle’s verdicts', () => {
    expect(rulesOf(missing)).toEqual(['TPL-011']);
    expect(none).toEqual([]);
  });

  it('passes 200 when the oracle finds nothing, and an expected status when it refuses', () => {
    expect(answeredAsOracleSays('TPL-011', sent200, none, null)).toBeUndefined();
    expect(answeredAsOracleSays('TPL-011', answer(400, { error_code: 'MISSING' }), missing, null)).toBeUndefined();
  });

  it('fails a refusal of an acceptable send and an acceptance of a refused one, with the oracle’s reasons', () => {
    const refused = answeredAsOracleSays('TPL-011', answer(400, {}), none, null, ['variables: {}']);
    expect(refused?.details).toEqual(['the oracle finds nothing to refuse', 'variables: {}']);
    const accepted = answeredAsOracleSays('TPL-011', sent200, missing, null);
    expect(accepted).toMatchObject({ rule: 'TPL-011', expected: '400' });
    expect(accepted?.details?.[0]).toContain('first_name');
  });

  it('holds a missing-variable refusal to the profile’s error_code pattern when it sets one (G-09)', () => {
    const pattern = '^MISSING_TEMPLATE_VARIABLE$';
    const right = answer(400, { error_code: 'MISSING_TEMPLATE_VARIABLE' });
    expect(answeredAsOracleSays('TPL-011', right, missing, pattern)).toBeUndefined();
    const wrong = answeredAsOracleSays('TPL-011', answer(400, { error_code: 'INVALID' }), missing, pattern);
    expect(wrong).toMatchObject({ title: 'error_code', received: 'INVALID' });
    expect(answeredAsOracleSays('TPL-011', answer(400), missing, pattern)?.received).toBe('(none)');
  });

  it('wants no email after a refusal, and does not judge an accepted send', () => {
    expect(nothingSentOnRefusal('TPL-011', missing, to, [], answer(400, {}))).toBeUndefined();
    expect(nothingSentOnRefusal('TPL-011', none, to, [email()], sent200)).toBeUndefined();
    const sentAnyway = nothingSentOnRefusal('TPL-011', missing, to, [email()], answer(400, {}));
    expect(sentAnyway).toMatchObject({ rule: 'TPL-011', title: 'nothing sent on a refusal', received: '1 email(s)' });
  });
});

describe('the managed sender (TPL-014)', () => {
  it('reads a mailbox with or without a quoted display name', () => {
    expect(parseMailbox('"Team \\"Acme\\"" <hi@scalekit.com>')).toEqual({
      name: 'Team "Acme"',
      address: 'hi@scalekit.com',
    });
    expect(parseMailbox('Team Acme <hi@scalekit.com>')).toEqual({ name: 'Team Acme', address: 'hi@scalekit.com' });
    expect(parseMailbox(' hi@scalekit.com ')).toEqual({ name: '', address: 'hi@scalekit.com' });
  });

  it('passes "Team <workspace>" <hi@scalekit.com>', () => {
    expect(sentFromManagedSender('TPL-014', '"Team Acme" <HI@scalekit.com>', sent200)).toBeUndefined();
  });

  it('fails another address, a name without the Team prefix, and a bare address', () => {
    for (const from of ['Team Acme <no-reply@acme.test>', 'Acme <hi@scalekit.com>', 'Team <hi@scalekit.com>']) {
      expect(sentFromManagedSender('TPL-014', from, sent200)?.received).toBe(from);
    }
    expect(sentFromManagedSender('TPL-014', 'hi@scalekit.com', sent200)?.rule).toBe('TPL-014');
  });
});
