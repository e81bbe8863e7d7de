// `run` needs the front door, the recorder and, for browser links, the gateway. When nothing serves
// the door's port or the gateway's, it starts the whole server (scripts/serve.mjs) in the
// background: one process, as systemd would run it. When one of them is served already (a door or
// a gateway run on its own), only the missing pieces are started, each as its own process.
import { spawn } from 'node:child_process'
import { closeSync, mkdirSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { REPO_ROOT } from '../core/paths.ts'
import { scriptCommand } from '../core/runtime.ts'
import { sleep } from '../core/sleep.ts'
import { doorOfThisFolder, ensureDoor } from '../door/daemon.ts'
import { doorHostKey } from '../door/host-key.ts'
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

/** The server's log when `run` starts it. */
export const serverLog = (dir = serverDir()) => join(dir, 'server.log')

/** The front door's host key fingerprint; the whole server is started first when nothing serves its ports. */
export async function ensureFrontDoor(place: ServerPlace, log: (line: string) => void): Promise<FrontDoor> {
  const { fingerprint } = doorHostKey()
  if (await doorOfThisFolder(place.bind, place.doorPort)) return { fingerprint }
  const dir = serverDir()
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  // Two `run`s at once start one server.
  const server = await withLock(join(dir, '.server.starting'), async () => {
    if (await doorOfThisFolder(place.bind, place.doorPort)) return undefined
    if (await gatewayAnswers(gatewayUrl(place.bind, place.webPort))) return undefined
    return startServer(place)
  })
  if (server) {
    log(`interview server started: cockpit ${server.url}, front door port ${place.doorPort} (pid ${server.pid}, log ${server.log})`)
    return { fingerprint, server }
  }
  // A gateway runs on its own (or another run just started the server): only the door may be missing.
  return { fingerprint: (await ensureDoor(place.bind, place.doorPort, log)).fingerprint }
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
  const root = recordingsRoot()
  for (let i = 0; i < 300 && !exited; i++) {
    const up = (await doorOfThisFolder(place.bind, place.doorPort)) && (await gatewayAnswers(url)) && hostRecorderPid(root) !== undefined
    if (up) return { pid: child.pid!, url, log: logFile }
    await sleep(100)
  }
  if (!exited) child.kill()
  throw new UserError(
    `the interview server did not start (front door port ${place.doorPort}, cockpit ${url})`,
    `see ${logFile}; is a port taken? choose others with --door-port and --web-port`,
  )
}
