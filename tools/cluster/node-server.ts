// The server on every node: the interview-env-node-server service, global (one task per node), from
// the interview-env/server image, running scripts/node-server.mjs (node-relay.ts). It is how this
// host reaches each node's engine for what acts in a running interview (the check, faults, keys,
// roles, the recording, the door's and the gateway's terminals, the cockpit): Swarm deploys it,
// the node's gate (node-gate.py) lets it alone through to the engine, and mutual TLS lets only
// this host in. A Swarm service cannot run with the host's users, so this is its way to the socket.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { UserError } from '../core/errors.ts'
import { sleep } from '../core/sleep.ts'
import { dockerAt, trustEngineAt } from '../engine/docker-at.ts'
import type { ClusterLayout, ClusterNode } from './layout.ts'
import { nodeCertsOf, type NodeCerts } from './node-certs.ts'
import { gateFolder, gateFolderIn, GATE_IN_CONTAINER } from './node-gate.ts'
import { NODE_SERVER_PORT } from './node-relay.ts'

export const NODE_SERVER_SERVICE = 'interview-env-node-server'
export const NODE_SERVER_LABEL = 'interview-env.node-server'
/** The image the service runs, built on the interview engine and shared through the cluster's registry. */
export const NODE_SERVER_IMAGE = 'interview-env/server'

/** Where this host reaches a node's engine: its node server (a DOCKER_HOST value, TLS from the cluster's certificates). */
export function nodeServerHost(layout: ClusterLayout, node: ClusterNode): string {
  const host = `tcp://${node.address}:${NODE_SERVER_PORT}`
  trustEngineAt(host, nodeCertsOf(layout).clientDir)
  return host
}

const SECRETS = [
  ['interview-env-node-ca', 'ca.pem', 'ca'],
  ['interview-env-node-cert', 'server-cert.pem', 'cert'],
  ['interview-env-node-key', 'server-key.pem', 'key'],
] as const

async function ensureSecrets(manager: Docker, certs: NodeCerts): Promise<SecretRef[]> {
  const existing = await manager.listSecrets()
  const refs = []
  for (const [name, file, part] of SECRETS) {
    let id = existing.find((secret) => secret.Spec?.Name === name)?.ID
    if (!id) {
      const data = readFileSync(certs.server[part]).toString('base64')
      id = ((await manager.createSecret({ Name: name, Data: data, Labels: { [NODE_SERVER_LABEL]: 'true' } })) as { id: string }).id
    }
    refs.push({ SecretID: id, SecretName: name, File: { Name: file, UID: '0', GID: '0', Mode: 0o400 } })
  }
  return refs
}

type SecretRef = { SecretID: string; SecretName: string; File: { Name: string; UID: string; GID: string; Mode: number } }

/**
 * The service: one task per node, the server image pinned, the gate's folder of each node bound by
 * the node's hostname (a Swarm template), the certificates as secrets, no capability, the node's
 * default bridge (a service may not share the node's network where users are remapped; and a
 * Swarm-scoped network of a fixed name is refused by a node that died and came back, as "exists"),
 * and its port published on the node.
 */
export function nodeServerServiceSpec(layout: ClusterLayout, image: string, secrets: SecretRef[]): Docker.CreateServiceOptions {
  return {
    Name: NODE_SERVER_SERVICE,
    Labels: { [NODE_SERVER_LABEL]: 'true' },
    Mode: { Global: {} },
    TaskTemplate: {
      ContainerSpec: {
        Image: image,
        Command: ['/usr/bin/tini', '--', 'node', 'node_modules/zx/build/cli.js', 'scripts/node-server.mjs'],
        Args: ['--gate', `${GATE_IN_CONTAINER}/docker.sock`, '--certs', '/run/secrets', '--port', String(NODE_SERVER_PORT)],
        Labels: { [NODE_SERVER_LABEL]: 'true' },
        Mounts: [
          {
            Type: 'bind',
            Source: gateFolderIn(join(layout.runDir, '{{.Node.Hostname}}')),
            Target: GATE_IN_CONTAINER,
          },
          // The image's state volume holds nothing of a node server's: no volume left on the node per task.
          { Type: 'tmpfs', Target: '/var/lib/interview-env-server', TmpfsOptions: { SizeBytes: 1024 * 1024 } },
        ],
        Secrets: secrets,
        // Its only privilege is the engine, through the gate: no capability at all.
        CapabilityDrop: ['ALL'],
        StopGracePeriod: 5_000_000_000,
      },
      Resources: { Limits: { MemoryBytes: 256 * 1024 * 1024, Pids: 256 } },
      RestartPolicy: { Condition: 'any', Delay: 1_000_000_000 },
    },
    EndpointSpec: {
      Mode: 'dnsrr',
      Ports: [{ Protocol: 'tcp', TargetPort: NODE_SERVER_PORT, PublishedPort: NODE_SERVER_PORT, PublishMode: 'host' }],
    },
  } as unknown as Docker.CreateServiceOptions
}

/**
 * Starts the node servers unless their service exists: `image` is the server image as the nodes
 * pull it (pinned by digest). The gate's folder of each node is bound by the node's hostname.
 */
export async function deployNodeServers(layout: ClusterLayout, manager: Docker, image: string, certs: NodeCerts): Promise<void> {
  const services = await manager.listServices({ filters: JSON.stringify({ name: [NODE_SERVER_SERVICE] }) })
  if (services.some((service) => service.Spec?.Name === NODE_SERVER_SERVICE)) return
  const secrets = await ensureSecrets(manager, certs)
  await manager.createService(nodeServerServiceSpec(layout, image, secrets))
}

/** Waits until the node server of every node that is ready in the Swarm answers, through TLS, with its node's engine. */
export async function waitForNodeServers(layout: ClusterLayout, nodes: ClusterNode[], seconds = 120): Promise<void> {
  for (const node of nodes) {
    const engine = dockerAt(nodeServerHost(layout, node))
    let answer: string | undefined
    for (let tries = 0; tries < seconds * 2 && !answer; tries++) {
      answer = await engine.info().then(
        (info) => info.Name as string,
        () => undefined,
      )
      if (!answer) await sleep(500)
    }
    if (answer !== node.name)
      throw new UserError(
        `the node server of ${node.name} did not answer at ${node.address}:${NODE_SERVER_PORT}${answer ? ` (${answer} did)` : ''}`,
        `see its task: docker service ps ${NODE_SERVER_SERVICE} (on the manager), and ${gateFolder(node)}/../gate.log`,
      )
  }
}
