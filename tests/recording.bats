# Recordings, who typed what, roles and time limits, through the real scripts and real SSH clients.
load helpers

# wait_for_time_limit SECONDS: waits until the interview's container is gone, as its time limit ends it.
wait_for_time_limit() {
  local deadline=$((SECONDS + $1))
  while docker inspect "$(interview_container)" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || fail "the interview outlived its time limit"
    sleep 0.5
  done
}

setup() {
  ALICE=$(new_key alice@laptop)   # the candidate
  BOB=$(new_key bob@desk)         # an interviewer
  CAROL=$(new_key carol)          # an observer
}
teardown() {
  close_terminals
  stop_interview
}

@test "[record] the recording is asciicast v2, holds the last output, and stays whole after docker kill" {
  start_interview hello
  SSH_KEY=$ALICE
  zx_script keys add "$INTERVIEW" "$ALICE.pub"
  terminal_open alice "$ALICE"
  marker="last-words-$RANDOM$RANDOM"
  terminal_type alice "echo $marker"
  wait_for_screen alice "$marker"
  # The join reaches the timeline with the box's next state report (every 2 s): wait for it, or
  # a kill within 2 s of the login races it.
  wait_for_line "$(recording)/events.jsonl" '"type":"join"'
  sleep 1.2   # lines reach the file within a second
  docker kill "$(interview_container)"
  cast="$(recording)/session.cast"
  run jq -e 'select(.version == 2) | .width > 0 and .height > 0' <(head -n1 "$cast")
  assert_success
  # Every line is JSON, and the output events hold the marker (as command and as output).
  run jq -c . "$cast"
  assert_success
  run bash -c "jq -r 'select(type == \"array\" and .[1] == \"o\") | .[2]' '$cast' | grep -c -- '$marker'"
  assert_output --regexp '^[2-9]'
  # The recorder saw the end, and wrote the timeline's end and the summary.
  wait_for_line "$(recording)/events.jsonl" '"type":"end"'
  run cat "$(recording)/summary.md"
  assert_output --partial "**Task:** hello"
  assert_output --partial "| alice@laptop | candidate |"
  # The replay plays it back.
  run zx_script replay "$INTERVIEW" --speed 1000
  assert_success
  assert_output --partial "$marker"
}

@test "[record] the input of two SSH users with different keys is attributed to each" {
  start_interview base --interviewer "$BOB.pub"
  SSH_KEY=$ALICE
  zx_script keys add "$INTERVIEW" "$ALICE.pub"
  terminal_open alice "$ALICE"
  terminal_open bob "$BOB"
  terminal_type alice "echo from-the-candidate"
  wait_for_screen bob "from-the-candidate"
  terminal_type bob "echo from-the-interviewer"
  wait_for_screen alice "from-the-interviewer"
  wait_for_line "$(recording)/events.jsonl" '"type":"input".*from-the-interviewer'
  run zx_script replay "$INTERVIEW" --typed
  assert_success
  assert_line --regexp '^ +0:[0-9]{2}  alice@laptop \(candidate\) +echo from-the-candidate⏎$'
  assert_line --regexp '^ +0:[0-9]{2}  bob@desk \(interviewer\) +echo from-the-interviewer⏎$'
  refute_line --regexp 'alice@laptop.*from-the-interviewer'
  refute_line --regexp 'bob@desk.*from-the-candidate'
  run zx_script list
  assert_output --regexp "$INTERVIEW .* (alice@laptop \(candidate\), bob@desk \(interviewer\)|bob@desk \(interviewer\), alice@laptop \(candidate\))"
}

