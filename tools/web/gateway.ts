// The web gateway: one HTTP(S) server that checks each request's Host and Origin, then hands it to
// its parts: the pages and files (routes.ts), a terminal link's WebSocket (terminal-socket.ts), and
// the desktop's (desktop-socket.ts). A failure in one request is logged and the gateway lives on.
import { readFileSync } from 'node:fs'
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { Duplex } from 'node:stream'
import type Docker from 'dockerode'
import { WebSocketServer } from 'ws'
import { loadAssets, loadPages } from './assets.ts'
import { MAX_MESSAGE, type Elsewhere, type GatewayContext, type OpenSocket } from './context.ts'
import { findDesktop as findDesktopHere } from './desktop-connection.ts'
import { joinDesktop } from './desktop-socket.ts'
import { ClientReaper } from './exec-client.ts'
import { FailureLimiter } from './rate-limit.ts'
import { allowedHosts, clientAddress, hostAllowed, requestPath, trustedSet } from './requests.ts'
import { pageRoutes, refuse, type ApiHandler } from './routes.ts'
import { desktopFiles } from './desktop-files.ts'
import { attachTerminal, findAttachment, type Attachment } from './terminal-socket.ts'

export { attachCommand } from './terminal-socket.ts'
export { MAX_MESSAGE, MAX_MESSAGE_BEFORE_AUTH } from './context.ts'

/** The cockpit's parts in the gateway: its API under /api/, and its terminals under /ws/cockpit/. */
export interface CockpitHandlers {
  api: ApiHandler
  /** The terminal a signed-in interviewer opens (watching, or typing): undefined when refused. */
  terminal(req: IncomingMessage, interview: string, typing: boolean): Promise<Attachment | undefined>
}

/** Makes the cockpit's handlers from what the gateway shares. */
export type ApiFactory = (parts: {
  docker: Docker
  limiter: FailureLimiter
  address: (req: IncomingMessage) => string
  url: () => string
}) => CockpitHandlers

export interface GatewayOptions {
  docker: Docker
  host?: string
  port?: number
  /** Origins allowed to open a WebSocket besides the gateway's own (e.g. behind a reverse proxy). */
  allowedOrigins?: string[]
  tls?: { cert: string; key: string }
  /** URLs the gateway is reached at besides its bound address (a reverse proxy's): their Host is accepted. */
  publicUrls?: string[]
  /** Proxies whose X-Forwarded-For names the client, for the failure limit. */
  trustedProxies?: string[]
  limiter?: FailureLimiter
  /** The cockpit's API under /api/ (tools/cockpit), made once the gateway knows its URL. */
  api?: ApiFactory
  /** Where links and desktops not on `docker` are looked for (the Swarm's interviews: interviews/swarm-links.ts). */
  elsewhere?: Elsewhere
  log?: (line: string) => void
}

export interface Gateway {
  url: string
  server: Server
  /** Open browser connections, by interview. */
  connections(): Map<string, number>
  /** Drops every WebSocket (the pages reconnect): for tests of reconnection. */
  dropConnections(): void
  close(): Promise<void>
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { docker } = options
  const log = options.log ?? (() => {})
  const limiter = options.limiter ?? new FailureLimiter()
  const assets = loadAssets()
  const pages = loadPages()
  const { elsewhere } = options
  const findLink = async (token: string) => (await findAttachment(docker, token)) ?? (await elsewhere?.link(token))
  const findDesktop = async (password: unknown) =>
    (await findDesktopHere(docker, password)) ?? (typeof password === 'string' ? await elsewhere?.desktop(password) : undefined)
  const context: GatewayContext = { docker, log, limiter, open: new Set<OpenSocket>(), reaper: new ClientReaper(), findLink, findDesktop }
  const { open } = context

