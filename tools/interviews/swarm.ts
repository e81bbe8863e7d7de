// Interviews on a Docker Swarm (docs/cluster.md): the box is a service of one replica, placed by the
// Swarm's scheduler (and any --constraint), on the interview's own bridge on its node. Behind the
// front door on this host (the default) its SSH is published nowhere; with --no-door, in host mode
// on that node. `list` and `stop` find it by the same labels as on one engine. The checker and the
// task state kept out of the box are on the box's node (engine-of.ts finds it). The recording is
// made on this host by a recorder of its own (record.mjs <interview>) through the node's engine.
// A multi-service task's services are services of their own (tasks/swarm-services.ts). A desktop
// task's box goes only to nodes labelled for desktops; the gateway here reaches its screen (swarm-links.ts).
import type Docker from 'dockerode'
import { UserError } from '../core/errors.ts'
import { newKeyPair } from '../core/ssh-keys.ts'
import { sleep } from '../core/sleep.ts'
import { connectDocker } from '../engine/docker.ts'
import { CHECKER_IMAGE, saveTaskState } from '../engine/checker.ts'
import { containerName, interviewLabels, LABEL, networkName } from '../engine/names.ts'
import { capabilityPlan, type Limits } from '../engine/security.ts'
import { ensureImage } from '../images/build.ts'
import type { ResolvedImage } from '../images/list.ts'
import { boxNetworkSpec, boxServiceSpec } from '../cluster/box-service.ts'
import { followProgress, shareImages } from '../cluster/cluster.ts'
import { boxTask, connectSwarm, nodeInfo, type SwarmTarget, type SwarmTask } from '../cluster/swarm-engine.ts'
import type { ClusterLayout } from '../cluster/layout.ts'
import { DESKTOP_LABEL, USERNS_LABEL } from '../cluster/swarm.ts'
import { BOX_NETWORK_CONFIG, nodeEngine } from '../cluster/node-engine.ts'
import { moveHintsOut } from '../engine/task-hints.ts'
import { startOneRecorder, waitForRecorder } from '../recording/daemon.ts'
import { freeRecordingDir } from '../recording/paths.ts'
import {
  dependencies,
  refuseUnsupportedOnSwarm,
  resolvedServices,
  servicesNetworkName,
  servicesNetworkSpec,
  startOrder,
  swarmServiceName,
  swarmServiceSpec,
  type ServicePlacement,
} from '../tasks/swarm-services.ts'
import type { InterviewDetails } from './card.ts'
import { dockerAt, hasSwarm, swarmBox } from './engine-of.ts'
import { newWebAccess } from '../web/tokens.ts'
import { newDesktopAccess } from '../web/desktop-access.ts'
import { waitForDesktop } from './desktop.ts'
import { tunnelInto } from './box-tunnel.ts'
import { accessOf } from '../door/access.ts'
import { interviewResources } from './find.ts'
import { removeInterview } from './stop.ts'
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
  noExec?: boolean
  /** Record the shared terminal to recordings/<name>/ on this host. */
  record?: boolean
  /** Stop the interview this long after it starts (its recorder keeps the time). */
  ttlMs?: number
  mirror?: string
  /** Participants come in through the front door on this host (its labels, port and address; `start` makes sure it runs). */
  door?: { labels: Record<string, string>; bind: string; port: number; start: () => Promise<string> }
  /** The web gateway's URL, started if need be once the Swarm answers (it finds the Swarm's interviews there: swarm-links.ts). */
  gateway?: () => Promise<string>
  /** Browser links to the terminal, through the gateway. */
  web?: boolean
  log: (line: string) => void
}

