// Draws that wait until their chart is on screen. The panel is a long page of charts, and only
// a few are in the viewport. A new trace (an edit, a what-if) gives every chart new data, but a
// chart scrolled out of view keeps only its latest draw and runs it when it comes back into view
// (an IntersectionObserver), so a trace costs the panel only the charts on screen. A hidden chart
// (display: none) counts as off screen. The PNG export, which copies every chart's canvas, runs
// the pending draws first (flushPendingDraws).

/** Every gate made, for flushPendingDraws (the panel's charts live as long as the panel). */
const gates = new Set<ScreenGate>();

export class ScreenGate {
  /** until the observer's first report, the element counts as on screen (draws run at once) */
  private onScreen = true;
  private pending: (() => void) | undefined;

  constructor(element: Element) {
    gates.add(this);
    new IntersectionObserver(entries => {
      this.onScreen = entries[entries.length - 1]?.isIntersecting ?? true;
      if (this.onScreen) this.flush();
    }).observe(element);
  }

  /** Runs `draw` now when the element is on screen; otherwise keeps it (replacing an older one) until it is. */
  run(draw: () => void): void {
    if (this.onScreen) {
      this.pending = undefined;
      draw();
    } else {
      this.pending = draw;
    }
  }

  /** Runs the kept draw now, if any. */
  flush(): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.();
  }
}

/** Runs every chart's kept draw (before a PNG export). */
export function flushPendingDraws(): void {
  for (const gate of gates) gate.flush();
}
