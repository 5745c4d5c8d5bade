import { describe, expect, it } from 'vitest';
import { packRounds } from '../../src/cli/mutation.js';

// The fault proof runs the files of many faults in one vitest run; a run holds each file once, so the jobs are
// packed into rounds. Too many rounds cost a worker start each; a file twice in a round would lose a result.
describe('packRounds', () => {
  const jobs = (files: string) => [...files].map((file, i) => ({ file, id: i }));

  it('puts each file at most once in a round, keeps every job, and needs as many rounds as the busiest file', () => {
    const all = jobs('aaaabbcdde');
    const rounds = packRounds(all);
    expect(rounds).toHaveLength(4);
    for (const round of rounds) expect(new Set(round.map((j) => j.file)).size).toBe(round.length);
    expect(
      rounds
        .flat()
        .map((j) => j.id)
        .sort((a, b) => a - b),
    ).toEqual(all.map((j) => j.id));
  });

  it('spreads the files with fewer jobs over the emptier rounds', () => {
    const sizes = packRounds(jobs('aaaabbbccd')).map((round) => round.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('makes no round of no jobs', () => {
    expect(packRounds([])).toEqual([]);
  });
});
