import { describe, expect, it } from 'vitest';
import { defaultProfile, type EmailTemplateSettings } from '../../src/config/profile.js';
import {
  builtInVariables,
  checkTemplateVariables,
  customVariables,
  referencedVariables,
  renderEmail,
  renderTemplate,
  reservedVariableNames,
  TemplateSyntaxError,
} from '../../src/oracles/email-template.js';

const settings = (overrides: Partial<EmailTemplateSettings>): EmailTemplateSettings => ({
  ...defaultProfile.emailTemplates,
  ...overrides,
});

// The docs' two JET examples and the runtime-variables example, as documented test data.
const welcome = `{{ if user_name }}
  <p>Hello {{ user_name }},</p>
{{ else }}
  <p>Hello,</p>
{{ end }}

<p>Welcome to {{ app_name }}!</p>`;

const invite = `{{ if organization_name }}
  <p>You have been invited to join {{ organization_name }} organization in {{ app_name }}.</p>
{{ else }}
  <p>You have been invited to {{ app_name }}.</p>
{{ end }}`;

const onboardingLine =
  'Hello {{ first_name }}, Welcome to {{ company_name }}. Find your onboarding kit: {{ onboarding_resources }}';
const onboardingHtml = `<p>Hello {{ first_name }},</p>
<p>Welcome to {{ company_name }}.</p>
<p>Find your onboarding kit: {{ onboarding_resources }}</p>`;
const onboardingValues = {
  first_name: 'John',
  company_name: 'Acme Corp',
  onboarding_resources: 'https://acme.com/onboarding',
};

describe('the documented JET examples (TPL-006)', () => {
  it('the welcome example greets by name when user_name is set', () => {
    expect(renderTemplate(welcome, { user_name: 'John', app_name: 'Acme' })).toBe(
      '\n  <p>Hello John,</p>\n\n\n<p>Welcome to Acme!</p>',
    );
  });

  it('the welcome example falls back to the else branch without user_name, or with it empty', () => {
    const expected = '\n  <p>Hello,</p>\n\n\n<p>Welcome to Acme!</p>';
    expect(renderTemplate(welcome, { app_name: 'Acme' })).toBe(expected);
    expect(renderTemplate(welcome, { user_name: '', app_name: 'Acme' })).toBe(expected);
  });

  it('the invite example names the organisation when organization_name is set, and not otherwise', () => {
    expect(renderTemplate(invite, { organization_name: 'Megacorp', app_name: 'Acme' })).toBe(
      '\n  <p>You have been invited to join Megacorp organization in Acme.</p>\n',
    );
    expect(renderTemplate(invite, { app_name: 'Acme' })).toBe('\n  <p>You have been invited to Acme.</p>\n');
  });

  it('both examples use only built-ins, so a send needs no template_variables for them (TPL-005)', () => {
    expect(referencedVariables(welcome)).toEqual(['app_name', 'user_name']);
    expect(referencedVariables(invite)).toEqual(['app_name', 'organization_name']);
    expect(checkTemplateVariables(welcome, {})).toEqual([]);
    expect(checkTemplateVariables(invite, {})).toEqual([]);
  });
});

describe('the runtime-variables example (TPL-012)', () => {
  it('fills the three supplied values in verbatim', () => {
    expect(renderTemplate(onboardingLine, onboardingValues)).toBe(
      'Hello John, Welcome to Acme Corp. Find your onboarding kit: https://acme.com/onboarding',
    );
    expect(renderTemplate(onboardingHtml, onboardingValues)).toBe(
      '<p>Hello John,</p>\n<p>Welcome to Acme Corp.</p>\n<p>Find your onboarding kit: https://acme.com/onboarding</p>',
    );
  });

  it('the documented request is acceptable, and without first_name it gets 400 (TPL-011)', () => {
    expect(checkTemplateVariables(onboardingHtml, onboardingValues)).toEqual([]);
    const { first_name: _, ...withoutFirstName } = onboardingValues;
    expect(checkTemplateVariables(onboardingHtml, withoutFirstName)).toEqual([
      {
        rule: 'TPL-011',
        variable: 'first_name',
        reason: 'the template uses "first_name" but the request does not supply it',
        expectedStatus: 400,
      },
    ]);
  });
});

