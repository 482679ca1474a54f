// The chart panel's Units field ("0,2,5-7": the units drawn as lines, at most MAX_LINE_UNITS) read
// into unit numbers, with a note saying what was taken and why whenever the text was not taken as
// written: too many units, a unit that does not exist, a part that is not a number or a range.
// Pure (no DOM): the webview shows the note under the field; unit tested on node.

import { MAX_LINE_UNITS } from './messages';

export interface UnitsChoice {
  /** the units taken, sorted, distinct, each in 0..H-1, at most MAX_LINE_UNITS */
  units: number[];
  /** '' when the text was taken as written, else what was taken and why (shown under the field) */
  note: string;
}

/** "0–3,5" (en dash, as in the notes). */
export function formatUnitList(units: readonly number[], dash = '–'): string {
  const parts: string[] = [];
  for (let k = 0; k < units.length; k++) {
    let end = k;
    while (end + 1 < units.length && units[end + 1] === units[end] + 1) end++;
    parts.push(end > k ? `${units[k]}${dash}${units[end]}` : String(units[k]));
    k = end;
  }
  return parts.join(',');
}

/**
 * Reads the field for a spec with H units. Parts are separated by commas or spaces; a part is a
 * unit number or a range "a-b" (a hyphen or an en dash, either order).
 */
export function parseUnitsField(text: string, H: number, max = MAX_LINE_UNITS): UnitsChoice {
  const wanted = new Set<number>();
  const notUnits: string[] = [];
  const missing: number[] = [];
  // "5 - 7" is one range: spaces around a dash are not separators
  for (const part of text.replace(/\s*([-–])\s*/g, '$1').split(/[\s,]+/).filter(Boolean)) {
    const range = /^(\d+)[-–](\d+)$/.exec(part);
    const single = /^\d+$/.exec(part);
    if (!range && !single) {
      notUnits.push(part);
      continue;
    }
    const a = Number(range ? range[1] : part);
    const b = Number(range ? range[2] : part);
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    // a range far past H is cut at H: the loop stays short whatever was typed
    for (let u = lo; u <= Math.min(hi, H - 1); u++) wanted.add(u);
    if (hi > H - 1) missing.push(lo > H - 1 ? lo : H);
  }
  const all = [...wanted].sort((x, y) => x - y);
  const units = all.slice(0, max);
  const notes: string[] = [];
  if (all.length > max) notes.push(`showing units ${formatUnitList(units)}: at most ${max}`);
  if (missing.length > 0) notes.push(`the spec has units 0–${H - 1} only`);
  for (const part of notUnits) notes.push(`'${part}' is not a unit number or range`);
  if (units.length === 0 && text.trim() !== '') notes.push('no unit taken: the chart keeps its units');
  else if (units.length === 0) notes.push('no unit given: the chart keeps its units');
  return { units, note: notes.join('; ') };
}
