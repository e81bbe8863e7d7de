# Every bad input gets an `error:` line and a `hint:` line, exit 1, and leaves nothing running.
load helpers

setup_file() { KEY=$(new_key good); export KEY; }
teardown() { [ -n "${LISTENER:-}" ] && kill "$LISTENER" 2>/dev/null; rm -rf ${BROKEN_TASK:-/nonexistent}; true; }

@test "[bad input] an unknown task lists the known ones" {
  name=$(new_interview_name unknown)
  run zx_script run ngnix-502 --name "$name"
  assert_user_error
  assert_line 'error: unknown image or task "ngnix-502"'
  assert_line --regexp '^hint: known: base'
  assert_nothing_left "$name"
}

@test "[bad input] a Docker daemon that cannot be reached says how to start one" {
  run env DOCKER_HOST=unix:///tmp/no-docker-here.sock "$ZX" "$REPO_ROOT/scripts/run.mjs" base
  assert_user_error
  assert_line --partial 'error: cannot reach the Docker daemon at unix:///tmp/no-docker-here.sock'
  assert_line --partial 'dockerd'
  run env DOCKER_HOST=unix:///tmp/no-docker-here.sock "$ZX" "$REPO_ROOT/scripts/list.mjs"
  assert_user_error
}

@test "[bad input] a port already in use" {
  port=$(( 20000 + RANDOM % 10000 ))
  node -e "require('net').createServer().listen($port, '127.0.0.1')" &
  LISTENER=$!
  sleep 0.5
  name=$(new_interview_name port)
  run zx_script run base --name "$name" --no-door --port "$port"
  assert_user_error
  assert_line "error: port $port on 127.0.0.1 is already in use"
  assert_nothing_left "$name"
}

@test "[bad input] a missing, invalid or private key file is refused before anything starts" {
  name=$(new_interview_name keys)
  run zx_script run base --name "$name" --key /nonexistent/key.pub
  assert_user_error
  assert_line --partial 'error: cannot read key file /nonexistent/key.pub'
  echo 'ssh-ed25519 not-base64!!' > "$BATS_TEST_TMPDIR/bad.pub"
  run zx_script run base --name "$name" --key "$BATS_TEST_TMPDIR/bad.pub"
  assert_user_error
  assert_line --partial 'is not an SSH public key'
  run zx_script run base --name "$name" --key "$KEY"
  assert_user_error
  assert_line --partial 'is a private key'
  assert_nothing_left "$name"
}

@test "[bad input] --no-password without a key" {
  name=$(new_interview_name nokey)
  run zx_script run base --name "$name" --no-password
  assert_user_error
  assert_line --partial 'nobody able to log in'
  assert_nothing_left "$name"
}

@test "[bad input] an unknown variant names the task's variants; --variant of a task without variants" {
  name=$(new_interview_name variant)
  run zx_script run dns --name "$name" --variant nsswich
  assert_user_error
  assert_line 'error: dns has no variant "nsswich": its variants are nsswitch, typo, address'
  assert_line 'hint: e.g. --variant nsswitch, or leave --variant out to draw one at random'
  run zx_script run hello --name "$name" --variant typo
  assert_user_error
  assert_line 'error: hello has no variants, so --variant typo cannot pin one'
  run zx_script run base --name "$name" --variant typo
  assert_user_error 'base has no variants'
  assert_nothing_left "$name"
}

@test "[bad input] a name already taken" {
  name=$(new_interview_name taken)
  zx_script run base --name "$name" >/dev/null
  run zx_script run base --name "$name"
  stop_interview "$name"
  assert_user_error
  assert_line "error: an interview named \"$name\" already exists"
}

@test "[bad input] a name that cannot name an interview" {
  run zx_script run base --name 'Bad_Name!'
  assert_user_error
  assert_line --partial 'cannot name an interview'
}

@test "[bad input] stopping an unknown interview stops nothing" {
  name=$(new_interview_name keep)
  zx_script run base --name "$name" >/dev/null
  run zx_script stop "$name" no-such-interview
  assert_user_error
  assert_line 'error: no interview named "no-such-interview"'
  assert_line --partial "$name"
  run docker ps -q --filter "label=interview-env.interview=$name"
  refute_output ''
  stop_interview "$name"
}

@test "[bad input] a build failure shows the last lines of the failing step" {
  name="bats-broken-$RANDOM"
  BROKEN_TASK="$REPO_ROOT/images/tasks/$name"
  zx_script new-task "$name" >/dev/null
  printf 'ARG BASE=interview-env/base\nFROM ${BASE}\nRUN echo "about to fail: missing-package-xyz" && exit 3\n' > "$BROKEN_TASK/Dockerfile"
  run zx_script build "$name"
  assert_failure 1
  assert_line --regexp "^error: building interview-env/$name failed with exit code [0-9]+$"
  assert_line --regexp "^$name  step 3/4  RUN echo \"about to fail: missing-package-xyz\" && exit 3  [0-9]+\.[0-9]s  failed$"
  assert_line --partial '| about to fail: missing-package-xyz'
  assert_line --regexp "^hint: fix .*/Dockerfile and run the build again \(full log: $REPO_ROOT/.build-logs/$name.log\)$"
  run grep -cx 'about to fail: missing-package-xyz' "$REPO_ROOT/.build-logs/$name.log"
  assert_output 1
  rm -f "$REPO_ROOT/.build-logs/$name.log"
  assert_equal "$(docker ps -aq --filter status=exited --filter "label=interview-env.image=base")" ''
}

