// The gateway's desktop side: checks an interview password, then joins the browser's WebSocket to
// the interview's VNC server (127.0.0.1:5901 inside the container) through `docker exec socat`,
// so nothing but SSH is ever published from the container.
import { PassThrough, type Duplex } from 'node:stream'
import type Docker from 'dockerode'
import type { WebSocket } from 'ws'
import { connectToVnc } from '../engine/docker.ts'
import { LABEL, vncPasswordOf } from '../engine/names.ts'
import { desktopLabel, looksLikeDesktopPassword } from './desktop-access.ts'
import { hashToken, WEB_ROLES, type WebRole } from './tokens.ts'

export interface DesktopAttachment {
  interview: string
  role: WebRole
  container: Docker.Container
  vncPassword: string
  /** The container's labels (where its recording goes, among others). */
  labels: Record<string, string>
}

/** The running desktop interview a password opens, in which role; undefined for any bad password. */
export async function findDesktop(docker: Docker, password: unknown): Promise<DesktopAttachment | undefined> {
  if (typeof password !== 'string' || !looksLikeDesktopPassword(password)) return undefined
  const hash = hashToken(password)
  for (const role of WEB_ROLES) {
    const [info] = await docker.listContainers({
      filters: JSON.stringify({ label: [`${LABEL.managed}=true`, `${desktopLabel(role)}=${hash}`], status: ['running'] }),
    })
    if (!info) continue
    const container = docker.getContainer(info.Id)
    const env = (await container.inspect()).Config.Env ?? []
    const vncPassword = vncPasswordOf(env, role)
    if (vncPassword) return { interview: info.Labels[LABEL.interview] ?? '?', role, container, vncPassword, labels: info.Labels }
  }
  return undefined
}

/** Pipes the WebSocket to the container's VNC server until either side closes. */
export async function attachDesktop(docker: Docker, ws: WebSocket, attachment: DesktopAttachment): Promise<void> {
  const { container, role, interview, vncPassword } = attachment
  let stream: Duplex
  try {
    stream = await connectToVnc(container)
  } catch {
    return ws.close(4000, 'the interview has ended')
  }
  const vnc = new PassThrough()
  docker.modem.demuxStream(stream, vnc, new PassThrough().resume())
  ws.send(JSON.stringify({ type: 'hello', role, interview, vncPassword }))
  vnc.on('data', (chunk: Buffer) => ws.readyState === ws.OPEN && ws.send(chunk, { binary: true }))
  const ended = () => ws.readyState === ws.OPEN && ws.close(4000, 'the interview has ended')
  stream.on('end', ended)
  stream.on('error', ended)
  // Observers hold TigerVNC's view-only password: the VNC server ignores their input itself.
  ws.on('message', (data, isBinary) => isBinary && stream.write(data as Buffer))
  ws.on('close', () => stream.destroy())
}
