// Starting an interview: check the options and resolve the task once, then make the box (spec.ts),
// wait for a real SSH login, start the services and the recorder. Each interview is one labelled
// container on its own labelled network, plus, for a multi-service task, the services Docker
// Compose starts beside it; nothing here touches a container this project did not start.
import type Docker from 'dockerode'
import { UserError, lastLines } from '../core/errors.ts'
import { newPassword } from '../core/passwords.ts'
import { connectDocker, containerLogs } from '../engine/docker.ts'
import { checkInterviewName, interviewLabels, networkName, newInterviewName } from '../engine/names.ts'
import { EGRESS, type Egress } from '../engine/address-pool.ts'
import { checkKeyRoom, readKeyUsage } from '../engine/key-quota.ts'
import { createPooledNetwork } from '../engine/networks.ts'
import { checkBindAddress, checkPort, checkPortFree, loopbackFor } from '../engine/ports.ts'
import { capabilityPlan, DEFAULT_LIMITS, DESKTOP_LIMITS, parseMemory, type Limits } from '../engine/security.ts'
import { ensureImage } from '../images/build.ts'
import { findImage, listImages, resolveImage } from '../images/list.ts'
import { startRecorder } from '../recording/daemon.ts'
import { freeRecordingDir } from '../recording/paths.ts'
import { composeCommand, startServices } from '../tasks/compose.ts'
import { pickVariant } from '../tasks/task-folder.ts'
import { newDesktopAccess } from '../web/desktop-access.ts'
import { newWebAccess } from '../web/tokens.ts'
import type { InterviewDetails } from './card.ts'
import { waitForDesktop } from './desktop.ts'
import { interviewExists, interviewResources } from './find.ts'
import { newKeyPair, readPublicKeys } from '../core/ssh-keys.ts'
import { containerSpec, networkSpec, type BoxSpec } from './spec.ts'
import { waitForLogin } from './ssh-login.ts'
import { saveTaskState } from '../engine/checker.ts'
import { moveHintsOut } from '../engine/task-hints.ts'
import { doorLabels } from '../door/access.ts'
import { removeInterview } from './stop.ts'
import { refuseOnSwarm, runOnSwarm } from './swarm.ts'

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
  /** Browser links through `gateway` (started if need be, after the door: the server's own gateway). */
  web?: boolean
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
  /** What the interview may reach: nothing outside its network, public addresses (default), or everything. */
  egress?: Egress
  /**
   * Participants come in through the host's front door (scripts/door.mjs) on this port; `start`
   * makes sure it answers (called once the options are known to be good) and gives its host key.
   */
  door?: { port: number; start: () => Promise<string> }
  /** Where the box runs: this engine (the default), or a Docker Swarm (swarm.ts, docs/cluster.md). */
  engine?: 'docker' | 'swarm'
  /** On a Swarm: placement constraints, e.g. node.hostname==ie-worker1. */
  constraints?: string[]
  log?: (line: string) => void
}

