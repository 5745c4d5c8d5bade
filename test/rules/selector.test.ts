import { describe, expect, it } from 'vitest';
import { leftOutBy, ruleSelector } from '../../src/rules/selector.js';

describe('ruleSelector', () => {
  it('selects every rule when no glob is given', () => {
    expect(ruleSelector([])('ANY-999')).toBe(true);
  });

  it('matches a trailing * against any rest of the ID', () => {
    const select = ruleSelector(['ALG-*']);
    expect(select('ALG-001')).toBe(true);
    expect(select('ALG-')).toBe(true);
    expect(select('RDR-001')).toBe(false);
    expect(select('XALG-001')).toBe(false);
  });

  it('matches ? against exactly one character', () => {
    const select = ruleSelector(['ALG-01?']);
    expect(select('ALG-010')).toBe(true);
    expect(select('ALG-019')).toBe(true);
    expect(select('ALG-01')).toBe(false);
    expect(select('ALG-0100')).toBe(false);
    expect(select('ALG-020')).toBe(false);
  });

  it('matches case-insensitively', () => {
    expect(ruleSelector(['alg-00?'])('ALG-007')).toBe(true);
  });

  it('selects a rule when any of several globs matches', () => {
    const select = ruleSelector(['ALG-001', 'RDR-*']);
    expect(select('ALG-001')).toBe(true);
    expect(select('RDR-015')).toBe(true);
    expect(select('ALG-002')).toBe(false);
  });

  it('treats regex metacharacters in a glob literally', () => {
    const select = ruleSelector(['ALG.001']);
    expect(select('ALG.001')).toBe(true);
    expect(select('ALGX001')).toBe(false);
  });
});

describe('leftOutBy', () => {
  it('runs a test citing a selected rule and none excluded; an excluded rule wins over --only', () => {
    const leftOut = leftOutBy({ only: ['ALG-01?'], exclude: ['ALG-010'] });
    expect(leftOut(['ALG-011'])).toBeUndefined();
    expect(leftOut(['ALG-010'])).toBe('exclude');
    expect(leftOut(['ALG-011', 'ALG-010'])).toBe('exclude');
    expect(leftOut(['RDR-001'])).toBe('only');
  });

  it('without --only, runs every test but the excluded ones; without either, every test', () => {
    expect(leftOutBy({ only: [], exclude: ['RDR-*'] })(['RDR-004'])).toBe('exclude');
    expect(leftOutBy({ only: [], exclude: ['RDR-*'] })(['ALG-010'])).toBeUndefined();
    expect(leftOutBy({ only: [], exclude: [] })(['ALG-010'])).toBeUndefined();
  });
});
