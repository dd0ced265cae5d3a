/** "did you mean …?" for mistyped command names: the closest name by edit distance, when it is close enough. */
import { UsageError } from './exit-codes.js';

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b` (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = v;
    }
  }
  return at(a.length, b.length);
}

/** The candidate closest to `word`, if within a third of its length (at least 1, at most 2 edits); ties go alphabetically. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(2, Math.max(1, Math.floor(word.length / 3)));
  let best: { name: string; d: number } | undefined;
  for (const c of [...candidates].sort()) {
    const d = editDistance(word, c);
    if (d <= limit && (best === undefined || d < best.d)) best = { name: c, d };
  }
  return best?.name;
}

/** The usage error for a command name that is not in `names`. */
export function unknownCommand(name: string, names: readonly string[]): UsageError {
  const near = closest(name, names);
  return new UsageError(`unknown command '${name}'${near !== undefined ? `; did you mean '${near}'?` : ''}`);
}
