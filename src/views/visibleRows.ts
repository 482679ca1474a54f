// Which input rows of a spec editor are on screen: the inline values are drawn only there, so a
// Step formats and sends a few dozen decorations whatever T is. Pure (offsets in, row indices
// out; no vscode), so it is unit tested on plain node. A row counts as visible when the offset
// its inline value is attached to (just after the row, inputRowEnds) lies in a visible range.

/** A visible span of the document as offsets [start, end], both inclusive. */
export interface OffsetRange {
  start: number;
  end: number;
}

/** The first index k with sorted[k] >= value (sorted.length when there is none). */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The indices k < `limit` of the rows whose end offset `rowEnds[k]` (ascending) lies in one of
 * `ranges`, ascending and without repeats (ranges may overlap or come in any order). Costs
 * O(ranges · log rows + rows shown), not O(rows).
 */
export function rowsInView(rowEnds: readonly number[], ranges: readonly OffsetRange[], limit = rowEnds.length): number[] {
  const shown = new Set<number>();
  const last = Math.min(limit, rowEnds.length);
  for (const range of ranges) {
    for (let k = lowerBound(rowEnds, range.start); k < last && rowEnds[k] <= range.end; k++) shown.add(k);
  }
  return [...shown].sort((a, b) => a - b);
}
