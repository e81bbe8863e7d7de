// The interview engine's firewall: its forwarding, its address translation and the egress fence.
// The engine runs with --iptables=false, so that it never touches the chains another Docker engine on
// the host keeps (each empties them when it starts); these rules, fixed for the whole address pool
// (address-pool.ts) and the build bridge, do its job instead, in chains of our own that
// `installFence` rewrites whole: running it again changes nothing. They keep an interview off the
// host, its LAN, private and link-local ranges (the cloud metadata address among them) and other
// interviews, per its part of the pool.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { UserError } from '../core/errors.ts'
import { egressRange, formatCidr, type Cidr } from './address-pool.ts'

export const FORWARD_CHAIN = 'INTERVIEW-FORWARD'
export const EGRESS_CHAIN = 'INTERVIEW-EGRESS'
export const INPUT_CHAIN = 'INTERVIEW-HOST'
export const NAT_CHAIN = 'INTERVIEW-NAT'

/** Addresses an interview on `internet` may not reach: private, shared, link-local, loopback, multicast, reserved. */
export const NON_PUBLIC = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4',
  '240.0.0.0/4',
]

/** Each chain's rules, as iptables arguments after `-A CHAIN`. */
export interface FenceRules {
  forward: string[][]
  egress: string[][]
  input: string[][]
  nat: string[][]
}

export interface FenceScope {
  /** The interviews' address pool. */
  pool: Cidr
  /** The engine's default bridge, used by builds: forwarded and translated, not fenced. */
  bridge: Cidr
  /**
   * The host's resolvers: the engine's DNS server answers inside each container and asks them from
   * the container's own address, so they stay reachable on port 53 (and only there) on `internet`.
   */
  nameservers: string[]
}

const REJECT = ['-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited']

export function fenceRules({ pool, bridge, nameservers }: FenceScope): FenceRules {
  const [all, none, internet, range, builds] = [
    egressRange(pool, 'all'),
    egressRange(pool, 'none'),
    egressRange(pool, 'internet'),
    pool,
    bridge,
  ].map(formatCidr) as [string, string, string, string, string]
  return {
    forward: [
      // Replies to connections made to an interview or a build.
      ['-d', range, '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT'],
      ['-d', builds, '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT'],
      ['-s', builds, '-j', 'ACCEPT'],
      // Within one interview's network (one bridge): the box and its services.
      ['-s', range, '-d', range, '-m', 'physdev', '--physdev-is-bridged', '-j', 'ACCEPT'],
      ['-s', range, '-j', EGRESS_CHAIN],
    ],
    egress: [
      // Another interview's network: never.
      ['-d', range, ...REJECT],
      ['-s', all, '-j', 'ACCEPT'],
      ['-s', none, ...REJECT],
      ...nameservers.flatMap((ns) => [
        ['-s', internet, '-d', ns, '-p', 'udp', '--dport', '53', '-j', 'ACCEPT'],
        ['-s', internet, '-d', ns, '-p', 'tcp', '--dport', '53', '-j', 'ACCEPT'],
      ]),
      ...NON_PUBLIC.map((target) => ['-s', internet, '-d', target, ...REJECT]),
      ['-s', internet, '-j', 'ACCEPT'],
      // Anything else in the pool (a network made outside interview-env): nothing leaves.
      REJECT,
    ],
    input: [
      // The host itself answers only what it asked for; --egress all opts out.
      ['-s', range, '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'RETURN'],
      ['-s', all, '-j', 'RETURN'],
      ['-s', range, ...REJECT],
    ],
    nat: [
      ['-s', range, '!', '-d', range, '-j', 'MASQUERADE'],
      ['-s', builds, '!', '-d', builds, '-j', 'MASQUERADE'],
    ],
  }
}

/** The resolvers the engine forwards to: the host's, from resolv.conf, except loopback ones (Docker skips those). */
export function hostNameservers(resolvConf: string): string[] {
  return [...resolvConf.matchAll(/^\s*nameserver\s+(\d+\.\d+\.\d+\.\d+)\s*$/gm)].map((m) => m[1]!).filter((ns) => !ns.startsWith('127.'))
}

export function readHostNameservers(): string[] {
  for (const file of ['/run/systemd/resolve/resolv.conf', '/etc/resolv.conf']) {
    try {
      const servers = hostNameservers(readFileSync(file, 'utf8'))
      if (file === '/etc/resolv.conf' || servers.length) return servers
    } catch {
      // the next file
    }
  }
  return []
}

const run = promisify(execFile)
const iptables = (args: string[]) => run('iptables', ['-w', ...args])
const succeeds = async (args: string[]) =>
  iptables(args).then(
    () => true,
    () => false,
  )

/** Where each of our chains is jumped to from: table, built-in chain. */
const HOOKS = [
  [FORWARD_CHAIN, 'filter', 'FORWARD'],
  [INPUT_CHAIN, 'filter', 'INPUT'],
  [NAT_CHAIN, 'nat', 'POSTROUTING'],
] as const

/** Writes the rules (root only): our chains are rebuilt whole; the jumps into them are added once, first. */
export async function installFence(scope: FenceScope): Promise<FenceRules> {
  const rules = fenceRules(scope)
  const lists: Record<string, string[][]> = {
    [FORWARD_CHAIN]: rules.forward,
    [EGRESS_CHAIN]: rules.egress,
    [INPUT_CHAIN]: rules.input,
    [NAT_CHAIN]: rules.nat,
  }
  try {
    for (const [chain, table] of [[EGRESS_CHAIN, 'filter'], ...HOOKS] as const) {
      if (!(await succeeds(['-t', table, '-N', chain]))) await iptables(['-t', table, '-F', chain])
      for (const rule of lists[chain]!) await iptables(['-t', table, '-A', chain, ...rule])
    }
    for (const [chain, table, hook] of HOOKS) {
      if (!(await succeeds(['-t', table, '-C', hook, '-j', chain]))) await iptables(['-t', table, '-I', hook, '1', '-j', chain])
    }
  } catch (error) {
    const message = ((error as { stderr?: string }).stderr || (error as Error).message).trim().split('\n')[0]
    throw new UserError(
      `could not write the interview engine's firewall rules: ${message}`,
      'run it as root (sudo bash scripts/start-engine.sh), on a host with iptables',
    )
  }
  return rules
}

/** Removes the jumps and our chains (root only). */
export async function removeFence(): Promise<void> {
  for (const [chain, table, hook] of HOOKS) while (await succeeds(['-t', table, '-D', hook, '-j', chain]));
  for (const [chain, table] of [...HOOKS, [EGRESS_CHAIN, 'filter']] as const) {
    if (await succeeds(['-t', table, '-F', chain])) await succeeds(['-t', table, '-X', chain])
  }
}
