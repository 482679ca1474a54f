// The standalone debug adapter: `node dist/debugAdapter.js` speaks DAP on stdin/stdout
// (docs/debug-adapter.md), so that tools and tests can drive the debugger without VS Code. The
// adapter itself is src/debug/adapter.ts; this entry only injects Node's file reading and
// watching (an edit of the spec on disk is followed).

import { watchFile, unwatchFile } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { LstmDebugSession } from './debug/adapter';
import { fileSpecHost } from './debug/fileHost';

/** how often the spec file's modification time is polled */
const WATCH_INTERVAL_MS = 300;

const session = new LstmDebugSession(fileSpecHost(
  path => readFile(path, 'utf8'),
  (path, changed) => {
    const listener = (now: { mtimeMs: number }, before: { mtimeMs: number }) => { if (now.mtimeMs !== before.mtimeMs) changed(); };
    watchFile(path, { interval: WATCH_INTERVAL_MS, persistent: false }, listener);
    return { dispose: () => unwatchFile(path, listener) };
  },
));
session.setRunAsServer(false);
session.start(process.stdin, process.stdout);
