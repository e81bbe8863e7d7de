// The engine that runs an interview's box: the interview engine, or, for an interview on a Swarm,
// the engine of the node its box was placed on. The tools that act in a running interview (check,
// break, keys, role, debug, the recorder) are pointed at that engine, and then work as on one engine:
// the checker, the task state kept out of the box and the faults' record are all on the same node.
import type Docker from 'dockerode'
import { dockerAt, engineEnv } from '../engine/docker-at.ts'
import { UserError } from '../core/errors.ts'
import { containerName, LABEL } from '../engine/names.ts'
import { swarmServiceName } from '../tasks/swarm-services.ts'
import { currentCluster } from '../cluster/cluster.ts'
import { boxTask, connectSwarm, nodeInfo, type SwarmTarget, type SwarmTask } from '../cluster/swarm-engine.ts'

export const ENGINES = ['docker', 'swarm'] as const
export type EngineChoice = (typeof ENGINES)[number]

/** The yargs option every command that acts on one interview takes. */
export const engineOption = {
  type: 'string',
  choices: ENGINES,
  default: 'docker',
  describe: 'The interview is on the interview engine, or on the Swarm (docs/cluster.md)',
} as const

export { dockerAt }

export interface SwarmBox {
  /** The hostname of the node that runs the box. */
  node: string
  /** Where this host reaches that node's engine (a DOCKER_HOST value). */
  host: string
  docker: Docker
  container: Docker.Container
}

/** The node engine and container of an interview's box on the Swarm; an error says why there is none. */
export async function swarmBox(name: string, swarm?: SwarmTarget): Promise<SwarmBox> {
  swarm ??= await connectSwarm()
  const task = await boxTask(swarm.manager, containerName(name)).catch(() => undefined)
  if (!task)
    throw new UserError(`no interview named "${name}" is on the Swarm`, 'see the interviews there: npx zx scripts/list.mjs --engine swarm')
  return boxOfTask(name, task, swarm)
}

/**
 * The node engine and container of one of an interview's services on the Swarm (a multi-service
 * task's db, web...), which may run on another node than its box; an error lists its services.
 */
export async function swarmServiceBox(name: string, service: string, swarm?: SwarmTarget): Promise<SwarmBox> {
  swarm ??= await connectSwarm()
  await swarmBox(name, swarm)
  const task = await boxTask(swarm.manager, swarmServiceName(name, service)).catch(() => undefined)
  if (!task) {
    const services = await swarm.manager.listServices({
      filters: JSON.stringify({ label: [`${LABEL.managed}=true`, `${LABEL.role}=service`, `${LABEL.interview}=${name}`] }),
    })
    const names = services.map((one) => one.Spec?.Labels?.[LABEL.composeService] ?? '?').sort()
    throw new UserError(
      `interview "${name}" has no service "${service}" on the Swarm`,
      names.length ? `its services: ${names.join(', ')}` : 'it runs no services beside the box (only tasks with a compose.yaml do)',
    )
  }
  return boxOfTask(name, task, swarm, service)
}

/** The node engine and container of the box (or `service`) that a Swarm task runs; an error says why there is none. */
async function boxOfTask(name: string, task: SwarmTask, swarm: SwarmTarget, service?: string): Promise<SwarmBox> {
  const subject = service === undefined ? `interview "${name}"` : `service ${service} of interview "${name}"`
  const node = task.nodeId ? await nodeInfo(swarm.manager, task.nodeId).catch(() => undefined) : undefined
  if (node && node.state !== 'ready')
    throw new UserError(
      `${subject} is lost: its node ${node.hostname} is ${node.state}`,
      `its recording is kept; take it down: npx zx scripts/stop.mjs --engine swarm ${name}`,
    )
  if (task.state !== 'running' || !node || !task.containerId)
    throw new UserError(
      `${subject} is not running on the Swarm (its ${service === undefined ? 'box' : 'container'} is ${task.state})`,
      'see npx zx scripts/list.mjs --engine swarm',
    )
  const host = swarm.nodeEngineHost(node.hostname)
  const docker = dockerAt(host)
  return { node: node.hostname, host, docker, container: docker.getContainer(task.containerId) }
}

/**
 * Whether this host has a Swarm to ask: the local cluster is up, or INTERVIEW_CLUSTER_REGISTRY
 * names the registry of DOCKER_HOST's Swarm (docs/cluster.md).
 */
export const hasSwarm = (env: NodeJS.ProcessEnv = process.env) => !!currentCluster(env) || !!env.INTERVIEW_CLUSTER_REGISTRY

/**
 * The box of an interview on the Swarm, when this host has a Swarm and the Swarm has that
 * interview; undefined otherwise (and while the manager does not answer). One that is lost or not
 * running is an error that says so.
 */
export async function swarmBoxIfAny(name: string): Promise<SwarmBox | undefined> {
  if (!hasSwarm()) return undefined
  const swarm = await connectSwarm().catch(() => undefined)
  const task = swarm && (await boxTask(swarm.manager, containerName(name)).catch(() => undefined))
  return task ? boxOfTask(name, task, swarm!) : undefined
}

/**
 * Points this process's Docker clients and `docker` commands at the engine that runs the
 * interview's box (or, given `service`, that service): nothing to do on one engine; on a Swarm,
 * its node's engine.
 */
export async function useEngineOf(name: string, engine: EngineChoice = 'docker', service?: string): Promise<void> {
  if (engine !== 'swarm') return
  const box = service === undefined ? await swarmBox(name) : await swarmServiceBox(name, service)
  // The Swarm's manager stays known (to stop the interview, say) when it was DOCKER_HOST.
  process.env.INTERVIEW_SWARM_MANAGER ??= process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'
  const env = engineEnv(box.host, {})
  for (const variable of ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'])
    if (env[variable] === undefined) delete process.env[variable]
    else process.env[variable] = env[variable]
}
