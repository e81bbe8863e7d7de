// The host's recorder: one long-lived process (`scripts/record.mjs` with no interview) that records
// every running interview whose recording goes under its recordings root, each into its own folder
// (recorder.ts). It learns of new interviews from the engine's events (a container labelled as an
// interview starting) and, when it starts, takes up those already running, resuming a recording a
// killed recorder left unfinished. One timer a second, shared by all, keeps the time limits and
// shows the recorder is alive (the pid file's mtime: a successor dates the gap from it). It ends
// after a while with nothing to record; `run` starts it again when needed (daemon.ts).
import { existsSync, mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join, relative, isAbsolute } from 'node:path'
import { PassThrough, type Readable } from 'node:stream'
import type Docker from 'dockerode'
import { LABEL } from '../engine/names.ts'
import { boundedLines } from './lines.ts'
import { livePid, thisProcess, withLock } from './pid-file.ts'
import { recorderOf, recordingStatus, startRecording, type RecorderOptions, type Recording } from './recorder.ts'

export const HOST_FILES = {
  /** The host recorder's pid; touched every second while it runs. */
  pid: '.recorder.pid',
  /** Held while a recorder takes the pid file. */
  lock: '.recorder.lock',
  /** Held while `run` starts a recorder. */
  starting: '.recorder.starting',
  log: '.recorder.log',
} as const

/** What the host recorder's command line holds, alone or inside the cockpit server: how a pid is known to be one. */
export const RECORDER_SCRIPTS = ['scripts/record.mjs', 'scripts/serve.mjs'] as const

export interface HostRecorderOptions extends Omit<RecorderOptions, 'endsAt' | 'lastAliveMs'> {
  /** The recordings root: interviews recorded under it are this recorder's. */
  root: string
  /** Ends after this long with nothing to record (0: never). */
  idleExitMs?: number
  /** Resolves to end the recorder now (e.g. on SIGTERM): what waits is written, recordings stay unfinished. */
  stop?: Promise<void>
}

const INTERVIEWS = JSON.stringify({ label: [`${LABEL.managed}=true`, `${LABEL.role}=interview`] })

/** The host recorder running for `root`, if any. */
export const hostRecorderPid = (root: string) => livePid(join(root, HOST_FILES.pid), RECORDER_SCRIPTS)

const isUnder = (root: string, dir: string) => {
  const path = relative(root, dir)
  return !!path && !path.startsWith('..') && !isAbsolute(path)
}

/** Records every interview of `root` until idle for `idleExitMs` (or `stop`); returns false if another recorder runs. */
export async function runHostRecorder(docker: Docker, options: HostRecorderOptions): Promise<boolean> {
  const { root } = options
  const log = options.log ?? (() => {})
  mkdirSync(root, { recursive: true, mode: 0o750 })
  const pidFile = join(root, HOST_FILES.pid)
  const taken = await withLock(join(root, HOST_FILES.lock), () => {
    const holder = hostRecorderPid(root)
    if (holder !== undefined && holder !== process.pid) return { holder }
    const lastAliveMs = existsSync(pidFile) ? statSync(pidFile).mtimeMs : undefined
    writeFileSync(pidFile, thisProcess())
    return { lastAliveMs }
  })
  if ('holder' in taken) {
    log(`a recorder of ${root} is already running (pid ${taken.holder})`)
    return false
  }
  log(`recording the interviews of ${root} (pid ${process.pid})`)

  const recordings = new Map<string, Recording>()
  const pending = new Set<string>()
  let lastBusy = Date.now()
  let ending = false

  /** Starts recording container `id`, if it is an interview of this root not recorded yet. */
  const follow = async (id: string) => {
    if (ending || recordings.has(id) || pending.has(id)) return
    pending.add(id)
    try {
      const container = docker.getContainer(id)
      const info = await container.inspect()
      const labels = info.Config.Labels ?? {}
      const dir = labels[LABEL.recording]
      if (!info.State.Running || !dir || labels[LABEL.role] !== 'interview' || !isUnder(root, dir)) return
      if (recordingStatus(dir) === 'complete') return
      const other = recorderOf(dir)
      if (other !== undefined && other !== process.pid) return log(`${labels[LABEL.interview]}: recorded by pid ${other}, left to it`)
      mkdirSync(dir, { recursive: true, mode: 0o750 })
      const endsAt = labels[LABEL.endsAt] ? Date.parse(labels[LABEL.endsAt]!) : NaN
      const recording = await startRecording(docker, container, dir, {
        ...options,
        endsAt: endsAt > 0 ? endsAt : undefined,
        lastAliveMs: taken.lastAliveMs,
        log,
      })
      recordings.set(id, recording)
      log(`${recording.name}: recording in ${dir}`)
      recording.tick()
      recording.done
        .catch((error) => log(`${recording.name}: finishing the recording failed: ${(error as Error).message}`))
        .finally(() => {
          recordings.delete(id)
          lastBusy = Date.now()
        })
    } catch (error) {
      log(`${id.slice(0, 12)}: not recorded: ${(error as Error).message}`)
    } finally {
      pending.delete(id)
      lastBusy = Date.now()
    }
  }

  // Subscribed before listing, so an interview starting in between is not missed (follow skips doubles).
  let events: Readable | undefined
  const subscribe = async (): Promise<void> => {
    if (ending) return
    try {
      const since = Math.floor(Date.now() / 1000)
      const stream = (await docker.getEvents({
        filters: JSON.stringify({ type: ['container'], event: ['start'], ...JSON.parse(INTERVIEWS) }),
      })) as unknown as Readable
      events = stream
      const lines = new PassThrough()
      stream.pipe(lines)
      boundedLines(lines, 64 * 1024, (line) => {
        try {
          const event = JSON.parse(line) as { id?: string; Actor?: { ID?: string } }
          const id = event.Actor?.ID ?? event.id
          if (id) void follow(id)
        } catch {
          // not an event
        }
      })
      stream.on('close', () => {
        if (ending) return
        log(`the engine's events ended (since ${since}): subscribing again`)
        setTimeout(() => void subscribe(), 2000)
      })
      stream.on('error', () => stream.destroy())
      const running = await docker.listContainers({ filters: JSON.stringify({ ...JSON.parse(INTERVIEWS), status: ['running'] }) })
      await Promise.all(running.map((container) => follow(container.Id)))
    } catch (error) {
      log(`cannot follow the engine's events: ${(error as Error).message}; trying again`)
      setTimeout(() => void subscribe(), 2000)
    }
  }
  await subscribe()

  await new Promise<void>((resolve) => {
    const end = () => {
      if (ending) return
      ending = true
      clearInterval(timer)
      events?.destroy()
      for (const recording of recordings.values()) recording.flush()
      resolve()
    }
    const timer = setInterval(() => {
      const now = Date.now()
      for (const recording of recordings.values()) recording.tick(now)
      try {
        utimesSync(pidFile, now / 1000, now / 1000)
      } catch {
        // the root was removed: nothing to show liveness in
      }
      if (options.idleExitMs && !recordings.size && !pending.size && now - lastBusy > options.idleExitMs) {
        log(`nothing to record for ${Math.round(options.idleExitMs / 1000)} s: ending`)
        end()
      }
    }, 1000)
    void options.stop?.then(end)
  })
  if (hostRecorderPid(root) === process.pid) rmSync(pidFile, { force: true })
  return true
}
