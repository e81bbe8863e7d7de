# `run --web` from the command line: a gateway is started when none answers, the links are on the
# card and in --json, and they die with the interview.
load helpers

setup_file() {
  WEB_PORT=$(( 17000 + RANDOM % 1000 ))
  export WEB_PORT
}
teardown_file() {
  stop_interview "$(cat "$BATS_FILE_TMPDIR/name" 2>/dev/null)"
  pkill -f "scripts/web.mjs --bind 127.0.0.1 --port $WEB_PORT" || true
}

@test "[run --web] starts a gateway, and prints candidate and observer links that open" {
  INTERVIEW=$(new_interview_name web)
  run zx_script run base --name "$INTERVIEW" --web --web-port "$WEB_PORT" --json
  assert_success
  json=$(tail -n1 <<<"$output")
  candidate=$(jq -r .web.candidate <<<"$json")
  observer=$(jq -r .web.observer <<<"$json")
  assert_regex "$candidate" "^http://127\.0\.0\.1:$WEB_PORT/i/[A-Za-z0-9_-]{43}$"
  assert_regex "$observer" "^http://127\.0\.0\.1:$WEB_PORT/i/[A-Za-z0-9_-]{43}$"
  run curl -s -o /dev/null -w '%{http_code}' "$candidate"
  assert_output 200
  run curl -s -o /dev/null -w '%{http_code}' "$observer"
  assert_output 200
  echo "$candidate" > "$BATS_FILE_TMPDIR/candidate"
  echo "$INTERVIEW" > "$BATS_FILE_TMPDIR/name"
}

@test "[run --web] a second interview reuses the running gateway, and the card shows its links" {
  name=$(new_interview_name web2)
  run zx_script run base --name "$name" --web --web-port "$WEB_PORT"
  stop_interview "$name"
  assert_success
  assert_line --regexp "^  browser: +http://127\.0\.0\.1:$WEB_PORT/i/\S+ +\(candidate: can type\)$"
  assert_line --regexp "^  watch: +http://127\.0\.0\.1:$WEB_PORT/i/\S+ +\(observer: read-only\)$"
  assert_equal "$(pgrep -fc "scripts/web.mjs --bind 127.0.0.1 --port $WEB_PORT")" 1
}

@test "[run --web] stopping the interview revokes its links" {
  candidate=$(cat "$BATS_FILE_TMPDIR/candidate")
  zx_script stop "$(cat "$BATS_FILE_TMPDIR/name")"
  run curl -s -o /dev/null -w '%{http_code}' "$candidate"
  assert_output 403
}

@test "[web] --cert without --key, a bad --trusted-proxy or --public-url, and a taken port, are refused with a hint" {
  run zx_script web --cert /tmp/cert.pem
  assert_user_error
  assert_line --partial '--cert and --key go together'
  run zx_script web --trusted-proxy proxy.example
  assert_user_error
  assert_line --partial 'is not an IP address'
  run zx_script web --public-url 'interviews.example.com/x'
  assert_user_error
  assert_line --partial 'is not an http(s) origin'
  run zx_script web --port "$WEB_PORT"
  assert_user_error
  assert_line "error: port $WEB_PORT on 127.0.0.1 is already in use"
}