describe('renderTemplate', () => {
  const nested = '{{ if a }}A{{ if b }}B{{ else }}b{{ end }}{{ else }}{{ if b }}c{{ end }}-{{ end }}';

  it('nests conditionals, each branch judged on its own variable', () => {
    expect(renderTemplate(nested, { a: 'x', b: 'y' })).toBe('AB');
    expect(renderTemplate(nested, { a: 'x' })).toBe('Ab');
    expect(renderTemplate(nested, { b: 'y' })).toBe('c-');
    expect(renderTemplate(nested, {})).toBe('-');
  });

  it('takes the first true branch of an else-if chain', () => {
    const chain = '{{ if a }}1{{ else if b }}2{{ else if c }}3{{ else }}4{{ end }}';
    expect(renderTemplate(chain, { a: 'x', b: 'x' })).toBe('1');
    expect(renderTemplate(chain, { b: 'x', c: 'x' })).toBe('2');
    expect(renderTemplate(chain, { c: 'x' })).toBe('3');
    expect(renderTemplate(chain, { a: '' })).toBe('4');
  });

  it('treats {{x}} and {{ x }} alike by default (G-11)', () => {
    const values = { x: 'X', y: 'Y' };
    expect(renderTemplate('{{x}}|{{ x }}|{{  x\t}}', values)).toBe('X|X|X');
    expect(renderTemplate('{{if x}}{{y}}{{else}}-{{end}}', values)).toBe(
      renderTemplate('{{ if x }}{{ y }}{{ else }}-{{ end }}', values),
    );
  });

  it('with whitespaceInsensitive off, only the one-space spelling is a tag; the rest stays as text (G-11)', () => {
    const strict = settings({ whitespaceInsensitive: false });
    expect(renderTemplate('{{x}}|{{ x }}|{{  x }}', { x: 'X' }, strict)).toBe('{{x}}|X|{{  x }}');
    expect(renderTemplate('{{if x}}{{ if x }}X{{ end }}', { x: '1' }, strict)).toBe('{{if x}}X');
  });

  it('renders an unset variable as the empty string', () => {
    expect(renderTemplate('[{{ nobody }}]', {})).toBe('[]');
    expect(renderTemplate('[{{ nobody }}]', { nobody: undefined })).toBe('[]');
  });

  it('inserts values verbatim: no HTML escaping, and a value holding a tag is not rendered again', () => {
    expect(renderTemplate('{{ a }}', { a: '<b>Tom & "Jerry"</b>' })).toBe('<b>Tom & "Jerry"</b>');
    expect(renderTemplate('{{ a }}', { a: '{{ b }}', b: 'no' })).toBe('{{ b }}');
  });

  it('drops JET comments and keeps a lone }} as text', () => {
    expect(renderTemplate('a{* note {{ x }} *}b }} c', { x: 'X' })).toBe('ab }} c');
  });
});

describe('templates the oracle refuses (TemplateSyntaxError)', () => {
  const failure = (template: string) => {
    try {
      renderTemplate(template, {});
    } catch (error) {
      if (error instanceof TemplateSyntaxError) return error;
      throw error;
    }
    throw new Error(`expected ${JSON.stringify(template)} to be refused`);
  };

  it('an if without end names where the if opened', () => {
    const error = failure('Hi\n  {{ if a }}x{{ if b }}y{{ end }}');
    expect({ problem: error.problem, offset: error.offset, line: error.line, column: error.column }).toEqual({
      problem: 'unclosed-if',
      offset: 5,
      line: 2,
      column: 3,
    });
    expect(error.message).toBe('email template: {{ if }} has no {{ end }} at line 2, column 3 (offset 5)');
  });

  it('a stray end, a stray else and a second else name their own tag', () => {
    expect(failure('ab{{ end }}').message).toBe(
      'email template: {{ end }} closes no {{ if }} at line 1, column 3 (offset 2)',
    );
    expect(failure('{{ else }}')).toMatchObject({ problem: 'stray-else', offset: 0 });
    expect(failure('{{ if a }}{{ else }}{{ else if b }}{{ end }}')).toMatchObject({
      problem: 'stray-else',
      offset: 20,
      message: expect.stringContaining('{{ else if }} follows {{ else }}'),
    });
  });

  it('an unclosed tag or comment, and constructs outside the modelled subset', () => {
    expect(failure('x {{ a')).toMatchObject({ problem: 'unclosed-tag', offset: 2 });
    expect(failure('x {* a')).toMatchObject({ problem: 'unclosed-comment', offset: 2 });
    for (const template of [
      '{{ a | upper }}',
      '{{ range x }}{{ end }}',
      '{{ a.b }}',
      '{{- a -}}',
      '{{}}',
      '{{ if }}',
    ]) {
      expect(failure(template).problem, template).toBe('unsupported');
    }
  });

  it('referencedVariables and checkTemplateVariables refuse the same templates', () => {
    expect(() => referencedVariables('{{ if a }}')).toThrow(TemplateSyntaxError);
    expect(() => checkTemplateVariables({ subject: '', html: '{{ end }}', text: '' }, {})).toThrow(TemplateSyntaxError);
  });
});

