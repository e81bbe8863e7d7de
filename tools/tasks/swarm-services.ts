// A multi-service task's services on a Swarm: each service of its compose.yaml as a Swarm service of
// one replica, never restarted, on the interview's own internal overlay network, which the box joins
// as `box`. Placed by the Swarm's scheduler, so they can run on other nodes than the box;
// interviews/swarm.ts starts them in the order of their depends_on, each once those it depends on
// are healthy. What a Swarm service cannot be (or interview-env does not map yet) is refused in one
// line, before anything starts. The specs are pure, so they are unit-tested.
import { readFileSync } from 'node:fs'
import type Docker from 'dockerode'
import { parse as parseYaml } from 'yaml'
import { UserError } from '../core/errors.ts'
import { interviewLabels, networkName } from '../engine/names.ts'
import { parseMemory } from '../engine/security.ts'
import { SERVICE_LIMITS, type ComposeTask } from './compose-file.ts'
import { composeEnvironment, interpolateAll } from './compose-interpolate.ts'

/** The compose keys a service may set to run on a Swarm; the rest are refused. */
const ON_SWARM = new Set([
  'build',
  'image',
  'environment',
  'command',
  'entrypoint',
  'user',
  'working_dir',
  'stop_signal',
  'stop_grace_period',
  'healthcheck',
  'volumes',
  'mem_limit',
  'cpus',
  'pids_limit',
  'depends_on',
])

/** The interview's overlay network, which its services and its box share. */
export const servicesNetworkName = (interview: string) => `${networkName(interview)}-services`
export const swarmServiceName = (interview: string, service: string) => `${networkName(interview)}-${service}`

/** The task's compose file resolved for this interview's variant, as Compose would resolve it. */
export function resolvedServices(compose: ComposeTask, variant?: string): Record<string, Record<string, any>> {
  const written = parseYaml(readFileSync(compose.file, 'utf8')) ?? {}
  const env = { ...composeEnvironment(compose.dir), INTERVIEW_VARIANT: variant ?? '' }
  return ((interpolateAll(written, env) as Record<string, any>).services ?? {}) as Record<string, Record<string, any>>
}

/** Refuses, in one line, a compose file that uses what interview-env does not run on a Swarm. */
export function refuseUnsupportedOnSwarm(compose: ComposeTask): void {
  for (const [name, service] of Object.entries(compose.raw.services as Record<string, Record<string, unknown>>)) {
    const key = Object.keys(service).find((one) => !ON_SWARM.has(one))
    if (key)
      throw new UserError(
        `${compose.file}: service "${name}" sets ${key}, which interview-env does not run on a Swarm`,
        `run ${compose.task} on one engine (drop --engine swarm), or do without ${key}`,
      )
    for (const volume of (service.volumes as unknown[] | undefined) ?? [])
      if (typeof volume !== 'string' || !compose.volumes.includes(volume.split(':')[0]!))
        throw new UserError(
          `${compose.file}: service "${name}" mounts ${JSON.stringify(volume)}; on a Swarm only the file's named volumes are mounted`,
          'use a named volume of the volumes: section, e.g. pgdata:/var/lib/postgresql',
        )
  }
}

/** The services in an order where each comes after those it depends on. */
export function startOrder(services: Record<string, Record<string, any>>): string[] {
  const order: string[] = []
  const visit = (name: string, path: string[]) => {
    if (order.includes(name)) return
    if (path.includes(name))
      throw new UserError(`the services depend on each other in a circle: ${[...path, name].join(' -> ')}`, 'fix depends_on')
    for (const dependency of dependencies(services[name] ?? {})) visit(dependency, [...path, name])
    order.push(name)
  }
  for (const name of Object.keys(services)) visit(name, [])
  return order
}

export const dependencies = (service: Record<string, any>): string[] =>
  Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {})

/** `1s`, `500ms`, `1m30s` → nanoseconds. */
export function composeDuration(text: string | number): number {
  if (typeof text === 'number') return text * 1e9
  let total = 0
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g)]
  if (!parts.length || parts.map((part) => part[0]).join('') !== text) throw new Error(`"${text}" is not a duration like 1s or 1m30s`)
  for (const [, value, unit] of parts) total += Number(value) * { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }[unit!]!
  return total
}