@test "[roles] an observer cannot type; switching a role takes effect at once, and is recorded" {
  start_interview base --no-door --observer "$CAROL.pub"   # the box's own sshd: its clients' switches are tmux's (door.bats: the door's)
  terminal_open alice
  terminal_open carol "$CAROL"
  run zx_script list
  assert_output --partial "carol (observer, read-only)"
  terminal_type carol "touch /tmp/observer-typed"
  sleep 1
  run ssh_as_candidate test -e /tmp/observer-typed
  assert_failure
  run zx_script role "$INTERVIEW" carol --read-write
  assert_success
  assert_output "carol is now read-write (1 client)"
  terminal_type carol "touch /tmp/observer-may-type"
  run ssh_as_candidate 'for i in $(seq 20); do test -e /tmp/observer-may-type && exit 0; sleep 0.1; done; exit 1'
  assert_success
  run zx_script role "$INTERVIEW" carol --read-only
  assert_success
  terminal_type carol "touch /tmp/observer-again"
  sleep 1
  run ssh_as_candidate test -e /tmp/observer-again
  assert_failure
  wait_for_line "$(recording)/events.jsonl" '"type":"role".*"readonly":true'
  run jq -c 'select(.type == "role") | [.who, .readonly]' "$(recording)/events.jsonl"
  assert_output $'["carol",false]\n["carol",true]'
  # Two switches within 300 ms, shorter than anything the recorder could notice: both are on the
  # record, in order, each once.
  run node --import tsx/esm -e "
    const { clientsOf, switchRole } = await import('$REPO_ROOT/tools/live/roles.ts')
    const { connectDocker } = await import('$REPO_ROOT/tools/engine/docker.ts')
    const { interviewContainer } = await import('$REPO_ROOT/tools/interviews/find.ts')
    const box = await interviewContainer(await connectDocker(), '$INTERVIEW')
    const carol = await clientsOf(box, '$INTERVIEW', 'carol')
    const [writer] = await switchRole(box, carol, false)
    await switchRole(box, [writer], true)"
  assert_success
  # The two switches, as the timeline dates them, were less than 300 ms apart.
  run jq -rs '[.[] | select(.type == "role")] | .[-2:] | map(.time | sub("\\.[0-9]+Z$"; "Z") | fromdate) as $s | [.[] | .time | capture("\\.(?<ms>[0-9]+)Z$").ms | tonumber] as $ms | (($s[1] - $s[0]) * 1000 + $ms[1] - $ms[0])' "$(recording)/events.jsonl"
  assert [ "$output" -lt 300 ]
  sleep 2.5   # a poll of the recorder, which must not add its own copy of either switch
  run jq -c 'select(.type == "role") | [.who, .readonly]' "$(recording)/events.jsonl"
  assert_output $'["carol",false]\n["carol",true]\n["carol",false]\n["carol",true]'
  run zx_script replay "$INTERVIEW" --typed
  assert_line --regexp 'carol \(observer\) +touch /tmp/observer-typed⏎   \[not sent: read-only\]$'
  run zx_script role "$INTERVIEW" nobody-here --read-only
  assert_user_error 'nobody called "nobody-here" is attached'
  # A key added during the interview with a role: its next login takes that role.
  dave=$(new_key dave)
  zx_script keys add "$INTERVIEW" "$dave.pub" --role observer
  terminal_open dave "$dave"
  run zx_script list
  assert_output --partial "dave (observer, read-only)"
}

@test "[ttl] a time limit warns in the status line, then ends the interview and keeps the recording" {
  start_interview base --ttl 20s
  terminal_open alice
  wait_for_screen alice "ENDS IN 0:"
  wait_for_line "$(recording)/events.jsonl" '"type":"warning"'
  # Time is up: the interview is gone, and everything it made with it; the recording stays.
  wait_for_time_limit 30
  wait_for_line "$(recording)/events.jsonl" '"type":"end"'
  assert_nothing_left "$INTERVIEW"
  run jq -r .type "$(recording)/events.jsonl"
  assert_line expired
  run cat "$(recording)/summary.md"
  assert_output --partial "(stopped by its time limit)"
  run jq -c . "$(recording)/session.cast"
  assert_success
  INTERVIEW=
}

@test "[record] checks and hints go into the timeline and the summary; stop keeps the recording" {
  start_interview hello
  run ssh_as_candidate task hint
  run ssh_as_candidate task check
  run zx_script check "$INTERVIEW"
  wait_for_line "$(recording)/events.jsonl" '"type":"check","by":"interviewer"'
  zx_script stop "$INTERVIEW"
  run cat "$(recording)/summary.md"
  assert_output --partial "**Hints used:** 1"
  assert_output --regexp '\| 0:[0-9]{2} \| candidate \(self-reported\) \| NO: '
  assert_output --regexp '\| 0:[0-9]{2} \| interviewer \| NO: '
  [ -s "$(recording)/session.cast" ]
  INTERVIEW=
}

@test "[record] hints come from the host: root in the box finds none before asking, and cannot take one back" {
  start_interview hello
  # Hint 1's words are nowhere in the box until it is asked for: root searches the whole filesystem.
  # (exec.log is excluded: it holds this very command line, as the login gate traced it)
  run ssh_as_candidate "sudo grep -rlsF -e 'lists the ports something listens on' / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev --exclude=exec.log; sudo ls /usr/local/lib/interview/task"
  assert_line hints-from-host
  refute_line hints
  refute_line --regexp '^/'
  run ssh_as_candidate task hint
  assert_success
  assert_line --index 0 'Hint 1/3:'
  assert_output --partial 'lists the ports something listens on'
  wait_for_line "$(recording)/events.jsonl" '"type":"hint"'
  # Root takes the hint back in the box: the count, the host's, stays.
  ssh_as_candidate "sudo sh -c 'echo 0 > /var/lib/interview/hints-used; rm -rf /run/interview/hints; /usr/local/lib/interview/feed-wake'"
  zx_script stop "$INTERVIEW"
  run jq -c 'select(.type == "hint") | [.number, .of]' "$(recording)/events.jsonl"
  assert_output '[1,3]'
  run cat "$(recording)/summary.md"
  assert_output --partial '**Hints used:** 1'
  INTERVIEW=
}

