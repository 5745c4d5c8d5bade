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