/** What a Swarm cannot give yet, refused before anything starts. */
export function refuseOnSwarm(options: { door?: unknown; egress?: string; bind?: string }, resolved?: ResolvedImage): void {
  const refuse = (what: string, hint: string) => {
    throw new UserError(`${what} is not available on a Swarm yet`, hint)
  }
  if (options.egress) refuse(`--egress ${options.egress}`, "drop --egress: on a Swarm the nodes' firewall decides (docs/cluster.md)")
  if (options.bind && !options.door)
    refuse(
      `--bind ${options.bind} with --no-door`,
      "drop --bind: on a Swarm the box listens on its node's addresses (--bind is the front door's)",
    )
  if (resolved?.compose) refuseUnsupportedOnSwarm(resolved.compose)
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
  if (resolved.image.kind === 'task') await ensureImage(local, 'checker', { mirror: run.mirror, log })
  const compose = resolved.compose
  const tags = [resolved.image.tag, ...(compose?.services.map((service) => service.image) ?? [])]
  const [image, ...serviceImages] = swarm.local ? await shareImages(swarm.local, local, tags) : tags.map(swarm.imageFor)
  const plan = capabilityPlan(await swarm.manager.info())
  const doorFingerprint = run.door ? await run.door.start() : undefined
  // The manager's engine remapping users says nothing of the node that will run the box: SYS_ADMIN
  // goes only to nodes labelled as remapping theirs.
  // A desktop goes to a node with room for one.
  const constraints = [
    ...run.constraints,
    ...(plan.capAdd.includes('SYS_ADMIN') ? [`node.labels.${USERNS_LABEL}==true`] : []),
    ...(resolved.desktop ? [`node.labels.${DESKTOP_LABEL}==true`] : []),
  ]
  if (limits.disk !== 'none') log(`note: a Swarm service cannot cap its disk writes; ${name} runs without the ${limits.disk} cap`)
  const probe = newKeyPair('interview-env readiness probe')
  const gatewayUrl = run.web || resolved.desktop ? await run.gateway?.() : undefined
  if (resolved.desktop && !gatewayUrl) throw new Error(`${task} is a desktop: runOnSwarm needs run.gateway`)
  const web = run.web && gatewayUrl ? newWebAccess(gatewayUrl) : undefined
  const screen = resolved.desktop ? newDesktopAccess(gatewayUrl!) : undefined
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
    desktop: resolved.desktop,
    screen,
    noExec: run.noExec,
    recordingDir: run.record ? freeRecordingDir(name) : undefined,
    endsAt: run.ttlMs !== undefined ? Date.now() + run.ttlMs : undefined,
    web,
    door: run.door?.labels,
  }
  const made: SwarmResources = { services: [], networks: [] }
  try {
    made.networks.push((await swarm.manager.createNetwork(boxNetworkSpec(networkSpec(spec), BOX_NETWORK_CONFIG)).catch(refused(name))).id)
    if (compose) made.networks.push((await swarm.manager.createNetwork(servicesNetworkSpec(name, task)).catch(refused(name))).id)
    const service = boxServiceSpec(containerSpec(spec), {
      image: image!,
      constraints,
      port: run.port,
      publish: !run.door,
      servicesNetwork: compose ? servicesNetworkName(name) : undefined,
    })
    made.services.push((await swarm.manager.createService(service).catch(refused(name))).id)
    const running = await waitForTask(swarm.manager, containerName(name), { published: !run.door, desktop: resolved.desktop })
    const node = await nodeInfo(swarm.manager, running.nodeId!)
    // Readiness is a real login into the box's sshd: at its published port on the node, or, behind
    // the front door (published nowhere), through its node's engine, as the door reaches it.
    const inBox = run.door ? await swarmBox(name, swarm) : undefined
    const boxHostKey = await waitForLogin(
      {
        host: node.address,
        port: running.port ?? 22,
        username: 'user',
        privateKey: probe.privateKey,
        connection: inBox && (() => tunnelInto(inBox.docker, inBox.container, 22)),
      },
      { stillStarting: async () => (await boxTask(swarm.manager, containerName(name)))?.state === 'running' },
    ).catch((error: Error) => {
      throw new UserError(
        `interview "${name}" did not accept an SSH login at ${node.hostname} (${node.address}:${running.port ?? 'its engine'}): ${error.message.replace(/^no SSH login succeeded on \S+: /, '')}`,
        `nothing was left running; can this host reach ${node.address}? see npx zx scripts/debug.mjs ${resolved.image.name}`,
      )
    })
    const box = await swarmBox(name, swarm)
    if (screen) await waitForDesktop(box.container)
    if (resolved.image.kind === 'task') {
      // The check runs in a checker beside the box on its node, with the task state kept there, out of the box.
      await shareChecker(swarm, local, box.docker)
      await saveTaskState(box.docker, box.container, name, interviewLabels(name, task))
      // A recorded interview's hints are handed out by its recorder, which counts them (task-hints.ts).
      if (spec.recordingDir) await moveHintsOut(box.docker, box.container, name)
    }
    if (compose) {
      log(`starting the services of ${task} on the Swarm: ${compose.services.map((one) => one.name).join(', ')}`)
      const images = Object.fromEntries(compose.services.map((one, i) => [one.name, serviceImages[i]!]))
      await startSwarmServices(swarm, compose, { interview: name, task, images }, made.services, run.variant)
    }
    const recording = spec.recordingDir
      ? await startOneRecorder(name, spec.recordingDir, ['--engine', 'swarm', ...(spec.endsAt ? ['--ends-at', String(spec.endsAt)] : [])])
      : undefined
    return {
      name,
      task,
      bind: run.door?.bind ?? node.address,
      port: run.door?.port ?? running.port!,
      user: run.door ? name : 'user',
      password: run.password,
      hostKeyFingerprint: doorFingerprint ?? boxHostKey,
      ...plan,
      limits: { ...limits, disk: 'none' },
      participants: run.participants.length,
      variant: run.variant,
      // The local cluster's fence lets nothing out; a real Swarm's is its nodes' (docs/cluster.md).
      egress: swarm.local ? 'cluster' : 'node',
      exec: !run.noExec,
      node: node.hostname,
      recording,
      endsAt: spec.endsAt ? new Date(spec.endsAt).toISOString() : undefined,
      services: compose?.services.map((one) => one.name),
      web: web?.links,
      desktop: screen?.links,
    }
  } catch (error) {
    // What went wrong is the error to report, even when taking the rest down fails as well.
    await removeSwarmInterview(swarm.manager, name, made, swarm.local).catch((cleanup: Error) => log(`warning: ${cleanup.message}`))
    throw error
  }
}

