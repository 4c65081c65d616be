#!/usr/bin/env bash
# `npm run package`: builds the production bundles and packs them into leaklint-<version>.vsix (contents: .vscodeignore).
# @vscode/vsce 3 (vsce 4 needs Node 22+) is installed into the git-ignored .e2e/vsce, not the repo's node_modules.
set -euo pipefail
# Under `npm run`, npm exports npm_config_* (user agent, prefixes, loglevel, nodedir) and NODE: they would steer the
# nested installs (code-server's postinstall reads the Node version from the user agent), so drop them.
unset NODE $(compgen -e | grep '^npm_' || true)
PROJ=$(cd "$(dirname "$0")/.." && pwd)
DIR=${E2E_ROOT:-$PROJ/.e2e}/vsce
VSCE_VERSION=3.9.2
if [ "$(cat "$DIR/.installed" 2>/dev/null)" != "$VSCE_VERSION" ]; then
  mkdir -p "$DIR"; echo '{"name":"e2e-vsce","private":true}' > "$DIR/package.json"
  (cd "$DIR" && npm i --no-audit --no-fund --loglevel=error "@vscode/vsce@$VSCE_VERSION" > /dev/null)
  echo "$VSCE_VERSION" > "$DIR/.installed"
fi
cd "$PROJ"
node esbuild.mjs --production
OUT=${1:-$PROJ/leaklint-$(node -p 'require("./package.json").version').vsix}
# everything is bundled, so no dependency walk
"$DIR/node_modules/.bin/vsce" package --no-dependencies --allow-missing-repository -o "$OUT"
