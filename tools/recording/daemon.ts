// `run` makes sure the host's recorder (host-recorder.ts, a detached `scripts/record.mjs`) runs, and
// returns once it has begun the interview's recording; `stop` waits for it to finish the files.
import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { REPO_ROOT } from '../core/paths.ts'
import { scriptCommand } from '../core/runtime.ts'
import { sleep } from '../core/sleep.ts'
import { HOST_FILES, hostRecorderPid } from './host-recorder.ts'
import { FILES, recordingsRoot } from './paths.ts'
import { withLock } from './pid-file.ts'
import { recorderOf } from './recorder.ts'

/** Starts the host recorder of `root` unless one runs (two callers at once start one); returns its pid. */
export async function ensureHostRecorder(root = recordingsRoot()): Promise<number> {
  const running = hostRecorderPid(root)
  if (running !== undefined) return running
  mkdirSync(root, { recursive: true, mode: 0o750 })
  const logFile = join(root, HOST_FILES.log)
  return withLock(join(root, HOST_FILES.starting), async () => {
    const running = hostRecorderPid(root)
    if (running !== undefined) return running
    const out = openSync(logFile, 'a', 0o640)
    const [command, args] = scriptCommand('record.mjs', ['--root', root])
    const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out], cwd: REPO_ROOT, env: process.env })
    child.unref()
    closeSync(out)
    let exited = false
    child.on('exit', () => (exited = true))
    for (let i = 0; i < 150; i++) {
      const pid = hostRecorderPid(root)
      if (pid !== undefined) return pid
      if (exited) break
      await sleep(100)
    }
    throw new UserError('the recorder did not start', `see ${logFile}`)
  })
}

/** Returns once the host recorder has begun recording into `dir` (starting the recorder if need be). */
export async function startRecorder(interview: string, dir: string, root = recordingsRoot()): Promise<string> {
  mkdirSync(dir, { recursive: true, mode: 0o750 })
  let starts = 0
  for (let i = 0; i < 200; i++) {
    if (existsSync(join(dir, FILES.events))) return dir
    // Started again if it ended meanwhile (it ends when idle, and could have just before this interview).
    if (i % 10 === 0 && hostRecorderPid(root) === undefined && starts++ < 3) await ensureHostRecorder(root)
    await sleep(100)
  }
  throw new UserError(`the recorder did not begin recording "${interview}"`, `see ${join(root, HOST_FILES.log)}`)
}

/**
 * Starts a recorder of one interview alone (a detached `scripts/record.mjs <interview>`), for a box
 * on a Swarm: it records through the engine of the box's node, into `dir` on this host. Returns once
 * it has begun the recording.
 */
export async function startOneRecorder(interview: string, dir: string, args: string[] = []): Promise<string> {
  mkdirSync(dir, { recursive: true, mode: 0o750 })
  const logFile = join(dirname(dir), `.recorder-${basename(dir)}.log`)
  const out = openSync(logFile, 'a', 0o640)
  const [command, commandArgs] = scriptCommand('record.mjs', [interview, '--dir', dir, ...args])
  const child = spawn(command, commandArgs, { detached: true, stdio: ['ignore', out, out], cwd: REPO_ROOT, env: process.env })
  child.unref()
  closeSync(out)
  let exited = false
  child.on('exit', () => (exited = true))
  for (let i = 0; i < 300 && !exited; i++) {
    if (existsSync(join(dir, FILES.events))) return dir
    await sleep(100)
  }
  if (!exited) child.kill('SIGKILL')
  throw new UserError(`the recorder did not begin recording "${interview}"`, `see ${logFile}`)
}

/** Waits (up to `timeoutMs`) until the recorder writing to `dir` has written its last lines. */
export async function waitForRecorder(dir: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  // The pid file is removed when the recording is complete; one naming a dead process means it got as complete as it will.
  while (recorderOf(dir) !== undefined && Date.now() < deadline) await sleep(100)
}
