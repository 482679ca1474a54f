// The chart panel's host side: one webview panel (viewType lstmStepper.chart) that observes the
// active session and forwards the user's intents to it. It keeps no state of its own beyond the
// view choices (selected units, equation unit, gate view): on `ready` it posts a full snapshot,
// on a step a small `cursor` update, on an edit a `trace` snapshot (src/protocol/messages.ts).
// No retainContextWhenHidden: a hidden webview is discarded, says `ready` again when shown and
// gets a fresh snapshot; the serializer restores the panel with its view choices after a reload.
// When the session keeps an older trace (the spec has errors, or a computation is running, failed
// or was cancelled) every payload says so (`freshness`) and the webview shows a banner over it.
// Also the export commands: PNG (rendered by the webview), CSV and JSON (from the trace), all
// through the save dialog, since downloads are blocked in webviews; CSV and JSON are written in
// chunks with a cancellable progress notification (traceExport.ts).

import { webviewDocument } from './webviewDocument';
import * as vscode from 'vscode';
import { traceToJson } from '../engine/traceJson';
import type { Trace } from '../engine/types';
import type { SpecSession as Session, DocumentSessions as SessionManager } from './documentSessions';
import {
  Freshness, HostToWebviewMessage, PersistedState, ViewOptions, WebviewToHostMessage, assertNever, isWebviewMessage, normalizeView,
} from '../protocol/messages';
import { EquationExtras, InitialState, buildSnapshot, buildStepDetail, heatmapFields } from './chartSnapshot';
import { debugEquationOf, onDidChangeDebugEquation } from './debugger';
import { traceCsvLineCount, traceCsvLines } from './traceCsv';
import { training } from './trainCommands';
import { ChunkSink, fileSink, jsonPieces, memorySink, writeChunked } from './traceExport';
import { PanelSections, compareCellsCommand, registerPanelSectionsTestHook } from './panelSections';
import { commitWhatIf, locateOperands, previewWhatIf } from './whatIfHost';

export const CHART_VIEW_TYPE = 'lstmStepper.chart';

/** The test/bench hook: `vscode.commands.executeCommand('lstm._chartPanelState')` returns this. */
export interface ChartPanelTestState {
  open: boolean;
  visible: boolean;
  /** how many `ready` messages arrived (one per webview load) */
  readyCount: number;
  /** the last messages posted to the webview, oldest first (bytes: JSON length, counted once the test hooks are on) */
  posted: {
    type: HostToWebviewMessage['type']; bytes: number; buildMs: number; at: number; stepLabel?: string; equations?: string[];
    freshness?: Freshness;
  }[];
  /** the webview's `rendered` reports, oldest first: ms from receipt to drawn */
  rendered: { kind: string; ms: number; at: number }[];
  /** the last round trip from posting a snapshot to its `rendered` report */
  lastSnapshotRoundTripMs?: number;
  view: Partial<ViewOptions>;
  /** the notification shown after the last successful export */
  lastExportNotice?: { message: string; actions: string[] };
}

const HISTORY = 50;

/** The buttons of the notification after an export, and what each does with the file. */
const EXPORT_ACTIONS: readonly { title: string; run: (target: vscode.Uri) => Thenable<unknown> }[] = [
  { title: 'Open', run: target => vscode.commands.executeCommand('vscode.open', target) },
  { title: 'Reveal in File Explorer', run: target => vscode.commands.executeCommand('revealFileInOS', target) },
];

let lastExportNotice: ChartPanelTestState['lastExportNotice'];

/**
 * Names the exported file in a notification with Open / Reveal buttons. Not awaited by the
 * command (a notification stays until dismissed); a failing button is logged.
 */
function announceExport(target: vscode.Uri, what: string, log: vscode.LogOutputChannel): void {
  const where = target.scheme === 'file' ? target.fsPath : target.toString();
  const message = `LSTM: exported ${what} to ${where}`;
  // Reveal needs a local file
  const actions = EXPORT_ACTIONS.filter(a => target.scheme === 'file' || a.title === 'Open');
  lastExportNotice = { message, actions: actions.map(a => a.title) };
  void vscode.window.showInformationMessage(message, ...actions.map(a => a.title)).then(chosen => {
    const action = actions.find(a => a.title === chosen);
    return action?.run(target);
  }).then(undefined, (error: unknown) => log.error(`${what} export: ${String(error)}`));
}

