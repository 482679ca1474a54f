#!/usr/bin/env bash
# Installs the real VS Code host our integration and end-to-end tests run in: code-server 4.100.3
# (VS Code 1.100.3 server + web workbench; the last code-server whose engines.node is 20) and Debian's
# chromium. It works as root with only the npm registry and apt reachable, and is idempotent: when the
# same version is already installed in the cache dir it returns in well under a second.
# playwright-core and @vscode/vsce are not installed here: they are the project's own devDependencies.
#
# Usage: bash scripts/host/setup.sh        Env: LSTM_HOST_DIR (default $HOME/.cache/lstm-stepper-host/4.100.3)
# Prints the install dir on its last line. Each workaround below says in its comment why it exists.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
HOST_DIR=${LSTM_HOST_DIR:-$HOME/.cache/lstm-stepper-host/$CODE_SERVER_VERSION}
# @vscode/ripgrep pinned by code-server's nested VS Code install, and the npm package that ships the same rg binary
RIPGREP_VERSION=1.15.11
RIPGREP_NPM=@vscode/ripgrep-linux-x64@1.18.0
STAMP="$HOST_DIR/.installed-code-server-$CODE_SERVER_VERSION"

log() { echo "[host-setup] $*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- Debian packages: the browser, and Kerberos headers for the `kerberos` native module VS Code builds
if [ ! -x /usr/bin/chromium ] || [ ! -e /usr/include/krb5.h ]; then
  log "apt: installing chromium and libkrb5-dev"
  export DEBIAN_FRONTEND=noninteractive
  # another apt/dpkg may hold the lock for a while on a shared machine: wait for it
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  as_root apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium libkrb5-dev
else
  log "apt: chromium and libkrb5-dev already present"
fi

code_server_ok() {
  [ -f "$STAMP" ] && [ -f "$HOST_DIR/node_modules/code-server/out/node/entry.js" ] &&
    [ "$(node -p "require('$HOST_DIR/node_modules/code-server/package.json').version" 2>/dev/null)" = "$CODE_SERVER_VERSION" ]
}

if code_server_ok; then
  log "code-server $CODE_SERVER_VERSION already installed in $HOST_DIR"
else
  log "installing code-server $CODE_SERVER_VERSION into $HOST_DIR (about a minute; native modules compile)"
  mkdir -p "$HOST_DIR"
  rm -f "$STAMP"
  echo "{ \"name\": \"lstm-stepper-host\", \"private\": true, \"dependencies\": { \"code-server\": \"$CODE_SERVER_VERSION\" } }" > "$HOST_DIR/package.json"

  # code-server's nested `npm install` pins @vscode/ripgrep, whose postinstall downloads rg from GitHub
  # (unreachable). It first looks for a cached archive in $TMPDIR/vscode-ripgrep-cache-<version>/, so seed
  # that with the rg binary shipped inside the npm package @vscode/ripgrep-linux-x64.
  RG_CACHE="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-$RIPGREP_VERSION"
  RG_TGZ="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  if [ ! -s "$RG_TGZ" ]; then
    log "seeding the ripgrep download cache from $RIPGREP_NPM"
    tmpd=$(mktemp -d)
    (cd "$tmpd" && npm pack --silent "$RIPGREP_NPM" >/dev/null && tar xzf ./*.tgz)
    mkdir -p "$RG_CACHE"
    tar czf "$RG_TGZ.tmp" -C "$tmpd/package/bin" rg && mv "$RG_TGZ.tmp" "$RG_TGZ"
    rm -rf "$tmpd"
  fi

  # npm_config_unsafe_perm: code-server's postinstall.sh refuses root without it (npm 11 dropped the option,
  # the script only reads the env var). npm_config_yes: node-pty's postinstall runs `npx node-gyp`, which a
  # machine npmrc with yes=false would cancel. --foreground-scripts shows the native builds as they happen.
  (cd "$HOST_DIR" && npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund --no-save --foreground-scripts --loglevel=error "code-server@$CODE_SERVER_VERSION")
  touch "$STAMP"
fi

# --version writes a default config.yaml into $XDG_CONFIG_HOME/code-server: keep it out of $HOME
xdg_tmp=$(mktemp -d)
log "code-server $(XDG_CONFIG_HOME="$xdg_tmp" node "$HOST_DIR/node_modules/code-server/out/node/entry.js" --version 2>/dev/null | tail -1)"
rm -rf "$xdg_tmp"
log "chromium: $(/usr/bin/chromium --version 2>/dev/null)"
echo "$HOST_DIR"
