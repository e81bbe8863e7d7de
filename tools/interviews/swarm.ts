// Interviews on a Docker Swarm (docs/cluster.md): the box is a service of one replica, placed by the
// Swarm's scheduler (and any --constraint), its SSH published in host mode on the node that runs it,
// on the interview's own overlay network. `list` and `stop` find it by the same labels as on one engine.
// Not yet on a Swarm: the front door, the recording, the checker, desktops and multi-service tasks;
// the candidate logs in to the box's own sshd at its node's address.
import type Docker from 'dockerode'
import { UserError } from '../core/errors.ts'
import { newKeyPair } from '../core/ssh-keys.ts'
import { sleep } from '../core/sleep.ts'
import { connectDocker } from '../engine/docker.ts'
import { containerName, LABEL, networkName } from '../engine/names.ts'
import { capabilityPlan, type Limits } from '../engine/security.ts'
import { ensureImage } from '../images/build.ts'
import type { ResolvedImage } from '../images/list.ts'
import { boxServiceSpec, overlayNetworkSpec } from '../cluster/box-service.ts'
import { shareImages } from '../cluster/cluster.ts'
import { boxTask, connectSwarm, nodeInfo, type SwarmTask } from '../cluster/swarm-engine.ts'
import type { ClusterLayout } from '../cluster/layout.ts'
import { nodeEngine } from '../cluster/node-engine.ts'
import type { InterviewDetails } from './card.ts'
import { containerSpec, networkSpec, type BoxSpec } from './spec.ts'
import { waitForLogin } from './ssh-login.ts'

export interface SwarmRun {
  task: string
  name: string
  resolved: ResolvedImage
  password: string | null
  keys: string[]
  participants: string[]
  limits: Limits
  variant?: string
  port?: number
  constraints: string[]
  mirror?: string
  log: (line: string) => void
}

/** What a Swarm cannot give yet, refused before anything starts. */
export function refuseOnSwarm(resolved: ResolvedImage, options: { web?: boolean; record?: boolean; door?: unknown; ttlMs?: number }): void {
  const refuse = (what: string, hint: string) => {
    throw new UserError(`${what} is not available on a Swarm yet`, hint)
  }
  if (resolved.desktop) refuse(`a desktop task (${resolved.image.name})`, 'run it on one engine: drop --engine swarm')
  if (resolved.compose) refuse(`a multi-service task (${resolved.image.name})`, 'run it on one engine: drop --engine swarm')
  if (options.web) refuse('the browser terminal (--web)', 'drop --web')
  if (options.record) refuse('the recording', 'add --no-record')
  if (options.door) refuse('the front door', 'add --no-door: the candidate logs in at the node that runs the box')
}

