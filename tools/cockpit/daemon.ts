// `run` needs the front door, the recorder and, for browser links, the gateway. On a loopback
// address, when nothing serves the door's port or the gateway's, it starts the whole server
// (scripts/serve.mjs) in the background: one process, as systemd would run it. Otherwise (a door or
// a gateway served on its own, the gateway's port taken by something else, or an address other
// hosts reach, where the server's cockpit belongs behind TLS: docs/server.md) only the missing
// pieces are started, each as its own process.
import { spawn } from 'node:child_process'
import { closeSync, mkdirSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { REPO_ROOT } from '../core/paths.ts'
import { scriptCommand } from '../core/runtime.ts'
import { sleep } from '../core/sleep.ts'
import { doorAnswers, doorOfThisFolder, ensureDoor } from '../door/daemon.ts'
import { doorHostKey } from '../door/host-key.ts'
import { isLoopback, loopbackFor, portIsFree } from '../engine/ports.ts'
import { hostRecorderPid } from '../recording/host-recorder.ts'
import { recordingsRoot } from '../recording/paths.ts'
import { withLock } from '../recording/pid-file.ts'
import { gatewayAnswers, gatewayUrl } from '../web/daemon.ts'
import { serverDir } from './interviewers.ts'

export interface ServerPlace {
  bind: string
  doorPort: number
  /** The gateway's (and the cockpit's) port. */
  webPort: number
}

export interface FrontDoor {
  fingerprint: string
  /** Set when this call started the server. */
  server?: { pid: number; url: string; log: string }
}

/** How long `run` waits for a server it started; the lock that keeps a second `run` from starting another outlasts it. */
const START_WAIT_MS = 60_000
const START_LOCK_STALE_MS = START_WAIT_MS + 30_000

/** The server's log when `run` starts it. */
export const serverLog = (dir = serverDir()) => join(dir, 'server.log')

/** The front door's host key fingerprint; on loopback, the whole server is started first when nothing serves its ports. */
export async function ensureFrontDoor(place: ServerPlace, log: (line: string) => void): Promise<FrontDoor> {
  const { fingerprint } = doorHostKey()
  if (await doorOfThisFolder(place.bind, place.doorPort)) return { fingerprint }
  if (isLoopback(place.bind)) {
    const dir = serverDir()
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    // Two `run`s at once start one server.
    const server = await withLock(
      join(dir, '.server.starting'),
      async () => ((await nothingServes(place)) ? startServer(place) : undefined),
      START_LOCK_STALE_MS,
    )
    if (server) {
      log(`interview server started: cockpit ${server.url}, front door port ${place.doorPort} (pid ${server.pid}, log ${server.log})`)
      return { fingerprint, server }
    }
  }
  return { fingerprint: (await ensureDoor(place.bind, place.doorPort, log)).fingerprint }
}

/** Whether the door's port and the gateway's are both free (then the server may take them). */
async function nothingServes(place: ServerPlace): Promise<boolean> {
  if (await doorAnswers(place.bind, place.doorPort)) return false
  return (await portIsFree(place.webPort, place.bind)) && (await portIsFree(place.doorPort, place.bind))
}

/** Starts `scripts/serve.mjs` detached and returns once its door, its gateway and (unless another runs) its recorder answer. */
async function startServer(place: ServerPlace): Promise<{ pid: number; url: string; log: string }> {
  const logFile = serverLog()
  const out = openSync(logFile, 'a', 0o600)
  const [command, args] = scriptCommand('serve.mjs', [
    '--bind',
    place.bind,
    '--port',
    String(place.webPort),
    '--door-port',
    String(place.doorPort),
  ])
  const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out], cwd: REPO_ROOT, env: process.env })
  child.unref()
  closeSync(out)
  let exited = false
  child.on('exit', () => (exited = true))
  const url = gatewayUrl(place.bind, place.webPort)
  const probe = loopbackFor(place.bind)
  const root = recordingsRoot()
  let up = false
  try {
    for (const deadline = Date.now() + START_WAIT_MS; !exited && Date.now() < deadline; await sleep(100)) {
      // The banner while it starts; the host key once, at the end.
      up =
        (await doorAnswers(probe, place.doorPort)) &&
        (await gatewayAnswers(gatewayUrl(probe, place.webPort))) &&
        hostRecorderPid(root) !== undefined &&
        (await doorOfThisFolder(place.bind, place.doorPort))
      if (up) return { pid: child.pid!, url, log: logFile }
    }
  } finally {
    if (!up && !exited) child.kill()
  }
  throw new UserError(
    `the interview server did not start (front door port ${place.doorPort}, cockpit ${url})`,
    `see ${logFile}; is a port taken? choose others with --door-port and --web-port`,
  )
}
