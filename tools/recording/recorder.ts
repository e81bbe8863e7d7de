// The recorder: a host process per interview (started by `run`, see daemon.ts). It attaches to the
// shared tmux session as a read-only client through `docker exec` and writes what that client is
// sent as an asciicast; a second exec that stays open (recorder-feed) reports who is attached, in
// which role, which hints and checks happened, and who typed what; those go to events.jsonl on the
// same clock. It also
// enforces a time limit: warnings at 10 and 2 minutes, then the interview is stopped. The files
// are on the host, where the candidate cannot reach them, and stay after the interview ends.
// The feed comes from the box, so it is read as untrusted: lines and strings are cut to a length,
// counters are bounded (state-events.ts), and a state report is applied at most once a second.
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough, type Duplex } from 'node:stream'
import type Docker from 'dockerode'
import { BOX_LIMITS, readBoxState, type BoxState } from '../engine/box-state.ts'
import { execIn } from '../engine/docker.ts'
import { LABEL } from '../engine/names.ts'
import { capped } from '../core/printable.ts'
import { CastWriter } from './cast.ts'
import { appendEvent, readEvents, type InterviewEvent } from './events.ts'
import { boundedLines } from './lines.ts'
import { FILES } from './paths.ts'
import { nothingSeen, stateHappenings } from './state-events.ts'
import { writeSummary } from './summary.ts'

const RECORDER_ENV = ['TERM=xterm-256color', 'LANG=C.UTF-8', 'HOME=/home/user', 'INTERVIEW_ROLE=recorder']
export const WARNINGS_S = [600, 120]
const STATUS_LINES = 1
export const FEED_LIMITS = {
  /** A feed line longer than this is dropped (a state report is a few hundred bytes, plus every line of checks.log). */
  lineBytes: 8 * 1024 * 1024,
  /** Typed data kept from one input report. */
  inputChars: 4096,
  /** Least time between two state reports applied. */
  stateEveryMs: 1000,
}

/** What the login gate reports of a command run without the shared terminal (see login). */
interface ExecReport {
  event: 'start' | 'end' | 'refused'
  login: string
  who: string
  role: string
  command: string
  status?: number
}

export interface RecorderOptions {
  /** When the interview must end (ms since the epoch), from `run --ttl`. */
  endsAt?: number
  /** Stops the interview when its time is up. */
  expire: (name: string) => Promise<void>
  /** How many hints a task has (undefined: unknown); the box's count of hints shown is capped by it. */
  hintCount?: (task: string) => number | undefined
  log?: (line: string) => void
}

/**
 * What a person typed, without what their terminal sent by itself: answers to tmux's queries
 * (device attributes, version, colours, cursor position, focus).
 */
