#!/usr/bin/env bash
# Sets up a Debian 12 machine for interview-env, as root: the Debian packages it and its tests use,
# the interview engine (a Docker daemon of its own with user-namespace remapping, a disk cap per
# interview and the egress fence: docs/engine.md), Docker Compose for multi-service tasks, and the
# Node dependencies. An engine the machine already runs is left as it is.
# Safe to run again: what is there already is kept.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
  echo "setup-machine: run it as root (sudo bash scripts/setup-machine.sh): it installs Debian packages and starts dockerd" >&2
  exit 1
fi

echo "--- Debian packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
  docker.io docker-compose debootstrap openssh-client tmux jq iptables ca-certificates curl btrfs-progs \
  bats bats-assert bats-support sshpass chromium fonts-dejavu-core docker-registry busybox-static python3 systemd >/dev/null

echo "--- Node dependencies"
npm ci --no-audit --no-fund

echo "--- Interview engine"
bash scripts/start-engine.sh
