// The reference model of custom email templates (TPL-003, TPL-005, TPL-006, TPL-008..TPL-012): what a template
// renders to, which variables it references, and which template_variables a passwordless send should refuse. Pure;
// the mock and the suites both call it. Open points (G-09..G-12, C-16, C-17) come from the profile's
// `emailTemplates` settings.
//
// Only the JET subset the docs use is modelled: `{{ name }}` output tags and `{{ if name }}`, `{{ else if name }}`,
// `{{ else }}`, `{{ end }}` with nesting, plus `{* comments *}`. A condition is true when the variable is set and
// not empty. An unset variable renders as the empty string. Values are written as given, without HTML escaping:
// the Scalekit docs never say whether the server keeps JET's own default (which escapes < > & ' " in every output
// tag), so suites should not assert values holding those characters. Anything else between `{{` and `}}` (pipes,
// range, fields, trim markers) and malformed nesting throws TemplateSyntaxError with the position: the server would
// refuse such a template at save time, or the oracle cannot judge it; either way nothing is guessed.

/** TPL-005: filled by the server at send time, so never "missing" from a request. */
export const builtInVariables: readonly string[] = [
  'app_name',
  'app_logo_url',
  'app_support_email',
  'app_organization_meta_name',
  'organization_name',
  'user_name',
  'user_email',
  'link',
  'otp',
  'expiry_time_relative',
];

/** TPL-010: names the system keeps for itself; the profile's `reservedNames` defaults to these. */
export const reservedVariableNames: readonly string[] = [
  'otp',
  'expiry_time_relative',
  'link',
  'expire_time',
  'expiry_time',
];

/** The profile's `emailTemplates` section (src/config/profile.ts): declared here, beside the oracle that reads it. */
export interface EmailTemplateSettings {
  /** G-09: a pattern the error_code of a missing-variable 400 must match; null: only the status is asserted. */
  missingVariableErrorCode: string | null;
  /** G-09: whether a resend checks the template variables again; null: not asserted. */
  resendRevalidates: boolean | null;
  /** G-10: the statuses for 31 variables, a reserved name, a non-string value and an empty key. */
  tooManyVariablesStatus: number;
  reservedNameStatus: number;
  nonStringValueStatus: number;
  emptyKeyStatus: number;
  /** G-11: whether a name used only as an if-condition counts as referenced, so must be supplied. */
  conditionalReferencesCount: boolean;
  /** G-11: whether `{{x}}` and `{{ x }}` are the same; when false only `{{ x }}` (one space each side) is a tag. */
  whitespaceInsensitive: boolean;
  /** G-12: supplied variables the template never uses. */
  extraVariables: 'accepted' | 'rejected';
  /** G-12: a supplied custom variable named like a built-in (user_name, app_name); 'rejected' as if reserved. */
  builtInShadowing: 'accepted' | 'rejected';
  /** TPL-009 (C-16): the most variables a request may carry and a template may use. */
  maxVariables: number;
  /** TPL-010 (C-17): names that cannot be supplied. */
  reservedNames: string[];
  /**
   * TPL-014: whether the target sends through the managed service ("Team <workspace>" <hi@scalekit.com>); false
   * for a target configured with its own SMTP sender, whose From is then not asserted.
   */
  managedSender: boolean;
}

export const defaultEmailTemplateSettings: EmailTemplateSettings = {
  missingVariableErrorCode: null,
  resendRevalidates: null,
  tooManyVariablesStatus: 400,
  reservedNameStatus: 400,
  nonStringValueStatus: 400,
  emptyKeyStatus: 400,
  conditionalReferencesCount: true,
  whitespaceInsensitive: true,
  extraVariables: 'accepted',
  builtInShadowing: 'accepted',
  maxVariables: 30,
  reservedNames: [...reservedVariableNames],
  managedSender: true,
};

export interface EmailTemplateParts {
  subject: string;
  html: string;
  text: string;
}

export interface RenderedEmail extends EmailTemplateParts {
  /** TPL-003: sent as multipart/alternative. */
  multipart: boolean;
}

export type TemplateVariableRule = 'TPL-008' | 'TPL-009' | 'TPL-010' | 'TPL-011';

