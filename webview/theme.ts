// Theme colours for the charts, read from VS Code's CSS variables (--vscode-charts-* for data,
// --vscode-foreground / editor background / borders for text and grid) with getComputedStyle.
// A MutationObserver on the body's class (vscode-light / vscode-dark / vscode-high-contrast)
// re-reads them and re-themes every chart live. No colour of our own: a variable that is missing
// falls back to another theme variable, and last to the body's computed colours (set from the
// theme by media/chart.css).

export interface Theme {
  foreground: string;
  muted: string;
  background: string;
  grid: string;
  marker: string;
  /** non-finite values (NaN, ±Inf) in the heatmap */
  error: string;
  fontFamily: string;
  fontSize: number;
  highContrast: boolean;
  red: string;
  blue: string;
  yellow: string;
  orange: string;
  green: string;
  purple: string;
}

/** The first of the variables that is set, '' when none is. */
function cssVar(style: CSSStyleDeclaration, ...names: string[]): string {
  for (const name of names) {
    const value = style.getPropertyValue(name).trim();
    if (value) return value;
  }
  return '';
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const foreground = cssVar(style, '--vscode-foreground', '--vscode-editor-foreground') || style.color;
  return {
    foreground,
    muted: cssVar(style, '--vscode-descriptionForeground') || foreground,
    background: cssVar(style, '--vscode-editor-background', '--vscode-sideBar-background', '--vscode-panel-background') || style.backgroundColor,
    grid: cssVar(style, '--vscode-editorWidget-border', '--vscode-panel-border') || cssVar(style, '--vscode-widget-border'),
    marker: cssVar(style, '--vscode-editorCursor-foreground', '--vscode-focusBorder') || foreground,
    error: cssVar(style, '--vscode-editorError-foreground', '--vscode-errorForeground', '--vscode-charts-red') || foreground,
    fontFamily: cssVar(style, '--vscode-font-family'),
    fontSize: parseFloat(cssVar(style, '--vscode-font-size')) || 13,
    highContrast: document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light'),
    red: cssVar(style, '--vscode-charts-red'),
    blue: cssVar(style, '--vscode-charts-blue'),
    yellow: cssVar(style, '--vscode-charts-yellow'),
    orange: cssVar(style, '--vscode-charts-orange'),
    green: cssVar(style, '--vscode-charts-green'),
    purple: cssVar(style, '--vscode-charts-purple'),
  };
}

/** Calls `onChange` with the new theme whenever VS Code switches theme. */
export function watchTheme(onChange: (theme: Theme) => void): void {
  let last = document.body.className;
  new MutationObserver(() => {
    if (document.body.className === last) return;
    last = document.body.className;
    onChange(readTheme());
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true });

/** Any CSS colour as [r, g, b, a] (0..255), through a 1×1 canvas; an invalid one is transparent. */
export function toRgba(color: string): [number, number, number, number] {
  if (!probe) return [0, 0, 0, 0];
  probe.clearRect(0, 0, 1, 1);
  // an invalid colour leaves fillStyle unchanged: reset it first
  probe.fillStyle = 'transparent';
  probe.fillStyle = color;
  probe.fillRect(0, 0, 1, 1);
  const d = probe.getImageData(0, 0, 1, 1).data;
  return [d[0], d[1], d[2], d[3]];
}

/** The colour with an alpha, as rgba(), for fills and faded lines. */
export function withAlpha(color: string, alpha: number): string {
  const [r, g, b] = toRgba(color);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}
