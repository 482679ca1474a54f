// "LSTM: Export Chart as PNG": the visible charts composed onto one canvas (the theme's
// background, the spec line, the charts in the panel's order, the current equations) and
// returned as a PNG data URL; the host writes it through the save dialog.

import type { Theme } from './theme';
import { overlayOf } from './charts/overlay';

export function renderPng(theme: Theme, heading: string, equations: readonly string[]): string {
  // each chart with its overlay (step marker, veil) drawn on top
  const canvases = [...document.querySelectorAll<HTMLCanvasElement>('#charts canvas')].filter(c => c.offsetParent !== null && c.width > 0 && c.height > 0);
  if (canvases.length === 0) throw new Error('no chart is drawn yet');
  const dpr = window.devicePixelRatio || 1;
  const pad = Math.round(12 * dpr);
  const columns = 2;
  const cellW = Math.max(...canvases.map(c => c.width));
  const cellH = Math.max(...canvases.map(c => c.height));
  const lineH = Math.round((theme.fontSize + 6) * dpr);
  const headH = lineH + pad;
  const rows = Math.ceil(canvases.length / columns);
  const eqH = equations.length * lineH + pad;
  const out = document.createElement('canvas');
  out.width = columns * cellW + (columns + 1) * pad;
  out.height = headH + rows * (cellH + pad) + eqH + pad;
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('no 2d context');
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = theme.foreground;
  ctx.textBaseline = 'top';
  ctx.font = `bold ${Math.round(theme.fontSize * dpr)}px ${theme.fontFamily || 'sans-serif'}`;
  ctx.fillText(heading, pad, pad);
  canvases.forEach((canvas, k) => {
    const x = pad + (k % columns) * (cellW + pad);
    const y = headH + Math.floor(k / columns) * (cellH + pad);
    ctx.drawImage(canvas, x, y);
    ctx.save();
    ctx.translate(x, y);
    overlayOf(canvas)?.drawOnto(ctx, dpr);
    ctx.restore();
  });
  ctx.font = `${Math.round(theme.fontSize * dpr)}px monospace`;
  equations.forEach((line, k) => ctx.fillText(line, pad, headH + rows * (cellH + pad) + k * lineH));
  return out.toDataURL('image/png');
}