/** Checks everything that needs no Docker (bad input fails here, before anything starts), and resolves the task once. */
function checkRunOptions(task: string, options: RunOptions) {
  const images = listImages()
  const image = findImage(task, images)
  if (image.kind === 'tool')
    throw new UserError(`${task} is a tool of interview-env, not an interview`, 'pick a task: npx zx scripts/list.mjs --images')
  const name = checkInterviewName(options.name ?? newInterviewName(task))
  const bind = checkBindAddress(options.bind ?? '127.0.0.1')
  if (options.port !== undefined) checkPort(options.port)
  const keys = (options.keys ?? []).flatMap(readPublicKeys)
  const interviewerKeys = (options.interviewers ?? []).flatMap(readPublicKeys)
  const observerKeys = (options.observers ?? []).flatMap(readPublicKeys)
  const participants = [...interviewerKeys.map((key) => `interviewer ${key.line}`), ...observerKeys.map((key) => `observer ${key.line}`)]
  if (options.door && options.port !== undefined) {
    throw new UserError(
      "--port is the box's own SSH port, which only a --no-door interview publishes",
      "drop --port (the front door's is --door-port), or add --no-door",
    )
  }
  if (options.ttlMs !== undefined && !options.record) {
    throw new UserError('a time limit needs the recorder, which keeps the time', 'drop --no-record, or drop --ttl')
  }
  const password = options.password === false ? null : (options.password ?? newPassword())
  if (password === null && keys.length === 0) {
    throw new UserError('--no-password leaves nobody able to log in', 'add --key FILE with a public key, or drop --no-password')
  }
  if (password !== null && (password.length < 8 || /[\n\r]/.test(password))) {
    throw new UserError(
      'the password must be one line of at least 8 characters',
      'give another --password, or leave it out to get a random one',
    )
  }
  const resolved = resolveImage(image, images)
  const limits = { ...(resolved.desktop ? DESKTOP_LIMITS : DEFAULT_LIMITS), ...definedOnly(options.limits ?? {}) }
  try {
    parseMemory(limits.memory)
  } catch {
    throw new UserError(`--memory ${limits.memory} is not a size`, 'use a size like 512m or 2g')
  }
  if (!(limits.cpus > 0) || !(limits.pids >= 64)) {
    throw new UserError('--cpus must be above 0 and --pids at least 64', 'e.g. --cpus 1 --pids 512')
  }
  if (limits.disk !== 'none' && !(/^\d+(\.\d+)?[mg]$/i.test(limits.disk) && parseMemory(limits.disk) >= 256 * 1024 ** 2)) {
    throw new UserError(`--disk ${limits.disk} is not a size of at least 256m`, 'use a size like 4g, or --disk none for no cap')
  }
  const egress = options.egress ?? 'internet'
  if (!EGRESS.includes(egress)) throw new UserError(`--egress ${egress} is not a policy`, `use one of ${EGRESS.join(', ')}`)
  const variant = pickVariant(task, resolved.task?.info.variants ?? [], options.variant)
  const door = options.door
    ? doorLabels({
        password,
        keys,
        interviewers: interviewerKeys,
        observers: observerKeys,
        exec: !options.noExec,
        address: `${bind}:${options.door.port}`,
      })
    : undefined
  return { resolved, name, bind, keys, password, limits, participants, variant, egress, door }
}

const definedOnly = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>

