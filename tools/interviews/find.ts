// Finding interviews: the resources an interview owns, its running container, its services, and its task's image.
import type Docker from 'dockerode'
import { UserError } from '../core/errors.ts'
import { currentCluster } from '../cluster/cluster.ts'
import { containerName, LABEL } from '../engine/names.ts'
import { findImage, type ImageDefinition } from '../images/list.ts'
import { serviceStates } from '../tasks/compose.ts'

/** The containers, networks and volumes labelled with an interview's name. */
export async function interviewResources(docker: Docker, name: string) {
  const filters = JSON.stringify({ label: [`${LABEL.managed}=true`, `${LABEL.interview}=${name}`] })
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ])
  return { containers, networks, volumes: volumes.Volumes ?? [] }
}

export async function interviewExists(docker: Docker, name: string): Promise<boolean> {
  const found = await interviewResources(docker, name)
  if (found.containers.length || found.networks.length) return true
  // A container or network of that name that this project did not start would collide too.
  const byName = await docker.listContainers({ all: true, filters: JSON.stringify({ name: [`^/${containerName(name)}$`] }) })
  return byName.length > 0
}

/** The containers of the interviews this project started, running or not. */
export function interviewContainers(docker: Docker) {
  return docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL.managed}=true`, `${LABEL.role}=interview`] }) })
}

/** Names of the running interviews (no exec into any of them). */
export async function runningInterviewNames(docker: Docker): Promise<string[]> {
  return (await interviewContainers(docker)).filter((info) => info.State === 'running').map((info) => info.Labels[LABEL.interview] ?? '?')
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
      services.length
        ? `its services: ${services.map((s) => s.name).join(', ')}`
        : 'it runs no services beside the box (only tasks with a compose.yaml do)',
    )
  }
  return docker.getContainer(found.id)
}

export async function unknownInterview(docker: Docker, name: string): Promise<UserError> {
  const names = await runningInterviewNames(docker)
  // One on the local cluster's Swarm is acted on with --engine swarm.
  const onSwarm = currentCluster() ? ' (one on the Swarm? add --engine swarm)' : ''
  return new UserError(
    `no interview named "${name}"`,
    (names.length ? `running: ${names.join(', ')}` : 'no interview is running (npx zx scripts/run.mjs base starts one)') + onSwarm,
  )
}

/** An interview's running container, the task it runs (its label) and that task's image. */
export async function interviewImage(
  docker: Docker,
  name: string,
): Promise<{ container: Docker.Container; task: string; image: ImageDefinition }> {
  const container = await interviewContainer(docker, name)
  const task = (await container.inspect()).Config.Labels[LABEL.task] ?? ''
  return { container, task, image: findImage(task) }
}
