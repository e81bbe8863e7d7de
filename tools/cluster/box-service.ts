// An interview's box as a Swarm service: the same container a single engine would run (spec.ts's
// containerSpec), as one replica that is never restarted (a candidate must not land on a fresh
// machine), on the interview's own bridge on the node that runs it. Behind the front door its SSH
// is published nowhere (the door on the manager's host reaches it through the node's engine); with
// --no-door it is published in host mode on that node. Pure, so it is unit-tested.
import type Docker from 'dockerode'

export interface Placement {
  /** Swarm placement constraints, e.g. node.hostname==ie-worker1 or node.labels.desktop==true. */
  constraints: string[]
  /** The image as the nodes pull it (the cluster's registry). */
  image: string
  /** The node's port for SSH, or undefined for one the node picks. */
  port?: number
  /** Whether SSH is published on the node (--no-door); behind the front door it is not. */
  publish: boolean
  /** A multi-service task's overlay network, which the box joins as `box` (swarm-services.ts). */
  servicesNetwork?: string
}

export function boxServiceSpec(container: Docker.ContainerCreateOptions, placement: Placement): Docker.CreateServiceOptions {
  const host = container.HostConfig ?? {}
  const network = host.NetworkMode!
  const aliases = container.NetworkingConfig?.EndpointsConfig?.[network]?.Aliases ?? []
  return {
    Name: container.name,
    Labels: container.Labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: placement.image,
        Hostname: container.Hostname,
        Env: container.Env,
        Labels: container.Labels,
        CapabilityAdd: host.CapAdd ?? [],
        // A service takes no --shm-size: a desktop's browser gets its /dev/shm as a tmpfs of that size.
        Mounts: host.ShmSize ? [{ Type: 'tmpfs', Target: '/dev/shm', TmpfsOptions: { SizeBytes: host.ShmSize } }] : [],
        StopGracePeriod: (container.StopTimeout ?? 3) * 1e9,
        // Swarm acts on the image's health check: it would hold the task in "starting" for the first
        // interval (5 minutes), and end a box that a candidate made unhealthy. The tools wait for a
        // real SSH login instead, as on one engine.
        HealthCheck: { Test: ['NONE'] },
      },
      Resources: { Limits: { NanoCPUs: host.NanoCpus, MemoryBytes: host.Memory, Pids: host.PidsLimit } },
      RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
      Placement: { Constraints: placement.constraints },
      Networks: [
        { Target: network, Aliases: aliases },
        ...(placement.servicesNetwork ? [{ Target: placement.servicesNetwork, Aliases: aliases }] : []),
      ],
    },
    Mode: { Replicated: { Replicas: 1 } },
    // dnsrr: no virtual IP, which a bridge network has not (and which did not answer across nodes here).
    EndpointSpec: {
      Mode: 'dnsrr',
      Ports: placement.publish
        ? [{ Protocol: 'tcp', TargetPort: 22, PublishMode: 'host', ...(placement.port ? { PublishedPort: placement.port } : {}) }]
        : [],
    },
  } as Docker.CreateServiceOptions
}

/**
 * The interview's network on a Swarm: a bridge of its own on the node that runs the box (a Swarm-scoped
 * bridge network, its settings from the config-only network each node holds), as on one engine. Not
 * an overlay: a task on an overlay network is also put on the node's docker_gwbridge, one segment
 * that every box of the node would share, where a box that is root could answer ARP for another's
 * address and take its logins. It carries no labels (Docker takes none with a config network): `stop`
 * finds it by its name.
 */
export function boxNetworkSpec(network: Docker.NetworkCreateOptions, config: string): Docker.NetworkCreateOptions {
  // A network made from a config network takes no settings of its own, labels included: it is found by its name.
  return {
    Name: network.Name,
    Driver: 'bridge',
    Scope: 'swarm',
    ConfigFrom: { Network: config },
    CheckDuplicate: true,
  } as Docker.NetworkCreateOptions
}
