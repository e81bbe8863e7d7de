// From one state report of the box to what goes on the timeline: joins, leaves, role switches and
// the candidate's self-reported checks, each with its cast marker; and which hints the box asks
// for. The box is not trusted to count (root in it can write 200000 into hints-used), so what one
// report can add is bounded: a few hints, never more than the host holds; a few checks, and a total.
// Hints go on the timeline as the host hands them out (recorder.ts, task-hints.ts).
import type { BoxClient, BoxState } from '../engine/box-state.ts'
import { BOX_LIMITS } from '../engine/box-state.ts'
import type { InterviewEvent } from './events.ts'

export const STATE_LIMITS = {
  /** Hints one report may add (a person can show two in one poll; no one shows more). */
  hintsPerReport: 3,
  /** Checks one report may add (each takes seconds to run). */
  checksPerReport: 5,
  /** Checks in a whole interview. */
  checks: BOX_LIMITS.checks,
} as const

export interface SeenState {
  clients: Map<string, BoxClient>
  hints: number
  checks: number
}

export interface Happening {
  type: InterviewEvent['type']
  fields: Record<string, unknown>
  marker: string
}

export const nothingSeen = (): SeenState => ({ clients: new Map(), hints: 0, checks: 0 })

/** What a timeline already holds, for a recorder that resumes it: it writes only what changed since. */
export function seenFromTimeline(events: InterviewEvent[]): SeenState {
  const seen = nothingSeen()
  for (const e of events) {
    const tty = String(e.tty)
    if (e.type === 'join')
      seen.clients.set(tty, { tty, who: String(e.who), role: String(e.role), readonly: e.readonly === true, login: '' })
    else if (e.type === 'leave') seen.clients.delete(tty)
    else if (e.type === 'role' && seen.clients.has(tty)) seen.clients.get(tty)!.readonly = e.readonly === true
    else if (e.type === 'hint') seen.hints++
    else if (e.type === 'check' && e.selfReported === true) seen.checks++
  }
  return seen
}

/** What changed since `seen` (which is updated), hints apart (hintsToHandOut). */
export function stateHappenings(seen: SeenState, state: BoxState): Happening[] {
  const happenings: Happening[] = []
  // The front door writes its own clients' joins and leaves, as they come through it.
  const now = new Map(state.clients.filter((client) => !client.door).map((client) => [client.tty, client]))
  for (const [tty, client] of now) {
    const before = seen.clients.get(tty)
    if (!before) {
      happenings.push({
        type: 'join',
        fields: { who: client.who, role: client.role, readonly: client.readonly, tty },
        marker: `${client.who} joined (${client.readonly ? 'read-only' : 'can type'})`,
      })
    } else if (before.readonly !== client.readonly) {
      happenings.push({
        type: 'role',
        fields: { who: client.who, readonly: client.readonly, tty },
        marker: `${client.who} is now ${client.readonly ? 'read-only' : 'able to type'}`,
      })
    }
  }
  for (const [tty, client] of seen.clients) {
    if (!now.has(tty)) happenings.push({ type: 'leave', fields: { who: client.who, role: client.role, tty }, marker: `${client.who} left` })
  }
  seen.clients = now

  const reported = Math.min(state.checks.length, STATE_LIMITS.checks)
  const checksUpTo = Math.min(reported, seen.checks + STATE_LIMITS.checksPerReport)
  for (; seen.checks < checksUpTo; seen.checks++) {
    // The box's log names who ran each check, but root in the box writes that log: every check it
    // reports is the candidate's own. The interviewer's checks come from the host (live/checks.ts).
    const [, , ...words] = state.checks[seen.checks]!.split(' ')
    const result = words.join(' ')
    happenings.push({ type: 'check', fields: { by: 'candidate', selfReported: true, result }, marker: `self-reported check: ${result}` })
  }
  if (reported > seen.checks) {
    const message = `the box reported more checks at once than are recorded (${STATE_LIMITS.checksPerReport} a report, ${STATE_LIMITS.checks} in all): ${reported - seen.checks} left out`
    happenings.push({ type: 'warning', fields: { message }, marker: message })
    seen.checks = reported
  }
  return happenings
}

/**
 * The hints to hand out for a report that asks for `state.hints` of them: the next few after those
 * handed out already (`seen.hints`), never past the `held` the host has.
 */
export function hintsToHandOut(seen: SeenState, state: BoxState, held: number): number[] {
  const upTo = Math.min(state.hints, seen.hints + STATE_LIMITS.hintsPerReport, held, BOX_LIMITS.hints)
  const numbers: number[] = []
  for (let n = seen.hints + 1; n <= upTo; n++) numbers.push(n)
  return numbers
}
