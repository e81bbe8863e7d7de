// The interview benchmark (bench/interviews.mjs): ready time, stop time, idle memory, concurrency.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { $ } from 'zx'
import { formatMiB, formatMs, idleMemory, median, recordBenchmark } from './common.ts'
import type { InterviewDetails } from '../interviews/card.ts'
import { connectDocker } from '../engine/docker.ts'
import { runInterview } from '../interviews/start.ts'
import { stopInterviews } from '../interviews/stop.ts'
import { newKeyPair } from '../core/ssh-keys.ts'
import { containerName } from '../engine/names.ts'
import { sleep } from '../core/sleep.ts'

export async function benchmarkInterviews(options: { runs: number; max: number; write?: boolean }): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'))
  const pair = newKeyPair('bench')
  writeFileSync(join(dir, 'id'), pair.privateKey, { mode: 0o600 })
  writeFileSync(join(dir, 'id.pub'), pair.publicKey)
  const ssh = (port: number, command = 'true') =>
    $({
      quiet: true,
      nothrow: true,
    })`ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes -o IdentitiesOnly=yes -i ${join(dir, 'id')} -p ${port} user@127.0.0.1 ${command}`
  const timed = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
    const start = performance.now()
    const value = await fn()
    return [performance.now() - start, value]
  }
  const quiet = { log: () => {} }
  const docker = await connectDocker()
  await stopInterviews([], { all: true })

  // 1. run → first real OpenSSH login, and stop, from a built image.
  const ready: number[] = []
  const stop: number[] = []
  for (let i = 0; i < options.runs; i++) {
    const name = `bench-${i}`
    const [ms] = await timed(async () => {
      const details = await runInterview('base', { name, keys: [join(dir, 'id.pub')], ...quiet })
      const login = await ssh(details.port)
      if (login.exitCode !== 0) throw new Error(`login failed: ${login.stderr}`)
      return details
    })
    ready.push(ms)
    stop.push((await timed(() => stopInterviews([name])))[0])
  }
  // The same through the CLI, Node start-up included.
  const cli: number[] = []
  for (let i = 0; i < 5; i++) {
    const [ms] = await timed(() => $({ quiet: true })`node_modules/.bin/zx scripts/run.mjs base --name bench-cli-${i} --json`)
    cli.push(ms)
    await stopInterviews([`bench-cli-${i}`])
  }

  // 2. Concurrency: add interviews until a new login takes over 2 s (or --max is reached).
  const running: InterviewDetails[] = []
  let held = 0
  let limit = ''
  const idle: number[] = []
  for (let n = 1; n <= options.max; n++) {
    let details: InterviewDetails
    try {
      details = await runInterview('base', { name: `bench-c${n}`, keys: [join(dir, 'id.pub')], ...quiet })
    } catch (error) {
      limit = `starting interview ${n} failed: ${(error as Error).message}`
      break
    }
    running.push(details)
    await ssh(details.port, 'tmux new-session -d -s interview')
    const [ms, login] = await timed(() => ssh(running[0]!.port))
    if (login.exitCode !== 0 || ms > 2000) {
      limit = `interview ${n}: a new login took ${formatMs(ms)}`
      break
    }
    held = n
  }
  await sleep(5000)
  for (const details of running) {
    idle.push(idleMemory(await docker.getContainer(containerName(details.name)).stats({ stream: false })))
  }
  await stopInterviews([], { all: true })

  const rows = [
    [
      'run → first OpenSSH login (library, built image)',
      `median ${formatMs(median(ready))}`,
      `${options.runs} runs, min ${formatMs(Math.min(...ready))}, max ${formatMs(Math.max(...ready))}`,
      '≤ 1.5 s',
    ],
    ['`npx zx scripts/run.mjs base` wall time (Node start-up included)', `median ${formatMs(median(cli))}`, `${cli.length} runs`, ''],
    ['stop', `median ${formatMs(median(stop))}`, `${options.runs} runs`, ''],
    [
      'idle memory per interview (sshd + tmux session + shell)',
      `median ${formatMiB(median(idle))}`,
      `${idle.length} interviews, max ${formatMiB(Math.max(...idle))}`,
      '≤ 32 MiB',
    ],
    ['concurrent interviews with a new login ≤ 2 s', `${held}`, limit || `stopped at --max ${options.max}`, '≥ 25'],
  ]
  const machine = `Docker ${(await docker.version()).Version}`
  return recordBenchmark('Interviews of the base image', machine, ['measure', 'result', 'detail', 'target'], rows, options.write)
}
