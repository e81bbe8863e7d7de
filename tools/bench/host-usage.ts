// What the host spends on interviews, read from /proc and the cgroups: CPU time of the engine's
// processes, of the recorder and of each container, and the host's memory in use.
import { readdirSync, readFileSync } from 'node:fs'

/** The engine's own processes: the daemon, containerd, and a shim per container. */
const ENGINE = new Set(['dockerd', 'containerd', 'containerd-shim', 'docker-proxy'])
const TICKS_PER_SECOND = 100

export interface ProcessUsage {
  cpuMs: number
  rssBytes: number
  count: number
}

const empty = (): ProcessUsage => ({ cpuMs: 0, rssBytes: 0, count: 0 })

/** CPU time and resident memory of the host's engine processes and of the recorder of `recordings`. */
export function hostProcesses(recordings: string): { engine: ProcessUsage; recorder: ProcessUsage } {
  const recorder = new RegExp(`scripts/record\\.mjs\\0--root\\0${recordings.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\0`)
  const result = { engine: empty(), recorder: empty() }
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const cmdline = ENGINE.has(comm) ? '' : readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      const kind = ENGINE.has(comm) ? 'engine' : recorder.test(cmdline) ? 'recorder' : undefined
      if (!kind) continue
      const usage = result[kind]
      usage.cpuMs += ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND
      usage.rssBytes += Number(fields[21]) * 4096
      usage.count++
    } catch {
      // it ended meanwhile
    }
  }
  return result
}

/** CPU time (ms) a container's cgroup has used (cgroup v1 cpuacct, or v2 cpu.stat). */
export function containerCpuMs(id: string): number {
  for (const file of [`/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`, `/sys/fs/cgroup/cpu,cpuacct/docker/${id}/cpuacct.usage`]) {
    try {
      return Number(readFileSync(file, 'utf8')) / 1e6
    } catch {
      // the next layout
    }
  }
  for (const file of [`/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`, `/sys/fs/cgroup/docker/${id}/cpu.stat`]) {
    try {
      return Number(/usage_usec (\d+)/.exec(readFileSync(file, 'utf8'))?.[1]) / 1000
    } catch {
      // the next layout
    }
  }
  return NaN
}

/** Memory the host has in use (total less available), in bytes. */
export function hostMemoryInUse(): number {
  const info = readFileSync('/proc/meminfo', 'utf8')
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(info)?.[1]) * 1024
  return kib('MemTotal') - kib('MemAvailable')
}