const STARTING = ['new', 'allocated', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting']

/** Starts the box on the Swarm and returns its details once a real SSH login at its node succeeds. */
export async function runOnSwarm(run: SwarmRun): Promise<InterviewDetails> {
  const { name, task, resolved, limits, log } = run
  const swarm = await connectSwarm()
  if (await swarmInterviewExists(swarm.manager, name))
    throw new UserError(
      `an interview named "${name}" already exists on the Swarm`,
      `choose another --name, or stop it first: npx zx scripts/stop.mjs --engine swarm ${name}`,
    )
  // The image is built on the interview engine, as for one engine, and shared with the local cluster's nodes.
  const local = await connectDocker()
  await ensureImage(local, resolved, { mirror: run.mirror, log })
  if (swarm.local) await shareImages(swarm.local, local, [resolved.image.tag])
  const plan = capabilityPlan(await swarm.manager.info())
  if (limits.disk !== 'none') log(`note: a Swarm service cannot cap its disk writes; ${name} runs without the ${limits.disk} cap`)
  const probe = newKeyPair('interview-env readiness probe')
  const spec: BoxSpec = {
    name,
    task,
    image: resolved.image.tag,
    variant: run.variant,
    password: run.password,
    keys: run.keys,
    probeKey: probe.publicKey,
    participants: run.participants,
    bind: '0.0.0.0',
    capAdd: plan.capAdd,
    limits,
    desktop: false,
  }
  try {
    await swarm.manager.createNetwork(overlayNetworkSpec(networkSpec(spec)))
    await swarm.manager.createService(
      boxServiceSpec(containerSpec(spec), { image: swarm.imageFor(resolved.image.tag), constraints: run.constraints, port: run.port }),
    )
    const running = await waitForTask(swarm.manager, containerName(name))
    const node = await nodeInfo(swarm.manager, running.nodeId!)
    const hostKeyFingerprint = await waitForLogin(
      { host: node.address, port: running.port!, username: 'user', privateKey: probe.privateKey },
      { stillStarting: async () => (await boxTask(swarm.manager, containerName(name)))?.state === 'running' },
    )
    return {
      name,
      task,
      bind: node.address,
      port: running.port!,
      user: 'user',
      password: run.password,
      hostKeyFingerprint,
      ...plan,
      limits: { ...limits, disk: 'none' },
      participants: run.participants.length,
      variant: run.variant,
      egress: swarm.local ? 'none' : undefined,
      exec: true,
      node: node.hostname,
    }
  } catch (error) {
    await removeSwarmInterview(swarm.manager, name, swarm.local)
    throw error
  }
}

/** Waits until the service's task runs, with its node and published port; a task that fails is an error. */
async function waitForTask(manager: Docker, service: string, timeoutMs = 120_000): Promise<SwarmTask> {
  const deadline = Date.now() + timeoutMs
  let last: SwarmTask | undefined
  while (Date.now() < deadline) {
    last = await boxTask(manager, service)
    if (last?.state === 'running' && last.nodeId && last.port) return last
    if (last && !STARTING.includes(last.state) && last.state !== 'running')
      throw new UserError(
        `the Swarm could not start the box: ${last.state}${last.error ? ` (${last.error})` : ''}`,
        'see npx zx scripts/cluster.mjs status; a --constraint no node meets leaves it pending',
      )
    await sleep(250)
  }
  throw new UserError(
    `the Swarm did not start the box within ${timeoutMs / 1000} s (its task is ${last?.state ?? 'not made'}${last?.error ? `: ${last.error}` : ''})`,
    'is there a node that meets its --constraint? npx zx scripts/cluster.mjs status',
  )
}

const labelFilter = (name?: string) => JSON.stringify({ label: [`${LABEL.managed}=true`, ...(name ? [`${LABEL.interview}=${name}`] : [])] })

async function swarmInterviewExists(manager: Docker, name: string): Promise<boolean> {
  const [services, networks] = await Promise.all([
    manager.listServices({ filters: JSON.stringify({ name: [containerName(name)] }) }),
    manager.listNetworks({ filters: JSON.stringify({ name: [networkName(name)] }) }),
  ])
  return (
    services.some((service) => service.Spec?.Name === containerName(name)) || networks.some((network) => network.Name === networkName(name))
  )
}

/**
 * Removes an interview's services and network from the Swarm; the network goes once its tasks have
 * left it. On the local cluster it also waits until no node that runs still holds a container of it:
 * the manager forgets a task before its node has removed the container.
 */
export async function removeSwarmInterview(manager: Docker, name: string, local?: ClusterLayout): Promise<boolean> {
  const services = await manager.listServices({ filters: labelFilter(name) })
  await Promise.all(
    services.map((service) =>
      manager
        .getService(service.ID)
        .remove()
        .catch(() => undefined),
    ),
  )
  const networks = await manager.listNetworks({ filters: labelFilter(name) })
  for (const network of networks) {
    for (let tries = 0; tries < 120; tries++) {
      const removed = await manager
        .getNetwork(network.Id)
        .remove()
        .then(
          () => true,
          (error: { statusCode?: number }) => error.statusCode === 404,
        )
      if (removed) break
      await sleep(250)
    }
  }
  if (local) await untilNoContainerOn(local, name)
  return services.length + networks.length > 0
}

async function untilNoContainerOn(local: ClusterLayout, name: string, timeoutMs = 30_000): Promise<void> {
  const filters = labelFilter(name)
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const left = await Promise.all(
      local.nodes.map((node) =>
        nodeEngine(node)
          .listContainers({ all: true, filters })
          .then(
            (list) => list.length,
            () => 0, // a node that is down: its containers go when it comes back
          ),
      ),
    )
    if (left.every((count) => count === 0)) return
    if (Date.now() > deadline)
      throw new UserError(
        `the Swarm's nodes still hold a container of ${name} after ${timeoutMs / 1000} s`,
        'see npx zx scripts/cluster.mjs status',
      )
    await sleep(250)
  }
}

export interface SwarmInterviewSummary {
  name: string
  task: string
  node: string
  address: string
  state: string
  createdAt: Date
}

/** The interviews on the Swarm, newest first; one whose node is down shows as lost. */
export async function listSwarmInterviews(): Promise<SwarmInterviewSummary[]> {
  const { manager } = await connectSwarm()
  const services = await manager.listServices({ filters: JSON.stringify({ label: [`${LABEL.managed}=true`, `${LABEL.role}=interview`] }) })
  const summaries = await Promise.all(
    services.map(async (service): Promise<SwarmInterviewSummary> => {
      const labels = service.Spec?.Labels ?? {}
      const task = await boxTask(manager, service.Spec?.Name ?? service.ID)
      const node = task?.nodeId ? await nodeInfo(manager, task.nodeId).catch(() => undefined) : undefined
      const lost = node !== undefined && node.state !== 'ready'
      return {
        name: labels[LABEL.interview] ?? '?',
        task: labels[LABEL.task] ?? '?',
        node: node?.hostname ?? '-',
        address: node && task?.port ? `${node.address}:${task.port}` : '-',
        state: lost ? 'lost' : (task?.state ?? 'pending'),
        createdAt: new Date(service.CreatedAt ?? 0),
      }
    }),
  )
  return summaries.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
}

/** Stops the named interviews on the Swarm (or all of them). */
export async function stopSwarmInterviews(names: string[], options: { all?: boolean } = {}): Promise<string[]> {
  const { manager, local } = await connectSwarm()
  if (options.all) {
    const [services, networks] = await Promise.all([
      manager.listServices({ filters: labelFilter() }),
      manager.listNetworks({ filters: labelFilter() }),
    ])
    names = [
      ...new Set(
        [...services.map((s) => s.Spec?.Labels?.[LABEL.interview]), ...networks.map((n) => n.Labels?.[LABEL.interview])].filter(
          (n): n is string => !!n,
        ),
      ),
    ]
  } else if (!names.length) {
    throw new UserError('stop needs interview names, or --all', 'see the running interviews: npx zx scripts/list.mjs --engine swarm')
  }
  for (const name of names) {
    if (!(await removeSwarmInterview(manager, name, local)))
      throw new UserError(
        `no interview named "${name}" is on the Swarm`,
        'see the running interviews: npx zx scripts/list.mjs --engine swarm',
      )
  }
  return names
}
