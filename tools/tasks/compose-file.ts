// A multi-service task's compose.yaml (images/tasks/<task>/compose.yaml): reading it, refusing what
// would let a service reach the host, and the override that makes its services part of an interview.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { UserError } from '../core/errors.ts'
import { hostAccess, type HostAccess } from './compose-host.ts'
import { composeEnvironment, interpolateAll } from './compose-interpolate.ts'
import { imageTag, interviewLabels } from '../engine/names.ts'

export const COMPOSE_FILE = 'compose.yaml'
/** The name the candidate's box has on the interview's network; no service may take it. */
export const BOX_ALIAS = 'box'
/** Limits a service gets unless its compose file sets its own. */
export const SERVICE_LIMITS = { mem_limit: '512m', cpus: 1, pids_limit: 512 } as const

export interface ComposeService {
  name: string
  /** The image it runs: `interview-env/<task>-<service>` for a service built from the task folder. */
  image: string
  /** Whether the task folder builds the image (a `build:` context) rather than pulling it. */
  built: boolean
}

export interface ComposeTask {
  task: string
  dir: string
  file: string
  version: string
  services: ComposeService[]
  /** Named volumes of the file: compose removes them with the interview. */
  volumes: string[]
  /** The file as parsed, for the keys the override leaves alone. */
  raw: Record<string, any>
}

/** Keys that would publish a service, share the host's namespaces or devices, or widen its privileges. */
const FORBIDDEN_SERVICE_KEYS = [
  'ports',
  'privileged',
  'network_mode',
  'pid',
  'ipc',
  'uts',
  'userns_mode',
  'cap_add',
  'devices',
  'security_opt',
  'volumes_from',
  'container_name',
  'networks',
  'cgroup_parent',
  'sysctls',
] as const

/** The compose file of a task folder, if it is a multi-service task. */
export function composeFileOf(dir: string): string | undefined {
  const file = join(dir, COMPOSE_FILE)
  return existsSync(file) ? file : undefined
}

