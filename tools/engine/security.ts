// Which Linux capabilities an interview may safely get from a given Docker daemon (docs/security.md).

export interface CapabilityPlan {
  capAdd: string[]
  /** Whether every tool of the toolset works (strace -p, tcpdump, ip netns, nsenter). */
  fullToolset: boolean
  /** Tools that do not work with this plan. */
  missingTools: string[]
  /** Why the plan is reduced, and how to get the full one. */
  warning?: string
}

/** What the plan needs from `docker info`. */
export interface DaemonFacts {
  SecurityOptions?: string[]
  CgroupVersion?: string
}

/** Whether container root lives in its own user namespace, so that SYS_ADMIN is confined to it. */
export function remapsUsers(info: DaemonFacts): boolean {
  return (info.SecurityOptions ?? []).some((option) => /name=(userns|rootless)\b/.test(option))
}

/**
 * strace -p needs SYS_PTRACE and tcpdump NET_RAW (a default) and NET_ADMIN, all confined to the
 * container's own processes and network. `ip netns` and `nsenter` need SYS_ADMIN, which on a
 * daemon without user-namespace remapping lets container root escape to the host (on cgroup v1
 * through release_agent, and by mounting more generally): there the interview gets no SYS_ADMIN.
 */
export function capabilityPlan(info: DaemonFacts): CapabilityPlan {
  const safe = ['SYS_PTRACE', 'NET_ADMIN']
  if (remapsUsers(info)) return { capAdd: [...safe, 'SYS_ADMIN'], fullToolset: true, missingTools: [] }
  return {
    capAdd: safe,
    fullToolset: false,
    missingTools: ['ip netns', 'nsenter', 'unshare', 'mount'],
    warning:
      'this Docker daemon does not remap user namespaces, so SYS_ADMIN is withheld (it would let the candidate escape to the host): ' +
      'ip netns, nsenter, unshare and mount will not work. Start dockerd with --userns-remap=default for the full toolset (docs/security.md)',
  }
}

export interface Limits {
  memory: string
  cpus: number
  pids: number
  /** What the interview may write to its container's filesystem (`4g`), or `none` for no cap. */
  disk: string
}

export const DEFAULT_LIMITS: Limits = { memory: '1g', cpus: 1, pids: 512, disk: '4g' }

/** A desktop runs a browser, an editor and Jupyter: more memory, and threads count as pids. */
export const DESKTOP_LIMITS: Limits = { memory: '4g', cpus: 2, pids: 4096, disk: '8g' }

/** The engine's `--storage-opt size=` for a disk limit, or undefined for none. */
export const storageSize = (disk: string) => (disk === 'none' ? undefined : `${parseMemory(disk)}`)

/** `512m`, `1g`, `1.5g` → bytes. */
export function parseMemory(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kmg]?)b?$/i.exec(text.trim())
  if (!match) throw new Error(`"${text}" is not a size like 512m or 1g`)
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g']
  return Math.round(Number(match[1]) * unit)
}
