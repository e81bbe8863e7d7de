// How the host's commands talk to a running front door: a Unix socket in the door's folder (mode
// 0600, owned by whoever runs the door), one JSON request a connection and one JSON reply. No box
// and no participant can reach it. Today it carries role switches (role.mjs): the door alone
// decides whose keys go on, so a switch that did not reach it would be a pretence.
import { chmodSync, rmSync } from 'node:fs'
import { connect, createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { doorDir } from './host-key.ts'

export interface RoleRequest {
  op: 'role'
  interview: string
  /** The names to switch (every session the door let in under one of them). */
  names: string[]
  readonly: boolean
}

export interface SwitchedSession {
  who: string
  role: string
  session: string
}

/** `matched`: the names the door has terminals open under; `switched`: the terminals that changed. */
export type ControlReply = { ok: true; matched: string[]; switched: SwitchedSession[] } | { ok: false; error: string }

/** The control socket of the door listening on `port` (one door a port; they may share a folder). */
export const controlSocket = (port: number, dir = doorDir()) => join(dir, `control-${port}.sock`)

const MAX_REQUEST = 64 * 1024

/** Serves requests on `path` (a stale socket file from a door that died is replaced). */
export function serveControl(path: string, handle: (request: RoleRequest) => Promise<ControlReply>): Promise<Server> {
  rmSync(path, { force: true })
  const server = createServer((socket) => {
    let text = ''
    socket.setEncoding('utf8')
    socket.setTimeout(10_000, () => socket.destroy())
    socket.on('error', () => socket.destroy())
    socket.on('data', (chunk: string) => {
      text += chunk
      if (text.length > MAX_REQUEST) return socket.destroy()
      const end = text.indexOf('\n')
      if (end === -1) return
      socket.removeAllListeners('data')
      let request: RoleRequest
      try {
        request = JSON.parse(text.slice(0, end)) as RoleRequest
      } catch {
        return socket.end(JSON.stringify({ ok: false, error: 'not a request' } satisfies ControlReply) + '\n')
      }
      void handle(request)
        .catch((error: unknown): ControlReply => ({ ok: false, error: (error as Error)?.message ?? String(error) }))
        .then((reply) => socket.end(JSON.stringify(reply) + '\n'))
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, () => {
      server.off('error', reject)
      chmodSync(path, 0o600)
      resolve(server)
    })
  })
}

/** Sends `request` to the door's control socket; its reply, or a one-line error when no door answers. */
export function askDoor(path: string, request: RoleRequest, timeoutMs = 15_000): Promise<ControlReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(path)
    let text = ''
    socket.setEncoding('utf8')
    socket.setTimeout(timeoutMs, () => {
      socket.destroy()
      reject(new UserError('the front door did not answer in time', 'see its log in the door folder (door.log)'))
    })
    socket.once('error', () =>
      reject(
        new UserError(
          `no front door answers on ${path}`,
          'is it running? run starts it; or start it with npx zx scripts/door.mjs --port PORT',
        ),
      ),
    )
    socket.on('data', (chunk: string) => (text += chunk))
    socket.once('end', () => {
      try {
        resolve(JSON.parse(text) as ControlReply)
      } catch {
        reject(new UserError('the front door gave no answer', 'see its log in the door folder (door.log)'))
      }
    })
    socket.write(JSON.stringify(request) + '\n')
  })
}
