// A command whose output streams where the caller wants it, and whose failure shows the last lines it printed.
import type { ProcessPromise } from 'zx'
import { CommandError } from './errors.ts'

/** How much of the output is kept for the error: its tail. */
const KEPT_CHARS = 20_000

/**
 * Waits for `child` (a zx process started with `nothrow`), handing each chunk of its stdout and stderr
 * to `onOutput`; when it fails, throws a CommandError named `what` that holds the tail of its output.
 */
export async function runShowingTail(child: ProcessPromise, what: string, hint: string, onOutput?: (chunk: Buffer) => void): Promise<void> {
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-KEPT_CHARS)
    onOutput?.(chunk)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const result = await child
  if (result.exitCode !== 0) throw new CommandError(what, result.exitCode, output, hint)
}
