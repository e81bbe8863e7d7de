// The gateway's HTTP routes: its files, /healthz, the desktop page, the terminal page of a valid
// link (a bad token counts against the failure limit), and with the cockpit its page (at / and
// /cockpit) and its API under /api/ (its own methods). Everything else is 404; only GET is served.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Asset, Pages } from './assets.ts'
import type { GatewayContext } from './context.ts'
import { requestPath } from './requests.ts'

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'",
}

// The cockpit's replay (asciinema-player) compiles its WebAssembly terminal: that alone is allowed more.
const COCKPIT_HEADERS = {
  ...PAGE_HEADERS,
  'content-security-policy': PAGE_HEADERS['content-security-policy'].replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"),
}

/** A plain-text answer that is not cached. */
export function refuse(res: ServerResponse, code: number, text: string) {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
  res.end(text + '\n')
}

export interface RouteOptions {
  assets: Map<string, Asset>
  pages: Pages
  /** Whether the request's Host is one of the gateway's own names. */
  fromOwnHost: (req: IncomingMessage) => boolean
  /** The client's address, for the failure limit (through trusted proxies). */
  address: (req: IncomingMessage) => string
  /** The cockpit's API, for every path under /api/. */
  api?: ApiHandler
  /** The desktop page's files, under /desktop/files (desktop-files.ts). */
  desktopFiles?: ApiHandler
}

export type ApiHandler = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>

/** The handler of every plain HTTP request. */
export function pageRoutes(context: GatewayContext, { assets, pages, fromOwnHost, address, api, desktopFiles }: RouteOptions) {
  const { limiter } = context
  return async (req: IncomingMessage, res: ServerResponse) => {
    const path = requestPath(req.url)
    if (path === undefined) return refuse(res, 400, 'bad request')
    if (!fromOwnHost(req)) return refuse(res, 421, 'this gateway does not serve that host name')
    if (api && path.startsWith('/api/')) return api(req, res, path)
    if (desktopFiles && (path === '/desktop/files' || path.startsWith('/desktop/files/'))) return desktopFiles(req, res, path)
    const asset = assets.get(path)
    if (req.method !== 'GET') return refuse(res, 405, 'method not allowed')
    if (asset) {
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'max-age=3600' })
      return res.end(asset.body)
    }
    if (path === '/healthz') return refuse(res, 200, 'ok')
    if (path === '/favicon.ico') return res.writeHead(204).end()
    if (api && (path === '/' || path === '/cockpit')) {
      res.writeHead(200, COCKPIT_HEADERS)
      return res.end(pages.cockpit)
    }
    if (path === '/desktop') {
      res.writeHead(200, PAGE_HEADERS)
      return res.end(pages.desktop)
    }
    const link = /^\/i\/([^/]+)$/.exec(path)
    if (!link) return refuse(res, 404, 'not found')
    const token = link[1]!
    if (limiter.blocked(address(req), token)) return refuse(res, 429, 'too many failed attempts: wait a minute')
    if (!(await context.findLink(token))) {
      limiter.fail(address(req), token)
      return refuse(res, 403, 'this link is not valid')
    }
    limiter.succeed(token)
    res.writeHead(200, PAGE_HEADERS)
    res.end(pages.terminal)
  }
}
