# install-task and `task` read task.md's front matter as YAML means it: the title without its quotes,
# and the variants (the faults a task can draw) kept out of the candidate's copy. The scripts of this
# checkout run in a throwaway container of the base image, so they are tested before the base is rebuilt.
load ../../../tests/helpers

ROOTFS="$REPO_ROOT/images/base/rootfs"

# install_task TITLE_LINE [EXTRA_FRONT_MATTER]: installs a small task with that title line; prints what
# install-task said, then the installed task.md, then what `task` shows.
install_task() {
  local dir="$BATS_TEST_TMPDIR/task"
  mkdir -p "$dir/hints"
  printf -- '---\n%s\ndifficulty: easy\nminutes: 5\n%bskills: [x]\ntools: [y]\n---\nThe statement.\n' "$1" "${2:-}" > "$dir/task.md"
  printf '#!/bin/sh\necho OK\n' > "$dir/check"
  echo 'A hint.' > "$dir/hints/1.md"
  chmod -R a+rX "$BATS_TEST_TMPDIR"
  chmod 755 "$dir/check"
  docker run --rm --label interview-env.test=install-task \
    -v "$ROOTFS/usr/local/sbin/install-task:/usr/local/sbin/install-task:ro" \
    -v "$ROOTFS/usr/local/lib/interview/task-md:/usr/local/lib/interview/task-md:ro" \
    -v "$ROOTFS/usr/local/bin/task:/usr/local/bin/task:ro" \
    -v "$dir:/src:ro" interview-env/base \
    bash -c 'cp -r /src /tmp/task && install-task /tmp/task && echo "== task.md" && cat /etc/interview/task.md && echo "== task" && task'
}

@test "[install-task] the title it prints and \`task\` shows has no YAML quotes or comment" {
  run install_task 'title: "It was working yesterday: name resolution"'
  assert_success
  assert_line --index 0 'install-task: installed It was working yesterday: name resolution'
  assert_line '# It was working yesterday: name resolution'
  run install_task "title: 'It''s down: again'   # a comment"
  assert_line --index 0 "install-task: installed It's down: again"
  assert_line "# It's down: again"
  run install_task 'title: Fetch a secret without curl  # plain'
  assert_line --index 0 'install-task: installed Fetch a secret without curl'
  assert_line '# Fetch a secret without curl'
}

@test "[install-task] the candidate's task.md does not name the task's variants, in flow or block style" {
  run install_task 'title: Variants' 'variants: [nsswitch, typo]\n'
  assert_success
  refute_output --partial 'variants'
  refute_output --partial 'nsswitch'
  assert_line 'skills: [x]'
  assert_line 'tools: [y]'
  assert_line 'The statement.'
  run install_task 'title: Variants' 'variants:\n  - nsswitch\n  - typo\n'
  assert_success
  refute_output --partial 'nsswitch'
  assert_line 'skills: [x]'
  assert_equal "$(grep -c '^---$' <<<"$output")" 2
}
