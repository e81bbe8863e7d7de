// Listing interviews: each with its address, age, state, who is attached and its services.
import type Docker from 'dockerode'
import { connectDocker } from '../engine/docker.ts'
import { LABEL } from '../engine/names.ts'
import { servicesByInterview, type ServiceState } from '../tasks/compose.ts'
import { interviewContainers } from './find.ts'
import { participants } from './participants.ts'
import { accessOf } from '../door/access.ts'

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
        address: ssh ? `${ssh.IP}:${ssh.PublicPort}` : accessOf(info.Labels) ? `door ${accessOf(info.Labels)!.address}` : '-',
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
export async function attached(container: Docker.Container): Promise<Pick<InterviewSummary, 'clients' | 'people'>> {
  try {
    const people = (await participants(container)).map(({ who, role, readonly }) => ({ who, role, readonly }))
    return { clients: people.length, people }
  } catch {
    return { clients: null, people: [] }
  }
}
