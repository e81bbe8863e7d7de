#!/usr/bin/env bats
# Interview networks come from the project's own range, one /28 each; when the range is full, `run`
# says so in one line and leaves nothing behind.

load helpers

teardown() {
  docker network rm bats-pool-a bats-pool-b >/dev/null 2>&1 || true
  stop_interview
}

@test "each interview's network is a /28 of the pool's internet part" {
  start_interview base --no-record
  subnet=$(docker network inspect "ie-$INTERVIEW" --format '{{(index .IPAM.Config 0).Subnet}}')
  [[ "$subnet" =~ ^10\.213\.([0-9]+)\.[0-9]+/28$ ]]
  [ "${BASH_REMATCH[1]}" -lt 128 ]
}

@test "a full range gives a one-line error and leaves no container or network" {
  # A pool of four /28s: the internet part is its first two, both taken here.
  export INTERVIEW_ADDRESS_POOL=10.213.100.0/26
  docker network create --subnet 10.213.100.0/28 bats-pool-a >/dev/null
  docker network create --subnet 10.213.100.16/28 bats-pool-b >/dev/null
  INTERVIEW=$(new_interview_name pool)
  run "$ZX" "$REPO_ROOT/scripts/run.mjs" base --name "$INTERVIEW" --no-record
  assert_failure
  assert_line 'error: no free network left for --egress internet: all 2 /28s of 10.213.100.0/27 are in use'
  assert_line --partial 'hint: stop interviews you no longer need'
  refute_output --partial 'bug:'
  [ -z "$(docker ps -aq --filter "name=ie-$INTERVIEW")" ]
  [ -z "$(docker network ls -q --filter "name=ie-$INTERVIEW")" ]
  # Freed, the range serves again.
  docker network rm bats-pool-b >/dev/null
  start_interview base --no-record
  [ "$(docker network inspect "ie-$INTERVIEW" --format '{{(index .IPAM.Config 0).Subnet}}')" = 10.213.100.16/28 ]
}
