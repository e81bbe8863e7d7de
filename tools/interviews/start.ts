// Interviews: start one, find them, list them, stop them. Each interview is one labelled container
// (the candidate's box) on its own labelled network, plus, for a multi-service task, the services
// Docker Compose starts beside it; nothing here touches a container this project did not start.
import type Docker from 'dockerode'
import type { InterviewDetails } from './card.ts'
import { connectDocker, containerLogs, execIn } from '../engine/docker.ts'
import { UserError, lastLines } from '../core/errors.ts'
import { waitForDesktop } from './desktop.ts'
import { ensureImage } from '../images/build.ts'
import { composeTaskOf, findImage, isBuiltFrom } from '../images/list.ts'
import { BOX_ALIAS } from '../tasks/compose-file.ts'
import { composeCommand, serviceStates, servicesByInterview, startServices, type ServiceState } from '../tasks/compose.ts'
import { newKeyPair, readPublicKeys } from './keys.ts'
import { checkInterviewName, containerName, interviewLabels, LABEL, networkName, newInterviewName } from '../engine/names.ts'
import { newPassword } from '../core/passwords.ts'
import { checkBindAddress, checkPort, checkPortFree } from '../engine/ports.ts'
import { capabilityPlan, DEFAULT_LIMITS, DESKTOP_LIMITS, parseMemory, type Limits } from '../engine/security.ts'
import { waitForLogin } from './ssh-login.ts'
import { participants } from './participants.ts'
import { pickVariant, readTaskFolder } from '../tasks/task-folder.ts'
import { startRecorder, waitForRecorder } from '../recording/daemon.ts'
import { freeRecordingDir } from '../recording/paths.ts'
import { newDesktopAccess } from '../web/desktop-access.ts'
import { newWebAccess } from '../web/tokens.ts'

export interface RunOptions {
  name?: string
  port?: number
  bind?: string
  /** A password to use; `false` for key login only; by default a new random one. */
  password?: string | false
  /** Files of public keys that may log in. */
  keys?: string[]
  limits?: Partial<Limits>
  mirror?: string
  /** Browser links through the gateway at this URL (see tools/web). */
  webGateway?: string
  /** The web gateway's URL, started if need be: a desktop interview always needs one. */
  gateway?: () => Promise<string>
  /** Record the shared terminal to recordings/<name>/ (a background recorder per interview). */
  record?: boolean
  /** Stop the interview this long after it starts (needs `record`: the recorder keeps the time). */
  ttlMs?: number
  /** Public key files of interviewers (can type) and observers (read-only), each known by its key. */
  interviewers?: string[]
  observers?: string[]
  /** Refuse the candidate's non-interactive commands, scp and sftp (they are traced either way). */
  noExec?: boolean
  /** One of the task's variants (task.md's `variants:`) to pin; by default one drawn at random. */
  variant?: string
  log?: (line: string) => void
}

/** Checks everything that needs no Docker: bad input fails here, before anything starts. */
function checkRunOptions(task: string, options: RunOptions) {
  const image = findImage(task)
  const name = checkInterviewName(options.name ?? newInterviewName(task))
  const bind = checkBindAddress(options.bind ?? '127.0.0.1')
  if (options.port !== undefined) checkPort(options.port)
  const keys = (options.keys ?? []).flatMap(readPublicKeys)
  const participants = [
    ...(options.interviewers ?? []).flatMap(readPublicKeys).map((key) => `interviewer ${key.line}`),
    ...(options.observers ?? []).flatMap(readPublicKeys).map((key) => `observer ${key.line}`),
  ]
  if (options.ttlMs !== undefined && !options.record) {
    throw new UserError('a time limit needs the recorder, which keeps the time', 'drop --no-record, or drop --ttl')
  }
  const password = options.password === false ? null : (options.password ?? newPassword())
  if (password === null && keys.length === 0) {
    throw new UserError('--no-password leaves nobody able to log in', 'add --key FILE with a public key, or drop --no-password')
  }
  if (password !== null && (password.length < 8 || /[\n\r]/.test(password))) {
    throw new UserError('the password must be one line of at least 8 characters', 'give another --password, or leave it out to get a random one')
  }
  const desktop = isBuiltFrom(image, 'desktop')
  const limits = { ...(desktop ? DESKTOP_LIMITS : DEFAULT_LIMITS), ...definedOnly(options.limits ?? {}) }
  try {
    parseMemory(limits.memory)
  } catch {
    throw new UserError(`--memory ${limits.memory} is not a size`, 'use a size like 512m or 2g')
  }
  if (!(limits.cpus > 0) || !(limits.pids >= 64)) {
    throw new UserError('--cpus must be above 0 and --pids at least 64', 'e.g. --cpus 1 --pids 512')
  }
  const compose = composeTaskOf(image)
  const variant = pickVariant(task, image.kind === 'task' ? readTaskFolder(image.dir).info.variants : [], options.variant)
  return { image, name, bind, keys, password, limits, desktop, participants, compose, variant }
}

