// The cockpit server (scripts/serve.mjs): one long-running process per engine that hosts the front
// door, the host recorder (recording and time limits) and the web gateway with the cockpit's API
// under /api/. A piece another process already serves (a door answering with this folder's host
// key, a recorder of the same recordings root) is used, not started twice; the recorder is taken
// up when that other one ends. After a crash, the new server finds every running interview from
// the engine's labels: the recorder resumes each recording with the gap marked.
import type Docker from 'dockerode'
import { logLine, untilStopped } from '../core/foreground.ts'
import { sleep } from '../core/sleep.ts'
import { connectDocker } from '../engine/docker.ts'
import { doorOfThisFolder } from '../door/daemon.ts'
import { openDoor } from '../door/serve.ts'
import { stopInterviews } from '../interviews/stop.ts'
import { swarmDoorBox, swarmElsewhere } from '../interviews/swarm-links.ts'
import { runHostRecorder } from '../recording/host-recorder.ts'
import { recordingsRoot } from '../recording/paths.ts'
import { openGateway, type ServeOptions } from '../web/serve.ts'
import type { ApiFactory } from '../web/gateway.ts'
import { cockpitApi } from './api.ts'

export interface ServerOptions extends ServeOptions {
  /** The front door's port; undefined: no door here (interviews started by the API then need one elsewhere). */
  doorPort?: number
  /** Whether to record (and keep the time limits of) the interviews of the recordings root. */
  record: boolean
}

/** The API's handler for a gateway: interviews it starts listen where the gateway does, behind `doorPort`. */
export const cockpitApiFor =
  (options: { secure: boolean; bind: string; stateDir?: string; doorPort?: number }): ApiFactory =>
  ({ docker, limiter, address, url }) =>
    cockpitApi({
      docker,
      limiter,
      address,
      secure: options.secure,
      gatewayUrl: url,
      bind: options.bind,
      stateDir: options.stateDir,
      doorPort: options.doorPort,
    })

/** Hosts the door unless one of this folder answers on the port already; a door of another folder is an error. */
async function doorHere(bind: string, port: number, log: (line: string) => void) {
  if (await doorOfThisFolder(bind, port)) {
    log(`front door: the one already answering on ${bind}:${port} serves these interviews`)
    return undefined
  }
  return openDoor({ bind, port, log, boxesElsewhere: swarmDoorBox })
}

/** Records the interviews of the recordings root until `stop`; while another recorder has them, waits to take over. */
async function recordHere(docker: Docker, stop: Promise<void>, log: (line: string) => void): Promise<void> {
  let stopped = false
  void stop.then(() => (stopped = true))
  const expire = async (name: string) => void (await stopInterviews([name], { waitForRecorder: false }))
  while (!stopped) {
    const ran = await runHostRecorder(docker, { root: recordingsRoot(), idleExitMs: 0, expire, log, stop })
    if (ran) return
    await Promise.race([stop, sleep(5000)])
  }
}

/** Serves until SIGINT or SIGTERM: the door, the recorder and the gateway with the cockpit's API. */
export async function serveCockpit(options: ServerOptions): Promise<void> {
  const log = logLine
  const api = cockpitApiFor({ secure: !!options.cert, bind: options.bind, doorPort: options.doorPort })
  const gateway = await openGateway({ ...options, api, elsewhere: swarmElsewhere }, log)
  const doorPort = options.doorPort
  const door =
    doorPort === undefined
      ? undefined
      : await doorHere(options.bind, doorPort, log).catch(async (error: unknown) => {
          await gateway.close()
          throw error
        })
  const stop = untilStopped()
  const recorder = options.record ? recordHere(await connectDocker(), stop, log) : Promise.resolve()
  await stop
  log('stopping: the interviews go on; a server started again takes them up')
  await Promise.all([gateway.close(), door?.close(), recorder])
}
