// The recorder: a host process per interview (started by `run`, see daemon.ts). It attaches to the
// shared tmux session as a read-only client through `docker exec` and writes what that client is
// sent as an asciicast; a second exec that stays open (recorder-feed) reports who is attached, in
// which role, which hints and checks happened, and who typed what; those go to events.jsonl on the
// same clock. It also
// enforces a time limit: warnings at 10 and 2 minutes, then the interview is stopped. The files
// are on the host, where the candidate cannot reach them, and stay after the interview ends.
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { PassThrough, type Duplex } from 'node:stream'
import type Docker from 'dockerode'
import { execIn } from '../docker.ts'
import { LABEL } from '../names.ts'
import { CastWriter } from './cast.ts'
import { appendEvent, readEvents, type InterviewEvent } from './events.ts'
import { FILES } from './paths.ts'
import { writeSummary } from './summary.ts'

const RECORDER_ENV = ['TERM=xterm-256color', 'LANG=C.UTF-8', 'HOME=/home/user', 'INTERVIEW_ROLE=recorder']
export const WARNINGS_S = [600, 120]
const STATUS_LINES = 1

interface ContainerState {
  width: number
  height: number
  clients: { tty: string; who: string; role: string; readonly: boolean; login: string }[]
  hints: number
  checks: string[]
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
  writeFileSync(join(dir, FILES.pid), String(process.pid))

  // The session exists from the start (the first login attaches to it), so nothing is missed.
  const size = await execIn(container, ['bash', '-c', 'tmux has-session -t interview 2>/dev/null || tmux new-session -d -s interview -x 120 -y 32; tmux display-message -p -t interview "#{window_width} #{window_height}"'], {
    user: 'user',
    env: ['LANG=C.UTF-8', 'HOME=/home/user', 'TERM=xterm-256color'],
  })
  // The recorder's terminal is the window plus tmux's status line; exactly that size, so it never
  // changes the window (with window-size latest, a lone client would).
  let [width, height] = size.stdout.trim().split(' ').map(Number) as [number, number]
  if (!(width > 0 && height > 0)) [width, height] = [120, 31]
  height += STATUS_LINES

  const cast = new CastWriter(join(dir, FILES.cast), { width, height, title: `interview ${name} (task: ${task})`, env: { TERM: 'xterm-256color', SHELL: '/bin/bash' } })
  const event = (type: InterviewEvent['type'], fields: Record<string, unknown> = {}) => appendEvent(dir, { t: cast.elapsed(), type, ...fields })
  event('start', { interview: name, task, startedMs: cast.started, endsAt: options.endsAt ? new Date(options.endsAt).toISOString() : null })

  // Read-only, but without ignore-size (which `attach -r` would add): tmux lets flagged clients size
  // the window when no unflagged one is attached, so the recorder, always exactly the window's size,
  // holds it while only watchers are.
  const exec = await container.exec({ Cmd: ['tmux', '-u', 'attach-session', '-f', 'read-only', '-t', 'interview'], User: 'user', Env: RECORDER_ENV, Tty: true, AttachStdin: true, AttachStdout: true, AttachStderr: true })
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as Duplex
  await exec.resize({ w: width, h: height }).catch(() => undefined)
  stream.on('data', (chunk: Buffer) => cast.output(chunk))

  // One exec that stays open reports who is attached (on change) and who typed what (as it comes).
  const feed = await container.exec({ Cmd: ['/usr/local/lib/interview/recorder-feed'], User: 'user', AttachStdout: true, AttachStderr: true })
  const feedStream = (await feed.start({ hijack: true, stdin: false })) as unknown as Duplex
  const feedLines = new PassThrough()
  docker.modem.demuxStream(feedStream, feedLines, new PassThrough().resume())
  createInterface({ input: feedLines }).on('line', (line) => {
    try {
      const message = JSON.parse(line) as { state?: ContainerState; input?: { login: string; role: string; who: string; data: string; readonly: boolean }; exec?: ExecReport }
      if (message.state) void applyState(message.state).catch(() => undefined)
      if (message.exec) recordExec(message.exec)
      const input = message.input
      if (!input) return
      const data = typedOnly(Buffer.from(input.data, 'base64').toString('utf8'))
      if (data) event('input', { who: input.who, role: input.role, login: input.login, data, ...(input.readonly ? { ignored: 'read-only' } : {}) })
    } catch {
      /* a torn line: skipped */
    }
  })