/**
 * Starts a multi-service task's services, each after those it depends on are running (and healthy,
 * when they say how), and waits until all are. The id of each service made goes into `made` at
 * once, for the caller to remove should anything fail.
 */
async function startSwarmServices(
  swarm: SwarmTarget,
  compose: NonNullable<ResolvedImage['compose']>,
  placement: ServicePlacement,
  made: string[],
  variant?: string,
  timeoutMs = 180_000,
): Promise<void> {
  const services = resolvedServices(compose, variant)
  const deadline = Date.now() + timeoutMs
  for (const name of startOrder(services)) {
    for (const dependency of dependencies(services[name]!)) await untilReady(swarm, placement.interview, dependency, deadline)
    made.push((await swarm.manager.createService(swarmServiceSpec(name, services[name]!, placement))).id)
  }
  for (const name of Object.keys(services)) await untilReady(swarm, placement.interview, name, deadline)
}

/** Waits until a service's task runs, and its container is healthy if it has a health check. */
async function untilReady(swarm: SwarmTarget, interview: string, service: string, deadline: number): Promise<void> {
  let last = 'not made'
  while (Date.now() < deadline) {
    const task = await boxTask(swarm.manager, swarmServiceName(interview, service))
    last = task ? `${task.state}${task.error ? ` (${task.error})` : ''}` : last
    if (task && !STARTING.includes(task.state) && task.state !== 'running')
      throw new UserError(
        `service ${service} of ${interview} did not start on the Swarm: ${last}`,
        'nothing was left running; see its logs with the task on one engine',
      )
    if (task?.state === 'running' && task.nodeId && task.containerId) {
      const node = await nodeInfo(swarm.manager, task.nodeId)
      const health = (await dockerAt(swarm.nodeEngineHost(node.hostname)).getContainer(task.containerId).inspect()).State.Health?.Status
      if (health === 'unhealthy')
        throw new UserError(
          `service ${service} of ${interview} is unhealthy on ${node.hostname}`,
          'nothing was left running; try the task on one engine',
        )
      if (health === undefined || health === 'healthy') return
      last = `running, ${health}`
    }
    await sleep(500)
  }
  throw new UserError(
    `service ${service} of ${interview} was not ready in time (${last})`,
    'nothing was left running; see npx zx scripts/cluster.mjs status',
  )
}

/** Puts the checker's image on the node's engine, under its own name, from the Swarm's registry. */
async function shareChecker(swarm: SwarmTarget, local: Docker, node: Docker): Promise<void> {
  const image = swarm.local ? (await shareImages(swarm.local, local, [CHECKER_IMAGE]))[0]! : swarm.imageFor(CHECKER_IMAGE)
  await followProgress(node, await node.pull(image), `pulling the checker (${image}) onto the node`)
  const [repo, tag] = CHECKER_IMAGE.split(':') as [string, string | undefined]
  await node.getImage(image).tag({ repo, tag: tag ?? 'latest' })
}

