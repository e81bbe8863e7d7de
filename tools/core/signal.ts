// Signalling a process that may have ended meanwhile.

/** Sends `how` to `pid`; a process that is already gone is no error. */
export function signalProcess(pid: number, how: NodeJS.Signals): void {
  try {
    process.kill(pid, how)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
  }
}
