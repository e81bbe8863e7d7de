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
