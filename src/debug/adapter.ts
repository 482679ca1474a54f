// The LSTM debug adapter (DAP, on @vscode/debugadapter's LoggingDebugSession): a spec's trace
// debugged like a program (docs/debug-adapter.md). Time steps are stack frames, Step Over moves
// one time step, Step Into one equation inside a step, Step Back and Reverse Continue are exact
// because the whole trace is computed up front; line breakpoints on input rows with conditions,
// hit counts and log messages; the scopes Gates, States, Gradients and Parameters, every vector
// and matrix paged; `evaluate` in the language of expression.ts.
// The adapter drives a runtime Session it gets from a `SpecHost`: standalone (debugAdapter.ts) a
// session of its own over the file, in VS Code the SAME session the States tree, status bar and
// chart panel observe, so there is one cursor. When that cursor moves from outside (a click in
// the tree), the adapter follows and tells the client with a `stopped` event (reason 'goto').
// No vscode here.

import {
  Breakpoint, BreakpointEvent, InitializedEvent, LoggingDebugSession, OutputEvent, Scope, Source, StackFrame,
  StoppedEvent, TerminatedEvent, Thread, Handles,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { formatNumber } from '../engine/format';
import type { SpecIssue } from '../engine/types';
import { lastIndex } from '../runtime/cursor';
import type { Session } from '../runtime/session';
import { ExpressionError, evaluate, parse, truthy, type Node, type Value } from './expression';
import { cursorOf, environmentAt, equationsAt, positionName, SCOPES, stackDepth, stackOf, valuesAt, type Computed, type Position, type ScopeName } from './positions';
import { describeRowLines, specLines, stepsAtLine, type SpecLines } from './specLines';

/** The arguments of `launch` (and of a launch.json configuration of type `lstm`). */
export interface LaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** absolute path (or, in VS Code, the URI) of the *.lstm.json spec */
  spec: string;
  /** stop at t = 0 (default true); otherwise run to the first breakpoint */
  stopOnEntry?: boolean;
  /** digits after the decimal point in the Variables view, watches and hovers (default 4) */
  precision?: number;
}

/** A spec opened for debugging: its session, the text the session was fed, and how to re-read it. */
export interface HostedSpec {
  readonly session: Session;
  /** the text of the spec now (its lines locate the input rows) */
  text(): string;
  /** reads the spec again (restart); VS Code's documents are live and need nothing */
  reload?(): Promise<void>;
  /** the debug session ended */
  release?(): void;
  /** the equation the session stopped at inside a step (a micro-step name), undefined between steps: the chart panel highlights it */
  showEquation?(equation: string | undefined): void;
}

/** Opens specs for the adapter: resolves once the first parse (and, if valid, trace) is done. */
export interface SpecHost {
  open(spec: string): Promise<HostedSpec>;
}

const THREAD_ID = 1;
const DEFAULT_PRECISION = 4;
/** how long launch waits for configurationDone (clients that never send it still start) */
const CONFIGURATION_WAIT_MS = 1000;
/** entries of a vector or matrix printed in its one-line summary */
const SUMMARY_ENTRIES = 4;
const MAX_ISSUES_SHOWN = 5;
/** larger results print as a summary in the Debug Console too (expand them to page through) */
const FULL_TEXT_ENTRIES = 1024;

/** What a variablesReference stands for. */
type Reference =
  | { kind: 'scope'; scope: ScopeName; position: Position }
  | { kind: 'value'; value: Exclude<Value, number>; evaluateName?: string };

interface LineBreakpoint {
  readonly id: number;
  readonly line: number;
  readonly column?: number;
  steps: number[];
  readonly condition?: { source: string; node: Node };
  readonly hitCondition?: { op: string; count: number };
  readonly logMessage?: string;
  hits: number;
}