/**
 * The test hook's byte counts serialize every posted snapshot a second time: only done when the
 * tests or the benchmark asked for them (LSTM_TEST_HOOKS=1, or `lstm._chartPanelState` called once).
 */
let testHooks = process.env.LSTM_TEST_HOOKS === '1';

class ChartPanel implements vscode.Disposable {
  static current: ChartPanel | undefined;

  private ready = false;
  private readyCount = 0;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly pendingPng = new Map<number, (reply: { dataUrl?: string; error?: string }) => void>();
  private nextRequestId = 1;
  private readonly posted: ChartPanelTestState['posted'] = [];
  private readonly rendered: ChartPanelTestState['rendered'] = [];
  private snapshotPostedAt: number | undefined;
  /** a new trace's snapshot, waiting for its own task (scheduleSnapshot) */
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  private lastSnapshotRoundTripMs: number | undefined;
  private readonly readyWaiters: (() => void)[] = [];
  /** the freshness last posted, to post a `freshness` message only when it changed */
  private postedFreshness = '';
  /** the Analytics and Compare sections (panelSections.ts) */
  readonly sections = new PanelSections(message => this.post(message, Date.now()), () => this.view);

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly sessions: SessionManager,
    private readonly log: vscode.LogOutputChannel,
    private view: Partial<ViewOptions>,
  ) {
    ChartPanel.current = this;
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = renderHtml(panel.webview, extensionUri);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage(m => this.onMessage(m)),
      // a debug session's Step Into moved to another equation of the step
      onDidChangeDebugEquation(() => this.postCursor()),
      // a hidden webview is discarded; it says `ready` again when shown
      panel.onDidChangeViewState(e => { if (!e.webviewPanel.visible) this.ready = false; }),
      // showing or hiding the future redraws the overlays: a new snapshot (rare, not a Step)
      vscode.workspace.onDidChangeConfiguration(event => { if (event.affectsConfiguration('lstmStepper.chart.showFuture')) this.postSnapshot('trace'); }),
      // the Training section: the whole run once (and on a switch of spec), then appended curves and the scrubbed step
      sessions.onDidChangeActiveSession(() => this.postTraining()),
      ...(training ? [training.onDidChangeTraining(({ uri, message }) => {
        if (this.ready && this.session?.uri.toString() === uri) this.post(message, Date.now());
      })] : []),
      sessions.onDidChangeActive(change => {
        if (change.trace) {
          this.scheduleSnapshot();
          return;
        }
        if (change.cursor && !this.snapshotTimer) this.postCursor(); // a pending snapshot carries the cursor
        if (change.issues || change.state) {
          // without a trace the status line says why; with one, the banner over it
          if (this.session?.trace) this.postFreshness();
          else this.postSnapshot('trace');
        }
      }),
    );
    this.updateTitle();
  }

  private get session(): Session | undefined {
    return this.sessions.activeSession;
  }

  private onMessage(raw: unknown): void {
    if (!isWebviewMessage(raw)) {
      this.log.warn(`chart panel: ignored a malformed message ${safeJson(raw)}`);
      return;
    }
    const message: WebviewToHostMessage = raw;
    const session = this.session;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.readyCount++;
        if (message.view) this.view = { ...this.view, ...message.view };
        this.sections.onReady();
        // after a window reload the restored panel may have focus and no spec editor be active: the
        // manager then follows a visible spec, and its onDidChangeActive posts the snapshot
        if (this.sessions.activeSession || !this.sessions.followVisibleSpec()) this.postSnapshot('snapshot');
        this.postTraining();
        this.readyWaiters.splice(0).forEach(resolve => resolve());
        return;
      case 'step': session?.step(); return;
      case 'stepBack': session?.stepBack(); return;
      case 'runToEnd': session?.runToEnd(); return;
      case 'runBackward': session?.runBackward(); return;
      case 'reset': session?.reset(); return;
      case 'goTo': session?.goTo({ phase: message.phase, t: message.t }); return;
      case 'selectUnits':
        this.view = { ...this.view, units: message.units };
        this.postSnapshot('trace');
        return;
      case 'selectLayer': session?.selectLayer(message.index); return;
      case 'chooseEquationUnit':
        this.view = { ...this.view, equationUnit: message.unit };
        this.postCursor();
        return;
      case 'setGateView':
        this.view = { ...this.view, gateView: message.gateView, ...(message.heatmapField ? { heatmapField: message.heatmapField } : {}) };
        this.postSnapshot('trace');
        return;
      case 'exportPng': {
        const resolve = this.pendingPng.get(message.requestId);
        this.pendingPng.delete(message.requestId);
        resolve?.({ dataUrl: message.dataUrl, error: message.error });
        return;
      }
      case 'rendered':
        this.remember(this.rendered, { kind: message.kind, ms: message.ms, at: Date.now() });
        if (message.kind !== 'cursor' && this.snapshotPostedAt !== undefined) {
          this.lastSnapshotRoundTripMs = Date.now() - this.snapshotPostedAt;
          this.snapshotPostedAt = undefined;
          this.log.info(`chart panel: ${message.kind} drawn in ${message.ms.toFixed(1)} ms (round trip ${this.lastSnapshotRoundTripMs} ms)`);
        }
        return;
      case 'error':
        this.log.error(`chart panel webview: ${message.message}`);
        return;
      case 'whatIfPreview': if (session) previewWhatIf(session, this.sessions.documentOf(session), message.target, message.value); return;
      case 'whatIfCommit': if (session) void commitWhatIf(session, this.sessions.documentOf(session), message.target, message.value).then(undefined, error => this.log.error(`what-if: ${String(error)}`)); return;
      case 'whatIfCancel': session?.endWhatIf(); return;
      case 'scrubTraining': void training?.goToStep(session, message.step); return;
      case 'applyTrainedWeights': void vscode.commands.executeCommand('lstm.applyTrainedWeights'); return;
      default:
        assertNever(message);
    }
  }

  private initialState(session: Session): InitialState | undefined {
    const spec = session.spec;
    const trace = session.view;
    // a stack's views carry their own initial state (trace.source); the spec's h0/c0 are layer 0's
    if (trace && session.layerCount > 1) return { h0: trace.source.h0, c0: trace.source.c0 };
    if (!spec || !trace || spec.hiddenSize !== trace.hiddenSize || spec.cell !== trace.cell) return undefined;
    return { h0: spec.h0, c0: spec.c0 };
  }

  private fileName(session: Session): string {
    return session.uri.path.split('/').pop() || session.uri.toString();
  }

  private freshness(session: Session | undefined): Freshness {
    if (!session) return { stale: false, computeState: 'idle', hasErrors: false };
    return {
      stale: session.stale,
      computeState: session.computeState,
      hasErrors: session.issues.some(i => i.severity === 'error'),
      ...(session.computeState === 'failed' && session.computeError ? { error: session.computeError } : {}),
    };
  }

  private postFreshness(): void {
    if (!this.ready) return;
    const freshness = this.freshness(this.session);
    if (JSON.stringify(freshness) === this.postedFreshness) return;
    this.post({ type: 'freshness', freshness }, Date.now());
  }

  /**
   * A new trace's snapshot (its heatmap, curves and analytics: milliseconds to tens of milliseconds
   * at large sizes) is built in a task of its own, after the event's other listeners: the status
   * bar, the States view and the inline values go out to the workbench first instead of waiting
   * behind it. Several traces in one task make one snapshot.
   */
  private scheduleSnapshot(): void {
    if (this.snapshotTimer) return;
    this.snapshotTimer = setTimeout(() => {
      this.snapshotTimer = undefined;
      this.postSnapshot('trace');
    }, 0);
  }

  private postSnapshot(type: 'snapshot' | 'trace'): void {
    if (this.snapshotTimer) { clearTimeout(this.snapshotTimer); this.snapshotTimer = undefined; }
    this.updateTitle();
    if (!this.ready) return;
    const session = this.session;
    const started = Date.now();
    const trace = session?.view;
    const freshness = this.freshness(session);
    if (!session || !trace) {
      this.post({ type, status: noTraceStatus(session, freshness), freshness }, started);
      return;
    }
    try {
      const snapshot = buildSnapshot({
        trace, cursor: session.cursor, view: this.view, specName: session.spec?.name,
        fileName: this.fileName(session), initial: this.initialState(session), equations: this.equationExtras(session),
      });
      const stack = session.trace?.stack;
      if (stack) snapshot.layers = { labels: stack.layers.map(entry => entry.label), selected: session.layer };
      snapshot.showFuture = readShowFuture();
      locateOperands(snapshot.step, session, this.sessions.documentOf(session));
      this.snapshotPostedAt = Date.now();
      this.post({ type, snapshot, status: '', freshness }, started);
      this.sections.afterSnapshot(session, type === 'snapshot');
    } catch (error) {
      this.log.error(`chart panel: could not build the snapshot: ${String(error)}`);
      this.post({ type, status: `Could not draw this trace: ${String(error)}`, freshness }, started);
    }
  }

  /** The active spec's training run for the Training section (none: the section hides). */
  private postTraining(): void {
    if (!this.ready) return;
    this.post({ type: 'training', training: training?.trainingView(this.session) }, Date.now());
  }

  private postCursor(): void {
    if (!this.ready) return;
    const session = this.session;
    const trace = session?.view;
    if (!session || !trace) return;
    const started = Date.now();
    const view = normalizeView(this.view, trace.hiddenSize, heatmapFields(trace.cell));
    const step = buildStepDetail(trace, session.cursor, view, this.initialState(session), this.equationExtras(session));
    locateOperands(step, session, this.sessions.documentOf(session));
    this.post({ type: 'cursor', step }, started);
  }

  /** Full-number equations need the parameters the trace was computed with (a fresh spec's); the debugger's equation is highlighted. */
  private equationExtras(session: Session): EquationExtras {
    const uri = session.uri as vscode.Uri;
    // a what-if preview's trace was computed with its own spec's parameters, a scrubbed training step's with the override's
    const params = session.whatIf?.spec.params ?? (session.freshness().fresh ? session.modelSpec?.params : undefined);
    return { params, equation: uri instanceof vscode.Uri ? debugEquationOf(uri) : undefined };
  }

  private post(message: HostToWebviewMessage, started: number): void {
    const buildMs = Date.now() - started;
    void this.panel.webview.postMessage(message);
    const freshness = 'freshness' in message ? message.freshness : undefined;
    if (freshness) this.postedFreshness = JSON.stringify(freshness);
    const step = message.type === 'cursor' ? message.step : message.type === 'snapshot' || message.type === 'trace' ? message.snapshot?.step : undefined;
    this.remember(this.posted, {
      type: message.type, bytes: testHooks ? JSON.stringify(message).length : 0, buildMs, at: Date.now(),
      stepLabel: step?.label, equations: step?.equations, freshness,
    });
  }

  private remember<T>(list: T[], item: T): void {
    list.push(item);
    if (list.length > HISTORY) list.shift();
  }

  private updateTitle(): void {
    const session = this.session;
    const name = session ? session.spec?.name ?? this.fileName(session) : undefined;
    this.panel.title = name ? `LSTM Charts: ${name}` : 'LSTM Charts';
  }

  /** Resolves once the webview has said `ready` (or after `timeoutMs`). */
  whenReady(timeoutMs: number): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    return new Promise(resolve => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.readyWaiters.push(() => { clearTimeout(timer); resolve(true); });
    });
  }

  /** Asks the webview for the charts as a PNG data URL. */
  async requestPng(timeoutMs = 15000): Promise<Uint8Array> {
    if (!(await this.whenReady(timeoutMs))) throw new Error('the chart panel did not load');
    const requestId = this.nextRequestId++;
    const reply = await new Promise<{ dataUrl?: string; error?: string }>(resolve => {
      const timer = setTimeout(() => { this.pendingPng.delete(requestId); resolve({ error: 'the chart panel did not answer' }); }, timeoutMs);
      this.pendingPng.set(requestId, r => { clearTimeout(timer); resolve(r); });
      void this.panel.webview.postMessage({ type: 'requestPng', requestId } satisfies HostToWebviewMessage);
    });
    const prefix = 'data:image/png;base64,';
    if (!reply.dataUrl?.startsWith(prefix)) throw new Error(reply.error ?? 'the chart panel sent no PNG');
    return Buffer.from(reply.dataUrl.slice(prefix.length), 'base64');
  }

  testState(): ChartPanelTestState {
    return {
      open: true, visible: this.panel.visible, readyCount: this.readyCount, posted: [...this.posted], rendered: [...this.rendered],
      lastSnapshotRoundTripMs: this.lastSnapshotRoundTripMs, view: { ...this.view },
    };
  }

  dispose(): void {
    clearTimeout(this.snapshotTimer);
    this.snapshotTimer = undefined;
    if (ChartPanel.current === this) ChartPanel.current = undefined;
    this.pendingPng.forEach(resolve => resolve({ error: 'the chart panel was closed' }));
    this.pendingPng.clear();
    this.readyWaiters.splice(0).forEach(resolve => resolve());
    this.disposables.splice(0).forEach(d => d.dispose());
    this.panel.dispose();
  }
}

