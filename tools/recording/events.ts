// The interview's timeline beside the cast: one JSON object a line, with `t` on the cast's clock
// (seconds since the recording started) and `time` as an ISO date. Kinds: start, join, leave,
// role, input (who typed what), exec (a command run without the shared terminal), hint, check, fault (applied live), warning, expired, end.
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { jsonLine } from '../core/printable.ts'
import { FILES } from './paths.ts'

export interface InterviewEvent {
  t: number
  time: string
  type: 'start' | 'join' | 'leave' | 'role' | 'input' | 'exec' | 'hint' | 'check' | 'fault' | 'warning' | 'expired' | 'end'
  [field: string]: unknown
}

export function appendEvent(dir: string, event: Omit<InterviewEvent, 'time'> & { time?: string }): void {
  appendFileSync(join(dir, FILES.events), jsonLine({ time: new Date().toISOString(), ...event }) + '\n')
}

export function readEvents(dir: string): InterviewEvent[] {
  const file = join(dir, FILES.events)
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as InterviewEvent]
      } catch {
        return []
      }
    })
}

/** `m:ss` on the timeline's clock. */
export const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`

/** Seconds since the recording started, for writers other than the recorder (e.g. break.mjs). */
export function castClock(dir: string, now = Date.now()): number {
  const started = Number(readEvents(dir).find((e) => e.type === 'start')?.startedMs)
  return started > 0 ? Math.max(0, Math.round(now - started) / 1000) : 0
}
