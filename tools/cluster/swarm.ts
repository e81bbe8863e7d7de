// The Swarm of the local cluster: the manager node starts it, each worker joins with the worker token.
import type Docker from 'dockerode'
import { UserError } from '../core/errors.ts'
import { sleep } from '../core/sleep.ts'
import type { ClusterLayout, ClusterNode } from './layout.ts'
import { nodeEngine } from './node-engine.ts'

const SWARM_PORT = 2377

async function swarmState(engine: Docker): Promise<string> {
  const info = await engine.info()
  return String(info.Swarm?.LocalNodeState ?? 'inactive')
}

/** Makes the manager a Swarm manager and joins each worker to it. Safe to run again. */
export async function formSwarm(layout: ClusterLayout): Promise<void> {
  const [manager, ...workers] = layout.nodes as [ClusterNode, ...ClusterNode[]]
  const managerEngine = nodeEngine(manager)
  if ((await swarmState(managerEngine)) !== 'active')
    await managerEngine.swarmInit({
      ListenAddr: `${manager.address}:${SWARM_PORT}`,
      AdvertiseAddr: manager.address,
      ForceNewCluster: false,
    })
  const token = (await managerEngine.swarmInspect()).JoinTokens.Worker as string
  for (const worker of workers) {
    const engine = nodeEngine(worker)
    if ((await swarmState(engine)) === 'active') continue
    await engine.swarmJoin({
      ListenAddr: `${worker.address}:${SWARM_PORT}`,
      AdvertiseAddr: worker.address,
      RemoteAddrs: [`${manager.address}:${SWARM_PORT}`],
      JoinToken: token,
    })
  }
  await waitUntilReady(managerEngine, layout.nodes.length)
  await labelNodes(managerEngine, workers.length ? 'workers' : 'all')
}

/**
 * The label that says a node's engine remaps users: boxes that get SYS_ADMIN are placed only on
 * nodes that carry it (swarm.ts in tools/interviews). Every node of the local cluster does; on real
 * machines the operator labels each node once it runs with --userns-remap (docs/cluster.md).
 */
export const USERNS_LABEL = 'interview-env.userns'

/**
 * The label of nodes with room for desktops (4 GiB each): a desktop task's box is placed only on
 * them. The local cluster's workers carry it (its manager too when it is alone); on real machines
 * the operator labels the nodes meant for desktops (docs/cluster.md).
 */
export const DESKTOP_LABEL = 'desktop'

/** Labels every node as remapping users, and the `desktops` nodes as taking desktops. */
async function labelNodes(manager: Docker, desktops: 'workers' | 'all'): Promise<void> {
  const nodes = (await manager.listNodes()) as Array<{
    ID: string
    Version: { Index: number }
    Spec: { Role?: string; Labels?: Record<string, string> }
  }>
  for (const node of nodes) {
    const wanted = { [USERNS_LABEL]: 'true', ...(desktops === 'all' || node.Spec.Role === 'worker' ? { [DESKTOP_LABEL]: 'true' } : {}) }
    if (Object.entries(wanted).every(([key, value]) => node.Spec.Labels?.[key] === value)) continue
    const spec = { ...node.Spec, Labels: { ...node.Spec.Labels, ...wanted } }
    // The node's version goes in the query, its spec in the body.
    await manager.getNode(node.ID).update({ _query: { version: node.Version.Index }, _body: spec })
  }
}

export interface SwarmNode {
  hostname: string
  role: string
  state: string
  address: string
  leader: boolean
}

export async function swarmNodes(manager: ClusterNode): Promise<SwarmNode[]> {
  const nodes = (await nodeEngine(manager).listNodes()) as Array<{
    Description?: { Hostname?: string }
    Spec?: { Role?: string }
    Status?: { State?: string; Addr?: string }
    ManagerStatus?: { Leader?: boolean }
  }>
  return nodes.map((node) => ({
    hostname: node.Description?.Hostname ?? '?',
    role: node.Spec?.Role ?? '?',
    state: node.Status?.State ?? '?',
    address: node.Status?.Addr ?? '?',
    leader: node.ManagerStatus?.Leader ?? false,
  }))
}

async function waitUntilReady(manager: Docker, count: number): Promise<void> {
  let ready = 0
  for (let tries = 0; tries < 60; tries++) {
    const nodes = (await manager.listNodes()) as Array<{ Status?: { State?: string } }>
    ready = nodes.filter((node) => node.Status?.State === 'ready').length
    if (ready >= count) return
    await sleep(500)
  }
  throw new UserError(
    `only ${ready} of the cluster's ${count} nodes are ready after 30 s`,
    "see each node's log (npx zx scripts/cluster.mjs status)",
  )
}
