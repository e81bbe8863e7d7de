// Running a multi-service task's services with Docker Compose: the `docker compose` plugin where it
// is installed, else Debian's docker-compose. The candidate's box is the interview's own container;
// compose starts the services beside it, on the interview's network, under the interview's labels.
// (Building the services' images is the image pipeline's: images/services.ts.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { $ } from 'zx'
import { parse as parseYaml, stringify as toYaml } from 'yaml'
import { containerLogs, type Docker } from '../engine/docker.ts'
import { runShowingTail } from '../core/command.ts'
import { CommandError, lastLines, UserError } from '../core/errors.ts'
import { sleep } from '../core/sleep.ts'
import { composeOverride, hostAccessError, type ComposeTask } from './compose-file.ts'
import { hostAccess } from './compose-host.ts'
import { LABEL, networkName } from '../engine/names.ts'

let detected: Promise<string[]> | undefined

/** The compose command of this machine: `docker compose` (v2) or `docker-compose` (v1). */
export function composeCommand(): Promise<string[]> {
  detected ??= (async () => {
    if ((await $({ nothrow: true, quiet: true })`docker compose version`).exitCode === 0) return ['docker', 'compose']
    if ((await $({ nothrow: true, quiet: true })`docker-compose version`).exitCode === 0) return ['docker-compose']
    throw new UserError(
      'this task runs several services, and Docker Compose is not installed',
      'install it: sudo apt-get install docker-compose (or the docker compose plugin)',
    )
  })()
  return detected
}

/** The compose project of an interview: its network's name, so `docker ps` groups them. */
export const composeProject = (interview: string) => networkName(interview)

export interface ComposeRun {
  project: string
  interview?: { name: string; network: string; disk?: string }
  /** Also hand compose's output to this (builds), besides keeping it for an error. */
  onOutput?: (chunk: Buffer) => void
  /** The interview's variant, for the compose file's ${INTERVIEW_VARIANT} (empty when it has none). */
  variant?: string
}

const resolvedChecked = new WeakSet<ComposeTask>()

/**
 * The task's file as Compose itself resolves it (`config`: variables, env files, volume options),
 * judged by the same rules as the file as written, before anything is built or started.
 */
export async function checkResolvedFile(task: ComposeTask): Promise<void> {
  if (resolvedChecked.has(task)) return
  const command = await composeCommand()
  const project = `ie-check-${task.task}`
  const result = await $({ nothrow: true, quiet: true, cwd: task.dir })`${command} -p ${project} -f ${task.file} config`
  if (result.exitCode !== 0)
    throw new CommandError(`${command.join(' ')} config (${task.task})`, result.exitCode, result.stderr, `fix ${task.file}`)
  const found = hostAccess(parseYaml(result.stdout) ?? {}, { dir: task.dir, project })[0]
  if (found) throw hostAccessError(task.file, found, ` (as ${command.join(' ')} config resolves it)`)
  resolvedChecked.add(task)
}