describe('referencedVariables (TPL-011, G-11)', () => {
  const template = '{{ if plan }}{{ seats }} seats{{ else if trial }}trial{{ else }}{{ seats }}{{ end }} {{app_name}}';

  it('lists every name once, sorted, conditions included by default', () => {
    expect(referencedVariables(template)).toEqual(['app_name', 'plan', 'seats', 'trial']);
  });

  it('leaves out names used only as conditions when conditionalReferencesCount is off', () => {
    const off = settings({ conditionalReferencesCount: false });
    expect(referencedVariables(template, off)).toEqual(['app_name', 'seats']);
    expect(referencedVariables('{{ if a }}{{ a }}{{ end }}', off)).toEqual(['a']);
  });

  it('reads all three parts of an email template', () => {
    expect(referencedVariables({ subject: '{{ s }}', html: '{{ h }}{{ s }}', text: '{{if t}}x{{end}}' })).toEqual([
      'h',
      's',
      't',
    ]);
  });

  it('ignores the tight spelling when whitespaceInsensitive is off', () => {
    expect(referencedVariables('{{a}} {{ b }}', settings({ whitespaceInsensitive: false }))).toEqual(['b']);
  });

  it('customVariables drops built-ins and reserved names', () => {
    expect(customVariables('{{ user_name }}{{ expiry_time }}{{ otp }}{{ first_name }}')).toEqual(['first_name']);
  });
});

describe('built-in and reserved names (TPL-005, TPL-010)', () => {
  it('there are ten built-ins and five reserved names; the profile default is the reserved list', () => {
    expect(builtInVariables).toHaveLength(10);
    expect(new Set(builtInVariables).size).toBe(10);
    expect([...reservedVariableNames].sort()).toEqual([
      'expire_time',
      'expiry_time',
      'expiry_time_relative',
      'link',
      'otp',
    ]);
    expect(defaultProfile.emailTemplates.reservedNames).toEqual([...reservedVariableNames]);
  });

  it('otp, link and expiry_time_relative are both built in and reserved', () => {
    expect(reservedVariableNames.filter((n) => builtInVariables.includes(n)).sort()).toEqual([
      'expiry_time_relative',
      'link',
      'otp',
    ]);
  });
});

