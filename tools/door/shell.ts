// A participant's terminal through the front door: a `docker exec` tmux client of the ONE shared
// session, as the web gateway's. Each chunk a participant sends is written to the timeline first,
// then passed on; an observer's is written as ignored and never passed on, and its client is
// read-only besides. What the session prints is filtered on its way out (no OSC, DCS...).
import type { Duplex } from 'node:stream'
import type Docker from 'dockerode'
import type { ServerChannel } from 'ssh2'
import { filtered } from '../core/terminal-filter.ts'
import { CLIENT_ID_ENV, clientEnder, startTerminalExec, type ClientReaper } from '../web/exec-client.ts'
import { attachCommand } from '../web/terminal-socket.ts'
import { roleScriptById } from '../web/client-role.ts'
import { execIn } from '../engine/docker.ts'
import { participantEnv, timelineOf, type Participant } from './participant.ts'

export interface Pty {
  cols: number
  rows: number
  term: string
}

const size = (pty: Pty) => ({ w: Math.max(1, Math.min(500, pty.cols | 0)), h: Math.max(1, Math.min(200, pty.rows | 0)) })

/** A terminal at the door, once attached: resized by its person, its role switched by role.mjs. */
export interface Terminal {
  resize(pty: Pty): void
  /** Makes the terminal read-only or typing; resolves with whether that changed anything. */
  setReadonly(readonly: boolean): Promise<boolean>
}

const detached: Terminal = { resize: () => {}, setReadonly: async () => false }

/** Attaches `channel` to the shared session; resolves once attached. */
export async function attachShell(
  participant: Participant,
  channel: ServerChannel,
  pty: Pty,
  session: string,
  reaper: ClientReaper,
): Promise<Terminal> {
  const { container, role } = participant
  // Whether this person's keys go on: decided here, by the door; the box's read-only flag follows.
  let readonly = role === 'observer'
  // The person may leave while the client is being started: then it is ended as soon as it is.
  let gone = false
  channel.once('close', () => (gone = true))
  let exec: Docker.Exec
  let stream: Duplex
  try {
    ;({ exec, stream } = await startTerminalExec(container, attachCommand(readonly ? 'observer' : 'candidate'), [
      ...participantEnv(participant, session),
      `TERM=${/^[\w.+-]{1,64}$/.test(pty.term) ? pty.term : 'xterm-256color'}`,
      `${CLIENT_ID_ENV}=${session}`,
    ]))
  } catch {
    // Docker may have started the client before the start failed (an engine under load drops a
    // hijacked connection): its id is ended too, so no client is left attached with nobody behind it.
    void reaper.end(container, session)
    channel.stderr.write('interview-env: the interview has ended\r\n')
    channel.exit(1)
    channel.end()
    return detached
  }
  const timeline = timelineOf(participant, session)
  timeline.join(readonly)
  // A watcher's terminal keeps the window's size (its client ignores its own): no resize is passed.
  let lastPty = pty
  const resize = (next: Pty) => {
    lastPty = next
    if (!readonly) void exec.resize(size(next)).catch(() => undefined)
  }
  resize(pty)

  const endClient = clientEnder(container, stream, session, reaper)
  let left = false
  const leave = () => {
    if (left) return
    left = true
    timeline.leave()
    void endClient()
  }
  // A client that reads slowly holds the output back (tmux then skips what it cannot show), so the
  // door never buffers a flood for it.
  stream.on(
    'data',
    filtered((chunk) => {
      if (channel.write(chunk)) return
      stream.pause()
      channel.once('drain', () => stream.resume())
    }),
  )
  const ended = () => {
    if (!left) {
      channel.exit(0)
      channel.end()
    }
    leave()
  }
  stream.on('end', ended)
  stream.on('error', ended)
  if (gone) leave()
  channel.on('close', leave)
  channel.on('data', (data: Buffer) => {
    timeline.input(data, readonly ? 'read-only' : undefined)
    if (!readonly) stream.write(data)
  })
  return {
    resize,
    async setReadonly(next) {
      if (next === readonly || left) return false
      // Keys stop (or start) going on at once; then the box's client is told, for its status line
      // and window size. On the record by the command that asked.
      readonly = next
      timeline.event('role', { readonly, tty: session, by: 'role.mjs' })
      const result = await execIn(container, roleScriptById(session, readonly), { user: 'user' })
      if (result.exitCode !== 0 && !left) throw new Error(`could not switch the tmux client: ${result.stderr.trim().slice(0, 200)}`)
      if (!readonly) resize(lastPty)
      return true
    },
  }
}
