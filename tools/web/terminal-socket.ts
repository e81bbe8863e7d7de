// A terminal link's WebSocket: finds the interview a token opens, and attaches the browser to the
// ONE shared tmux session through `docker exec` (as `user`): a read-write client for a candidate
// link, a read-only one that never sizes the window for an observer. What the session prints is
// filtered on its way (no OSC, DCS...), and the exec'd client ends when the socket closes.
import type { Duplex } from 'node:stream'
import type Docker from 'dockerode'
import type { WebSocket } from 'ws'
import { filtered } from '../core/terminal-filter.ts'
import { LABEL } from '../engine/names.ts'
import type { GatewayContext } from './context.ts'
import { CLIENT_ID_ENV, clientEnder, newClientId, startTerminalExec, unlessEnded } from './exec-client.ts'
import { participantTimeline } from '../recording/participant-timeline.ts'
import { hashToken, looksLikeToken, WEB_ROLES, webLabel, type WebRole } from './tokens.ts'

export interface Attachment {
  interview: string
  role: WebRole
  container: Docker.Container
  /** The recording's folder, when the interview is recorded. */
  recording?: string
  /** Who this is on the timeline, when known (an interviewer in the cockpit); else the link's role. */
  who?: string
}

/** The running interview a token opens, and in which role; undefined for any bad token. */
export async function findAttachment(docker: Docker, token: string): Promise<Attachment | undefined> {
  if (!looksLikeToken(token)) return undefined
  const hash = hashToken(token)
  for (const role of WEB_ROLES) {
    const found = await docker.listContainers({
      filters: JSON.stringify({ label: [`${LABEL.managed}=true`, `${webLabel(role)}=${hash}`], status: ['running'] }),
    })
    const info = found[0]
    if (info)
      return {
        interview: info.Labels[LABEL.interview] ?? '?',
        role,
        container: docker.getContainer(info.Id),
        recording: info.Labels[LABEL.recording],
      }
  }
  return undefined
}

/** The web role of a terminal that may type (a candidate's) or only watch (an observer's). */
export const webRoleOf = (typing: boolean): WebRole => (typing ? 'candidate' : 'observer')

/**
 * The command that attaches to the shared session: observers get a read-only tmux client whose
 * size tmux ignores, so an observer never resizes the window.
 */
export function attachCommand(role: WebRole): string[] {
  return ['sh', '-c', unlessEnded(role === 'candidate' ? 'exec tmux -u new-session -A -s interview' : OBSERVER_ATTACH)]
}

// tmux still sizes the window by ignore-size clients when no other client is attached, so an
// observer's terminal takes the window's size (plus the status line) and keeps it: the gateway
// forwards no resize from an observer.
const OBSERVER_ATTACH = [
  'tmux has-session -t interview 2>/dev/null || tmux new-session -d -s interview',
  "set -- $(tmux display -p -t interview '#{window_width} #{window_height} #{?status,1,0}')",
  'stty cols "$1" rows "$(($2 + $3))"',
  'exec tmux -u attach-session -f read-only,ignore-size -t interview',
].join('; ')

export async function attachTerminal(
  { log, open, reaper }: GatewayContext,
  ws: WebSocket,
  { interview, role, container, recording, who: named }: Attachment,
) {
  const entry = { interview, socket: ws }
  open.add(entry)
  log(`${interview}: ${role} joined from the browser`)
  let closed = false
  ws.on('error', () => ws.terminate())
  ws.on('close', () => {
    closed = true
    open.delete(entry)
    log(`${interview}: ${role} left the browser`)
  })
  const id = newClientId()
  // The gateway is a door too: it writes the browser's join, leave and keys to the timeline itself,
  // before they reach the box (the recorder does not count its clients again: INTERVIEW_DOOR).
  const who = named ?? `browser (${role} link)`
  // A named person is an interviewer in the cockpit (watching or typing); else the link's role.
  const personRole = named ? 'interviewer' : role
  const timeline = participantTimeline(recording, { who, role: personRole, session: `web-${id}`, by: 'web' })
  let exec: Docker.Exec
  let stream: Duplex
  try {
    ;({ exec, stream } = await startTerminalExec(container, attachCommand(role), [
      'TERM=xterm-256color',
      'LANG=C.UTF-8',
      'HOME=/home/user',
      `${CLIENT_ID_ENV}=${id}`,
      `INTERVIEW_WHO=${who}`,
      `INTERVIEW_ROLE=${personRole}`,
      `INTERVIEW_DOOR=web-${id}`,
    ]))
  } catch {
    // As at the door: a client Docker started before the start failed is ended by its id.
    void reaper.end(container, id)
    return ws.close(4000, 'the interview has ended')
  }
  timeline.join(role !== 'candidate')
  ws.once('close', () => timeline.leave())
  // The client outlives its connection unless ended: once the socket closes, end it by its id.
  const endClient = clientEnder(container, stream, id, reaper)
  const end = () => void endClient()
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'hello', role, interview }))
  stream.on(
    'data',
    filtered((chunk) => ws.readyState === ws.OPEN && ws.send(chunk, { binary: true })),
  )
  stream.on('end', () => ws.close(4000, 'the interview has ended'))
  stream.on('error', () => ws.close(4000, 'the interview has ended'))
  if (closed) return end()
  ws.on('close', end)
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      // Observers are read-only twice over: a read-only tmux client, and no input forwarded.
      timeline.input(data as Buffer, role === 'candidate' ? undefined : 'read-only')
      if (role === 'candidate') stream.write(data as Buffer)
      return
    }
    try {
      const message = JSON.parse(String(data))
      if (role === 'candidate' && message.type === 'resize' && message.cols > 0 && message.rows > 0) {
        void exec.resize({ w: Math.min(500, message.cols | 0), h: Math.min(200, message.rows | 0) }).catch(() => undefined)
      }
    } catch {
      /* not a control message: ignored */
    }
  })
}
