// "Did you mean" hints for unknown keys and weight names.

/** The candidate within edit distance 2 (case-insensitive), for "did you mean" hints. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) { best = candidate; bestDistance = distance; }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const distance = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) distance[i * cols] = i;
  for (let j = 0; j < cols; j++) distance[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(distance[(i - 1) * cols + j] + 1, distance[i * cols + j - 1] + 1, distance[(i - 1) * cols + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, distance[(i - 2) * cols + j - 2] + 1);
      distance[i * cols + j] = best;
    }
  }
  return distance[rows * cols - 1];
}
