#!/usr/bin/env bats
# The local cluster (scripts/cluster.mjs, docs/cluster.md): a real two-node Swarm on this machine,
# each node a userns-remapped Docker engine in its own network namespace. A box placed on the worker
# answers a real OpenSSH login at the worker's address; the fence keeps the box off the nodes, the
# host, the registry and anything beyond (targets built here: a namespace holding a private address
# and 169.254.169.254; no packet leaves the machine); `down` leaves nothing.

load helpers

MANAGER_SOCKET=/run/interview-env/cluster/ie-manager/docker.sock
HOST_SIDE=10.211.0.1
MANAGER=10.211.0.2
WORKER=10.211.0.3
TARGET_NS=ie-cluster-target
TARGET=192.168.252.2
METADATA=169.254.169.254
BOX=bats-cluster-box
BOX_PORT=2299

setup_file() {
  docker image inspect interview-env/hello >/dev/null 2>&1 || zx_script build hello >/dev/null
  zx_script cluster down >/dev/null
  ip netns add "$TARGET_NS"
  ip link add ie-clt-h type veth peer name ie-clt-n
  ip link set ie-clt-n netns "$TARGET_NS"
  ip addr add 192.168.252.1/30 dev ie-clt-h
  ip link set ie-clt-h up
  ip -n "$TARGET_NS" addr add "$TARGET/30" dev ie-clt-n
  ip -n "$TARGET_NS" link set ie-clt-n up
  ip -n "$TARGET_NS" link set lo up
  ip -n "$TARGET_NS" addr add "$METADATA/32" dev lo
  ip -n "$TARGET_NS" route add default via 192.168.252.1
  ip route add "$METADATA/32" via "$TARGET"
  mkdir -p "$BATS_FILE_TMPDIR/www" && echo reached > "$BATS_FILE_TMPDIR/www/probe"
  ip netns exec "$TARGET_NS" python3 -m http.server 8080 --bind 0.0.0.0 --directory "$BATS_FILE_TMPDIR/www" >/dev/null 2>&1 &
  echo $! > "$BATS_FILE_TMPDIR/target.pid"
  for _ in $(seq 50); do
    curl -sf "http://$TARGET:8080/probe" >/dev/null && curl -sf "http://$METADATA:8080/probe" >/dev/null && return 0
    sleep 0.1
  done
  echo "the targets did not come up" >&2
  return 1
}

teardown_file() {
  zx_script cluster down >/dev/null 2>&1 || true
  kill "$(cat "$BATS_FILE_TMPDIR/target.pid")" 2>/dev/null || true
  ip route del "$METADATA/32" 2>/dev/null || true
  ip link del ie-clt-h 2>/dev/null || true
  ip netns del "$TARGET_NS" 2>/dev/null || true
}

