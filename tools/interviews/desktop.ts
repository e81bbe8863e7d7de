// Desktop interviews (images built on images/desktop): waiting until the desktop is usable.
import type Docker from 'dockerode'
import { execIn } from '../engine/docker.ts'
import { UserError } from '../core/errors.ts'
import { sleep } from '../core/sleep.ts'

export const DESKTOP_READY = '/usr/local/lib/interview/desktop/ready'

/** Polls the image's readiness probe until the window manager, panel, Jupyter and editor are up. */
export async function waitForDesktop(container: Docker.Container, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    const result = await execIn(container, [DESKTOP_READY], { user: 'user' })
    if (result.exitCode === 0) return
    last = (result.stdout + result.stderr).trim()
    if (!(await container.inspect()).State.Running) break
    await sleep(250)
  }
  throw new UserError(
    `the desktop did not come up: ${last || 'the container stopped'}`,
    'nothing was left running; look inside with npx zx scripts/debug.mjs desktop (logs in /var/log/interview)',
  )
}
