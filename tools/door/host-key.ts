// The front door's own host key: made once, kept in the door's folder (mode 0600), the same for
// every interview it serves. Its fingerprint goes on each card.
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ssh2 from 'ssh2'
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
  if (!existsSync(file)) claimNewKey(dir)
  chmodSync(file, 0o600)
  return { privateKey: readFileSync(file, 'utf8'), fingerprint: doorFingerprint(dir) }
}

/**
 * Writes a new key unless another process wrote one first. Several interviews may start at once
 * with no key yet: the key file is linked into place in one step, so exactly one key wins and every
 * one of them puts the same fingerprint on its card.
 */
export function claimNewKey(dir: string): void {
  const file = join(dir, KEY_FILE)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const pair = newKeyPair('interview-env front door')
  const draft = `${file}.draft-${process.pid}`
  writeFileSync(draft, pair.privateKey, { mode: 0o600 })
  try {
    linkSync(draft, file)
    writeFileSync(`${draft}.pub`, pair.publicKey + '\n')
    renameSync(`${draft}.pub`, `${file}.pub`)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  } finally {
    rmSync(draft, { force: true })
  }
}

/** The fingerprint of the door's host key, as the card shows it (read from the key itself). */
export function doorFingerprint(dir = doorDir()): string {
  const key = ssh2.utils.parseKey(readFileSync(join(dir, KEY_FILE), 'utf8'))
  if (key instanceof Error) throw new Error(`the front door's host key in ${dir} is unreadable: ${key.message}`)
  return fingerprintOf(key.getPublicSSH().toString('base64'))
}
