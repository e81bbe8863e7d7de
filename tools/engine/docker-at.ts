// A Docker client for a DOCKER_HOST value, as the docker CLI reads one: unix://, tcp:// or ssh://.
import Docker from 'dockerode'
import { UserError } from '../core/errors.ts'

/** A client for the engine at `host` (unix:///path, tcp://host:port or ssh://user@host). */
export function dockerAt(host: string): Docker {
  const url = new URL(host)
  if (url.protocol === 'unix:') return new Docker({ socketPath: url.pathname })
  if (url.protocol === 'tcp:') return new Docker({ host: url.hostname, port: Number(url.port || 2375) })
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

/** The environment for `docker` commands on the engine of `docker` (the box's, which may be a Swarm node's). */
export function envForEngineOf(docker: Docker, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const host = dockerHostOf(docker)
  return host ? { ...env, DOCKER_HOST: host } : env
}