describe('checkTemplateVariables', () => {
  const names = (count: number) => Array.from({ length: count }, (_, i) => `var_${String(i + 1).padStart(2, '0')}`);
  const templateUsing = (vars: string[]) => vars.map((v) => `{{ ${v} }}`).join(' ');
  const values = (vars: string[]) => Object.fromEntries(vars.map((v) => [v, 'x']));

  it('30 pairs for a template using 30 variables is acceptable (TPL-009)', () => {
    expect(checkTemplateVariables(templateUsing(names(30)), values(names(30)))).toEqual([]);
  });

  it('31 pairs for a template using 31 variables breaks both readings of the limit (TPL-009, C-16)', () => {
    expect(checkTemplateVariables(templateUsing(names(31)), values(names(31)))).toEqual([
      {
        rule: 'TPL-009',
        reading: 'per-request',
        reason: '31 key-value pairs supplied, more than 30',
        expectedStatus: 400,
      },
      {
        rule: 'TPL-009',
        reading: 'per-template',
        reason: 'the template uses 31 custom variables, more than 30',
        expectedStatus: 400,
      },
    ]);
  });

  it('31 pairs for a template using 30 variables breaks only the per-request reading', () => {
    const verdicts = checkTemplateVariables(templateUsing(names(30)), values(names(31)));
    expect(verdicts.map((v) => [v.rule, v.reading])).toEqual([['TPL-009', 'per-request']]);
  });

  it('a template using 31 variables breaks the per-template reading even with 30 pairs (and misses one)', () => {
    const verdicts = checkTemplateVariables(templateUsing(names(31)), values(names(30)));
    expect(verdicts.map((v) => [v.rule, v.reading ?? v.variable])).toEqual([
      ['TPL-009', 'per-template'],
      ['TPL-011', 'var_31'],
    ]);
  });

  it('built-ins count towards neither reading of the limit, and the status follows the profile (G-10)', () => {
    const template = `${templateUsing(names(30))} {{ app_name }} {{ user_email }} {{ otp }}`;
    expect(checkTemplateVariables(template, values(names(30)))).toEqual([]);
    const verdicts = checkTemplateVariables(
      templateUsing(names(31)),
      values(names(31)),
      settings({ tooManyVariablesStatus: 413 }),
    );
    expect(verdicts.map((v) => v.expectedStatus)).toEqual([413, 413]);
  });

  for (const reserved of ['otp', 'expiry_time_relative', 'link', 'expire_time', 'expiry_time']) {
    it(`supplying the reserved name ${reserved} is refused (TPL-010, C-17)`, () => {
      expect(checkTemplateVariables(onboardingLine, { ...onboardingValues, [reserved]: 'x' })).toEqual([
        { rule: 'TPL-010', variable: reserved, reason: `"${reserved}" is a reserved name`, expectedStatus: 400 },
      ]);
      const verdicts = checkTemplateVariables('', { [reserved]: 'x' }, settings({ reservedNameStatus: 422 }));
      expect(verdicts.map((v) => [v.rule, v.expectedStatus])).toEqual([['TPL-010', 422]]);
    });
  }

  it('a non-string value is refused, null included; an undefined one is absent (TPL-008)', () => {
    for (const value of [3, true, null, { a: 'b' }, ['x']]) {
      const verdicts = checkTemplateVariables('{{ count }}', { count: value });
      expect(
        verdicts.map((v) => [v.rule, v.variable, v.expectedStatus]),
        String(value),
      ).toEqual([['TPL-008', 'count', 400]]);
    }
    expect(checkTemplateVariables('{{ count }}', { count: 3 })[0]?.reason).toBe(
      'the value of "count" is number, not a string',
    );
    expect(checkTemplateVariables('{{ count }}', { count: undefined }).map((v) => v.rule)).toEqual(['TPL-011']);
    const status = checkTemplateVariables('', { count: 3 }, settings({ nonStringValueStatus: 422 }));
    expect(status.map((v) => v.expectedStatus)).toEqual([422]);
  });

  it('an empty key is refused with the emptyKeyStatus (TPL-008, G-10)', () => {
    expect(checkTemplateVariables('', { '': 'x' }, settings({ emptyKeyStatus: 422 }))).toEqual([
      { rule: 'TPL-008', variable: '', reason: 'an empty key is not a key-value pair', expectedStatus: 422 },
    ]);
  });

  it('every missing custom variable is reported by name, those only in conditions too by default (TPL-011)', () => {
    const template = '{{ if vip }}{{ perk }}{{ end }} {{ first_name }}';
    expect(checkTemplateVariables(template, {}).map((v) => v.variable)).toEqual(['first_name', 'perk', 'vip']);
    const off = settings({ conditionalReferencesCount: false });
    expect(checkTemplateVariables(template, {}, off).map((v) => v.variable)).toEqual(['first_name', 'perk']);
  });

  it('built-ins and reserved names the template uses are never missing: the server fills them (TPL-005)', () => {
    const template = `${builtInVariables.map((v) => `{{ ${v} }}`).join('')}{{ expire_time }}{{ expiry_time }}`;
    expect(checkTemplateVariables(template, {})).toEqual([]);
  });

  it('extra variables are accepted by default and refused when extraVariables is rejected (G-12)', () => {
    const supplied = { ...onboardingValues, unused: 'x' };
    expect(checkTemplateVariables(onboardingLine, supplied)).toEqual([]);
    expect(checkTemplateVariables(onboardingLine, supplied, settings({ extraVariables: 'rejected' }))).toEqual([
      {
        rule: 'TPL-011',
        variable: 'unused',
        reason: `"unused" is supplied but the template never uses it, and extraVariables is 'rejected' (G-12)`,
        expectedStatus: 400,
      },
    ]);
  });

  it('a custom value for a built-in is accepted by default and refused as reserved when shadowing is rejected', () => {
    const supplied = { user_name: 'Jo', app_name: 'Acme' };
    expect(checkTemplateVariables(welcome, supplied)).toEqual([]);
    const verdicts = checkTemplateVariables(welcome, supplied, settings({ builtInShadowing: 'rejected' }));
    expect(verdicts.map((v) => [v.rule, v.variable, v.expectedStatus])).toEqual([
      ['TPL-010', 'app_name', 400],
      ['TPL-010', 'user_name', 400],
    ]);
  });

  it('orders verdicts by rule, then key', () => {
    const verdicts = checkTemplateVariables('{{ b }}{{ a }}', { otp: 1 });
    expect(verdicts.map((v) => [v.rule, v.variable])).toEqual([
      ['TPL-008', 'otp'],
      ['TPL-010', 'otp'],
      ['TPL-011', 'a'],
      ['TPL-011', 'b'],
    ]);
  });
});

describe('renderEmail (TPL-003)', () => {
  const parts = { subject: 'Hi {{ first_name }}', html: '<p>{{ first_name }}</p>', text: '{{ first_name }}' };

  it('renders every part with the same variables and is multipart when both bodies are present', () => {
    expect(renderEmail(parts, { first_name: 'John' })).toEqual({
      subject: 'Hi John',
      html: '<p>John</p>',
      text: 'John',
      multipart: true,
    });
  });

  it('is single-part when either body is empty or only whitespace, judged on the saved template', () => {
    expect(renderEmail({ ...parts, text: '' }, {}).multipart).toBe(false);
    expect(renderEmail({ ...parts, html: ' \n' }, {}).multipart).toBe(false);
    expect(renderEmail(parts, {}).multipart).toBe(true);
  });
});
