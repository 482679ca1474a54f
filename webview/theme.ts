// Theme colours for the charts, read from VS Code's CSS variables (--vscode-charts-* for data,
// --vscode-foreground / editor background / borders for text and grid) with getComputedStyle.
// A MutationObserver on the body's class (vscode-light / vscode-dark / vscode-high-contrast)
// re-reads them and re-themes every chart live.

export interface Theme {
  foreground: string;
  muted: string;
  background: string;
  grid: string;
  marker: string;
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

function cssVar(style: CSSStyleDeclaration, name: string, fallbackVar?: string): string {
  const value = style.getPropertyValue(name).trim();
  if (value || !fallbackVar) return value;
  return style.getPropertyValue(fallbackVar).trim();
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const foreground = cssVar(style, '--vscode-foreground', '--vscode-editor-foreground');
  return {
    foreground,
    muted: cssVar(style, '--vscode-descriptionForeground', '--vscode-foreground'),
    background: cssVar(style, '--vscode-editor-background', '--vscode-sideBar-background'),
    grid: cssVar(style, '--vscode-editorWidget-border', '--vscode-panel-border') || cssVar(style, '--vscode-widget-border'),
    marker: cssVar(style, '--vscode-editorCursor-foreground', '--vscode-focusBorder'),
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

/** Any CSS colour as [r, g, b, a] (0..255), through a 1×1 canvas. */
export function toRgba(color: string): [number, number, number, number] {
  if (!probe) return [128, 128, 128, 255];
  probe.clearRect(0, 0, 1, 1);
  probe.fillStyle = '#000';
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