export interface TemplateVariableVerdict {
  rule: TemplateVariableRule;
  reason: string;
  expectedStatus: number;
  /** The key the verdict is about; absent for the TPL-009 counts. */
  variable?: string;
  /** TPL-009 only (C-16): pairs in the request, or custom variables the template uses. */
  reading?: 'per-request' | 'per-template';
}

export type TemplateSyntaxProblem = 'unclosed-tag' | 'unclosed-comment' | 'unclosed-if' | 'stray-else' | 'stray-end';

/** A template the server would refuse, or one outside the modelled subset ('unsupported'). */
export class TemplateSyntaxError extends Error {
  readonly problem: TemplateSyntaxProblem | 'unsupported';
  /** 0-based offset of the tag's `{{` (or the comment's `{*`). */
  readonly offset: number;
  readonly line: number;
  readonly column: number;

  constructor(problem: TemplateSyntaxProblem | 'unsupported', detail: string, template: string, offset: number) {
    const before = template.slice(0, offset).split('\n');
    const line = before.length;
    const column = (before.at(-1)?.length ?? 0) + 1;
    super(`email template: ${detail} at line ${line}, column ${column} (offset ${offset})`);
    this.name = 'TemplateSyntaxError';
    this.problem = problem;
    this.offset = offset;
    this.line = line;
    this.column = column;
  }
}

type TemplateSettings = Pick<EmailTemplateSettings, 'whitespaceInsensitive' | 'conditionalReferencesCount'>;

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'output'; name: string }
  | { kind: 'if'; branches: { condition: string; body: Node[] }[]; otherwise: Node[] };

type Tag =
  | { kind: 'output'; name: string; offset: number }
  | { kind: 'if'; name: string; offset: number }
  | { kind: 'else-if'; name: string; offset: number }
  | { kind: 'else'; offset: number }
  | { kind: 'end'; offset: number };

const identifier = '[A-Za-z_][A-Za-z0-9_]*';
const keywords = new Set(['if', 'else', 'end']);
const tagPatterns: [Tag['kind'], RegExp][] = [
  ['if', new RegExp(`^if\\s+(${identifier})$`)],
  ['else-if', new RegExp(`^else\\s+if\\s+(${identifier})$`)],
  ['else', /^else$/],
  ['end', /^end$/],
  ['output', new RegExp(`^(${identifier})$`)],
];

/** The inside of `{{ ... }}` as a tag, or undefined when the spelling makes it plain text (G-11). */
function readTag(inner: string, offset: number, template: string, settings: TemplateSettings): Tag | undefined {
  if (!settings.whitespaceInsensitive && !/^ \S(?:.*\S)? $/s.test(inner)) return undefined;
  const body = inner.trim();
  for (const [kind, pattern] of tagPatterns) {
    const match = pattern.exec(body);
    if (!match) continue;
    const name = match[1];
    if (kind === 'else' || kind === 'end') return { kind, offset };
    if (name !== undefined && !keywords.has(name)) return { kind, name, offset };
  }
  throw new TemplateSyntaxError('unsupported', `{{${inner}}} is outside the modelled JET subset`, template, offset);
}

/** Text and tags in order; unclosed tags and comments throw. */
function tokenize(template: string, settings: TemplateSettings): (string | Tag)[] {
  const tokens: (string | Tag)[] = [];
  let text = '';
  let at = 0;
  while (at < template.length) {
    const tag = template.indexOf('{{', at);
    const comment = template.indexOf('{*', at);
    const next = [tag, comment].filter((i) => i !== -1).sort((a, b) => a - b)[0];
    if (next === undefined) {
      text += template.slice(at);
      break;
    }
    text += template.slice(at, next);
    if (next === comment) {
      const close = template.indexOf('*}', next + 2);
      if (close === -1) throw new TemplateSyntaxError('unclosed-comment', '{* is never closed', template, next);
      at = close + 2;
      continue;
    }
    const close = template.indexOf('}}', next + 2);
    if (close === -1) throw new TemplateSyntaxError('unclosed-tag', '{{ is never closed', template, next);
    const read = readTag(template.slice(next + 2, close), next, template, settings);
    if (read === undefined) text += template.slice(next, close + 2);
    else {
      if (text) tokens.push(text);
      text = '';
      tokens.push(read);
    }
    at = close + 2;
  }
  if (text) tokens.push(text);
  return tokens;
}

