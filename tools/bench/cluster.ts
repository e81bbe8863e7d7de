// The cluster benchmark (bench/cluster.mjs): N idle interviews of `base` spread by Swarm over the
// local cluster's nodes. In one run: how Swarm split them, the time `run --engine swarm` takes, a new
// login's time into the first and the last, and through the front door into one on each node (the door
// on this host reaching each box through its node's node server), the idle CPU per interview (containers, and every
// engine's processes: the nodes' dockerd, containerd and shims), the host's memory per interview with
// everything included, and the time to stop them all.
import { join } from 'node:path'
import { benchLogin } from './bench-login.ts'
import { formatMiB, formatMs, median, recordBenchmark } from './common.ts'
import { containerCpuMs, hostMemoryInUse, hostProcesses } from './host-usage.ts'
import { requireCluster } from '../cluster/cluster.ts'
import { nodeEngine } from '../cluster/node-engine.ts'
import { sleep } from '../core/sleep.ts'
import { ensureDoor } from '../door/daemon.ts'
import { LABEL } from '../engine/names.ts'
import { runInterview } from '../interviews/start.ts'
import { stopSwarmInterviews } from '../interviews/swarm.ts'
import { recordingsRoot } from '../recording/paths.ts'

export interface ClusterBenchOptions {
  count: number
  idleSeconds: number
  write?: boolean
  log?: (line: string) => void
}

export async function benchmarkCluster(options: ClusterBenchOptions): Promise<string> {
  const log = options.log ?? (() => {})
  const layout = requireCluster()
  const { publicKeyFile, login } = benchLogin('cluster')
  await stopSwarmInterviews([], { all: true })
  // The image in the registry first, so that the first run's time is a run's, not a push's.
  await runInterview('base', { engine: 'swarm', name: 'cluster-warm-up', keys: [publicKeyFile], record: false, log: () => {} })
  await stopSwarmInterviews(['cluster-warm-up'])
  await sleep(3000)
  const memoryBefore = hostMemoryInUse()

  const names = Array.from({ length: options.count }, (_, i) => `cluster-${i + 1}`)
  const started: { host: string; port: number; node: string }[] = []
  const runTimes: number[] = []
  const startedAt = performance.now()
  for (const name of names) {
    const runStart = performance.now()
    const details = await runInterview('base', { engine: 'swarm', name, keys: [publicKeyFile], record: false, log: () => {} })
    runTimes.push(performance.now() - runStart)
    started.push({ host: details.bind, port: details.port, node: details.node ?? '?' })
    if (started.length % 10 === 0) log(`${started.length} started`)
  }
  const startAll = performance.now() - startedAt
  const split = layout.nodes.map((node) => `${node.name} ${started.filter((one) => one.node === node.name).length}`)
  const first = started[0]!
  const last = started.at(-1)!
  const firstLogins: number[] = []
  const lastLogins: number[] = []
  for (let i = 0; i < 5; i++) {
    firstLogins.push(await login(first.host, first.port))
    lastLogins.push(await login(last.host, last.port))
  }
  // Through the front door (the default): a door of its own on this host, and a box behind it on each node.
  const doorPort = 7890 + Math.floor(Math.random() * 100)
  const door = await ensureDoor('127.0.0.1', doorPort, () => {})
  if (!door.pid) throw new Error(`a front door already answers on port ${doorPort}: run the benchmark again`)
  const doorLogins = new Map<string, number[]>()
  const doorNames = layout.nodes.map((node) => `cluster-door-${node.name}`)
  try {
    for (const [i, node] of layout.nodes.entries()) {
      await runInterview('base', {
        engine: 'swarm',
        name: doorNames[i],
        keys: [publicKeyFile],
        record: false,
        constraints: [`node.hostname==${node.name}`],
        door: { port: doorPort, start: async () => door.fingerprint },
        log: () => {},
      })
      const times: number[] = []
      for (let j = 0; j < 5; j++) times.push(await login('127.0.0.1', doorPort, doorNames[i]))
      doorLogins.set(node.name, times)
    }
  } finally {
    await stopSwarmInterviews(doorNames).catch(() => undefined)
    process.kill(door.pid)
  }
  const direct = new Map([
    [first.node, firstLogins],
    [last.node, lastLogins],
  ])
  log(`idle for ${options.idleSeconds} s`)
  await sleep(10_000)
  const filters = JSON.stringify({ label: [`${LABEL.managed}=true`, `${LABEL.role}=interview`] })
  const ids = (await Promise.all(layout.nodes.map((node) => nodeEngine(node).listContainers({ filters })))).flat().map((info) => info.Id)
  const containersBefore = ids.map(containerCpuMs)
  const hostBefore = hostProcesses(recordingsRoot())
  await sleep(options.idleSeconds * 1000)
  const containersAfter = ids.map(containerCpuMs)
  const hostAfter = hostProcesses(recordingsRoot())
  const memoryAfter = hostMemoryInUse()

  const n = options.count
  const perSecond = (ms: number) => ms / options.idleSeconds / n
  const containerCpu = perSecond(containersAfter.reduce((sum, after, i) => sum + (after - containersBefore[i]!), 0))
  const engineCpu = perSecond(hostAfter.engine.cpuMs - hostBefore.engine.cpuMs)
  const memoryPer = (memoryAfter - memoryBefore) / n

  const stoppedAt = performance.now()
  await stopSwarmInterviews(names)
  const stopAll = performance.now() - stoppedAt

  const rows = [
    ['interviews per node (Swarm spread)', split.join(', '), ''],
    [
      '`run --engine swarm`, to a real login (median / slowest)',
      `${formatMs(median(runTimes))} / ${formatMs(Math.max(...runTimes))}`,
      `${(startAll / 1000).toFixed(0)} s for all ${n}, one after another`,
    ],
    [
      `new login into the 1st / the ${n}th (median of 5)`,
      `${formatMs(median(firstLogins))} / ${formatMs(median(lastLogins))}`,
      `at ${first.node} / ${last.node}`,
    ],
    ...layout.nodes.map((node) => {
      const viaDoor = median(doorLogins.get(node.name) ?? [])
      const straight = direct.get(node.name)
      return [
        `new login through the front door, box on ${node.name} (median of 5)`,
        formatMs(viaDoor),
        straight ? `${(viaDoor / median(straight)).toFixed(2)}× the direct login at ${node.name}` : '',
      ]
    }),
    [
      'idle CPU per interview, all-in',
      `${(containerCpu + engineCpu).toFixed(2)} ms/s (container ${containerCpu.toFixed(2)}, engines ${engineCpu.toFixed(2)})`,
      `${options.idleSeconds} s idle; engines: every dockerd, containerd and shim on the host, the nodes' and the interview engine's`,
    ],
    [
      'host memory per interview, all-in',
      `${formatMiB(memoryPer)}`,
      `engines ${formatMiB(hostAfter.engine.rssBytes)} RSS in ${hostAfter.engine.count} processes`,
    ],
    [`stop all ${n}`, `${(stopAll / 1000).toFixed(1)} s`, ''],
  ]
  return recordBenchmark(
    `${n} idle interviews on the local two-node Swarm (bench/cluster.mjs)`,
    `the local cluster of scripts/cluster.mjs (${layout.nodes.length} nodes, users remapped, no recording), idle for ${options.idleSeconds} s`,
    ['', 'this run', 'notes'],
    rows,
    options.write,
  )
}
