#!/usr/bin/env bash
# From the project's shared recipe "ringrift-orchestrator" (RingRift pinned at commit 2aa9f89, MIT), extended
# for two instances: node id orchN, RR_ORCH_TOKEN honoured, and `link`.
# Real RingRift P2P orchestrator (synaptent/RingRift ai-service, MIT) in a network namespace.
#   orchestrator.sh up DIR [N]   start instance N (default 1) in netns rroN at 10.202.N.2:8770;
#                                node id $RR_ORCH_NODE_ID or orchN, token $RR_ORCH_TOKEN or random
#   orchestrator.sh down DIR     stop it, delete netns/veth, drop guard route if no rro netns is left
#   orchestrator.sh link N M     a veth between netns rroN (10.202.N.5) and rroM (10.202.N.6), so
#                                instance M can pull from N; the root namespace forwards nothing
#   orchestrator.sh start-in DIR NS ADDR [NODE_ID]
#                                start one in an existing namespace NS (the network lab's node at
#                                ADDR), which its owner made without a route out; stop it by the
#                                PID in DIR/orchestrator.env
# Needs root (ip netns). Nothing can leave the machine: no default route in the namespace and an
# "unreachable 10.202.0.0/16" guard route in the root namespace.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Nested installs (apt, pip) run without an outer npm's environment: see scripts/clean-env.
CLEAN=$(cd "$HERE/../../../../scripts" && pwd)/clean-env
COMMIT=2aa9f89b5d64193fd3252366b362acdc3331ddb8
TARBALL=$HERE/ringrift-ai-service-2aa9f89.tar.xz
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/ringrift-orchestrator/$COMMIT
GUARD=10.202.0.0/16
die() { echo "orchestrator.sh: $*" >&2; exit 1; }

prepare_cache() {
  [ -f "$CACHE/.ready" ] && return 0
  # Two instances start at once in the tests: one builds the cache, the other waits and reuses it.
  mkdir -p "$(dirname "$CACHE")"
  exec 8>"$CACHE.lock"
  flock -w 600 8 || die "waited 10 min for $CACHE.lock"
  [ -f "$CACHE/.ready" ] && { exec 8>&-; return 0; }
  command -v python3 >/dev/null || die "python3 not found"
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    "$CLEAN" apt-get update -qq >/dev/null || die "python3-venv missing and apt-get update failed"
    DEBIAN_FRONTEND=noninteractive "$CLEAN" apt-get install -y -qq python3-venv >/dev/null || die "apt-get install python3-venv failed"
  fi
  rm -rf "$CACHE"; mkdir -p "$CACHE"
  tar -xJf "$TARBALL" -C "$CACHE"
  python3 -m venv "$CACHE/venv"
  # pip uses this machine's own configuration (pip.conf / PIP_* env); --retries 0 first so an
  # unreachable default index fails fast and the configured extra indexes / find-links answer.
  "$CLEAN" "$CACHE/venv/bin/pip" install -q --retries 0 -r "$HERE/requirements.txt" \
    || "$CLEAN" "$CACHE/venv/bin/pip" install -q -r "$HERE/requirements.txt" || die "pip install failed"
  touch "$CACHE/.ready"
  exec 8>&-
}

