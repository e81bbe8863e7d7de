// Who is attached to an interview's shared terminal, as the container reports it (the host's
// recorder is not one of them): for list.mjs and for switching roles.
import type Docker from 'dockerode'
import { execIn } from './docker.ts'

export interface Participant {
  tty: string
  who: string
  role: string
  readonly: boolean
}

export async function participants(container: Docker.Container): Promise<Participant[]> {
  const result = await execIn(container, ['/usr/local/lib/interview/recorder-state'], { user: 'user' })
  if (result.exitCode !== 0) return []
  return (JSON.parse(result.stdout) as { clients: Participant[] }).clients
}
