# Helpers shared by every image's bats tests. Interviews are started through the real scripts,
# and people log in with the real OpenSSH client; host-side tmux gives each client a real terminal.
# Public helpers are plain names; internal ones start with `_`.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ZX="$REPO_ROOT/node_modules/.bin/zx"
BATS_LIB="${BATS_LIB:-/usr/lib/bats}"
load "$BATS_LIB/bats-support/load"
load "$BATS_LIB/bats-assert/load"

# Recordings of test interviews go to the run's temporary folder, not the repository's recordings/.
export INTERVIEW_ENV_RECORDINGS="${INTERVIEW_ENV_RECORDINGS:-${BATS_RUN_TMPDIR:-/tmp}/recordings}"

# The tests' own front door: its port and folder are the test run's, apart from any door the
# machine's users run (7622), and the same for every bats run of the suite (the first starts it).
export INTERVIEW_ENV_DOOR_PORT="${INTERVIEW_ENV_DOOR_PORT:-7624}"
export INTERVIEW_ENV_DOOR_DIR="${INTERVIEW_ENV_DOOR_DIR:-${TMPDIR:-/tmp}/interview-env-test-door}"

# door_answers PORT: whether an interview-env front door answers on 127.0.0.1:PORT.
door_answers() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && head -c 21 <&3" 2>/dev/null | grep -q '^SSH-2.0-interview-env'; }

# start_door PORT: a front door of the tests' folder on PORT, on its own (scripts/door.mjs), unless
# one answers. The tests' shared door runs on its own, so that a test that kills a recorder or a
# gateway never takes it down; `run` finds it and starts only the pieces it lacks. (With nothing
# serving its ports, `run` starts the whole server instead: tests/server-start.bats.)
start_door() {
  local port=$1 log="$INTERVIEW_ENV_DOOR_DIR/door.log"
  door_answers "$port" && return 0
  mkdir -p "$INTERVIEW_ENV_DOOR_DIR"
  # In the background with none of bats' descriptors (bats waits for every holder of its pipes).
  (
    for fd in /proc/$BASHPID/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
    exec setsid "$ZX" "$REPO_ROOT/scripts/door.mjs" --bind 127.0.0.1 --port "$port" >>"$log" 2>&1 </dev/null
  ) &
  for _ in $(seq 100); do door_answers "$port" && return 0; sleep 0.1; done
  echo "the tests' front door did not start on port $port: see $log" >&2
  return 1
}
start_door "$INTERVIEW_ENV_DOOR_PORT"

# Every interview a test starts is named bats-..., so strays are easy to find and remove.
new_interview_name() { echo "bats-$1-$RANDOM$RANDOM"; }

# A fresh ed25519 keypair: `new_key NAME` prints the private key's path; the public key is beside it (.pub).
new_key() {
  local dir
  dir=$(mktemp -d "$BATS_FILE_TMPDIR/key.XXXXXX")
  ssh-keygen -q -t ed25519 -N '' -C "$1" -f "$dir/$1"
  echo "$dir/$1"
}

# start_interview TASK [run args...]: starts an interview with a candidate key and exports
# INTERVIEW, SSH_PORT, SSH_USER, SSH_PASSWORD, SSH_KEY, HOST_KEY and RUN_JSON (what `run --json`
# printed). People come in through the front door (user: the interview's name) unless --no-door.
start_interview() {
  local task=$1; shift
  SSH_KEY=$(new_key candidate)
  INTERVIEW=$(new_interview_name "$task")
  RUN_JSON=$("$ZX" "$REPO_ROOT/scripts/run.mjs" "$task" --name "$INTERVIEW" --key "$SSH_KEY.pub" --json "$@") || return 1
  SSH_PORT=$(jq -r .port <<<"$RUN_JSON")
  SSH_USER=$(jq -r .user <<<"$RUN_JSON")
  SSH_PASSWORD=$(jq -r .password <<<"$RUN_JSON")
  HOST_KEY=$(jq -r .hostKeyFingerprint <<<"$RUN_JSON")
  # On a Swarm the box is joined at its node's address; otherwise on this host.
  SSH_HOST=$(jq -r 'if .node then .host else "127.0.0.1" end' <<<"$RUN_JSON")
  export INTERVIEW SSH_PORT SSH_USER SSH_PASSWORD SSH_KEY HOST_KEY RUN_JSON SSH_HOST
}

# stop_interview [NAME]: prints the container's last log lines (shown when a test failed), then stops it.
stop_interview() {
  local name=${1:-$INTERVIEW}
  [ -n "$name" ] || return 0
  echo "# last log lines of $name:" >&3
  docker logs --tail 10 "ie-$name" 2>&1 | sed 's/^/#   /' >&3 || true
  "$ZX" "$REPO_ROOT/scripts/stop.mjs" "$name" >/dev/null 2>&1 || true
}

_ssh_options=(-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=10)

# ssh_as_candidate [CMD...]: a key login, running CMD (non-interactive).
ssh_as_candidate() {
  ssh "${_ssh_options[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$SSH_KEY" -p "$SSH_PORT" "$SSH_USER@${SSH_HOST:-127.0.0.1}" "$@"
}

