// Who is attached to an interview's shared terminal, as the container reports it (the host's
// recorder is not one of them): for list.mjs and for switching roles. What the box prints is read
// as untrusted: at most 8 MiB of it, and through readBoxState's limits.
import type Docker from 'dockerode'
import { readBoxState } from '../engine/box-state.ts'
import { execIn } from '../engine/docker.ts'

export interface Participant {
  tty: string
  who: string
  role: string
  readonly: boolean
  /** Came in through the front door or the web gateway, which decide the role. */
  door?: boolean
}

export async function participants(container: Docker.Container): Promise<Participant[]> {
  const result = await execIn(container, ['/usr/local/lib/interview/recorder-state'], { user: 'user', maxBytes: 8 * 1024 * 1024 })
  if (result.exitCode !== 0) return []
  return readBoxState(JSON.parse(result.stdout)).clients.map(({ tty, who, role, readonly, door }) => ({
    tty,
    who,
    role,
    readonly,
    ...(door ? { door } : {}),
  }))
}
