// The web gateway: serves the terminal page for a link, and attaches each browser over a
// WebSocket to the interview's ONE shared tmux session (docker exec, as `user`), as a read-write
// client for a candidate link and a read-only tmux client for an observer link. For a desktop
// interview it serves noVNC at /desktop and joins it to the interview's shared VNC display.
import { readdirSync, readFileSync } from 'node:fs'
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { Duplex } from 'node:stream'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { WebSocketServer, type WebSocket } from 'ws'
import { REPO_ROOT } from '../core/paths.ts'
import { LABEL } from '../engine/names.ts'
import { filtered } from '../core/terminal-filter.ts'
import { attachDesktop, findDesktop } from './desktop-connection.ts'
import { desktopPage } from './desktop-page.ts'
import { terminalPage } from './page.ts'
import { FailureLimiter } from './rate-limit.ts'
import { CLIENT_ID_ENV, ClientReaper, newClientId, unlessEnded } from './exec-client.ts'
import { allowedHosts, clientAddress, hostAllowed, requestPath, trustedSet } from './requests.ts'
import { hashToken, looksLikeToken, WEB_ROLES, webLabel, type WebRole } from './tokens.ts'

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

interface Attachment {
  interview: string
  role: WebRole
  container: Docker.Container
}

const ASSETS: Record<string, [string, string]> = {
  '/assets/xterm.js': ['node_modules/@xterm/xterm/lib/xterm.js', 'text/javascript'],
  '/assets/xterm.css': ['node_modules/@xterm/xterm/css/xterm.css', 'text/css'],
  '/assets/addon-fit.js': ['node_modules/@xterm/addon-fit/lib/addon-fit.js', 'text/javascript'],
}

/** noVNC's ES modules, served as /novnc/core/... and /novnc/vendor/... */
function novncAssets(): Record<string, [string, string]> {
  const root = 'node_modules/@novnc/novnc'
  const assets: Record<string, [string, string]> = {}
  for (const top of ['core', 'vendor']) {
    for (const file of readdirSync(join(REPO_ROOT, root, top), { recursive: true }) as string[]) {
      if (file.endsWith('.js')) assets[`/novnc/${top}/${file}`] = [`${root}/${top}/${file}`, 'text/javascript']
    }
  }
  return assets
}

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'",
}

/** The running interview a token opens, and in which role; undefined for any bad token. */
async function findAttachment(docker: Docker, token: string): Promise<Attachment | undefined> {
  if (!looksLikeToken(token)) return undefined
  const hash = hashToken(token)
  for (const role of WEB_ROLES) {
    const found = await docker.listContainers({
      filters: JSON.stringify({ label: [`${LABEL.managed}=true`, `${webLabel(role)}=${hash}`], status: ['running'] }),
    })
    const info = found[0]
    if (info) return { interview: info.Labels[LABEL.interview] ?? '?', role, container: docker.getContainer(info.Id) }
  }
  return undefined
}

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

/** The largest WebSocket message: a terminal's typed or pasted input, or a VNC client's message. */
export const MAX_MESSAGE = 1024 * 1024
/** The largest message before a desktop password checks out (the password message itself). */
export const MAX_MESSAGE_BEFORE_AUTH = 1024

