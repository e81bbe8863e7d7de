// What the gateway reads from a request before anything else: its path (parsed so that no
// request line can throw), whether its Host is one this gateway serves (against DNS rebinding),
// and the client's address (X-Forwarded-For counts only when a trusted proxy sent it).
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'
import type { IncomingMessage } from 'node:http'

/** The path of an origin-form request target (`/a/b?c`), or undefined for any other shape. */
export function requestPath(target: string | undefined): string | undefined {
  if (!target || !target.startsWith('/') || target.startsWith('//')) return undefined
  const path = target.split(/[?#]/, 1)[0]!
  return /^[\x21-\x7e]*$/.test(path) ? path : undefined
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]']
const hostForm = (address: string) => (isIP(address) === 6 ? `[${address}]` : address).toLowerCase()

/** `host:port`, and the bare host when the port is the default for the scheme. */
function forms(host: string, port: number, defaultPort: number): string[] {
  return port === defaultPort ? [`${host}:${port}`, host] : [`${host}:${port}`]
}

/**
 * The Host header values the gateway answers: the bound address and the loopback names on its
 * port (every local interface's address when bound to all of them), and each public URL's host.
 */
export function allowedHosts(options: { bind: string; port: number; tls?: boolean; publicUrls?: string[] }): Set<string> {
  const defaultPort = options.tls ? 443 : 80
  const wildcard = options.bind === '0.0.0.0' || options.bind === '::'
  const addresses = wildcard
    ? Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((info) => info.address))
    : [options.bind]
  const hosts = new Set<string>()
  for (const host of [...LOOPBACK, ...addresses.map(hostForm)]) for (const form of forms(host, options.port, defaultPort)) hosts.add(form)
  for (const url of options.publicUrls ?? []) {
    const parsed = new URL(url)
    const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80))
    for (const form of forms(parsed.hostname.toLowerCase(), port, parsed.protocol === 'https:' ? 443 : 80)) hosts.add(form)
  }
  return hosts
}

export const hostAllowed = (hosts: Set<string>, host: string | undefined) => !!host && hosts.has(host.toLowerCase())

const plain = (address: string) =>
  address
    .trim()
    .replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1')
    .toLowerCase()

/**
 * The client's address: the TCP peer, unless the peer is a trusted proxy; then the right-most
 * X-Forwarded-For entry that is not itself a trusted proxy (entries further left are whatever the
 * client wrote, and are never believed).
 */
export function clientAddress(req: IncomingMessage, trustedProxies: ReadonlySet<string>): string {
  const peer = plain(req.socket.remoteAddress ?? '?')
  if (!trustedProxies.has(peer)) return peer
  const header = req.headers['x-forwarded-for']
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map(plain).filter(Boolean)
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!
    if (!isIP(hop)) return peer
    if (!trustedProxies.has(hop)) return hop
  }
  return peer
}

/** Normalised proxy addresses, for `clientAddress`. */
export const trustedSet = (addresses: string[] = []) => new Set(addresses.map(plain))
