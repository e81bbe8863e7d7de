// The local cluster as data: its nodes, their addresses, and where each keeps its socket, data and
// log. Pure, so it is unit-tested; the other files of this folder make it real and take it down.
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { engineRunDir } from '../core/engine-socket.ts'
import { engineDefault, formatAddress, formatCidr, parseCidr, type Cidr } from '../engine/address-pool.ts'

/** The host's bridge that links the nodes. */
export const CLUSTER_BRIDGE = 'iecl0'
/** Where the nodes pull images from: Debian's docker-registry on the host's end of the bridge. */
export const REGISTRY_PORT = 5000
export const MAX_WORKERS = 8

export interface ClusterNode {
  /** Its name, hostname, network namespace and containerd namespace. */
  name: string
  role: 'manager' | 'worker'
  /** Its address on the cluster's link. */
  address: string
  /** The host's end of its link, on the bridge. */
  hostLink: string
  socket: string
  runDir: string
  dataRoot: string
  log: string
}

export interface ClusterLayout {
  cidr: Cidr
  /** Inside each node: the range its engine cuts the interviews' bridges from. */
  nodePool: string
  /** The host's address on the bridge, with its prefix. */
  hostAddress: string
  prefix: number
  registry: string
  runDir: string
  dataDir: string
  nodes: ClusterNode[]
}

export interface LayoutOptions {
  workers: number
  env?: NodeJS.ProcessEnv
}

export const clusterRunDir = (env: NodeJS.ProcessEnv = process.env) => join(engineRunDir(env), 'cluster')
export const clusterDataDir = (env: NodeJS.ProcessEnv = process.env) =>
  join(env.INTERVIEW_ENGINE_ROOT || '/var/lib/interview-env', 'cluster')

export function clusterCidr(env: NodeJS.ProcessEnv = process.env): Cidr {
  const cidr = parseCidr(env.INTERVIEW_CLUSTER_CIDR || engineDefault('INTERVIEW_CLUSTER_CIDR'))
  if (cidr.prefix > 28)
    throw new UserError(
      `INTERVIEW_CLUSTER_CIDR ${formatAddress(cidr.base)}/${cidr.prefix} is too small`,
      'use a /28 or larger, e.g. 10.211.0.0/24',
    )
  return cidr
}

export function checkWorkers(workers: number): number {
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS)
    throw new UserError(
      `--workers must be a whole number from 1 to ${MAX_WORKERS}, not ${workers}`,
      'a local cluster is a manager and 1 to 8 workers, e.g. --workers 1',
    )
  return workers
}

const nodeName = (index: number) => (index === 0 ? 'ie-manager' : `ie-worker${index}`)

/** The cluster of one manager and `workers` workers: the host is .1 on its link, the manager .2, the workers after it. */
export function clusterLayout({ workers, env = process.env }: LayoutOptions): ClusterLayout {
  checkWorkers(workers)
  const cidr = clusterCidr(env)
  const runDir = clusterRunDir(env)
  const dataDir = clusterDataDir(env)
  const hostAddress = formatAddress(cidr.base + 1)
  const nodes = Array.from({ length: workers + 1 }, (_, index): ClusterNode => {
    const name = nodeName(index)
    const nodeRun = join(runDir, name)
    return {
      name,
      role: index === 0 ? 'manager' : 'worker',
      address: formatAddress(cidr.base + 2 + index),
      hostLink: `v${name}`.slice(0, 15),
      socket: join(nodeRun, 'docker.sock'),
      runDir: nodeRun,
      dataRoot: join(dataDir, name),
      log: join(nodeRun, 'dockerd.log'),
    }
  })
  const nodePool = formatCidr(parseCidr(env.INTERVIEW_CLUSTER_NODE_POOL || engineDefault('INTERVIEW_CLUSTER_NODE_POOL')))
  return { cidr, nodePool, hostAddress, prefix: cidr.prefix, registry: `${hostAddress}:${REGISTRY_PORT}`, runDir, dataDir, nodes }
}
