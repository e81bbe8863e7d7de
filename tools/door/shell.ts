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
import { participantEnv, timelineOf, type Participant } from './participant.ts'

export interface Pty {
  cols: number
  rows: number
  term: string
}

const size = (pty: Pty) => ({ w: Math.max(1, Math.min(500, pty.cols | 0)), h: Math.max(1, Math.min(200, pty.rows | 0)) })

/** Attaches `channel` to the shared session; resolves once attached, with a function that resizes it. */
export async function attachShell(
  participant: Participant,
  channel: ServerChannel,
  pty: Pty,
  session: string,
  reaper: ClientReaper,
): Promise<(pty: Pty) => void> {
  const { container, role } = participant
  const readonly = role === 'observer'
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
    channel.stderr.write('interview-env: the interview has ended\r\n')
    channel.exit(1)
    channel.end()
    return () => {}
  }
  const timeline = timelineOf(participant, session)
  timeline.join(readonly)
  // An observer's terminal keeps the window's size (its client ignores its own): no resize is passed.
  const resize = (next: Pty) => void (readonly ? undefined : exec.resize(size(next)).catch(() => undefined))
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
  return resize
}