/** lstmStepper.chart.showFuture: the steps not reached yet drawn faintly (true) or hidden. */
function readShowFuture(): boolean {
  return vscode.workspace.getConfiguration('lstmStepper').get<boolean>('chart.showFuture', true) !== false;
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** What the panel says instead of charts when the session has no trace (yet). */
function noTraceStatus(session: Session | undefined, freshness: Freshness): string {
  if (!session) return 'No LSTM spec is open. Open a *.lstm.json file (or run "LSTM: New Spec from Example") to see its charts.';
  if (freshness.hasErrors) return 'The spec has errors (see the Problems view); the charts appear once it is valid.';
  if (freshness.computeState === 'failed') return `The trace computation failed${freshness.error ? `: ${freshness.error}` : ''}.`;
  if (freshness.computeState === 'cancelled') return 'Computation cancelled — run "LSTM: Recompute Trace" to see the charts.';
  return 'Computing the trace…';
}

/** Static markup only: every piece of data arrives later by postMessage and is set as text. */
function renderHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return webviewDocument(webview, extensionUri, {
    script: 'webview.js', stylesheet: 'chart.css', title: 'LSTM Charts',
    extraCsp: webview => `img-src ${webview.cspSource} data:`,
    body: `<header class="top">
  <h1 id="spec-name">LSTM Charts</h1>
  <span id="cursor-label" class="cursor-label" aria-live="polite"></span>
  <span id="cursor-token" class="cursor-token"></span>
</header>
<div class="toolbar" role="toolbar" aria-label="Stepping">
  <button type="button" data-intent="reset" title="Reset (Home)">Reset</button>
  <button type="button" data-intent="stepBack" title="Step Back (←)">◀ Step Back</button>
  <button type="button" data-intent="step" title="Step (→)">Step ▶</button>
  <button type="button" data-intent="runToEnd" title="Run to End (End)">Run to End ▶▶</button>
  <button type="button" data-intent="runBackward" title="Run Backward (Shift+End)">◀◀ Run Backward</button>
  <span class="spacer"></span>
  <label id="layer-label" hidden>Layer <select id="layer-select" title="The (layer, direction) of the stack the charts show (LSTM: Select Layer…)"></select></label>
  <label>Units <input id="units-input" type="text" size="14" spellcheck="false" title="Units drawn as lines, e.g. 0,1,4-6 (at most 8)" aria-describedby="units-note"></label>
  <label>Gates <select id="gate-view"><option value="lines">lines</option><option value="heatmap">heatmap</option></select></label>
  <label>Heatmap <select id="heatmap-field"></select></label>
  <label>Equation unit <input id="equation-unit" type="number" min="0" step="1"></label>
</div>
<div id="units-note" class="field-note" role="status" aria-live="polite"></div>
<div id="stale" class="stale-banner" role="status" aria-live="polite" hidden></div>
<div id="status" class="status" role="status" hidden></div>
<div id="warning" class="warning" role="alert" hidden></div>
<main id="charts" class="charts" hidden>
  <section class="card" id="gates-card">
    <div class="canvas-box"><canvas id="gates-chart" aria-label="Gates over time"></canvas></div>
    <div class="canvas-box heatmap-box"><canvas id="gates-heatmap" aria-label="Gate heatmap, units by time" aria-describedby="heatmap-readout"></canvas><div id="heatmap-readout" class="heatmap-readout" role="tooltip" hidden></div></div>
  </section>
  <section class="card" id="states-card">
    <div class="canvas-box"><canvas id="states-chart" aria-label="Cell and hidden state over time"></canvas></div>
  </section>
  <section class="card" id="belt-card">
    <div class="canvas-box small"><canvas id="belt-chart" aria-label="Conveyor belt at the current step"></canvas></div>
  </section>
  <section class="card" id="equations-card">
    <h2 id="equations-title">Equations</h2>
    <pre id="equations" class="equations"></pre>
  </section>
  <section class="card" id="decay-card">
    <div class="canvas-box"><canvas id="decay-chart" aria-label="Backward gradient decay"></canvas></div>
    <p id="decay-summary" class="summary"></p>
  </section>
  <section class="card" id="analytics-card" aria-label="Analytics: saturation, growth and gradients" hidden></section>
  <section class="card" id="compare-card" aria-label="Compare cells" hidden></section>
  <section class="card training-card" id="training-section" aria-label="Training" hidden></section>
</main>
<footer class="footer"><span class="hint">Keys: ← Step Back · → Step · Home Reset · End Run to End · Shift+End Run Backward · click a chart to go to a step</span></footer>`,
  });
}

