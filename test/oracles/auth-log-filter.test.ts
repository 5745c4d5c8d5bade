import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AuthLogFilter,
  applyAuthLogFilter,
  authLogStatuses,
  type FilterableAuthLog,
  filterProblem,
  matchesFilter,
  parseStatus,
} from '../../src/oracles/auth-log-filter.js';

type Entry = FilterableAuthLog & { id: string };

const entry = (id: string, fields: FilterableAuthLog): Entry => ({ id, ...fields });
const ids = (entries: readonly Entry[]) => entries.map((e) => e.id);

describe('parseStatus', () => {
  it('accepts every enum value in any letter case and normalises it to upper case', () => {
    expect(parseStatus('failed')).toBe('FAILED');
    expect(parseStatus('Success')).toBe('SUCCESS');
    expect(parseStatus('PENDING')).toBe('PENDING');
    expect(parseStatus('iNiTiAtEd')).toBe('INITIATED');
  });

  it('rejects values outside the enum such as Failure', () => {
    expect(parseStatus('Failure')).toBeUndefined();
    expect(parseStatus('')).toBeUndefined();
    expect(parseStatus(' FAILED')).toBeUndefined();
  });
});

describe('matchesFilter time bounds', () => {
  const at = '2026-01-01T10:00:00.000Z';
  const instant = Date.parse(at);

  it('includes an entry exactly at the start bound', () => {
    expect(matchesFilter({ timestamp: at }, { startTime: instant })).toBe(true);
    expect(matchesFilter({ timestamp: at }, { startTime: instant + 1 })).toBe(false);
  });

  it('includes an entry exactly at the end bound', () => {
    expect(matchesFilter({ timestamp: at }, { endTime: instant })).toBe(true);
    expect(matchesFilter({ timestamp: at }, { endTime: instant - 1 })).toBe(false);
  });

  it('includes an entry when start and end are the same instant as the entry', () => {
    expect(matchesFilter({ timestamp: at }, { startTime: instant, endTime: instant })).toBe(true);
  });

  it('excludes an entry without a parseable timestamp once a time bound is set', () => {
    expect(matchesFilter({}, { startTime: 0 })).toBe(false);
    expect(matchesFilter({ timestamp: 'yesterday' }, { endTime: instant })).toBe(false);
    expect(matchesFilter({ timestamp: 'yesterday' }, {})).toBe(true);
  });
});

