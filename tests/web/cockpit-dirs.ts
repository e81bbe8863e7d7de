// The folders of a cockpit test: its own recordings and server state (accounts), and the tests'
// own front door (tests/helpers.bash uses the same). uvu loads every file before it runs the first
// suite, so each suite sets them (`use`) in its `before`, not when its file is loaded.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function cockpitTestDirs(prefix: string): { dir: string; state: string; recordings: string; use: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const state = join(dir, 'server')
  const recordings = join(dir, 'recordings')
  const use = () => {
    process.env.INTERVIEW_ENV_RECORDINGS = recordings
    process.env.INTERVIEW_ENV_SERVER_DIR = state
    process.env.INTERVIEW_ENV_DOOR_PORT ??= '7624'
    process.env.INTERVIEW_ENV_DOOR_DIR ??= '/tmp/interview-env-test-door'
  }
  return { dir, state, recordings, use }
}
