// One line of the box's recorder-feed, read as untrusted: a state report, what someone typed, or a
// command run outside the shared terminal. Strings are cut to a length and counters bounded here,
// so nothing the box writes can flood the timeline; each report becomes what the timeline records.
import { capped } from '../core/printable.ts'
import { BOX_LIMITS, readBoxState, type BoxState } from '../engine/box-state.ts'
import type { Happening } from './state-events.ts'

export const FEED_LIMITS = {
  /** A feed line longer than this is dropped (a state report is a few hundred bytes, plus the last checks). */
  lineBytes: 8 * 1024 * 1024,
  /** Typed data kept from one input report. */
  inputChars: 4096,
  /** Least time between two state reports applied. */
  stateEveryMs: 1000,
  /** A command's text kept from one exec report. */
  commandChars: 300,
}

export interface FeedReport {
  state?: BoxState
  /** An `input` event's fields, when someone typed something that counts. */
  input?: Record<string, unknown>
  /** A command run without the shared terminal, as the timeline records it. */
  exec?: Happening
}

const text = (value: unknown, max: number = BOX_LIMITS.text) => capped(typeof value === 'string' ? value : '', max)

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

/** A command reported by the login gate (see login), as an `exec` event with its cast marker. */
export function execHappening(report: Record<string, unknown>): Happening | undefined {
  const [who, role, login, command] = [
    text(report.who),
    text(report.role),
    text(report.login),
    text(report.command, FEED_LIMITS.commandChars),
  ]
  const status = Number.isInteger(report.status) ? (report.status as number) : undefined
  switch (report.event) {
    case 'start':
      return {
        type: 'exec',
        fields: { who, role, login, command },
        marker: `${who} (${role}) runs outside the shared terminal: ${command}`,
      }
    case 'end':
      return {
        type: 'exec',
        fields: { who, role, login, command, status },
        marker: `${who} (${role}) finished: ${command} (exit ${status})`,
      }
    case 'refused':
      return {
        type: 'exec',
        fields: { who, role, login, command, refused: 'run --no-exec' },
        marker: `${who} (${role}) was refused: ${command}`,
      }
  }
  return undefined
}

/**
 * Tells how many bytes at the head of a report from `login`'s keystroke log (`bytes` long) are
 * already on the timeline: a restarted feed reports each log from its start again.
 */
export type InputSkip = (login: string, bytes: number) => number

/** What someone typed, as an `input` event's fields; undefined when nothing that counts was typed. */
function inputFields(input: Record<string, unknown>, skip?: InputSkip): Record<string, unknown> | undefined {
  if (typeof input.data !== 'string') return undefined
  const padding = input.data.endsWith('==') ? 2 : input.data.endsWith('=') ? 1 : 0
  const drop = skip ? skip(text(input.login), Math.max(0, Math.floor((input.data.length * 3) / 4) - padding)) : 0
  const bytes = Buffer.from(input.data.slice(0, FEED_LIMITS.inputChars * 2), 'base64').subarray(drop)
  const data = capped(typedOnly(bytes.toString('utf8')), FEED_LIMITS.inputChars)
  if (!data) return undefined
  return {
    who: text(input.who),
    role: text(input.role),
    login: text(input.login),
    data,
    ...(input.readonly === true ? { ignored: 'read-only' } : {}),
  }
}

/** A feed line's report; an empty one for a line that is not JSON or holds nothing known. */
export function readFeedLine(line: string, skip?: InputSkip): FeedReport {
  let message: { state?: unknown; input?: unknown; exec?: unknown }
  try {
    message = JSON.parse(line)
  } catch {
    return {}
  }
  if (!message || typeof message !== 'object') return {}
  const object = (value: unknown) => (value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined)
  const input = object(message.input)
  const exec = object(message.exec)
  const typed = input && inputFields(input, skip)
  return {
    ...(message.state ? { state: readBoxState(message.state) } : {}),
    ...(typed ? { input: typed } : {}),
    ...(exec && execHappening(exec) ? { exec: execHappening(exec) } : {}),
  }
}
