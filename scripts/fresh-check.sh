#!/usr/bin/env bash
# The fresh-machine check: the README's two commands, run as a new user would run them, so that a
# cache on this machine can never hide a missing install step. CI runs it (.ci/run); it is also the
# way to run the README's test command by hand with nothing warm.
#   usage: scripts/fresh-check.sh [--keep]     (as root; --keep leaves the temp dir for a look)
# What it does:
#   1. clones HEAD (committed work only) into a new temp dir with nothing beside it;
#   2. gives both commands an empty HOME (only the machine's ~/.npmrc and pip.conf, which are
#      configuration, not caches, are copied), empty XDG cache/state/config/data dirs, so an empty npm cache and an empty
#      toolchain prefix (Node 24 + code-server are downloaded again), and the user agent of an outer
#      npm (npm_config_user_agent), as when the commands are started from another npm script;
#   3. `npm ci && npm run demo -- --once` with rsync and OpenSSH's sshd hidden (a private mount
#      namespace, /dev/null bind-mounted over them): the demo must still work and say what is missing;
#   4. `npm ci && npm test`: every suite, ending with "N passed, N failed".
# Debian packages cannot be taken away here; scripts/install-test-deps.sh installs those that are
# missing, and each is checked with dpkg on every run.
# Exit: 0 when both commands exit 0; else 1. Prints each command's exit code and time.
set -uo pipefail
KEEP=false
[ "${1:-}" = --keep ] && KEEP=true
[ "$(id -u)" = 0 ] || { echo "fresh-check: run as root (it hides rsync/sshd with a mount namespace, and the tests install Debian packages)" >&2; exit 1; }
command -v unshare >/dev/null || { echo "fresh-check: unshare (util-linux) not found" >&2; exit 1; }

SRC=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/ringrift-fresh-XXXXXX)
cleanup() { $KEEP && echo "fresh-check: kept $WORK" || rm -rf "$WORK"; }
trap cleanup EXIT
say() { echo "[fresh-check +$(($(date +%s) - T0))s] $*"; }
T0=$(date +%s)

if [ -n "$(git -C "$SRC" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  say "note: $SRC has uncommitted changes; the check runs the committed HEAD only"
fi
git clone -q --no-local "$SRC" "$WORK/ringrift-sync" || { echo "fresh-check: git clone of $SRC failed" >&2; exit 1; }
say "cloned $(git -C "$WORK/ringrift-sync" rev-parse --short HEAD) into $WORK/ringrift-sync (nothing beside it)"

mkdir -p "$WORK/home" "$WORK/xdg/cache" "$WORK/xdg/state" "$WORK/xdg/config" "$WORK/xdg/data"
# The machine's own package-client configuration (where its registries and wheel indexes are), not caches.
[ -f "$HOME/.npmrc" ] && cp "$HOME/.npmrc" "$WORK/home/.npmrc"
PIP_USER_CONF=${XDG_CONFIG_HOME:-$HOME/.config}/pip/pip.conf
[ -f "$PIP_USER_CONF" ] && install -D -m 0644 "$PIP_USER_CONF" "$WORK/xdg/config/pip/pip.conf"
NODE_V=$(node --version)
NPM_V=$(npm --version)
fresh_env=(
  HOME="$WORK/home"
  XDG_CACHE_HOME="$WORK/xdg/cache" XDG_STATE_HOME="$WORK/xdg/state"
  XDG_CONFIG_HOME="$WORK/xdg/config" XDG_DATA_HOME="$WORK/xdg/data"
  npm_config_user_agent="npm/$NPM_V node/$NODE_V linux x64 workspaces/false"
)
say "HOME, XDG_* and the npm cache empty under $WORK; npm_config_user_agent='npm/$NPM_V node/$NODE_V ...' as from an outer npm"

# One README command in the clone: prints it, its exit code and its time; returns its exit code.
readme_command() {
  local label=$1 cmd=$2 t rc
  shift 2
  say "\$ $cmd   ($label)"
  t=$(date +%s)
  (cd "$WORK/ringrift-sync" && env "${fresh_env[@]}" "$@" bash -c "$cmd") 2>&1 | tee "$WORK/$label.log"
  rc=${PIPESTATUS[0]}
  say "exit $rc after $(($(date +%s) - t)) s: $cmd"
  return "$rc"
}

hidden=()
for f in /usr/bin/rsync /usr/sbin/sshd; do [ -e "$f" ] && hidden+=("$f"); done
say "hiding from the demo: ${hidden[*]:-nothing (neither is installed)}"
# unshare -m makes mounts private to the command; bind mounts need the target to exist.
HIDE_CMD=(unshare -m bash -c "$(for f in "${hidden[@]}"; do printf 'mount --bind /dev/null %s && ' "$f"; done)"'exec "$@"' hide)
[ ${#hidden[@]} -gt 0 ] || HIDE_CMD=()

readme_command demo "npm ci && npm run demo -- --once" "${HIDE_CMD[@]}"
demo_rc=$?
readme_command tests "npm ci && npm test"
test_rc=$?

# A failed demo's end again, here: CI shows the last screen of the run, and the tests' output buried it.
if [ "$demo_rc" != 0 ]; then
  say "the demo failed (exit $demo_rc); the last lines it printed:"
  tail -n 40 "$WORK/demo.log" | sed 's/^/  demo│ /'
fi
say "demo: exit $demo_rc; tests: exit $test_rc; $(($(date +%s) - T0)) s in all"
# The closing line: the test command's own total, with a failed demo counted as one more failure.
total=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$WORK/tests.log" | tail -1)
passed=${total%% passed*}
failed=${total#*, }
failed=${failed%% failed}
[ -n "$total" ] || { passed=0; failed=1; say "the test command printed no 'N passed, N failed' line"; }
[ "$demo_rc" = 0 ] || failed=$((failed + 1))
echo "${passed} passed, ${failed} failed"
[ "$demo_rc" = 0 ] && [ "$test_rc" = 0 ]