/** Reads and checks a task's compose.yaml; errors name the file and say what to change. */
export function readComposeTask(task: string, dir: string): ComposeTask | undefined {
  const file = composeFileOf(dir)
  if (!file) return undefined
  const fail = (why: string, hint = 'see docs/writing-tasks.md, "Multi-service tasks"') => new UserError(`${file}: ${why}`, hint)
  let written: Record<string, any>
  try {
    written = parseYaml(readFileSync(file, 'utf8')) ?? {}
  } catch (error) {
    throw fail(`is not YAML: ${(error as Error).message.split('\n')[0]}`)
  }
  // Judge the file as Compose will read it: with its variables resolved.
  let raw: Record<string, any>
  try {
    raw = interpolateAll(written, composeEnvironment(dir)) as Record<string, any>
  } catch (error) {
    throw fail(
      `cannot be resolved as Compose would: ${(error as Error).message}`,
      "define the variable in the task folder's .env, or give it a default: ${NAME:-value}",
    )
  }
  const version = String(raw.version ?? '')
  if (!/^2(\.[0-4])?$/.test(version)) {
    throw fail(
      `version must be '2.4' (it has ${raw.version === undefined ? 'none' : `'${version}'`})`,
      "start the file with version: '2.4': it has mem_limit, cpus, pids_limit and healthcheck conditions for both Docker Compose v1 and v2",
    )
  }
  if (raw.networks !== undefined)
    throw fail(
      "declares networks: every service shares the interview's one private network with the box",
      'remove the networks: section; services reach each other and the box by name',
    )
  const entries = Object.entries((raw.services ?? {}) as Record<string, any>)
  if (!entries.length) throw fail('has no services', 'declare the services beside the box, e.g. services: { db: { build: services/db } }')
  const ignored = readDockerignore(dir)
  if (!ignored.includes(COMPOSE_FILE))
    throw fail(
      `is not listed in ${join(dir, '.dockerignore')}`,
      `add a line ${COMPOSE_FILE} so the candidate's box does not hold the services' set-up`,
    )
  const reaches = hostAccess(raw, { dir })[0]
  if (reaches) throw hostAccessError(file, reaches)
  const services = entries.map(([name, service]): ComposeService => {
    if (name === BOX_ALIAS)
      throw fail(`service "${BOX_ALIAS}" is the candidate's machine (the task's own Dockerfile)`, 'give the service another name')
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw fail(`service "${name}" needs a name of lower-case letters, digits and dashes`)
    if (typeof service !== 'object' || service === null) throw fail(`service "${name}" is not a mapping`)
    const forbidden = FORBIDDEN_SERVICE_KEYS.find((key) => key in service)
    if (forbidden)
      throw fail(
        `service "${name}" sets ${forbidden}, which would reach past the interview's private network`,
        `remove ${forbidden}: services are reachable only from the box, by name`,
      )
    const context = typeof service.build === 'string' ? service.build : service.build?.context
    if (service.build !== undefined) {
      if (typeof context !== 'string' || context.startsWith('/') || context.split('/').includes('..'))
        throw fail(`service "${name}" builds from ${context}, outside the task folder`)
      const dockerfile = typeof service.build === 'object' ? service.build.dockerfile : undefined
      if (dockerfile !== undefined && (String(dockerfile).startsWith('/') || String(dockerfile).split('/').includes('..')))
        throw fail(`service "${name}" builds with ${dockerfile}, outside its folder`, "keep the Dockerfile in the service's folder")
      const top = context.replace(/^\.\//, '').split('/')[0]!
      if (top === '.' || top === '')
        throw fail(`service "${name}" builds from the task folder itself`, 'give each service its own folder, e.g. build: services/db')
      if (!ignored.includes(top))
        throw fail(
          `${top}/ (service "${name}") is not listed in ${join(dir, '.dockerignore')}`,
          `add a line ${top} so the candidate's box does not hold the services' set-up`,
        )
      if (!existsSync(join(dir, context, 'Dockerfile'))) throw fail(`service "${name}" has no ${join(context, 'Dockerfile')}`)
      return { name, image: serviceImageTag(task, name), built: true }
    }
    if (typeof service.image !== 'string') throw fail(`service "${name}" has neither build: nor image:`)
    return { name, image: service.image, built: false }
  })
  const volumes = Object.keys((raw.volumes ?? {}) as Record<string, unknown>)
  return { task, dir, file, version, services, volumes, raw }
}

/** The error for something in a compose file that would reach the host: the file, the service and the key. */
export function hostAccessError(file: string, found: HostAccess, as = ''): UserError {
  const where = found.service ? `service "${found.service}" ${found.key}` : found.key
  return new UserError(`${file}${as}: ${where} ${found.why}`, found.hint)
}

export const serviceImageTag = (task: string, service: string) => imageTag(`${task}-${service}`)

function readDockerignore(dir: string): string[] {
  const file = join(dir, '.dockerignore')
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .map((line) => line.trim().replace(/\/$/, ''))
    : []
}

/**
 * What is laid over the task's file: image tags for built services and, for an interview, its labels
 * on every service and volume, default limits, and the interview's own network (made with the box).
 */
export function composeOverride(
  compose: ComposeTask,
  interview?: { name: string; network: string; disk?: string },
): Record<string, unknown> {
  const disk = interview?.disk && interview.disk !== 'none' ? { storage_opt: { size: interview.disk.toUpperCase() } } : {}
  const services = Object.fromEntries(
    compose.services.map((service) => {
      const own = compose.raw.services[service.name] as Record<string, unknown>
      const limits = Object.fromEntries(Object.entries(SERVICE_LIMITS).filter(([key]) => own[key] === undefined))
      return [
        service.name,
        {
          ...(service.built ? { image: service.image } : {}),
          ...(interview ? { labels: interviewLabels(interview.name, compose.task, 'service'), ...limits, ...disk } : {}),
        },
      ]
    }),
  )
  return {
    version: compose.version,
    services,
    ...(interview && compose.volumes.length
      ? {
          volumes: Object.fromEntries(
            compose.volumes.map((volume) => [volume, { labels: interviewLabels(interview.name, compose.task, 'volume') }]),
          ),
        }
      : {}),
    ...(interview ? { networks: { default: { external: { name: interview.network } } } } : {}),
  }
}