@test "[bad input] a malformed task folder fails the build, naming the file" {
  name="bats-malformed-$RANDOM"
  BROKEN_TASK="$REPO_ROOT/images/tasks/$name"
  zx_script new-task "$name" >/dev/null
  rm "$BROKEN_TASK/check"
  run zx_script build "$name"
  assert_user_error
  assert_line "error: $BROKEN_TASK/check is missing"
  zx_script new-task "$name-2" >/dev/null
  BROKEN_TASK="$BROKEN_TASK $REPO_ROOT/images/tasks/$name-2"
  sed -i 's/^difficulty: easy/difficulty: impossible/' "$REPO_ROOT/images/tasks/$name-2/task.md"
  run zx_script run "$name-2"
  assert_user_error
  assert_line --partial "images/tasks/$name-2/task.md: \"difficulty\" must be one of easy, medium, hard"
  assert_nothing_left "$name-2"
}

@test "[bad input] an unknown option or a missing argument points to --help" {
  run zx_script run
  assert_user_error
  run zx_script run base --colour blue
  assert_user_error
  assert_line --partial 'Unknown argument'
}

@test "[bad input] a host folder behind a variable or a volume's driver options is refused, as Compose would resolve it" {
  name="bats-compose-$RANDOM"
  BROKEN_TASK="$REPO_ROOT/images/tasks/$name"
  zx_script new-task "$name" >/dev/null
  mkdir -p "$BROKEN_TASK/services/db"
  printf 'FROM debian:bookworm-slim\n' > "$BROKEN_TASK/services/db/Dockerfile"
  printf 'compose.yaml\nservices\n' >> "$BROKEN_TASK/.dockerignore"
  printf "version: '2.4'\nservices:\n  db:\n    build: services/db\n    volumes: ['\${HOME}:/host-home']\n" > "$BROKEN_TASK/compose.yaml"
  run zx_script run "$name" --name "$name"
  assert_user_error
  assert_line "error: $BROKEN_TASK/compose.yaml: service \"db\" volumes mounts a host path ($HOME)"
  printf "version: '2.4'\nservices:\n  db:\n    build: services/db\n    volumes: ['data:/d']\nvolumes:\n  data:\n    driver_opts: {type: none, o: bind, device: /etc}\n" > "$BROKEN_TASK/compose.yaml"
  run zx_script run "$name" --name "$name"
  assert_user_error
  assert_line "error: $BROKEN_TASK/compose.yaml: volumes.data.driver_opts can bind a host folder (/etc)"
  run docker image inspect "interview-env/$name"
  assert_failure
  assert_nothing_left "$name"
}

@test "[bad input] a multi-service task whose service would publish a port is refused before anything is built" {
  name="bats-compose-$RANDOM"
  BROKEN_TASK="$REPO_ROOT/images/tasks/$name"
  zx_script new-task "$name" >/dev/null
  mkdir -p "$BROKEN_TASK/services/db"
  printf 'FROM debian:bookworm-slim\n' > "$BROKEN_TASK/services/db/Dockerfile"
  printf 'compose.yaml\nservices\n' >> "$BROKEN_TASK/.dockerignore"
  printf "version: '2.4'\nservices:\n  db:\n    build: services/db\n    ports: ['5432:5432']\n" > "$BROKEN_TASK/compose.yaml"
  run zx_script run "$name" --name "$name"
  assert_user_error
  assert_line "error: $BROKEN_TASK/compose.yaml: service \"db\" sets ports, which would reach past the interview's private network"
  assert_line 'hint: remove ports: services are reachable only from the box, by name'
  run docker image inspect "interview-env/$name"
  assert_failure
  assert_nothing_left "$name"
}

@test "[bad input] output piped into a reader that stops early ends quietly, with no stack trace" {
  err=$BATS_TEST_TMPDIR/stderr
  run bash -c "set -o pipefail; '$ZX' '$REPO_ROOT/scripts/fence.mjs' show 2>'$err' | head -n 1; echo \"exit \${PIPESTATUS[0]}\"; cat '$err'"
  assert_success
  assert_line --index 1 'exit 0'
  assert_line --index 0 --partial '-A INTERVIEW-FORWARD'
  refute_output --partial 'EPIPE'
}

@test "[bad input] the checker is a tool, not an interview" {
  name=$(new_interview_name checker)
  run zx_script run checker --name "$name"
  assert_user_error 'checker is a tool of interview-env, not an interview'
  assert_nothing_left "$name"
}

@test "[bad input] --port without --no-door is refused before a door or an interview starts" {
  name=$(new_interview_name door)
  run zx_script run base --name "$name" --door-port 7625 --port 2299
  assert_user_error
  assert_line --partial 'only a --no-door interview publishes'
  assert_nothing_left "$name"
  run pgrep -f "door.mjs --bind 127.0.0.1 --port 7625"
  assert_failure
}