cmd_up() {
  local D N NS HV NV ADDR HOSTA RT TOKEN PID NODE_ID i
  D=$(realpath -m "${1:?usage: up DIR [N]}"); N=${2:-1}; NODE_ID=${RR_ORCH_NODE_ID:-orch$N}
  if ! [[ $N =~ ^[0-9]+$ ]] || [ "$N" -lt 1 ] || [ "$N" -gt 254 ]; then die "N must be 1..254"; fi
  NS=rro$N; HV=rro${N}h; NV=rro${N}n; ADDR=10.202.$N.2; HOSTA=10.202.$N.1
  [ "$(id -u)" = 0 ] || die "must run as root"
  mkdir -p "$D"
  if [ -f "$D/orchestrator.env" ]; then
    # shellcheck disable=SC1091
    PID=$( . "$D/orchestrator.env"; echo "${RR_ORCH_PID:-}")
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null && curl -fs -m 3 "http://$ADDR:8770/health" >/dev/null; then
      cat "$D/orchestrator.env"; return 0
    fi
  fi
  ip route replace unreachable "$GUARD" metric 4000
  ip netns list | grep -qw "$NS" || ip netns add "$NS"
  ip netns exec "$NS" ip link set lo up
  if ! ip link show "$HV" >/dev/null 2>&1; then
    ip link add "$HV" type veth peer name "$NV"
    ip link set "$NV" netns "$NS"
  fi
  ip addr replace "$HOSTA/30" dev "$HV"; ip link set "$HV" up
  ip netns exec "$NS" ip addr replace "$ADDR/30" dev "$NV"; ip netns exec "$NS" ip link set "$NV" up
  ip netns exec "$NS" ip route show default | grep -q . && die "namespace $NS has a default route"
  start_orchestrator "$D" "$NS" "$ADDR" "$NODE_ID"
}

# Starts the orchestrator in namespace $2 (already made, no route out) at address $3, node id $4;
# writes DIR/orchestrator.env and DIR/distributed_hosts.yaml.
start_orchestrator() {
  local D=$1 NS=$2 ADDR=$3 NODE_ID=$4 RT TOKEN PID i
  prepare_cache
  # per-instance tree: code from the cache (symlinks), data/ and logs of its own
  RT=$D/ringrift/ai-service
  mkdir -p "$RT"
  for x in app scripts config LICENSE; do ln -sfn "$CACHE/ai-service/$x" "$RT/$x"; done
  TOKEN=${RR_ORCH_TOKEN:-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}
  # --host 0.0.0.0 (inside the namespace = lo + 10.202.N.2 only): the orchestrator's own watchdog
  # polls http://127.0.0.1:8770/health and os._exit(1)s after ~450 s if that fails.
  ( cd "$RT" && exec env PYTHONPATH="$RT" \
      RINGRIFT_P2P_ADVERTISE_HOST="$ADDR" RINGRIFT_P2P_BOOTSTRAP_SEEDS="$ADDR:8770" \
      RINGRIFT_CLUSTER_AUTH_TOKEN="$TOKEN" \
      RINGRIFT_SELFPLAY_ENABLED=false RINGRIFT_TRAINING_ENABLED=false RINGRIFT_GAUNTLET_ENABLED=false \
      RINGRIFT_AUTONOMOUS_QUEUE_ENABLED=false RINGRIFT_P2P_AUTO_UPDATE=false RINGRIFT_AUTO_UPDATE=false \
      RINGRIFT_SWIM_ENABLED=false RINGRIFT_RAFT_ENABLED=false RINGRIFT_P2PD_ENABLED=false \
      RINGRIFT_BONJOUR_ENABLED=false RINGRIFT_DISABLE_LOCAL_TASKS=true \
      ip netns exec "$NS" "$CACHE/venv/bin/python" scripts/p2p_orchestrator.py --node-id "$NODE_ID" \
        --host 0.0.0.0 --port 8770 --ringrift-path "$RT" --storage-type disk \
        --skip-port-check --no-zombie-check --ignore-supervisor ) > "$D/orchestrator.log" 2>&1 &
  PID=$!; echo "$PID" > "$D/orchestrator.pid"
  for i in $(seq 1 60); do
    if curl -fs -m 2 "http://$ADDR:8770/health" >/dev/null; then break; fi
    if ! kill -0 "$PID" 2>/dev/null || [ "$i" = 60 ]; then
      echo "orchestrator.sh: orchestrator not healthy at http://$ADDR:8770/health after ${i}s; log tail:" >&2
      tail -n 40 "$D/orchestrator.log" >&2; cmd_down "$D" || true; exit 1
    fi
    sleep 1
  done
  mkdir -p "$RT/data"
  cat > "$D/orchestrator.env" <<ENV
RR_ORCH_ADDR=$ADDR
RR_ORCH_PORT=8770
RR_ORCH_URL=http://$ADDR:8770
RR_ORCH_TOKEN=$TOKEN
RR_ORCH_PID=$PID
RR_ORCH_NS=$NS
RR_ORCH_NODE_ID=$NODE_ID
RR_ORCH_DATA_DIR=$RT/data
RR_ORCH_LOG=$D/orchestrator.log
ENV
  cat > "$D/distributed_hosts.yaml" <<YAML
hosts:
  $NODE_ID:
    ssh_host: $ADDR
    tailscale_ip: $ADDR
    ssh_user: root
    ringrift_path: $RT
    role: coordinator
    status: ready
    p2p_enabled: true
YAML
  cat "$D/orchestrator.env"
}