@test "[record] a check result the candidate writes into the box's log is theirs, self-reported, and never the final check" {
  start_interview hello
  run zx_script check "$INTERVIEW"
  assert_failure
  wait_for_line "$(recording)/events.jsonl" '"type":"check","by":"interviewer"'
  # Root in the box writes a passing interviewer's check into the log the box reports from.
  ssh_as_candidate 'echo "$(date +%s) interviewer OK" | sudo tee -a /var/lib/interview/checks.log >/dev/null; /usr/local/lib/interview/feed-wake'
  wait_for_line "$(recording)/events.jsonl" '"selfReported":true'
  zx_script stop "$INTERVIEW"
  run jq -sc '[.[] | select(.type == "check") | [.by, .result, (.selfReported // false)]]' "$(recording)/events.jsonl"
  assert_output --regexp '^\[\["interviewer","NO: [^"]+",false\],\["candidate","OK",true\]\]$'
  run cat "$(recording)/summary.md"
  assert_line --regexp '^- \*\*Final check:\*\* NO: '
  assert_output --regexp '\| 0:[0-9]{2} \| candidate \(self-reported\) \| OK \|'
  refute_output --regexp '\| interviewer \| OK \|'
  INTERVIEW=
}

@test "[record] nothing the candidate does in the box ends the recording: a detach of its view, kill-server, a killed feed" {
  start_interview base
  wait_for_line "$(recording)/events.jsonl" '"type":"start"'
  events=$(recording)/events.jsonl
  # 1. The recorder's own tmux client, detached by the candidate.
  ssh_as_candidate 'for c in $(tmux list-clients -t interview -F "#{client_pid}:#{client_tty}"); do tr "\0" "\n" < /proc/${c%%:*}/environ | grep -qx INTERVIEW_ROLE=recorder && tmux detach-client -t ${c#*:}; done; true'
  wait_for_line "$events" '"type":"reattach","what":"terminal"'
  ssh_as_candidate 'tmux send-keys -t interview "echo after-the-detach-\$((6*7))" Enter'
  wait_for_line "$(recording)/session.cast" 'after-the-detach-42'
  # 2. The whole tmux server killed: the recorder starts a fresh session and records it.
  ssh_as_candidate 'tmux kill-server'
  local deadline=$((SECONDS + 10))
  until [ "$(grep -c '"type":"reattach","what":"terminal"' "$events")" = 2 ]; do
    [ "$SECONDS" -lt "$deadline" ] || fail "no second reattach after kill-server: $(cat "$events")"
    sleep 0.2
  done
  ssh_as_candidate 'tmux send-keys -t interview "echo after-the-kill-\$((6*7))" Enter'
  wait_for_line "$(recording)/session.cast" 'after-the-kill-42'
  # 3. The recorder's feed, killed: started again, and joins are reported once more.
  ssh_as_candidate 'pkill -x recorder-feed; true'
  wait_for_line "$events" '"type":"reattach","what":"feed"'
  terminal_open alice
  wait_for_line "$events" '"type":"join"'
  # The new feed reports the box's command log from its start; nothing is written twice.
  assert_equal "$(grep -c '"command":"tmux kill-server"' "$events")" 2
  # A stop is the box's end, not an interruption: no more reattach events, and the summary counts 3.
  zx_script stop "$INTERVIEW"
  [ "$(grep -c '"type":"reattach"' "$events")" = 3 ]
  run cat "$(recording)/summary.md"
  assert_output --partial "**Closed inside the box:** the recorder's view or feed, 3 times"
  INTERVIEW=
}

@test "[ttl] the clock runs outside the box: with its tmux server killed, the interview still ends on time" {
  start_interview base --ttl 20s
  wait_for_line "$(recording)/events.jsonl" '"type":"start"'
  ssh_as_candidate 'tmux kill-server'
  wait_for_time_limit 35
  wait_for_line "$(recording)/events.jsonl" '"type":"end"'
  run jq -r .type "$(recording)/events.jsonl"
  assert_line reattach
  assert_line expired
  run ssh -o ConnectTimeout=3 -o BatchMode=yes -i "$SSH_KEY" -p "$SSH_PORT" user@127.0.0.1 true
  assert_failure
  INTERVIEW=
}

@test "[record] a name used again records beside the earlier recording, never over it" {
  start_interview base
  zx_script stop "$INTERVIEW"
  run zx_script run base --name "$INTERVIEW" --key "$SSH_KEY.pub" --json
  assert_success
  assert_equal "$(jq -r .recording <<<"$output")" "$(recording)-2"
  [ -s "$(recording)/summary.md" ]
  wait_for_line "$(recording)-2/events.jsonl" '"type":"start"'
}

@test "[record] bad input: a time limit without the recorder, bad durations and ages, unknown recordings" {
  run zx_script run base --ttl 90m --no-record
  assert_user_error 'a time limit needs the recorder'
  run zx_script run base --ttl soon
  assert_user_error '"soon" is not a duration'
  run zx_script purge --older-than 30
  assert_user_error '"30" is not an age'
  run zx_script replay no-such-interview
  assert_user_error 'no recording of "no-such-interview"'
  run zx_script role no-such-interview someone --read-only
  assert_user_error 'no interview named "no-such-interview"'
}
