#!/usr/bin/env bats
# The egress fence (docs/security.md): from inside an interview, the host, private and link-local
# addresses (the cloud metadata address among them) and other interviews are out of reach, unless
# `run --egress all`. The targets are built here: a network namespace on this host, joined by a veth
# pair, holding a private address and 169.254.169.254, each serving HTTP. No packet leaves the machine.

load helpers

TARGET_NS=ie-fence-target
HOST_SIDE=192.168.251.1
TARGET=192.168.251.2
METADATA=169.254.169.254

setup_file() {
  ip netns add "$TARGET_NS"
  ip link add ie-fence-h type veth peer name ie-fence-n
  ip link set ie-fence-n netns "$TARGET_NS"
  ip addr add "$HOST_SIDE/30" dev ie-fence-h
  ip link set ie-fence-h up
  ip -n "$TARGET_NS" addr add "$TARGET/30" dev ie-fence-n
  ip -n "$TARGET_NS" link set ie-fence-n up
  ip -n "$TARGET_NS" link set lo up
  ip -n "$TARGET_NS" addr add "$METADATA/32" dev lo
  ip -n "$TARGET_NS" route add default via "$HOST_SIDE"
  ip route add "$METADATA/32" via "$TARGET"
  mkdir -p "$BATS_FILE_TMPDIR/www" && echo reached > "$BATS_FILE_TMPDIR/www/probe"
  ip netns exec "$TARGET_NS" python3 -m http.server 8080 --bind 0.0.0.0 --directory "$BATS_FILE_TMPDIR/www" >/dev/null 2>&1 &
  echo $! > "$BATS_FILE_TMPDIR/target.pid"
  # A service on the host itself, on the host's side of the pair.
  python3 -m http.server 8081 --bind "$HOST_SIDE" --directory "$BATS_FILE_TMPDIR/www" >/dev/null 2>&1 &
  echo $! > "$BATS_FILE_TMPDIR/host.pid"
  for _ in $(seq 50); do
    curl -sf "http://$TARGET:8080/probe" >/dev/null && curl -sf "http://$METADATA:8080/probe" >/dev/null && curl -sf "http://$HOST_SIDE:8081/probe" >/dev/null && return 0
    sleep 0.1
  done
  echo "the targets did not come up" >&2
  return 1
}

teardown_file() {
  kill "$(cat "$BATS_FILE_TMPDIR/target.pid")" "$(cat "$BATS_FILE_TMPDIR/host.pid")" 2>/dev/null || true
  ip route del "$METADATA/32" 2>/dev/null || true
  ip link del ie-fence-h 2>/dev/null || true
  ip netns del "$TARGET_NS" 2>/dev/null || true
}

teardown() {
  stop_interview "${OTHER:-}"
  stop_interview
}

# fetch HOST PORT: from inside the interview, as root, an HTTP GET of /probe (5 s at most).
fetch() {
  ssh_as_candidate "sudo -n timeout 5 bash -c 'exec 3<>/dev/tcp/$1/$2 && printf \"GET /probe HTTP/1.0\r\n\r\n\" >&3 && cat <&3' 2>&1"
}

@test "internet (the default): private, link-local and host addresses are fenced off; its own network is not" {
  start_interview base --no-record
  [ "$(jq -r .egress <<<"$RUN_JSON")" = internet ]
  run fetch "$TARGET" 8080
  refute_output --partial reached
  run fetch "$METADATA" 8080
  refute_output --partial reached
  run fetch "$HOST_SIDE" 8081
  refute_output --partial reached
  # The gateway of its own network is the host too.
  gateway=$(docker network inspect "ie-$INTERVIEW" --format '{{(index .IPAM.Config 0).Gateway}}')
  run fetch "$gateway" 8081
  refute_output --partial reached
  # The engine's DNS still answers inside, and the box reaches itself by its network address.
  run ssh_as_candidate "getent hosts box"
  assert_success
  own=$(awk '{print $1}' <<<"$output")
  run ssh_as_candidate "timeout 5 bash -c 'exec 3<>/dev/tcp/$own/22 && head -c 7 <&3'"
  assert_output SSH-2.0
}

@test "another interview's address is out of reach" {
  start_interview base --no-record --egress all
  OTHER=$INTERVIEW
  other_ip=$(docker inspect "ie-$OTHER" --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}')
  [ -n "$other_ip" ]
  for egress in internet all; do
    start_interview base --no-record --egress "$egress"
    run ssh_as_candidate "sudo -n timeout 5 bash -c 'exec 3<>/dev/tcp/$other_ip/22 && head -c 7 <&3' 2>&1"
    refute_output --partial SSH-2.0
    stop_interview
  done
}

@test "none: nothing outside the interview, not even public addresses" {
  start_interview base --no-record --egress none
  [ "$(jq -r .egress <<<"$RUN_JSON")" = none ]
  run fetch "$TARGET" 8080
  refute_output --partial reached
  run fetch "$METADATA" 8080
  refute_output --partial reached
  subnet=$(docker network inspect "ie-$INTERVIEW" --format '{{(index .IPAM.Config 0).Subnet}}')
  [[ "$subnet" == 10.213.1[2-9][0-9].* ]]
}

@test "all: the explicit opt-out reaches the targets, and the card says it is not fenced" {
  start_interview base --no-record --egress all
  run fetch "$TARGET" 8080
  assert_output --partial reached
  run fetch "$METADATA" 8080
  assert_output --partial reached
  run "$ZX" "$REPO_ROOT/scripts/run.mjs" base --egress everything --no-record
  assert_failure
  assert_output --partial 'Choices: "none", "internet", "all"'
}
