// The runtime's typed emitter (in place of vscode.EventEmitter): listeners in order, a disposed
// subscription hears nothing more, a throwing listener does not stop the others (its error goes
// to Emitter.onListenerError), and nothing is delivered after dispose.
import * as assert from 'node:assert/strict';
import { Emitter } from '../../src/runtime/emitter';

describe('runtime Emitter', () => {
  const original = Emitter.onListenerError;
  afterEach(() => { Emitter.onListenerError = original; });

  it('delivers to every listener in subscription order; a disposed subscription hears nothing more', () => {
    const emitter = new Emitter<number>();
    const heard: string[] = [];
    const a = emitter.event(n => heard.push(`a${n}`));
    emitter.event(n => heard.push(`b${n}`));
    emitter.fire(1);
    a.dispose();
    emitter.fire(2);
    assert.deepEqual(heard, ['a1', 'b1', 'b2']);
  });

  it('a throwing listener is reported and the next listener still hears the event', () => {
    const emitter = new Emitter<string>();
    const errors: unknown[] = [];
    Emitter.onListenerError = error => errors.push(error);
    const heard: string[] = [];
    emitter.event(() => { throw new Error('view failed'); });
    emitter.event(value => heard.push(value));
    emitter.fire('x');
    assert.deepEqual(heard, ['x']);
    assert.equal((errors[0] as Error).message, 'view failed');
  });

  it('a listener that unsubscribes while the event is delivered does not make the next one miss it', () => {
    const emitter = new Emitter<void>();
    const heard: string[] = [];
    const first = emitter.event(() => { heard.push('first'); first.dispose(); });
    emitter.event(() => heard.push('second'));
    emitter.fire();
    emitter.fire();
    assert.deepEqual(heard, ['first', 'second', 'second']);
  });

  it('delivers nothing after dispose', () => {
    const emitter = new Emitter<number>();
    const heard: number[] = [];
    emitter.event(n => heard.push(n));
    emitter.dispose();
    emitter.fire(1);
    emitter.event(n => heard.push(n));
    emitter.fire(2);
    assert.deepEqual(heard, []);
  });
});
