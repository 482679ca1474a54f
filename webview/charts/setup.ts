// Chart.js, tree-shaken: only the controllers, elements, scales and plugins the panel uses are
// registered, and animation is off globally (steps are not animated; the step marker is on an
// overlay layer, overlay.ts).

import {
  BarController, BarElement, CategoryScale, Chart, Legend, LineController, LineElement, LinearScale,
  LogarithmicScale, PointElement, Title, Tooltip,
} from 'chart.js';
import type { Theme } from '../theme';
import { withAlpha } from '../theme';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, LogarithmicScale,
  CategoryScale, Title, Tooltip, Legend);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.responsive = true;

export { Chart };

/** Colours every chart's text, axes, grid and tooltip from the VS Code theme (datasets are the caller's). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function applyChartChrome(chart: Chart<any>, theme: Theme): void {
  const opts = chart.options;
  opts.color = theme.foreground;
  opts.font = { family: theme.fontFamily || undefined, size: theme.fontSize };
  opts.plugins!.title!.color = theme.foreground;
  opts.plugins!.legend!.labels!.color = theme.foreground;
  for (const axis of ['x', 'y'] as const) {
    const scale = opts.scales![axis]! as { ticks: { color: string }; grid: { color: string }; border: { color: string }; title: { color: string } };
    scale.ticks.color = theme.muted || theme.foreground;
    scale.title.color = theme.foreground;
    scale.grid = { ...(scale.grid ?? {}), color: theme.grid ? withAlpha(theme.grid, 0.5) : withAlpha(theme.foreground, 0.12) };
    scale.border = { ...(scale.border ?? {}), color: theme.grid || theme.muted };
  }
  const tooltip = opts.plugins!.tooltip!;
  tooltip.backgroundColor = withAlpha(theme.background, 0.95);
  tooltip.titleColor = theme.foreground;
  tooltip.bodyColor = theme.foreground;
  tooltip.borderColor = theme.grid || theme.muted;
  tooltip.borderWidth = 1;
}

