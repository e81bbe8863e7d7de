// The desktop's WebSocket: its first message (at most 1 KiB, nothing else read before it checks out)
// carries the interview's desktop password; then it is VNC, joined to the interview's shared display.
import type { WebSocket } from 'ws'
import { limitMessages, MAX_MESSAGE, MAX_MESSAGE_BEFORE_AUTH, type GatewayContext } from './context.ts'
import { attachDesktop } from './desktop-connection.ts'

/** A desktop WebSocket: the first message (at most 1 KiB) carries the interview password, then it is VNC. */
export function joinDesktop({ docker, log, limiter, open, findDesktop }: GatewayContext, ws: WebSocket, from: string) {
  ws.on('error', () => ws.terminate())
  limitMessages(ws, MAX_MESSAGE_BEFORE_AUTH)
  if (limiter.blocked(from)) return ws.close(4029, 'too many failed attempts')
  const timeout = setTimeout(() => ws.close(4003, 'no password'), 10_000)
  ws.once(
    'message',
    (data) =>
      void authenticate(data as Buffer).catch((error: unknown) => {
        log(`error joining a desktop: ${(error as Error)?.stack ?? error}`)
        ws.terminate()
      }),
  )
  async function authenticate(data: Buffer) {
    clearTimeout(timeout)
    ws.pause()
    let password: unknown
    try {
      password = JSON.parse(String(data)).password
    } catch {
      /* not JSON: a wrong password */
    }
    const attachment = await findDesktop(password).catch(() => undefined)
    if (!attachment) {
      limiter.fail(from)
      ws.resume() // to read the closing handshake
      return ws.close(4003, 'wrong password')
    }
    limitMessages(ws, MAX_MESSAGE)
    const entry = { interview: attachment.interview, socket: ws }
    open.add(entry)
    log(`${attachment.interview}: ${attachment.role} joined the desktop`)
    ws.on('close', () => {
      open.delete(entry)
      log(`${attachment.interview}: ${attachment.role} left the desktop`)
    })
    await attachDesktop(docker, ws, attachment)
    ws.resume()
  }
}