/** Sets the size limit of messages a WebSocket reads from now on (ws keeps it in its receiver). */
function limitMessages(ws: WebSocket, bytes: number) {
  const receiver = (ws as unknown as { _receiver?: { _maxPayload?: number } })._receiver
  if (typeof receiver?._maxPayload !== 'number') throw new Error('ws has no receiver limit to set: check the ws version')
  receiver._maxPayload = bytes
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { docker } = options
  const log = options.log ?? (() => {})
  const limiter = options.limiter ?? new FailureLimiter()
  const assets = new Map(
    Object.entries({ ...ASSETS, ...novncAssets() }).map(([path, [file, type]]) => [
      path,
      { body: readFileSync(join(REPO_ROOT, file)), type },
    ]),
  )
  const page = terminalPage()
  const desktop = desktopPage()
  const open = new Set<{ interview: string; socket: WebSocket }>()
  const reaper = new ClientReaper()

  const refuse = (res: ServerResponse, code: number, text: string) => {
    res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
    res.end(text + '\n')
  }
  const trusted = trustedSet(options.trustedProxies)
  const address = (req: IncomingMessage) => clientAddress(req, trusted)
  let hosts = new Set<string>()
  const fromOwnHost = (req: IncomingMessage) => hostAllowed(hosts, req.headers.host)

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = requestPath(req.url)
    if (path === undefined) return refuse(res, 400, 'bad request')
    if (!fromOwnHost(req)) return refuse(res, 421, 'this gateway does not serve that host name')
    const asset = assets.get(path)
    if (req.method !== 'GET') return refuse(res, 405, 'method not allowed')
    if (asset) {
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'max-age=3600' })
      return res.end(asset.body)
    }
    if (path === '/healthz') return refuse(res, 200, 'ok')
    if (path === '/favicon.ico') return res.writeHead(204).end()
    if (path === '/desktop') {
      res.writeHead(200, PAGE_HEADERS)
      return res.end(desktop)
    }
    const link = /^\/i\/([^/]+)$/.exec(path)
    if (!link) return refuse(res, 404, 'not found')
    const token = link[1]!
    if (limiter.blocked(address(req), token)) return refuse(res, 429, 'too many failed attempts: wait a minute')
    if (!(await findAttachment(docker, token))) {
      limiter.fail(address(req), token)
      return refuse(res, 403, 'this link is not valid')
    }
    limiter.succeed(token)
    res.writeHead(200, PAGE_HEADERS)
    res.end(page)
  }

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
    if (path === '/ws/desktop') {
      if (limiter.blocked(address(req))) return reject(socket, 429, 'Too Many Requests')
      return wss.handleUpgrade(req, socket, head, (ws) => joinDesktop(ws, address(req)))
    }
    const token = /^\/ws\/([^/]+)$/.exec(path)?.[1] ?? ''
    if (limiter.blocked(address(req), token)) return reject(socket, 429, 'Too Many Requests')
    const attachment = await findAttachment(docker, token)
    if (!attachment) {
      limiter.fail(address(req), token)
      return reject(socket, 403, 'Forbidden')
    }
    limiter.succeed(token)
    wss.handleUpgrade(req, socket, head, (ws) => void attach(ws, attachment))
  }
  const publicOrigins = (options.publicUrls ?? []).map((url) => new URL(url).origin)
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (error) => log(`socket error during upgrade: ${error.message}`))
    upgrade(req, socket, head).catch((error: unknown) => {
      log(`error in upgrade request: ${(error as Error)?.stack ?? error}`)
      reject(socket, 500, 'Internal Server Error')
    })
  })

  /** A desktop WebSocket: the first message (at most 1 KiB) carries the interview password, then it is VNC. */
  function joinDesktop(ws: WebSocket, from: string) {
    ws.on('error', () => ws.terminate())
    limitMessages(ws, MAX_MESSAGE_BEFORE_AUTH)
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
      const attachment = await findDesktop(docker, password).catch(() => undefined)
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

  async function attach(ws: WebSocket, { interview, role, container }: Attachment) {
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
    let exec: Docker.Exec
    let stream: Duplex
    try {
      exec = await container.exec({
        Cmd: attachCommand(role),
        User: 'user',
        Env: ['TERM=xterm-256color', 'LANG=C.UTF-8', 'HOME=/home/user', `${CLIENT_ID_ENV}=${id}`],
        Tty: true,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
      })
      stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as Duplex
    } catch {
      return ws.close(4000, 'the interview has ended')
    }
    // The client outlives its connection unless ended: once the socket closes, end it by its id.
    let exited = false
    stream.once('end', () => (exited = true))
    const end = () =>
      void (exited ? Promise.resolve() : reaper.end(container, id))
        .catch((error: unknown) => log(`${interview}: could not end a browser's tmux client: ${(error as Error)?.message ?? error}`))
        .finally(() => stream.destroy())
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

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 7681, options.host ?? '127.0.0.1', () => resolve())
  })
  const bound = server.address() as { address: string; port: number }
  hosts = allowedHosts({ bind: bound.address, port: bound.port, tls: !!options.tls, publicUrls: options.publicUrls })
  const host = bound.address.includes(':') ? `[${bound.address}]` : bound.address
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${bound.port}`,
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
