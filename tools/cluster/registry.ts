// The cluster's registry: Debian's docker-registry on the host's end of the cluster's bridge, where
// every node pulls the interview images from (a Swarm node pulls a service's image even when it has
// it; without a registry it would try Docker Hub first).
import { daemonPid, endDaemon, lastLogLine, startDaemon } from './host-daemon.ts'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { sleep } from '../core/sleep.ts'
import type { ClusterLayout } from './layout.ts'

const files = (layout: ClusterLayout) => ({
  config: join(layout.runDir, 'registry.yml'),
  pid: join(layout.runDir, 'registry.pid'),
  log: join(layout.runDir, 'registry.log'),
  storage: join(layout.dataDir, 'registry'),
})

export const registryPid = (layout: ClusterLayout) => daemonPid(files(layout).pid, 'docker-registry')

const answers = (layout: ClusterLayout) =>
  fetch(`http://${layout.registry}/v2/`, { signal: AbortSignal.timeout(2000) }).then(
    (response) => response.ok,
    () => false,
  )

export async function startRegistry(layout: ClusterLayout): Promise<void> {
  const { config, pid, log, storage } = files(layout)
  if (registryPid(layout) === undefined) {
    if (await answers(layout))
      throw new UserError(
        `something other than the cluster's registry already answers at ${layout.registry}`,
        `stop it, or give the cluster another range: INTERVIEW_CLUSTER_CIDR`,
      )
    mkdirSync(storage, { recursive: true, mode: 0o700 })
    writeFileSync(
      config,
      `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${storage}\nhttp:\n  addr: ${layout.registry}\n`,
      { mode: 0o600 },
    )
    startDaemon('docker-registry', ['serve', config], { pid, log })
  }
  for (let tries = 0; tries < 50; tries++) {
    if (await answers(layout)) return
    await sleep(200)
  }
  const last = lastLogLine(log)
  throw new UserError(
    `the cluster's registry did not answer at ${layout.registry}${last ? ` (its log ends: ${last.slice(0, 200)})` : ''}`,
    `see ${log}; is docker-registry installed (sudo apt-get install docker-registry)?`,
  )
}

export async function stopRegistry(layout: ClusterLayout): Promise<void> {
  const pid = registryPid(layout)
  if (pid !== undefined) await endDaemon(pid)
  rmSync(files(layout).pid, { force: true })
}
