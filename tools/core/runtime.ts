// The JavaScript runtime running the scripts (Node through zx, or Deno), and how it starts another
// script of scripts/ in the background with the same runtime.
import { join } from 'node:path'
import { REPO_ROOT } from './paths.ts'

/** Whether this process is Deno (which runs TypeScript itself) rather than Node. */
export const isDeno = () => 'Deno' in globalThis

/** The command line that runs scripts/<script> with this runtime: `deno run -A` or Node through zx's CLI. */
export function scriptCommand(script: string, args: string[] = []): [string, string[]] {
  const file = join(REPO_ROOT, 'scripts', script)
  return isDeno()
    ? [process.execPath, ['run', '-A', file, ...args]]
    : [process.execPath, [join(REPO_ROOT, 'node_modules/zx/build/cli.js'), file, ...args]]
}
