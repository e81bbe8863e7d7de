# Publishing, against a real registry (Debian's docker-registry) on 127.0.0.1:
# push, remove the local copy, pull it back, run it, and log in.
load helpers

setup_file() {
  REGISTRY_PORT=$(( 15000 + RANDOM % 1000 ))
  REGISTRY="127.0.0.1:$REGISTRY_PORT"
  NAMESPACE="bats$RANDOM"
  export REGISTRY NAMESPACE
  mkdir -p "$BATS_FILE_TMPDIR/registry"
  printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n' "$BATS_FILE_TMPDIR/registry" "$REGISTRY" > "$BATS_FILE_TMPDIR/registry.yml"
  docker-registry serve "$BATS_FILE_TMPDIR/registry.yml" > "$BATS_FILE_TMPDIR/registry.log" 2>&1 &
  echo $! > "$BATS_FILE_TMPDIR/registry.pid"
  for _ in $(seq 50); do curl -sf "http://$REGISTRY/v2/" >/dev/null && return 0; sleep 0.2; done
  cat "$BATS_FILE_TMPDIR/registry.log" >&2
  return 1
}

teardown_file() {
  docker rm -f bats-published >/dev/null 2>&1 || true
  docker rmi "$REGISTRY/$NAMESPACE/ssh-interview:test" >/dev/null 2>&1 || true
  kill "$(cat "$BATS_FILE_TMPDIR/registry.pid")" 2>/dev/null || true
}

@test "[publish] pushes the base as ssh-interview to the registry" {
  run zx_script publish base --registry "$REGISTRY" --namespace "$NAMESPACE" --tag test
  assert_success
  assert_line "pushing interview-env/base as $REGISTRY/$NAMESPACE/ssh-interview:test"
  assert_line "$REGISTRY/$NAMESPACE/ssh-interview:test"
  run curl -s "http://$REGISTRY/v2/$NAMESPACE/ssh-interview/tags/list"
  assert_output --partial '"test"'
}

@test "[publish] the image pulled back from the registry runs an interview that accepts a login" {
  ref="$REGISTRY/$NAMESPACE/ssh-interview:test"
  docker rmi "$ref" >/dev/null
  run docker image inspect "$ref"
  assert_failure
  run docker pull "$ref"
  assert_success
  docker run -d --name bats-published -p 127.0.0.1::22 -e INTERVIEW_PASSWORD=pulled-back-123 "$ref" >/dev/null
  SSH_PORT=$(docker port bats-published 22 | head -n1 | cut -d: -f2)
  for _ in $(seq 50); do ssh_with_password pulled-back-123 user true 2>/dev/null && break; sleep 0.2; done
  run ssh_with_password pulled-back-123 user 'echo pulled; cat /etc/interview/interview.env | head -n1'
  assert_success
  assert_line pulled
}

@test "[publish] a multi-service task goes with its services, each as ssh-interview-<task>-<service>" {
  run zx_script publish shop-outage --registry "$REGISTRY" --namespace "$NAMESPACE" --tag test
  assert_success
  names="ssh-interview ssh-interview-shop-outage ssh-interview-shop-outage-db ssh-interview-shop-outage-web"
  for name in $names; do assert_line "$REGISTRY/$NAMESPACE/$name:test"; done
  for name in $names; do
    run curl -s "http://$REGISTRY/v2/$NAMESPACE/$name/tags/list"
    assert_output --partial '"test"'
  done
  docker rmi "$REGISTRY/$NAMESPACE/ssh-interview-shop-outage:test" "$REGISTRY/$NAMESPACE/ssh-interview-shop-outage-db:test" "$REGISTRY/$NAMESPACE/ssh-interview-shop-outage-web:test" >/dev/null
}

@test "[publish] an unreachable registry (leaving no tag behind), a missing image and a bad namespace are explained" {
  run zx_script publish base --registry 127.0.0.1:1 --namespace "$NAMESPACE"
  assert_failure 1
  assert_line --regexp '^error: docker push 127\.0\.0\.1:1/.* failed'
  assert_line --regexp '^hint: '
  run docker image inspect "127.0.0.1:1/$NAMESPACE/ssh-interview:latest"
  assert_failure
  run zx_script publish no-such-task --namespace acme
  assert_user_error
  assert_line 'error: unknown image or task "no-such-task"'
  run zx_script publish base --namespace 'Not Valid'
  assert_user_error
  run zx_script publish base
  assert_user_error
  assert_line --partial 'namespace'
}
