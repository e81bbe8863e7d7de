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

setup_file() {
  docker image inspect interview-env/hello >/dev/null 2>&1 || zx_script build hello >/dev/null
  docker image inspect interview-env/shop-outage >/dev/null 2>&1 || zx_script build shop-outage >/dev/null
  docker image inspect interview-env/desktop >/dev/null 2>&1 || zx_script build desktop >/dev/null
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
  kill "$(cat "$BATS_FILE_TMPDIR/serve.pid" 2>/dev/null)" 2>/dev/null || true
  [ -s "$BATS_FILE_TMPDIR/web-port" ] && pkill -f "scripts/web.mjs --bind 127.0.0.1 --port $(cat "$BATS_FILE_TMPDIR/web-port")"
  zx_script cluster down >/dev/null 2>&1 || true
  kill "$(cat "$BATS_FILE_TMPDIR/target.pid")" 2>/dev/null || true
  ip route del "$METADATA/32" 2>/dev/null || true
  ip link del ie-clt-h 2>/dev/null || true
  ip netns del "$TARGET_NS" 2>/dev/null || true
}

on_manager() { DOCKER_HOST=unix://$MANAGER_SOCKET docker "$@"; }
on_node() { DOCKER_HOST=unix:///run/interview-env/cluster/$1/docker.sock docker "${@:2}"; }
# reach HOST PORT: from inside the box, as root, whether a TCP connection opens (3 s at most).
reach() { ssh_as_candidate "sudo -n timeout 3 bash -c 'exec 3<>/dev/tcp/$1/$2' 2>/dev/null && echo open || echo closed"; }
# start_cockpit: the cockpit's server on this host (no door, no recorder: the interviews' own
# recorders run), with the interviewer alice; exports COCKPIT_URL and TOKEN (alice's).
start_cockpit() {
  local port=$(( 21000 + RANDOM % 1000 ))
  export INTERVIEW_ENV_SERVER_DIR=$BATS_FILE_TMPDIR/server
  zx_script interviewers remove alice >/dev/null 2>&1 || true
  TOKEN=$(zx_script interviewers add alice 2>/dev/null | cut -d' ' -f2)
  COCKPIT_URL=http://127.0.0.1:$port
  export TOKEN COCKPIT_URL
  # Started by itself (not through a shell function), so that its pid is the server's.
  "$ZX" "$REPO_ROOT/scripts/serve.mjs" --no-door --no-record --port "$port" >"$BATS_FILE_TMPDIR/serve.log" 2>&1 3>&- &
  echo $! > "$BATS_FILE_TMPDIR/serve.pid"
  for _ in $(seq 100); do curl -sf -o /dev/null -H "authorization: Bearer $TOKEN" "$COCKPIT_URL/api/tasks" && return 0; sleep 0.2; done
  cat "$BATS_FILE_TMPDIR/serve.log" >&2
  return 1
}
# api METHOD PATH [curl args...]: the cockpit's API as alice (a JSON body: --data '{...}').
api() { curl -s -X "$1" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' "${@:3}" "$COCKPIT_URL/api$2"; }

# on_swarm NAME: the interview's containers on every node, as "node id" lines.
on_swarm() {
  local node
  for node in ie-manager ie-worker1; do
    on_node "$node" ps -aq --filter "label=interview-env.interview=$1" 2>/dev/null | sed "s/^/$node /"
  done
}

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
  run zx_script run hello --engine swarm --name bats-no-swarm
  assert_user_error 'no Swarm to run on'
  run zx_script check bats-no-swarm --engine swarm
  assert_user_error 'no Swarm to run on'
  # With --web, no gateway is started for a run that cannot start.
  run zx_script run hello --engine swarm --web --web-port 22999 --name bats-no-swarm
  assert_user_error 'no Swarm to run on'
  run pgrep -f 'scripts/web.mjs --bind 127.0.0.1 --port 22999'
  assert_failure
  run zx_script run hello --engine swarm --egress all --name bats-no-swarm
  assert_user_error '--egress all is not available on a Swarm yet'
  run zx_script run hello --constraint node.role==worker --name bats-no-swarm
  assert_user_error '--constraint places a box on a Swarm node'
  [ "$(docker ps -aq --filter label=interview-env.interview=bats-no-swarm)" = '' ]
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
  assert_line --regexp '^ie-manager +manager +10\.211\.0\.2 +running +answers +ready'
  assert_line --regexp '^ie-worker1 +worker +10\.211\.0\.3 +running +answers +ready'
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

@test "[cluster] a node server on each node: the node's engine, through its gate, over TLS for this host alone, with no capability" {
  local certs=/run/interview-env/cluster/node-server node id probe
  run zx_script cluster status
  assert_line --regexp '^ie-manager +manager +10\.211\.0\.2 +running +answers +ready'
  assert_line --regexp '^ie-worker1 +worker +10\.211\.0\.3 +running +answers +ready'
  for node in ie-manager ie-worker1; do
    id=$(on_node "$node" ps -q --filter label=com.docker.swarm.service.name=interview-env-node-server)
    [ -n "$id" ]
    # Remapped root without a single capability, and not the node's network: only the gate's socket.
    run on_node "$node" exec "$id" grep CapEff /proc/1/status
    assert_output --regexp 'CapEff:\s+0000000000000000'
    [ "$(on_node "$node" inspect "$id" --format '{{.HostConfig.NetworkMode}}')" != host ]
    run on_node "$node" inspect "$id" --format '{{range .Mounts}}{{if ne .Type "tmpfs"}}{{.Type}}:{{.Source}} {{end}}{{end}}'
    assert_output "bind:/run/interview-env/cluster/$node/gate "
  done
  # This host's certificate gets the worker's engine...
  run curl -sf --cacert "$certs/client/ca.pem" --cert "$certs/client/cert.pem" --key "$certs/client/key.pem" "https://$WORKER:7631/info"
  assert_success
  [ "$(jq -r .Name <<<"$output")" = ie-worker1 ]
  # ...no certificate, or one of another authority, gets nothing.
  run curl -s --cacert "$certs/client/ca.pem" "https://$WORKER:7631/info"
  refute_output --partial ie-worker1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=intruder -days 1 \
    -keyout "$BATS_FILE_TMPDIR/intruder-key.pem" -out "$BATS_FILE_TMPDIR/intruder.pem" 2>/dev/null
  run curl -s --cacert "$certs/client/ca.pem" --cert "$BATS_FILE_TMPDIR/intruder.pem" --key "$BATS_FILE_TMPDIR/intruder-key.pem" "https://$WORKER:7631/info"
  refute_output --partial ie-worker1
  # The gate lets no one else through: not root on this host, not a container of another service
  # that has the gate's socket.
  run curl -s -m 5 --unix-socket /run/interview-env/cluster/ie-worker1/gate/docker.sock http://node/_ping
  refute_output OK
  probe=$(zx_script cluster share interview-env/base)
  on_manager service create -d --name bats-gate-probe --constraint node.hostname==ie-worker1 --restart-condition none \
    --mount type=bind,src=/run/interview-env/cluster/ie-worker1/gate,dst=/gate --entrypoint sh "$probe" \
    -c 'curl -s -m 5 --unix-socket /gate/docker.sock http://node/_ping; echo " exit $?"; sleep 60' >/dev/null
  for _ in $(seq 60); do
    id=$(on_node ie-worker1 ps -q --filter label=com.docker.swarm.service.name=bats-gate-probe)
    [ -n "$id" ] && on_node ie-worker1 logs "$id" 2>&1 | grep -q exit && break
    sleep 0.5
  done
  run on_node ie-worker1 logs "$id"
  on_manager service rm bats-gate-probe >/dev/null
  assert_output --regexp '^ exit [1-9]'
  run cat /run/interview-env/cluster/ie-worker1/gate.log
  assert_line --regexp "refused pid [0-9]+ \(container ${id:0:12}, service bats-gate-probe\)"
  assert_line --regexp 'refused pid [0-9]+ is in no container'
}

@test "[cluster] run --engine swarm --no-door: the box lands on the worker by constraint; OpenSSH at the card's address; two clients share its tmux" {
  # The image the nodes pull, pinned by its digest.
  run zx_script cluster share interview-env/hello
  assert_success
  assert_output --regexp "^$HOST_SIDE:5000/interview-env/hello:latest@sha256:[0-9a-f]{64}$"
  start_interview hello --engine swarm --no-door --constraint node.hostname==ie-worker1
  [ "$(jq -r .node <<<"$RUN_JSON")" = ie-worker1 ]
  # The later tests use this interview too.
  echo "$INTERVIEW" > "$BATS_FILE_TMPDIR/worker-interview"
  cp "$SSH_KEY" "$BATS_FILE_TMPDIR/worker-key"
  echo "$SSH_PORT" > "$BATS_FILE_TMPDIR/worker-port"
  # SYS_ADMIN goes only to a node labelled as remapping users.
  on_manager service inspect "ie-$INTERVIEW" --format '{{json .Spec.TaskTemplate.Placement.Constraints}}' | grep -qF 'node.labels.interview-env.userns==true'
  on_manager service inspect "ie-$INTERVIEW" --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}' | grep -qE '@sha256:[0-9a-f]{64}$'
  [ "$SSH_HOST" = "$WORKER" ]
  jq -r .stop <<<"$RUN_JSON" | grep -q -- '--engine swarm'
  # It runs on the worker's engine, and nowhere else: not the manager, not the interview engine.
  run on_swarm "$INTERVIEW"
  assert_output --regexp '^ie-worker1 [0-9a-f]+$'
  [ "$(docker ps -aq --filter "label=interview-env.interview=$INTERVIEW")" = '' ]
  # A real login, and the tools that need namespaces.
  run ssh_as_candidate 'id -un; sudo -n ip netns add bats && sudo -n ip netns list'
  assert_success
  assert_line user
  assert_line bats
  # Two people, one terminal.
  terminal_open alice
  terminal_open bob
  terminal_type alice "echo typed-on-the-$((6 * 7))th-node"
  wait_for_screen bob 'typed-on-the-42th-node'
  close_terminals
  # The recording is made here, on the manager's host, through the worker's engine: who typed what.
  jq -e --arg dir "$(recording)" '.recording == $dir' <<<"$RUN_JSON" >/dev/null
  wait_for_line "$(recording)/events.jsonl" '"type":"input".*typed-on-the-'
  wait_for_line "$(recording)/events.jsonl" '"type":"join","who":"candidate"'
  wait_for_line "$(recording)/session.cast" 'typed-on-the-42th-node'
}

@test "[cluster] behind the front door (the default on a Swarm too): the box on the worker is published nowhere; people come in at the door here, by name" {
  local bob
  bob=$(new_key bob)
  start_interview hello --engine swarm --constraint node.hostname==ie-worker1 --interviewer "$bob.pub"
  [ "$(jq -r .node <<<"$RUN_JSON")" = ie-worker1 ]
  # The card gives the door on this host, and the interview's name as the user.
  [ "$SSH_HOST" = 127.0.0.1 ] && [ "$SSH_PORT" = "$INTERVIEW_ENV_DOOR_PORT" ] && [ "$SSH_USER" = "$INTERVIEW" ]
  [ "$HOST_KEY" = "$(ssh-keyscan -p "$SSH_PORT" -t ed25519 127.0.0.1 2>/dev/null | ssh-keygen -lf - | awk '{print $2}')" ]
  # The box's sshd is published on no node: the door is the only way in.
  run on_manager service inspect "ie-$INTERVIEW" --format '{{len .Spec.EndpointSpec.Ports}} {{len .Endpoint.Ports}}'
  assert_output '0 0'
  run on_node ie-worker1 ps --filter "label=interview-env.interview=$INTERVIEW" --format '{{.Ports}}'
  assert_output '22/tcp'
  # Through the door, on the worker.
  run ssh_as_candidate hostname
  assert_output "$INTERVIEW"
  # Two people, one terminal; the door names each on the timeline here.
  terminal_open alice
  terminal_open bob "$bob"
  terminal_type alice "echo through-the-door-$((6 * 7))"
  wait_for_screen bob 'through-the-door-42'
  close_terminals
  wait_for_line "$(recording)/events.jsonl" '"type":"join","who":"bob"'
  wait_for_line "$(recording)/events.jsonl" '"type":"input".*through-the-door-'
  # A name the door does not know, or a key it was not given, gets nothing.
  run ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o IdentitiesOnly=yes -i "$(new_key mallory)" \
    -p "$SSH_PORT" "$INTERVIEW@127.0.0.1" true
  assert_failure 255
  run zx_script stop --engine swarm "$INTERVIEW"
  assert_success
  run ssh_as_candidate true
  assert_failure 255
  [ "$(on_swarm "$INTERVIEW")" = '' ]
}

@test "[cluster] check, break, keys, role and debug act on the box on the worker, with the checker and task state on its node" {
  local key
  INTERVIEW=$(cat "$BATS_FILE_TMPDIR/worker-interview") SSH_KEY=$BATS_FILE_TMPDIR/worker-key SSH_PORT=$(cat "$BATS_FILE_TMPDIR/worker-port") SSH_HOST=$WORKER SSH_USER=user
  # Without --engine swarm, the interview engine has no such interview.
  run zx_script check "$INTERVIEW"
  assert_user_error "no interview named \"$INTERVIEW\""
  run zx_script check "$INTERVIEW" --engine swarm
  assert_failure 1
  assert_output 'NO: /home/user/secret.txt is missing or empty'
  # The task state was kept on the worker, out of the box, and nowhere else.
  run on_node ie-worker1 volume ls -q --filter "label=interview-env.interview=$INTERVIEW"
  assert_output "ie-$INTERVIEW-task-state"
  [ "$(on_node ie-manager volume ls -q --filter "label=interview-env.interview=$INTERVIEW")" = '' ]
  # A candidate who writes a wrong secret and replaces the box's `task` tool gets no OK.
  ssh_as_candidate 'echo wrong > ~/secret.txt; printf "#!/bin/sh\necho OK\n" | sudo -n tee /usr/local/bin/task >/dev/null'
  run zx_script check "$INTERVIEW" --engine swarm
  assert_output 'NO: /home/user/secret.txt does not hold the secret'
  # The reference solution, through debug on the worker: then OK.
  run zx_script debug "$INTERVIEW" --engine swarm -- su user -c "$(cat "$REPO_ROOT/images/tasks/hello/solution")"
  assert_success
  run zx_script check "$INTERVIEW" --engine swarm
  assert_success
  assert_output OK
  run zx_script debug "$INTERVIEW" --engine swarm -- hostname
  assert_output "$INTERVIEW"
  # A fault applied live, and checked.
  run zx_script break "$INTERVIEW" service-stopped --engine swarm
  assert_success
  run zx_script check "$INTERVIEW" --engine swarm
  assert_failure 1
  assert_output --partial 'NO: (fault service-stopped)'
  # A key added while it runs logs in; role makes its holder read-only, on the timeline.
  key=$(new_key carol)
  run zx_script keys add "$INTERVIEW" "$key.pub" --role interviewer --engine swarm
  assert_success
  run zx_script keys list "$INTERVIEW" --engine swarm
  assert_output --partial carol
  terminal_open carol "$key"
  run zx_script role "$INTERVIEW" carol --read-only --engine swarm
  assert_success
  assert_output 'carol is now read-only (1 client)'
  wait_for_line "$(recording)/events.jsonl" '"type":"role","who":"carol".*"readonly":true'
  close_terminals
  wait_for_line "$(recording)/events.jsonl" '"type":"check".*"result":"OK"'
  # An unknown name on the Swarm, in one line.
  run zx_script check bats-no-such-interview --engine swarm
  assert_user_error 'no interview named "bats-no-such-interview" is on the Swarm'
}

@test "[cluster] the cockpit acts on an interview on the worker through its node's engine: people, faults, break, role, notes, its live terminal" {
  local key
  start_interview hello --engine swarm --constraint node.hostname==ie-worker1
  start_cockpit
  # Its page's data: on the worker, recorded, with who is attached.
  key=$(new_key carol)
  zx_script keys add "$INTERVIEW" "$key.pub" --role interviewer --engine swarm >/dev/null
  terminal_open carol "$key"
  run api GET "/interviews/$INTERVIEW"
  jq -e '.engine == "swarm" and .node == "ie-worker1" and .state == "running" and .recorded and (.people | map(.who) | index("carol"))' <<<"$output" >/dev/null || { echo "$output"; false; }
  # The faults of its task, one applied on the worker, on the timeline under alice's name; twice is refused.
  run api GET "/interviews/$INTERVIEW/faults"
  jq -e 'map(.name) == ["service-stopped"]' <<<"$output" >/dev/null
  run api POST "/interviews/$INTERVIEW/break" --data '{"fault":"service-stopped"}'
  assert_output '{"applied":"service-stopped"}'
  wait_for_line "$(recording)/events.jsonl" '"type":"interviewer".*"action":"break","fault":"service-stopped","by":"alice"'
  run api POST "/interviews/$INTERVIEW/break" --data '{"fault":"service-stopped"}'
  assert_output --partial 'already applied'
  run zx_script check "$INTERVIEW" --engine swarm
  assert_output --partial 'NO: (fault service-stopped)'
  # carol made read-only from the cockpit: her keys no longer reach the shell.
  run api POST "/interviews/$INTERVIEW/role" --data '{"who":"carol","readonly":true}'
  jq -e '.switched | length == 1 and .[0].readonly' <<<"$output" >/dev/null || { echo "$output"; false; }
  wait_for_line "$(recording)/events.jsonl" '"type":"role","who":"carol".*"readonly":true'
  # A note, kept beside the recording on this host.
  run api POST "/interviews/$INTERVIEW/notes" --data '{"text":"asked about systemd"}'
  assert_output '{"saved":true}'
  run api GET "/interviews/$INTERVIEW/notes"
  assert_output --partial 'asked about systemd'
  # The live view: the candidate types on the worker; alice, watching in the cockpit, sees it.
  terminal_open dave
  terminal_type dave "echo seen-from-the-$((6 * 7))-cockpit"
  run node "$REPO_ROOT/tests/web-terminal.mjs" cockpit "$COCKPIT_URL" "$TOKEN" "$INTERVIEW" 'seen-from-the-42-cockpit' 'touch /tmp/typed-by-a-watcher'
  assert_output 'saw seen-from-the-42-cockpit'
  wait_for_line "$(recording)/events.jsonl" '"type":"join","who":"alice \(cockpit\)"'
  # What the watcher typed is on the timeline as ignored, and never reached the shell.
  wait_for_line "$(recording)/events.jsonl" '"type":"input".*typed-by-a-watcher.*"ignored":"read-only"'
  run ssh_as_candidate 'ls /tmp/typed-by-a-watcher 2>&1'
  assert_output --partial 'No such file'
  close_terminals
  # Ended from the cockpit: nothing is left on either node, and the cockpit knows it no more.
  run api DELETE "/interviews/$INTERVIEW"
  assert_output "{\"stopped\":\"$INTERVIEW\"}"
  [ "$(on_swarm "$INTERVIEW")" = '' ]
  wait_for_line "$(recording)/events.jsonl" '"type":"end"' 20
  run api GET "/interviews/$INTERVIEW" -o /dev/null -w '%{http_code}'
  assert_output 404
  kill "$(cat "$BATS_FILE_TMPDIR/serve.pid")"
}

@test "[cluster] run --engine swarm --web: the candidate's link types into the box on the worker, the observer's only watches; stop revokes both" {
  local port=$(( 22000 + RANDOM % 1000 )) candidate observer
  echo "$port" > "$BATS_FILE_TMPDIR/web-port"
  start_interview hello --engine swarm --web --web-port "$port" --constraint node.hostname==ie-worker1
  candidate=$(jq -r .web.candidate <<<"$RUN_JSON")
  observer=$(jq -r .web.observer <<<"$RUN_JSON")
  assert_regex "$candidate" "^http://127\.0\.0\.1:$port/i/[A-Za-z0-9_-]{43}$"
  run curl -s -o /dev/null -w '%{http_code}' "$observer"
  assert_output 200
  # The candidate types in the browser, and the box on the worker runs it.
  run node "$REPO_ROOT/tests/web-terminal.mjs" link "$candidate" "$INTERVIEW" 'echo typed-in-the-browser > /tmp/from-the-link'
  assert_output "saw $INTERVIEW"
  for _ in $(seq 50); do [ "$(ssh_as_candidate cat /tmp/from-the-link 2>/dev/null)" = typed-in-the-browser ] && break; sleep 0.2; done
  run ssh_as_candidate cat /tmp/from-the-link
  assert_output typed-in-the-browser
  # The observer sees it; what the observer types is ignored, on the timeline of this host.
  run node "$REPO_ROOT/tests/web-terminal.mjs" link "$observer" 'typed-in-the-browser' 'touch /tmp/typed-by-an-observer'
  assert_output 'saw typed-in-the-browser'
  wait_for_line "$(recording)/events.jsonl" '"type":"input".*typed-by-an-observer.*"ignored":"read-only"'
  run ssh_as_candidate 'ls /tmp/typed-by-an-observer 2>&1'
  assert_output --partial 'No such file'
  wait_for_line "$(recording)/events.jsonl" '"type":"join","who":"browser \(candidate link\)"'
  # A made-up token opens nothing; the links die with the interview.
  run curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/i/$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | cut -c1-43)"
  assert_output 403
  run zx_script stop --engine swarm "$INTERVIEW"
  assert_success
  run curl -s -o /dev/null -w '%{http_code}' "$candidate"
  assert_output 403
}

@test "[cluster] a desktop on the Swarm: its box goes to the node labelled for desktops; both passwords open its screen through the gateway here, in their roles; it is recorded here" {
  local port id
  [ -s "$BATS_FILE_TMPDIR/web-port" ] || echo $(( 22000 + RANDOM % 1000 )) > "$BATS_FILE_TMPDIR/web-port"
  port=$(cat "$BATS_FILE_TMPDIR/web-port")
  # The local cluster labels its worker for desktops, and not its manager.
  [ "$(on_manager node inspect ie-worker1 --format '{{index .Spec.Labels "desktop"}}')" = true ]
  [ "$(on_manager node inspect ie-manager --format '{{index .Spec.Labels "desktop"}}')" = '' ]
  start_interview desktop --engine swarm --web-port "$port"
  [ "$(jq -r .node <<<"$RUN_JSON")" = ie-worker1 ]
  on_manager service inspect "ie-$INTERVIEW" --format '{{json .Spec.TaskTemplate.Placement.Constraints}}' | grep -qF '"node.labels.desktop==true"'
  # A service takes no --shm-size: the browser's /dev/shm is a tmpfs of the size one engine gives.
  run ssh_as_candidate "df -B1M --output=size /dev/shm | tail -1"
  assert_output --regexp '^ *512$'
  # Each password opens the screen of the box on the worker, in its role, through the gateway here.
  run node "$REPO_ROOT/tests/web-desktop.mjs" "$(jq -r .desktop.link <<<"$RUN_JSON")"
  assert_output 'candidate drawn'
  run node "$REPO_ROOT/tests/web-desktop.mjs" "$(jq -r .desktop.observerLink <<<"$RUN_JSON")"
  assert_output 'observer drawn'
  # The recorder here records the screen through the worker's engine.
  for _ in $(seq 60); do [ -s "$(recording)/desktop.rfb" ] && break; sleep 0.5; done
  [ -s "$(recording)/desktop.rfb" ]
  id=$(on_node ie-worker1 ps -q --filter "label=interview-env.interview=$INTERVIEW")
  [ -n "$id" ]
  run zx_script stop --engine swarm "$INTERVIEW"
  assert_success
  [ "$(on_swarm "$INTERVIEW")" = '' ]
  # Its passwords die with it.
  run node "$REPO_ROOT/tests/web-desktop.mjs" "$(jq -r .desktop.link <<<"$RUN_JSON")"
  assert_failure
  # Sent where no node takes desktops, it is refused with the command that labels one, and leaves nothing.
  run zx_script run desktop --engine swarm --web-port "$port" --constraint node.hostname==ie-manager --name bats-no-desktop-node
  assert_user_error 'no node of the Swarm can take the box'
  assert_output --partial 'docker node update --label-add desktop=true NODE'
  [ "$(on_swarm bats-no-desktop-node)" = '' ]
  [ "$(on_manager service ls -q --filter label=interview-env.interview=bats-no-desktop-node)" = '' ]
}

@test "[cluster] the fence: the box reaches no node, not the host, the registry, a private address or 169.254.169.254" {
  SSH_KEY=$BATS_FILE_TMPDIR/worker-key SSH_PORT=$(cat "$BATS_FILE_TMPDIR/worker-port") SSH_HOST=$WORKER SSH_USER=user
  # Its own sshd answers (so "closed" below is the fence's doing, not a box that reaches nothing).
  run reach 127.0.0.1 22
  assert_output open
  local server_ip
  server_ip=$(on_node ie-worker1 inspect "$(on_node ie-worker1 ps -q --filter label=com.docker.swarm.service.name=interview-env-node-server)" \
    --format '{{.NetworkSettings.Networks.bridge.IPAddress}}')
  [ -n "$server_ip" ]
  for target in "$HOST_SIDE 5000" "$HOST_SIDE 22" "$MANAGER 2377" "$MANAGER 7946" "$WORKER 7946" "$WORKER 7631" "$MANAGER 7631" \
    "$server_ip 7631" "$TARGET 8080" "$METADATA 8080"; do
    run reach $target
    assert_output closed
  done
  # The nodes' own Swarm ports answer each other.
  nsenter --net=/run/netns/ie-worker1 timeout 3 bash -c "exec 3<>/dev/tcp/$MANAGER/2377"
  nsenter --net=/run/netns/ie-manager timeout 3 bash -c "exec 3<>/dev/tcp/$WORKER/7946"
  # From any other interface (here the target's namespace, routed through the host), nothing reaches the cluster.
  ip -n "$TARGET_NS" route replace 10.211.0.0/24 via 192.168.252.1
  for target in "$HOST_SIDE 5000" "$WORKER 7946" "$MANAGER 2377" "$WORKER 7631"; do
    run ip netns exec "$TARGET_NS" timeout 3 bash -c "exec 3<>/dev/tcp/${target% *}/${target#* }"
    assert_failure
  done
  curl -sf "http://$HOST_SIDE:5000/v2/" >/dev/null
  # The node itself pulls from the registry...
  run nsenter --net=/run/netns/ie-worker1 curl -s -o /dev/null -w '%{http_code}' "http://$HOST_SIDE:5000/v2/"
  assert_output 200
  # ...but reaches no other port of the host, and nothing beyond it: the host routes nothing off the cluster's bridge.
  for target in "$HOST_SIDE 22" "$TARGET 8080" "$METADATA 8080"; do
    run nsenter --net=/run/netns/ie-worker1 timeout 3 bash -c "exec 3<>/dev/tcp/${target% *}/${target#* }"
    assert_failure
  done
  # Another box on the same node: on a bridge of its own, out of reach by its address and by its
  # port on the node; the box has no other network (no docker_gwbridge that boxes would share).
  local first_port=$SSH_PORT first_key=$SSH_KEY other other_ip
  # With its port published on the node (--no-door), to try that too.
  start_interview hello --engine swarm --no-door --constraint node.hostname==ie-worker1
  other=$INTERVIEW
  other_ip=$(on_node ie-worker1 inspect "$(on_node ie-worker1 ps -q --filter "label=interview-env.interview=$other")" --format "{{(index .NetworkSettings.Networks \"ie-$other\").IPAddress}}")
  [ -n "$other_ip" ]
  SSH_PORT=$first_port SSH_KEY=$first_key SSH_HOST=$WORKER SSH_USER=user
  run reach "$other_ip" 22
  assert_output closed
  run reach "$WORKER" "$(jq -r .port <<<"$RUN_JSON")"
  assert_output closed
  run ssh_as_candidate 'ip -o -4 addr show | grep -v " lo " | wc -l'
  assert_output 1
  local own
  own=$(ssh_as_candidate "ip -o -4 addr show eth0" | awk '{print $4}')
  run python3 -c 'import ipaddress, sys; print(ipaddress.ip_address(sys.argv[1]) in ipaddress.ip_interface(sys.argv[2]).network)' "$other_ip" "$own"
  assert_output False
  # No IPv6 on the node (the fence is IPv4's): no link-local address of the node for a box to reach,
  # on any of the boxes' bridges either.
  run ip -n ie-worker1 -6 -o addr show
  assert_output ''
  zx_script stop --engine swarm "$other" >/dev/null
  # The same addresses answer from the host: what stops the box is the fence, not a missing target.
  curl -sf "http://$TARGET:8080/probe"
  curl -sf "http://$METADATA:8080/probe"
}

@test "[cluster] the isolation suite's escape attempts fail on the worker too" {
  run env ISOLATION_ON_SWARM=1 bats "$REPO_ROOT/images/base/test/isolation.bats"
  assert_success
  assert_output --partial 'ok 9 '
  refute_output --partial 'not ok'
}

@test "[cluster] list shows the interviews of both nodes; a name the Swarm has is refused; stop leaves nothing" {
  local worker_interview
  worker_interview=$(cat "$BATS_FILE_TMPDIR/worker-interview")
  start_interview hello --engine swarm --constraint node.role==manager
  [ "$(jq -r .node <<<"$RUN_JSON")" = ie-manager ]
  run zx_script list --engine swarm
  assert_success
  # Behind the front door (the default), at the door's address; with --no-door, at its node's.
  assert_line --regexp "^$INTERVIEW +hello +ie-manager +127\.0\.0\.1:$SSH_PORT +.* running$"
  assert_line --regexp "^$worker_interview +hello +ie-worker1 +$WORKER:[0-9]+ +.* running$"
  run zx_script run hello --engine swarm --name "$INTERVIEW"
  assert_user_error "an interview named \"$INTERVIEW\" already exists on the Swarm"
  run zx_script stop --engine swarm "$INTERVIEW"
  assert_success
  assert_output "stopped: $INTERVIEW"
  [ "$(on_swarm "$INTERVIEW")" = '' ]
  [ "$(on_manager service ls -q --filter "label=interview-env.interview=$INTERVIEW")" = '' ]
  [ "$(on_manager network ls --format '{{.Name}}' | grep -x "ie-$INTERVIEW")" = '' ]
  [ "$(on_node ie-worker1 network ls --format '{{.Name}}' | grep -x "ie-$INTERVIEW")" = '' ]
  run zx_script stop --engine swarm "$INTERVIEW"
  assert_user_error 'no interview named'
}

@test "[cluster] a multi-service task (shop-outage) runs across the cluster on its own overlay; debug --service reaches a service on its node; its check turns OK after the solution; stop leaves nothing" {
  local node service id
  start_interview shop-outage --engine swarm --constraint node.hostname==ie-worker1
  [ "$(jq -r .node <<<"$RUN_JSON")" = ie-worker1 ]
  [ "$(jq -r '.services | join(",")' <<<"$RUN_JSON")" = db,web ]
  # Its services are Swarm services of the interview, placed by the scheduler: not all on the box's node.
  run on_manager service ps "ie-$INTERVIEW-db" "ie-$INTERVIEW-web" --format '{{.Node}} {{.CurrentState}}'
  assert_line --regexp '^ie-manager Running'
  # Each is on the interview's internal overlay alone (no docker_gwbridge, no way out); the box is on it too.
  for service in db web; do
    for node in ie-manager ie-worker1; do
      local id
      id=$(on_node "$node" ps -q --filter "label=com.docker.swarm.service.name=ie-$INTERVIEW-$service")
      [ -n "$id" ] || continue
      [ "$(on_node "$node" inspect "$id" --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}')" = "ie-$INTERVIEW-services " ]
    done
  done
  on_manager network inspect "ie-$INTERVIEW-services" --format '{{.Driver}} {{.Internal}} {{.Attachable}}' | grep -qx 'overlay true false'
  # The box reaches the services by name, across the nodes; the check says what is broken, then OK.
  run zx_script check "$INTERVIEW" --engine swarm
  assert_failure 1
  assert_output --regexp '^NO: '
  # debug --service opens a shell in a service, on whichever node runs it.
  for node in ie-manager ie-worker1; do
    id=$(on_node "$node" ps -q --filter "label=com.docker.swarm.service.name=ie-$INTERVIEW-db")
    [ -n "$id" ] && break
  done
  run zx_script debug "$INTERVIEW" --engine swarm --service db -- hostname
  assert_success
  assert_output "${id:0:12}"
  run zx_script debug "$INTERVIEW" --engine swarm --service nope -- true
  assert_user_error "interview \"$INTERVIEW\" has no service \"nope\" on the Swarm"
  assert_output --partial 'its services: db, web'
  run zx_script debug "$INTERVIEW" --engine swarm -- su user -c "$(cat "$REPO_ROOT/images/tasks/shop-outage/solution")"
  assert_success
  run zx_script check "$INTERVIEW" --engine swarm
  assert_success
  assert_output OK
  run zx_script stop --engine swarm "$INTERVIEW"
  assert_success
  [ "$(on_swarm "$INTERVIEW")" = '' ]
  [ "$(on_manager service ls -q --filter "label=interview-env.interview=$INTERVIEW")" = '' ]
  [ "$(on_manager network ls --format '{{.Name}}' | grep -E "^ie-$INTERVIEW(-services)?$")" = '' ]
  for node in ie-manager ie-worker1; do
    [ "$(on_node "$node" volume ls -q --filter "label=interview-env.interview=$INTERVIEW")" = '' ]
  done
}

@test "[cluster] a time limit on the Swarm: the recorder on this host stops the box when time is up, and the recording says so" {
  start_interview hello --engine swarm --constraint node.hostname==ie-worker1 --ttl 12s
  [ "$(jq -r .endsAt <<<"$RUN_JSON")" != null ]
  run ssh_as_candidate 'echo before-the-end'
  assert_output before-the-end
  wait_for_line "$(recording)/events.jsonl" '"type":"expired"' 40
  wait_for_line "$(recording)/events.jsonl" '"type":"end"' 20
  [ "$(on_manager service ls -q --filter "label=interview-env.interview=$INTERVIEW")" = '' ]
  for _ in $(seq 60); do [ "$(on_swarm "$INTERVIEW")" = '' ] && break; sleep 0.5; done
  [ "$(on_swarm "$INTERVIEW")" = '' ]
}

@test "[cluster] a node dies: its interview shows as lost and is not started again elsewhere; the manager's goes on" {
  local worker_interview state= token web_port
  worker_interview=$(cat "$BATS_FILE_TMPDIR/worker-interview")
  start_interview hello --engine swarm --constraint node.role==manager
  # The cockpit's server, which lists the Swarm's interviews beside the interview engine's.
  start_cockpit
  token=$TOKEN web_port=${COCKPIT_URL##*:}
  curl -sf -H "authorization: Bearer $token" "http://127.0.0.1:$web_port/api/interviews" -o "$BATS_FILE_TMPDIR/api.json"
  jq -e --arg name "$worker_interview" '.[] | select(.name == $name and .node == "ie-worker1" and .state == "running" and .recorded)' "$BATS_FILE_TMPDIR/api.json" >/dev/null || { cat "$BATS_FILE_TMPDIR/api.json" "$BATS_FILE_TMPDIR/serve.log"; false; }
  # The cockpit's check of it runs on its node: the fault applied earlier is still there, and named.
  run curl -sf -X POST -H "authorization: Bearer $token" "http://127.0.0.1:$web_port/api/interviews/$worker_interview/check"
  assert_success
  jq -e '.ok == false and (.message | startswith("NO: (fault service-stopped)"))' <<<"$output" >/dev/null
  wait_for_line "$(recording "$worker_interview")/events.jsonl" '"type":"check","by":"alice"'
  # The worker goes as a machine would: its engine, and everything of the node with it.
  pkill -KILL -f '^dockerd --host unix:///run/interview-env/cluster/ie-worker1/'
  for _ in $(seq 60); do
    state=$(zx_script list --engine swarm | awk -v name="$worker_interview" '$1 == name {print $NF}')
    [ "$state" = lost ] && break
    sleep 1
  done
  [ "$state" = lost ]
  # The cockpit shows it lost, on its node; its recording is kept up to the loss, and complete.
  curl -sf -H "authorization: Bearer $token" "http://127.0.0.1:$web_port/api/interviews" -o "$BATS_FILE_TMPDIR/api.json"
  # An action on it says it is lost (409), in one line.
  run api POST "/interviews/$worker_interview/check" -o /dev/null -w '%{http_code}'
  assert_output 409
  run api POST "/interviews/$worker_interview/check"
  assert_output --partial "is lost: its node ie-worker1 is down"
  jq -e --arg name "$worker_interview" '.[] | select(.name == $name and .node == "ie-worker1" and .state == "lost")' "$BATS_FILE_TMPDIR/api.json" >/dev/null
  jq -e --arg name "$INTERVIEW" '.[] | select(.name == $name and .node == "ie-manager" and .state == "running")' "$BATS_FILE_TMPDIR/api.json" >/dev/null
  wait_for_line "$(recording "$worker_interview")/events.jsonl" '"type":"end"' 20
  grep -q 'typed-on-the-42th-node' "$(recording "$worker_interview")/session.cast"
  [ -s "$(recording "$worker_interview")/summary.md" ]
  run zx_script check "$worker_interview" --engine swarm
  assert_user_error "interview \"$worker_interview\" is lost: its node ie-worker1 is down"
  run zx_script cluster status
  assert_line --regexp '^ie-worker1 +worker +10\.211\.0\.3 +stopped +silent +down'
  # Taken down from the cockpit all the same: its service goes, its recording stays.
  run api DELETE "/interviews/$worker_interview"
  assert_output "{\"stopped\":\"$worker_interview\"}"
  [ "$(on_manager service ls -q --filter "label=interview-env.interview=$worker_interview")" = '' ]
  [ -s "$(recording "$worker_interview")/summary.md" ]
  kill "$(cat "$BATS_FILE_TMPDIR/serve.pid")"
  # The manager's interview goes on, and the lost box was not started again on the manager.
  run ssh_as_candidate 'echo still-here'
  assert_output still-here
  [ "$(on_node ie-manager ps -aq --filter "label=interview-env.interview=$worker_interview")" = '' ]
  run zx_script list --engine swarm
  assert_line --regexp "^$INTERVIEW +hello +ie-manager +.* running$"
  # Both stop; the worker comes back with nothing of the lost box.
  run zx_script stop --engine swarm --all
  assert_success
  run zx_script cluster up
  assert_success
  # The worker removes the lost box's container once it is back and hears the task is gone.
  for _ in $(seq 60); do [ "$(on_swarm "$worker_interview")" = '' ] && break; sleep 0.5; done
  [ "$(on_swarm "$worker_interview")" = '' ]
  [ "$(on_swarm "$INTERVIEW")" = '' ]
  [ "$(on_manager service ls -q --filter label=interview-env.managed=true)" = '' ]
  [ "$(on_manager network ls --format '{{.Name}}' | grep -E "^ie-($INTERVIEW|$worker_interview)$")" = '' ]
}

@test "[cluster] a node not labelled as remapping users gets no box with SYS_ADMIN" {
  # Last of the tests with a box: Swarm ends a running box whose node no longer meets its constraints.
  on_manager node update --label-rm interview-env.userns ie-worker1 >/dev/null
  run zx_script run hello --engine swarm --constraint node.hostname==ie-worker1 --name bats-unlabelled
  on_manager node update --label-add interview-env.userns=true ie-worker1 >/dev/null
  assert_user_error 'no node of the Swarm can take the box'
  assert_output --partial 'docker node update --label-add interview-env.userns=true'
  [ "$(on_swarm bats-unlabelled)" = '' ]
  [ "$(on_manager service ls -q --filter label=interview-env.interview=bats-unlabelled)" = '' ]
  [ "$(on_manager network ls --format '{{.Name}}' | grep -x ie-bats-unlabelled)" = '' ]
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
  run pgrep -f 'node-gate.py'
  assert_failure
  run iptables -S
  refute_output --partial INTERVIEW-CLUSTER
  run iptables -t raw -S
  refute_output --partial INTERVIEW-CLUSTER
  run ip -br link
  refute_output --regexp '^vie-'
  run grep -c ' /var/lib/interview-env/cluster\| /run/interview-env/cluster' /proc/self/mountinfo
  assert_output 0
  [ ! -e /var/lib/interview-env/cluster ]
  [ ! -e /run/interview-env/cluster ]
  # The interview engine is untouched.
  docker info >/dev/null
}
