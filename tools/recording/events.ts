// The interview's timeline beside the cast: one JSON object a line, with `t` on the cast's clock
// (seconds since the recording started) and `time` as an ISO date. Kinds: start, join, leave,
// role, input (who typed what), hint, check, warning, expired, end.
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FILES } from './paths.ts'

export interface InterviewEvent {
  t: number
  time: string
  type: 'start' | 'join' | 'leave' | 'role' | 'input' | 'hint' | 'check' | 'warning' | 'expired' | 'end'
  [field: string]: unknown
}

export function appendEvent(dir: string, event: Omit<InterviewEvent, 'time'> & { time?: string }): void {
  appendFileSync(join(dir, FILES.events), JSON.stringify({ time: new Date().toISOString(), ...event }) + '\n')
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

/** Seconds since the recording started, for writers other than the recorder (e.g. check.mjs). */
export function castClock(dir: string, now = Date.now()): number {
  try {
    const header = JSON.parse(readFileSync(join(dir, FILES.cast), 'utf8').split('\n', 1)[0]!) as { timestamp: number }
    return Math.max(0, Math.round(now / 10 - header.timestamp * 100) / 100)
  } catch {
    return 0
  }
}
