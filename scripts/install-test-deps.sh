#!/usr/bin/env bash
# Everything the whole test suite needs on a Debian 12 machine, installed only when missing:
#   apt: OpenSSH server and client, rsync, curl (the integration tests' real nodes)
#   the real-VS-Code toolchain for e2e (scripts/setup-e2e.sh: Chromium, Node 24, code-server)
# Fails loudly, never skips: a suite that cannot run must say why.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in openssh-server openssh-client rsync curl procps python3-venv iproute2 nftables gcc libc6-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "[test-deps] missing Debian packages: ${need[*]}; run as root or: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
  echo "[test-deps] installing ${need[*]}" >&2
  scripts/clean-env apt-get update -qq
  DEBIAN_FRONTEND=noninteractive scripts/clean-env apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
bash scripts/setup-e2e.sh
