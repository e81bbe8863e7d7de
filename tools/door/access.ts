// Who may come in through the front door, and as whom: decided on the host, from the interview's
// labels, never from a file in the box. The password is kept as a salted scrypt hash; each key
// with the role and name it was given (`run --key/--interviewer/--observer`).
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto'
import { LABEL } from '../engine/names.ts'
import type { PublicKey } from '../core/ssh-keys.ts'

export type DoorRole = 'candidate' | 'interviewer' | 'observer'

export interface DoorKey {
  /** The key as an authorized_keys line (type, base64, comment). */
  line: string
  role: DoorRole
  who: string
}

export interface DoorAccess {
  /** `scrypt$<salt>$<hash>`, base64; absent for key login only. */
  password?: string
  keys: DoorKey[]
  /** Whether the candidate may run commands, scp and sftp outside the shared terminal. */
  exec: boolean
  /** Where the door listens, as the card gives it (host:port). */
  address: string
}

const hash = (password: string, salt: Buffer) => scryptSync(password, salt, 32)

export function hashPassword(password: string, salt = randomBytes(16)): string {
  return `scrypt$${salt.toString('base64')}$${hash(password, salt).toString('base64')}`
}

export function passwordMatches(stored: string | undefined, password: string): boolean {
  const [kind, salt, expected] = (stored ?? '').split('$')
  if (kind !== 'scrypt' || !salt || !expected) return false
  const wanted = Buffer.from(expected, 'base64')
  const given = hash(password, Buffer.from(salt, 'base64'))
  return wanted.length === given.length && timingSafeEqual(wanted, given)
}

/** A key as the door keeps it: its line, the role it was given, and its comment (or fingerprint) as the name. */
export const doorKey = (key: PublicKey, role: DoorRole): DoorKey => ({ line: key.line, role, who: key.comment || key.fingerprint })

/** The labels that open the door to an interview (start.ts puts them on its box). */
export function doorLabels(options: {
  password: string | null
  keys: PublicKey[]
  interviewers: PublicKey[]
  observers: PublicKey[]
  exec: boolean
  address: string
}): Record<string, string> {
  const named = (role: DoorRole) => (key: PublicKey) => doorKey(key, role)
  const access: DoorAccess = {
    ...(options.password !== null ? { password: hashPassword(options.password) } : {}),
    keys: [
      ...options.keys.map(named('candidate')),
      ...options.interviewers.map(named('interviewer')),
      ...options.observers.map(named('observer')),
    ],
    exec: options.exec,
    address: options.address,
  }
  return { [LABEL.door]: JSON.stringify(access) }
}

/** The door's rules for an interview, from its labels; undefined when it has no front door. */
export function accessOf(labels: Record<string, string> | undefined): DoorAccess | undefined {
  const text = labels?.[LABEL.door]
  if (!text) return undefined
  try {
    const parsed = JSON.parse(text) as DoorAccess
    return {
      password: parsed.password,
      keys: Array.isArray(parsed.keys) ? parsed.keys : [],
      exec: parsed.exec !== false,
      address: String(parsed.address ?? '-'),
    }
  } catch {
    return undefined
  }
}
