// What the gateway's parts share (the engine, the log, the failure limiter, the open sockets), and
// the size limits of what a browser may send.
import type Docker from 'dockerode'
import type { WebSocket } from 'ws'
import type { Attachment } from './terminal-socket.ts'
import type { DesktopAttachment } from './desktop-connection.ts'
import type { ClientReaper } from './exec-client.ts'
import type { FailureLimiter } from './rate-limit.ts'

export interface OpenSocket {
  interview: string
  socket: WebSocket
}

export interface GatewayContext {
  docker: Docker
  log: (line: string) => void
  limiter: FailureLimiter
  /** Every browser connection that is attached, for counts and for closing them all. */
  open: Set<OpenSocket>
  /** Ends the tmux clients of closed terminal sockets. */
  reaper: ClientReaper
  /** The running interview a link's token opens (on this engine, or where `elsewhere` finds it). */
  findLink: (token: string) => Promise<Attachment | undefined>
  /** The running desktop interview a desktop password opens (on this engine, or where `elsewhere` finds it). */
  findDesktop: (password: unknown) => Promise<DesktopAttachment | undefined>
}

/** Finds interviews that are not on the gateway's engine (those on a Swarm's nodes, say): a link's by its token, a desktop's by its password. */
export interface Elsewhere {
  link(token: string): Promise<Attachment | undefined>
  desktop(password: string): Promise<DesktopAttachment | undefined>
}

/** The largest WebSocket message: a terminal's typed or pasted input, or a VNC client's message. */
export const MAX_MESSAGE = 1024 * 1024
/** The largest message before a desktop password checks out (the password message itself). */
export const MAX_MESSAGE_BEFORE_AUTH = 1024

/** Sets the size limit of messages a WebSocket reads from now on (ws keeps it in its receiver). */
export function limitMessages(ws: WebSocket, bytes: number) {
  const receiver = (ws as unknown as { _receiver?: { _maxPayload?: number } })._receiver
  if (typeof receiver?._maxPayload !== 'number') throw new Error('ws has no receiver limit to set: check the ws version')
  receiver._maxPayload = bytes
}
