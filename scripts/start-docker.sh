#!/usr/bin/env bash
# Starts a Docker engine with user-namespace remapping (the isolation model of docs/security.md)
# when none answers, or when the running one does not remap users. For machines without systemd;
# with systemd, put {"userns-remap": "default"} in /etc/docker/daemon.json and restart docker.
set -euo pipefail

remaps_users() { docker info --format '{{json .SecurityOptions}}' 2>/dev/null | grep -q 'name=userns'; }

if docker info >/dev/null 2>&1; then
  if remaps_users; then
    echo "docker: running, with user-namespace remapping"
    exit 0
  fi
  echo "docker: running WITHOUT user-namespace remapping; restarting it with --userns-remap=default"
  pkill -x dockerd || true
  for _ in $(seq 30); do pgrep -x dockerd >/dev/null || break; sleep 1; done
fi

log=${DOCKERD_LOG:-/var/log/interview-env-dockerd.log}
nohup dockerd --userns-remap=default >"$log" 2>&1 &
for _ in $(seq 60); do
  if docker info >/dev/null 2>&1; then
    remaps_users || { echo "docker: started, but without user-namespace remapping (see $log)" >&2; exit 1; }
    echo "docker: started with --userns-remap=default (log: $log)"
    exit 0
  fi
  sleep 1
done
echo "docker: dockerd did not answer within 60 s; its log:" >&2
tail -n 30 "$log" >&2
exit 1
