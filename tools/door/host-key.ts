// The front door's own host key: made once, kept in the door's folder (mode 0600), the same for
// every interview it serves. Its fingerprint goes on each card.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fingerprintOf, newKeyPair } from '../core/ssh-keys.ts'
import { recordingsRoot } from '../recording/paths.ts'

/** The door's folder: its host key, pid and log. */
export const doorDir = (env: NodeJS.ProcessEnv = process.env) => env.INTERVIEW_ENV_DOOR_DIR ?? join(recordingsRoot(env), '.door')

const KEY_FILE = 'host_ed25519'

export interface HostKey {
  privateKey: string
  fingerprint: string
}

/** The door's host key, made on first use. */
export function doorHostKey(dir = doorDir()): HostKey {
  const file = join(dir, KEY_FILE)
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const pair = newKeyPair('interview-env front door')
    writeFileSync(`${file}.pub`, pair.publicKey + '\n')
    writeFileSync(file, pair.privateKey, { mode: 0o600, flag: 'wx' })
  }
  chmodSync(file, 0o600)
  return { privateKey: readFileSync(file, 'utf8'), fingerprint: doorFingerprint(dir) }
}

/** The fingerprint of the door's host key, as the card shows it. */
export function doorFingerprint(dir = doorDir()): string {
  const [, blob] = readFileSync(join(dir, `${KEY_FILE}.pub`), 'utf8')
    .trim()
    .split(/\s+/)
  return fingerprintOf(blob ?? '')
}