export function typedOnly(data: string): string {
  return data
    .replace(/\x1bP[\s\S]*?(\x1b\\|\x07)/g, '')
    .replace(/\x1b\][\s\S]*?(\x1b\\|\x07)/g, '')
    .replace(/\x1b\[[?>=][0-9;]*c/g, '')
    .replace(/\x1b\[[0-9]+;[0-9]+R/g, '')
    .replace(/\x1b\[[IO]/g, '')
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
    try {
      const message = JSON.parse(line) as { state?: unknown; input?: Record<string, unknown>; exec?: Record<string, unknown> }
      if (message.state) queueState(readBoxState(message.state))
      if (message.exec) recordExec(message.exec)
      const input = message.input
      if (!input || typeof input.data !== 'string') return
      const data = capped(
        typedOnly(Buffer.from(input.data.slice(0, FEED_LIMITS.inputChars * 2), 'base64').toString('utf8')),
        FEED_LIMITS.inputChars,
      )
      const text = (value: unknown) => capped(typeof value === 'string' ? value : '', BOX_LIMITS.text)
      if (data)
        event('input', {
          who: text(input.who),
          role: text(input.role),
          login: text(input.login),
          data,
          ...(input.readonly === true ? { ignored: 'read-only' } : {}),
        })
    } catch {
      /* a torn line: skipped */
    }
  })

  /** A command run without the shared terminal (reported by the login gate): on the timeline, and marked in the cast. */
  const recordExec = (report: Record<string, unknown>) => {
    const text = (value: unknown) => capped(typeof value === 'string' ? value : '', BOX_LIMITS.text)
    const [who, role, login, command] = [
      text(report.who),
      text(report.role),
      text(report.login),
      capped(typeof report.command === 'string' ? report.command : '', 300),
    ]
    const status = Number.isInteger(report.status) ? (report.status as number) : undefined
    if (report.event === 'start') {
      event('exec', { who, role, login, command })
      cast.marker(`${who} (${role}) runs outside the shared terminal: ${command}`)
    } else if (report.event === 'end') {
      event('exec', { who, role, login, command, status })
      cast.marker(`${who} (${role}) finished: ${command} (exit ${status})`)
    } else if (report.event === 'refused') {
      event('exec', { who, role, login, command, refused: 'run --no-exec' })
      cast.marker(`${who} (${role}) was refused: ${command}`)
    }
  }

  const seen = nothingSeen()
  const warned = new Set<number>()
  let expiring = false

  /** Whether the last role event of this client, written by the command that switched it (role.mjs), says this. */
  const alreadyRecorded = (tty: unknown, readonly: unknown) => {
    const last = readEvents(dir)
      .filter((e) => e.type === 'role' && e.tty === tty)
      .at(-1)
    return !!last?.by && last.readonly === readonly
  }

  const applyState = async (state: BoxState) => {
    if (state.width > 0 && state.height > 0 && (state.width !== width || state.height + STATUS_LINES !== height)) {
      ;[width, height] = [state.width, state.height + STATUS_LINES]
      await exec.resize({ w: width, h: height }).catch(() => undefined)
      cast.resize(width, height)
    }
    for (const happening of stateHappenings(seen, state, maxHints)) {
      // role.mjs writes its own switches as it makes them; a switch made inside tmux is written here.
      const recorded = happening.type === 'role' && alreadyRecorded(happening.fields.tty, happening.fields.readonly)
      if (!recorded) event(happening.type, happening.fields)
      cast.marker(happening.marker)
    }
  }
  // The latest report waits until a second has passed since the last one applied: a box that
  // floods its feed gets one report a second on the timeline.
  let latest: BoxState | undefined
  let waiting: NodeJS.Timeout | undefined
  let lastApplied = 0
  const queueState = (state: BoxState) => {
    latest = state
    if (waiting) return
    waiting = setTimeout(
      () => {
        waiting = undefined
        lastApplied = Date.now()
        const next = latest!
        latest = undefined
        void applyState(next).catch(() => undefined)
      },
      Math.max(0, lastApplied + FEED_LIMITS.stateEveryMs - Date.now()),
    )
  }

  const enforceTimeLimit = async (endsAt: number) => {
    const left = Math.round((endsAt - Date.now()) / 1000)
    // Warn once per threshold crossed; a short limit that starts past both warns once.
    const due = WARNINGS_S.filter((threshold) => left <= threshold)
    const threshold = Math.min(...due)
    if (due.length && left > 0 && !warned.has(threshold)) {
      for (const passed of due) warned.add(passed)
      const minutes = Math.ceil(left / 60)
      const message = `interview-env: ${minutes} minute${minutes > 1 ? 's' : ''} left, then this interview ends`
      event('warning', { secondsLeft: left, message })
      cast.marker(message)
      await execIn(
        container,
        [
          'bash',
          '-c',
          `for c in $(tmux list-clients -F '#{client_tty}'); do tmux display-message -d 15000 -c "$c" ${JSON.stringify(message)}; done`,
        ],
        { user: 'user' },
      ).catch(() => undefined)
    }
    if (left <= 0 && !expiring) {
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
  if (waiting) {
    clearTimeout(waiting)
    if (latest) await applyState(latest).catch(() => undefined)
  }
  for (const client of seen.clients.values()) event('leave', { who: client.who, role: client.role, tty: client.tty })
  event('end', {})
  cast.close()
  writeSummary(dir)
  if (existsSync(join(dir, FILES.pid))) rmSync(join(dir, FILES.pid))
  log(`${name}: recording complete in ${dir}`)
}
