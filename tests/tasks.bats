# The task machinery from the interviewer's side: the scaffold, the authoritative check, the catalog.
load helpers

teardown() {
  rm -rf "${SCAFFOLD:-/nonexistent}"
  # The scaffold test lists its task in README.md's catalog and measures it: put both back as they were.
  [ -z "${README_COPY:-}" ] || cp "$README_COPY" "$REPO_ROOT/README.md"
  [ -z "${SIZES_COPY:-}" ] || cp "$SIZES_COPY" "$REPO_ROOT/images/tasks/sizes.json"
  [ -n "${INTERVIEW:-}" ] && stop_interview
  true
}

@test "[new-task] a scaffolded task, once the catalog is regenerated, builds and passes the whole generic task suite as it is" {
  name="bats-scaffold-$RANDOM"
  SCAFFOLD="$REPO_ROOT/images/tasks/$name"
  README_COPY="$BATS_TEST_TMPDIR/README.md"
  cp "$REPO_ROOT/README.md" "$README_COPY"
  SIZES_COPY="$BATS_TEST_TMPDIR/sizes.json"
  cp "$REPO_ROOT/images/tasks/sizes.json" "$SIZES_COPY"
  run zx_script new-task "$name"
  assert_success
  assert_line "created $SCAFFOLD"
  assert_line --partial 'npx zx scripts/catalog.mjs --write'
  run zx_script catalog --check
  assert_user_error "catalog of tasks is out of date: $name"
  run zx_script catalog --write
  assert_output 'README.md: catalog updated'
  run grep -c "^| \`$name\` | $name | easy | 5 | files | ls, cat | - | ? |$" "$REPO_ROOT/README.md"
  assert_output 1
  run zx_script build "$name"
  assert_success
  run zx_script catalog --sizes
  assert_success
  run grep -c "^| \`$name\` | $name | easy | 5 | files | ls, cat | - | +[0-9.]* MiB |$" "$REPO_ROOT/README.md"
  assert_output 1
  run env TASK="$name" bats "$REPO_ROOT/tests/task-suite"
  echo "$output"
  assert_success
  run zx_script new-task "$name"
  assert_user_error
  docker rmi -f "interview-env/$name" >/dev/null
}

@test "[check] the interviewer's check ignores a check the candidate replaced inside" {
  start_interview hello
  ssh_as_candidate 'sudo sh -c "printf \"#!/bin/sh\necho OK\n\" > /usr/local/lib/interview/task/check"'
  run ssh_as_candidate task check
  assert_output OK
  run zx_script check "$INTERVIEW"
  assert_failure 1
  assert_output --regexp '^NO: '
}

@test "[check] a fix that does not hold is not OK: the check runs twice" {
  start_interview hello
  # A secret.txt that is right now, and is gone a second later.
  run ssh_as_candidate 'sudo cat /var/lib/interview/task/secret > ~/secret.txt; (sleep 1.8; rm ~/secret.txt) >/dev/null 2>&1 &'
  run zx_script check "$INTERVIEW"
  assert_failure 1
  assert_output 'NO: /home/user/secret.txt is missing or empty'
}

@test "[check] an interview of the base image has no check; an unknown interview is named" {
  start_interview base
  run zx_script check "$INTERVIEW"
  assert_user_error
  assert_line --partial 'has no check'
  run zx_script check no-such-interview
  assert_user_error
  assert_line 'error: no interview named "no-such-interview"'
}

@test "[list] --images lists every task, with its variants" {
  run zx_script list --images
  for dir in "$REPO_ROOT"/images/tasks/*/; do
    assert_line --regexp "^$(basename "$dir") +task +interview-env/$(basename "$dir") +[-a-z0-9+,]+$"
  done
  assert_line --regexp '^dns +task +interview-env/dns +nsswitch,typo,address$'
  assert_line --regexp '^hello +task +interview-env/hello +-$'
}

@test "[status] the status line counts the hints used" {
  start_interview hello
  run ssh_as_candidate /usr/local/lib/interview/status clock
  assert_output --partial '| hints 0'
  ssh_as_candidate task hint >/dev/null
  run ssh_as_candidate /usr/local/lib/interview/status clock
  assert_output --partial '| hints 1'
}
