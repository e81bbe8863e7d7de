// Rebuilding every image through Nx, which knows that tasks are built FROM base.
import { $ } from 'zx'
import { CommandError } from './errors.ts'
import { REPO_ROOT } from './images.ts'

export async function rebuildAll(options: { noCache?: boolean } = {}): Promise<void> {
  const env = { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', FORCE_COLOR: '0', ...(options.noCache ? { INTERVIEW_ENV_NO_CACHE: '1' } : {}) }
  const result = await $({ cwd: REPO_ROOT, env, stdio: ['ignore', 'inherit', 'inherit'], nothrow: true })`npx nx run-many -t build --parallel=1 --skip-nx-cache --outputStyle=stream`
  if (result.exitCode !== 0) throw new CommandError('nx run-many -t build', result.exitCode, '', 'the failing image is named above')
}
