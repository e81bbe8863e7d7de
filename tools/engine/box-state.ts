// What the box says about itself (recorder-state, through the recorder's feed and list.mjs): the
// window's size, who is attached, how many hints were shown, which checks ran. Root in the box can
// write any of it, so it is read as untrusted input: wrong types become defaults, numbers are
// clamped, lists and strings are cut to a length. Names keep their characters; printing them is
// printable()'s job.
import { capped } from '../core/printable.ts'

export const BOX_LIMITS = {
  /** A name, a role, a tty, a login id. */
  text: 100,
  /** One line of checks.log ("<time> <by> <result>"). */
  checkLine: 300,
  clients: 32,
  /** Checks kept from one report: no interview runs more. */
  checks: 200,
  /** Hints: no task has more. */
  hints: 20,
  width: 1000,
  height: 500,
} as const

export interface BoxClient {
  tty: string
  who: string
  role: string
  readonly: boolean
  login: string
  /** A front door client (tools/door), whose joins and leaves the door writes itself. */
  door?: boolean
}

export interface BoxState {
  width: number
  height: number
  clients: BoxClient[]
  hints: number
  checks: string[]
}

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])
const text = (value: unknown, fallback = '') => capped(typeof value === 'string' && value ? value : fallback, BOX_LIMITS.text)

/** A whole number in [0, max], or 0. */
export function boundedCount(value: unknown, max: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d{1,12}\s*$/.test(value) ? Number(value) : NaN
  return Number.isFinite(n) ? Math.min(Math.max(0, Math.floor(n)), max) : 0
}

export function readBoxClient(raw: unknown): BoxClient {
  const client = record(raw)
  return {
    tty: text(client.tty),
    who: text(client.who, 'unknown'),
    role: text(client.role, 'participant'),
    readonly: client.readonly === true,
    login: text(client.login),
    ...(client.door === true ? { door: true } : {}),
  }
}

export function readBoxState(raw: unknown): BoxState {
  const state = record(raw)
  return {
    width: boundedCount(state.width, BOX_LIMITS.width),
    height: boundedCount(state.height, BOX_LIMITS.height),
    clients: list(state.clients).slice(0, BOX_LIMITS.clients).map(readBoxClient),
    hints: boundedCount(state.hints, BOX_LIMITS.hints),
    checks: list(state.checks)
      .slice(0, BOX_LIMITS.checks)
      .map((line) => capped(typeof line === 'string' ? line : '', BOX_LIMITS.checkLine)),
  }
}
