// The one place where arguments are parsed, errors are printed and the exit code is set.
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import yargs, { type Argv, type ArgumentsCamelCase } from 'yargs'
import { useInterviewEngine } from './engine-socket.ts'
import { formatError, UserError } from './errors.ts'

/** The arguments after the script's own path, whether it runs as `zx script.mjs` or `node script.mjs`. */
export function scriptArguments(scriptUrl: string, argv: string[] = process.argv): string[] {
  const script = fileURLToPath(scriptUrl)
  const index = argv.findIndex((arg) => resolve(arg) === script)
  return index === -1 ? argv.slice(2) : argv.slice(index + 1)
}

/**
 * Runs one command: parses the arguments with yargs, calls the handler, and turns what it
 * throws into `error:`/`hint:` lines and exit code 1. A bug prints its stack.
 */
export async function cli<T>(
  scriptUrl: string,
  usage: string,
  description: string,
  builder: (y: Argv) => Argv<T>,
  handler: (argv: ArgumentsCamelCase<T>) => unknown,
): Promise<void> {
  const args = scriptArguments(scriptUrl)
  useInterviewEngine()
  // Output piped into `head` that stops reading: end quietly, as a Unix tool does.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    process.exit(0)
  })
  const verbose = args.includes('--verbose')
  try {
    let parsed: ArgumentsCamelCase<T> | undefined
    await yargs(args)
      .scriptName(`${'Deno' in globalThis ? 'deno run -A' : 'npx zx'} scripts/${fileURLToPath(scriptUrl).split('/').pop()}`)
      .command(`$0 ${usage}`.trim(), description, builder, (argv) => {
        parsed = argv
      })
      .option('verbose', { type: 'boolean', describe: "Show stack traces, and a build's whole output" })
      .strict()
      .help()
      .version(false)
      .wrap(Math.min(100, process.stdout.columns || 100))
      .exitProcess(false)
      .fail((message, error) => {
        throw error ?? new UserError(message, 'see --help')
      })
      .parseAsync()
    if (parsed) await handler(parsed)
  } catch (error) {
    for (const line of formatError(error, verbose)) console.error(line)
    process.exitCode = 1
  }
}
