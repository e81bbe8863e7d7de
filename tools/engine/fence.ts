// The egress fence: iptables rules, fixed for the whole address pool (address-pool.ts), that keep an
// interview's containers off the host, its LAN, private and link-local ranges (the cloud metadata
// address among them) and other interviews. Docker sends every forwarded packet through the
// DOCKER-USER chain first; packets to the host itself go through INPUT. Both jump, for sources in
// the pool, to chains of ours, which `installFence` rewrites whole: running it again changes nothing.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { UserError } from '../core/errors.ts'
import { egressRange, formatCidr, type Cidr } from './address-pool.ts'

export const FORWARD_CHAIN = 'INTERVIEW-EGRESS'
export const INPUT_CHAIN = 'INTERVIEW-HOST'

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

/** Each rule as iptables arguments after `-A CHAIN`. */
export interface FenceRules {
  forward: string[][]
  input: string[][]
}

/**
 * The rules for a pool. `nameservers` are the host's resolvers: the engine's DNS server answers
 * inside each container and asks them from the container's own address, so they stay reachable on
 * port 53 (and only there) for every policy but `none`.
 */
export function fenceRules(pool: Cidr, nameservers: string[]): FenceRules {
  const internet = formatCidr(egressRange(pool, 'internet'))
  const none = formatCidr(egressRange(pool, 'none'))
  const all = formatCidr(egressRange(pool, 'all'))
  const dns = nameservers.flatMap((ns) => [
    ['-s', internet, '-d', ns, '-p', 'udp', '--dport', '53', '-j', 'RETURN'],
    ['-s', internet, '-d', ns, '-p', 'tcp', '--dport', '53', '-j', 'RETURN'],
  ])
  const rejected = ['-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited']
  return {
    forward: [
      // Replies to connections made to the interview (its SSH port) and within its own network.
      ['-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'RETURN'],
      // Another network of the pool: Docker's own isolation decides (only the interview's own network passes).
      ['-d', formatCidr(pool), '-j', 'RETURN'],
      ['-s', all, '-j', 'RETURN'],
      ['-s', none, ...rejected],
      ...dns,
      ...NON_PUBLIC.map((range) => ['-s', internet, '-d', range, ...rejected]),
      ['-s', internet, '-j', 'RETURN'],
      // Anything else in the pool (a network made outside interview-env): nothing leaves.
      rejected,
    ],
    input: [
      // The host itself answers only what it asked for; --egress all opts out.
      ['-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'RETURN'],
      ['-s', all, '-j', 'RETURN'],
      rejected,
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

/** Writes the rules (root only). Our chains are rebuilt whole; the jumps into them are added once. */
export async function installFence(pool: Cidr, nameservers: string[]): Promise<FenceRules> {
  const rules = fenceRules(pool, nameservers)
  try {
    for (const [chain, from, list] of [
      [FORWARD_CHAIN, 'DOCKER-USER', rules.forward],
      [INPUT_CHAIN, 'INPUT', rules.input],
    ] as const) {
      if (!(await succeeds(['-N', chain]))) await iptables(['-F', chain])
      for (const rule of list) await iptables(['-A', chain, ...rule])
      // The engine makes DOCKER-USER and sends FORWARD through it; made here first, it is the same chain.
      if (from === 'DOCKER-USER' && (await succeeds(['-N', from]))) await iptables(['-I', 'FORWARD', '1', '-j', from])
      const jump = ['-s', formatCidr(pool), '-j', chain]
      if (!(await succeeds(['-C', from, ...jump]))) await iptables(['-I', from, '1', ...jump])
    }
  } catch (error) {
    const message = ((error as { stderr?: string }).stderr || (error as Error).message).trim().split('\n')[0]
    throw new UserError(
      `could not write the egress fence: ${message}`,
      'run it as root (sudo bash scripts/start-engine.sh), on a host with iptables',
    )
  }
  return rules
}

/** Removes the jumps and our chains (root only). */
export async function removeFence(pool: Cidr): Promise<void> {
  for (const [chain, from] of [
    [FORWARD_CHAIN, 'DOCKER-USER'],
    [INPUT_CHAIN, 'INPUT'],
  ] as const) {
    while (await succeeds(['-D', from, '-s', formatCidr(pool), '-j', chain]));
    if (await succeeds(['-F', chain])) await succeeds(['-X', chain])
  }
}