function parse(template: string, settings: TemplateSettings): Node[] {
  const root: Node[] = [];
  // Each open if: the node, the body being filled, whether {{ else }} was seen, and where it opened.
  const open: { node: Extract<Node, { kind: 'if' }>; elseSeen: boolean; offset: number }[] = [];
  let body = root;
  for (const token of tokenize(template, settings)) {
    if (typeof token === 'string') {
      body.push({ kind: 'text', text: token });
      continue;
    }
    const top = open.at(-1);
    switch (token.kind) {
      case 'output':
        body.push({ kind: 'output', name: token.name });
        break;
      case 'if': {
        const node: Extract<Node, { kind: 'if' }> = {
          kind: 'if',
          branches: [{ condition: token.name, body: [] }],
          otherwise: [],
        };
        body.push(node);
        open.push({ node, elseSeen: false, offset: token.offset });
        body = node.branches[0]?.body ?? [];
        break;
      }
      case 'else-if':
      case 'else': {
        if (!top || top.elseSeen) {
          const tag = token.kind === 'else' ? '{{ else }}' : '{{ else if }}';
          const what = top ? 'follows {{ else }} in the same if' : 'has no open {{ if }}';
          throw new TemplateSyntaxError('stray-else', `${tag} ${what}`, template, token.offset);
        }
        if (token.kind === 'else') {
          top.elseSeen = true;
          body = top.node.otherwise;
        } else {
          const branch = { condition: token.name, body: [] as Node[] };
          top.node.branches.push(branch);
          body = branch.body;
        }
        break;
      }
      case 'end': {
        if (!top) throw new TemplateSyntaxError('stray-end', '{{ end }} closes no {{ if }}', template, token.offset);
        open.pop();
        const parent = open.at(-1);
        body = parent ? currentBody(parent) : root;
        break;
      }
    }
  }
  const unclosed = open.at(-1);
  if (unclosed) {
    throw new TemplateSyntaxError('unclosed-if', '{{ if }} has no {{ end }}', template, unclosed.offset);
  }
  return root;
}

function currentBody(entry: { node: Extract<Node, { kind: 'if' }>; elseSeen: boolean }): Node[] {
  return entry.elseSeen ? entry.node.otherwise : (entry.node.branches.at(-1)?.body ?? []);
}

/** TPL-006: set and not empty. */
const isTrue = (value: string | undefined) => value !== undefined && value !== '';

function renderNodes(nodes: Node[], variables: Record<string, string | undefined>): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'output') out += variables[node.name] ?? '';
    else {
      const taken = node.branches.find((branch) => isTrue(variables[branch.condition]));
      out += renderNodes(taken ? taken.body : node.otherwise, variables);
    }
  }
  return out;
}

/** TPL-006, TPL-012: the template with its variables filled in; throws TemplateSyntaxError on a malformed one. */
export function renderTemplate(
  template: string,
  variables: Record<string, string | undefined>,
  settings: TemplateSettings = defaultEmailTemplateSettings,
): string {
  return renderNodes(parse(template, settings), variables);
}

function collect(nodes: Node[], settings: TemplateSettings, into: Set<string>): Set<string> {
  for (const node of nodes) {
    if (node.kind === 'output') into.add(node.name);
    else if (node.kind === 'if') {
      for (const branch of node.branches) {
        if (settings.conditionalReferencesCount) into.add(branch.condition);
        collect(branch.body, settings, into);
      }
      collect(node.otherwise, settings, into);
    }
  }
  return into;
}

/**
 * Every name the template uses, sorted and unique, whichever branch would render (TPL-011). Names used only as
 * an if-condition count when `conditionalReferencesCount` is set (G-11).
 */
export function referencedVariables(
  template: string | EmailTemplateParts,
  settings: TemplateSettings = defaultEmailTemplateSettings,
): string[] {
  const texts = typeof template === 'string' ? [template] : [template.subject, template.html, template.text];
  const names = new Set<string>();
  for (const text of texts) collect(parse(text, settings), settings, names);
  return [...names].sort();
}

/** Referenced names the request must supply: not built-ins (TPL-005) and not reserved (the system's own). */
export function customVariables(
  template: string | EmailTemplateParts,
  settings: EmailTemplateSettings = defaultEmailTemplateSettings,
): string[] {
  const serverSupplied = new Set([...builtInVariables, ...settings.reservedNames]);
  return referencedVariables(template, settings).filter((name) => !serverSupplied.has(name));
}

