// Running the front door until the process is told to stop (scripts/door.mjs).
import { connectDocker } from '../engine/docker.ts'
import { printable } from '../core/printable.ts'
import { checkBindAddress, checkPort, listenError } from '../engine/ports.ts'
import { doorDir, doorHostKey } from './host-key.ts'
import { startDoor, type BoxFinder } from './server.ts'
import { controlSocket, serveControl } from './control.ts'
import { rmSync } from 'node:fs'
import { logLine, untilStopped } from '../core/foreground.ts'

/** The door's port unless told otherwise: 7622, or INTERVIEW_ENV_DOOR_PORT (a test run keeps its own door apart). */
export const DOOR_PORT = Number(process.env.INTERVIEW_ENV_DOOR_PORT) || 7622

/** A front door listening, with its control socket; `close` ends both. */
export interface OpenDoor {
  port: number
  fingerprint: string
  close(): Promise<void>
}

/** Starts the front door and its control socket (the cockpit server hosts one, scripts/door.mjs too). */
export async function openDoor(options: {
  bind: string
  port: number
  log: (line: string) => void
  boxesElsewhere?: BoxFinder
}): Promise<OpenDoor> {
  checkBindAddress(options.bind)
  checkPort(options.port)
  const hostKey = doorHostKey()
  const docker = await connectDocker()
  const door = await startDoor({
    docker,
    host: options.bind,
    port: options.port,
    hostKey: hostKey.privateKey,
    boxesElsewhere: options.boxesElsewhere,
    // Names come from key comments and requests: the log shows their control characters escaped.
    log: (line) => options.log(printable(line)),
  }).catch((error: NodeJS.ErrnoException) => {
    throw listenError(error, options.port, options.bind, 'a door')
  })
  const socket = controlSocket(door.port)
  const control = await serveControl(socket, (request) => door.switchRoles(request))
  options.log(`front door listening on ${options.bind}:${door.port} (host key ${hostKey.fingerprint}, folder ${doorDir()})`)
  return {
    port: door.port,
    fingerprint: hostKey.fingerprint,
    close: async () => {
      control.close()
      rmSync(socket, { force: true })
      await door.close()
    },
  }
}

export async function serveDoor(options: { bind: string; port: number; boxesElsewhere?: BoxFinder }): Promise<void> {
  const door = await openDoor({ ...options, log: logLine })
  await untilStopped()
  await door.close()
}
