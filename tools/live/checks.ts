// The interviewer's check: the task's check script, read from this repository at check time, run in
// the checker (engine/checker.ts) on its own tools, so neither a check nor a tool the candidate replaced in
// the box can stand in for it. The result goes into the timeline from here, never through the box.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { connectDocker, type Docker } from '../engine/docker.ts'
import { LABEL } from '../engine/names.ts'
import { listFaults } from './faults.ts'
import { appliedFaults, runInChecker } from '../engine/checker.ts'
import { UserError } from '../core/errors.ts'
import { sleep } from '../core/sleep.ts'
import { interviewImage } from '../interviews/find.ts'
import { appendEvent, castClock } from '../recording/events.ts'

export interface CheckResult {
  ok: boolean
  /** `OK`, or `NO: what is still wrong`. */
  message: string
}

export interface CheckOptions {
  /** Pause between the two runs that must both say OK, so a passing moment does not pass. */
  recheckDelayMs?: number
  /** Time limit of one run. */
  timeoutSeconds?: number
  /** Who asked, on the timeline: an interviewer's name in the cockpit; `interviewer` from the CLI. */
  by?: string
  /** The engine that runs the box (default: DOCKER_HOST's); a Swarm node's for an interview on a Swarm. */
  docker?: Docker
}

/** What one run of a check printed and returned, read as a verdict. */
export function verdict(exitCode: number | null, output: string): CheckResult {
  const first =
    output
      .split('\n')
      .map((line) => line.trim())
      .find(Boolean) ?? ''
  if (exitCode === 0 && first === 'OK') return { ok: true, message: 'OK' }
  if (exitCode === 124 || exitCode === 137) return { ok: false, message: 'NO: the check ran out of time' }
  if (/^NO\b/.test(first)) return { ok: false, message: first }
  return { ok: false, message: `NO: the check failed (exit ${exitCode})` }
}

/** Runs the task's check in the interview twice, a few seconds apart; both runs must say OK. */
export async function checkInterview(name: string, options: CheckOptions = {}): Promise<CheckResult> {
  const docker = options.docker ?? (await connectDocker())
  const { container, task, image } = await interviewImage(docker, name)
  if (image.kind !== 'task')
    throw new UserError(
      `interview "${name}" runs ${task}, which has no check`,
      'checks come with task images: npx zx scripts/list.mjs --images',
    )
  const timeout = options.timeoutSeconds ?? 20
  // The check of each fault applied live (scripts/break.mjs), then the task's own: all must say OK.
  // A fault's check goes first, as its NO says exactly what that fault left broken.
  const faults = listFaults(image)
  // A task without a library of faults has none applied: no container is started to read the record.
  const applied = faults.length ? (await appliedFaults(docker, name)).flatMap((name) => faults.filter((fault) => fault.name === name)) : []
  const checks = [
    ...applied.map((fault) => ({ file: join(fault.dir, 'check'), label: `(fault ${fault.name}) ` })),
    { file: join(image.dir, 'check'), label: '' },
  ]
  const runOnce = async (): Promise<CheckResult> => {
    for (const { file, label } of checks) {
      const run = await runInChecker(docker, container, name, file, timeout)
      const result = verdict(run.exitCode, run.stdout)
      if (!result.ok) return { ...result, message: result.message.replace(/^NO: /, `NO: ${label}`) }
    }
    return verdict(0, 'OK')
  }
  const first = await runOnce()
  const result = first.ok ? (await sleep(options.recheckDelayMs ?? 2000), await runOnce()) : first
  const recording = (await container.inspect()).Config.Labels[LABEL.recording]
  if (recording && existsSync(recording))
    appendEvent(recording, {
      t: castClock(recording),
      type: 'check',
      by: options.by ?? 'interviewer',
      result: result.message.split('\n')[0],
    })
  return result
}
