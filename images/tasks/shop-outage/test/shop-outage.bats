# shop-outage beyond the generic suites (which prove every variant broken at start and mended by the
# reference solution): each fault db can draw shows in the API's log, a variant names the faults of
# both machines, and a fault applied live from the box reaches db.
load ../../../../tests/helpers

TASK_DIR="$REPO_ROOT/images/tasks/shop-outage"

teardown() { stop_interview; }

# The first half of the solution: the API listens where nginx on web can reach it.
reach_the_api() {
  ssh_as_candidate "sudo sed -i 's/^LISTEN=.*/LISTEN=0.0.0.0:8080/' /etc/shop/api.env && sudo shopctl restart >/dev/null"
}

@test "[shop-outage] each fault db draws shows in the API's log once the API is reachable" {
  declare -A says=(
    [expired]='password authentication failed for user "shop_app"'
    [connection-limit]='too many connections for role "shop_app"'
    [no-grant]='permission denied for table orders'
  )
  for fault in expired connection-limit no-grant; do
    start_interview shop-outage --no-record --variant "loopback+$fault"
    run zx_script debug "$INTERVIEW" --service db -- cat /var/lib/postgresql/fault
    assert_output "$fault"
    run ssh_as_candidate curl -s -o /dev/null -w '%{http_code}' http://web/orders
    assert_output 502
    reach_the_api
    run ssh_as_candidate 'curl -s -o /dev/null -w "%{http_code}\n" http://web/orders; tail -n 3 /var/log/shop/api.log'
    assert_line --index 0 500
    assert_output --partial "${says[$fault]}"
    stop_interview
  done
}

@test "[shop-outage] a variant names both faults: the box's and db's" {
  start_interview shop-outage --no-record --variant other-port+connection-limit
  assert_equal "$(jq -r .variant <<<"$RUN_JSON")" other-port+connection-limit
  run zx_script debug "$INTERVIEW" --service db -- cat /var/lib/postgresql/fault
  assert_output connection-limit
  run ssh_as_candidate grep LISTEN= /etc/shop/api.env
  assert_output LISTEN=0.0.0.0:8088
}

@test "[shop-outage] the stuck-migration fault, applied live from the box, is in the check until its session ends" {
  start_interview shop-outage --no-record
  ssh_as_candidate 'bash -s' < "$TASK_DIR/solution" >/dev/null 2>&1
  run zx_script check "$INTERVIEW"
  assert_output OK
  run zx_script break "$INTERVIEW" stuck-migration
  assert_success
  run ssh_as_candidate curl -s -o /dev/null -w '%{http_code}' --max-time 3 http://web/orders
  refute_output 200
  run zx_script check "$INTERVIEW"
  assert_failure 1
  assert_output 'NO: (fault stuck-migration) a session still holds an exclusive lock on orders'
  ssh_as_candidate "psql -h db -U dba shop -Atc \"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'shop-migration'\""
  run zx_script check "$INTERVIEW"
  assert_success
  assert_output OK
}
