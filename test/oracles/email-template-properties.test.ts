import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { missingVariableCase, respell, templateWithVariables } from '../../fixtures/arbitraries/email-templates.js';
import { checkTemplateVariables, renderEmail, renderTemplate } from '../../src/oracles/email-template.js';

// Fixed seed, so a run is repeatable; on failure fast-check prints the seed and the shrink path to replay.
const runs = { seed: 20260521, numRuns: 200 };
const partsOf = ({ subject, html, text }: { subject: string; html: string; text: string }) => [subject, html, text];

describe('email template properties', () => {
  it('rendering leaves no {{ behind: every tag of a generated template is a known construct (TPL-006)', () => {
    fc.assert(
      fc.property(templateWithVariables(), ({ template, variables }) => {
        for (const part of partsOf(template)) expect(renderTemplate(part, variables)).not.toContain('{{');
      }),
      runs,
    );
  });

  it('a template without conditionals renders by plain substitution (TPL-012)', () => {
    fc.assert(
      fc.property(templateWithVariables({ conditionals: false }), ({ template, variables }) => {
        for (const part of partsOf(template)) {
          const substituted = part.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => variables[name] ?? '');
          expect(renderTemplate(part, variables)).toBe(substituted);
        }
      }),
      runs,
    );
  });

  it('a full assignment is acceptable, and removing one variable is reported as TPL-011 for that name only', () => {
    fc.assert(
      fc.property(templateWithVariables(), ({ template, variables }) => {
        expect(checkTemplateVariables(template, variables)).toEqual([]);
      }),
      runs,
    );
    fc.assert(
      fc.property(missingVariableCase(), ({ template, variables, missing }) => {
        const verdicts = checkTemplateVariables(template, variables);
        expect(verdicts.map((v) => [v.rule, v.variable, v.expectedStatus])).toEqual([['TPL-011', missing, 400]]);
      }),
      runs,
    );
  });

  it('the spelling of the tags, {{x}} or {{ x }}, does not change the output (G-11 default)', () => {
    fc.assert(
      fc.property(templateWithVariables(), ({ template, variables }) => {
        for (const part of partsOf(template)) {
          const rendered = renderTemplate(part, variables);
          expect(renderTemplate(respell(part, 'tight'), variables)).toBe(rendered);
          expect(renderTemplate(respell(part, 'spaced'), variables)).toBe(rendered);
        }
      }),
      runs,
    );
  });

  it('an email is multipart exactly when both bodies are present (TPL-003)', () => {
    fc.assert(
      fc.property(templateWithVariables(), ({ template, variables }) => {
        const present = (body: string) => body.trim() !== '';
        expect(renderEmail(template, variables).multipart).toBe(present(template.html) && present(template.text));
      }),
      runs,
    );
  });
});
