// Live fault injection: a task may ship a library of extra faults (images/tasks/<task>/faults/
// <fault>/ with fault.md, apply and check; never copied into the image). The interviewer applies
// one to a running interview to raise the difficulty; the host remembers which were applied (in the
// interview's state volume, out of the box), and the interviewer's check runs each applied fault's
// check after the task's own.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { $ } from 'zx'
import type Docker from 'dockerode'
import { connectDocker } from '../engine/docker.ts'
import { envForEngineOf } from '../engine/docker-at.ts'
import { appliedFaults, recordAppliedFault } from '../engine/checker.ts'
import { UserError } from '../core/errors.ts'
import type { ImageDefinition } from '../images/list.ts'
import { interviewImage } from '../interviews/find.ts'
import { LABEL } from '../engine/names.ts'
import { appendEvent, castClock } from '../recording/events.ts'

export interface Fault {
  name: string
  dir: string
  description: string
}

export function listFaults(image: ImageDefinition): Fault[] {
  const root = join(image.dir, 'faults')
  if (!existsSync(root)) return []
  return readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'apply')) && existsSync(join(root, name, 'check')))
    .sort()
    .map((name) => ({
      name,
      dir: join(root, name),
      description:
        readFileSync(join(root, name, 'fault.md'), 'utf8')
          .trim()
          .split('\n')[0] ?? '',
    }))
}

/** Runs a script from the repository in the interview as root, through stdin, with a time limit. */
export async function runScriptIn(container: Docker.Container, file: string, timeoutSeconds = 20, docker?: Docker) {
  const script = readFileSync(file, 'utf8')
  return $({
    input: script,
    env: docker ? envForEngineOf(docker) : process.env,
    nothrow: true,
    quiet: true,
    timeout: `${timeoutSeconds + 5}s`,
  })`docker exec -i -u root ${container.id} timeout -s KILL ${timeoutSeconds} bash -s`
}

/** The faults of the interview's task; `docker` is the engine that runs its box (default: DOCKER_HOST's). */
export async function faultsOf(interview: string, docker?: Docker): Promise<Fault[]> {
  return listFaults((await interviewImage(docker ?? (await connectDocker()), interview)).image)
}

/** Applies a fault in the interview's box, on the engine `docker` (default: DOCKER_HOST's), and records it out of the box. */
export async function applyFault(interview: string, faultName: string, engine?: Docker): Promise<Fault> {
  const docker = engine ?? (await connectDocker())
  const { container, image } = await interviewImage(docker, interview)
  const faults = listFaults(image)
  const fault = faults.find((f) => f.name === faultName)
  if (!fault) {
    throw new UserError(
      faults.length ? `task ${image.name} has no fault "${faultName}"` : `task ${image.name} has no library of faults`,
      faults.length
        ? `its faults: ${faults.map((f) => f.name).join(', ')}`
        : `add images/tasks/${image.name}/faults/<fault>/ with fault.md, apply and check (docs/writing-tasks.md)`,
    )
  }
  if ((await appliedFaults(docker, interview)).includes(fault.name))
    throw new UserError(
      `fault "${fault.name}" is already applied to "${interview}"`,
      'pick another one: npx zx scripts/break.mjs ' + interview,
    )
  const result = await runScriptIn(container, join(fault.dir, 'apply'), 20, docker)
  if (result.exitCode !== 0)
    throw new UserError(
      `applying "${fault.name}" failed: ${(result.stderr || result.stdout).trim().split('\n').pop()}`,
      `fix ${join(fault.dir, 'apply')}`,
    )
  await recordAppliedFault(docker, interview, fault.name)
  const dir = (await container.inspect()).Config.Labels[LABEL.recording]
  if (dir && existsSync(dir)) appendEvent(dir, { t: castClock(dir), type: 'fault', fault: fault.name, description: fault.description })
  return fault
}
