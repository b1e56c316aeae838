/**
 * "Did you mean …?" for a mistyped word: the known words closest to it by edit distance (an
 * insertion, deletion, substitution or swap of two neighbours counts 1).
 * @module
 */

/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The known words closest to `word` (case-insensitive), if any is close enough to be a typo: at most
 * a third of the longer word's letters off (at least one), or `word` is a prefix of it.
 */
export function suggestions(word: string, known: readonly string[]): string[] {
  const w = word.toLowerCase();
  const scored = known
    .map((k) => ({ k, d: k.startsWith(w) && w.length >= 2 ? 0.5 : editDistance(w, k.toLowerCase()) }))
    .filter(({ k, d }) => d <= Math.max(1, Math.floor(Math.max(w.length, k.length) / 3)));
  const best = Math.min(...scored.map((s) => s.d));
  return scored.filter((s) => s.d === best).map((s) => s.k);
}

/** ` Did you mean "daily"?` (or `"a" or "b"`), or '' when nothing is close. */
export function didYouMean(word: string, known: readonly string[]): string {
  const s = suggestions(word, known);
  if (s.length === 0) return '';
  const quoted = s.map((x) => `"${x}"`);
  return ` Did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`}?`;
}
