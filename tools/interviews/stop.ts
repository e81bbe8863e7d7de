// Stopping interviews: removing everything they own, and letting their recorders finish.
import type Docker from 'dockerode'
import { UserError } from '../core/errors.ts'
import { connectDocker } from '../engine/docker.ts'
import { LABEL } from '../engine/names.ts'
import { waitForRecorder } from '../recording/daemon.ts'
import { forgetKeys } from '../door/key-changes.ts'
import { interviewResources, unknownInterview } from './find.ts'

/**
 * Removes everything an interview owns: containers (stopped first), networks, volumes. The services
 * of a multi-service task and their volumes carry the interview's labels too (compose-file.ts), so
 * they go the same way, each container stopped with the signal its compose file gave it.
 */
export async function removeInterview(docker: Docker, found: Awaited<ReturnType<typeof interviewResources>>): Promise<void> {
  await Promise.all(
    found.containers.map(async (info) => {
      const container = docker.getContainer(info.Id)
      if (info.State === 'running') await container.stop({ t: 3 }).catch(() => undefined)
      await container.remove({ force: true, v: true }).catch(() => undefined)
    }),
  )
  for (const network of found.networks)
    await docker
      .getNetwork(network.Id)
      .remove()
      .catch(() => undefined)
  for (const volume of found.volumes)
    await docker
      .getVolume(volume.Name)
      .remove()
      .catch(() => undefined)
}

/** Stops the named interviews (or all of them) and removes everything they made. */
export async function stopInterviews(names: string[], options: { all?: boolean; waitForRecorder?: boolean } = {}): Promise<string[]> {
  const docker = await connectDocker()
  if (options.all) {
    const filters = JSON.stringify({ label: [`${LABEL.managed}=true`] })
    const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })])
    names = [...new Set([...containers, ...networks].map((item) => item.Labels?.[LABEL.interview]).filter((n): n is string => !!n))]
  } else if (!names.length) {
    throw new UserError('stop needs interview names, or --all', 'see the running interviews: npx zx scripts/list.mjs')
  }
  const resources = await Promise.all(names.map((name) => interviewResources(docker, name)))
  const unknown = names.find((_, i) => !resources[i]!.containers.length && !resources[i]!.networks.length)
  if (unknown !== undefined) throw await unknownInterview(docker, unknown)
  const recordings = resources.flatMap((found) =>
    found.containers.map((info) => info.Labels[LABEL.recording]).filter((dir): dir is string => !!dir),
  )
  await Promise.all(resources.map((found) => removeInterview(docker, found)))
  // Keys given to the front door while it ran open nothing once the box is gone (they are tied to
  // its container id); the file goes too.
  for (const name of names) forgetKeys(name)
  // Each recorder sees its interview end and completes its files (and the summary).
  if (options.waitForRecorder !== false) await Promise.all(recordings.map((dir) => waitForRecorder(dir)))
  return names
}
