#!/usr/bin/env bash
# Everything `npm test` and `npm start` need on a fresh machine: the npm dependencies (npm ci, only when
# node_modules is missing or older than package-lock.json) and the VS Code host (code-server + chromium,
# scripts/host/setup.sh, fast when already installed). Runs as `npm run setup`, and before `npm test`
# and `npm start` (pretest/prestart).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/host/setup.sh >/dev/null
echo "[setup] VS Code host ready (code-server 4.100.3, chromium)"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[setup] npm ci"
  npm ci --no-audit --no-fund
fi
