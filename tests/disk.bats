#!/usr/bin/env bats
# The disk cap (`run --disk`, enforced by the engine's storage driver): a candidate who fills their
# own disk is stopped there, and the other interviews and the host go on.

load helpers

teardown() {
  stop_interview "${OTHER:-}"
  stop_interview
}

@test "a write past --disk fails inside, while another interview logs in and writes" {
  start_interview base --no-record --disk 300m
  OTHER=$INTERVIEW
  [ "$(jq -r .limits.disk <<<"$RUN_JSON")" = 300m ]
  run ssh_as_candidate "sudo -n dd if=/dev/zero of=/var/tmp/big bs=1M count=600 conv=fsync 2>&1"
  assert_failure
  assert_output --regexp 'Disk quota exceeded|No space left on device'
  run ssh_as_candidate "sudo -n du -sm /var/tmp/big | cut -f1"
  [ "$output" -le 300 ]   # what it wrote, beside the image it shares
  # The candidate is still served, and can free the space again.
  run ssh_as_candidate "sudo -n rm /var/tmp/big && echo freed"
  assert_output freed

  start_interview base --no-record
  [ "$(jq -r .limits.disk <<<"$RUN_JSON")" = 4g ]
  run ssh_as_candidate "dd if=/dev/zero of=/tmp/some bs=1M count=20 conv=fsync 2>&1 && echo written"
  assert_success
  assert_output --partial written
}

@test "--disk takes a size of at least 256m, or none" {
  run "$ZX" "$REPO_ROOT/scripts/run.mjs" base --disk 10k --no-record
  assert_failure
  assert_output --partial 'error: --disk 10k is not a size of at least 256m'
  run "$ZX" "$REPO_ROOT/scripts/run.mjs" base --disk lots --no-record
  assert_failure
  assert_output --partial 'hint: use a size like 4g, or --disk none'
}
