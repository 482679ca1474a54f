// A small typed event emitter for the runtime, in place of vscode.EventEmitter (the runtime
// imports no vscode). `event` has the shape of a vscode.Event's first parameter and returns a
// disposable, so the views subscribe to it and push the subscription into
// context.subscriptions as they would a VS Code event. A listener that throws does not stop the
// others: its error goes to `Emitter.onListenerError` (the extension logs it; tests may rethrow).
// With the opt-in timeline on (src/runtime/timing.ts), each listener's run longer than 1 ms is
// recorded under the place it subscribed from.

import { timing } from './timing';

export interface Disposable { dispose(): void }

export type Event<T> = (listener: (event: T) => void) => Disposable;

export class Emitter<T> implements Disposable {
  /** where a throwing listener's error goes; the extension sets it to its error reporter */
  static onListenerError: (error: unknown) => void = () => undefined;

  private listeners: Array<(event: T) => void> | undefined = [];
  /** where each listener subscribed (only while the timeline is on) */
  private readonly origins = new WeakMap<(event: T) => void, string>();

  readonly event: Event<T> = listener => {
    this.listeners?.push(listener);
    if (timing.enabled) this.origins.set(listener, (new Error().stack ?? '').split('\n')[2]?.trim() ?? '?');
    return {
      dispose: () => {
        const index = this.listeners?.indexOf(listener) ?? -1;
        if (index >= 0) this.listeners?.splice(index, 1);
      },
    };
  };

  fire(event: T): void {
    // a copy: a listener may unsubscribe (or subscribe) while the event is delivered
    for (const listener of [...(this.listeners ?? [])]) {
      const start = timing.enabled ? performance.now() : 0;
      try {
        listener(event);
        if (timing.enabled) timing.span(`listener ${this.origins.get(listener) ?? '?'}`, start, 1);
      } catch (error) {
        Emitter.onListenerError(error);
      }
    }
  }

  dispose(): void {
    this.listeners = undefined;
  }
}
