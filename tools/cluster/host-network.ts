// The local cluster's link: a bridge on the host, and for each node a network namespace joined to it
// by a veth pair, with the node's address and a route to the host.
import { signalProcess } from '../core/signal.ts'
import { UserError } from '../core/errors.ts'
import { sleep } from '../core/sleep.ts'
import { commandSucceeds, hostCommand, inNode } from './host-command.ts'
import { CLUSTER_BRIDGE, type ClusterLayout, type ClusterNode } from './layout.ts'
import { NODE_UPLINK } from './cluster-fence.ts'

const ip = (args: string[]) => hostCommand('ip', args)
export const linkExists = (name: string) => commandSucceeds('ip', ['link', 'show', name])
export const namespaceExists = async (name: string) => (await ip(['netns', 'list'])).split('\n').some((line) => line.split(' ')[0] === name)

export async function makeBridge(layout: ClusterLayout): Promise<void> {
  if (!(await linkExists(CLUSTER_BRIDGE))) {
    await ip(['link', 'add', CLUSTER_BRIDGE, 'type', 'bridge'])
    await ip(['addr', 'add', `${layout.hostAddress}/${layout.prefix}`, 'dev', CLUSTER_BRIDGE])
  }
  await ip(['link', 'set', CLUSTER_BRIDGE, 'up'])
}

/** The node's namespace, its end of the link, its address, and its route to the host. Safe to run again. */
export async function makeNodeNamespace(node: ClusterNode, layout: ClusterLayout): Promise<void> {
  if (!(await namespaceExists(node.name))) await ip(['netns', 'add', node.name])
  if (!(await linkExists(node.hostLink))) {
    await ip(['link', 'add', node.hostLink, 'type', 'veth', 'peer', 'name', NODE_UPLINK, 'netns', node.name])
    await ip(['-n', node.name, 'addr', 'add', `${node.address}/${layout.prefix}`, 'dev', NODE_UPLINK])
  }
  await ip(['link', 'set', node.hostLink, 'master', CLUSTER_BRIDGE, 'up'])
  await ip(['-n', node.name, 'link', 'set', NODE_UPLINK, 'up'])
  await ip(['-n', node.name, 'link', 'set', 'lo', 'up'])
  await ip(['-n', node.name, 'route', 'replace', 'default', 'via', layout.hostAddress])
  // The node's engine forwards its containers' traffic. No IPv6 in the node: the fence is IPv4's, and
  // a box could otherwise reach the node's side of its bridge at its link-local address. Strict
  // source checks and ARP: a box cannot send as another address, nor learn the node's other addresses.
  const settings = [
    'net.ipv4.ip_forward=1',
    'net.ipv6.conf.all.disable_ipv6=1',
    'net.ipv6.conf.default.disable_ipv6=1',
    ...['all', 'default'].flatMap((scope) => [
      `net.ipv4.conf.${scope}.rp_filter=1`,
      `net.ipv4.conf.${scope}.accept_redirects=0`,
      `net.ipv4.conf.${scope}.send_redirects=0`,
      `net.ipv4.conf.${scope}.arp_ignore=1`,
      `net.ipv4.conf.${scope}.arp_announce=2`,
    ]),
  ]
  await inNode(node.name, 'sysctl', ['-q', '-w', ...settings])
}

/** Removes the node's namespace (its end of the link goes with it) and the host's end. */
export async function removeNodeNamespace(name: string, hostLink: string): Promise<void> {
  if (await namespaceExists(name)) {
    // Whatever still runs in it is the node's (its engine found by another path, say): it ends first.
    await endProcessesIn(name)
    await ip(['netns', 'delete', name])
  }
  // Deleting the namespace takes the veth pair with it, a moment later: gone by then is as good.
  if (await linkExists(hostLink))
    await ip(['link', 'delete', hostLink]).catch(async (error: unknown) => {
      if (await linkExists(hostLink)) throw error
    })
}

/** Ends every process in the node's network namespace (SIGTERM, then SIGKILL after 20 s). */
async function endProcessesIn(name: string): Promise<void> {
  const pidsIn = async () =>
    (await ip(['netns', 'pids', name]))
      .split('\n')
      .map(Number)
      .filter((pid) => pid > 0)
  const signal = (pids: number[], how: NodeJS.Signals) => pids.forEach((pid) => signalProcess(pid, how))
  signal(await pidsIn(), 'SIGTERM')
  for (let tries = 0; tries < 200 && (await pidsIn()).length; tries++) await sleep(100)
  signal(await pidsIn(), 'SIGKILL')
  for (let tries = 0; tries < 50 && (await pidsIn()).length; tries++) await sleep(100)
  const left = await pidsIn()
  if (left.length)
    throw new UserError(
      `processes ${left.join(', ')} still run in node ${name}`,
      `end them (kill -9 ${left.join(' ')}), then run down again`,
    )
}

export async function removeBridge(): Promise<void> {
  if (await linkExists(CLUSTER_BRIDGE)) await ip(['link', 'delete', CLUSTER_BRIDGE])
}