  const trusted = trustedSet(options.trustedProxies)
  const address = (req: IncomingMessage) => clientAddress(req, trusted)
  let hosts = new Set<string>()
  const fromOwnHost = (req: IncomingMessage) => hostAllowed(hosts, req.headers.host)
  let url = ''
  const cockpit = options.api?.({ docker, limiter, address, url: () => url })
  const handle = pageRoutes(context, {
    assets,
    pages,
    fromOwnHost,
    address,
    api: cockpit?.api,
    desktopFiles: desktopFiles(context, address),
  })

  /** Whatever goes wrong in one request answers 500 (or drops that connection) and is logged; the gateway lives on. */
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      log(`error in ${req.method} request: ${(error as Error)?.stack ?? error}`)
      if (!res.headersSent) refuse(res, 500, 'internal error')
      else res.destroy()
    })
  }
  const server: Server = options.tls
    ? createHttpsServer({ cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key) }, onRequest)
    : createHttpServer(onRequest)
  // Terminal sockets are authenticated before the upgrade; desktop sockets by their first message,
  // read with a small limit (see joinDesktop).
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE })

  const reject = (socket: Duplex, code: number, text: string) => {
    if (socket.writable) socket.end(`HTTP/1.1 ${code} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    else socket.destroy()
  }

  const upgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = requestPath(req.url)
    if (path === undefined) return reject(socket, 400, 'Bad Request')
    if (!fromOwnHost(req)) return reject(socket, 421, 'Misdirected Request')
    const origin = req.headers.origin
    const own = [`http://${req.headers.host}`, `https://${req.headers.host}`]
    if (!origin || ![...own, ...(options.allowedOrigins ?? []), ...publicOrigins].includes(origin)) return reject(socket, 403, 'Forbidden')
    // A locked-out desktop client still gets its socket, closed at once with 4029, which the page explains.
    if (path === '/ws/desktop') return wss.handleUpgrade(req, socket, head, (ws) => joinDesktop(context, ws, address(req)))
    const inCockpit = /^\/ws\/cockpit\/([A-Za-z0-9._-]{1,100})\/(watch|type)$/.exec(path)
    if (inCockpit) {
      // A signed-in interviewer (session cookie, from this origin: checked above) watching or typing.
      const attachment = cockpit && (await cockpit.terminal(req, inCockpit[1]!, inCockpit[2] === 'type'))
      if (!attachment) return reject(socket, 403, 'Forbidden')
      return wss.handleUpgrade(req, socket, head, (ws) => void attachTerminal(context, ws, attachment))
    }
    const token = /^\/ws\/([^/]+)$/.exec(path)?.[1] ?? ''
    if (limiter.blocked(address(req), token)) return reject(socket, 429, 'Too Many Requests')
    const attachment = await findLink(token)
    if (!attachment) {
      limiter.fail(address(req), token)
      return reject(socket, 403, 'Forbidden')
    }
    limiter.succeed(token)
    wss.handleUpgrade(req, socket, head, (ws) => void attachTerminal(context, ws, attachment))
  }
  const publicOrigins = (options.publicUrls ?? []).map((url) => new URL(url).origin)
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (error) => log(`socket error during upgrade: ${error.message}`))
    upgrade(req, socket, head).catch((error: unknown) => {
      log(`error in upgrade request: ${(error as Error)?.stack ?? error}`)
      reject(socket, 500, 'Internal Server Error')
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 7680, options.host ?? '127.0.0.1', () => resolve())
  })
  const bound = server.address() as { address: string; port: number }
  hosts = allowedHosts({ bind: bound.address, port: bound.port, tls: !!options.tls, publicUrls: options.publicUrls })
  const host = bound.address.includes(':') ? `[${bound.address}]` : bound.address
  url = `${options.tls ? 'https' : 'http'}://${host}:${bound.port}`
  return {
    url,
    server,
    connections: () => {
      const counts = new Map<string, number>()
      for (const { interview } of open) counts.set(interview, (counts.get(interview) ?? 0) + 1)
      return counts
    },
    dropConnections: () => {
      for (const { socket } of open) socket.terminate()
    },
    close: async () => {
      for (const { socket } of open) socket.terminate()
      wss.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
