# A candidate who is root inside the interview cannot reach the host (docs/security.md).
# Each escape is really attempted, and must fail.
# With ISOLATION_ON_SWARM=1 (tests/cluster.bats), the box runs on the local cluster's worker instead.
load ../../../tests/helpers

WORKER_SOCKET=/run/interview-env/cluster/ie-worker1/docker.sock
if [ -n "${ISOLATION_ON_SWARM:-}" ]; then
  setup_file() { start_interview base --engine swarm --constraint node.hostname==ie-worker1; }
  teardown_file() { zx_script stop --engine swarm "$INTERVIEW" >/dev/null; }
  # The box's container, on the engine that runs it.
  box_docker() { DOCKER_HOST=unix://$WORKER_SOCKET docker "$@"; }
  box_container() { box_docker ps -q --filter "label=interview-env.interview=$INTERVIEW"; }
  # Who owns a process, seen from the node's engine (which has a PID namespace of its own).
  owner_of_pid() { nsenter --target "$(pgrep -f "^dockerd --host unix://$WORKER_SOCKET")" --mount --pid stat -c %u "/proc/$1"; }
else
  setup_file() { start_interview base; }
  teardown_file() { stop_interview; }
  box_docker() { docker "$@"; }
  box_container() { interview_container; }
  owner_of_pid() { stat -c %u "/proc/$1"; }
fi

# ssh joins its arguments with spaces, so the script is quoted for the remote shell.
as_root() { ssh_as_candidate "sudo -n sh -c $(printf %q "$1")"; }

@test "[isolation] the container is not privileged, and container root is not host root" {
  run box_docker inspect -f '{{.HostConfig.Privileged}}' "$(box_container)"
  assert_output false
  if ! box_docker info --format '{{json .SecurityOptions}}' | grep -q 'name=userns'; then
    skip 'this daemon does not remap user namespaces'
  fi
  host_pid=$(box_docker inspect -f '{{.State.Pid}}' "$(box_container)")
  run owner_of_pid "$host_pid"
  refute_output 0
}

@test "[isolation] the cgroup v1 release_agent escape fails: no cgroup hierarchy can be mounted" {
  marker="/tmp/interview-env-escape-$RANDOM$RANDOM"
  run as_root "
    mkdir -p /tmp/cg
    mount -t cgroup -o rdma cgroup /tmp/cg || mount -t cgroup -o memory cgroup /tmp/cg || exit 97
    mkdir -p /tmp/cg/x && echo 1 > /tmp/cg/x/notify_on_release
    echo \"/bin/sh -c 'touch $marker'\" > /tmp/cg/release_agent
    sh -c 'echo \$\$ > /tmp/cg/x/cgroup.procs'"
  assert_failure 97
  assert_output --partial 'permission denied'
  sleep 1
  assert [ ! -e "$marker" ]
}

@test "[isolation] the release_agent escape fails from a nested user and cgroup namespace too" {
  # There the memory hierarchy can be mounted, but rooted at the container's own cgroup:
  # release_agent is absent, and the kernel only lets the initial user namespace write it.
  marker="/tmp/interview-env-escape-$RANDOM$RANDOM"
  run as_root "unshare -UrmC sh -c '
    mkdir -p /tmp/cg2 && mount -t cgroup -o memory cgroup /tmp/cg2 || exit 97
    echo \"/bin/sh -c \\\"touch $marker\\\"\" > /tmp/cg2/release_agent || exit 98
    echo escaped'"
  assert_failure
  refute_output --partial escaped
  sleep 1
  assert [ ! -e "$marker" ]
}

@test "[isolation] host files cannot be read through the host's disk" {
  # The device behind the container's bind mounts (e.g. /etc/hosts) is the host's disk.
  run as_root 'dev=$(awk "\$5 == \"/etc/hosts\" {print \$3}" /proc/self/mountinfo); echo "device $dev"; mknod /tmp/hostdisk b ${dev%:*} ${dev#*:} && head -c 512 /tmp/hostdisk >/dev/null && echo READ-HOST-DISK'
  refute_output --partial READ-HOST-DISK
  assert_output --partial 'device '
}

@test "[isolation] no host block device is visible in /dev" {
  run as_root 'find /dev -type b | wc -l; fdisk -l 2>/dev/null | grep -c "^Disk /dev" || true'
  assert_line --index 0 0
  assert_line --index 1 0
}

@test "[isolation] the Docker socket cannot be reached, by file or by TCP" {
  run as_root 'find / -xdev \( -name "docker.sock" -o -name "containerd.sock" \) 2>/dev/null | wc -l'
  assert_output 0
  run as_root 'gw=$(ip route | awk "/default/ {print \$3}"); for p in 2375 2376; do curl -s --max-time 2 http://$gw:$p/version && echo REACHED-DOCKER; done; true'
  refute_output --partial REACHED-DOCKER
}

@test "[isolation] kernel modules cannot be loaded" {
  run as_root 'printf "not a module" > /tmp/x.ko; insmod /tmp/x.ko'
  assert_failure
  assert_output --partial 'Operation not permitted'
}

@test "[isolation] host-wide sysctls cannot be written" {
  before="$(cat /proc/sys/vm/swappiness) $(cat /proc/sys/kernel/panic)"
  run as_root 'sysctl -w vm.swappiness=13; sysctl -w kernel.panic=42'
  assert_output --partial 'permission denied on key "vm.swappiness"'
  assert_output --partial 'permission denied on key "kernel.panic"'
  # Even after remounting its own view of /proc/sys read-write, container root (unmapped on the host) may not write.
  run as_root 'mount -o remount,rw /proc/sys; echo 13 > /proc/sys/vm/swappiness && echo WROTE; echo 42 > /proc/sys/kernel/panic && echo WROTE'
  refute_output --partial WROTE
  assert_equal "$(cat /proc/sys/vm/swappiness) $(cat /proc/sys/kernel/panic)" "$before"
}

@test "[isolation] the host's processes are invisible: PID 1 is the interview's init" {
  run as_root 'ps -e --no-headers | wc -l; cat /proc/1/comm'
  assert_line --index 1 tini
  assert [ "${lines[0]}" -lt 50 ]
}