on_manager() { DOCKER_HOST=unix://$MANAGER_SOCKET docker "$@"; }
on_node() { DOCKER_HOST=unix:///run/interview-env/cluster/$1/docker.sock docker "${@:2}"; }
# box_ssh COMMAND: as the candidate, by key, at the worker's address.
box_ssh() {
  ssh -i "$BATS_FILE_TMPDIR/box-key" -p "$BOX_PORT" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o ConnectTimeout=5 -o LogLevel=ERROR "user@$WORKER" "$1"
}
# reach HOST PORT: from inside the box, as root, whether a TCP connection opens (3 s at most).
reach() { box_ssh "sudo -n timeout 3 bash -c 'exec 3<>/dev/tcp/$1/$2' 2>/dev/null && echo open || echo closed"; }

@test "[cluster] without a cluster: status says how to make one; bad input makes nothing" {
  run zx_script cluster status
  assert_success
  assert_output --partial 'no local cluster is up'
  run zx_script cluster up --workers 0
  assert_user_error '--workers must be a whole number from 1 to 8'
  run zx_script cluster share interview-env/hello
  assert_user_error 'no local cluster is up'
  run zx_script cluster restart
  assert_user_error
  run ip netns list
  refute_output --partial ie-manager
  run ip link show iecl0
  assert_failure
}

@test "[cluster] up: a manager and a worker, each its own engine, hostname and address, users remapped" {
  run zx_script cluster up
  assert_success
  assert_line --partial 'cluster up: 2 nodes'
  run zx_script cluster status
  assert_success
  assert_line --regexp '^ie-manager +manager +10\.211\.0\.2 +running +ready'
  assert_line --regexp '^ie-worker1 +worker +10\.211\.0\.3 +running +ready'
  for node in ie-manager ie-worker1; do
    [ "$(on_node "$node" info --format '{{.Name}}')" = "$node" ]
    on_node "$node" info --format '{{json .SecurityOptions}}' | grep -q 'name=userns'
  done
  # Each engine lives in its own network namespace: the worker's address is not the host's.
  run ip -br addr show
  refute_output --partial "$WORKER/"
  run ip -n ie-worker1 -br addr show eth0
  assert_output --partial "$WORKER/24"
  # Neither is the interview engine, which stays out of the Swarm.
  [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" = inactive ]
}

@test "[cluster] a box on the worker answers OpenSSH at the worker's address, with its tools" {
  run zx_script cluster share interview-env/hello
  assert_success
  assert_output "$HOST_SIDE:5000/interview-env/hello:latest"
  ssh-keygen -q -t ed25519 -N '' -f "$BATS_FILE_TMPDIR/box-key"
  on_manager service create -d --name "$BOX" --restart-condition none --constraint node.hostname==ie-worker1 \
    --cap-add SYS_ADMIN --cap-add SYS_PTRACE --cap-add NET_ADMIN \
    --publish "mode=host,target=22,published=$BOX_PORT" \
    -e INTERVIEW_NAME="$BOX" -e INTERVIEW_TASK=hello -e INTERVIEW_PASSWORD= \
    -e "INTERVIEW_AUTHORIZED_KEYS=$(cat "$BATS_FILE_TMPDIR/box-key.pub")" -e "INTERVIEW_PROBE_KEY=$(cat "$BATS_FILE_TMPDIR/box-key.pub")" \
    "$HOST_SIDE:5000/interview-env/hello:latest" >/dev/null
  for _ in $(seq 60); do box_ssh true 2>/dev/null && break; sleep 1; done
  run box_ssh 'id -un; sudo -n ip netns add bats && sudo -n ip netns list'
  assert_success
  assert_line user
  assert_line bats
  # It runs on the worker's engine, and on no other.
  [ "$(on_node ie-worker1 ps -q --filter "label=com.docker.swarm.service.name=$BOX" | wc -l)" = 1 ]
  [ "$(on_node ie-manager ps -q --filter "label=com.docker.swarm.service.name=$BOX" | wc -l)" = 0 ]
}

@test "[cluster] the fence: the box reaches no node, not the host, the registry, a private address or 169.254.169.254" {
  for target in "$HOST_SIDE 5000" "$HOST_SIDE 22" "$MANAGER 2377" "$WORKER 2377" "$MANAGER 7946" "$TARGET 8080" "$METADATA 8080"; do
    run reach $target
    assert_output closed
  done
  # The node itself pulls from the registry...
  run nsenter --net=/run/netns/ie-worker1 curl -s -o /dev/null -w '%{http_code}' "http://$HOST_SIDE:5000/v2/"
  assert_output 200
  # ...but reaches no other port of the host, and nothing beyond it: the host routes nothing off the cluster's bridge.
  for target in "$HOST_SIDE 22" "$TARGET 8080" "$METADATA 8080"; do
    run nsenter --net=/run/netns/ie-worker1 timeout 3 bash -c "exec 3<>/dev/tcp/${target% *}/${target#* }"
    assert_failure
  done
  # The same addresses answer from the host: what stops the box is the fence, not a missing target.
  curl -sf "http://$TARGET:8080/probe"
  curl -sf "http://$METADATA:8080/probe"
}

@test "[cluster] up again changes nothing; down leaves nothing of it" {
  local before
  before=$(on_manager node ls -q | sort)
  run zx_script cluster up
  assert_success
  [ "$(on_manager node ls -q | sort)" = "$before" ]
  run zx_script cluster down
  assert_success
  assert_line 'cluster down: nothing of it is left'
  run ip netns list
  refute_output --partial ie-manager
  refute_output --partial ie-worker
  run ip link show iecl0
  assert_failure
  run pgrep -f 'dockerd --host unix:///run/interview-env/cluster/'
  assert_failure
  run pgrep -f 'docker-registry serve /run/interview-env/cluster/'
  assert_failure
  run iptables -S
  refute_output --partial INTERVIEW-CLUSTER
  run grep -c ' /var/lib/interview-env/cluster\| /run/interview-env/cluster' /proc/self/mountinfo
  assert_output 0
  [ ! -e /var/lib/interview-env/cluster ]
  [ ! -e /run/interview-env/cluster ]
  # The interview engine is untouched.
  docker info >/dev/null
}
