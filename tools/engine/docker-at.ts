// A Docker client for a DOCKER_HOST value, as the docker CLI reads one: unix://, tcp:// or ssh://.
// A tcp:// engine this process was told to trust (trustEngineAt) is reached over mutual TLS, with
// the certificates of a DOCKER_CERT_PATH folder, and `docker` commands for it get the same.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Docker from 'dockerode'
import { UserError } from '../core/errors.ts'

/** tcp:// engines reached over TLS: DOCKER_HOST value -> its DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem). */
const certPaths = new Map<string, string>()

/** Says that the tcp:// engine at `host` is reached over mutual TLS with the certificates in `certPath`. */
export function trustEngineAt(host: string, certPath: string): void {
  certPaths.set(host, certPath)
}

/**
 * A client for the engine at the Unix socket `path`, whatever DOCKER_HOST says: dockerode lays its
 * options over those it reads from DOCKER_HOST and DOCKER_CERT_PATH, and a tcp:// there would win.
 */
export const dockerOnSocket = (path: string) =>
  new Docker({ socketPath: path, host: undefined, protocol: 'http', ca: undefined, cert: undefined, key: undefined })

/** A client for the engine at `host` (unix:///path, tcp://host:port or ssh://user@host). */
export function dockerAt(host: string): Docker {
  const url = new URL(host)
  if (url.protocol === 'unix:') return dockerOnSocket(url.pathname)
  if (url.protocol === 'tcp:') {
    const certPath = certPaths.get(host)
    if (!certPath) return new Docker({ host: url.hostname, port: Number(url.port || 2375) })
    const file = (name: string) => readFileSync(join(certPath, name))
    return new Docker({
      protocol: 'https',
      host: url.hostname,
      port: Number(url.port || 2376),
      ca: file('ca.pem'),
      cert: file('cert.pem'),
      key: file('key.pem'),
    })
  }
  if (url.protocol === 'ssh:')
    return new Docker({ protocol: 'ssh', host: url.hostname, port: Number(url.port || 22), username: url.username || 'root' })
  throw new UserError(`cannot reach a Docker engine at ${host}`, 'give it as unix:///path, tcp://host:port or ssh://user@host')
}

/**
 * The DOCKER_HOST of a client, for the `docker` commands that must use the same engine as it;
 * undefined for one that uses the default socket, as those commands do.
 */
export function dockerHostOf(docker: Docker): string | undefined {
  const modem = docker.modem as { socketPath?: unknown; host?: string; port?: number | string; protocol?: string; username?: string }
  if (modem.socketPath !== undefined) return typeof modem.socketPath === 'string' ? `unix://${modem.socketPath}` : undefined
  if (modem.protocol === 'ssh')
    return `ssh://${modem.username ? `${modem.username}@` : ''}${modem.host}${modem.port ? `:${modem.port}` : ''}`
  return `tcp://${modem.host}:${modem.port ?? 2375}`
}

/**
 * The environment for `docker` commands (and for this process's own default clients) on the engine
 * at `host`: DOCKER_HOST, and for an engine reached over TLS, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH.
 */
export function engineEnv(host: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { DOCKER_TLS_VERIFY: _verify, DOCKER_CERT_PATH: _path, ...rest } = env
  const certPath = certPaths.get(host)
  return { ...rest, DOCKER_HOST: host, ...(certPath ? { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certPath } : {}) }
}

/** The environment for `docker` commands on the engine of `docker` (the box's, which may be a Swarm node's). */
export function envForEngineOf(docker: Docker, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const host = dockerHostOf(docker)
  return host ? engineEnv(host, env) : env
}