# ssh_with_password PASSWORD [USER] [CMD...]: a password-only login.
ssh_with_password() {
  local password=$1 user=${2:-$SSH_USER}; shift 2 || shift $#
  SSHPASS="$password" sshpass -e ssh "${_ssh_options[@]}" -o PubkeyAuthentication=no -o PreferredAuthentications=password \
    -o NumberOfPasswordPrompts=1 -p "$SSH_PORT" "$user@${SSH_HOST:-127.0.0.1}" "${@:-true}"
}

# ssh_with_key KEYFILE [CMD...]: a key login with a given private key.
ssh_with_key() {
  local key=$1; shift
  ssh "${_ssh_options[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$key" -p "$SSH_PORT" "$SSH_USER@${SSH_HOST:-127.0.0.1}" "$@"
}

# Terminals: an interactive SSH client in a host-side tmux pane, as a person would have.
_tmux() { tmux -L "bats-$INTERVIEW" "$@"; }

# terminal_open ID [KEY]: logs in interactively (joining the shared session) in terminal ID, with KEY
# (default: the candidate's key).
terminal_open() {
  local ssh_cmd="ssh ${_ssh_options[*]} -o BatchMode=yes -o IdentitiesOnly=yes -i ${2:-$SSH_KEY} -p $SSH_PORT -tt $SSH_USER@${SSH_HOST:-127.0.0.1}"
  _tmux new-session -d -s "$1" -x 120 -y 40 "$ssh_cmd"
  wait_for_screen "$1" 'connected'
}

# terminal_type ID TEXT: types TEXT and Enter in terminal ID.
terminal_type() {
  _tmux send-keys -t "$1" -l "$2"
  _tmux send-keys -t "$1" Enter
}

terminal_screen() { _tmux capture-pane -p -t "$1"; }

# wait_for_screen ID TEXT [SECONDS]: waits until terminal ID shows TEXT.
wait_for_screen() {
  local deadline=$((SECONDS + ${3:-10}))
  while [ "$SECONDS" -lt "$deadline" ]; do
    terminal_screen "$1" 2>/dev/null | grep -qF -- "$2" && return 0
    sleep 0.2
  done
  echo "terminal $1 never showed '$2'; it shows:" >&2
  terminal_screen "$1" >&2 || true
  return 1
}

close_terminals() { _tmux kill-server 2>/dev/null || true; }

# recording [NAME]: the folder of an interview's recording.
recording() { echo "$INTERVIEW_ENV_RECORDINGS/${1:-$INTERVIEW}"; }

# wait_for_line FILE PATTERN [SECONDS]: waits until FILE has a line matching PATTERN (grep -E).
wait_for_line() {
  local deadline=$((SECONDS + ${3:-10}))
  until grep -qE -- "$2" "$1" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "$1 never had a line matching $2; it has:" >&2; cat "$1" >&2; return 1; }
    sleep 0.2
  done
}

# interview_container [NAME]: the container's name, for docker inspect/exec in host-side checks.
interview_container() { echo "ie-${1:-$INTERVIEW}"; }

# interview_cgroup_value FILE: reads a cgroup file (e.g. pids.current) of the interview from the host side.
interview_cgroup_value() {
  local id file
  id=$(docker inspect -f '{{.Id}}' "$(interview_container)")
  for file in /sys/fs/cgroup/*/docker/"$id"/"$1" /sys/fs/cgroup/*/system.slice/docker-"$id".scope/"$1" \
              /sys/fs/cgroup/system.slice/docker-"$id".scope/"$1"; do
    [ -r "$file" ] && { cat "$file"; return 0; }
  done
  return 1
}

# zx_script NAME [ARGS...]: runs scripts/NAME.mjs as a user would.
zx_script() { "$ZX" "$REPO_ROOT/scripts/$1.mjs" "${@:2}"; }

# service_container SERVICE [NAME]: the id of an interview's service container (a multi-service task's db...).
service_container() {
  docker ps -q --filter "label=interview-env.interview=${2:-$INTERVIEW}" --filter "label=com.docker.compose.service=$1"
}

# assert_nothing_left NAME: no container, network or volume of the interview remains, whether
# labelled by interview-env or named by the Compose project of its services.
assert_nothing_left() {
  local label="label=interview-env.interview=$1" project="label=com.docker.compose.project=ie-$1"
  assert_equal "$(docker ps -aq --filter "$label"; docker ps -aq --filter "$project")" ''
  assert_equal "$(docker network ls -q --filter "$label"; docker network ls --format '{{.Name}}' | grep -x "ie-$1")" ''
  assert_equal "$(docker volume ls -q --filter "$label"; docker volume ls -q --filter "$project")" ''
}

# assert_user_error [TEXT]: the last `run` failed with exit 1, an `error:` line (with TEXT) and a
# `hint:` line, and no stack.
assert_user_error() {
  assert_failure 1
  [ -z "${1:-}" ] || assert_output --partial "$1"
  assert_line --regexp '^error: '
  assert_line --regexp '^hint: '
  refute_output --partial '    at '
}
