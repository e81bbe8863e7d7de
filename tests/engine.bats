#!/usr/bin/env bats
# The interview engine lives beside the machine's own Docker engine: setup never stops or
# reconfigures that one, and interviews run on the interview engine, not on it. When nothing answers
# on the default socket, a plain dockerd is started there for the test, with a container of its own.

load helpers

PLAIN_SOCKET=/var/run/docker.sock

setup_file() {
  export PLAIN_DIR="$BATS_FILE_TMPDIR/plain"
  mkdir -p "$PLAIN_DIR/rootfs/bin"
  if DOCKER_HOST=unix://$PLAIN_SOCKET docker info >/dev/null 2>&1; then
    echo "# an engine already answers on $PLAIN_SOCKET: it is only looked at" >&3
    export PLAIN_OURS=no
    return 0
  fi
  export PLAIN_OURS=yes
  # Its own data and exec roots and no firewall or bridge of its own, so the test changes nothing else.
  dockerd --host "unix://$PLAIN_SOCKET" --data-root "$PLAIN_DIR/data" --exec-root "$PLAIN_DIR/exec" \
    --pidfile "$PLAIN_DIR/dockerd.pid" --containerd-namespace plain-test --containerd-plugins-namespace plain-test-plugins \
    --iptables=false --bridge none >"$PLAIN_DIR/dockerd.log" 2>&1 &
  for _ in $(seq 60); do DOCKER_HOST=unix://$PLAIN_SOCKET docker info >/dev/null 2>&1 && break; sleep 0.5; done
  cp /bin/busybox "$PLAIN_DIR/rootfs/bin/busybox"
  tar -C "$PLAIN_DIR/rootfs" -c . | DOCKER_HOST=unix://$PLAIN_SOCKET docker import - plain-test/busybox >/dev/null
  DOCKER_HOST=unix://$PLAIN_SOCKET docker run -d --name plain-test --network none plain-test/busybox /bin/busybox sleep 3600 >/dev/null
}

teardown_file() {
  [ "${PLAIN_OURS:-}" = yes ] || return 0
  DOCKER_HOST=unix://$PLAIN_SOCKET docker rm -f plain-test >/dev/null 2>&1 || true
  kill "$(cat "$PLAIN_DIR/dockerd.pid")" 2>/dev/null || true
  for _ in $(seq 40); do [ -e "$PLAIN_DIR/dockerd.pid" ] || break; sleep 0.5; done
  rm -f "$PLAIN_SOCKET"
}

teardown() { stop_interview; }

plain() { DOCKER_HOST=unix://$PLAIN_SOCKET docker "$@"; }

@test "setup leaves the machine's engine and its containers alone, and interviews run on the interview engine" {
  pid_before=$(pgrep -f "dockerd --host unix://$PLAIN_SOCKET" || pgrep -xo dockerd)
  containers_before=$(plain ps -q --no-trunc)
  run bash "$REPO_ROOT/scripts/start-engine.sh"
  assert_success
  assert_output --partial 'interview engine: running at /run/interview-env/docker.sock'

  # The tools pick the interview engine by themselves (no DOCKER_HOST), never the default socket.
  SSH_KEY=$(new_key candidate)
  INTERVIEW=$(new_interview_name engine)
  RUN_JSON=$(env -u DOCKER_HOST "$ZX" "$REPO_ROOT/scripts/run.mjs" base --name "$INTERVIEW" --key "$SSH_KEY.pub" --json --no-record)
  SSH_PORT=$(jq -r .port <<<"$RUN_JSON")
  run ssh_as_candidate 'echo in-the-box'
  assert_output in-the-box
  [ "$(DOCKER_HOST=unix:///run/interview-env/docker.sock docker inspect -f '{{.State.Running}}' "ie-$INTERVIEW")" = true ]
  [ -z "$(plain ps -aq --filter "name=ie-$INTERVIEW")" ]
  # The interview engine remaps users and can cap a container's disk.
  run env DOCKER_HOST=unix:///run/interview-env/docker.sock docker info --format '{{.Driver}} {{json .SecurityOptions}}'
  assert_output --regexp '^(btrfs|overlay2) .*name=userns'

  # The machine's engine and its containers are as they were.
  [ "$(pgrep -f "dockerd --host unix://$PLAIN_SOCKET" || pgrep -xo dockerd)" = "$pid_before" ]
  [ "$(plain ps -q --no-trunc)" = "$containers_before" ]
  if [ "$PLAIN_OURS" = yes ]; then
    [ "$(plain inspect -f '{{.State.Running}}' plain-test)" = true ]
  fi
}
