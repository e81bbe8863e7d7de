// Rebuilding every image through Nx, which knows that tasks are built FROM base.
import { $ } from 'zx'
import { CommandError } from '../core/errors.ts'
import { REPO_ROOT } from '../core/paths.ts'

/**
 * Each image's build prints one line per step (Nx streams them, prefixed with the image's name), or
 * its whole output with `verbose`; the full logs are in .build-logs/.
 */
export async function rebuildAll(options: { noCache?: boolean; verbose?: boolean } = {}): Promise<void> {
  const env = {
    ...process.env,
    NX_DAEMON: 'false',
    NX_TUI: 'false',
    FORCE_COLOR: '0',
    ...(options.noCache ? { INTERVIEW_ENV_NO_CACHE: '1' } : {}),
    ...(options.verbose ? { INTERVIEW_ENV_BUILD_VERBOSE: '1' } : {}),
  }
  const result = await $({
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    nothrow: true,
  })`npx nx run-many -t build --parallel=1 --skip-nx-cache --outputStyle=stream`
  if (result.exitCode !== 0)
    throw new CommandError(
      'nx run-many -t build',
      result.exitCode,
      '',
      "the failing image is named above, with the last lines of its log and the log's path",
    )
}