cmd_down() {
  local D N PID i
  D=$(realpath -m "${1:?usage: down DIR}")
  N=""
  if [ -f "$D/orchestrator.env" ]; then
    N=$(sed -n 's/^RR_ORCH_NS=rro//p' "$D/orchestrator.env")
  fi
  if [ -f "$D/orchestrator.pid" ]; then
    PID=$(cat "$D/orchestrator.pid")
    # the pid is the subshell that exec'd "ip netns exec", which exec's python: same pid
    if kill -0 "$PID" 2>/dev/null; then
      kill "$PID" 2>/dev/null || true
      for i in $(seq 1 20); do kill -0 "$PID" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$PID" 2>/dev/null && { kill -9 "$PID" 2>/dev/null || true; }
    fi
    rm -f "$D/orchestrator.pid"
  fi
  if [ -n "$N" ]; then
    ip link del "rro${N}h" 2>/dev/null || true
    ip netns del "rro$N" 2>/dev/null || true
  fi
  rm -f "$D/orchestrator.env"
  if ! ip netns list | grep -qE '^rro[0-9]+( |$)'; then
    ip route del unreachable "$GUARD" metric 4000 2>/dev/null || true
  fi
  return 0
}

cmd_start_in() {
  local D NS ADDR
  D=$(realpath -m "${1:?usage: start-in DIR NS ADDR [NODE_ID]}"); NS=${2:?usage: start-in DIR NS ADDR [NODE_ID]}; ADDR=${3:?usage: start-in DIR NS ADDR [NODE_ID]}
  [ "$(id -u)" = 0 ] || die "must run as root"
  ip netns list | grep -qw "$NS" || die "namespace $NS does not exist"
  ip netns exec "$NS" ip route show default | grep -q . && die "namespace $NS has a default route"
  mkdir -p "$D"
  start_orchestrator "$D" "$NS" "$ADDR" "${4:-${RR_ORCH_NODE_ID:-orch}}"
}

cmd_link() {
  local N=${1:?usage: link N M} M=${2:?usage: link N M}
  [ "$(id -u)" = 0 ] || die "must run as root"
  ip netns list | grep -qw "rro$N" || die "netns rro$N does not exist: run up first"
  ip netns list | grep -qw "rro$M" || die "netns rro$M does not exist: run up first"
  if ! ip netns exec "rro$N" ip link show "rro${N}l$M" >/dev/null 2>&1; then
    ip link add "rro${N}l$M" type veth peer name "rro${M}l$N"
    ip link set "rro${N}l$M" netns "rro$N"; ip link set "rro${M}l$N" netns "rro$M"
  fi
  ip netns exec "rro$N" ip addr replace "10.202.$N.5/30" dev "rro${N}l$M"
  ip netns exec "rro$N" ip link set "rro${N}l$M" up
  ip netns exec "rro$M" ip addr replace "10.202.$N.6/30" dev "rro${M}l$N"
  ip netns exec "rro$M" ip link set "rro${M}l$N" up
  echo "RR_LINK_ADDR_$N=10.202.$N.5"
  echo "RR_LINK_ADDR_$M=10.202.$N.6"
}

case ${1:-} in
  up) shift; cmd_up "$@" ;;
  down) shift; cmd_down "$@" ;;
  link) shift; cmd_link "$@" ;;
  start-in) shift; cmd_start_in "$@" ;;
  *) echo "usage: $0 up DIR [N] | down DIR | link N M | start-in DIR NS ADDR [NODE_ID]" >&2; exit 2 ;;
esac
