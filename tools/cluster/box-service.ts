// An interview's box as a Swarm service: the same container a single engine would run (spec.ts's
// containerSpec), as one replica that is never restarted (a candidate must not land on a fresh
// machine), its SSH published in host mode on the node that runs it, on the interview's own overlay
// network. Pure, so it is unit-tested.
import type Docker from 'dockerode'

export interface Placement {
  /** Swarm placement constraints, e.g. node.hostname==ie-worker1 or node.labels.desktop==true. */
  constraints: string[]
  /** The image as the nodes pull it (the cluster's registry). */
  image: string
  /** The node's port for SSH, or undefined for one the node picks. */
  port?: number
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
        StopGracePeriod: (container.StopTimeout ?? 3) * 1e9,
        // Swarm acts on the image's health check: it would hold the task in "starting" for the first
        // interval (5 minutes), and end a box that a candidate made unhealthy. The tools wait for a
        // real SSH login instead, as on one engine.
        HealthCheck: { Test: ['NONE'] },
      },
      Resources: { Limits: { NanoCPUs: host.NanoCpus, MemoryBytes: host.Memory, Pids: host.PidsLimit } },
      RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
      Placement: { Constraints: placement.constraints },
      Networks: [{ Target: network, Aliases: aliases }],
    },
    Mode: { Replicated: { Replicas: 1 } },
    // dnsrr: a service's virtual IP does not answer across nodes here (docs/cluster.md).
    EndpointSpec: {
      Mode: 'dnsrr',
      Ports: [{ Protocol: 'tcp', TargetPort: 22, PublishMode: 'host', ...(placement.port ? { PublishedPort: placement.port } : {}) }],
    },
  } as Docker.CreateServiceOptions
}

/** The interview's overlay network, labelled like everything it owns. */
export function overlayNetworkSpec(network: Docker.NetworkCreateOptions): Docker.NetworkCreateOptions {
  return { ...network, Driver: 'overlay', Attachable: false, CheckDuplicate: true }
}
