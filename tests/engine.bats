#!/usr/bin/env bats
# The interview engine lives beside the machine's own Docker engine: setup never stops or
# reconfigures that one, neither engine's start breaks the other's port mappings, and interviews run
# on the interview engine. When nothing answers on the default socket, an ordinary dockerd (its own
# firewall rules and docker0 bridge, as a user's engine has) is started there for the test, with a
# container that publishes a port.

load helpers

PLAIN_SOCKET=/var/run/docker.sock
PLAIN_PORT=18089

plain() { DOCKER_HOST=unix://$PLAIN_SOCKET docker "$@"; }

setup_file() {
  export PLAIN_DIR="$BATS_FILE_TMPDIR/plain"
  mkdir -p "$PLAIN_DIR/rootfs/bin" "$PLAIN_DIR/rootfs/www"
  if plain info >/dev/null 2>&1; then
    echo "# an engine already answers on $PLAIN_SOCKET: it is only looked at" >&3
    export PLAIN_OURS=no
    return 0
  fi
  export PLAIN_OURS=yes
  [ -e /sys/class/net/docker0 ] && export PLAIN_HAD_DOCKER0=yes
  dockerd --host "unix://$PLAIN_SOCKET" --data-root "$PLAIN_DIR/data" --exec-root "$PLAIN_DIR/exec" \
    --pidfile "$PLAIN_DIR/dockerd.pid" --containerd-namespace plain-test --containerd-plugins-namespace plain-test-plugins \
    >"$PLAIN_DIR/dockerd.log" 2>&1 &
  for _ in $(seq 60); do plain info >/dev/null 2>&1 && break; sleep 0.5; done
  cp /bin/busybox "$PLAIN_DIR/rootfs/bin/busybox"
  echo plain-engine-page > "$PLAIN_DIR/rootfs/www/index.html"
  tar -C "$PLAIN_DIR/rootfs" -c . | plain import - plain-test/busybox >/dev/null
  plain run -d --name plain-test -p "127.0.0.1:$PLAIN_PORT:8080" plain-test/busybox /bin/busybox httpd -f -p 8080 -h /www >/dev/null
}

teardown_file() {
  [ "${PLAIN_OURS:-}" = yes ] || return 0
  plain rm -f plain-test >/dev/null 2>&1 || true
  kill "$(cat "$PLAIN_DIR/dockerd.pid")" 2>/dev/null || true
  for _ in $(seq 40); do [ -e "$PLAIN_DIR/dockerd.pid" ] || break; sleep 0.5; done
  rm -f "$PLAIN_SOCKET"
  [ "${PLAIN_HAD_DOCKER0:-}" = yes ] || ip link del docker0 2>/dev/null || true
}

teardown() { stop_interview; }

# The plain engine's published port answers, through its proxy and through its own NAT rule.
plain_port_answers() {
  curl -sf --max-time 5 "http://127.0.0.1:$PLAIN_PORT/" | grep -qx plain-engine-page
}

@test "setup leaves the machine's engine and its containers alone, and interviews run on the interview engine" {
  pid_before=$(pgrep -f "dockerd --host unix://$PLAIN_SOCKET" || pgrep -xo dockerd)
  containers_before=$(plain ps -q --no-trunc)
  [ "$PLAIN_OURS" = no ] || plain_port_answers
  nat_before=$(iptables -w -t nat -S DOCKER 2>/dev/null | grep -c DNAT || true)

  run bash "$REPO_ROOT/scripts/start-engine.sh"
  assert_success
  assert_output --partial 'interview engine: running at /run/interview-env/docker.sock'

  # The tools pick the interview engine by themselves (no DOCKER_HOST), never the default socket.
  SSH_KEY=$(new_key candidate)
  INTERVIEW=$(new_interview_name engine)
  RUN_JSON=$(env -u DOCKER_HOST "$ZX" "$REPO_ROOT/scripts/run.mjs" base --name "$INTERVIEW" --key "$SSH_KEY.pub" --json --no-record)
  SSH_PORT=$(jq -r .port <<<"$RUN_JSON") SSH_USER=$(jq -r .user <<<"$RUN_JSON")
  run ssh_as_candidate 'echo in-the-box'
  assert_output in-the-box
  [ "$(DOCKER_HOST=unix:///run/interview-env/docker.sock docker inspect -f '{{.State.Running}}' "ie-$INTERVIEW")" = true ]
  [ -z "$(plain ps -aq --filter "name=ie-$INTERVIEW")" ]
  # The interview engine remaps users, can cap a container's disk, and keeps out of Docker's chains.
  run env DOCKER_HOST=unix:///run/interview-env/docker.sock docker info --format '{{.Driver}} {{json .SecurityOptions}}'
  assert_output --regexp '^(btrfs|overlay2) .*name=userns'
  run pgrep -af 'dockerd --host unix:///run/interview-env/docker.sock'
  assert_output --partial -- '--iptables=false'

  # The machine's engine, its containers, its published port and its NAT rules are as they were.
  [ "$(pgrep -f "dockerd --host unix://$PLAIN_SOCKET" || pgrep -xo dockerd)" = "$pid_before" ]
  [ "$(plain ps -q --no-trunc)" = "$containers_before" ]
  [ "$(iptables -w -t nat -S DOCKER 2>/dev/null | grep -c DNAT || true)" = "$nat_before" ]
  if [ "$PLAIN_OURS" = yes ]; then
    [ "$(plain inspect -f '{{.State.Running}}' plain-test)" = true ]
    plain_port_answers
  fi
}

@test "the machine's engine starting after the interview engine leaves interviews reachable and fenced" {
  [ "$PLAIN_OURS" = yes ] || skip "an engine of the machine's own runs on $PLAIN_SOCKET; it is not restarted"
  start_interview base --no-record
  # The ordinary engine restarts, emptying and rewriting Docker's chains as it does.
  kill "$(cat "$PLAIN_DIR/dockerd.pid")"
  for _ in $(seq 40); do [ -e "$PLAIN_DIR/dockerd.pid" ] || break; sleep 0.5; done
  dockerd --host "unix://$PLAIN_SOCKET" --data-root "$PLAIN_DIR/data" --exec-root "$PLAIN_DIR/exec" \
    --pidfile "$PLAIN_DIR/dockerd.pid" --containerd-namespace plain-test --containerd-plugins-namespace plain-test-plugins \
    >>"$PLAIN_DIR/dockerd.log" 2>&1 &
  for _ in $(seq 60); do plain info >/dev/null 2>&1 && break; sleep 0.5; done
  plain start plain-test >/dev/null
  run ssh_as_candidate 'echo still-here'
  assert_output still-here
  # Still fenced: the host is out of reach, and a new interview starts and is reachable.
  python3 -m http.server 18090 --bind 0.0.0.0 --directory "$PLAIN_DIR/rootfs/www" >/dev/null 2>&1 &
  local server=$!
  gateway=$(docker network inspect "ie-$INTERVIEW" --format '{{(index .IPAM.Config 0).Gateway}}')
  for _ in $(seq 50); do curl -sf "http://$gateway:18090/" >/dev/null && break; sleep 0.1; done
  run ssh_as_candidate "timeout 5 bash -c 'exec 3<>/dev/tcp/$gateway/18090 && echo reached' 2>&1"
  kill "$server"
  refute_output --partial reached
  stop_interview
  start_interview base --no-record
  run ssh_as_candidate 'echo new-one'
  assert_output new-one
  for _ in $(seq 20); do plain_port_answers && break; sleep 0.5; done
  plain_port_answers
}

@test "run refuses in one line before the kernel's key quota runs out, and starts again once it is raised" {
  local uid maxkeys used refused
  start_interview base --no-record   # an interview holds keys, so the remapped root has a quota line
  uid=$(docker info --format '{{.DockerRootDir}}' | sed -E 's#.*/([0-9]+)\.[0-9]+$#\1#')
  maxkeys=$(sysctl -n kernel.keys.maxkeys)
  used=$(awk -v uid="$uid:" '$1 == uid { split($4, q, "/"); print q[1] }' /proc/key-users)
  [ -n "$used" ]
  # Room for fewer than one more interview's keys.
  sysctl -q -w kernel.keys.maxkeys=$((used + 5))
  refused=$(new_interview_name keys)
  run "$ZX" "$REPO_ROOT/scripts/run.mjs" base --name "$refused" --no-record
  sysctl -q -w kernel.keys.maxkeys="$maxkeys"
  assert_failure
  assert_line --regexp "^error: the kernel's key quota of the engine's remapped root is nearly used up \\([0-9]+/$((used + 5)) keys"
  assert_line --partial 'hint: raise it: sudo sysctl -w kernel.keys.maxkeys=2000 kernel.keys.maxbytes=2000000'
  [ -z "$(docker ps -aq --filter "name=ie-$refused")" ]
  stop_interview
  start_interview base --no-record
  run ssh_as_candidate 'echo room-again'
  assert_output room-again
}
