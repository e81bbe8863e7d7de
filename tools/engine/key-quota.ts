// The kernel's key quota. With remapped users, every container and every `docker exec` takes keys
// (session keyrings) from the quota of one host uid, the remapped root; by default 200 keys and
// 20000 bytes, about 55 recorded interviews. When it runs out, every container start and exec on the
// engine fails, so `run` refuses while there is still room. scripts/start-engine.sh raises it.
import { readFileSync } from 'node:fs'
import { UserError } from '../core/errors.ts'

export interface KeyUsage {
  keys: number
  maxKeys: number
  bytes: number
  maxBytes: number
}

/** What one new interview may take: its container, its recorder's execs, a check or two at once. */
export const KEYS_PER_INTERVIEW = 12
export const BYTES_PER_INTERVIEW = 1000

/** The remapped root's uid, from the engine's data root (…/100000.100000), or undefined without remapping. */
export function remappedRoot(dockerRootDir: string | undefined): number | undefined {
  const match = /\/(\d+)\.\d+\/?$/.exec(dockerRootDir ?? '')
  return match ? Number(match[1]) : undefined
}

/** One uid's line of /proc/key-users: `100000:     4 4/4 4/200 70/20000`. */
export function keyUsage(keyUsers: string, uid: number): KeyUsage | undefined {
  const line = keyUsers.split('\n').find((l) => l.trim().startsWith(`${uid}:`))
  if (!line) return undefined
  const [, , , quotaKeys, quotaBytes] = line.trim().split(/\s+/)
  const [keys, maxKeys] = (quotaKeys ?? '').split('/').map(Number)
  const [bytes, maxBytes] = (quotaBytes ?? '').split('/').map(Number)
  if ([keys, maxKeys, bytes, maxBytes].some((n) => !Number.isFinite(n))) return undefined
  return { keys: keys!, maxKeys: maxKeys!, bytes: bytes!, maxBytes: maxBytes! }
}

/** Throws a one-line error when one more interview would not fit in the quota. */
export function checkKeyRoom(usage: KeyUsage | undefined): void {
  if (!usage) return
  if (usage.maxKeys - usage.keys >= KEYS_PER_INTERVIEW && usage.maxBytes - usage.bytes >= BYTES_PER_INTERVIEW) return
  throw new UserError(
    `the kernel's key quota of the engine's remapped root is nearly used up (${usage.keys}/${usage.maxKeys} keys, ${usage.bytes}/${usage.maxBytes} bytes): ` +
      'another interview would make container starts and execs fail',
    'raise it: sudo sysctl -w kernel.keys.maxkeys=2000 kernel.keys.maxbytes=2000000 (scripts/start-engine.sh does), or stop interviews',
  )
}

export function readKeyUsage(dockerRootDir: string | undefined, file = '/proc/key-users'): KeyUsage | undefined {
  const uid = remappedRoot(dockerRootDir)
  if (uid === undefined) return undefined
  try {
    return keyUsage(readFileSync(file, 'utf8'), uid)
  } catch {
    return undefined
  }
}
