// `run` starts one recorder per interview as a detached `scripts/record.mjs`, and returns once its
// recording has begun; `stop` waits for it to finish the files.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { REPO_ROOT } from '../core/paths.ts'
import { scriptCommand } from '../core/runtime.ts'
import { FILES } from './paths.ts'
import { sleep } from '../core/sleep.ts'

export async function startRecorder(interview: string, dir: string, endsAt?: number): Promise<string> {
  mkdirSync(dir, { recursive: true, mode: 0o750 })
  const out = openSync(join(dir, FILES.log), 'a')
  const [command, args] = scriptCommand('record.mjs', [interview, '--dir', dir, ...(endsAt ? ['--ends-at', String(endsAt)] : [])])
  const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out], cwd: REPO_ROOT, env: process.env })
  child.unref()
  for (let i = 0; i < 150; i++) {
    if (existsSync(join(dir, FILES.events))) return dir
    if (child.exitCode !== null) break
    await sleep(100)
  }
  throw new UserError(`the recorder of "${interview}" did not start`, `see ${join(dir, FILES.log)}`)
}

/** Waits (up to `timeoutMs`) until the recorder writing to `dir` has written its last lines. */
export async function waitForRecorder(dir: string, timeoutMs = 5000): Promise<void> {
  const pidFile = join(dir, FILES.pid)
  const deadline = Date.now() + timeoutMs
  while (existsSync(pidFile) && Date.now() < deadline) {
    const pid = Number(readFileSync(pidFile, 'utf8'))
    try {
      process.kill(pid, 0)
    } catch {
      return // it died without cleaning up: the files are as complete as they got
    }
    await sleep(100)
  }
}
