// The recorder of one interview, run by the host's recorder (host-recorder.ts) beside those of
// every other interview, or alone by `record.mjs <interview>`. It attaches to the shared tmux
// session as a read-only client through `docker exec` and writes what that client is sent as an
// asciicast (cast.ts); a second exec that stays open (recorder-feed) reports who is attached, in
// which role, hints, checks, who typed what and commands run outside the terminal, read as
// untrusted (feed-reports.ts) and turned into the timeline (state-events.ts) on the same clock. It
// also enforces a time limit (time-limit.ts) when ticked. The files are on the host, where the
// candidate cannot reach them, and stay after the interview ends. A recorder started again on a
// recording left unfinished (its recorder was killed) continues it: same files, same clock, a gap.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough, type Duplex } from 'node:stream'
import type Docker from 'dockerode'
import { UserError } from '../core/errors.ts'
import { sleep } from '../core/sleep.ts'
import type { BoxState } from '../engine/box-state.ts'
import { execIn } from '../engine/docker.ts'
import { LABEL, vncPasswordOf } from '../engine/names.ts'
import { CastWriter, resumeCast } from './cast.ts'
import { CommandRoles } from './command-roles.ts'
import { appendEvent, readEvents, type InterviewEvent } from './events.ts'
import { FEED_LIMITS, readFeedLine } from './feed-reports.ts'
import { LatestOnly } from './latest-only.ts'
import { boundedLines } from './lines.ts'
import { FILES } from './paths.ts'
import { recordDesktop } from './desktop-recording.ts'
import { livePid, thisProcess } from './pid-file.ts'
import { hintsToHandOut, nothingSeen, seenFromTimeline, stateHappenings, type Happening } from './state-events.ts'
import { deliverHint, hostHints } from '../engine/task-hints.ts'
import { writeSummary } from './summary.ts'
import { timeLimitStep, warnedFromTimeline } from './time-limit.ts'

const RECORDER_ENV = ['TERM=xterm-256color', 'LANG=C.UTF-8', 'HOME=/home/user', 'INTERVIEW_ROLE=recorder']
const STATUS_LINES = 1
const SHELL_ENV = ['LANG=C.UTF-8', 'HOME=/home/user', 'TERM=xterm-256color']

// The session exists from the start (the first login attaches to it), so nothing is missed.
const SESSION_AND_SIZE =
  'tmux has-session -t interview 2>/dev/null || tmux new-session -d -s interview -x 120 -y 32; tmux display-message -p -t interview "#{window_width} #{window_height}"'
// What a killed recorder left in the box: its tmux client (still attached, holding the window's
// size) and its feed, with everything in the feed's session (its input-feed would share stamps
// with the new one's; its tail outlives the subshell that started it).
const LEFT_BY_A_KILLED_RECORDER = `
for c in $(tmux list-clients -t interview -F '#{client_pid}:#{client_tty}' 2>/dev/null); do
  tr '\\0' '\\n' < "/proc/\${c%%:*}/environ" 2>/dev/null | grep -qx INTERVIEW_ROLE=recorder && tmux detach-client -t "\${c#*:}"
done
for sid in $(ps -o sid= -p "$(pgrep -d, -x recorder-feed)" 2>/dev/null | sort -u); do pkill -KILL -s "$sid"; done
true`

export interface RecorderOptions {
  /** When the interview must end (ms since the epoch), from `run --ttl`. */
  endsAt?: number
  /** Stops the interview when its time is up. */
  expire: (name: string) => Promise<void>
  /** The hints the host holds for an interview, to hand out as the box asks (default: its state volume). */
  hints?: (interview: string) => Promise<string[]>
  /** When a recorder was last known alive (ms since the epoch): a resumed recording's gap starts no earlier. */
  lastAliveMs?: number
  log?: (line: string) => void
}

/** One interview being recorded. */
export interface Recording {
  name: string
  dir: string
  /** Enforces the time limit at `now` (the owner calls it every second, for all recordings at once). */
  tick(now?: number): void
  /** Writes what waits to the files (before the process exits). */
  flush(): void
  /** Resolves when the interview ended and the files are complete. */
  done: Promise<void>
}

/** Whether `dir` holds no recording yet, one left unfinished (to resume), or a complete one. */
export function recordingStatus(dir: string): 'new' | 'unfinished' | 'complete' {
  const events = readEvents(dir)
  if (!events.some((e) => e.type === 'start') || !existsSync(join(dir, FILES.cast))) return 'new'
  return events.some((e) => e.type === 'end') ? 'complete' : 'unfinished'
}