/** What the Swarm's API refused (a malformed --constraint, a name taken meanwhile), as one line. */
const refused =
  (name: string) =>
  (error: { statusCode?: number; json?: { message?: string }; message: string }): never => {
    const reason = error.json?.message ?? error.message
    if (error.statusCode === 409)
      throw new UserError(`an interview named "${name}" already exists on the Swarm (${reason})`, 'choose another --name')
    if (error.statusCode === 400)
      throw new UserError(`the Swarm refused the box: ${reason}`, 'check each --constraint, e.g. node.hostname==ie-worker1')
    throw error
  }

/** Waits until the service's task runs, with its node and published port; a task that fails is an error. */
async function waitForTask(
  manager: Docker,
  service: string,
  options: { published: boolean; desktop: boolean; timeoutMs?: number },
): Promise<SwarmTask> {
  const timeoutMs = options.timeoutMs ?? 120_000
  const deadline = Date.now() + timeoutMs
  let last: SwarmTask | undefined
  let unplaceableSince: number | undefined
  while (Date.now() < deadline) {
    last = await boxTask(manager, service)
    if (last?.state === 'running' && last.nodeId && (last.port || !options.published)) return last
    if (last?.state === 'pending' && /no suitable node/.test(last.error ?? '')) {
      unplaceableSince ??= Date.now()
      if (Date.now() - unplaceableSince > 10_000)
        throw new UserError(
          `no node of the Swarm can take the box (${last.error})`,
          options.desktop
            ? `a desktop needs a node labelled for desktops (4 GiB each): docker node update --label-add ${DESKTOP_LABEL}=true NODE; check --constraint`
            : `check --constraint; a node whose engine remaps users needs the label: docker node update --label-add ${USERNS_LABEL}=true NODE`,
        )
    } else unplaceableSince = undefined
    if (last && !STARTING.includes(last.state) && last.state !== 'running')
      throw new UserError(
        `the Swarm could not start the box: ${last.state}${last.error ? ` (${last.error})` : ''}`,
        'see the nodes: docker node ls (or npx zx scripts/cluster.mjs status for the local cluster)',
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

/** The ids of an interview's services and networks on the Swarm. */
export async function swarmResources(manager: Docker, name: string): Promise<SwarmResources> {
  const [services, networks] = await Promise.all([
    manager.listServices({ filters: labelFilter(name) }),
    manager.listNetworks({ filters: JSON.stringify({ name: [networkName(name)] }) }),
  ])
  // The network has no labels (box-service.ts): only its exact name, on the Swarm's scope, is the interview's.
  const own = networks.filter(
    (network) => (network.Name === networkName(name) || network.Name === servicesNetworkName(name)) && network.Scope === 'swarm',
  )
  return { services: services.map((service) => service.ID), networks: own.map((network) => network.Id) }
}

export interface SwarmResources {
  services: string[]
  networks: string[]
}

/**
 * Removes an interview's services and networks from the Swarm (by id: a `run` that failed removes
 * only what it made, never a namesake's); a network goes once its tasks have left it. On the local
 * cluster it also waits until no node that runs still holds a container of it: the manager forgets a
 * task before its node has removed the container.
 */
export async function removeSwarmInterview(manager: Docker, name: string, found: SwarmResources, local?: ClusterLayout): Promise<void> {
  await Promise.all(
    found.services.map((id) =>
      manager
        .getService(id)
        .remove()
        .catch((error: { statusCode?: number }) => {
          if (error.statusCode !== 404) throw error
        }),
    ),
  )
  for (const id of found.networks) {
    let removed = false
    for (let tries = 0; tries < 120 && !removed; tries++) {
      removed = await manager
        .getNetwork(id)
        .remove()
        .then(
          () => true,
          (error: { statusCode?: number }) => error.statusCode === 404,
        )
      if (!removed) await sleep(250)
    }
    if (!removed)
      throw new UserError(
        `the network of ${name} is still in use after 30 s`,
        `stop it again in a while: npx zx scripts/stop.mjs --engine swarm ${name}`,
      )
  }
  if (local) {
    await untilNoContainerOn(local, name, found.services)
    // What was kept on the nodes beside the box: its task state and any checker left over.
    await Promise.all(
      local.nodes.map(async (node) => {
        const engine = nodeEngine(node)
        const left = await interviewResources(engine, name).catch(() => undefined) // a node that is down keeps them
        if (left) await removeInterview(engine, left)
      }),
    )
  }
}

async function untilNoContainerOn(local: ClusterLayout, name: string, services: string[], timeoutMs = 30_000): Promise<void> {
  if (!services.length) return
  // By the services removed, not the interview's name: a namesake's containers are not ours to wait for.
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const left = await Promise.all(
      local.nodes.flatMap((node) =>
        services.map((id) =>
          nodeEngine(node)
            .listContainers({ all: true, filters: JSON.stringify({ label: [`com.docker.swarm.service.id=${id}`] }) })
            .then(
              (list) => list.length,
              () => 0, // a node that is down: its containers go when it comes back
            ),
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
  /** The recording's folder on this host, when it is recorded. */
  recording?: string
  /** When its time limit ends it (ISO time), when it has one. */
  endsAt?: string
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
        // Behind the front door, the door's address; else the box's own port on its node.
        address: accessOf(labels)?.address ?? (node && task?.port ? `${node.address}:${task.port}` : '-'),
        state: lost ? 'lost' : (task?.state ?? 'pending'),
        createdAt: new Date(service.CreatedAt ?? 0),
        recording: labels[LABEL.recording],
        endsAt: labels[LABEL.endsAt],
      }
    }),
  )
  return summaries.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
}

/**
 * The Swarm's interviews, when this host has a Swarm to ask (the local cluster is up, or
 * INTERVIEW_CLUSTER_REGISTRY names the registry of DOCKER_HOST's Swarm); none otherwise, and none
 * while its manager does not answer (the interview engine's interviews are listed all the same).
 */
export async function swarmInterviewsIfAny(env: NodeJS.ProcessEnv = process.env): Promise<SwarmInterviewSummary[]> {
  if (!hasSwarm(env)) return []
  return listSwarmInterviews().catch(() => [])
}

/** Stops the named interviews on the Swarm (or all of them). */
export async function stopSwarmInterviews(names: string[], options: { all?: boolean; waitForRecorder?: boolean } = {}): Promise<string[]> {
  const { manager, local } = await connectSwarm()
  if (options.all) {
    // Services by their label, and networks (which carry none) by their name: one a `run` left behind too.
    const [services, networks] = await Promise.all([manager.listServices({ filters: labelFilter() }), manager.listNetworks()])
    const fromServices = services.map((service) => service.Spec?.Labels?.[LABEL.interview])
    const fromNetworks = networks
      .filter((network) => network.Scope === 'swarm' && network.Driver === 'bridge')
      .map((network) => /^ie-(.+)$/.exec(network.Name)?.[1])
    names = [...new Set([...fromServices, ...fromNetworks].filter((n): n is string => !!n))]
  } else if (!names.length) {
    throw new UserError('stop needs interview names, or --all', 'see the running interviews: npx zx scripts/list.mjs --engine swarm')
  }
  // All found before any is removed: an unknown name stops nothing.
  const found = await Promise.all(names.map((name) => swarmResources(manager, name)))
  const recordings = await recordingsOf(manager, names)
  const unknown = names.find((_, i) => found[i]!.services.length + found[i]!.networks.length === 0)
  if (unknown !== undefined)
    throw new UserError(
      `no interview named "${unknown}" is on the Swarm`,
      'see the running interviews: npx zx scripts/list.mjs --engine swarm',
    )
  // Each goes whatever happens to the others; then the first failure is reported.
  const results = await Promise.allSettled(names.map((name, i) => removeSwarmInterview(manager, name, found[i]!, local)))
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')
  if (failed) throw failed.reason
  // Each recorder sees its box end and completes its files (and the summary).
  if (options.waitForRecorder !== false) await Promise.all(recordings.map((dir) => waitForRecorder(dir)))
  return names
}

/** The recording folders of the named interviews' boxes, from their services' labels. */
async function recordingsOf(manager: Docker, names: string[]): Promise<string[]> {
  const services = await manager.listServices({ filters: labelFilter() })
  return services
    .filter((service) => names.includes(service.Spec?.Labels?.[LABEL.interview] ?? ''))
    .map((service) => service.Spec?.Labels?.[LABEL.recording])
    .filter((dir): dir is string => !!dir)
}
