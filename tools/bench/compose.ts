// The multi-service benchmark (bench/compose.mjs): what a task's services cost, against a
// one-container task in the same run: time from run to ready, stop, idle memory, image sizes.
import { formatMiB, formatMs, idleMemory, median, recordBenchmark } from './common.ts'
import { ensureImage } from '../images/build.ts'
import { composeTaskOf, findImage } from '../images/list.ts'
import { connectDocker, type Docker } from '../engine/docker.ts'
import { runInterview } from '../interviews/start.ts'
import { stopInterviews } from '../interviews/stop.ts'
import { LABEL } from '../engine/names.ts'
import { sleep } from '../core/sleep.ts'

interface Measured {
  ready: number[]
  stop: number[]
  /** Idle memory of the whole interview (box and services), one figure per run. */
  memory: number[]
  containers: number
}

const timed = async (fn: () => Promise<unknown>): Promise<number> => {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

async function interviewMemory(docker: Docker, name: string): Promise<{ bytes: number; containers: number }> {
  const filters = JSON.stringify({ label: [`${LABEL.interview}=${name}`] })
  const containers = await docker.listContainers({ filters })
  const bytes = await Promise.all(containers.map(async (info) => idleMemory(await docker.getContainer(info.Id).stats({ stream: false }))))
  return { bytes: bytes.reduce((sum, b) => sum + b, 0), containers: containers.length }
}

async function measure(docker: Docker, task: string, runs: number, settleMs: number): Promise<Measured> {
  const result: Measured = { ready: [], stop: [], memory: [], containers: 0 }
  for (let i = 0; i < runs; i++) {
    const name = `bench-compose-${task}-${i}`
    result.ready.push(await timed(() => runInterview(task, { name, record: false, log: () => {} })))
    await sleep(settleMs)
    const memory = await interviewMemory(docker, name)
    result.memory.push(memory.bytes)
    result.containers = memory.containers
    result.stop.push(await timed(() => stopInterviews([name])))
  }
  return result
}

export async function benchmarkCompose(options: { task: string; against: string; runs: number; write?: boolean }): Promise<string> {
  const docker = await connectDocker()
  const compose = composeTaskOf(findImage(options.task))
  if (!compose) throw new Error(`${options.task} has no compose.yaml`)
  for (const task of [options.against, options.task]) await ensureImage(docker, task, { log: () => {} })
  const single = await measure(docker, options.against, options.runs, 5000)
  const multi = await measure(docker, options.task, options.runs, 5000)
  const ratio = (a: number[], b: number[]) => `${(median(b) / median(a)).toFixed(1)}×`
  const size = async (tag: string) => (await docker.getImage(tag).inspect()).Size
  const base = await size('interview-env/base')
  const sizes = await Promise.all(compose.services.map(async (service) => `${service.name} ${formatMiB(await size(service.image))}`))
  const rows = [
    [
      'run → ready (library, built images; services healthy)',
      formatMs(median(single.ready)),
      formatMs(median(multi.ready)),
      ratio(single.ready, multi.ready),
    ],
    ['stop (the services included)', formatMs(median(single.stop)), formatMs(median(multi.stop)), ratio(single.stop, multi.stop)],
    [
      `idle memory of the whole interview, 5 s after start`,
      `${formatMiB(median(single.memory))} (${single.containers} container)`,
      `${formatMiB(median(multi.memory))} (${multi.containers} containers)`,
      ratio(single.memory, multi.memory),
    ],
    [
      'images',
      `+${formatMiB((await size(findImage(options.against).tag)) - base)} over base`,
      `box +${formatMiB((await size(findImage(options.task).tag)) - base)} over base; ${sizes.join(', ')}`,
      '',
    ],
  ]
  const machine = `Docker ${(await docker.version()).Version}, medians of ${options.runs} runs each, in one run`
  return recordBenchmark(
    'Multi-service interviews',
    machine,
    [
      'measure',
      `\`${options.against}\` (one container)`,
      `\`${options.task}\` (box + ${compose.services.map((s) => s.name).join(' + ')})`,
      'ratio',
    ],
    rows,
    options.write,
  )
}