const definedOnly = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>

/** Starts an interview of `task` and returns its details once a real SSH login succeeds. */
export async function runInterview(task: string, options: RunOptions = {}): Promise<InterviewDetails> {
  const log = options.log ?? ((line: string) => console.error(line))
  const { image, name, bind, keys, password, limits, desktop, participants, compose, variant } = checkRunOptions(task, options)
  const docker = await connectDocker()
  if (compose) await composeCommand()
  if (await interviewExists(docker, name)) {
    throw new UserError(`an interview named "${name}" already exists`, `choose another --name, or stop it first: npx zx scripts/stop.mjs ${name}`)
  }
  if (options.port !== undefined) await checkPortFree(options.port, bind)
  await ensureImage(docker, task, { mirror: options.mirror, log })
  const plan = capabilityPlan(await docker.info())
  if (plan.warning) log(`warning: ${plan.warning}`)

  const probe = newKeyPair('interview-env readiness probe')
  const web = options.webGateway ? newWebAccess(options.webGateway) : undefined
  const gatewayUrl = desktop ? (options.webGateway ?? (await options.gateway?.())) : undefined
  if (desktop && !gatewayUrl) throw new Error(`${task} is a desktop: runInterview needs options.gateway`)
  const screen = gatewayUrl ? newDesktopAccess(gatewayUrl) : undefined
  const labels = interviewLabels(name, task)
  // The variant goes to the task's start script (and its services) as INTERVIEW_VARIANT, and into a
  // label for the interviewer's tools; the candidate's task text never names it.
  const variantLabel: Record<string, string> = variant ? { [LABEL.variant]: variant } : {}
  const endsAt = options.ttlMs !== undefined ? Date.now() + options.ttlMs : undefined
  const recordingDir = options.record ? freeRecordingDir(name) : undefined
  let container: Docker.Container | undefined
  try {
    await docker.createNetwork({ Name: networkName(name), Driver: 'bridge', Labels: labels, CheckDuplicate: true })
    container = await docker.createContainer({
      name: containerName(name),
      Image: image.tag,
      Hostname: name,
      Labels: { ...labels, ...variantLabel, ...web?.labels, ...screen?.labels, ...(endsAt ? { [LABEL.endsAt]: new Date(endsAt).toISOString() } : {}), ...(recordingDir ? { [LABEL.recording]: recordingDir } : {}) },
      Env: [
        `INTERVIEW_NAME=${name}`,
        `INTERVIEW_TASK=${task}`,
        ...(variant ? [`INTERVIEW_VARIANT=${variant}`] : []),
        `INTERVIEW_PASSWORD=${password ?? ''}`,
        `INTERVIEW_AUTHORIZED_KEYS=${keys.map((key) => key.line).join('\n')}`,
        `INTERVIEW_PROBE_KEY=${probe.publicKey}`,
        ...(screen?.env ?? []),
        ...(endsAt ? [`INTERVIEW_ENDS_AT=${Math.floor(endsAt / 1000)}`] : []),
        `INTERVIEW_PARTICIPANTS=${participants.join('\n')}`,
        ...(options.noExec ? ['INTERVIEW_NO_EXEC=1'] : []),
      ],
      ExposedPorts: { '22/tcp': {} },
      StopTimeout: 3,
      HostConfig: {
        NetworkMode: networkName(name),
        PortBindings: { '22/tcp': [{ HostIp: bind, HostPort: options.port ? String(options.port) : '' }] },
        CapAdd: plan.capAdd,
        Memory: parseMemory(limits.memory),
        MemorySwap: parseMemory(limits.memory),
        NanoCpus: Math.round(limits.cpus * 1e9),
        PidsLimit: limits.pids,
        ...(desktop ? { ShmSize: 512 * 1024 * 1024 } : {}),
        RestartPolicy: { Name: 'no' },
      },
      // The services of a multi-service task reach the candidate's machine by this name.
      NetworkingConfig: { EndpointsConfig: { [networkName(name)]: { Aliases: [BOX_ALIAS] } } },
    })
    await container.start()
    const port = await publishedPort(container)
    const started = container
    const hostKeyFingerprint = await waitForLogin(
      { host: bind === '0.0.0.0' ? '127.0.0.1' : bind === '::' ? '::1' : bind, port, username: 'user', privateKey: probe.privateKey },
      { stillStarting: async () => (await started.inspect()).State.Running },
    )
    if (screen) await waitForDesktop(started)
    if (compose) {
      log(`starting the services of ${task}: ${compose.services.map((service) => service.name).join(', ')}`)
      await startServices(docker, compose, name, { variant })
    }
    const recording = recordingDir ? await startRecorder(name, recordingDir, endsAt) : undefined
    return {
      name, task, bind, port, user: 'user', password, hostKeyFingerprint, ...plan, limits, web: web?.links, desktop: screen?.links,
      recording, endsAt: endsAt ? new Date(endsAt).toISOString() : undefined, participants: participants.length, variant,
      services: compose?.services.map((service) => service.name),
      exec: !options.noExec,
    }
  } catch (error) {
    const logs = container ? await containerLogs(container) : ''
    await removeInterview(docker, await interviewResources(docker, name))
    throw explainStartFailure(error, name, bind, options.port, logs)
  }
}

