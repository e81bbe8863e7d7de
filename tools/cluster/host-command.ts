// The host commands that build the local cluster (ip, iptables, nsenter, docker), run without a shell.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { CommandError } from '../core/errors.ts'

const execFileAsync = promisify(execFile)

/** Runs a command and returns what it printed; a failure is a CommandError that shows its output. */
export async function hostCommand(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; hint?: string } = {},
): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { env: options.env ?? process.env, maxBuffer: 16 * 1024 * 1024 })
    return stdout
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string; message: string }
    const exitCode = typeof failed.code === 'number' ? failed.code : null
    throw new CommandError(
      [command, ...args].join(' '),
      exitCode,
      `${failed.stdout ?? ''}${failed.stderr ?? failed.message}`,
      options.hint ??
        'the local cluster needs root and the packages of scripts/setup-machine.sh; `sudo npx zx scripts/cluster.mjs down` removes a half-made one',
    )
  }
}

/** Whether a command succeeds (for questions such as "does this link exist?"). */
export const commandSucceeds = (command: string, args: string[]) =>
  hostCommand(command, args).then(
    () => true,
    () => false,
  )

/** The same command inside a node's network namespace. */
export const inNode = (node: string, command: string, args: string[]) =>
  hostCommand('nsenter', [`--net=/run/netns/${node}`, command, ...args])
