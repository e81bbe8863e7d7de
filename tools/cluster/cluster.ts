// The local cluster for tests and demos (scripts/cluster.mjs): a real Swarm of a manager and workers
// on one machine, each node a Docker engine of its own in its own network namespace, linked by a
// bridge, fenced, and pulling images from a registry on the host. `down` removes all it made.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { UserError } from '../core/errors.ts'
import { formatCidr } from '../engine/address-pool.ts'
import { installHostFence, installNodeFence, removeHostFence } from './cluster-fence.ts'
import { linkExists, makeBridge, makeNodeNamespace, namespaceExists, removeBridge, removeNodeNamespace } from './host-network.ts'
import { CLUSTER_BRIDGE, clusterLayout, clusterRunDir, MAX_WORKERS, type ClusterLayout } from './layout.ts'
import { makeBoxNetworkConfig, nodeEngine, nodeEnginePid, startNodeEngine, stopNodeEngine, unmountUnder } from './node-engine.ts'
import { registryPid, startRegistry, stopRegistry } from './registry.ts'
import { formSwarm, swarmNodes } from './swarm.ts'
import { hostCommand } from './host-command.ts'
import { sleep } from '../core/sleep.ts'
import { dockerAt } from '../engine/docker-at.ts'
import { makeNodeCerts } from './node-certs.ts'
import { startNodeGate, stopNodeGate } from './node-gate.ts'
import { NODE_SERVER_PORT } from './node-relay.ts'
import { deployNodeServers, NODE_SERVER_IMAGE, nodeServerHost, waitForNodeServers } from './node-server.ts'

const stateFile = (env: NodeJS.ProcessEnv = process.env) => join(clusterRunDir(env), 'cluster.json')

/** The cluster that `up` made, as it wrote it down; undefined when there is none. */
export function currentCluster(env: NodeJS.ProcessEnv = process.env): ClusterLayout | undefined {
  try {
    const { workers } = JSON.parse(readFileSync(stateFile(env), 'utf8')) as { workers: number }
    return clusterLayout({ workers, env })
  } catch {
    return undefined
  }
}

function checkRoot(): void {
  if (process.getuid?.() !== 0)
    throw new UserError(
      'the local cluster needs root: it makes network namespaces, a bridge and firewall rules, and starts Docker engines',
      'run it as root: sudo npx zx scripts/cluster.mjs up',
    )
}

async function checkCommands(): Promise<void> {
  for (const [command, pkg] of [
    ['dockerd', 'docker.io'],
    ['docker-registry', 'docker-registry'],
    ['nsenter', 'util-linux'],
    ['iptables', 'iptables'],
  ] as const) {
    const found = await hostCommand('sh', ['-c', `command -v ${command}`]).then(
      () => true,
      () => false,
    )
    if (!found)
      throw new UserError(`${command} is not installed`, `install it: sudo apt-get install ${pkg} (or run scripts/setup-machine.sh)`)
  }
}

/** Makes the cluster (or finishes one a failed `up` left), and returns it. On failure, a cluster this call began is removed again. */
export async function clusterUp(
  workers: number,
  options: { log?: (line: string) => void; /** The interview engine, with the server image built (node-server.ts). */ images: Docker },
): Promise<ClusterLayout> {
  const log = options.log ?? (() => {})
  checkRoot()
  const existing = currentCluster()
  const layout = clusterLayout({ workers })
  if (existing && existing.nodes.length !== layout.nodes.length)
    throw new UserError(
      `a local cluster with ${existing.nodes.length - 1} worker(s) is up`,
      'take it down first: npx zx scripts/cluster.mjs down',
    )
  await checkCommands()
  mkdirSync(layout.runDir, { recursive: true, mode: 0o755 })
  mkdirSync(layout.dataDir, { recursive: true, mode: 0o711 })
  writeFileSync(stateFile(), JSON.stringify({ workers }) + '\n', { mode: 0o644 })
  try {
    await makeBridge(layout)
    await installHostFence(formatCidr(layout.cidr))
    await startRegistry(layout)
    for (const node of layout.nodes) {
      await makeNodeNamespace(node, layout)
      await startNodeEngine(node, layout)
      await startNodeGate(node)
      await installNodeFence(node.name)
      await makeBoxNetworkConfig(node)
      log(`node ${node.name} (${node.role}) at ${node.address}: engine at ${node.socket}`)
    }
    await formSwarm(layout)
    const manager = nodeEngine(layout.nodes[0]!)
    const [serverImage] = await shareImages(layout, options.images, [NODE_SERVER_IMAGE])
    await deployNodeServers(layout, manager, serverImage!, await makeNodeCerts(layout))
    await waitForNodeServers(layout, layout.nodes)
    log(`node servers: one on each node, at port ${NODE_SERVER_PORT} of its address`)
  } catch (error) {
    if (!existing) await clusterDown().catch(() => undefined)
    throw error
  }
  return layout
}

