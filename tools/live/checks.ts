// The interviewer's check: the task's check script, read from this repository and sent into the
// interview at check time, so nothing the candidate changed inside can stand in for it.
import { join } from 'node:path'
import { connectDocker, execIn } from '../engine/docker.ts'
import { appliedFaults, listFaults, runScriptIn } from './faults.ts'
import { UserError } from '../core/errors.ts'
import { sleep } from '../core/sleep.ts'
import { interviewImage } from '../interviews/find.ts'

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
  const { container, task, image } = await interviewImage(await connectDocker(), name)
  if (image.kind !== 'task')
    throw new UserError(
      `interview "${name}" runs ${task}, which has no check`,
      'checks come with task images: npx zx scripts/list.mjs --images',
    )
  const timeout = options.timeoutSeconds ?? 20
  // The check of each fault applied live (scripts/break.mjs), then the task's own: all must say OK.
  // A fault's check goes first, as its NO says exactly what that fault left broken.
  const faults = listFaults(image)
  const applied = (await appliedFaults(container)).flatMap((name) => faults.filter((fault) => fault.name === name))
  const checks = [
    ...applied.map((fault) => ({ file: join(fault.dir, 'check'), label: `(fault ${fault.name}) ` })),
    { file: join(image.dir, 'check'), label: '' },
  ]
  const runOnce = async (): Promise<CheckResult> => {
    for (const { file, label } of checks) {
      const run = await runScriptIn(container, file, timeout)
      const result = verdict(run.exitCode, run.stdout)
      if (!result.ok) return { ...result, message: result.message.replace(/^NO: /, `NO: ${label}`) }
    }
    return verdict(0, 'OK')
  }
  const first = await runOnce()
  const result = first.ok ? (await sleep(options.recheckDelayMs ?? 2000), await runOnce()) : first
  // Into the interview's timeline, beside the candidate's own `task check` (the recorder reads it).
  const line = `${Math.floor(Date.now() / 1000)} interviewer ${result.message.split('\n')[0]}`
  await execIn(container, [
    'bash',
    '-c',
    'mkdir -p /var/lib/interview && printf "%s\\n" "$1" >> /var/lib/interview/checks.log && chmod 644 /var/lib/interview/checks.log; /usr/local/lib/interview/feed-wake',
    'log',
    line,
  ]).catch(() => undefined)
  return result
}
