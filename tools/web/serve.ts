// Running the gateway until the process is told to stop.
import { isIP } from 'node:net'
import type { Argv } from 'yargs'
import { connectDocker } from '../engine/docker.ts'
import { UserError } from '../core/errors.ts'
import { checkBindAddress, checkPort, listenError } from '../engine/ports.ts'
import { logLine, untilStopped } from '../core/foreground.ts'
import { startGateway, type ApiFactory, type Gateway } from './gateway.ts'
import type { Elsewhere } from './context.ts'

export interface ServeOptions {
  bind: string
  port: number
  origins?: string[]
  cert?: string
  key?: string
  publicUrls?: string[]
  trustedProxies?: string[]
  /** The cockpit's API (scripts/serve.mjs); none for a plain gateway (scripts/web.mjs). */
  api?: ApiFactory
  /** Where links and desktops not on the interview engine are looked for (the Swarm's interviews). */
  elsewhere?: Elsewhere
}

function checkPublicUrl(url: string): void {
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    /* reported below */
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.pathname !== '/' || parsed.search || parsed.username) {
    throw new UserError(
      `--public-url ${JSON.stringify(url)} is not an http(s) origin`,
      'give the scheme, host and port browsers use, e.g. --public-url https://interviews.example.com',
    )
  }
}

/** Checks the options and starts the gateway (its API too, when given); `close` ends it. */
export async function openGateway(options: ServeOptions, log: (line: string) => void): Promise<Gateway> {
  checkBindAddress(options.bind)
  checkPort(options.port)
  for (const url of options.publicUrls ?? []) checkPublicUrl(url)
  for (const proxy of options.trustedProxies ?? []) {
    if (!isIP(proxy))
      throw new UserError(
        `--trusted-proxy ${JSON.stringify(proxy)} is not an IP address`,
        'give the address the proxy connects from, e.g. --trusted-proxy 127.0.0.1 (repeat for several)',
      )
  }
  if (!!options.cert !== !!options.key)
    throw new UserError('--cert and --key go together', 'give both PEM files, or neither (and put a TLS proxy in front)')
  const docker = await connectDocker()
  const gateway = await startGateway({
    docker,
    host: options.bind,
    port: options.port,
    allowedOrigins: options.origins,
    publicUrls: options.publicUrls,
    trustedProxies: options.trustedProxies,
    api: options.api,
    elsewhere: options.elsewhere,
    tls: options.cert && options.key ? { cert: options.cert, key: options.key } : undefined,
    log,
  }).catch((error: NodeJS.ErrnoException) => {
    throw listenError(error, options.port, options.bind, 'a gateway')
  })
  log(`web gateway listening on ${gateway.url}`)
  return gateway
}

export async function serveGateway(options: ServeOptions): Promise<void> {
  const gateway = await openGateway(options, logLine)
  await untilStopped()
  await gateway.close()
}

/** The command-line options of a gateway (scripts/web.mjs, and scripts/serve.mjs with the API), on `port` by default. */
export const gatewayCliOptions = (y: Argv, port: number) =>
  y
    .option('bind', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
    .option('port', { type: 'number', default: port, describe: 'Port to listen on' })
    .option('origin', { type: 'string', array: true, describe: 'Also accept WebSockets from this origin (behind a reverse proxy)' })
    .option('public-url', {
      type: 'string',
      array: true,
      describe: "Also answer requests for this URL's host (a reverse proxy's public URL); repeatable",
    })
    .option('trusted-proxy', { type: 'string', array: true, describe: 'Believe X-Forwarded-For from this proxy address; repeatable' })
    .option('cert', { type: 'string', describe: 'TLS certificate (PEM) to serve HTTPS' })
    .option('key', { type: 'string', describe: 'TLS private key (PEM)' })

/** Those options, read into ServeOptions. */
export const serveOptionsFrom = (argv: Awaited<ReturnType<typeof gatewayCliOptions>['argv']>): ServeOptions => ({
  bind: argv.bind,
  port: argv.port,
  origins: argv.origin,
  cert: argv.cert,
  key: argv.key,
  publicUrls: argv.publicUrl,
  trustedProxies: argv.trustedProxy,
})