export class LstmDebugSession extends LoggingDebugSession {
  private hosted: HostedSpec | undefined;
  private specPath = '';
  private computed: Computed | undefined;
  private lines: SpecLines = { rows: [], initial: { line: 1, column: 1 } };
  private position: Position = { index: 0 };
  private precision = DEFAULT_PRECISION;
  private breakpoints: LineBreakpoint[] = [];
  private nextBreakpointId = 1;
  private readonly references = new Handles<Reference>();
  private readonly frames = new Handles<Position>();
  private subscription: { dispose(): void } | undefined;
  /** true while the adapter itself moves the session's cursor (its own `stopped` follows) */
  private moving = false;
  private staleReported = false;
  private configurationDone: () => void = () => undefined;
  private readonly configured = new Promise<void>(resolve => { this.configurationDone = resolve; });
  private loadedResolve: () => void = () => undefined;
  /** resolves when launch has loaded the spec (setBreakpoints waits for it) */
  private readonly loaded = new Promise<void>(resolve => { this.loadedResolve = resolve; });

  constructor(private readonly host: SpecHost) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  // ---- lifecycle ----

  /** DAP's default path format is 'path'; the library refuses an initialize that leaves it out. */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    if (request.command === 'initialize' && request.arguments && request.arguments.pathFormat === undefined) request.arguments.pathFormat = 'path';
    super.dispatchRequest(request);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      ...response.body,
      supportsConfigurationDoneRequest: true,
      supportsStepBack: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsEvaluateForHovers: true,
      supportsSteppingGranularity: true,
      supportsRestartRequest: true,
      supportsValueFormattingOptions: true,
      supportsGotoTargetsRequest: true,
      supportsTerminateRequest: false,
      supportsSetVariable: false,
    };
    this.sendResponse(response);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.configurationDone();
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArguments): Promise<void> {
    try {
      if (typeof args.spec !== 'string' || args.spec === '') return this.refuse(response, 'launch needs "spec": the path of a *.lstm.json file');
      this.specPath = args.spec;
      if (typeof args.precision === 'number' && Number.isInteger(args.precision) && args.precision >= 0 && args.precision <= 17) this.precision = args.precision;
      let hosted: HostedSpec;
      try {
        hosted = await this.host.open(args.spec);
      } catch (error) {
        return this.refuse(response, `cannot read ${args.spec}: ${error instanceof Error ? error.message : String(error)}`);
      }
      this.hosted = hosted;
      const refusal = this.refusalOf(hosted);
      if (refusal) return this.refuse(response, refusal);
      this.adoptTrace();
      this.subscription = hosted.session.onDidChange(change => this.onSessionChange(change));
      this.loadedResolve();
      this.sendEvent(new InitializedEvent());
      await Promise.race([this.configured, delay(CONFIGURATION_WAIT_MS)]);
      this.sendResponse(response);
      if (args.stopOnEntry === false) this.run(+1);
      else this.moveTo({ index: 0 }, 'entry');
    } catch (error) {
      this.refuse(response, `the debugger failed to start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Why the debugger cannot step this spec (errors, no trace, a stack), or undefined. */
  private refusalOf(hosted: HostedSpec): string | undefined {
    const session = hosted.session;
    const errors = session.issues.filter(issue => issue.severity === 'error');
    if (errors.length > 0) return `${this.specPath} has ${errors.length} error${errors.length === 1 ? '' : 's'}:\n${formatIssues(this.specPath, errors)}`;
    if (!session.trace) {
      const freshness = session.freshness();
      return `no trace to debug for ${this.specPath}${freshness.fresh ? '' : `: ${freshness.message}`}`;
    }
    const stack = stackShape(hosted.text());
    if (stack) return `the debugger steps single-layer specs; ${this.specPath} describes ${stack} (use the States view or the CLI for stacks)`;
    return undefined;
  }

  /** Sends an error response and ends the session cleanly. */
  private refuse(response: DebugProtocol.Response, message: string): void {
    this.sendEvent(new OutputEvent(`${message}\n`, 'stderr'));
    response.success = false;
    response.message = message;
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override async restartRequest(response: DebugProtocol.RestartResponse): Promise<void> {
    const hosted = this.hosted;
    if (!hosted) { response.success = false; response.message = 'nothing to restart: no spec is being debugged'; this.sendResponse(response); return; }
    try {
      this.moving = true;
      await hosted.reload?.();
    } catch (error) {
      this.moving = false;
      response.success = false;
      response.message = `cannot read ${this.specPath} again: ${error instanceof Error ? error.message : String(error)}`;
      this.sendResponse(response);
      return;
    }
    this.moving = false;
    const refusal = this.refusalOf(hosted);
    if (refusal) { this.refuse(response, refusal); return; }
    this.adoptTrace();
    for (const bp of this.breakpoints) bp.hits = 0;
    this.sendResponse(response);
    this.moveTo({ index: 0 }, 'entry');
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments, request?: DebugProtocol.Request): void {
    this.release();
    super.disconnectRequest(response, args, request);
  }

  private release(): void {
    this.hosted?.showEquation?.(undefined);
    this.subscription?.dispose();
    this.subscription = undefined;
    this.hosted?.release?.();
    this.hosted = undefined;
  }

  /** Takes the session's current trace (and the parameters it belongs to) and the text's rows. */
  private adoptTrace(): void {
    const session = this.hosted?.session;
    if (!session?.trace) return;
    // the parameters the shown trace was computed from: a what-if preview's, a scrubbed training step's, else the spec's
    const shown = session.whatIf?.spec ?? session.modelSpec;
    const params = shown && session.freshness().fresh ? shown.params : this.computed?.params ?? session.spec?.params ?? {};
    this.computed = { trace: session.trace, params };
    this.lines = specLines(this.hosted?.text() ?? '');
    for (const bp of this.breakpoints) bp.steps = stepsAtLine(this.lines, bp.line, bp.column);
  }

  private get T(): number { return this.computed?.trace.T ?? 0; }

  // ---- the session seen from outside ----

  private onSessionChange(change: { cursor: boolean; trace: boolean; state?: boolean }): void {
    const session = this.hosted?.session;
    if (!session || !this.computed) return;
    if (change.trace && session.trace && session.trace !== this.computed.trace) {
      this.adoptTrace();
      this.announceBreakpoints();
      this.staleReported = false;
      this.sendEvent(new OutputEvent(`${this.specPath} changed: following the recomputed trace (T = ${this.T})\n`, 'console'));
      this.position = { index: indexOf(this.hosted) };
      if (!this.moving) this.sendStopped('step', 'the spec changed');
      return;
    }
    if (change.state) {
      const freshness = session.freshness();
      // a computation under way is transient (its trace arrives next); errors, failures and cancels are reported
      if (!freshness.fresh && freshness.reason !== 'computing' && !this.staleReported) {
        this.staleReported = true;
        this.sendEvent(new OutputEvent(`${this.specPath}: the values shown are stale: ${freshness.message}\n`, 'console'));
        if (!this.moving) this.sendStopped('step', 'stale');
      }
      if (freshness.fresh) this.staleReported = false;
    }
    if (change.cursor && !this.moving) {
      const index = indexOf(this.hosted);
      if (index !== this.position.index || this.position.micro !== undefined) {
        this.position = { index };
        this.sendStopped('goto', 'moved outside the debugger');
      }
    }
  }

  // ---- stepping ----

  /** Moves the session's cursor to `position` (without re-announcing it) and stops there. */
  private moveTo(position: Position, reason: string, extra: Partial<DebugProtocol.StoppedEvent['body']> = {}): void {
    this.position = position;
    const session = this.hosted?.session;
    if (session && session.trace) {
      this.moving = true;
      try { session.moveToIndex(position.index); } finally { this.moving = false; }
    }
    this.sendStopped(reason, undefined, extra);
  }

  private sendStopped(reason: string, description?: string, extra: Partial<DebugProtocol.StoppedEvent['body']> = {}): void {
    this.references.reset();
    this.frames.reset();
    const { index, micro } = this.position;
    this.hosted?.showEquation?.(micro !== undefined && this.computed ? equationsAt(this.computed.trace, index)[micro] : undefined);
    const event = new StoppedEvent(reason, THREAD_ID) as DebugProtocol.StoppedEvent;
    event.body = { ...event.body, ...(description ? { description } : {}), ...extra, allThreadsStopped: true };
    this.sendEvent(event);
  }

  private equationCount(index: number): number {
    return this.computed ? equationsAt(this.computed.trace, index).length : 0;
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    const { index, micro } = this.position;
    this.sendResponse(response);
    if (micro !== undefined) this.moveTo({ index }, 'step');
    else this.moveTo({ index: Math.min(index + 1, lastIndex(this.T)) }, 'step');
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    const { index, micro } = this.position;
    this.sendResponse(response);
    if (micro !== undefined) {
      this.moveTo(micro + 1 < this.equationCount(index) ? { index, micro: micro + 1 } : { index }, 'step');
    } else if (index < lastIndex(this.T)) {
      this.moveTo(this.equationCount(index + 1) > 0 ? { index: index + 1, micro: 0 } : { index: index + 1 }, 'step');
    } else {
      this.moveTo({ index }, 'step');
    }
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    const { index, micro } = this.position;
    this.sendResponse(response);
    this.moveTo(micro !== undefined ? { index } : { index: Math.min(index + 1, lastIndex(this.T)) }, 'step');
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): void {
    const { index, micro } = this.position;
    this.sendResponse(response);
    if (args.granularity === 'instruction') {
      // one equation back: a finished step reopens at its last equation
      if (micro === undefined) {
        const count = this.equationCount(index);
        this.moveTo(count > 0 ? { index, micro: count - 1 } : { index }, 'step');
      } else {
        this.moveTo(micro > 0 ? { index, micro: micro - 1 } : { index: Math.max(0, index - 1) }, 'step');
      }
      return;
    }
    this.moveTo({ index: Math.max(0, index - 1) }, 'step');
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.run(+1);
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.sendResponse(response);
    this.run(-1);
  }

  /**
   * Runs forward (+1) or backward (−1) from the current position to the first step whose
   * breakpoint fires, else to the end (or the start), where it stops with reason 'step'.
   */
  private run(direction: 1 | -1): void {
    const { index, micro } = this.position;
    const last = lastIndex(this.T);
    // inside a step, the step itself is still ahead (forward) and its start is behind
    let at = direction > 0 ? (micro !== undefined ? index : index + 1) : index - 1;
    for (; at >= 0 && at <= last; at += direction) {
      const hit = this.breakpointsFiring(at);
      if (hit.length > 0) { this.moveTo({ index: at }, 'breakpoint', { hitBreakpointIds: hit }); return; }
    }
    this.moveTo({ index: direction > 0 ? last : 0 }, 'step');
  }

  /** The ids of the breakpoints that stop at complete position `index` (log points print and go on). */
  private breakpointsFiring(index: number): number[] {
    if (!this.computed) return [];
    const cursor = cursorOf({ index }, this.T);
    if (cursor.t < 1) return [];
    const stopping: number[] = [];
    let env: ReturnType<typeof environmentAt> | undefined;
    for (const bp of this.breakpoints) {
      if (!bp.steps.includes(cursor.t)) continue;
      env ??= environmentAt(this.computed, { index });
      if (bp.condition) {
        try {
          if (!truthy(evaluate(bp.condition.source, env))) continue;
        } catch (error) {
          // a name not computed yet here (dL_dc in the forward phase) makes the condition false;
          // any other fault stops, saying why (like a program's debugger)
          if (error instanceof ExpressionError && error.notComputed) continue;
          this.sendEvent(new OutputEvent(`breakpoint condition "${bp.condition.source}" at ${positionName(this.computed.trace, { index })}: ${messageOf(error)}\n`, 'stderr'));
          stopping.push(bp.id);
          continue;
        }
      }
      bp.hits++;
      if (bp.hitCondition && !hitConditionHolds(bp.hitCondition, bp.hits)) continue;
      if (bp.logMessage !== undefined) {
        const output = new OutputEvent(`${interpolate(bp.logMessage, env, this.precision)}\n`, 'console') as DebugProtocol.OutputEvent;
        output.body.source = this.source();
        output.body.line = this.convertDebuggerLineToClient(this.lines.rows[cursor.t - 1]?.line ?? 1);
        this.sendEvent(output);
        continue;
      }
      stopping.push(bp.id);
    }
    return stopping;
  }

  protected override gotoTargetsRequest(response: DebugProtocol.GotoTargetsResponse, args: DebugProtocol.GotoTargetsArguments): void {
    const line = this.convertClientLineToDebugger(args.line);
    const column = args.column !== undefined ? this.convertClientColumnToDebugger(args.column) : undefined;
    const targets: DebugProtocol.GotoTarget[] = [];
    if (this.computed) {
      const T = this.T;
      const tokenOf = (t: number) => this.computed?.trace.tokens?.[t - 1];
      if (line === this.lines.initial.line) targets.push({ id: 1, label: 't=0 (forward)', line: args.line });
      for (const t of stepsAtLine(this.lines, line, column)) {
        const token = tokenOf(t);
        const label = `t=${t}${token !== undefined ? ` ${JSON.stringify(token)}` : ''}`;
        targets.push({ id: t + 1, label: `${label} (forward)`, line: args.line });
        targets.push({ id: 2 * T + 2 - t, label: `${label} (backward)`, line: args.line });
      }
    }
    response.body = { targets };
    this.sendResponse(response);
  }

  protected override gotoRequest(response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments): void {
    const index = args.targetId - 1;
    if (!this.computed || !Number.isInteger(index) || index < 0 || index > lastIndex(this.T)) {
      response.success = false;
      response.message = `no such goto target ${args.targetId}`;
      this.sendResponse(response);
      return;
    }
    this.sendResponse(response);
    this.moveTo({ index }, 'goto');
  }

  // ---- breakpoints ----

  protected override async setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): Promise<void> {
    await this.loaded;
    const requested: DebugProtocol.SourceBreakpoint[] = args.breakpoints ?? (args.lines ?? []).map(line => ({ line }));
    const ours = this.isSpecSource(args.source);
    const created: LineBreakpoint[] = [];
    const answers: DebugProtocol.Breakpoint[] = requested.map(requestedBp => {
      const line = this.convertClientLineToDebugger(requestedBp.line);
      const column = requestedBp.column !== undefined ? this.convertClientColumnToDebugger(requestedBp.column) : undefined;
      const answer = new Breakpoint(false, requestedBp.line, requestedBp.column) as DebugProtocol.Breakpoint;
      const id = this.nextBreakpointId++;
      answer.id = id;
      if (!ours) { answer.message = `not the spec being debugged (${this.specPath})`; return answer; }
      const steps = stepsAtLine(this.lines, line, column);
      if (steps.length === 0) { answer.message = `line ${line} is no input row of the spec; ${describeRowLines(this.lines)}`; answer.reason = 'failed'; return answer; }
      let condition: LineBreakpoint['condition'];
      if (requestedBp.condition && requestedBp.condition.trim() !== '') {
        try { condition = { source: requestedBp.condition, node: parse(requestedBp.condition) }; } catch (error) {
          answer.message = `condition: ${messageOf(error)}`;
          answer.reason = 'failed';
          return answer;
        }
      }
      let hitCondition: LineBreakpoint['hitCondition'];
      if (requestedBp.hitCondition && requestedBp.hitCondition.trim() !== '') {
        hitCondition = parseHitCondition(requestedBp.hitCondition);
        if (!hitCondition) {
          answer.message = `hit count: expected a number, optionally after one of == >= > <= < % (e.g. ">= 2"), found "${requestedBp.hitCondition}"`;
          answer.reason = 'failed';
          return answer;
        }
      }
      created.push({ id, line, column, steps, condition, hitCondition, logMessage: requestedBp.logMessage, hits: 0 });
      answer.verified = true;
      answer.message = steps.length === 1 ? `t=${steps[0]}` : `t=${steps.join(', ')}`;
      return answer;
    });
    if (ours) this.breakpoints = created;
    response.body = { breakpoints: answers };
    this.sendResponse(response);
  }

  private isSpecSource(source: DebugProtocol.Source): boolean {
    if (!source.path) return false;
    return normalizePath(source.path) === normalizePath(this.specPath);
  }

  /** Breakpoints whose rows moved with an edit are re-announced. */
  private announceBreakpoints(): void {
    for (const bp of this.breakpoints) {
      const answer = new Breakpoint(bp.steps.length > 0, this.convertDebuggerLineToClient(bp.line)) as DebugProtocol.Breakpoint;
      answer.id = bp.id;
      if (bp.steps.length === 0) answer.message = `line ${bp.line} is no input row of the spec any more`;
      this.sendEvent(new BreakpointEvent('changed', answer));
    }
  }

  // ---- threads, frames, scopes, variables ----

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD_ID, 'LSTM')] };
    this.sendResponse(response);
  }

  private source(): Source {
    const name = this.specPath.split(/[\\/]/).pop() ?? this.specPath;
    return new Source(name, this.specPath);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const computed = this.computed;
    if (!computed) { response.body = { stackFrames: [], totalFrames: 0 }; this.sendResponse(response); return; }
    const T = this.T;
    const all = stackOf(this.position, T);
    const start = Math.max(0, args.startFrame ?? 0);
    const count = args.levels && args.levels > 0 ? args.levels : all.length;
    const stale = this.hosted?.session.freshness().fresh === false ? ' (stale)' : '';
    const source = this.source();
    const stackFrames = all.slice(start, start + count).map(position => {
      const cursor = cursorOf(position, T);
      const where = cursor.t >= 1 ? this.lines.rows[cursor.t - 1] : undefined;
      const line = where?.line ?? this.lines.initial.line;
      const column = where?.column ?? this.lines.initial.column;
      const frame = new StackFrame(this.frames.create(position), positionName(computed.trace, position) + stale, source,
        this.convertDebuggerLineToClient(line), this.convertDebuggerColumnToClient(column)) as DebugProtocol.StackFrame;
      if (where) { frame.endLine = this.convertDebuggerLineToClient(where.endLine); frame.endColumn = this.convertDebuggerColumnToClient(where.endColumn); }
      return frame;
    });
    response.body = { stackFrames, totalFrames: stackDepth(this.position, T) };
    this.sendResponse(response);
  }

  private positionOfFrame(frameId: number | undefined): Position {
    return (frameId !== undefined ? this.frames.get(frameId) : undefined) ?? this.position;
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const position = this.positionOfFrame(args.frameId);
    const shown = this.computed ? valuesAt(this.computed, position) : [];
    const scopes = SCOPES.filter(scope => scope !== 'Gradients' || cursorOf(position, this.T).phase === 'backward' || shown.some(s => s.scope === scope))
      .map(scope => {
        const result = new Scope(scope, this.references.create({ kind: 'scope', scope, position }), false) as DebugProtocol.Scope;
        result.namedVariables = shown.filter(s => s.scope === scope).length;
        result.presentationHint = scope === 'Parameters' ? undefined : 'locals';
        return result;
      });
    response.body = { scopes };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const reference = this.references.get(args.variablesReference);
    const variables: DebugProtocol.Variable[] = [];
    if (reference && this.computed) {
      if (reference.kind === 'scope') {
        for (const shown of valuesAt(this.computed, reference.position)) {
          if (shown.scope === reference.scope) variables.push(this.variable(shown.label, shown.value, shown.name));
        }
      } else {
        const value = reference.value;
        const length = value.kind === 'vector' ? value.data.length : value.rows;
        const start = Math.max(0, Math.min(length, args.start ?? 0));
        const end = args.count !== undefined && args.count > 0 ? Math.min(length, start + args.count) : length;
        if (args.filter !== 'named') {
          for (let k = start; k < end; k++) {
            const evaluateName = reference.evaluateName !== undefined ? `${reference.evaluateName}[${k}]` : undefined;
            const entry: Value = value.kind === 'vector' ? value.data[k] : { kind: 'vector', data: value.data.subarray(k * value.cols, (k + 1) * value.cols) };
            variables.push(this.variable(`[${k}]`, entry, evaluateName));
          }
        }
      }
    }
    response.body = { variables };
    this.sendResponse(response);
  }

  private variable(name: string, value: Value, evaluateName?: string): DebugProtocol.Variable {
    if (typeof value === 'number') return { name, value: formatNumber(value, this.precision), variablesReference: 0, evaluateName, type: 'number' };
    const reference = this.references.create({ kind: 'value', value, evaluateName });
    const count = value.kind === 'vector' ? value.data.length : value.rows;
    return {
      name, value: summary(value, this.precision), variablesReference: reference, indexedVariables: count, evaluateName,
      type: value.kind === 'vector' ? `vector(${value.data.length})` : `matrix(${value.rows}×${value.cols})`,
    };
  }

  // ---- evaluate ----

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    if (!this.computed) { response.success = false; response.message = 'no trace to evaluate in'; this.sendResponse(response); return; }
    const position = this.positionOfFrame(args.frameId);
    // a hover over a JSON key arrives with its quotes: "W_f"
    const source = args.context === 'hover' ? args.expression.replace(/^"(.*)"$/, '$1') : args.expression;
    try {
      const value = evaluate(source, environmentAt(this.computed, position));
      // the Debug Console prints numbers in full (to compare with other tools); watches and hovers at the precision
      const full = args.context === 'repl' || args.context === 'clipboard' || args.context === undefined;
      const precision = full ? undefined : this.precision;
      if (typeof value === 'number') {
        response.body = { result: precision === undefined ? String(value) : formatScalar(value, precision), variablesReference: 0, type: 'number' };
      } else {
        const variable = this.variable(source, value, undefined);
        response.body = {
          result: precision === undefined ? fullText(value, this.precision) : variable.value,
          variablesReference: variable.variablesReference, indexedVariables: variable.indexedVariables, type: variable.type,
        };
      }
      this.sendResponse(response);
    } catch (error) {
      response.success = false;
      response.message = messageOf(error);
      this.sendResponse(response);
    }
  }
}

// ---- helpers ----

function indexOf(hosted: HostedSpec | undefined): number {
  const session = hosted?.session;
  if (!session) return 0;
  const { phase, t } = session.cursor;
  return phase === 'forward' ? t : 2 * session.T + 1 - t;
}

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function messageOf(error: unknown): string {
  if (error instanceof ExpressionError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function formatIssues(path: string, issues: readonly SpecIssue[]): string {
  const lines = issues.slice(0, MAX_ISSUES_SHOWN).map(issue => `${path}:${issue.range.line}:${issue.range.column}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`);
  if (issues.length > MAX_ISSUES_SHOWN) lines.push(`… and ${issues.length - MAX_ISSUES_SHOWN} more`);
  return lines.join('\n');
}

/** "2 layers", "a bidirectional layer": a stack the debugger does not step, read from the text's top level. */
function stackShape(text: string): string | undefined {
  let top: unknown;
  try { top = JSON.parse(stripJsonComments(text)); } catch { return undefined; }
  if (!top || typeof top !== 'object') return undefined;
  const record = top as Record<string, unknown>;
  const layers = typeof record.numLayers === 'number' ? record.numLayers : 1;
  const bidirectional = record.bidirectional === true;
  if (layers <= 1 && !bidirectional) return undefined;
  return `${layers} layer${layers === 1 ? '' : 's'}${bidirectional ? ', bidirectional' : ''}`;
}

/** Comments and trailing commas out, for a quick look at the top-level keys (strings kept intact). */
function stripJsonComments(text: string): string {
  return text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_m, string: string | undefined) => string ?? '')
    .replace(/,(\s*[}\]])/g, '$1');
}

function normalizePath(path: string): string {
  let out = path.replace(/\\/g, '/');
  if (out.startsWith('file://')) out = decodeURIComponent(out.slice('file://'.length));
  if (/^[A-Za-z]:/.test(out)) out = out[0].toLowerCase() + out.slice(1);
  return out;
}

function parseHitCondition(text: string): LineBreakpoint['hitCondition'] {
  const match = /^\s*(==|=|>=|>|<=|<|%)?\s*(\d+)\s*$/.exec(text);
  if (!match) return undefined;
  return { op: match[1] === '=' ? '==' : match[1] ?? '>=', count: Number(match[2]) };
}

function hitConditionHolds(condition: { op: string; count: number }, hits: number): boolean {
  switch (condition.op) {
    case '==': return hits === condition.count;
    case '>': return hits > condition.count;
    case '<=': return hits <= condition.count;
    case '<': return hits < condition.count;
    case '%': return condition.count > 0 && hits % condition.count === 0;
    default: return hits >= condition.count;
  }
}

/** A number at the precision; whole numbers (t, counts, comparisons) as they are. */
function formatScalar(value: number, precision: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e15 ? String(value) : formatNumber(value, precision);
}

/** A log message with each `{expression}` replaced by its value ("f = {f[0]}"). */
export function interpolate(message: string, env: ReturnType<typeof environmentAt>, precision: number): string {
  return message.replace(/\{([^{}]+)\}/g, (_m, source: string) => {
    try {
      const value = evaluate(source, env);
      return typeof value === 'number' ? formatScalar(value, precision) : summary(value, precision, Infinity);
    } catch (error) {
      return `{${messageOf(error)}}`;
    }
  });
}

/** `[0.5498, 0.5498]`, `(512) [0.1, 0.2, 0.3, 0.4, …]`, `(2×4) [[0.5, …], …]`. */
export function summary(value: Exclude<Value, number>, precision: number, entries = SUMMARY_ENTRIES): string {
  const list = (data: Float64Array) => {
    const shown = Array.from(data.subarray(0, Math.min(data.length, entries)), x => formatNumber(x, precision));
    return `[${shown.join(', ')}${data.length > entries ? ', …' : ''}]`;
  };
  if (value.kind === 'vector') return value.data.length > entries ? `(${value.data.length}) ${list(value.data)}` : list(value.data);
  const rows: string[] = [];
  for (let r = 0; r < Math.min(value.rows, 2); r++) rows.push(list(value.data.subarray(r * value.cols, (r + 1) * value.cols)));
  return `(${value.rows}×${value.cols}) [${rows.join(', ')}${value.rows > 2 ? ', …' : ''}]`;
}

/** A vector or matrix in full precision, for the Debug Console. */
function fullText(value: Exclude<Value, number>, precision: number): string {
  if (value.data.length > FULL_TEXT_ENTRIES) return summary(value, precision);
  const list = (data: Float64Array) => `[${Array.from(data, String).join(', ')}]`;
  if (value.kind === 'vector') return list(value.data);
  const rows: string[] = [];
  for (let r = 0; r < value.rows; r++) rows.push(list(value.data.subarray(r * value.cols, (r + 1) * value.cols)));
  return `[${rows.join(', ')}]`;
}

