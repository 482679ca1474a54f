#!/usr/bin/env sh
# The executable @vscode/test-electron launches as `vscodeExecutablePath` when no desktop VS Code is
# present: it hands every argument to vscodeShim.mjs (tests in code-server's real extension host).
exec node "$(dirname "$0")/vscodeShim.mjs" "$@"
