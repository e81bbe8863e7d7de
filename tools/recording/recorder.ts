// The recorder: a host process per interview (started by `run`, see daemon.ts). It attaches to the
// shared tmux session as a read-only client through `docker exec` and writes what that client is
// sent as an asciicast (cast.ts); a second exec that stays open (recorder-feed) reports who is
// attached, in which role, hints, checks, who typed what and commands run outside the terminal,
// read as untrusted (feed-reports.ts) and turned into the timeline (state-events.ts) on the same
// clock. It also enforces a time limit (time-limit.ts). The files are on the host, where the
// candidate cannot reach them, and stay after the interview ends.
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough, type Duplex } from 'node:stream'
import type Docker from 'dockerode'
import { BOX_LIMITS, type BoxState } from '../engine/box-state.ts'
import { execIn } from '../engine/docker.ts'
import { LABEL } from '../engine/names.ts'
import { CastWriter } from './cast.ts'
import { CommandRoles } from './command-roles.ts'
import { appendEvent, type InterviewEvent } from './events.ts'
import { FEED_LIMITS, readFeedLine } from './feed-reports.ts'
import { LatestOnly } from './latest-only.ts'
import { boundedLines } from './lines.ts'
import { FILES } from './paths.ts'
import { nothingSeen, stateHappenings, type Happening } from './state-events.ts'
import { writeSummary } from './summary.ts'
import { timeLimitStep } from './time-limit.ts'

const RECORDER_ENV = ['TERM=xterm-256color', 'LANG=C.UTF-8', 'HOME=/home/user', 'INTERVIEW_ROLE=recorder']
const STATUS_LINES = 1
export interface RecorderOptions {
  /** When the interview must end (ms since the epoch), from `run --ttl`. */
  endsAt?: number
  /** Stops the interview when its time is up. */
  expire: (name: string) => Promise<void>
  /** How many hints a task has (undefined: unknown); the box's count of hints shown is capped by it. */
  hintCount?: (task: string) => number | undefined
  log?: (line: string) => void
}

/** Records the interview until its container stops; resolves when the files are complete. */
export async function recordInterview(docker: Docker, container: Docker.Container, dir: string, options: RecorderOptions): Promise<void> {
  const log = options.log ?? (() => {})
  const info = await container.inspect()
  const name = info.Config.Labels?.[LABEL.interview] ?? info.Name.replace(/^\/ie-/, '')
  const task = info.Config.Labels?.[LABEL.task] ?? '?'
  const maxHints = Math.min(options.hintCount?.(task) ?? BOX_LIMITS.hints, BOX_LIMITS.hints)
  writeFileSync(join(dir, FILES.pid), String(process.pid))

  // The session exists from the start (the first login attaches to it), so nothing is missed.
  const size = await execIn(
    container,
    [
      'bash',
      '-c',
      'tmux has-session -t interview 2>/dev/null || tmux new-session -d -s interview -x 120 -y 32; tmux display-message -p -t interview "#{window_width} #{window_height}"',
    ],
    {
      user: 'user',
      env: ['LANG=C.UTF-8', 'HOME=/home/user', 'TERM=xterm-256color'],
    },
  )
  // The recorder's terminal is the window plus tmux's status line; exactly that size, so it never
  // changes the window (with window-size latest, a lone client would).
  let [width, height] = size.stdout.trim().split(' ').map(Number) as [number, number]
  if (!(width > 0 && height > 0)) [width, height] = [120, 31]
  height += STATUS_LINES

  const cast = new CastWriter(join(dir, FILES.cast), {
    width,
    height,
    title: `interview ${name} (task: ${task})`,
    env: { TERM: 'xterm-256color', SHELL: '/bin/bash' },
  })
  const event = (type: InterviewEvent['type'], fields: Record<string, unknown> = {}) =>
    appendEvent(dir, { t: cast.elapsed(), type, ...fields })
  /** A happening on the timeline, and its marker in the cast. */
  const record = ({ type, fields, marker }: Happening) => {
    event(type, fields)
    cast.marker(marker)
  }
  event('start', { interview: name, task, startedMs: cast.started, endsAt: options.endsAt ? new Date(options.endsAt).toISOString() : null })

  // Read-only, but without ignore-size (which `attach -r` would add): tmux lets flagged clients size
  // the window when no unflagged one is attached, so the recorder, always exactly the window's size,
  // holds it while only watchers are.
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

  // One exec that stays open reports who is attached (on change) and who typed what (as it comes).
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
    const report = readFeedLine(line)
    if (report.state) states.push(report.state)
    if (report.input) event('input', report.input)
    if (report.exec) record(report.exec)
  })

  const seen = nothingSeen()

  const commandRoles = new CommandRoles(dir)

  const applyState = async (state: BoxState) => {
    if (state.width > 0 && state.height > 0 && (state.width !== width || state.height + STATUS_LINES !== height)) {
      ;[width, height] = [state.width, state.height + STATUS_LINES]
      await exec.resize({ w: width, h: height }).catch(() => undefined)
      cast.resize(width, height)
    }
    commandRoles.update()
    for (const happening of stateHappenings(seen, state, maxHints)) {
      // role.mjs writes its own switches as it makes them; a switch made inside tmux is written here.
      const byCommand = happening.type === 'role' && commandRoles.explains(String(happening.fields.tty), happening.fields.readonly === true)
      if (byCommand) cast.marker(happening.marker)
      else record(happening)
    }
    for (const client of state.clients) commandRoles.settle(client.tty, client.readonly)
  }

  // A box that floods its feed gets one state report applied a second.
  const states = new LatestOnly(applyState, FEED_LIMITS.stateEveryMs)

  const warned = new Set<number>()
  let expiring = false
  const enforceTimeLimit = async (endsAt: number) => {
    const step = timeLimitStep(endsAt, Date.now(), warned)
    if (step && 'warning' in step) {
      event('warning', { secondsLeft: step.secondsLeft, message: step.warning })
      cast.marker(step.warning)
      const everyClient = `for c in $(tmux list-clients -F '#{client_tty}'); do tmux display-message -d 15000 -c "$c" ${JSON.stringify(step.warning)}; done`
      await execIn(container, ['bash', '-c', everyClient], { user: 'user' }).catch(() => undefined)
    }
    if (step && 'expired' in step && !expiring) {
      expiring = true
      event('expired', { message: 'the time limit ran out: the interview was stopped; the recording is kept' })
      cast.marker('time is up')
      log(`${name}: time is up, stopping it`)
      await options.expire(name).catch((error) => log(`${name}: stopping failed: ${(error as Error).message}`))
    }
  }

  await new Promise<void>((resolve) => {
    let done = false
    const finish = () => {
      if (done) return
      done = true
      clearInterval(timer)
      resolve()
    }
    const endsAt = options.endsAt
    const timer = setInterval(() => endsAt && void enforceTimeLimit(endsAt).catch(() => undefined), 1000)
    if (endsAt) void enforceTimeLimit(endsAt).catch(() => undefined)
    stream.on('end', finish)
    stream.on('close', finish)
    stream.on('error', finish)
  })

  feedStream.destroy()
  await states.flush()
  for (const client of seen.clients.values()) event('leave', { who: client.who, role: client.role, tty: client.tty })
  event('end', {})
  cast.close()
  writeSummary(dir)
  if (existsSync(join(dir, FILES.pid))) rmSync(join(dir, FILES.pid))
  log(`${name}: recording complete in ${dir}`)
}
