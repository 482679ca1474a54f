// Shared by the debug adapter's tests: builds dist/debugAdapter.js when it is missing or older
// than a source file, starts it under @vscode/debugadapter-testsupport's DebugClient (DAP over
// stdin/stdout, exactly as an outside tool drives it), and small helpers that send a request
// while waiting for the `stopped` event it causes (the adapter sends the response first).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

export const ROOT = path.resolve(__dirname, '../../..');
export const ADAPTER = path.join(ROOT, 'dist/debugAdapter.js');
export const GOLDEN = path.join(ROOT, 'test/fixtures/golden');
export const SEED = path.join(GOLDEN, 'example-this-movie-is-good.lstm.json');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

let built = false;
/** Runs the build once per test run if dist/debugAdapter.js is missing or outdated. */
export function ensureBuilt(): void {
  if (built) return;
  const stale = !fs.existsSync(ADAPTER) || fs.statSync(ADAPTER).mtimeMs < newestSource(path.join(ROOT, 'src'));
  if (stale) execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'ignore' });
  built = true;
}

export async function startClient(): Promise<DebugClient> {
  ensureBuilt();
  const dc = new DebugClient(process.execPath, ADAPTER, 'lstm');
  await dc.start();
  return dc;
}

/** The PyTorch reference trace of a golden spec (test/fixtures/golden/NAME.golden.json). */
export function golden(name: string): { forward: Record<string, number[][]>; backward: Record<string, number[][] & Record<string, number[][]>>; T: number } {
  return JSON.parse(fs.readFileSync(path.join(GOLDEN, `${name}.golden.json`), 'utf8'));
}

/** 1-based line of the first line of `file` containing `needle`. */
export function lineOf(file: string, needle: string): number {
  return fs.readFileSync(file, 'utf8').split('\n').findIndex(line => line.includes(needle)) + 1;
}

export async function withStop<T>(dc: DebugClient, request: () => Promise<T>): Promise<DebugProtocol.StoppedEvent> {
  const [, stopped] = await Promise.all([request(), dc.waitForEvent('stopped', 5000)]);
  return stopped as DebugProtocol.StoppedEvent;
}

/** Launches `spec` with `breakpoints` on it (lines with options), resolving at the first stop. */
export async function launchWith(dc: DebugClient, spec: string, breakpoints: DebugProtocol.SourceBreakpoint[] = [], extra: Record<string, unknown> = {}, timeout = 5000): Promise<DebugProtocol.StoppedEvent> {
  await dc.initializeRequest({ adapterID: 'lstm', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const configured = dc.waitForEvent('initialized', timeout).then(async () => {
    if (breakpoints.length) await dc.setBreakpointsRequest({ source: { path: spec }, breakpoints });
    await dc.configurationDoneRequest();
  });
  const stopped = dc.waitForEvent('stopped', timeout);
  await Promise.all([configured, dc.launchRequest({ spec, stopOnEntry: true, ...extra } as DebugProtocol.LaunchRequestArguments)]);
  return (await stopped) as DebugProtocol.StoppedEvent;
}

export async function topFrame(dc: DebugClient): Promise<DebugProtocol.StackFrame> {
  const trace = await dc.stackTraceRequest({ threadId: 1 });
  return trace.body.stackFrames[0];
}

/** The variables of one scope of the top frame, by name. */
export async function scopeVariables(dc: DebugClient, scope: string): Promise<Map<string, DebugProtocol.Variable>> {
  const frame = await topFrame(dc);
  const scopes = await dc.scopesRequest({ frameId: frame.id });
  const found = scopes.body.scopes.find(s => s.name === scope);
  if (!found) return new Map();
  const variables = await dc.variablesRequest({ variablesReference: found.variablesReference });
  return new Map(variables.body.variables.map(v => [v.name, v]));
}

/** The entries of a vector variable (paged with start/count when given). */
export async function entries(dc: DebugClient, variable: DebugProtocol.Variable, start?: number, count?: number): Promise<DebugProtocol.Variable[]> {
  const response = await dc.variablesRequest({ variablesReference: variable.variablesReference, filter: 'indexed', start, count });
  return response.body.variables;
}

export async function evaluate(dc: DebugClient, expression: string, context = 'repl'): Promise<string> {
  const frame = await topFrame(dc);
  const response = await dc.evaluateRequest({ expression, frameId: frame.id, context });
  return response.body.result;
}
