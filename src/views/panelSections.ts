// The chart panel's Analytics and Compare sections on the host side (docs/analytics.md), kept
// apart from chartPanel.ts, which only calls in: the Analytics payload is posted once per trace
// (the first snapshot of a trace, and again after the webview reloads), never on a step; the
// Compare payload once per "LSTM: Compare Cells", cleared (with a note) once the spec's trace
// changes. The command runs the three cells on the extension host's thread, so it refuses a spec
// whose three traces are estimated above COMPARE_LIMIT_MS (it says how to make it smaller).

import * as vscode from 'vscode';
import { compareCells } from '../engine/compare';
import type { Trace } from '../engine/types';
import { AnalyticsPayload, ComparePayload, HostToWebviewMessage, ViewOptions, normalizeView } from '../protocol/messages';
import { buildAnalytics } from './analyticsSnapshot';
import { buildCompare, initOptionsOf } from './compareSnapshot';
import type { DocumentSessions, SpecSession } from './documentSessions';
import { estimateMs } from './traceWorkerHost';

/** Compare Cells computes inline: above this estimate (ms, for all cells and samples) it refuses. */
export const COMPARE_LIMIT_MS = 2000;

/** What the test hook `lstm._panelSectionsState` returns: the last payloads posted. */
export interface PanelSectionsTestState {
  analytics?: AnalyticsPayload;
  compare?: ComparePayload;
  compareStatus?: string;
}

let lastPosted: PanelSectionsTestState = {};

export class PanelSections {
  /** the trace view the Analytics payload was posted for */
  private analyticsFor: Trace | undefined;
  private compare: { payload: ComparePayload; uri: string; trace: Trace } | undefined;

  constructor(private readonly post: (message: HostToWebviewMessage) => void, private readonly view: () => Partial<ViewOptions>) {}

  /** A (re)loaded webview has none of the sections: they are sent again after its snapshot. */
  onReady(): void {
    this.analyticsFor = undefined;
  }

  /** After each snapshot: Analytics when the shown trace changed; the Compare result, or a note that it is outdated. */
  afterSnapshot(session: SpecSession | undefined, reloaded: boolean): void {
    const view = session?.view;
    if (view !== this.analyticsFor) {
      this.analyticsFor = view;
      const analytics = view ? buildAnalytics(view) : undefined;
      lastPosted.analytics = analytics;
      this.post({ type: 'analytics', analytics });
    }
    if (!this.compare) return;
    if (session?.uri.toString() !== this.compare.uri || session.trace !== this.compare.trace) {
      this.compare = undefined;
      this.postCompare(undefined, 'The spec changed since "LSTM: Compare Cells" ran: run it again to compare the cells.');
    } else if (reloaded) this.postCompare(this.compare.payload, '');
  }

  showCompare(session: SpecSession, trace: Trace, payload: ComparePayload): void {
    this.compare = { payload, uri: session.uri.toString(), trace };
    this.postCompare(payload, '');
  }

  /** The units the panel draws for a spec of H units (its default choice when none was made). */
  units(H: number): number[] {
    return normalizeView(this.view(), H, []).units;
  }

  private postCompare(compare: ComparePayload | undefined, status: string): void {
    lastPosted = { ...lastPosted, compare, compareStatus: status };
    this.post({ type: 'compare', ...(compare ? { compare } : {}), status });
  }
}

/**
 * "LSTM: Compare Cells" (registered by the chart panel): runs the active spec through lstm, gru
 * and rnn, opens the panel and shows the Compare section. Resolves the payload (tests), or
 * undefined after saying why nothing was compared.
 */
export async function compareCellsCommand(sessions: DocumentSessions, openPanel: () => Promise<PanelSections | undefined>): Promise<ComparePayload | undefined> {
  sessions.ensureStarted();
  const session = sessions.activeSession;
  if (!session) {
    void vscode.window.showWarningMessage('LSTM: Compare Cells needs an open *.lstm.json spec.');
    return undefined;
  }
  const spec = session.spec, trace = session.trace;
  const freshness = session.freshness();
  if (!spec || !trace || !freshness.fresh) {
    const why = !freshness.fresh ? freshness.message : 'its trace is still being computed';
    void vscode.window.showWarningMessage(`LSTM: Compare Cells needs the spec's current trace: ${why}.`);
    return undefined;
  }
  const runs = spec.stack ? spec.stack.samples.length * spec.stack.params.numLayers * (spec.stack.params.bidirectional ? 2 : 1) : 1;
  const estimate = ['lstm', 'gru', 'rnn'].reduce((sum, cell) => sum + estimateMs({ ...spec, cell: cell as typeof spec.cell }) * runs, 0);
  if (estimate > COMPARE_LIMIT_MS) {
    void vscode.window.showWarningMessage(`LSTM: Compare Cells runs on the editor's thread and this spec would take about ${Math.round(estimate)} ms (more than ${COMPARE_LIMIT_MS} ms): use fewer steps, samples or a smaller hiddenSize to compare the cells.`);
    return undefined;
  }
  const document = vscode.workspace.textDocuments.find(d => d.uri.toString() === session.uri.toString());
  const init = initOptionsOf(document?.getText() ?? '');
  const comparison = compareCells(spec, init, trace);
  const sections = await openPanel();
  const name = spec.name ?? session.uri.path.split('/').pop() ?? '';
  const payload = buildCompare(comparison, name, sections?.units(spec.hiddenSize) ?? [0]);
  sections?.showCompare(session, trace, payload);
  return payload;
}

/** The test hook (not contributed): the last Analytics and Compare payloads posted. */
export function registerPanelSectionsTestHook(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('lstm._panelSectionsState', (): PanelSectionsTestState => ({ ...lastPosted })));
}