const asList = (value: unknown): string[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value.map(String) : ['/bin/sh', '-c', String(value)]

function environment(value: unknown): string[] {
  if (!value) return []
  if (Array.isArray(value)) return value.map(String)
  return Object.entries(value as Record<string, unknown>).map(([key, v]) => (v === null || v === undefined ? key : `${key}=${v}`))
}

function healthCheck(value: Record<string, any> | undefined) {
  if (!value) return undefined
  if (value.disable) return { Test: ['NONE'] }
  const test = typeof value.test === 'string' ? ['CMD-SHELL', value.test] : value.test
  return {
    Test: test,
    ...(value.interval !== undefined ? { Interval: composeDuration(value.interval) } : {}),
    ...(value.timeout !== undefined ? { Timeout: composeDuration(value.timeout) } : {}),
    ...(value.start_period !== undefined ? { StartPeriod: composeDuration(value.start_period) } : {}),
    ...(value.retries !== undefined ? { Retries: Number(value.retries) } : {}),
  }
}

export interface ServicePlacement {
  interview: string
  task: string
  /** The image each service runs, as the nodes pull it. */
  images: Record<string, string>
}

/** One service of the task's file as a Swarm service of the interview. */
export function swarmServiceSpec(name: string, service: Record<string, any>, placement: ServicePlacement): Docker.CreateServiceOptions {
  const labels = interviewLabels(placement.interview, placement.task, 'service')
  const mounts = ((service.volumes as string[] | undefined) ?? []).map((volume) => {
    const [source, target, mode] = volume.split(':')
    return {
      Type: 'volume',
      Source: `${networkName(placement.interview)}_${source}`,
      Target: target,
      ReadOnly: mode === 'ro',
      VolumeOptions: { Labels: interviewLabels(placement.interview, placement.task, 'volume') },
    }
  })
  const memory = String(service.mem_limit ?? SERVICE_LIMITS.mem_limit)
  return {
    Name: swarmServiceName(placement.interview, name),
    Labels: { ...labels, 'com.docker.compose.service': name },
    TaskTemplate: {
      ContainerSpec: {
        Image: placement.images[name],
        Labels: { ...labels, 'com.docker.compose.service': name },
        ...(service.command !== undefined ? { Args: asList(service.command) } : {}),
        ...(service.entrypoint !== undefined ? { Command: asList(service.entrypoint) } : {}),
        ...(service.user !== undefined ? { User: String(service.user) } : {}),
        ...(service.working_dir !== undefined ? { Dir: String(service.working_dir) } : {}),
        Env: environment(service.environment),
        ...(service.stop_signal ? { StopSignal: String(service.stop_signal) } : {}),
        StopGracePeriod: service.stop_grace_period !== undefined ? composeDuration(service.stop_grace_period) : 10e9,
        ...(service.healthcheck ? { HealthCheck: healthCheck(service.healthcheck) } : {}),
        Mounts: mounts,
      },
      Resources: {
        Limits: {
          MemoryBytes: parseMemory(memory),
          NanoCPUs: Math.round(Number(service.cpus ?? SERVICE_LIMITS.cpus) * 1e9),
          Pids: Number(service.pids_limit ?? SERVICE_LIMITS.pids_limit),
        },
      },
      RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
      Networks: [{ Target: servicesNetworkName(placement.interview), Aliases: [name] }],
    },
    Mode: { Replicated: { Replicas: 1 } },
    EndpointSpec: { Mode: 'dnsrr' },
  } as unknown as Docker.CreateServiceOptions
}

/**
 * The interview's overlay: internal, so no service has a way out (and none is put on its node's
 * docker_gwbridge), and not attachable, so only the interview's own services join it.
 */
export function servicesNetworkSpec(interview: string, task: string): Docker.NetworkCreateOptions {
  return {
    Name: servicesNetworkName(interview),
    Driver: 'overlay',
    Internal: true,
    Attachable: false,
    CheckDuplicate: true,
    Labels: interviewLabels(interview, task, 'network'),
  } as Docker.NetworkCreateOptions
}
