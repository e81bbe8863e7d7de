import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { hostRules, nodeRules } from '../cluster/cluster-fence.ts'
import { checkWorkers, clusterLayout } from '../cluster/layout.ts'
import { dockerdArguments } from '../cluster/node-engine.ts'
import { UserError } from '../core/errors.ts'
import { boxNetworkSpec, boxServiceSpec } from '../cluster/box-service.ts'
import { containerSpec, networkSpec, type BoxSpec } from '../interviews/spec.ts'

const env = { INTERVIEW_ENGINE_RUN: '/run/ie', INTERVIEW_ENGINE_ROOT: '/var/lib/ie' }
const text = (list: string[][]) => list.map((rule) => rule.join(' '))
const REJECT = '-j REJECT --reject-with icmp-admin-prohibited'

test('layout: the host is .1, the manager .2 and the workers after it, each with its own socket and data root', () => {
  const layout = clusterLayout({ workers: 2, env })
  assert.is(layout.hostAddress, '10.211.0.1')
  assert.is(layout.registry, '10.211.0.1:5000')
  assert.equal(
    layout.nodes.map((node) => [node.name, node.role, node.address]),
    [
      ['ie-manager', 'manager', '10.211.0.2'],
      ['ie-worker1', 'worker', '10.211.0.3'],
      ['ie-worker2', 'worker', '10.211.0.4'],
    ],
  )
  assert.is(layout.nodes[1]!.socket, '/run/ie/cluster/ie-worker1/docker.sock')
  assert.is(layout.nodes[1]!.dataRoot, '/var/lib/ie/cluster/ie-worker1')
  assert.is(new Set(layout.nodes.map((node) => node.socket)).size, 3)
  // Interface names are at most 15 characters.
  assert.equal(
    clusterLayout({ workers: 8, env }).nodes.map((node) => node.name),
    ['ie-manager', ...Array.from({ length: 8 }, (_, i) => `ie-worker${i + 1}`)],
  )
  for (const node of clusterLayout({ workers: 8, env }).nodes) assert.ok(node.hostLink.length <= 15, node.hostLink)
})

test('layout: the link comes from INTERVIEW_CLUSTER_CIDR, which must hold the nodes', () => {
  assert.is(clusterLayout({ workers: 1, env: { ...env, INTERVIEW_CLUSTER_CIDR: '10.99.7.0/28' } }).nodes[1]!.address, '10.99.7.3')
  assert.throws(() => clusterLayout({ workers: 1, env: { ...env, INTERVIEW_CLUSTER_CIDR: '10.99.7.0/29' } }), /too small/)
  assert.throws(() => clusterLayout({ workers: 1, env: { ...env, INTERVIEW_CLUSTER_CIDR: 'ten' } }), /not an IPv4 range/)
})

test('workers: 1 to 8, whole numbers; anything else is a UserError', () => {
  assert.is(checkWorkers(1), 1)
  assert.is(checkWorkers(8), 8)
  for (const bad of [0, 9, 1.5, NaN, -1])
    assert.throws(
      () => checkWorkers(bad),
      (error: unknown) => error instanceof UserError,
    )
})

test("a node's engine: users remapped, its own socket, roots and containerd namespace, pulling from the cluster's registry", () => {
  const layout = clusterLayout({ workers: 1, env })
  const args = dockerdArguments(layout.nodes[1]!, layout).join(' ')
  assert.ok(args.includes('--userns-remap default'))
  assert.ok(args.includes('--host unix:///run/ie/cluster/ie-worker1/docker.sock'))
  assert.ok(args.includes('--data-root /var/lib/ie/cluster/ie-worker1'))
  assert.ok(args.includes('--exec-root /run/ie/cluster/ie-worker1/exec'))
  assert.ok(args.includes('--containerd-namespace ie-worker1 '))
  assert.ok(args.includes('--insecure-registry 10.211.0.1:5000'))
  assert.ok(args.includes('--default-address-pool base=10.216.0.0/16,size=28'))
})

test('the host: from the bridge it answers replies and the registry only, and forwards node to node only', () => {
  const { input, forward, guard } = hostRules('10.211.0.0/24')
  // From any other interface, nothing reaches the cluster's addresses.
  assert.equal(text(guard), ['-i iecl0 -j RETURN', '-i lo -j RETURN', '-d 10.211.0.0/24 -j DROP'])
  assert.equal(text(input), ['-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT', '-p tcp --dport 5000 -j ACCEPT', REJECT])
  assert.equal(text(forward), ['-o iecl0 -m physdev --physdev-is-bridged -j ACCEPT', REJECT])
})

