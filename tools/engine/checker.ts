// The checker: where the interviewer's check runs, on tools the candidate cannot replace. A throwaway
// container of images/checker joins the interview's network and PID namespaces and reads the box's
// files through /proc/1/root ($ROOT). What the task's start script decided (its random port, the
// secret's hash, the variant) is copied out of the box once, when the interview is ready and before
// anyone has logged in, into a volume the box never mounts ($TASK). docs/writing-tasks.md, The check.
import type Docker from 'dockerode'
import { $ } from 'zx'
import { readFileSync } from 'node:fs'
import { UserError } from '../core/errors.ts'
import { envForEngineOf } from './docker-at.ts'
import { containerName, imageTag, LABEL } from './names.ts'

export const CHECKER_IMAGE = imageTag('checker')
/** Where the box keeps what its start script decided (install-task makes it root-only). */
export const BOX_TASK_STATE = '/var/lib/interview/task'
/** Caps on one check run, whatever the task's check does. */
const CHECKER_LIMITS = { memory: '512m', pids: 256, cpus: '1' }

export const taskStateVolume = (interview: string) => `${containerName(interview)}-task-state`

/**
 * Copies the box's task state into the interview's state volume. Called once, as soon as the
 * interview answers logins and before its details are printed: nobody could have changed it yet.
 */
export async function saveTaskState(docker: Docker, box: Docker.Container, interview: string, labels: Record<string, string>) {
  const archive = await box.getArchive({ path: BOX_TASK_STATE })
  await docker.createVolume({ Name: taskStateVolume(interview), Labels: { ...labels, [LABEL.role]: 'task-state' } })
  // The archive's top folder is `task`: unpacked at /, it fills the volume mounted at /task.
  await putInStateVolume(docker, interview, archive, '/')
}

/** Unpacks a tar archive into the interview's state volume (mounted at /task), at `path`. */
export async function putInStateVolume(docker: Docker, interview: string, archive: NodeJS.ReadableStream, path = '/task') {
  // A container that is created, never started, takes the archive into the volume.
  const keeper = await docker.createContainer({
    Image: CHECKER_IMAGE,
    Cmd: ['true'],
    Labels: { [LABEL.managed]: 'true', [LABEL.interview]: interview, [LABEL.role]: 'task-state' },
    HostConfig: { Binds: [`${taskStateVolume(interview)}:/task`], NetworkMode: 'none' },
  })
  try {
    await keeper.putArchive(archive, { path })
  } finally {
    await keeper.remove({ force: true })
  }
}

export interface CheckerRun {
  exitCode: number | null
  stdout: string
  stderr: string
}

/**
 * Runs a check script in a fresh checker beside the box: the box's network and processes, the box's
 * files at $ROOT, the saved task state at $TASK (read-only), its own tools. The box cannot write to
 * the checker's image or files; the container is removed after each run.
 */
export async function runInChecker(
  docker: Docker,
  box: Docker.Container,
  interview: string,
  file: string,
  timeoutSeconds = 20,
): Promise<CheckerRun> {
  await requireStateVolume(docker, interview)
  const inspect = await box.inspect()
  const capAdd: string[] = inspect.HostConfig.CapAdd ?? []
  const result = await $({
    input: readFileSync(file, 'utf8'),
    nothrow: true,
    quiet: true,
    timeout: `${timeoutSeconds + 15}s`,
    env: envForEngineOf(docker),
  })`docker run --rm -i --network container:${inspect.Id} --pid container:${inspect.Id} ${capAdd.flatMap((cap) => ['--cap-add', cap])} --security-opt no-new-privileges --memory ${CHECKER_LIMITS.memory} --memory-swap ${CHECKER_LIMITS.memory} --pids-limit ${CHECKER_LIMITS.pids} --cpus ${CHECKER_LIMITS.cpus} --label ${LABEL.managed}=true --label ${LABEL.interview}=${interview} --label ${LABEL.role}=checker -v ${taskStateVolume(interview)}:/task:ro ${CHECKER_IMAGE} timeout -s KILL ${timeoutSeconds} bash -s`
  if (result.exitCode === 125)
    throw new UserError(
      `the checker did not start: ${result.stderr.trim().split('\n').pop()}`,
      'build it (npx zx scripts/build.mjs checker) and check the engine: docker info',
    )
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr }
}

/**
 * Fails unless the interview has its state volume (an interview started before the checker existed
 * has none). Docker would make a missing named volume silently, empty and unlabelled, which `stop`
 * would then leave behind.
 */
async function requireStateVolume(docker: Docker, interview: string): Promise<void> {
  try {
    await docker.getVolume(taskStateVolume(interview)).inspect()
  } catch {
    throw new UserError(
      `interview "${interview}" has no task state kept outside its box, so it cannot be checked`,
      `it was started by an older interview-env: stop it and start it again (npx zx scripts/stop.mjs ${interview})`,
    )
  }
}

/** Runs a short command beside the interview's state volume only: no network, not in the box. */
async function inStateVolume(docker: Docker, interview: string, mode: 'ro' | 'rw', script: string, ...args: string[]) {
  await requireStateVolume(docker, interview)
  return $({
    nothrow: true,
    quiet: true,
    env: envForEngineOf(docker),
  })`docker run --rm --network none --label ${LABEL.managed}=true --label ${LABEL.interview}=${interview} --label ${LABEL.role}=checker -v ${taskStateVolume(interview)}:/task:${mode} ${CHECKER_IMAGE} bash -c ${script} state ${args}`
}

/** What `script` prints beside the interview's state volume (read-only); fails if it fails. */
export async function readStateVolume(docker: Docker, interview: string, script: string): Promise<string> {
  const result = await inStateVolume(docker, interview, 'ro', script)
  if (result.exitCode !== 0) throw new Error(`reading the task state of ${interview}: ${result.stderr.trim()}`)
  return result.stdout
}

const APPLIED_FAULTS = '/task/.faults-applied'

/** The faults applied live to the interview (scripts/break.mjs), in order, as the host recorded them. */
export async function appliedFaults(docker: Docker, interview: string): Promise<string[]> {
  const result = await inStateVolume(docker, interview, 'ro', `cat ${APPLIED_FAULTS} 2>/dev/null; true`)
  if (result.exitCode !== 0) throw new Error(`reading the faults applied to ${interview}: ${result.stderr.trim()}`)
  return result.stdout.split('\n').filter(Boolean)
}

export async function recordAppliedFault(docker: Docker, interview: string, fault: string): Promise<void> {
  const result = await inStateVolume(docker, interview, 'rw', `printf '%s\\n' "$1" >> ${APPLIED_FAULTS}`, fault)
  if (result.exitCode !== 0) throw new Error(`recording fault ${fault} of ${interview}: ${result.stderr.trim()}`)
}
