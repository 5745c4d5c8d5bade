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
