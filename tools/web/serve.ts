// Running the gateway until the process is told to stop.
import { connectDocker } from '../engine/docker.ts'
import { UserError } from '../core/errors.ts'
import { checkBindAddress, checkPort } from '../engine/ports.ts'
import { startGateway } from './gateway.ts'

export async function serveGateway(options: { bind: string; port: number; origins?: string[]; cert?: string; key?: string }): Promise<void> {
  checkBindAddress(options.bind)
  checkPort(options.port)
  if (!!options.cert !== !!options.key) throw new UserError('--cert and --key go together', 'give both PEM files, or neither (and put a TLS proxy in front)')
  const docker = await connectDocker()
  const gateway = await startGateway({
    docker,
    host: options.bind,
    port: options.port,
    allowedOrigins: options.origins,
    tls: options.cert && options.key ? { cert: options.cert, key: options.key } : undefined,
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') throw new UserError(`port ${options.port} on ${options.bind} is already in use`, 'is a gateway already running? otherwise pick another --port')
    throw error
  })
  console.log(`web gateway listening on ${gateway.url}`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await gateway.close()
}
