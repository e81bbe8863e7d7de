// The images of a multi-service task's services: building those with a `build:` folder, and finding those missing.
import { REPO_ROOT } from '../core/paths.ts'
import { imageExists, type Docker } from '../engine/docker.ts'
import { runCompose } from '../tasks/compose.ts'
import type { ComposeTask } from '../tasks/compose-file.ts'
import { buildOutput } from './build-progress.ts'

/**
 * Builds the images of the services that have a `build:` folder, tagged interview-env/<task>-<service>:
 * one line per service and step (or the whole output with `verbose`), the full output in
 * .build-logs/<task>-services.log.
 */
export async function buildServices(
  task: ComposeTask,
  log: (line: string) => void,
  options: { noCache?: boolean; verbose?: boolean } = {},
): Promise<void> {
  if (!task.services.some((service) => service.built)) return
  const output = buildOutput(REPO_ROOT, task.task, `${task.task}-services`, options.verbose)
  log(
    `building the services of ${task.task}: ${task.services
      .filter((s) => s.built)
      .map((s) => s.image)
      .join(', ')} (log: ${output.path})`,
  )
  let ok = false
  try {
    await runCompose(task, ['build', ...(options.noCache ? ['--no-cache'] : [])], {
      project: `ie-build-${task.task}`,
      onOutput: output.write,
    })
    ok = true
  } finally {
    output.finish(ok)
  }
}

/** The built service images that are not there yet. */
export async function missingServiceImages(docker: Docker, task: ComposeTask): Promise<string[]> {
  const built = task.services.filter((service) => service.built)
  const exists = await Promise.all(built.map((service) => imageExists(docker, service.image)))
  return built.filter((_, i) => !exists[i]).map((service) => service.image)
}
