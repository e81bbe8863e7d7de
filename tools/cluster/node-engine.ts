// A node's Docker engine: dockerd in the node's own network namespace, with its own hostname (a UTS
// namespace), users remapped, and its own socket, data root, exec root and containerd namespace. It
// runs as the first process of a PID namespace of its own (and a mount namespace, for its /proc), so
// that when it dies everything of the node dies with it, as when a machine goes: its containerd,
// every container; and its mounts go with the mount namespace. It is started with nsenter, not
// `ip netns exec`: that remounts /sys, and dockerd then finds no devices cgroup.
import { signalProcess } from '../core/signal.ts'
import { spawn } from 'node:child_process'
import { mkdirSync, openSync, closeSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import Docker from 'dockerode'
import { dockerOnSocket } from '../engine/docker-at.ts'
import { lastLogLine } from './host-daemon.ts'
import { UserError } from '../core/errors.ts'
import { sleep } from '../core/sleep.ts'
import { isAlive } from '../recording/pid-file.ts'
import { hostCommand } from './host-command.ts'
import type { ClusterLayout, ClusterNode } from './layout.ts'

// dockerd's own pid file holds its pid in its namespace (1): the host's pid is found in /proc.
const pidFile = (node: ClusterNode) => `${node.runDir}/dockerd.pid`
const execRoot = (node: ClusterNode) => `${node.runDir}/exec`
const configFile = (node: ClusterNode) => `${node.runDir}/daemon.json`

export const nodeEngine = (node: ClusterNode) => dockerOnSocket(node.socket)

/** The host's pid of the node's dockerd, when it runs. */
export function nodeEnginePid(node: ClusterNode): number | undefined {
  const own = `--host\0unix://${node.socket}\0`
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
      if (command.startsWith('dockerd\0') && command.includes(own)) return Number(entry)
    } catch {
      // gone meanwhile
    }
  }
  return undefined
}

export function dockerdArguments(node: ClusterNode, layout: Pick<ClusterLayout, 'registry' | 'nodePool'>): string[] {
  return [
    '--host',
    `unix://${node.socket}`,
    '--data-root',
    node.dataRoot,
    '--exec-root',
    execRoot(node),
    '--pidfile',
    pidFile(node),
    '--containerd-namespace',
    node.name,
    '--containerd-plugins-namespace',
    `${node.name}-plugins`,
    '--userns-remap',
    'default',
    // Its own settings only: none from the host's /etc/docker/daemon.json.
    '--config-file',
    configFile(node),
    '--insecure-registry',
    layout.registry,
    // Each interview's bridge on the node is a /28 of this: thousands fit where Docker's own pools hold about 30.
    '--default-address-pool',
    `base=${layout.nodePool},size=28`,
  ]
}

/**
 * The network every interview's bridge on a Swarm takes its settings from (box-service.ts): a
 * config-only network that each node holds, so that each interview gets a bridge of its own on the
 * node that runs it, with a subnet of the node's pool, as on one engine.
 */
export const BOX_NETWORK_CONFIG = 'interview-env-boxes'

export async function makeBoxNetworkConfig(node: ClusterNode): Promise<void> {
  const engine = nodeEngine(node)
  const existing = await engine.listNetworks({ filters: JSON.stringify({ name: [BOX_NETWORK_CONFIG] }) })
  if (existing.some((network) => network.Name === BOX_NETWORK_CONFIG)) return
  await engine.createNetwork({ Name: BOX_NETWORK_CONFIG, ConfigOnly: true, CheckDuplicate: true } as Docker.NetworkCreateOptions)
}

/** Starts the node's engine unless it runs, and waits until it answers with users remapped. */
export async function startNodeEngine(node: ClusterNode, layout: ClusterLayout): Promise<void> {
  let exited = false
  if (nodeEnginePid(node) === undefined) {
    mkdirSync(node.runDir, { recursive: true, mode: 0o755 })
    // The remapped root must be able to pass through the data root's folders.
    mkdirSync(node.dataRoot, { recursive: true, mode: 0o711 })
    rmSync(node.socket, { force: true })
    // A node that died leaves dockerd's pid file behind, naming pid 1 of its namespace: the new dockerd
    // would take it for itself still running.
    rmSync(pidFile(node), { force: true })
    // Likewise its containerd's pid file, whose number in a new PID namespace can be a thread of the new
    // dockerd, which would then wait for a containerd that is not there. Nothing in the exec root
    // outlives the node (all of it ran in the node's namespaces), so it starts afresh.
    rmSync(execRoot(node), { recursive: true, force: true })
    writeFileSync(configFile(node), '{}\n', { mode: 0o644 })
    const log = openSync(node.log, 'a', 0o600)
    const child = spawn(
      'nsenter',
      [
        `--net=/run/netns/${node.name}`,
        ...['unshare', '--uts', '--pid', '--fork', '--mount-proc', '--kill-child=SIGTERM', '--'],
        'sh',
        '-c',
        // dockerd uses the host's containerd when /run/containerd/containerd.sock exists (a system
        // containerd service): hidden here, so that the node starts its own, inside its namespaces.
        'hostname "$0" && mkdir -p /run/containerd && mount -t tmpfs -o size=1m,mode=0711 tmpfs /run/containerd && exec dockerd "$@"',
        node.name,
        ...dockerdArguments(node, layout),
      ],
      { detached: true, stdio: ['ignore', log, log] },
    )
    child.on('exit', () => (exited = true))
    child.unref()
    closeSync(log)
  }
  const engine = nodeEngine(node)
  for (let tries = 0; tries < 120 && !exited; tries++) {
    const info = await engine.info().catch(() => undefined)
    if (info) {
      if (!JSON.stringify(info.SecurityOptions ?? []).includes('name=userns'))
        throw new UserError(`the engine of node ${node.name} runs without user-namespace remapping`, `see its log: ${node.log}`)
      return
    }
    await sleep(500)
  }
  const last = lastLogLine(node.log)
  const what = exited ? 'stopped' : 'did not answer within 60 s'
  throw new UserError(`the engine of node ${node.name} ${what}${last ? ` (its log ends: ${last.slice(0, 200)})` : ''}`, `see ${node.log}`)
}

/** Stops the node's engine: its containers stop with it, and the rest of its namespace ends when it does. */
export async function stopNodeEngine(node: ClusterNode): Promise<void> {
  const pid = nodeEnginePid(node)
  if (pid !== undefined) {
    signalProcess(pid, 'SIGTERM')
    for (let tries = 0; tries < 300 && isAlive(pid); tries++) await sleep(100)
    if (isAlive(pid)) signalProcess(pid, 'SIGKILL')
    for (let tries = 0; tries < 50 && isAlive(pid); tries++) await sleep(100)
  }
  await unmountUnder(node.dataRoot)
  await unmountUnder(node.runDir)
}

/** Unmounts every mount at or below `folder`, deepest first. */
export async function unmountUnder(folder: string): Promise<void> {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4]?.replace(/\\040/g, ' '))
    .filter((point): point is string => !!point && (point === folder || point.startsWith(`${folder}/`)))
    .sort((a, b) => b.length - a.length)
  for (const point of mounts) await hostCommand('umount', ['-l', point]).catch(() => undefined)
}
