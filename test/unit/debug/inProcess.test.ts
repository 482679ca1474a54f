// The adapter served in-process (as VS Code's DebugAdapterInlineImplementation serves it), over a
// runtime Session that other views share: when that session's cursor moves from outside (a
// click in the States tree, the chart panel), the adapter follows with a `stopped` event; when
// the spec is edited, it follows the recomputed trace or says the values are stale. Messages go
// through handleMessage / onDidSendMessage, exactly the inline adapter interface.
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { computeTrace } from '../../../src/engine/trace';
import { LstmDebugSession, type SpecHost } from '../../../src/debug/adapter';
import { Session } from '../../../src/runtime/session';
import { brokenText, specText } from '../helpers/runtime';

class InlineClient {
  private seq = 1;
  readonly events: DebugProtocol.Event[] = [];
  private readonly pending = new Map<number, (response: DebugProtocol.Response) => void>();
  private readonly waiters: { event: string; resolve: (e: DebugProtocol.Event) => void }[] = [];
  constructor(readonly adapter: LstmDebugSession) {
    adapter.onDidSendMessage(message => {
      const m = message as DebugProtocol.ProtocolMessage;
      if (m.type === 'response') this.pending.get((m as DebugProtocol.Response).request_seq)?.(m as DebugProtocol.Response);
      if (m.type === 'event') {
        const event = m as DebugProtocol.Event;
        this.events.push(event);
        const k = this.waiters.findIndex(w => w.event === event.event);
        if (k >= 0) this.waiters.splice(k, 1)[0].resolve(event);
      }
    });
  }
  request(command: string, args: unknown = {}): Promise<DebugProtocol.Response> {
    const seq = this.seq++;
    return new Promise(resolve => {
      this.pending.set(seq, resolve);
      this.adapter.handleMessage({ seq, type: 'request', command, arguments: args } as DebugProtocol.Request);
    });
  }
  next(event: string): Promise<DebugProtocol.Event> { return new Promise(resolve => this.waiters.push({ event, resolve })); }
  async topName(): Promise<string> {
    const response = await this.request('stackTrace', { threadId: 1 }) as DebugProtocol.StackTraceResponse;
    return response.body.stackFrames[0].name;
  }
}

async function start(T = 3) {
  let text = specText(T);
  const session = new Session({ toString: () => '/virtual/a.lstm.json' }, spec => computeTrace(spec));
  await session.update(text);
  const host: SpecHost = { open: async () => ({ session, text: () => text }) };
  const client = new InlineClient(new LstmDebugSession(host));
  await client.request('initialize', { adapterID: 'lstm', pathFormat: 'path' });
  const initialized = client.next('initialized');
  const stopped = client.next('stopped');
  const launched = client.request('launch', { spec: '/virtual/a.lstm.json' });
  await initialized;
  await client.request('configurationDone');
  await launched;
  await stopped;
  const edit = async (next: string) => { text = next; await session.update(next); };
  return { session, client, edit };
}

describe('debug adapter in-process, over a shared session', () => {
  it('follows the session when its cursor moves from outside, with a stopped event (goto)', async () => {
    const { session, client } = await start();
    assert.equal(await client.topName(), 't=0 (forward)');
    const stopped = client.next('stopped');
    session.goTo({ phase: 'backward', t: 2 });
    assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, 'goto');
    assert.equal(await client.topName(), 't=2 (backward)');
    // and the adapter's own steps move the shared cursor (no second stopped event for its own move)
    const own = client.next('stopped');
    await client.request('next', { threadId: 1 });
    await own;
    assert.deepEqual(session.cursor, { phase: 'backward', t: 1 });
    assert.equal(client.events.filter(e => e.event === 'stopped').length, 3);
  });

  it('an edit: follows the recomputed trace; a broken edit: says the values are stale (output and frame name)', async () => {
    const { client, edit } = await start(3);
    await client.request('next', { threadId: 1 });
    const changed = client.next('stopped');
    await edit(specText(5, 0.9));
    await changed;
    assert.ok(client.events.some(e => e.event === 'output' && /changed: following the recomputed trace \(T = 5\)/.test(e.body.output)));
    const evaluated = await client.request('evaluate', { expression: 'x[0]', context: 'repl' }) as DebugProtocol.EvaluateResponse;
    assert.equal(evaluated.body.result, '0.9');
    const stale = client.next('stopped');
    await edit(brokenText(5));
    await stale;
    assert.ok(client.events.some(e => e.event === 'output' && /stale: the spec has errors/.test(e.body.output)));
    assert.equal(await client.topName(), 't=1 (forward) (stale)');
  });

  it('a scrubbed training step (the session\'s model override): the Parameters the debugger evaluates are that step\'s', async () => {
    const { session, client } = await start(3);
    const spec = session.spec!;
    const before = spec.params.W_f[0];
    const W_f = Float64Array.from(spec.params.W_f);
    W_f[0] = before + 0.25;
    const followed = client.next('stopped');
    const outcome = await session.setModelOverride({ spec: { ...spec, params: { ...spec.params, W_f } }, step: 1, steps: 1, label: 'training step 1 of 1 (not applied)' });
    assert.ok(outcome.moved);
    await followed;
    const evaluated = await client.request('evaluate', { expression: 'W_f[0][0]', context: 'repl' }) as DebugProtocol.EvaluateResponse;
    assert.equal(Number(evaluated.body.result), before + 0.25);
  });
});