const ruleOrder: TemplateVariableRule[] = ['TPL-008', 'TPL-009', 'TPL-010', 'TPL-011'];

/**
 * What a send with this template and these `template_variables` should get: one verdict per broken rule and key,
 * empty when the request is acceptable. A key whose value is `undefined` is absent (JSON drops it); `null` is a
 * non-string value. The 30-variable limit has two readings (C-16), reported separately: pairs in the request, and
 * custom variables the template uses. Built-ins are never missing: the server fills them.
 */
export function checkTemplateVariables(
  template: string | EmailTemplateParts,
  supplied: Record<string, unknown>,
  settings: EmailTemplateSettings = defaultEmailTemplateSettings,
): TemplateVariableVerdict[] {
  const verdicts: TemplateVariableVerdict[] = [];
  const pairs = Object.entries(supplied).filter(([, value]) => value !== undefined);
  const keys = new Set(pairs.map(([key]) => key));
  const referenced = new Set(referencedVariables(template, settings));
  const custom = customVariables(template, settings);
  const reserved = new Set(settings.reservedNames);
  const max = settings.maxVariables;

  for (const [key, value] of pairs) {
    if (key === '') {
      verdicts.push({
        rule: 'TPL-008',
        variable: key,
        reason: 'an empty key is not a key-value pair',
        expectedStatus: settings.emptyKeyStatus,
      });
    }
    if (typeof value !== 'string') {
      verdicts.push({
        rule: 'TPL-008',
        variable: key,
        reason: `the value of "${key}" is ${value === null ? 'null' : typeof value}, not a string`,
        expectedStatus: settings.nonStringValueStatus,
      });
    }
    if (reserved.has(key)) {
      verdicts.push({
        rule: 'TPL-010',
        variable: key,
        reason: `"${key}" is a reserved name`,
        expectedStatus: settings.reservedNameStatus,
      });
    } else if (builtInVariables.includes(key) && settings.builtInShadowing === 'rejected') {
      verdicts.push({
        rule: 'TPL-010',
        variable: key,
        reason: `"${key}" is a built-in variable and builtInShadowing is 'rejected' (G-12)`,
        expectedStatus: settings.reservedNameStatus,
      });
    }
    if (key !== '' && !referenced.has(key) && settings.extraVariables === 'rejected') {
      verdicts.push({
        rule: 'TPL-011',
        variable: key,
        reason: `"${key}" is supplied but the template never uses it, and extraVariables is 'rejected' (G-12)`,
        expectedStatus: 400,
      });
    }
  }
  if (pairs.length > max) {
    verdicts.push({
      rule: 'TPL-009',
      reading: 'per-request',
      reason: `${pairs.length} key-value pairs supplied, more than ${max}`,
      expectedStatus: settings.tooManyVariablesStatus,
    });
  }
  if (custom.length > max) {
    verdicts.push({
      rule: 'TPL-009',
      reading: 'per-template',
      reason: `the template uses ${custom.length} custom variables, more than ${max}`,
      expectedStatus: settings.tooManyVariablesStatus,
    });
  }
  for (const name of custom) {
    if (!keys.has(name)) {
      verdicts.push({
        rule: 'TPL-011',
        variable: name,
        reason: `the template uses "${name}" but the request does not supply it`,
        expectedStatus: 400,
      });
    }
  }
  const compare = (a = '', b = '') => (a < b ? -1 : a > b ? 1 : 0);
  return verdicts.sort(
    (a, b) =>
      ruleOrder.indexOf(a.rule) - ruleOrder.indexOf(b.rule) ||
      compare(a.variable, b.variable) ||
      compare(a.reading, b.reading),
  );
}

/**
 * TPL-003: the three parts rendered with the same variables. Multipart when both saved bodies hold more than
 * whitespace: the rule speaks of the bodies being present, which is a property of the template, not of a send.
 */
export function renderEmail(
  template: EmailTemplateParts,
  variables: Record<string, string | undefined>,
  settings: TemplateSettings = defaultEmailTemplateSettings,
): RenderedEmail {
  return {
    subject: renderTemplate(template.subject, variables, settings),
    html: renderTemplate(template.html, variables, settings),
    text: renderTemplate(template.text, variables, settings),
    multipart: template.html.trim() !== '' && template.text.trim() !== '',
  };
}
