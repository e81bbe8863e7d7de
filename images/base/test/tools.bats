# The troubleshooting toolset works inside an interview, as the candidate and as root.
load ../../../tests/helpers

setup_file() { start_interview base; }
teardown_file() { stop_interview; }

@test "[base] strace works as user" {
  run ssh_as_candidate 'strace -e trace=openat cat /etc/hostname'
  assert_success
  assert_output --partial 'openat('
  assert_output --partial '+++ exited with 0 +++'
}

@test "[base] strace -p attaches to another process as root" {
  run ssh_as_candidate 'sleep 60 & pid=$!; sudo timeout 2 strace -p $pid; kill $pid'
  assert_output --partial "Process"
  assert_output --partial "attached"
  refute_output --partial 'Operation not permitted'
}

@test "[base] tcpdump captures on lo" {
  run ssh_as_candidate 'sudo timeout 10 tcpdump -i lo -n -c 2 icmp 2>&1 & sleep 1; ping -c 3 -i 0.2 127.0.0.1 >/dev/null; wait'
  assert_success
  assert_output --partial 'ICMP echo request'
  assert_output --partial '2 packets captured'
}

@test "[base] ip netns add works, and nsenter enters the new namespace" {
  run ssh_as_candidate 'sudo ip netns add lab && sudo nsenter --net=/run/netns/lab /usr/sbin/ip link set lo up && sudo nsenter --net=/run/netns/lab ip -br addr show lo'
  assert_success
  assert_output --partial '127.0.0.1/8'
  run ssh_as_candidate 'sudo ip netns list'
  assert_output --partial lab
}

@test "[base] ip -n and ip netns exec work as they do on a host, /etc/netns included" {
  run ssh_as_candidate 'sudo ip netns add lab2 && sudo ip -n lab2 link add veth0 type veth peer name veth1 && sudo ip -n lab2 -br link show veth0'
  assert_success
  assert_output --partial 'veth0@veth1'
  run ssh_as_candidate 'sudo mkdir -p /etc/netns/lab2 && echo "nameserver 192.0.2.53" | sudo tee /etc/netns/lab2/resolv.conf >/dev/null && sudo ip netns exec lab2 sh -c "ip -br link | wc -l; cat /etc/resolv.conf"'
  assert_success
  assert_line --index 0 3
  assert_line 'nameserver 192.0.2.53'
  run ssh_as_candidate 'sudo ip netns exec nope true'
  assert_failure
  assert_output --partial 'Cannot open network namespace "nope"'
}

@test "[base] nsenter joins another process's namespaces" {
  run ssh_as_candidate 'sudo unshare --uts sh -c "hostname inner; sleep 30" & sleep 1; pid=$(pgrep -n -f "sleep 30"); sudo nsenter -t "$pid" -u hostname'
  assert_success
  assert_output inner
}

@test "[base] the SRE toolset is installed" {
  run ssh_as_candidate 'for t in strace ltrace lsof ps pstree ss ip ping dig nc socat tcpdump curl jq vim nano less htop iostat file tree nsenter; do command -v $t >/dev/null || echo "missing $t"; done'
  assert_success
  assert_output ''
}

@test "[base] a zombie child is reaped by PID 1" {
  run docker exec "$(interview_container)" sh -c 'sh -c "sleep 0.2 & exec true" ; sleep 1; ps -eo stat= | grep -c "^Z" || true'
  assert_output 0
  run docker exec "$(interview_container)" cat /proc/1/comm
  assert_output tini
}
