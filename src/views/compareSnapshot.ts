// Builds the chart panel's Compare payload (src/protocol/messages.ts ComparePayload) from
// src/engine/compare.ts's result: h_t of the chosen units for every cell on one chart (colour
// per cell, dash per unit), ‖dL/dh_t‖ of every cell and their path decay on a log chart, and a
// summary line per cell. Also reads the spec text's `init` options (the seed rule the other cells
// use). Pure (engine, protocol and jsonc-parser only, no vscode), so it is unit tested on node.

import { parse as parseJsonc } from 'jsonc-parser';
import { CELLS } from '../engine/cells';
import type { CellComparison } from '../engine/compare';
import { DEFAULT_INIT } from '../engine/compare';
import type { InitOptions } from '../engine/init';
import { ComparePayload, LineSeries, MAX_LINE_UNITS, MAX_SERIES_POINTS } from '../protocol/messages';
import { decimateColumn, sci } from './chartSnapshot';

/**
 * The spec text's `init` options with their defaults (docs/spec-format.md#random-weights-init);
 * the defaults when the spec has no `init` (explicit weights) or the text does not parse. The
 * spec was validated before, so only the types are checked here.
 */
export function initOptionsOf(text: string): InitOptions {
  const root: unknown = parseJsonc(text, [], { allowTrailingComma: true });
  const init = root && typeof root === 'object' && !Array.isArray(root) ? (root as Record<string, unknown>).init : undefined;
  if (!init || typeof init !== 'object' || Array.isArray(init)) return { ...DEFAULT_INIT };
  const value = (key: keyof InitOptions): number => {
    const v = (init as Record<string, unknown>)[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : DEFAULT_INIT[key];
  };
  return { seed: value('seed') >>> 0, scale: value('scale'), forgetBias: value('forgetBias') };
}

/** The Compare payload: `units` (clamped to H, at most MAX_LINE_UNITS) are the ones drawn. */
export function buildCompare(comparison: CellComparison, specName: string, units: readonly number[], maxPoints = MAX_SERIES_POINTS): ComparePayload {
  const first = comparison.cells[0];
  const H = first?.H ?? 0, T = first?.T ?? 0;
  const shownUnits = [...new Set(units)].filter(u => Number.isInteger(u) && u >= 0 && u < H).slice(0, MAX_LINE_UNITS);
  if (shownUnits.length === 0 && H > 0) shownUnits.push(0);
  const states: LineSeries[] = [];
  const decay: LineSeries[] = [];
  const summary: string[] = [];
  for (const run of comparison.cells) {
    const product = `mean ${CELLS[run.cell].pathDecay?.label ?? ''}`;
    for (const u of shownUnits) {
      states.push({ key: `${run.cell}[${u}]`, label: `${run.cell} h[${u}]`, field: run.cell, unit: u, series: decimateColumn(run.h, H, u, T, maxPoints) });
    }
    decay.push({ key: run.cell, label: `${run.cell} ‖dL/dh_t‖`, field: run.cell, unit: -1, series: decimateColumn(run.dL_dh_norm, 1, 0, T, maxPoints, true) });
    if (run.pathDecayMean) {
      decay.push({ key: `${run.cell}:path`, label: `${run.cell} ${product} (${CELLS[run.cell].pathDecay?.pathName ?? ''})`, field: `${run.cell}:path`, unit: -1, series: decimateColumn(run.pathDecayMean, 1, 0, T, maxPoints, true) });
    }
    const path = run.pathDecayMean ? `, ${product} at t = 1 ${sci(run.pathDecayMean[0])}` : '';
    const bad = run.nonFinite ? `; a NaN or ±Inf first appears at ${run.nonFinite}` : '';
    summary.push(`${run.label}: L = ${run.L.toPrecision(4)}, ‖dL/dh_1‖ ${sci(run.dL_dh_norm[0] ?? NaN)} against ‖dL/dh_${T}‖ ${sci(run.dL_dh_norm[T - 1] ?? NaN)}${path}${bad}`);
  }
  const where = comparison.shown ? `, ${comparison.shown}` : '';
  const unitsText = shownUnits.length === 1 ? `unit ${shownUnits[0]}` : `units ${shownUnits.join(', ')} (dash: unit)`;
  return {
    title: `Compare cells: ${specName} (H = ${H}, T = ${T}${where})`,
    cells: comparison.cells.map(run => ({ cell: run.cell, label: run.label, own: run.own, L: run.L, ...(run.nonFinite ? { nonFinite: run.nonFinite } : {}) })),
    states: { title: `Hidden state h_t per cell, ${unitsText}`, yLabel: 'h_t', logScale: false, lines: states },
    decay: { title: 'Backward: ‖dL/dh_t‖ per cell and the gated path decay (log scale)', yLabel: 'gradient magnitude (log)', logScale: true, lines: decay },
    summary,
  };
}
