// The node server's work (scripts/node-server.mjs, in the interview-env-node-server service on every
// node): this node's engine, over mutual TLS, for the manager's host alone. Each connection that
// shows a client certificate of the cluster's authority is relayed, byte for byte, to the node's
// gate (node-gate.py), which lets only this service's containers through to the engine; anything
// else fails the handshake. Its node publishes its port; each node's fence keeps the boxes from it.
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { createServer, type TLSSocket } from 'node:tls'

export const NODE_SERVER_PORT = 7631

export interface RelayOptions {
  /** The gate's socket. */
  gate: string
  /** A folder with ca.pem, server-cert.pem and server-key.pem (the service's secrets). */
  certs: string
  port?: number
  /** The address to listen on (all of the container's: its node publishes the port). */
  address?: string
  log?: (line: string) => void
}

export interface Relay {
  address: string
  port: number
  close: () => Promise<void>
}

function relay(client: TLSSocket, gate: string): void {
  // Half-open both ways: `docker run -i` ends its input and then reads the output.
  const engine: Socket = connect({ path: gate, allowHalfOpen: true })
  const fail = () => {
    client.destroy()
    engine.destroy()
  }
  client.on('error', fail)
  engine.on('error', fail)
  // Each side's end is passed on by pipe, after what is still on its way (the end of an exec's output):
  // destroying the client when the engine's side closes would cut that off.
  client.on('close', () => engine.destroy())
  engine.on('close', () => client.end())
  client.pipe(engine)
  engine.pipe(client)
}

export async function serveRelay(options: RelayOptions): Promise<Relay> {
  const log = options.log ?? ((line) => console.error(line))
  const address = options.address ?? '0.0.0.0'
  const port = options.port ?? NODE_SERVER_PORT
  const server = createServer(
    {
      ca: readFileSync(join(options.certs, 'ca.pem')),
      cert: readFileSync(join(options.certs, 'server-cert.pem')),
      key: readFileSync(join(options.certs, 'server-key.pem')),
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.3',
      allowHalfOpen: true,
    },
    (client) => relay(client, options.gate),
  )
  server.on('tlsClientError', (error, socket) => {
    log(`refused ${socket.remoteAddress ?? 'a client'}: ${error.message}`)
    socket.destroy()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, address, () => resolve())
  })
  log(`node server: this node's engine, for the cluster's clients, at ${address}:${port}`)
  return { address, port, close: () => new Promise((resolve) => server.close(() => resolve())) }
}
