// Host addresses and ports an interview is published on.
import { createServer } from 'node:net'
import { isIP } from 'node:net'
import { UserError } from '../core/errors.ts'

/** Throws unless `port` is a TCP port number a user may give. */
export function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UserError(`--port ${port} is not a TCP port`, 'give a number from 1 to 65535, or leave --port out to get a free one')
  }
  return port
}

/** Throws unless `address` is an IP address to bind (127.0.0.1 by default; 0.0.0.0 for every interface). */
export function checkBindAddress(address: string): string {
  if (!isIP(address))
    throw new UserError(`--bind ${address} is not an IP address`, "use 127.0.0.1 (the default), 0.0.0.0, or one of this host's addresses")
  return address
}

/** Whether only this host reaches a server bound to `bind`. */
export const isLoopback = (bind: string) => bind === '::1' || bind.startsWith('127.')

/** Where a client on this host reaches a server bound to `bind`: the address, or loopback when bound to all. */
export const loopbackFor = (bind: string) => (bind === '0.0.0.0' ? '127.0.0.1' : bind === '::' ? '::1' : bind)

/**
 * A server's listen error as the user's: a port already taken becomes one line naming `what`
 * usually holds it; any other error is returned as it is.
 */
export function listenError(error: NodeJS.ErrnoException, port: number, bind: string, what: string): Error {
  if (error.code !== 'EADDRINUSE') return error
  return new UserError(`port ${port} on ${bind} is already in use`, `is ${what} already running? otherwise pick another --port`)
}

/** Whether nothing listens on `address:port` yet. */
export function portIsFree(port: number, address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host: address, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

/** Throws, before anything starts, if the requested port is taken. */
export async function checkPortFree(port: number, address: string): Promise<void> {
  if (!(await portIsFree(port, address))) {
    throw new UserError(`port ${port} on ${address} is already in use`, 'pick another with --port, or leave --port out to get a free one')
  }
}