test('a node: its containers get replies and their own bridge; what they send to the node or out of it is rejected', () => {
  const rules = text(nodeRules())
  assert.is(rules[0], '-m conntrack --ctstate INVALID -j DROP')
  assert.is(rules[1], '-m conntrack --ctstate ESTABLISHED,RELATED -j RETURN')
  assert.ok(rules.includes('-i eth0 -j RETURN'))
  assert.is(rules.at(-1), REJECT)
  // Nothing that a container could send (no -s range, no port) is let through before the reject.
  assert.not.ok(rules.some((rule) => /-s |--dport/.test(rule)))
})

const box: BoxSpec = {
  name: 'alice-1',
  task: 'hello',
  image: 'interview-env/hello',
  password: 'a-password',
  keys: [],
  probeKey: 'ssh-ed25519 AAAA probe',
  participants: [],
  bind: '0.0.0.0',
  capAdd: ['SYS_PTRACE', 'NET_ADMIN', 'SYS_ADMIN'],
  limits: { memory: '1g', cpus: 1, pids: 512, disk: '4g' },
  desktop: false,
}

test('the box as a service: one replica, never restarted, the same caps, limits, labels and environment, SSH in host mode', () => {
  const spec = boxServiceSpec(containerSpec(box), {
    image: '10.211.0.1:5000/interview-env/hello:latest',
    constraints: ['node.hostname==ie-worker1'],
    publish: true,
  })
  const task = spec.TaskTemplate as Record<string, any>
  assert.is(spec.Name, 'ie-alice-1')
  assert.equal(spec.Mode, { Replicated: { Replicas: 1 } })
  assert.is(task.RestartPolicy.Condition, 'none')
  assert.equal(task.ContainerSpec.CapabilityAdd, ['SYS_PTRACE', 'NET_ADMIN', 'SYS_ADMIN'])
  assert.equal(task.Resources.Limits, { NanoCPUs: 1e9, MemoryBytes: 1024 ** 3, Pids: 512 })
  assert.is(task.ContainerSpec.Image, '10.211.0.1:5000/interview-env/hello:latest')
  assert.is(task.ContainerSpec.Labels['interview-env.interview'], 'alice-1')
  assert.is(spec.Labels!['interview-env.role'], 'interview')
  assert.ok(task.ContainerSpec.Env.includes('INTERVIEW_PASSWORD=a-password'))
  assert.equal(task.ContainerSpec.HealthCheck, { Test: ['NONE'] })
  assert.equal(task.Placement.Constraints, ['node.hostname==ie-worker1'])
  assert.equal(task.Networks, [{ Target: 'ie-alice-1', Aliases: ['box'] }])
  assert.equal(spec.EndpointSpec, { Mode: 'dnsrr', Ports: [{ Protocol: 'tcp', TargetPort: 22, PublishMode: 'host' }] })
  const pinned = boxServiceSpec(containerSpec(box), { image: 'x', constraints: [], port: 2222, publish: true })
  const behindTheDoor = boxServiceSpec(containerSpec(box), { image: 'x', constraints: [], publish: false })
  assert.equal(behindTheDoor.EndpointSpec, { Mode: 'dnsrr', Ports: [] })
  assert.is(pinned.EndpointSpec!.Ports![0]!.PublishedPort, 2222)
})

test("a desktop's box as a service: its /dev/shm a tmpfs of the size one engine gives it (a service takes no --shm-size); a terminal box's none", () => {
  const desktop = boxServiceSpec(containerSpec({ ...box, desktop: true }), { image: 'x', constraints: [], publish: false })
  const terminal = boxServiceSpec(containerSpec(box), { image: 'x', constraints: [], publish: false })
  assert.equal((desktop.TaskTemplate as Record<string, any>).ContainerSpec.Mounts, [
    { Type: 'tmpfs', Target: '/dev/shm', TmpfsOptions: { SizeBytes: 512 * 1024 * 1024 } },
  ])
  assert.equal((terminal.TaskTemplate as Record<string, any>).ContainerSpec.Mounts, [])
})

test("the interview's network on a Swarm: a bridge of its own on the box's node, from the nodes' config (which takes no labels)", () => {
  const network = boxNetworkSpec(networkSpec(box), 'interview-env-boxes') as Record<string, any>
  assert.is(network.Driver, 'bridge')
  assert.is(network.Scope, 'swarm')
  assert.equal(network.ConfigFrom, { Network: 'interview-env-boxes' })
  assert.is(network.Name, 'ie-alice-1')
  assert.is(network.Labels, undefined)
})

test("node engines: INTERVIEW_CLUSTER_NODE_ENGINES names each node's DOCKER_HOST; a malformed pair is refused in one line", async () => {
  const { parseNodeEngines } = await import('../cluster/swarm-engine.ts')
  const engines = parseNodeEngines('node1=ssh://root@node1, node2=tcp://10.0.0.2:2376')
  assert.equal(
    [...engines],
    [
      ['node1', 'ssh://root@node1'],
      ['node2', 'tcp://10.0.0.2:2376'],
    ],
  )
  assert.equal(parseNodeEngines(undefined).size, 0)
  for (const bad of ['node1', '=ssh://x', 'node1='])
    assert.throws(
      () => parseNodeEngines(bad),
      (error: unknown) => error instanceof UserError && /not hostname=DOCKER_HOST/.test(error.message),
    )
})

