// Each node's gate (node-gate.py): the node engine's socket, let through to the node server's
// containers only. Run by root on the host beside each node's engine, as on a real node beside
// dockerd; it outlives the engine (a node that dies and comes back finds it still there).
import { daemonPid, endDaemon, lastLogLine, startDaemon } from './host-daemon.ts'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { REPO_ROOT } from '../core/paths.ts'
import { sleep } from '../core/sleep.ts'
import type { ClusterNode } from './layout.ts'

const GATE_SCRIPT = join(REPO_ROOT, 'tools', 'cluster', 'node-gate.py')

/** The folder the node server's containers get, holding the gate's socket: in the node's own run folder. */
export const gateFolderIn = (nodeRunDir: string) => join(nodeRunDir, 'gate')
export const gateFolder = (node: ClusterNode) => gateFolderIn(node.runDir)
/** Where the node server finds the gate inside its container. */
export const GATE_IN_CONTAINER = '/run/interview-env/node-gate'

const files = (node: ClusterNode) => ({
  socket: join(gateFolder(node), 'docker.sock'),
  pid: join(node.runDir, 'gate.pid'),
  log: join(node.runDir, 'gate.log'),
})

export const nodeGatePid = (node: ClusterNode) => daemonPid(files(node).pid, 'node-gate.py')

/** Starts the node's gate unless it runs, and waits for its socket. */
export async function startNodeGate(node: ClusterNode): Promise<void> {
  const { socket, pid, log } = files(node)
  if (nodeGatePid(node) === undefined) {
    mkdirSync(gateFolder(node), { recursive: true, mode: 0o755 })
    rmSync(socket, { force: true })
    startDaemon('python3', [GATE_SCRIPT, '--listen', socket, '--engine', node.socket], { pid, log })
  }
  for (let tries = 0; tries < 50; tries++) {
    if (existsSync(socket) && nodeGatePid(node) !== undefined) return
    await sleep(100)
  }
  const last = lastLogLine(log)
  throw new UserError(
    `the gate of node ${node.name} did not start${last ? ` (its log ends: ${last.slice(0, 200)})` : ''}`,
    `see ${log}; it needs python3 and Linux 6.5 or later`,
  )
}

export async function stopNodeGate(node: ClusterNode): Promise<void> {
  const pid = nodeGatePid(node)
  if (pid !== undefined) await endDaemon(pid)
  rmSync(files(node).pid, { force: true })
  rmSync(gateFolder(node), { recursive: true, force: true })
}
