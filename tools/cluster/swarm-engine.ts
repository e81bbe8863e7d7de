// Which Swarm an interview goes to: the local cluster's manager when one is up (scripts/cluster.mjs),
// or else the engine of DOCKER_HOST when it is a Swarm manager, with the registry its nodes pull from
// in INTERVIEW_CLUSTER_REGISTRY (images get there with scripts/publish.mjs).
import Docker from 'dockerode'
import { UserError } from '../core/errors.ts'
import { dockerAt, trustEngineAt } from '../engine/docker-at.ts'
import { currentCluster, registryName } from './cluster.ts'
import type { ClusterLayout } from './layout.ts'
import { nodeEngine } from './node-engine.ts'
import { nodeServerHost } from './node-server.ts'

export interface SwarmTarget {
  manager: Docker
  /** The image name the nodes pull for an image of the interview engine. */
  imageFor: (image: string) => string
  /** The local cluster, when that is the Swarm: its images are shared from the interview engine. */
  local?: ClusterLayout
  /**
   * Where this host reaches the engine of the node of that hostname (a DOCKER_HOST value), which
   * checks, faults, keys, roles, debugging and the recording need: a local cluster's node server
   * (node-server.ts), or on real machines what INTERVIEW_CLUSTER_NODE_ENGINES says (docs/cluster.md).
   */
  nodeEngineHost: (hostname: string) => string
}

/** INTERVIEW_CLUSTER_NODE_ENGINES: `hostname=DOCKER_HOST` pairs, separated by commas or spaces. */
export function parseNodeEngines(value: string | undefined): Map<string, string> {
  const engines = new Map<string, string>()
  for (const pair of (value ?? '').split(/[\s,]+/).filter(Boolean)) {
    const at = pair.indexOf('=')
    if (at <= 0 || at === pair.length - 1)
      throw new UserError(
        `INTERVIEW_CLUSTER_NODE_ENGINES has "${pair}", not hostname=DOCKER_HOST`,
        'e.g. INTERVIEW_CLUSTER_NODE_ENGINES="node1=ssh://root@node1,node2=ssh://root@node2"',
      )
    engines.set(pair.slice(0, at), pair.slice(at + 1))
  }
  return engines
}

export async function connectSwarm(env: NodeJS.ProcessEnv = process.env): Promise<SwarmTarget> {
  const local = currentCluster(env)
  if (local) {
    const manager = nodeEngine(local.nodes[0]!)
    await manager.ping().catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EACCES')
        throw new UserError(
          `no permission to use the local cluster's manager (${local.nodes[0]!.socket})`,
          'run it as root: sudo npx zx scripts/...',
        )
      throw new UserError(
        "the local cluster's manager does not answer",
        'see npx zx scripts/cluster.mjs status, or start it again: sudo npx zx scripts/cluster.mjs up',
      )
    })
    const nodeEngineHost = (hostname: string) => {
      const node = local.nodes.find((one) => one.name === hostname)
      if (!node) throw new UserError(`the local cluster has no node ${hostname}`, 'see npx zx scripts/cluster.mjs status')
      return nodeServerHost(local, node)
    }
    return { manager, local, imageFor: (image) => registryName(local, image), nodeEngineHost }
  }
  // INTERVIEW_SWARM_MANAGER: the manager, once DOCKER_HOST points at the engine of a box's node (engine-of.ts).
  const manager = env.INTERVIEW_SWARM_MANAGER ? dockerAt(env.INTERVIEW_SWARM_MANAGER) : new Docker()
  const info = await manager.info().catch(() => undefined)
  if (!info?.Swarm?.ControlAvailable)
    throw new UserError(
      'no Swarm to run on: no local cluster is up, and the Docker engine is not a Swarm manager',
      'start the local cluster (sudo npx zx scripts/cluster.mjs up), or set DOCKER_HOST to a Swarm manager',
    )
  const registry = env.INTERVIEW_CLUSTER_REGISTRY
  if (!registry)
    throw new UserError(
      "INTERVIEW_CLUSTER_REGISTRY is not set: the Swarm's nodes need a registry to pull the interview's image from",
      'publish the images there (npx zx scripts/publish.mjs --registry R) and set INTERVIEW_CLUSTER_REGISTRY=R',
    )
  const engines = parseNodeEngines(env.INTERVIEW_CLUSTER_NODE_ENGINES)
  // The nodes' servers (tcp://NODE:7631) are reached over TLS with this host's certificate for them.
  const certs = env.INTERVIEW_CLUSTER_NODE_CERTS
  if (certs) for (const host of engines.values()) if (host.startsWith('tcp://')) trustEngineAt(host, certs)
  const nodeEngineHost = (hostname: string) => {
    const host = engines.get(hostname)
    if (!host)
      throw new UserError(
        `this host does not know how to reach the engine of node ${hostname}`,
        `add ${hostname}=DOCKER_HOST (its node server, tcp://${hostname}:7631, or ssh://root@${hostname}) to INTERVIEW_CLUSTER_NODE_ENGINES (docs/cluster.md)`,
      )
    return host
  }
  return { manager, imageFor: (image) => `${registry}/${image.includes(':') ? image : `${image}:latest`}`, nodeEngineHost }
}

export interface SwarmTask {
  state: string
  error?: string
  nodeId?: string
  port?: number
  containerId?: string
}

/** The state of the one task of an interview's service (the newest, should Swarm have made more). */
export async function boxTask(manager: Docker, serviceName: string): Promise<SwarmTask | undefined> {
  const tasks = (await manager.listTasks({ filters: JSON.stringify({ service: [serviceName] }) })) as Array<{
    CreatedAt?: string
    NodeID?: string
    Status?: {
      State?: string
      Err?: string
      PortStatus?: { Ports?: Array<{ PublishedPort?: number }> }
      ContainerStatus?: { ContainerID?: string }
    }
  }>
  const task = tasks.sort((a, b) => String(b.CreatedAt).localeCompare(String(a.CreatedAt)))[0]
  if (!task) return undefined
  return {
    state: task.Status?.State ?? 'unknown',
    error: task.Status?.Err,
    nodeId: task.NodeID,
    port: task.Status?.PortStatus?.Ports?.[0]?.PublishedPort,
    containerId: task.Status?.ContainerStatus?.ContainerID,
  }
}

export interface SwarmNodeInfo {
  hostname: string
  address: string
  state: string
}

export async function nodeInfo(manager: Docker, nodeId: string): Promise<SwarmNodeInfo> {
  const node = (await manager.getNode(nodeId).inspect()) as {
    Description?: { Hostname?: string }
    Status?: { Addr?: string; State?: string }
    ManagerStatus?: { Addr?: string }
  }
  // A manager's Status.Addr can be 0.0.0.0 or loopback; the address it advertises is its ManagerStatus's (host:port).
  const advertised = node.ManagerStatus?.Addr?.replace(/:\d+$/, '')
  const address = advertised && !/^(0\.0\.0\.0|127\.)/.test(advertised) ? advertised : (node.Status?.Addr ?? '?')
  return { hostname: node.Description?.Hostname ?? nodeId, address, state: node.Status?.State ?? 'unknown' }
}
