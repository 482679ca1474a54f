// The States view's Model lines for the saturation and growth analytics (src/engine/analytics.ts,
// docs/analytics.md): one line per gate with its saturation over all units (the share of gate
// values < 0.1 and > 0.9, the mean slope g(1−g)), then one warning line per finding (saturated
// gate, cell-state growth, vanishing or exploding gradient), whose tooltip names the steps, the
// units and the equation behind it; or one plain line saying there is no finding. statesTree.ts
// appends these lines to its Model node; they are rebuilt with the trace, never on a step.

import * as vscode from 'vscode';
import { formatSteps, type Finding } from '../engine/analytics';
import { traceAnalytics } from './traceFields';
import type { Trace } from '../engine/types';

/** The shape of statesTree.ts's Model lines. */
export interface AnalyticsLine { label: string; description?: string; tooltip?: string; icon?: vscode.ThemeIcon }

const KIND_LABELS: Record<Finding['kind'], string> = {
  saturated: 'saturated gate',
  cellGrowth: 'cell-state growth',
  vanishing: 'vanishing gradient',
  exploding: 'exploding gradient',
};

/** The most finding lines (the rest are counted in one line). */
const MAX_FINDING_LINES = 8;

const percent = (share: number): string => `${(100 * share).toFixed(share > 0 && share < 0.01 ? 1 : 0)}%`;

/** The analytics lines of the Model node for the shown trace. */
export function analyticsLines(trace: Trace, warning: vscode.ThemeIcon): AnalyticsLine[] {
  const { saturation, findings } = traceAnalytics(trace);
  const lines: AnalyticsLine[] = [];
  const gates = [...new Set(saturation.map(s => s.gate))];
  for (const gate of gates) {
    const rows = saturation.filter(s => s.gate === gate);
    const mean = (pick: (s: (typeof rows)[number]) => number): number => rows.reduce((sum, s) => sum + pick(s), 0) / Math.max(1, rows.length);
    lines.push({
      label: `saturation ${gate}`,
      description: `< 0.1: ${percent(mean(s => s.lowShare))}, > 0.9: ${percent(mean(s => s.highShare))}, mean ${gate}(1−${gate}) = ${mean(s => s.meanSlope).toPrecision(2)}`,
      tooltip: `the share of the ${trace.T} steps × ${rows.length} units with ${gate} < 0.1 or > 0.9, and the mean local slope ${gate}(1−${gate}) (at most 0.25), which multiplies every gradient reaching ${gate}'s weights; per unit in the chart panel's Analytics section`,
    });
  }
  if (findings.length === 0) {
    lines.push({ label: 'analytics', description: 'no saturated gate, cell growth, vanishing or exploding gradient', tooltip: 'src/engine/analytics.ts found nothing to warn about in this trace (docs/analytics.md)' });
    return lines;
  }
  for (const finding of findings.slice(0, MAX_FINDING_LINES)) {
    lines.push({
      label: KIND_LABELS[finding.kind], icon: warning,
      description: finding.message,
      tooltip: `${finding.message}\n\nsteps t = ${formatSteps(finding.steps)}\n${finding.units.length === 1 ? 'unit' : 'units'} ${finding.units.join(', ')}\nequation: ${finding.equation}`,
    });
  }
  if (findings.length > MAX_FINDING_LINES) lines.push({ label: 'more findings', description: `${findings.length - MAX_FINDING_LINES} more in the chart panel's Analytics section` });
  return lines;
}
