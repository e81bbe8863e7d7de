// The host recorder's pid file, and the lock files that make "start it unless it runs" safe when
// two `run`s (or two recorders) race: a lock is a file created with O_EXCL holding its taker's pid,
// taken away from a holder that died or held it too long.
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs'
import { sleep } from '../core/sleep.ts'

/** Whether process `pid` is alive (and, where /proc tells, runs `script`, or one of them). */
export function isAlive(pid: number, script?: string | readonly string[]): boolean {
  if (!(pid > 0)) return false
  try {
    process.kill(pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  if (!script) return true
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return (typeof script === 'string' ? [script] : script).some((one) => command.includes(one))
  } catch {
    return !existsSync('/proc/self') // no /proc (not Linux): alive is all we can know
  }
}

/** When process `pid` started (clock ticks since boot, /proc/PID/stat), where /proc tells. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

/**
 * This process as a pid file names it: its pid and when it started, so that the same pid given
 * later to another process (a restarted container numbers its processes from 1 again) is not
 * taken for it.
 */
export const thisProcess = () => [process.pid, startTimeOf(process.pid)].filter((part) => part !== undefined).join(' ')

/** The live process a pid file names (pid, and start time when written), if it runs `script` (or one of them). */
export function livePid(file: string, script?: string | readonly string[]): number | undefined {
  try {
    const [pidText, started] = readFileSync(file, 'utf8').trim().split(/\s+/)
    const pid = Number(pidText)
    if (!isAlive(pid, script)) return undefined
    const now = started === undefined ? undefined : startTimeOf(pid)
    return now !== undefined && now !== started ? undefined : pid
  } catch {
    return undefined
  }
}

/** Runs `fn` holding the lock `file`; a lock whose holder died, or that is older than `staleMs`, is taken over. */
export async function withLock<T>(file: string, fn: () => T | Promise<T>, staleMs = 20_000): Promise<T> {
  const deadline = Date.now() + staleMs + 5000
  for (;;) {
    let fd: number | undefined
    try {
      fd = openSync(file, 'wx', 0o640)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    if (fd !== undefined) {
      writeSync(fd, String(process.pid))
      closeSync(fd)
      try {
        return await fn()
      } finally {
        rmSync(file, { force: true })
      }
    }
    if (Date.now() > deadline) throw new Error(`could not take the lock ${file}`)
    let stale = false
    try {
      const holder = Number(readFileSync(file, 'utf8').trim())
      // An empty file: its taker is between open and write; wait for it.
      stale = (holder > 0 && !isAlive(holder)) || Date.now() - statSync(file).mtimeMs > staleMs
    } catch {
      // gone already: try again
    }
    if (stale) rmSync(file, { force: true })
    else await sleep(50)
  }
}