  /** A command run without the shared terminal: on the timeline, and marked in the cast. */
  const recordExec = ({ event: kind, login, who, role, command, status }: ExecReport) => {
    const text = String(command).slice(0, 300)
    if (kind === 'start') {
      event('exec', { who, role, login, command: text })
      cast.marker(`${who} (${role}) runs outside the shared terminal: ${text}`)
    } else if (kind === 'end') {
      event('exec', { who, role, login, command: text, status })
      cast.marker(`${who} (${role}) finished: ${text} (exit ${status})`)
    } else if (kind === 'refused') {
      event('exec', { who, role, login, command: text, refused: 'run --no-exec' })
      cast.marker(`${who} (${role}) was refused: ${text}`)
    }
  }

  const seen = new Map<string, ContainerState['clients'][number]>()
  let hints = 0
  let checks = 0
  const warned = new Set<number>()
  let expiring = false

  /** Whether the last role event of this client, written by the command that switched it, says this. */
  const alreadyRecorded = (tty: string, readonly: boolean) => {
    const last = readEvents(dir).filter((e) => e.type === 'role' && e.tty === tty).at(-1)
    return !!last?.by && last.readonly === readonly
  }

  const applyState = async (state: ContainerState) => {
    if (state.width > 0 && state.height > 0 && (state.width !== width || state.height + STATUS_LINES !== height)) {
      ;[width, height] = [state.width, state.height + STATUS_LINES]
      await exec.resize({ w: width, h: height }).catch(() => undefined)
      cast.resize(width, height)
    }
    const now = new Map(state.clients.map((client) => [client.tty, client]))
    for (const [tty, client] of now) {
      const before = seen.get(tty)
      if (!before) {
        event('join', { who: client.who, role: client.role, readonly: client.readonly, tty })
        cast.marker(`${client.who} joined (${client.readonly ? 'read-only' : 'can type'})`)
      } else if (before.readonly !== client.readonly) {
        // role.mjs writes its own switches as it makes them; a switch made inside tmux is written here.
        if (!alreadyRecorded(tty, client.readonly)) event('role', { who: client.who, readonly: client.readonly, tty })
        cast.marker(`${client.who} is now ${client.readonly ? 'read-only' : 'able to type'}`)
      }
    }
    for (const [tty, client] of seen) {
      if (!now.has(tty)) {
        event('leave', { who: client.who, role: client.role, tty })
        cast.marker(`${client.who} left`)
      }
    }
    seen.clear()
    for (const [tty, client] of now) seen.set(tty, client)
    for (; hints < state.hints; hints++) {
      event('hint', { number: hints + 1 })
      cast.marker(`hint ${hints + 1} shown`)
    }
    for (; checks < state.checks.length; checks++) {
      const [, by, ...result] = state.checks[checks]!.split(' ')
      event('check', { by, result: result.join(' ') })
      cast.marker(`check by ${by}: ${result.join(' ')}`)
    }
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
      await execIn(container, ['bash', '-c', `for c in $(tmux list-clients -F '#{client_tty}'); do tmux display-message -d 15000 -c "$c" ${JSON.stringify(message)}; done`], { user: 'user' }).catch(() => undefined)
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
  for (const client of seen.values()) event('leave', { who: client.who, role: client.role, tty: client.tty })
  event('end', {})
  cast.close()
  writeSummary(dir)
  if (existsSync(join(dir, FILES.pid))) rmSync(join(dir, FILES.pid))
  log(`${name}: recording complete in ${dir}`)
}
