# What `build` shows: one line per image and step with its elapsed time, not the builder's output;
# the full log in .build-logs/<image>.log, live with --verbose.
load helpers

setup() {
  name="bats-progress-$RANDOM"
  TASK_DIR="$REPO_ROOT/images/tasks/$name"
  zx_script new-task "$name" >/dev/null
  printf '%s\n' 'ARG BASE=interview-env/base' 'FROM ${BASE}' \
    'RUN echo "noise-from-the-step: Setting up something (1.0) ..." && echo "Get:1 http://deb.debian.org/debian noise"' \
    'RUN sleep 1' > "$TASK_DIR/Dockerfile"
}
teardown() {
  docker rmi -f "interview-env/$name" >/dev/null 2>&1 || true
  rm -rf "$TASK_DIR" "$REPO_ROOT/.build-logs/$name.log"
}

@test "[build] one line per step with its elapsed time; the step's output only in the log" {
  run zx_script build "$name"
  assert_success
  assert_line --partial "building interview-env/$name from $TASK_DIR (log: $REPO_ROOT/.build-logs/$name.log)"
  assert_line --regexp "^$name  step 1/5  ARG BASE=interview-env/base  [0-9]+\.[0-9]s$"
  assert_line --regexp "^$name  step 3/5  RUN echo \"noise-from-the-step: .*  [0-9]+\.[0-9]s$"
  assert_line --regexp "^$name  step 4/5  RUN sleep 1  [1-9][0-9]*\.[0-9]s$"
  refute_output --partial 'Get:1 http'
  refute_output --regexp '^noise-from-the-step'
  refute_output --partial 'Sending build context'
  run grep -c '^noise-from-the-step: Setting up' "$REPO_ROOT/.build-logs/$name.log"
  assert_output 1
  # Built again: the steps come from the cache, and say so.
  run zx_script build "$name"
  assert_success
  assert_line --regexp "^$name  step 4/5  RUN sleep 1  [0-9]+\.[0-9]s  cached$"
}

@test "[build] --verbose shows the builder's whole output live" {
  run zx_script build "$name" --verbose --no-cache
  assert_success
  assert_line 'noise-from-the-step: Setting up something (1.0) ...'
  assert_line --regexp '^Step 4/5 : RUN sleep 1$'
  refute_line --regexp "^$name  step "
}

@test "[build] through Nx, as rebuild-all runs each image, the step lines come prefixed with the image" {
  # rebuild-all runs every project's build target like this; only this throwaway task is built here.
  run env NX_DAEMON=false NX_TUI=false FORCE_COLOR=0 npx nx run "$name:build" --excludeTaskDependencies --skip-nx-cache --outputStyle=stream
  assert_success
  assert_line --regexp "^$name: $name  step 4/5  RUN sleep 1  [0-9]+\.[0-9]s"
  refute_output --partial 'Get:1 http'
  refute_output --partial $'\r'
}
