// Errors the user can act on. The library throws these; only cli.ts prints them.

/** A mistake in the input or the environment, with the next step to take. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message)
    this.name = 'UserError'
  }
}

/** A command that failed: shown as the command, its exit code and the last lines it printed. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly output: string,
    readonly hint?: string,
  ) {
    super(`${command} failed with exit code ${exitCode}`)
    this.name = 'CommandError'
  }
}

/** The last `count` non-empty lines of some output. */
export function lastLines(output: string, count = 15): string[] {
  return output
    .split('\n')
    .map((line) => line.trimEnd())
    .filter(Boolean)
    .slice(-count)
}

/** The lines printed for an error: `error:`/`hint:` for a UserError, output tail for a CommandError, a stack for a bug. */
export function formatError(error: unknown, verbose = false): string[] {
  if (error instanceof UserError) {
    const lines = [`error: ${error.message}`]
    if (error.hint) lines.push(`hint: ${error.hint}`)
    if (verbose && error.stack) lines.push(error.stack)
    return lines
  }
  if (error instanceof CommandError) {
    const lines = [`error: ${error.message}`, ...lastLines(error.output).map((line) => `  | ${line}`)]
    if (error.hint) lines.push(`hint: ${error.hint}`)
    return lines
  }
  if (error instanceof Error) return [`bug: ${error.stack ?? error.message}`]
  return [`bug: ${String(error)}`]
}
