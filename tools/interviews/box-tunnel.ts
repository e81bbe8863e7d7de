// A TCP connection to a port inside a box, made through the engine that runs it (`docker exec`):
// the readiness login of a box whose sshd is published nowhere (behind the front door, on a Swarm
// node whose bridge this host does not reach) goes this way.
import { spawn } from 'node:child_process'
import { Duplex } from 'node:stream'
import type Docker from 'dockerode'
import { envForEngineOf } from '../engine/docker-at.ts'

/** A stream to 127.0.0.1:`port` in `container`, on the engine of `docker`; closing it ends the exec. */
export function tunnelInto(docker: Docker, container: Docker.Container, port: number): Duplex {
  const relay = `exec 3<>/dev/tcp/127.0.0.1/${port} && { cat <&3 & cat >&3; }`
  const child = spawn('docker', ['exec', '-i', container.id, 'bash', '-c', relay], {
    env: envForEngineOf(docker),
    stdio: ['pipe', 'pipe', 'ignore'],
  })
  const stream = Duplex.from({ readable: child.stdout, writable: child.stdin })
  stream.on('close', () => child.kill())
  child.on('exit', () => stream.destroy())
  return stream
}
