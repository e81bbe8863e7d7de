# shop-outage beyond the generic suites: each fault db can draw shows in the API's log and is
# mended by the reference solution, and a fault applied live from the box reaches db.
load ../../../../tests/helpers

TASK_DIR="$REPO_ROOT/images/tasks/shop-outage"

teardown() { stop_interview; }

# The first half of the solution: the API listens where nginx on web can reach it.
reach_the_api() {
  ssh_as_candidate "sudo sed -i 's/^LISTEN=.*/LISTEN=0.0.0.0:8080/' /etc/shop/api.env && sudo shopctl restart >/dev/null"
}

@test "[shop-outage] each fault db draws shows in the API's log, and the reference solution mends it" {
  declare -A says=(
    [expired]='password authentication failed for user "shop_app"'
    [connection-limit]='too many connections for role "shop_app"'
    [no-grant]='permission denied for table orders'
  )
  for fault in expired connection-limit no-grant; do
    SHOP_DB_FAULT=$fault start_interview shop-outage --no-record
    run zx_script debug "$INTERVIEW" --service db -- cat /var/lib/postgresql/fault
    assert_output "$fault"
    run ssh_as_candidate curl -s -o /dev/null -w '%{http_code}' http://web/orders
    assert_output 502
    reach_the_api
    run ssh_as_candidate 'curl -s -o /dev/null -w "%{http_code}\n" http://web/orders; tail -n 3 /var/log/shop/api.log'
    assert_line --index 0 500
    assert_output --partial "${says[$fault]}"
    run zx_script check "$INTERVIEW"
    assert_failure 1
    ssh_as_candidate 'bash -s' < "$TASK_DIR/solution" >/dev/null 2>&1
    run zx_script check "$INTERVIEW"
    assert_success
    assert_output OK
    stop_interview
  done
}

@test "[shop-outage] db refuses an unknown SHOP_DB_FAULT by name, and run leaves nothing behind" {
  name=$(new_interview_name shop-outage)
  SHOP_DB_FAULT=typo run zx_script run shop-outage --name "$name" --no-record
  assert_user_error 'service "db" of shop-outage is exited: db: SHOP_DB_FAULT must be expired, connection-limit or no-grant (it is "typo")'
  assert_nothing_left "$name"
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