/** Removes everything `up` made, whatever state it is in; says what it removed. */
export async function clusterDown(log: (line: string) => void = () => {}): Promise<void> {
  checkRoot()
  const layout = currentCluster() ?? clusterLayout({ workers: 1 })
  // Nodes a differently sized or interrupted `up` may have left, too: every node the largest cluster
  // would have (names and folders depend only on a node's place), workers before the manager.
  for (const node of clusterLayout({ workers: MAX_WORKERS }).nodes.reverse()) {
    const had =
      (await namespaceExists(node.name)) || nodeEnginePid(node) !== undefined || existsSync(node.runDir) || existsSync(node.dataRoot)
    if (!had) continue
    await stopNodeEngine(node)
    await stopNodeGate(node)
    await removeNodeNamespace(node.name, node.hostLink)
    rmSync(node.dataRoot, { recursive: true, force: true })
    log(`node ${node.name}: removed`)
  }
  await stopRegistry(layout)
  await removeHostFence()
  if (await linkExists(CLUSTER_BRIDGE)) {
    await removeBridge()
    log(`bridge ${CLUSTER_BRIDGE}: removed`)
  }
  await unmountUnder(layout.dataDir)
  rmSync(layout.dataDir, { recursive: true, force: true })
  rmSync(layout.runDir, { recursive: true, force: true })
}

export interface NodeStatus {
  name: string
  role: string
  address: string
  engine: 'running' | 'stopped'
  /** Whether its node server answers this host with the node's engine. */
  server: 'answers' | 'silent'
  swarm: string
  containers: number | undefined
}

export interface ClusterStatus {
  layout: ClusterLayout
  registry: 'running' | 'stopped'
  nodes: NodeStatus[]
}

/** What runs of the cluster, or undefined when there is none. */
export async function clusterStatus(): Promise<ClusterStatus | undefined> {
  const layout = currentCluster()
  if (!layout) return undefined
  const manager = layout.nodes[0]!
  const inSwarm = await swarmNodes(manager).catch(() => [])
  const nodes = await Promise.all(
    layout.nodes.map(async (node): Promise<NodeStatus> => {
      const running = nodeEnginePid(node) !== undefined
      const containers = running ? await countContainers(nodeEngine(node)) : undefined
      const seen = inSwarm.find((one) => one.hostname === node.name)
      const server = await Promise.race([
        dockerAt(nodeServerHost(layout, node))
          .ping()
          .then(
            () => 'answers' as const,
            () => 'silent' as const,
          ),
        sleep(3000).then(() => 'silent' as const),
      ])
      return {
        name: node.name,
        role: node.role,
        address: node.address,
        engine: running ? 'running' : 'stopped',
        server,
        swarm: seen?.state ?? (running ? 'not in swarm' : 'unknown'),
        containers,
      }
    }),
  )
  return { layout, registry: registryPid(layout) === undefined ? 'stopped' : 'running', nodes }
}

const countContainers = (engine: Docker) =>
  engine.listContainers().then(
    (list) => list.length,
    () => undefined,
  )

/** The cluster, or an error that says how to make one. */
export function requireCluster(): ClusterLayout {
  const layout = currentCluster()
  if (!layout) throw new UserError('no local cluster is up', 'start one: sudo npx zx scripts/cluster.mjs up')
  return layout
}

/** The name an image has in the cluster's registry. */
export const registryName = (layout: ClusterLayout, image: string) =>
  `${layout.registry}/${image.includes(':') ? image : `${image}:latest`}`

/**
 * Puts images of the interview engine into the cluster's registry, for every node to pull: each goes
 * to the manager's engine (docker save | docker load, skipped when it has that very image already),
 * which pushes it. Returns each as pushed, pinned by its digest: a node runs exactly that image,
 * whatever the tag names later.
 */
export async function shareImages(layout: ClusterLayout, source: Docker, images: string[]): Promise<string[]> {
  const manager = nodeEngine(layout.nodes[0]!)
  const pushed: string[] = []
  for (const image of images) {
    const wanted = await source
      .getImage(image)
      .inspect()
      .catch(() => {
        throw new UserError(
          `the interview engine has no image ${image}`,
          `build it first: npx zx scripts/build.mjs ${image.replace(/^interview-env\//, '').replace(/:.*/, '')}`,
        )
      })
    const there = await manager
      .getImage(image)
      .inspect()
      .catch(() => undefined)
    if (there?.Id !== wanted.Id) {
      const archive = await source.getImage(image).get()
      await followProgress(manager, await manager.loadImage(archive), `loading ${image} into ${layout.nodes[0]!.name}`)
    }
    const target = registryName(layout, image)
    const [repo, tag] = [target.slice(0, target.lastIndexOf(':')), target.slice(target.lastIndexOf(':') + 1)]
    await manager.getImage(image).tag({ repo, tag })
    const events = await followProgress(manager, await manager.getImage(target).push({ authconfig: {} }), `pushing ${target}`)
    const digest = events.map((event) => event.aux?.Digest).find((one): one is string => !!one)
    pushed.push(digest ? `${target}@${digest}` : target)
  }
  return pushed
}

interface ProgressEvent {
  error?: string
  aux?: { Digest?: string }
}

/** Follows a pull, push or load to its end; a failure is an error saying what failed. */
export async function followProgress(engine: Docker, stream: NodeJS.ReadableStream, what: string): Promise<ProgressEvent[]> {
  return new Promise((resolve, reject) =>
    engine.modem.followProgress(stream, (error: Error | null, events: ProgressEvent[]) => {
      const failed = error?.message ?? events.find((event) => event.error)?.error
      if (failed) reject(new UserError(`${what} failed: ${failed}`, 'see npx zx scripts/cluster.mjs status'))
      else resolve(events)
    }),
  )
}
