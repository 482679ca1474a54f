// The standalone adapter's SpecHost (node dist/debugAdapter.js): a runtime Session of its own
// over the spec file, read with the reader the entry point injects (Node's fs there, a map in
// tests), parsed and computed on this thread. Restart reads the file again.

import { computeTrace } from '../engine/trace';
import { Session } from '../runtime/session';
import type { HostedSpec, SpecHost } from './adapter';

export type TextReader = (path: string) => string | Promise<string>;

export function fileSpecHost(read: TextReader): SpecHost {
  return {
    async open(path: string): Promise<HostedSpec> {
      let text = await read(path);
      const session = new Session({ toString: () => path }, spec => computeTrace(spec));
      await session.update(text);
      return {
        session,
        text: () => text,
        reload: async () => { text = await read(path); await session.update(text); },
        release: () => session.dispose(),
      };
    },
  };
}
