// The box of an interview as data: its network and its container (image, labels, environment, limits,
// capabilities, network, port). Pure, so every part is unit-tested; start.ts hands them to the engine.
import type Docker from 'dockerode'
import { interviewLabels, LABEL, containerName, networkName } from '../engine/names.ts'
import { parseMemory, storageSize, type Limits } from '../engine/security.ts'
import { BOX_ALIAS } from '../tasks/compose-file.ts'

/** Everything the box's container is made from, decided before the engine is asked for anything. */
export interface BoxSpec {
  name: string
  task: string
  /** The image tag to run. */
  image: string
  variant?: string
  /** The candidate's password, or null for key login only. */
  password: string | null
  /** authorized_keys lines of the candidate. */
  keys: string[]
  /** The public key of the readiness probe (ssh-login.ts). */
  probeKey: string
  /** `interviewer <key line>` and `observer <key line>` lines. */
  participants: string[]
  bind: string
  /** The host port, or undefined for a free one. */
  port?: number
  capAdd: string[]
  limits: Limits
  desktop: boolean
  /** When a time limit ends the interview (ms since the epoch). */
  endsAt?: number
  recordingDir?: string
  noExec?: boolean
  /** The browser links' labels (web/tokens.ts). */
  web?: { labels: Record<string, string> }
  /** The shared desktop's labels and environment (web/desktop-access.ts). */
  screen?: { labels: Record<string, string>; env: string[] }
  /** The front door's labels (door/access.ts): participants come in through the host, and the box's sshd is not published. */
  door?: Record<string, string>
}

/** The interview's own bridge network, labelled like everything it owns. */
export function networkSpec(spec: Pick<BoxSpec, 'name' | 'task'>): Docker.NetworkCreateOptions {
  return { Name: networkName(spec.name), Driver: 'bridge', Labels: interviewLabels(spec.name, spec.task), CheckDuplicate: true }
}

/** The box's container. */
export function containerSpec(spec: BoxSpec): Docker.ContainerCreateOptions {
  const { name, task, variant, endsAt, recordingDir, limits } = spec
  return {
    name: containerName(name),
    Image: spec.image,
    Hostname: name,
    // The variant goes to the task's start script (and its services) as INTERVIEW_VARIANT, and into a
    // label for the interviewer's tools; the candidate's task text never names it.
    Labels: {
      ...interviewLabels(name, task),
      ...(variant ? { [LABEL.variant]: variant } : {}),
      ...spec.web?.labels,
      ...spec.screen?.labels,
      ...(endsAt ? { [LABEL.endsAt]: new Date(endsAt).toISOString() } : {}),
      ...(recordingDir ? { [LABEL.recording]: recordingDir } : {}),
      ...spec.door,
    },
    Env: [
      `INTERVIEW_NAME=${name}`,
      `INTERVIEW_TASK=${task}`,
      ...(variant ? [`INTERVIEW_VARIANT=${variant}`] : []),
      `INTERVIEW_PASSWORD=${spec.password ?? ''}`,
      `INTERVIEW_AUTHORIZED_KEYS=${spec.keys.join('\n')}`,
      `INTERVIEW_PROBE_KEY=${spec.probeKey}`,
      ...(spec.screen?.env ?? []),
      ...(endsAt ? [`INTERVIEW_ENDS_AT=${Math.floor(endsAt / 1000)}`] : []),
      `INTERVIEW_PARTICIPANTS=${spec.participants.join('\n')}`,
      ...(spec.noExec ? ['INTERVIEW_NO_EXEC=1'] : []),
    ],
    ExposedPorts: { '22/tcp': {} },
    StopTimeout: 3,
    HostConfig: {
      NetworkMode: networkName(name),
      ...(spec.door ? {} : { PortBindings: { '22/tcp': [{ HostIp: spec.bind, HostPort: spec.port ? String(spec.port) : '' }] } }),
      CapAdd: spec.capAdd,
      Memory: parseMemory(limits.memory),
      MemorySwap: parseMemory(limits.memory),
      NanoCpus: Math.round(limits.cpus * 1e9),
      PidsLimit: limits.pids,
      // The engine caps what the container writes (btrfs, or overlay2 on XFS with project quotas).
      ...(storageSize(limits.disk) ? { StorageOpt: { size: storageSize(limits.disk)! } } : {}),
      ...(spec.desktop ? { ShmSize: 512 * 1024 * 1024 } : {}),
      RestartPolicy: { Name: 'no' },
    },
    // The services of a multi-service task reach the candidate's machine by this name.
    NetworkingConfig: { EndpointsConfig: { [networkName(name)]: { Aliases: [BOX_ALIAS] } } },
  }
}