/** Starts an interview of `task` and returns its details once a real SSH login succeeds. */
export async function runInterview(task: string, options: RunOptions = {}): Promise<InterviewDetails> {
  const log = options.log ?? ((line: string) => console.error(line))
  if (options.engine === 'swarm') refuseOnSwarm(options)
  const { resolved, name, bind, keys, password, limits, participants, variant, egress, door } = checkRunOptions(task, options)
  if (options.engine === 'swarm') {
    refuseOnSwarm(options, resolved)
    const keyLines = keys.map((key) => key.line)
    const constraints = options.constraints ?? []
    return runOnSwarm({
      task,
      name,
      resolved,
      password,
      keys: keyLines,
      participants,
      limits,
      variant,
      port: options.port,
      constraints,
      noExec: options.noExec,
      record: options.record,
      ttlMs: options.ttlMs,
      mirror: options.mirror,
      gateway: options.webGateway ? async () => options.webGateway! : options.gateway,
      web: !!(options.webGateway || options.web),
      door: door && options.door ? { labels: door, bind, port: options.door.port, start: options.door.start } : undefined,
      log,
    })
  }
  if (options.constraints?.length)
    throw new UserError('--constraint places a box on a Swarm node', 'add --engine swarm, or drop --constraint')
  const { image, compose, desktop } = resolved
  const docker = await connectDocker()
  if (compose) await composeCommand()
  if (await interviewExists(docker, name)) {
    throw new UserError(
      `an interview named "${name}" already exists`,
      `choose another --name, or stop it first: npx zx scripts/stop.mjs ${name}`,
    )
  }
  if (options.port !== undefined) await checkPortFree(options.port, bind)
  await ensureImage(docker, resolved, { mirror: options.mirror, log })
  // A task's check runs in the checker (live/checker.ts), which keeps the task's start-time state too.
  if (image.kind === 'task') await ensureImage(docker, 'checker', { mirror: options.mirror, log })
  const info = await docker.info()
  checkKeyRoom(readKeyUsage(info.DockerRootDir))
  const plan = capabilityPlan(info)
  if (plan.warning) log(`warning: ${plan.warning}`)
  const doorFingerprint = options.door ? await options.door.start() : undefined

  const probe = newKeyPair('interview-env readiness probe')
  const webGateway = options.webGateway ?? (options.web ? await options.gateway?.() : undefined)
  const web = webGateway ? newWebAccess(webGateway) : undefined
  const gatewayUrl = desktop ? (webGateway ?? (await options.gateway?.())) : undefined
  if (desktop && !gatewayUrl) throw new Error(`${task} is a desktop: runInterview needs options.gateway`)
  const screen = gatewayUrl ? newDesktopAccess(gatewayUrl) : undefined
  const endsAt = options.ttlMs !== undefined ? Date.now() + options.ttlMs : undefined
  const recordingDir = options.record ? freeRecordingDir(name) : undefined
  const spec: BoxSpec = {
    name,
    task,
    image: image.tag,
    variant,
    password,
    keys: keys.map((key) => key.line),
    probeKey: probe.publicKey,
    participants,
    bind,
    port: options.port,
    capAdd: plan.capAdd,
    limits,
    desktop,
    endsAt,
    recordingDir,
    noExec: options.noExec,
    web,
    screen,
    door,
  }
  let container: Docker.Container | undefined
  try {
    await createPooledNetwork(docker, networkSpec(spec), egress)
    container = await docker.createContainer(containerSpec(spec))
    await container.start()
    const started = container
    // Readiness is a real login into the box's sshd: on its published port, or, behind the front
    // door, at its own address on the interview's network (the host reaches it; nobody else does).
    const target = options.door
      ? { host: await boxAddress(container, name), port: 22 }
      : { host: loopbackFor(bind), port: await publishedPort(container) }
    const boxHostKey = await waitForLogin(
      { ...target, username: 'user', privateKey: probe.privateKey },
      { stillStarting: async () => (await started.inspect()).State.Running },
    )
    const port = options.door?.port ?? target.port
    const hostKeyFingerprint = doorFingerprint ?? boxHostKey
    if (screen) await waitForDesktop(started)
    // What the start script decided, kept out of the box before its details are handed to anyone.
    if (image.kind === 'task') {
      await saveTaskState(docker, started, name, interviewLabels(name, task))
      // A recorded interview's hints are handed out by its recorder, which counts them (task-hints.ts).
      if (recordingDir) await moveHintsOut(docker, started, name)
    }
    if (compose) {
      log(`starting the services of ${task}: ${compose.services.map((service) => service.name).join(', ')}`)
      await startServices(docker, compose, name, { variant, disk: limits.disk })
    }
    const recording = recordingDir ? await startRecorder(name, recordingDir) : undefined
    return {
      name,
      task,
      bind,
      port,
      user: options.door ? name : 'user',
      password,
      hostKeyFingerprint,
      ...plan,
      limits,
      web: web?.links,
      desktop: screen?.links,
      recording,
      endsAt: endsAt ? new Date(endsAt).toISOString() : undefined,
      participants: participants.length,
      variant,
      egress,
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
  if (/storage-opt|storage option|quota/i.test(message)) {
    return new UserError(
      `this Docker engine cannot cap an interview's disk (${lastLines(message, 1)[0]})`,
      'use the interview engine (sudo bash scripts/start-engine.sh), or run with --disk none',
    )
  }
  if (/no SSH login succeeded/.test(message)) {
    const last = lastLines(logs, 1)[0] ?? 'the container printed nothing'
    // What the last try met (refused, timed out, authentication), then what the box said last.
    const probe = message.replace(/^no SSH login succeeded on /, '')
    return new UserError(
      `interview "${name}" did not accept an SSH login (${probe}); the box's last words: ${last}`,
      'nothing was left running; see `npx zx scripts/debug.mjs IMAGE` to look inside the image',
    )
  }
  return error
}

async function boxAddress(container: Docker.Container, interview: string): Promise<string> {
  const address = (await container.inspect()).NetworkSettings.Networks?.[networkName(interview)]?.IPAddress
  if (!address) throw new Error('the box has no address on its network')
  return address
}

async function publishedPort(container: Docker.Container): Promise<number> {
  const info = await container.inspect()
  const binding = info.NetworkSettings.Ports?.['22/tcp']?.[0]
  if (!binding) throw new Error('Docker published no port for SSH')
  return Number(binding.HostPort)
}
