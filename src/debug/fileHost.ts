// The standalone adapter's SpecHost (node dist/debugAdapter.js): a runtime Session of its own
// over the spec file, read with the reader the entry point injects (Node's fs there, a map in
// tests), parsed and computed on this thread. Restart reads the file again; with a watcher
// injected, an edit of the file on disk is read too, so the session follows the recomputed
// trace (or says it is stale) as it does in VS Code.

import { computeTrace } from '../engine/trace';
import { Session } from '../runtime/session';
import type { HostedSpec, SpecHost } from './adapter';

export type TextReader = (path: string) => string | Promise<string>;
/** Calls `changed` when the file at `path` may have changed; returns how to stop watching. */
export type FileWatcher = (path: string, changed: () => void) => { dispose(): void };

export function fileSpecHost(read: TextReader, watch?: FileWatcher): SpecHost {
  return {
    async open(path: string): Promise<HostedSpec> {
      let text = await read(path);
      const session = new Session({ toString: () => path }, spec => computeTrace(spec));
      await session.update(text);
      const reload = async () => { text = await read(path); await session.update(text); };
      const watching = watch?.(path, () => { reload().catch(() => undefined); });
      return {
        session,
        text: () => text,
        reload,
        release: () => { watching?.dispose(); session.dispose(); },
      };
    },
  };
}