/** Turns what Docker or the login probe said into an error the user can act on. */
function explainStartFailure(error: unknown, name: string, bind: string, port: number | undefined, logs: string): unknown {
  const message = (error as Error)?.message ?? String(error)
  if (/port is already allocated|address already in use/i.test(message)) {
    return new UserError(`port ${port} on ${bind} is already in use`, 'pick another with --port, or leave --port out to get a free one')
  }
  if (error instanceof UserError) return error
  if (/no SSH login succeeded/.test(message)) {
    const last = lastLines(logs, 1)[0] ?? 'the container printed nothing'
    return new UserError(`interview "${name}" did not accept an SSH login: ${last}`, 'nothing was left running; see `npx zx scripts/debug.mjs IMAGE` to look inside the image')
  }
  return error
}

async function publishedPort(container: Docker.Container): Promise<number> {
  const info = await container.inspect()
  const binding = info.NetworkSettings.Ports?.['22/tcp']?.[0]
  if (!binding) throw new Error('Docker published no port for SSH')
  return Number(binding.HostPort)
}

/** The containers, networks and volumes labelled with an interview's name. */
async function interviewResources(docker: Docker, name: string) {
  const filters = JSON.stringify({ label: [`${LABEL.managed}=true`, `${LABEL.interview}=${name}`] })
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ])
  return { containers, networks, volumes: volumes.Volumes ?? [] }
}

async function interviewExists(docker: Docker, name: string): Promise<boolean> {
  const found = await interviewResources(docker, name)
  if (found.containers.length || found.networks.length) return true
  // A container or network of that name that this project did not start would collide too.
  const byName = await docker.listContainers({ all: true, filters: JSON.stringify({ name: [`^/${containerName(name)}$`] }) })
  return byName.length > 0
}

/**
 * Removes everything an interview owns: containers (stopped first), networks, volumes. The services
 * of a multi-service task and their volumes carry the interview's labels too (compose-file.ts), so
 * they go the same way, each container stopped with the signal its compose file gave it.
 */
async function removeInterview(docker: Docker, found: Awaited<ReturnType<typeof interviewResources>>): Promise<void> {
  await Promise.all(
    found.containers.map(async (info) => {
      const container = docker.getContainer(info.Id)
      if (info.State === 'running') await container.stop({ t: 3 }).catch(() => undefined)
      await container.remove({ force: true, v: true }).catch(() => undefined)
    }),
  )
  for (const network of found.networks) await docker.getNetwork(network.Id).remove().catch(() => undefined)
  for (const volume of found.volumes) await docker.getVolume(volume.Name).remove().catch(() => undefined)
}

export interface InterviewSummary {
  name: string
  task: string
  address: string
  createdAt: Date
  state: string
  clients: number | null
  /** Who is attached, in which role, and whether read-only. */
  people: { who: string; role: string; readonly: boolean }[]
  /** The services beside the box, for a multi-service task. */
  services: ServiceState[]
}

