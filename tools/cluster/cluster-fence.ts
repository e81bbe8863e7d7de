// The local cluster's firewall, on two levels (docs/cluster.md):
// - on the host, what comes in over the cluster's bridge: nodes talk to each other (Swarm's ports)
//   and pull from the registry; nothing else reaches the host, and nothing is routed off the machine;
//   and what comes from any other interface: nothing reaches the cluster's addresses;
// - in each node, what its containers send out of the node: only replies. A candidate's box reaches
//   neither the node, nor the other nodes, nor the host, nor anything beyond.
// Pure rule lists here, unit-tested; installing them is below.
import { hostCommand, commandSucceeds, inNode } from './host-command.ts'
import { CLUSTER_BRIDGE, REGISTRY_PORT } from './layout.ts'

export const HOST_INPUT_CHAIN = 'INTERVIEW-CLUSTER-IN'
export const HOST_FORWARD_CHAIN = 'INTERVIEW-CLUSTER-FWD'
/**
 * For what comes in on any other interface (the LAN, an interview of the interview engine with
 * --egress all): dropped in the raw table, before any filter chain, so no rule of another's that sits
 * first in INPUT or FORWARD lets it reach the cluster's link (its nodes, the registry).
 */
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
      ['-d', cidr, '-j', 'DROP'],
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
    // A forged packet that conntrack cannot place (a guessed reply) goes nowhere.
    ['-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP'],
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
  // First in each, even when something was put before it since: taken out and put back at the top.
  for (const [builtIn, ...match] of from) {
    const jump = [...match, '-j', chain]
    while (await exists(['-D', builtIn!, ...jump]));
    await iptables(['-I', builtIn!, '1', ...jump])
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

const hostIptables = (table: string) => (args: string[]) => hostCommand('iptables', ['-w', '-t', table, ...args])
const hostIptablesSucceeds = (table: string) => (args: string[]) => commandSucceeds('iptables', ['-w', '-t', table, ...args])
/** Each host chain: its table, and where it is jumped to from. */
const HOST_HOOKS = {
  [HOST_INPUT_CHAIN]: ['filter', [['INPUT', '-i', CLUSTER_BRIDGE]]],
  [HOST_FORWARD_CHAIN]: ['filter', [['FORWARD', '-i', CLUSTER_BRIDGE]]],
  [HOST_GUARD_CHAIN]: ['raw', [['PREROUTING']]],
} as const satisfies Record<string, readonly [string, readonly (readonly string[])[]]>

export async function installHostFence(cidr: string): Promise<void> {
  const rules = hostRules(cidr)
  const lists = { [HOST_INPUT_CHAIN]: rules.input, [HOST_FORWARD_CHAIN]: rules.forward, [HOST_GUARD_CHAIN]: rules.guard }
  for (const [chain, [table, from]] of Object.entries(HOST_HOOKS))
    await installChain(
      hostIptables(table),
      hostIptablesSucceeds(table),
      chain,
      lists[chain as keyof typeof lists],
      from.map((hook) => [...hook]),
    )
}

export async function removeHostFence(): Promise<void> {
  for (const [chain, [table, from]] of Object.entries(HOST_HOOKS))
    await removeChain(
      hostIptables(table),
      hostIptablesSucceeds(table),
      chain,
      from.map((hook) => [...hook]),
    )
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