function safeJson(x: unknown): string {
  try { return JSON.stringify(x)?.slice(0, 200) ?? String(x); } catch { return String(x); }
}

/** A uri argument counts as the save target only when it has the right extension (menus pass other uris). */
function targetArg(arg: unknown, extension: string): vscode.Uri | undefined {
  return arg instanceof vscode.Uri && arg.path.toLowerCase().endsWith(extension) ? arg : undefined;
}

async function pickTarget(arg: unknown, extension: string, filterName: string, session: Session | undefined, suffix: string): Promise<vscode.Uri | undefined> {
  const given = targetArg(arg, extension);
  if (given) return given;
  const base = session && session.uri.scheme === 'file'
    ? session.uri.path.replace(/\.lstm\.json$/i, '').replace(/\.json$/i, '')
    : undefined;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const defaultUri = base !== undefined && session
    ? session.uri.with({ path: `${base}${suffix}${extension}` })
    : folder ? vscode.Uri.joinPath(folder, `lstm${suffix}${extension}`) : undefined;
  return vscode.window.showSaveDialog({ defaultUri, filters: { [filterName]: [extension.slice(1)] }, saveLabel: 'Export' });
}

export function registerChartPanel(context: vscode.ExtensionContext, sessions: SessionManager): void {
  const log = vscode.window.createOutputChannel('LSTM Chart Panel', { log: true });
  const extensionUri = context.extensionUri;

  const open = (): ChartPanel => {
    if (ChartPanel.current) {
      ChartPanel.current.panel.reveal(undefined, true);
      return ChartPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(CHART_VIEW_TYPE, 'LSTM Charts', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(extensionUri));
    return new ChartPanel(panel, extensionUri, sessions, log, {});
  };

  const traceOrWarn = (): { session: Session; trace: NonNullable<Session['trace']> } | undefined => {
    const session = sessions.activeSession;
    if (!session?.trace) {
      void vscode.window.showWarningMessage('LSTM: no trace to export. Open a valid *.lstm.json spec first.');
      return undefined;
    }
    return { session, trace: session.trace };
  };

  const guard = (name: string, run: (...args: unknown[]) => Promise<unknown>) => async (...args: unknown[]): Promise<unknown> => {
    try {
      return await run(...args);
    } catch (error) {
      log.error(`${name}: ${String(error)}`);
      void vscode.window.showErrorMessage(`LSTM: ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };

  registerPanelSectionsTestHook(context);
  context.subscriptions.push(
    log,
    { dispose: () => ChartPanel.current?.dispose() },
    vscode.commands.registerCommand('lstm.openChartPanel', () => { open(); }),
    vscode.commands.registerCommand('lstm.compareCells', guard('Compare Cells', () => compareCellsCommand(sessions, async () => { const chart = open(); return (await chart.whenReady(15000)) ? chart.sections : undefined; }))),
    vscode.commands.registerCommand('lstm.exportChartPng', guard('Export Chart as PNG', async (arg) => {
      const chart = open();
      if (!(await chart.whenReady(15000))) throw new Error('the chart panel did not load');
      if (!sessions.activeSession?.trace) {
        void vscode.window.showWarningMessage('LSTM: no chart to export. Open a valid *.lstm.json spec first.');
        return undefined;
      }
      const target = await pickTarget(arg, '.png', 'PNG image', sessions.activeSession, '.charts');
      if (!target) return undefined;
      const png = await chart.requestPng();
      await vscode.workspace.fs.writeFile(target, png);
      announceExport(target, 'the charts as PNG', log);
      return target;
    })),
    vscode.commands.registerCommand('lstm.exportTraceCsv', guard('Export Trace as CSV', async (arg) => {
      const found = traceOrWarn();
      if (!found) return undefined;
      const target = await pickTarget(arg, '.csv', 'CSV', found.session, '.trace');
      if (!target) return undefined;
      const trace = found.trace;
      const written = await exportInChunks(target, 'CSV', () => traceCsvLines(trace), '\n', traceCsvLineCount(trace));
      if (written) announceExport(written, 'the trace as CSV', log);
      return written;
    })),
    vscode.commands.registerCommand('lstm.exportTraceJson', guard('Export Trace as JSON', async (arg) => {
      const found = traceOrWarn();
      if (!found) return undefined;
      const target = await pickTarget(arg, '.json', 'JSON', found.session, '.trace');
      if (!target) return undefined;
      const trace = found.trace;
      const written = await exportInChunks(target, 'JSON', () => jsonExportPieces(trace), '', undefined);
      if (written) announceExport(written, 'the trace as JSON', log);
      return written;
    })),
    // not contributed (hidden from the palette): integration tests and the benchmark read the panel's traffic
    vscode.commands.registerCommand('lstm._chartPanelState', (): ChartPanelTestState => {
      testHooks = true;
      const panelState = ChartPanel.current?.testState() ?? { open: false, visible: false, readyCount: 0, posted: [], rendered: [], view: {} };
      return { ...panelState, lastExportNotice };
    }),
    vscode.window.registerWebviewPanelSerializer(CHART_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        ChartPanel.current?.dispose();
        const view = (state as PersistedState | undefined)?.view ?? {};
        new ChartPanel(panel, extensionUri, sessions, log, view);
      },
    }),
  );
}

/** The JSON export: traceToJson's object (docs/trace-format.md), stringified piece by piece, and a final newline. */
function* jsonExportPieces(trace: Trace): Generator<string, void, undefined> {
  yield* jsonPieces(traceToJson(trace));
  yield '\n';
}

/**
 * Writes an export in chunks under a cancellable progress notification: a local file through a
 * file handle, any other uri (remote, virtual) through memory and one workspace.fs.writeFile.
 * Resolves the target, or undefined when the user cancelled (the partial file is removed and a
 * file the export would have replaced is left as it was: fileSink writes beside it, then renames).
 */
async function exportInChunks(
  target: vscode.Uri, what: string, pieces: () => Iterable<string>, terminator: string, totalPieces: number | undefined,
): Promise<vscode.Uri | undefined> {
  const name = target.path.split('/').pop() ?? target.toString();
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `LSTM: exporting ${what} to ${name}`, cancellable: true },
    async (progress, token) => {
      const sink: ChunkSink = target.scheme === 'file'
        ? await fileSink(target.fsPath)
        : memorySink(bytes => Promise.resolve(vscode.workspace.fs.writeFile(target, bytes)));
      let reported = 0;
      const done = await writeChunked(pieces(), sink, {
        terminator,
        isCancelled: () => token.isCancellationRequested,
        onProgress: (count, bytes) => {
          const megabytes = `${(bytes / 1e6).toFixed(1)} MB`;
          if (totalPieces === undefined) {
            progress.report({ message: megabytes });
            return;
          }
          const percent = Math.min(100, (100 * count) / totalPieces);
          progress.report({ message: `${megabytes}, ${percent.toFixed(0)}%`, increment: percent - reported });
          reported = percent;
        },
      });
      return done ? target : undefined;
    },
  );
}
