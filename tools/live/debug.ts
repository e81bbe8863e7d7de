// A root shell for task authors (a throwaway container of an image) and interviewers (a running interview).
import { $ } from 'zx'
import { connectDocker } from '../engine/docker.ts'
import { UserError } from '../core/errors.ts'
import { ensureImage } from '../images/build.ts'
import { listImages } from '../images/list.ts'
import { findRunningInterview, interviewContainer, runningInterviewNames, serviceContainer } from '../interviews/find.ts'
import { LABEL } from '../engine/names.ts'
import { capabilityPlan, DEFAULT_LIMITS } from '../engine/security.ts'

/**
 * Runs `command` (default: a login shell) as root in the interview or image named `target`, or in
 * one of an interview's services (a multi-service task's db, web...); returns its exit code.
 * `boxElsewhere`: the engine is that of the service's Swarm node, which need not run the box.
 */
export async function debugShell(
  target: string,
  command: string[] = [],
  options: { service?: string; boxElsewhere?: boolean } = {},
): Promise<number> {
  const docker = await connectDocker()
  const tty = process.stdin.isTTY ? ['-it'] : ['-i']
  const argv = command.length ? command : ['bash', '-l']
  // The box is looked for first, for its error, unless it may be on another engine (a Swarm's service's node).
  if (options.service !== undefined && !options.boxElsewhere) await interviewContainer(docker, target)
  const interview =
    options.service === undefined ? await findRunningInterview(docker, target) : await serviceContainer(docker, target, options.service)
  if (interview) {
    return (await $({ stdio: 'inherit', nothrow: true })`docker exec ${tty} -u root ${interview.id} ${argv}`).exitCode ?? 1
  }
  const images = listImages()
  if (!images.some((image) => image.name === target)) {
    throw new UserError(
      `no running interview or image named "${target}"`,
      `interviews: ${(await runningInterviewNames(docker)).join(', ') || 'none'}; images: ${images.map((i) => i.name).join(', ')}`,
    )
  }
  const image = await ensureImage(docker, target)
  const caps = capabilityPlan(await docker.info()).capAdd.flatMap((cap) => ['--cap-add', cap])
  const limits = ['--memory', DEFAULT_LIMITS.memory, '--cpus', String(DEFAULT_LIMITS.cpus), '--pids-limit', String(DEFAULT_LIMITS.pids)]
  const labels = ['--label', `${LABEL.managed}=true`, '--label', `${LABEL.role}=debug`]
  const run = $({ stdio: 'inherit', nothrow: true })`docker run --rm ${tty} ${labels} ${caps} ${limits} --entrypoint= ${image.tag} ${argv}`
  return (await run).exitCode ?? 1
}