/** The containers of the interviews this project started, running or not. */
function interviewContainers(docker: Docker) {
  return docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL.managed}=true`, `${LABEL.role}=interview`] }) })
}

/** Names of the running interviews (no exec into any of them). */
export async function runningInterviewNames(docker: Docker): Promise<string[]> {
  return (await interviewContainers(docker)).filter((info) => info.State === 'running').map((info) => info.Labels[LABEL.interview] ?? '?')
}

/** Interviews this project started, newest first, with how many clients are attached to each. */
export async function listInterviews(docker?: Docker): Promise<InterviewSummary[]> {
  docker ??= await connectDocker()
  const [containers, services] = await Promise.all([interviewContainers(docker), servicesByInterview(docker)])
  const client = docker
  const summaries = await Promise.all(
    containers.map(async (info): Promise<InterviewSummary> => {
      const ssh = info.Ports.find((port) => port.PrivatePort === 22 && port.PublicPort)
      return {
        name: info.Labels[LABEL.interview] ?? '?',
        task: info.Labels[LABEL.task] ?? '?',
        address: ssh ? `${ssh.IP}:${ssh.PublicPort}` : '-',
        createdAt: new Date(info.Created * 1000),
        state: info.State,
        services: services.get(info.Labels[LABEL.interview] ?? '?') ?? [],
        ...(info.State === 'running' ? await attached(client.getContainer(info.Id)) : { clients: null, people: [] }),
      }
    }),
  )
  return summaries.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
}

/** People attached to the shared tmux session (the host's recorder is not counted). */
async function attached(container: Docker.Container): Promise<Pick<InterviewSummary, 'clients' | 'people'>> {
  try {
    const people = (await participants(container)).map(({ who, role, readonly }) => ({ who, role, readonly }))
    return { clients: people.length, people }
  } catch {
    return { clients: null, people: [] }
  }
}

/** The running container of an interview, if there is one. */
export async function findRunningInterview(docker: Docker, name: string): Promise<Docker.Container | undefined> {
  const found = await interviewResources(docker, name)
  const running = found.containers.find((info) => info.State === 'running' && info.Labels[LABEL.role] === 'interview')
  return running && docker.getContainer(running.Id)
}

/** The running container of an interview, or an error that lists the interviews there are. */
export async function interviewContainer(docker: Docker, name: string): Promise<Docker.Container> {
  const container = await findRunningInterview(docker, name)
  if (!container) throw await unknownInterview(docker, name)
  return container
}

/** The running container of one of an interview's services, or an error that lists its services. */
export async function serviceContainer(docker: Docker, interview: string, service: string): Promise<Docker.Container> {
  const services = (await serviceStates(docker, interview)).filter((s) => s.state === 'running')
  const found = services.find((s) => s.name === service)
  if (!found) {
    throw new UserError(
      `interview "${interview}" has no running service "${service}"`,
      services.length ? `its services: ${services.map((s) => s.name).join(', ')}` : 'it runs no services beside the box (only tasks with a compose.yaml do)',
    )
  }
  return docker.getContainer(found.id)
}

async function unknownInterview(docker: Docker, name: string): Promise<UserError> {
  const names = await runningInterviewNames(docker)
  return new UserError(`no interview named "${name}"`, names.length ? `running: ${names.join(', ')}` : 'no interview is running (npx zx scripts/run.mjs base starts one)')
}

/** Stops the named interviews (or all of them) and removes everything they made. */
export async function stopInterviews(names: string[], options: { all?: boolean; waitForRecorder?: boolean } = {}): Promise<string[]> {
  const docker = await connectDocker()
  if (options.all) {
    const filters = JSON.stringify({ label: [`${LABEL.managed}=true`] })
    const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })])
    names = [...new Set([...containers, ...networks].map((item) => item.Labels?.[LABEL.interview]).filter((n): n is string => !!n))]
  } else if (!names.length) {
    throw new UserError('stop needs interview names, or --all', 'see the running interviews: npx zx scripts/list.mjs')
  }
  const resources = await Promise.all(names.map((name) => interviewResources(docker, name)))
  const unknown = names.find((_, i) => !resources[i]!.containers.length && !resources[i]!.networks.length)
  if (unknown !== undefined) throw await unknownInterview(docker, unknown)
  const recordings = resources.flatMap((found) => found.containers.map((info) => info.Labels[LABEL.recording]).filter((dir): dir is string => !!dir))
  await Promise.all(resources.map((found) => removeInterview(docker, found)))
  // Each recorder sees its interview end and completes its files (and the summary).
  if (options.waitForRecorder !== false) await Promise.all(recordings.map((dir) => waitForRecorder(dir)))
  return names
}

