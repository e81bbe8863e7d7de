import { sleep } from '../../tools/core/sleep.ts'

/** Polls `probe` until it gives something truthy, or fails naming `what` (and the last error). */
export async function waitFor<T>(what: string, probe: () => Promise<T> | T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await probe()
      if (value) return value
    } catch (error) {
      last = error
    }
    await sleep(100)
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`)
}

/** A `before` hook that prints its error: uvu swallows it (tests/uvu-strict.sh then fails the run). */
export const loudly = (hook: () => Promise<void>) => async (): Promise<void> => {
  try {
    await hook()
  } catch (error) {
    console.error('the suite could not start:', error)
    throw error
  }
}
