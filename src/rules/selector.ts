// Rule selection (`--only`): which rule IDs a run's globs pick. Beside the catalogue, so settings, the suite index
// and the run select the same way without depending on the reporters.

/** Turns glob patterns over rule IDs (`ALG-*`, `RDR-01?`) into one predicate. */
export function ruleSelector(globs: readonly string[]): (id: string) => boolean {
  if (globs.length === 0) return () => true;
  const regexes = globs.map(
    (glob) =>
      new RegExp(
        `^${glob
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
        'i',
      ),
  );
  return (id) => regexes.some((r) => r.test(id));
}

/** A run's selection: rule-ID globs to run (`--only`; all when empty) and to leave out (`--exclude`). */
export interface RuleSelection {
  only: readonly string[];
  exclude: readonly string[];
}

/**
 * Why a test citing `ids` is left out of a run (`only`: it cites no selected rule; `exclude`: it cites an excluded
 * one, which wins), or undefined when it runs.
 */
export function leftOutBy(selection: RuleSelection): (ids: readonly string[]) => 'only' | 'exclude' | undefined {
  const selected = ruleSelector(selection.only);
  const excluded = selection.exclude.length > 0 ? ruleSelector(selection.exclude) : () => false;
  return (ids) => (ids.some(excluded) ? 'exclude' : ids.some(selected) ? undefined : 'only');
}

/** Levenshtein distance, for suggesting the IDs closest to a mistyped one. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Up to three catalogue IDs within two edits of `id` (case folded), nearest first. */
export function closestIds(id: string, ids: readonly string[]): string[] {
  const wanted = id.toUpperCase();
  return ids
    .map((candidate) => ({ candidate, d: distance(wanted, candidate) }))
    .filter(({ d }) => d <= 2)
    .sort((a, b) => a.d - b.d || a.candidate.localeCompare(b.candidate))
    .slice(0, 3)
    .map(({ candidate }) => candidate);
}
