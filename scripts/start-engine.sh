#!/usr/bin/env bash
# Starts the interview engine: a Docker daemon of interview-env's own, beside any engine the machine
# already runs, which it never stops or reconfigures. It remaps users (docs/security.md), listens
# only on its own socket, keeps its own data root, exec root, pid file, bridge and containerd
# namespaces, and stores containers on btrfs (or XFS with project quotas) so that `run --disk` can
# cap each interview's writes. The tools find it at $INTERVIEW_ENGINE_SOCKET. Safe to run again.
#
# Settings (environment):
#   INTERVIEW_ENGINE_ROOT    data folder                          (/var/lib/interview-env)
#   INTERVIEW_ENGINE_RUN     sockets and pid file                 (/run/interview-env)
#   INTERVIEW_ENGINE_DEVICE  a block device to format as btrfs for the data root (default: a loop file)
#   INTERVIEW_ENGINE_DISK    size of that loop file, sparse       (200G)
#   INTERVIEW_ADDRESS_POOL   range cut into one /28 per interview (tools/engine/defaults.env)
#   INTERVIEW_BRIDGE         the engine's default bridge, for builds (ie0)
#   INTERVIEW_BRIDGE_CIDR    its address                          (tools/engine/defaults.env)
# For systemd, docs/engine.md has a unit that runs this script with --prepare-only, then the same dockerd line.
set -euo pipefail

cd "$(dirname "$0")/.."

# The address defaults live in one file, which the tools read too.
default() { sed -n "s/^$1=//p" tools/engine/defaults.env; }
root=${INTERVIEW_ENGINE_ROOT:-/var/lib/interview-env}
run=${INTERVIEW_ENGINE_RUN:-/run/interview-env}
pool=${INTERVIEW_ADDRESS_POOL:-$(default INTERVIEW_ADDRESS_POOL)}
bridge_cidr=${INTERVIEW_BRIDGE_CIDR:-$(default INTERVIEW_BRIDGE_CIDR)}
bridge=${INTERVIEW_BRIDGE:-ie0}
socket=$run/docker.sock
log=${INTERVIEW_ENGINE_LOG:-/var/log/interview-env-dockerd.log}
data=$root/docker
export DOCKER_HOST=unix://$socket

# The kernel's key quota: with remapped users every container and `docker exec` takes keys from
# one host uid's quota, 200 keys by default; a hundred interviews need about 400 (docs/engine.md).
# Likewise inotify instances: every interview's keystroke feed holds one, all as the same host uid
# (128 by default).
[ "$(id -u)" != 0 ] || for pair in kernel.keys.maxkeys=2000 kernel.keys.maxbytes=2000000 fs.inotify.max_user_instances=8192; do
  key=${pair%=*} want=${pair#*=}
  [ "$(sysctl -n "$key")" -ge "$want" ] || sysctl -q -w "$pair"
done

prepare_only=no
[ "${1:-}" != --prepare-only ] || prepare_only=yes   # for a systemd unit that runs dockerd itself (docs/engine.md)
if [ "$prepare_only" = no ] && docker info >/dev/null 2>&1; then
  echo "interview engine: running at $socket"
  [ "$(id -u)" != 0 ] || INTERVIEW_ADDRESS_POOL=$pool INTERVIEW_BRIDGE_CIDR=$bridge_cidr npx zx scripts/fence.mjs install
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "start-engine: run it as root (sudo bash scripts/start-engine.sh): it mounts a data root and starts dockerd" >&2
  exit 1
fi


mkdir -p "$root" "$run" "$data"

# A data root where the engine can cap a container's writes: btrfs, or XFS mounted with project
# quotas; otherwise a btrfs filesystem made for it, on the given device or a sparse loop file.
fs_type() { stat -f -c %T "$1"; }
xfs_has_project_quota() { findmnt -n -o OPTIONS --target "$1" | grep -qE 'prjquota|pquota'; }
if ! mountpoint -q "$data"; then
  if [ "$(fs_type "$data")" = xfs ] && xfs_has_project_quota "$data"; then
    :
  elif [ "$(fs_type "$data")" != btrfs ]; then
    device=${INTERVIEW_ENGINE_DEVICE:-$root/docker.btrfs}
    if [ -z "${INTERVIEW_ENGINE_DEVICE:-}" ] && [ ! -e "$device" ]; then
      truncate -s "${INTERVIEW_ENGINE_DISK:-200G}" "$device"
    fi
    if [ "$(blkid -o value -s TYPE "$device" 2>/dev/null)" != btrfs ]; then
      [ -z "${INTERVIEW_ENGINE_DEVICE:-}" ] || [ "${INTERVIEW_ENGINE_FORMAT:-}" = yes ] || {
        echo "start-engine: $device holds no btrfs filesystem; to format it (erasing it), set INTERVIEW_ENGINE_FORMAT=yes" >&2
        exit 1
      }
      mkfs.btrfs -q "$device" >/dev/null
    fi
    mount $([ -f "$device" ] && echo -o loop) "$device" "$data"
  fi
fi
case "$(fs_type "$data")" in
  btrfs)
    driver=btrfs
    # Simple quotas where the kernel has them: with full quotas every snapshot (each container
    # start) accounts for all it shares, seconds apiece once a few dozen containers exist.
    mode=$(cat "/sys/fs/btrfs/$(findmnt -n -o UUID --target "$data")/qgroups/mode" 2>/dev/null || echo none)
    if [ "$mode" != squota ]; then
      [ "$mode" = none ] || btrfs quota disable "$data"
      python3 scripts/btrfs-simple-quota.py "$data" || btrfs quota enable "$data"
    fi
    ;;
  xfs) driver=overlay2 ;;
  *) echo "start-engine: $data is $(fs_type "$data"), which cannot cap a container's disk" >&2; exit 1 ;;
esac

# Its own bridge, so that it never shares docker0 with another engine.
if ! ip link show "$bridge" >/dev/null 2>&1; then
  ip link add "$bridge" type bridge
  ip addr add "$bridge_cidr" dev "$bridge"
fi
ip link set "$bridge" up

# Forwarding, address translation and the egress fence: the engine runs with --iptables=false, so it
# never empties the chains another Docker engine keeps (each does when it starts); these are ours.
sysctl -q -w net.ipv4.ip_forward=1
INTERVIEW_ADDRESS_POOL=$pool INTERVIEW_BRIDGE_CIDR=$bridge_cidr npx zx scripts/fence.mjs install
[ "$prepare_only" = no ] || exit 0

rm -f "$socket"
nohup dockerd \
  --host "unix://$socket" \
  --data-root "$data" \
  --exec-root "$run/exec" \
  --pidfile "$run/dockerd.pid" \
  --containerd-namespace interview-env \
  --containerd-plugins-namespace interview-env-plugins \
  --userns-remap default \
  --storage-driver "$driver" \
  --bridge "$bridge" \
  --default-address-pool "base=$pool,size=28" \
  --iptables=false \
  >"$log" 2>&1 &

for _ in $(seq 60); do
  if docker info >/dev/null 2>&1; then
    docker info --format '{{json .SecurityOptions}}' | grep -q 'name=userns' || {
      echo "start-engine: the engine started without user-namespace remapping (see $log)" >&2
      exit 1
    }
    echo "interview engine: started at $socket ($driver on $data, networks from $pool; log: $log)"
    exit 0
  fi
  sleep 1
done
echo "start-engine: dockerd did not answer within 60 s; its log:" >&2
tail -n 30 "$log" >&2
exit 1
