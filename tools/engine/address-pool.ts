// Interview networks come from the project's own address range (INTERVIEW_ADDRESS_POOL, default in
// defaults.env), cut into /28s, so that thousands fit where Docker's default pools hold about 30.
// The range is split by egress policy, so the firewall rules (fence.ts) are fixed once for the whole
// range and `run` needs no root: the first half is `internet`, the third quarter `none`, the last `all`.
import { readFileSync } from 'node:fs'
import { UserError } from '../core/errors.ts'

/** A default that scripts/start-engine.sh gives the engine, from the one file both read. */
export function engineDefault(key: string): string {
  const text = readFileSync(new URL('./defaults.env', import.meta.url), 'utf8')
  const value = new RegExp(`^${key}=(.+)$`, 'm').exec(text)?.[1]?.trim()
  if (!value) throw new Error(`tools/engine/defaults.env has no ${key}`)
  return value
}

export const SUBNET_PREFIX = 28
export const EGRESS = ['none', 'internet', 'all'] as const
export type Egress = (typeof EGRESS)[number]

export interface Cidr {
  base: number
  prefix: number
}

export function parseCidr(text: string): Cidr {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim())
  const octets = match?.slice(1, 5).map(Number) ?? []
  const prefix = Number(match?.[5])
  if (!match || octets.some((o) => o > 255) || prefix > 32)
    throw new UserError(`"${text}" is not an IPv4 range`, 'write it as a.b.c.d/n, e.g. 10.213.0.0/16')
  const address = octets.reduce((sum, o) => sum * 256 + o, 0)
  const size = 2 ** (32 - prefix)
  return { base: address - (address % size), prefix }
}

export const formatAddress = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.')
export const formatCidr = ({ base, prefix }: Cidr) => `${formatAddress(base)}/${prefix}`
const size = (prefix: number) => 2 ** (32 - prefix)

/** The address pool the tools and the engine share. */
export function addressPool(env: NodeJS.ProcessEnv = process.env): Cidr {
  const pool = parseCidr(env.INTERVIEW_ADDRESS_POOL || engineDefault('INTERVIEW_ADDRESS_POOL'))
  if (pool.prefix > SUBNET_PREFIX - 2) {
    throw new UserError(
      `INTERVIEW_ADDRESS_POOL ${formatCidr(pool)} is too small`,
      `use a /${SUBNET_PREFIX - 2} or larger, e.g. 10.213.0.0/16`,
    )
  }
  return pool
}

export const buildBridge = (env: NodeJS.ProcessEnv = process.env): Cidr =>
  parseCidr(env.INTERVIEW_BRIDGE_CIDR || engineDefault('INTERVIEW_BRIDGE_CIDR'))

/** The part of the pool whose networks get the given egress policy. */
export function egressRange(pool: Cidr, egress: Egress): Cidr {
  if (egress === 'internet') return { base: pool.base, prefix: pool.prefix + 1 }
  const quarter = size(pool.prefix + 2)
  return { base: pool.base + (egress === 'none' ? 2 : 3) * quarter, prefix: pool.prefix + 2 }
}

/** Whether two ranges share an address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b.prefix) && b.base < a.base + size(a.prefix)
}

/** The /28s of `range` not overlapping any of `used`, in order (lazily: a range holds thousands). */
export function* freeSubnets(range: Cidr, used: Cidr[]): Generator<Cidr> {
  const step = size(SUBNET_PREFIX)
  for (let base = range.base; base < range.base + size(range.prefix); base += step) {
    const subnet = { base, prefix: SUBNET_PREFIX }
    if (!used.some((u) => overlaps(u, subnet))) yield subnet
  }
}

/** The IPAM settings of a network on `subnet`: the gateway is its first address. */
export function ipamConfig(subnet: Cidr) {
  return { Driver: 'default', Config: [{ Subnet: formatCidr(subnet), Gateway: formatAddress(subnet.base + 1) }] }
}

export function rangeFull(range: Cidr, egress: Egress): UserError {
  const count = size(range.prefix) / size(SUBNET_PREFIX)
  return new UserError(
    `no free network left for --egress ${egress}: all ${count} /${SUBNET_PREFIX}s of ${formatCidr(range)} are in use`,
    'stop interviews you no longer need (npx zx scripts/list.mjs), or give the engine and the tools a larger INTERVIEW_ADDRESS_POOL',
  )
}