/** Runs compose on the task's file plus the generated override; a failure shows the last lines. */
export async function runCompose(task: ComposeTask, args: string[], run: ComposeRun): Promise<void> {
  const command = await composeCommand()
  if (args[0] === 'build' || args[0] === 'up') await checkResolvedFile(task)
  const dir = mkdtempSync(join(tmpdir(), 'interview-env-compose-'))
  const override = join(dir, 'override.yaml')
  writeFileSync(override, toYaml(composeOverride(task, run.interview)))
  try {
    // INTERVIEW_VARIANT is always set, so the caller's own environment never picks a variant.
    const env = { ...process.env, INTERVIEW_VARIANT: run.variant ?? '' }
    const child = $({ nothrow: true, quiet: true, cwd: task.dir, env })`${command} -p ${run.project} -f ${task.file} -f ${override} ${args}`
    await runShowingTail(
      child,
      `${command.join(' ')} ${args[0]} (${task.task})`,
      `fix ${task.file} or the services it builds, and try again`,
      run.onOutput,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Starts the services on the interview's network and waits until each runs (and is healthy, if it says how). */
export async function startServices(
  docker: Docker,
  task: ComposeTask,
  interview: string,
  options: { variant?: string; timeoutMs?: number; /** Each service's disk cap, as the box's (`4g`, or `none`). */ disk?: string } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 120_000
  try {
    await runCompose(task, ['up', '-d', '--no-build'], {
      project: composeProject(interview),
      interview: { name: interview, network: networkName(interview), disk: options.disk },
      variant: options.variant,
    })
  } catch (error) {
    // `up` gives up when a service that others wait for dies; that service's own log says why.
    const broken = (await serviceStates(docker, interview)).find(isBroken)
    throw broken ? await serviceFailure(docker, task, interview, broken, describe(broken)) : error
  }
  await waitForServices(docker, task, interview, timeoutMs)
}

const isBroken = (s: ServiceState) => (s.state !== 'running' && s.state !== 'created') || s.health === 'unhealthy'
const describe = (s: ServiceState) => `is ${s.health === 'unhealthy' ? 'unhealthy' : s.state}`

export interface ServiceState {
  name: string
  /** The container's id. */
  id: string
  state: string
  /** healthy, unhealthy, starting, or none when the service has no health check. */
  health: string
}

/** The services of an interview as Docker sees them. */
export async function serviceStates(docker: Docker, interview: string): Promise<ServiceState[]> {
  return (await servicesByInterview(docker, interview)).get(interview) ?? []
}

/** The services of every interview (or of one), by interview name, in one query. */
export async function servicesByInterview(docker: Docker, interview?: string): Promise<Map<string, ServiceState[]>> {
  const labels = [`${LABEL.managed}=true`, `${LABEL.role}=service`, ...(interview ? [`${LABEL.interview}=${interview}`] : [])]
  const containers = await docker.listContainers({ all: true, filters: JSON.stringify({ label: labels }) })
  const byInterview = new Map<string, ServiceState[]>()
  for (const info of containers) {
    const owner = info.Labels[LABEL.interview] ?? '?'
    byInterview.set(owner, [
      ...(byInterview.get(owner) ?? []),
      {
        name: info.Labels[LABEL.composeService] ?? info.Names[0]?.replace(/^\//, '') ?? '?',
        id: info.Id,
        state: info.State,
        health: /\((healthy|unhealthy|health: starting)\)/.exec(info.Status)?.[1]?.replace('health: ', '') ?? 'none',
      },
    ])
  }
  for (const states of byInterview.values()) states.sort((a, b) => a.name.localeCompare(b.name))
  return byInterview
}

async function waitForServices(docker: Docker, task: ComposeTask, interview: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const states = await serviceStates(docker, interview)
    const broken = states.find(isBroken)
    if (broken) throw await serviceFailure(docker, task, interview, broken, describe(broken))
    const ready = states.length === task.services.length && states.every((s) => s.state === 'running' && s.health !== 'starting')
    if (ready) return
    if (Date.now() > deadline) {
      const waiting = task.services.find(
        (service) => !states.some((s) => s.name === service.name && s.state === 'running' && s.health !== 'starting'),
      )
      throw await serviceFailure(
        docker,
        task,
        interview,
        states.find((s) => s.name === waiting?.name) ?? { name: waiting?.name ?? '?', id: '', state: 'missing', health: 'none' },
        `was not ready after ${Math.round(timeoutMs / 1000)} s`,
      )
    }
    await sleep(300)
  }
}

async function serviceFailure(
  docker: Docker,
  task: ComposeTask,
  interview: string,
  service: ServiceState,
  what: string,
): Promise<UserError> {
  const filters = JSON.stringify({ label: [`${LABEL.interview}=${interview}`, `${LABEL.composeService}=${service.name}`] })
  const [info] = await docker.listContainers({ all: true, filters })
  const last = info ? lastLines(await containerLogs(docker.getContainer(info.Id)), 1)[0] : undefined
  return new UserError(
    `service "${service.name}" of ${task.task} ${what}${last ? `: ${last}` : ''}`,
    `nothing was left running; look at ${task.file} and the service's Dockerfile`,
  )
}
