// The interview's timeline beside the cast: one JSON object a line, with `t` on the cast's clock
// (seconds since the recording started) and `time` as an ISO date. Kinds: start, join, leave,
// role, input (who typed what), exec (a command run without the shared terminal), hint, check, fault (applied live), warning, expired,
// gap (the recorder was restarted: `seconds` were not recorded), reattach (something in the box closed
// the recorder's view or feed, and it was opened again), interviewer (an action in the cockpit: start,
// stop, note, by the interviewer's name), file (a file uploaded to or downloaded from the desktop's
// ~/work, by the web gateway), end.
import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs'
import { join } from 'node:path'
import { jsonLine } from '../core/printable.ts'
import { FILES } from './paths.ts'

export interface InterviewEvent {
  t: number
  time: string
  type:
    | 'start'
    | 'join'
    | 'leave'
    | 'role'
    | 'input'
    | 'exec'
    | 'hint'
    | 'check'
    | 'fault'
    | 'warning'
    | 'expired'
    | 'gap'
    | 'reattach'
    | 'interviewer'
    | 'file'
    | 'end'
  [field: string]: unknown
}

type NewEvent = Omit<InterviewEvent, 'time'> & { time?: string }

/** An event as its line in the timeline: stamped with the time now unless it has one, printable, with its newline. */
export const eventLine = (event: NewEvent): string => jsonLine({ time: new Date().toISOString(), ...event }) + '\n'

export function appendEvent(dir: string, event: NewEvent): void {
  appendFileSync(join(dir, FILES.events), eventLine(event))
}

export function readEvents(dir: string): InterviewEvent[] {
  return readEventsFrom(dir, 0).events
}

/** The whole lines written to the timeline from byte `offset` on, and the offset after them. */
export function readEventsFrom(dir: string, offset: number): { events: InterviewEvent[]; offset: number } {
  const file = join(dir, FILES.events)
  if (!existsSync(file)) return { events: [], offset }
  const fd = openSync(file, 'r')
  try {
    const size = fstatSync(fd).size
    if (size <= offset) return { events: [], offset }
    const bytes = Buffer.alloc(size - offset)
    readSync(fd, bytes, 0, bytes.length, offset)
    const whole = bytes.lastIndexOf(0x0a) + 1
    const events = bytes
      .subarray(0, whole)
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as InterviewEvent]
        } catch {
          return []
        }
      })
    return { events, offset: offset + whole }
  } finally {
    closeSync(fd)
  }
}

/** `m:ss` on the timeline's clock. */
export const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`

/** Seconds since the recording started, for writers other than the recorder (e.g. break.mjs). */
export function castClock(dir: string, now = Date.now()): number {
  return clockFrom(recordingStart(dir), now)
}

/** When the recording at `dir` started (ms since the epoch), from its `start` event; undefined before it has one. */
export function recordingStart(dir: string): number | undefined {
  const started = Number(readEvents(dir).find((e) => e.type === 'start')?.startedMs)
  return started > 0 ? started : undefined
}

/** Seconds on the cast's clock at `now`, for a recording that started at `started` (0 when unknown). */
export const clockFrom = (started: number | undefined, now = Date.now()) => (started ? Math.max(0, Math.round(now - started) / 1000) : 0)