test('dockerAt: a client for a unix, tcp or ssh DOCKER_HOST; anything else is refused', async () => {
  const { dockerAt } = await import('../interviews/engine-of.ts')
  assert.is((dockerAt('unix:///run/ie/node/docker.sock').modem as { socketPath?: string }).socketPath, '/run/ie/node/docker.sock')
  assert.is((dockerAt('tcp://10.0.0.2:2376').modem as { port?: number }).port, 2376)
  assert.is((dockerAt('ssh://admin@node1').modem as { protocol?: string }).protocol, 'ssh')
  assert.throws(
    () => dockerAt('http://node1'),
    (error: unknown) => error instanceof UserError,
  )
})

test('dockerHostOf: the DOCKER_HOST of a client, for the docker commands that must reach the same engine', async () => {
  const { dockerAt, dockerHostOf } = await import('../engine/docker-at.ts')
  for (const host of ['unix:///run/ie/node/docker.sock', 'tcp://10.0.0.2:2376', 'ssh://admin@node1:22'])
    assert.is(dockerHostOf(dockerAt(host)), host)
})

test('an engine trusted over TLS: its client presents the certificates, and docker commands get DOCKER_TLS_VERIFY and DOCKER_CERT_PATH', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const { dockerAt, dockerHostOf, engineEnv, envForEngineOf, trustEngineAt } = await import('../engine/docker-at.ts')
  const certs = mkdtempSync(join(tmpdir(), 'certs-'))
  for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(certs, file), `${file}\n`)
  writeFileSync(join(certs, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n')
  const host = 'tcp://10.0.0.3:7631'
  trustEngineAt(host, certs)
  const modem = dockerAt(host).modem as { protocol?: string; ca?: Buffer; cert?: Buffer; key?: Buffer }
  assert.is(modem.protocol, 'https')
  assert.is(String(modem.cert), 'cert.pem\n')
  assert.is(dockerHostOf(dockerAt(host)), host)
  const env = envForEngineOf(dockerAt(host), { PATH: '/bin' })
  assert.equal(env, { PATH: '/bin', DOCKER_HOST: host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs })
  // Another engine does not inherit a TLS setting that was meant for this one.
  assert.equal(engineEnv('unix:///run/other.sock', env), { PATH: '/bin', DOCKER_HOST: 'unix:///run/other.sock' })
  assert.is((dockerAt('tcp://10.0.0.4:2375').modem as { protocol?: string }).protocol, 'http')
  // A Unix socket's client stays on its socket when DOCKER_HOST names a tcp:// engine with certificates.
  const saved = { ...process.env }
  Object.assign(process.env, env)
  try {
    const modem = dockerAt('unix:///run/ie/manager.sock').modem as { socketPath?: string; host?: string; protocol?: string }
    assert.equal([modem.socketPath, modem.host, modem.protocol], ['/run/ie/manager.sock', undefined, 'http'])
  } finally {
    for (const key of ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH']) if (saved[key] === undefined) delete process.env[key]
    Object.assign(process.env, saved)
  }
})

test('the node server: one per node, no capability, no host network, the gate of its own node, its port published there', async () => {
  const { nodeServerServiceSpec } = await import('../cluster/node-server.ts')
  const { clusterLayout } = await import('../cluster/layout.ts')
  const layout = clusterLayout({ workers: 1, env: { INTERVIEW_ENGINE_RUN: '/run/ie' } })
  const spec = nodeServerServiceSpec(layout, 'reg/interview-env/server@sha256:abc', []) as {
    Mode: object
    TaskTemplate: {
      ContainerSpec: { Image: string; CapabilityDrop: string[]; Mounts: { Source: string }[] }
      Networks: { Target: string }[]
    }
    EndpointSpec: { Ports: { PublishMode: string; TargetPort: number }[] }
  }
  assert.equal(spec.Mode, { Global: {} })
  assert.is(spec.TaskTemplate.ContainerSpec.Image, 'reg/interview-env/server@sha256:abc')
  assert.equal(spec.TaskTemplate.ContainerSpec.CapabilityDrop, ['ALL'])
  assert.equal(
    spec.TaskTemplate.ContainerSpec.Mounts.map((mount) => mount.Source),
    ['/run/ie/cluster/{{.Node.Hostname}}/gate', undefined],
  )
  assert.is(layout.nodes[1]!.runDir, '/run/ie/cluster/ie-worker1')
  assert.is(spec.TaskTemplate.Networks, undefined)
  assert.equal(spec.EndpointSpec.Ports, [{ Protocol: 'tcp', TargetPort: 7631, PublishedPort: 7631, PublishMode: 'host' }])
})

test.run()
