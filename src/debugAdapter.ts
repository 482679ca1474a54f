// The standalone debug adapter: `node dist/debugAdapter.js` speaks DAP on stdin/stdout
// (docs/debug-adapter.md), so that tools and tests can drive the debugger without VS Code. The
// adapter itself is src/debug/adapter.ts; this entry only injects Node's file reading.

import { readFile } from 'node:fs/promises';
import { LstmDebugSession } from './debug/adapter';
import { fileSpecHost } from './debug/fileHost';

const session = new LstmDebugSession(fileSpecHost(path => readFile(path, 'utf8')));
session.setRunAsServer(false);
session.start(process.stdin, process.stdout);