describe('applyAuthLogFilter', () => {
  const log: Entry[] = [
    entry('a', { status: 'SUCCESS', email: 'Ann@Example.com', client_id: 'c1', timestamp: '2026-01-01T10:00:00Z' }),
    entry('b', { status: 'FAILED', email: 'ann@example.com', client_id: 'c2', timestamp: '2026-01-01T11:00:00Z' }),
    entry('c', { status: 'PENDING', email: 'bob@example.com', client_id: 'c1', timestamp: '2026-01-01T12:00:00Z' }),
    entry('d', { status: 'FAILED', email: 'bob@example.com', client_id: 'c1', timestamp: '2026-01-01T13:00:00Z' }),
  ];

  it('combines several statuses with OR, matching them case-insensitively', () => {
    expect(ids(applyAuthLogFilter(log, { statuses: ['failed', 'Pending'] }))).toEqual(['d', 'c', 'b']);
  });

  it('combines different filters with AND', () => {
    expect(ids(applyAuthLogFilter(log, { statuses: ['FAILED'], clientId: 'c1' }))).toEqual(['d']);
    expect(ids(applyAuthLogFilter(log, { statuses: ['FAILED'], email: 'bob@example.com', clientId: 'c2' }))).toEqual(
      [],
    );
  });

  it('matches email exactly under the default profile', () => {
    expect(ids(applyAuthLogFilter(log, { email: 'ann@example.com' }))).toEqual(['b']);
  });

  it('matches email ignoring case under the case-insensitive profile', () => {
    expect(ids(applyAuthLogFilter(log, { email: 'ANN@example.com' }, { emailMatch: 'case-insensitive' }))).toEqual([
      'b',
      'a',
    ]);
  });

  it('orders results most recent first', () => {
    expect(ids(applyAuthLogFilter(log, {}))).toEqual(['d', 'c', 'b', 'a']);
  });

  it('keeps stored order for entries with the same timestamp', () => {
    const tied: Entry[] = [
      entry('x', { timestamp: '2026-01-01T10:00:00Z' }),
      entry('y', { timestamp: '2026-01-01T12:00:00Z' }),
      entry('z', { timestamp: '2026-01-01T10:00:00Z' }),
      entry('w', { timestamp: '2026-01-01T12:00:00.000Z' }),
    ];
    expect(ids(applyAuthLogFilter(tied, {}))).toEqual(['y', 'w', 'x', 'z']);
  });

  it('does not reorder or change the input array', () => {
    const copy = [...log];
    applyAuthLogFilter(log, {});
    expect(log).toEqual(copy);
  });

  it('returns only matching entries, newest first, as a sub-multiset of the input (property)', () => {
    const base = Date.UTC(2026, 0, 1);
    const span = 10_000;
    const instant = fc.integer({ min: base, max: base + span });
    const arbEntry = fc.record(
      {
        status: fc.constantFrom(...authLogStatuses, 'failed', 'Success'),
        email: fc.constantFrom('ann@example.com', 'ANN@example.com', 'bob@example.com'),
        client_id: fc.constantFrom('c1', 'c2'),
        resource_id: fc.constantFrom('r1', 'r2'),
        timestamp: instant.map((ms) => new Date(ms).toISOString()),
      },
      { requiredKeys: ['timestamp'] },
    );
    const arbFilter: fc.Arbitrary<AuthLogFilter> = fc.record(
      {
        statuses: fc.subarray([...authLogStatuses, 'failed']),
        email: fc.constantFrom('ann@example.com', 'ANN@example.com', 'bob@example.com'),
        clientId: fc.constantFrom('c1', 'c2'),
        resourceId: fc.constantFrom('r1', 'r2'),
        startTime: instant,
        endTime: instant,
      },
      { requiredKeys: [] },
    );
    const arbProfile = fc.constantFrom({ emailMatch: 'exact' as const }, { emailMatch: 'case-insensitive' as const });

    fc.assert(
      fc.property(fc.array(arbEntry, { maxLength: 30 }), arbFilter, arbProfile, (entries, filter, profile) => {
        const result = applyAuthLogFilter(entries, filter, profile);
        for (const item of result) expect(matchesFilter(item, filter, profile)).toBe(true);
        // Every entry that matches is returned, and nothing else: a sub-multiset of the input by identity.
        const remaining = [...entries];
        for (const item of result) {
          const index = remaining.indexOf(item);
          expect(index).toBeGreaterThanOrEqual(0);
          remaining.splice(index, 1);
        }
        expect(result.length).toBe(entries.filter((e) => matchesFilter(e, filter, profile)).length);
        for (let i = 1; i < result.length; i += 1) {
          expect(Date.parse(result[i - 1]?.timestamp ?? '')).toBeGreaterThanOrEqual(
            Date.parse(result[i]?.timestamp ?? ''),
          );
        }
      }),
      { seed: 42 },
    );
  });
});

describe('the open points as profile settings (G-17)', () => {
  const log: Entry[] = [
    entry('a', { status: 'SUCCESS', timestamp: '2026-01-01T10:00:00Z' }),
    entry('b', { status: 'FAILED', timestamp: '2026-01-01T11:00:00Z' }),
  ];

  it('combines several statuses with OR by default and with AND when the profile says so', () => {
    expect(ids(applyAuthLogFilter(log, { statuses: ['SUCCESS', 'FAILED'] }))).toEqual(['b', 'a']);
    expect(ids(applyAuthLogFilter(log, { statuses: ['SUCCESS', 'FAILED'] }, { statusCombination: 'and' }))).toEqual([]);
    expect(ids(applyAuthLogFilter(log, { statuses: ['success', 'SUCCESS'] }, { statusCombination: 'and' }))).toEqual([
      'a',
    ]);
  });

  it('answers an inverted window with nothing by default, and refuses it when the profile says so', () => {
    const inverted = { startTime: Date.parse('2026-01-01T12:00:00Z'), endTime: Date.parse('2026-01-01T09:00:00Z') };
    expect(ids(applyAuthLogFilter(log, inverted))).toEqual([]);
    expect(filterProblem(inverted)).toBeUndefined();
    expect(filterProblem(inverted, { invertedWindow: 'rejected' })).toMatch(/start_time/);
  });

  it('refuses a status outside the enum whatever the profile', () => {
    expect(filterProblem({ statuses: ['SUCCESS', 'Failure'] })).toMatch(/"Failure"/);
    expect(filterProblem({ statuses: ['failed', 'Pending'] })).toBeUndefined();
  });
});
