// One participant's part of the timeline, written by the host process they came in through (the
// SSH front door, the web gateway) before anything they send reaches the box: their join and
// leave, and what they type, within a budget, or marked ignored when their role may not type.
import { appendFileSync, closeSync, existsSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { FEED_LIMITS, typedOnly } from './feed-reports.ts'
import { clockFrom, eventLine, recordingStart, type InterviewEvent } from './events.ts'
import { FILES } from './paths.ts'

/** What one session's input may add to the timeline: a person types far less; a paste fits. */
export const INPUT_BUDGET = { chars: 65_536, seconds: 10 }

/** Counts a session's input over a sliding window of INPUT_BUDGET.seconds; past the budget, warns once. */
export class InputBudget {
  private spent: { at: number; chars: number }[] = []
  private warned = false

  constructor(private readonly now: () => number = Date.now) {}

  take(chars: number): 'record' | 'warn' | 'drop' {
    const since = this.now() - INPUT_BUDGET.seconds * 1000
    this.spent = this.spent.filter((entry) => entry.at > since)
    const used = this.spent.reduce((sum, entry) => sum + entry.chars, 0)
    if (used + chars <= INPUT_BUDGET.chars) {
      this.spent.push({ at: this.now(), chars })
      this.warned = false
      return 'record'
    }
    if (this.warned) return 'drop'
    this.warned = true
    return 'warn'
  }
}

export interface ParticipantTimeline {
  event(type: InterviewEvent['type'], fields: Record<string, unknown>): void
  join(readonly: boolean): void
  leave(): void
  /** What they sent, as typed; `ignored` says why it was not passed on (their role). */
  input(data: Buffer, ignored?: string): void
  /** Lets the timeline's file go (leave does too); what comes after is still written. */
  close(): void
}

/**
 * The timeline of `who` in role `role` in the recording at `dir` (nothing is written without one),
 * for their session `session` (its `login` on the timeline); `by` names the door they came through.
 */
export function participantTimeline(
  dir: string | undefined,
  person: { who: string; role: string; session: string; by: string },
): ParticipantTimeline {
  const budget = new InputBudget()
  // Read and opened once: a keystroke costs one write, not a read of the whole timeline. Lines are
  // appended (O_APPEND), so the recorder's own lines never mix with them.
  let started: number | undefined
  let fd: number | undefined
  let closed = false
  const event = (type: InterviewEvent['type'], fields: Record<string, unknown>) => {
    if (!dir || (fd === undefined && !existsSync(join(dir, FILES.events)))) return
    started ??= recordingStart(dir)
    const line = eventLine({ t: clockFrom(started), type, who: person.who, role: person.role, by: person.by, ...fields })
    if (closed) return appendFileSync(join(dir, FILES.events), line)
    fd ??= openSync(join(dir, FILES.events), 'a')
    writeSync(fd, line)
  }
  const close = () => {
    closed = true
    if (fd !== undefined) closeSync(fd)
    fd = undefined
  }
  return {
    event,
    close,
    join: (readonly) => event('join', { readonly, tty: person.session }),
    leave: () => {
      event('leave', { tty: person.session })
      close()
    },
    input(data, ignored) {
      const typed = typedOnly(data.toString('utf8')).slice(0, FEED_LIMITS.inputChars)
      if (!typed) return
      const verdict = budget.take(typed.length)
      if (verdict === 'record') event('input', { login: person.session, data: typed, ...(ignored ? { ignored } : {}) })
      else if (verdict === 'warn')
        event('warning', {
          login: person.session,
          message: `${person.who} (${person.role}) sent more than ${INPUT_BUDGET.chars} characters in ${INPUT_BUDGET.seconds} s: the rest is not on the timeline`,
        })
    },
  }
}
