import type { TestTagDefinition } from 'vitest/config';
import { type RuleId, rules } from './catalogue.js';

declare module 'vitest' {
  /** Tests cite rules as tags; only catalogue IDs type-check. */
  interface TestTags {
    rule: RuleId;
  }
}

/** One vitest tag per catalogue rule, so `strictTags` rejects any test that cites an unknown ID. */
export function ruleTags(): TestTagDefinition[] {
  return rules.map((rule) => ({ name: rule.id, description: `${rule.force} ${rule.statement}` }));
}

const byId = new Map<string, (typeof rules)[number]>(rules.map((rule) => [rule.id, rule]));

export function findRule(id: string) {
  return byId.get(id);
}
