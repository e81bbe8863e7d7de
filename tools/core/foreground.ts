// What a server running in the foreground shares (scripts/serve.mjs, door.mjs, web.mjs): its log
// lines, and the signal that stops it.

/** A line of a server's log: the time, then the line. */
export const logLine = (line: string) => console.log(`${new Date().toISOString()} ${line}`)

/** Resolves on the first SIGINT or SIGTERM. */
export const untilStopped = () =>
  new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
