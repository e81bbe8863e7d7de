// The hundred-interview benchmark (bench/hundred.mjs): N concurrent recorded idle interviews of
// `base` on one host. In one run: a new login's time into the first and the last, the idle CPU per
// interview (containers, recorder and engine, over a minute), the host's memory per interview with
// everything included, the kernel keys in use, and the time to start and to stop them all.
import { readFileSync } from 'node:fs'
import { benchLogin } from './bench-login.ts'
import { formatMiB, formatMs, median, recordBenchmark } from './common.ts'
import { containerCpuMs, hostMemoryInUse, hostProcesses } from './host-usage.ts'
import { connectDocker } from '../engine/docker.ts'
import { keyUsage, remappedRoot } from '../engine/key-quota.ts'
import { containerName } from '../engine/names.ts'
import { runInterview } from '../interviews/start.ts'
import { stopInterviews } from '../interviews/stop.ts'
import { sleep } from '../core/sleep.ts'
import { recordingsRoot } from '../recording/paths.ts'

export interface HundredOptions {
  count: number
  idleSeconds: number
  write?: boolean
  log?: (line: string) => void
}

export async function benchmarkHundred(options: HundredOptions): Promise<string> {
  const log = options.log ?? (() => {})
  const { publicKeyFile, login: loginAt } = benchLogin('hundred')
  const login = (port: number) => loginAt('127.0.0.1', port)
  const docker = await connectDocker()
  const info = await docker.info()
  const keys = () => keyUsage(readFileSync('/proc/key-users', 'utf8'), remappedRoot(info.DockerRootDir) ?? -1)
  await stopInterviews([], { all: true })
  await sleep(3000)
  const memoryBefore = hostMemoryInUse()
  const keysBefore = keys()

  const names = Array.from({ length: options.count }, (_, i) => `hundred-${i + 1}`)
  const ports: number[] = []
  const startedAt = performance.now()
  for (const name of names) {
    const details = await runInterview('base', { name, keys: [publicKeyFile], record: true, log: () => {} })
    ports.push(details.port)
    if (ports.length % 10 === 0) log(`${ports.length} started`)
  }
  const startAll = performance.now() - startedAt
  const firstLogins: number[] = []
  const lastLogins: number[] = []
  for (let i = 0; i < 5; i++) {
    firstLogins.push(await login(ports[0]!))
    lastLogins.push(await login(ports.at(-1)!))
  }
  log(`idle for ${options.idleSeconds} s`)
  await sleep(10_000)
  const ids = await Promise.all(names.map(async (name) => (await docker.getContainer(containerName(name)).inspect()).Id))
  const containersBefore = ids.map(containerCpuMs)
  const hostBefore = hostProcesses(recordingsRoot())
  await sleep(options.idleSeconds * 1000)
  const containersAfter = ids.map(containerCpuMs)
  const hostAfter = hostProcesses(recordingsRoot())
  const memoryAfter = hostMemoryInUse()
  const keysAt = keys()

  const perSecond = (ms: number) => ms / options.idleSeconds / options.count
  const containerCpu = perSecond(containersAfter.reduce((sum, after, i) => sum + (after - containersBefore[i]!), 0))
  const recorderCpu = perSecond(hostAfter.recorder.cpuMs - hostBefore.recorder.cpuMs)
  const engineCpu = perSecond(hostAfter.engine.cpuMs - hostBefore.engine.cpuMs)
  const memoryPer = (memoryAfter - memoryBefore) / options.count

  const stoppedAt = performance.now()
  await stopInterviews(names)
  const stopAll = performance.now() - stoppedAt

  const n = options.count
  const rows = [
    [
      `new login into the 1st / the ${n}th (median of 5)`,
      `${formatMs(median(firstLogins))} / ${formatMs(median(lastLogins))}`,
      '≤ 1 s',
      'not measured (the 29th did not start)',
    ],
    [
      'idle CPU per interview, all-in',
      `${(containerCpu + recorderCpu + engineCpu).toFixed(2)} ms/s (container ${containerCpu.toFixed(2)}, recorder ${recorderCpu.toFixed(2)}, engine ${engineCpu.toFixed(2)})`,
      '≤ 2 ms/s',
      '~16 ms/s in the container alone',
    ],
    [
      'host memory per interview, all-in',
      `${formatMiB(memoryPer)} (the one recorder ${formatMiB(hostAfter.recorder.rssBytes)} RSS; engine ${formatMiB(hostAfter.engine.rssBytes)} RSS in ${hostAfter.engine.count})`,
      '≤ 16 MiB',
      '69 MiB (a 92 MiB recorder per interview)',
    ],
    [
      `kernel keys of the remapped root at ${n}`,
      keysAt
        ? `${keysAt.keys - (keysBefore?.keys ?? 0)} keys, ${keysAt.bytes - (keysBefore?.bytes ?? 0)} bytes (quota ${keysAt.maxKeys} / ${keysAt.maxBytes})`
        : 'unknown',
      '< quota',
      '3–4 keys per interview; quota 200',
    ],
    [`start all ${n} (one after another)`, `${(startAll / 1000).toFixed(0)} s (${formatMs(startAll / n)} each)`, '', ''],
    [`stop all ${n}`, `${(stopAll / 1000).toFixed(1)} s`, '', ''],
  ]
  return recordBenchmark(
    `${n} concurrent recorded idle interviews (bench/hundred.mjs)`,
    `the interview engine (${info.Driver}, user namespaces remapped), idle for ${options.idleSeconds} s`,
    ['', 'this run', 'target', 'before (issue 13)'],
    rows,
    options.write,
  )
}
