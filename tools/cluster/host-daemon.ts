// The local cluster's own host processes (the registry, each node's gate): started detached with
// their output in a log and their pid in a file, found again by that file, and ended.
import { spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { lastLines } from '../core/errors.ts'
import { signalProcess } from '../core/signal.ts'
import { sleep } from '../core/sleep.ts'
import { isAlive } from '../recording/pid-file.ts'

/** The pid in `pidFile` when that process is alive and runs `script`; undefined otherwise. */
export function daemonPid(pidFile: string, script: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim())
    return isAlive(pid, script) ? pid : undefined
  } catch {
    return undefined
  }
}

/** Starts `command` detached from this process, its output appended to `log`, its pid written to `pidFile`. */
export function startDaemon(command: string, args: string[], files: { pid: string; log: string }): void {
  const out = openSync(files.log, 'a', 0o600)
  const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out] })
  child.unref()
  closeSync(out)
  writeFileSync(files.pid, String(child.pid), { mode: 0o600 })
}

/** Ends process `pid`: SIGTERM, and SIGKILL if it still runs after `graceMs`. */
export async function endDaemon(pid: number, graceMs = 5000): Promise<void> {
  signalProcess(pid, 'SIGTERM')
  for (let waited = 0; waited < graceMs && isAlive(pid); waited += 100) await sleep(100)
  if (isAlive(pid)) signalProcess(pid, 'SIGKILL')
}

/** The last line of a log, to quote in an error; undefined when there is none. */
export function lastLogLine(log: string): string | undefined {
  try {
    return lastLines(readFileSync(log, 'utf8'), 1)[0]
  } catch {
    return undefined
  }
}