/** The process that is recording into `dir`, if one is alive. */
export const recorderOf = (dir: string): number | undefined => livePid(join(dir, FILES.pid))

/** Records the interview until its container stops, enforcing its time limit; resolves when the files are complete. */
export async function recordInterview(docker: Docker, container: Docker.Container, dir: string, options: RecorderOptions): Promise<void> {
  const recording = await startRecording(docker, container, dir, options)
  const timer = setInterval(() => recording.tick(), 1000)
  recording.tick()
  try {
    await recording.done
  } finally {
    clearInterval(timer)
  }
}

/** Starts (or resumes) recording an interview; returns once the recording has begun. */
export async function startRecording(
  docker: Docker,
  container: Docker.Container,
  dir: string,
  options: RecorderOptions,
): Promise<Recording> {
  const log = options.log ?? (() => {})
  const info = await container.inspect()
  const name = info.Config.Labels?.[LABEL.interview] ?? info.Name.replace(/^\/ie-/, '')
  const task = info.Config.Labels?.[LABEL.task] ?? '?'
  const other = recorderOf(dir)
  if (other !== undefined && other !== process.pid)
    throw new UserError(`interview "${name}" is already being recorded (pid ${other})`, `its recording is in ${dir}`)
  const status = recordingStatus(dir)
  if (status === 'complete') throw new UserError(`the recording of "${name}" is complete`, `it is in ${dir}`)
  const before = status === 'unfinished' ? readEvents(dir) : []
  writeFileSync(join(dir, FILES.pid), thisProcess())

  const size = await execIn(container, ['bash', '-c', (before.length ? LEFT_BY_A_KILLED_RECORDER + '\n' : '') + SESSION_AND_SIZE], {
    user: 'user',
    env: SHELL_ENV,
  })
  // The recorder's terminal is the window plus tmux's status line; exactly that size, so it never
  // changes the window (with window-size latest, a lone client would).
  let [width, height] = size.stdout.trim().split(/\s+/).slice(-2).map(Number) as [number, number]
  if (!(width > 0 && height > 0)) [width, height] = [120, 31]
  height += STATUS_LINES

  const castFile = join(dir, FILES.cast)
  const start = before.find((e) => e.type === 'start')
  let cast: CastWriter
  let gapFrom = 0
  if (start) {
    const left = resumeCast(castFile)
    const started = Number(start.startedMs) > 0 ? Number(start.startedMs) : left.started
    const aliveT = options.lastAliveMs ? (options.lastAliveMs - started) / 1000 : 0
    gapFrom = Math.max(left.lastT, before.at(-1)?.t ?? 0, aliveT)
    cast = new CastWriter(castFile, null, 250, Date.now(), started)
  } else {
    cast = new CastWriter(castFile, {
      width,
      height,
      title: `interview ${name} (task: ${task})`,
      env: { TERM: 'xterm-256color', SHELL: '/bin/bash' },
    })
  }
  const event = (type: InterviewEvent['type'], fields: Record<string, unknown> = {}) =>
    appendEvent(dir, { t: cast.elapsed(), type, ...fields })
  /** A happening on the timeline, and its marker in the cast. */
  const record = ({ type, fields, marker }: Happening) => {
    event(type, fields)
    cast.marker(marker)
  }
  if (start) {
    const seconds = Math.max(0, Math.round(cast.elapsed() - Math.min(gapFrom, cast.elapsed())))
    cast.resize(width, height)
    record({
      type: 'gap',
      fields: { seconds, from: gapFrom },
      marker: `recorder restarted: nothing was recorded for ${seconds} s`,
    })
    log(`${name}: resuming the recording in ${dir} after a gap of ${seconds} s`)
  } else {
    event('start', {
      interview: name,
      task,
      startedMs: cast.started,
      endsAt: options.endsAt ? new Date(options.endsAt).toISOString() : null,
    })
  }

  const vncPassword = vncPasswordOf(info.Config.Env, 'observer')
  const desktop = vncPassword
    ? recordDesktop(container, dir, {
        password: vncPassword,
        started: cast.started,
        log: (line) => log(`${name}: ${line}`),
        warn: (message) => event('warning', { message }),
      })
    : undefined

  // Read-only, but without ignore-size (which `attach -r` would add): tmux lets flagged clients size
  // the window when no unflagged one is attached, so the recorder, always exactly the window's size,
  // holds it while only watchers are.
  const attachTerminal = async (): Promise<{ exec: Docker.Exec; stream: Duplex }> => {
    const exec = await container.exec({
      Cmd: ['tmux', '-u', 'attach-session', '-f', 'read-only', '-t', 'interview'],
      User: 'user',
      Env: RECORDER_ENV,
      Tty: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    })
    const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as Duplex
    await exec.resize({ w: width, h: height }).catch(() => undefined)
    stream.on('data', (chunk: Buffer) => cast.output(chunk))
    return { exec, stream }
  }
  let terminal = await attachTerminal()

  // One exec that stays open reports who is attached (on change) and who typed what (as it comes).
  const startFeed = async (): Promise<Duplex> => {
    const feed = await container.exec({
      Cmd: ['/usr/local/lib/interview/recorder-feed'],
      User: 'user',
      AttachStdout: true,
      AttachStderr: true,
    })
    const feedStream = (await feed.start({ hijack: true, stdin: false })) as unknown as Duplex
    const feedLines = new PassThrough()
    docker.modem.demuxStream(feedStream, feedLines, new PassThrough().resume())
    boundedLines(feedLines, FEED_LIMITS.lineBytes, (line) => {
      const report = readFeedLine(line, skip)
      if (report.state) states.push(report.state)
      if (report.input) event('input', { ...report.input, upTo: reported.get(String(report.input.login)) })
      if (report.exec && !execOnTimeline.has(execKey(report.exec.fields))) {
        execOnTimeline.add(execKey(report.exec.fields))
        record(report.exec)
      }
    })
    return feedStream
  }
  // A feed started again (after a restart of the recorder, or of the feed) reports the box's command
  // log from its start: what the timeline holds already is not written twice.
  const execKey = (fields: Record<string, unknown>) =>
    JSON.stringify([fields.login, fields.command, fields.status ?? null, fields.refused ?? null])
  const execOnTimeline = new Set(before.filter((e) => e.type === 'exec').map(execKey))
  // Each input event says how far into its login's keystroke log it reaches (`upTo`, in bytes): a
  // resumed recording's new feed reports every log from its start, and what is on the timeline is skipped.
  const onTimeline = new Map<string, number>()
  for (const e of before) if (e.type === 'input' && typeof e.upTo === 'number') onTimeline.set(String(e.login), e.upTo)
  const reported = new Map<string, number>()
  const skip = (login: string, bytes: number) => {
    const from = reported.get(login) ?? 0
    reported.set(login, from + bytes)
    return Math.min(bytes, Math.max(0, (onTimeline.get(login) ?? 0) - from))
  }

  // A resumed recording knows who was attached, and the hints and checks, from its timeline.
  const seen = start ? seenFromTimeline(before) : nothingSeen()
  const eventsFile = join(dir, FILES.events)
  const commandRoles = new CommandRoles(dir, start ? statSync(eventsFile).size : 0)

  const applyState = async (state: BoxState) => {
    if (state.width > 0 && state.height > 0 && (state.width !== width || state.height + STATUS_LINES !== height)) {
      ;[width, height] = [state.width, state.height + STATUS_LINES]
      // Not awaited: the engine's answer must not hold back the joins of this report (a box busy
      // drawing, say a tmux client nested in its own pane, can keep it waiting).
      void terminal.exec.resize({ w: width, h: height }).catch(() => undefined)
      cast.resize(width, height)
    }
    commandRoles.update()
    for (const happening of stateHappenings(seen, state)) {
      // role.mjs writes its own switches as it makes them; a switch made inside tmux is written here.
      const byCommand = happening.type === 'role' && commandRoles.explains(String(happening.fields.tty), happening.fields.readonly === true)
      if (byCommand) cast.marker(happening.marker)
      else record(happening)
    }
    for (const client of state.clients) commandRoles.settle(client.tty, client.readonly)
    await handOutHints(state)
  }

  // Fetched when first asked for: start.ts moves them out of the box after the recorder may begin.
  let hints: string[] = []
  const handOutHints = async (state: BoxState) => {
    if (state.hints <= seen.hints) return
    if (!hints.length) hints = await (options.hints ?? ((interview) => hostHints(docker, interview)))(name).catch(() => [])
    for (const number of hintsToHandOut(seen, state, hints.length)) {
      try {
        await deliverHint(container, number, hints[number - 1]!)
      } catch (error) {
        log(`${name}: ${(error as Error).message}`)
        return
      }
      seen.hints = number
      record({ type: 'hint', fields: { number, of: hints.length }, marker: `hint ${number} of ${hints.length} handed out` })
    }
  }

  // A box that floods its feed gets one state report applied a second.
  const states = new LatestOnly(applyState, FEED_LIMITS.stateEveryMs)
  let feedStream = await startFeed()

  const warned = warnedFromTimeline(before)
  let expiring = before.some((e) => e.type === 'expired')
  let stopping = false
  const enforceTimeLimit = async (endsAt: number, now: number) => {
    const step = timeLimitStep(endsAt, now, warned)
    if (step && 'warning' in step) {
      event('warning', { secondsLeft: step.secondsLeft, message: step.warning })
      cast.marker(step.warning)
      const everyClient = `for c in $(tmux list-clients -F '#{client_tty}'); do tmux display-message -d 15000 -c "$c" ${JSON.stringify(step.warning)}; done`
      await execIn(container, ['bash', '-c', everyClient], { user: 'user' }).catch(() => undefined)
    }
    if (step && 'expired' in step && !stopping) {
      stopping = true
      // A recorder restarted after it wrote `expired` (but perhaps before the stop was done) stops it again.
      if (!expiring) {
        expiring = true
        event('expired', { message: 'the time limit ran out: the interview was stopped; the recording is kept' })
        cast.marker('time is up')
      }
      log(`${name}: time is up, stopping it`)
      await options.expire(name).catch((error) => log(`${name}: stopping failed: ${(error as Error).message}`))
    }
  }

  // Nothing inside the box ends the recording: a detach of the recorder's client, `tmux
  // kill-server`, the last window's exit or a killed feed is noted on the timeline, and the recorder
  // attaches again (to a fresh session if the old one is gone) within a second. Only the box's end
  // ends it.
  const running = async () => (await container.inspect().catch(() => undefined))?.State.Running === true
  const closed = (stream: Duplex) =>
    new Promise<void>((resolve) => {
      if (stream.destroyed) return resolve()
      stream.on('end', resolve)
      stream.on('close', resolve)
      stream.on('error', resolve)
    })
  let ended = false
  // The box's own end closes both too: give it a second to show before calling it an interruption.
  const endsWithin = async (ms: number) => {
    for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(100)) if (!(await running())) return true
    return !(await running())
  }
  const keepOpen = async (what: 'terminal' | 'feed', current: () => Duplex, reopen: () => Promise<void>) => {
    for (;;) {
      await closed(current())
      if (ended || (await endsWithin(what === 'terminal' ? 700 : 1000))) return
      for (;;) {
        try {
          await reopen()
          break
        } catch {
          if (!(await running())) return
          await sleep(1000)
        }
      }
      const message =
        what === 'terminal'
          ? "the recorder's view of the shared terminal was closed inside the box (a detach, kill-server or the last exit): attached again"
          : "the recorder's feed was ended inside the box: started again"
      record({ type: 'reattach', fields: { what, message }, marker: message })
      log(`${name}: ${message}`)
    }
  }
  const reopenTerminal = async () => {
    await execIn(container, ['bash', '-c', SESSION_AND_SIZE], { user: 'user', env: SHELL_ENV }).then((result) => {
      if (result.exitCode !== 0) throw new Error(result.stderr)
    })
    terminal = await attachTerminal()
  }
  const done = Promise.race([
    keepOpen('terminal', () => terminal.stream, reopenTerminal),
    keepOpen(
      'feed',
      () => feedStream,
      async () => {
        // The new feed reports every keystroke log from its start: what this one reported is skipped.
        for (const [login, bytes] of reported) onTimeline.set(login, Math.max(onTimeline.get(login) ?? 0, bytes))
        reported.clear()
        feedStream = await startFeed()
      },
    ),
  ]).then(async () => {
    ended = true
    terminal.stream.destroy()
    feedStream.destroy()
    desktop?.stop()
    await states.flush()
    for (const client of seen.clients.values()) event('leave', { who: client.who, role: client.role, tty: client.tty })
    event('end', {})
    cast.close()
    writeSummary(dir)
    if (existsSync(join(dir, FILES.pid))) rmSync(join(dir, FILES.pid))
    log(`${name}: recording complete in ${dir}`)
  })
  const endsAt = options.endsAt
  return {
    name,
    dir,
    tick: (now = Date.now()) => {
      if (endsAt && !ended) void enforceTimeLimit(endsAt, now).catch(() => undefined)
    },
    flush: () => cast.flush(),
    done,
  }
}
