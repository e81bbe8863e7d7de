// The keys of a front-door interview as they stand now. `run` puts the first list in the box's
// labels, which cannot change; `keys add` and `keys remove` write the whole new list to a file in
// the door's folder (on the host, mode 0600), tied to the box's container id so that a file left
// by an earlier interview of the same name never opens this one.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { DoorAccess, DoorKey } from './access.ts'
import { doorDir } from './host-key.ts'

interface KeyChanges {
  container: string
  keys: DoorKey[]
}

const changesFile = (interview: string, dir: string) => join(dir, 'keys', `${interview}.json`)

/** The keys that open the interview now: the last list `keys` wrote for this box, or the labels' first. */
export function currentKeys(access: DoorAccess, interview: string, container: string, dir = doorDir()): DoorKey[] {
  const file = changesFile(interview, dir)
  if (!existsSync(file)) return access.keys
  try {
    const changes = JSON.parse(readFileSync(file, 'utf8')) as KeyChanges
    return changes.container === container && Array.isArray(changes.keys) ? changes.keys : access.keys
  } catch {
    // A file that cannot be read opens nothing more than the interview started with.
    return access.keys
  }
}

/** Writes the interview's whole key list, at once (a door reading it sees the old list or the new). */
export function writeKeys(interview: string, container: string, keys: DoorKey[], dir = doorDir()): void {
  mkdirSync(join(dir, 'keys'), { recursive: true, mode: 0o700 })
  const file = changesFile(interview, dir)
  writeFileSync(`${file}.new`, JSON.stringify({ container, keys } satisfies KeyChanges) + '\n', { mode: 0o600 })
  renameSync(`${file}.new`, file)
}

/** Forgets the interview's key changes (when it stops). */
export function forgetKeys(interview: string, dir = doorDir()): void {
  rmSync(changesFile(interview, dir), { force: true })
}
