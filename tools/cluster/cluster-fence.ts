// The local cluster's firewall, on two levels (docs/cluster.md):
// - on the host, what comes in over the cluster's bridge: nodes talk to each other (Swarm's ports,
//   overlay traffic) and pull from the registry; nothing else reaches the host, and nothing is routed
//   off the machine;
// - in each node, what its containers send out of the node: only replies. A candidate's box reaches
//   neither the node, nor the other nodes, nor the host, nor anything beyond; its overlay network
//   (a multi-service task) is not routed through the node and stays open.
// Pure rule lists here, unit-tested; installing them is below.
import { hostCommand, commandSucceeds, inNode } from './host-command.ts'
import { CLUSTER_BRIDGE, REGISTRY_PORT } from './layout.ts'

export const HOST_INPUT_CHAIN = 'INTERVIEW-CLUSTER-IN'
export const HOST_FORWARD_CHAIN = 'INTERVIEW-CLUSTER-FWD'
/** For what comes from anywhere else: nothing new reaches the cluster's link (its nodes, the registry). */
export const HOST_GUARD_CHAIN = 'INTERVIEW-CLUSTER-GUARD'
/** In each node's own namespace. */
export const NODE_CHAIN = 'INTERVIEW-NODE'
/** A node's link to the others, inside its namespace. */
export const NODE_UPLINK = 'eth0'

const REJECT = ['-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited']
const REPLIES = ['-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED']

/**
 * The host's rules, as iptables arguments after `-A CHAIN`: input from the bridge, forwarding from it,
 * and the guard, for anything else that has the cluster's addresses in view (another interface, an
 * interview of the interview engine with --egress all).
 */
export function hostRules(cidr: string): { input: string[][]; forward: string[][]; guard: string[][] } {
  return {
    guard: [
      ['-i', CLUSTER_BRIDGE, '-j', 'RETURN'],
      ['-i', 'lo', '-j', 'RETURN'],
      ['-d', cidr, ...REPLIES, '-j', 'RETURN'],
      ['-d', cidr, ...REJECT],
    ],
    input: [[...REPLIES, '-j', 'ACCEPT'], ['-p', 'tcp', '--dport', String(REGISTRY_PORT), '-j', 'ACCEPT'], REJECT],
    forward: [
      // Node to node, over the bridge.
      ['-o', CLUSTER_BRIDGE, '-m', 'physdev', '--physdev-is-bridged', '-j', 'ACCEPT'],
      REJECT,
    ],
  }
}

/** A node's rules, jumped to from its INPUT and from Docker's DOCKER-USER: containers get replies only. */
export function nodeRules(): string[][] {
  return [
    [...REPLIES, '-j', 'RETURN'],
    // Traffic that arrives over the link, or that the node itself makes.
    ['-i', NODE_UPLINK, '-j', 'RETURN'],
    ['-i', 'lo', '-j', 'RETURN'],
    // Between containers on one bridge of the node.
    ['-m', 'physdev', '--physdev-is-bridged', '-j', 'RETURN'],
    // Everything else comes from a container, for the node or beyond it.
    REJECT,
  ]
}

/** Rebuilds `chain` whole in the table of `iptables` and puts one jump to it first in each of `from`. */
async function installChain(
  iptables: (args: string[]) => Promise<unknown>,
  exists: (args: string[]) => Promise<boolean>,
  chain: string,
  rules: string[][],
  from: string[][],
) {
  if (!(await exists(['-S', chain]))) await iptables(['-N', chain])
  await iptables(['-F', chain])
  for (const rule of rules) await iptables(['-A', chain, ...rule])
  for (const [builtIn, ...match] of from) {
    const jump = [...match, '-j', chain]
    if (!(await exists(['-C', builtIn!, ...jump]))) await iptables(['-I', builtIn!, '1', ...jump])
  }
}

async function removeChain(
  iptables: (args: string[]) => Promise<unknown>,
  exists: (args: string[]) => Promise<boolean>,
  chain: string,
  from: string[][],
) {
  for (const [builtIn, ...match] of from) while (await exists(['-D', builtIn!, ...match, '-j', chain]));
  if (await exists(['-F', chain])) await iptables(['-X', chain])
}

const hostIptables = (args: string[]) => hostCommand('iptables', ['-w', ...args])
const hostIptablesSucceeds = (args: string[]) => commandSucceeds('iptables', ['-w', ...args])
const HOST_HOOKS = {
  [HOST_INPUT_CHAIN]: [['INPUT', '-i', CLUSTER_BRIDGE]],
  [HOST_FORWARD_CHAIN]: [['FORWARD', '-i', CLUSTER_BRIDGE]],
  [HOST_GUARD_CHAIN]: [['INPUT'], ['FORWARD']],
}

export async function installHostFence(cidr: string): Promise<void> {
  const rules = hostRules(cidr)
  await installChain(hostIptables, hostIptablesSucceeds, HOST_INPUT_CHAIN, rules.input, HOST_HOOKS[HOST_INPUT_CHAIN])
  await installChain(hostIptables, hostIptablesSucceeds, HOST_FORWARD_CHAIN, rules.forward, HOST_HOOKS[HOST_FORWARD_CHAIN])
  await installChain(hostIptables, hostIptablesSucceeds, HOST_GUARD_CHAIN, rules.guard, HOST_HOOKS[HOST_GUARD_CHAIN])
}

export async function removeHostFence(): Promise<void> {
  for (const [chain, from] of Object.entries(HOST_HOOKS)) await removeChain(hostIptables, hostIptablesSucceeds, chain, from)
}

/** After the node's engine has made DOCKER-USER (it does when it starts). Its namespace's rules go with it. */
export async function installNodeFence(node: string): Promise<void> {
  const iptables = (args: string[]) => inNode(node, 'iptables', ['-w', ...args])
  const exists = (args: string[]) =>
    iptables(args).then(
      () => true,
      () => false,
    )
  await installChain(iptables, exists, NODE_CHAIN, nodeRules(), [['INPUT'], ['DOCKER-USER']])
}
