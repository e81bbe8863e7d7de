// Makes an interview's network on a /28 of the project's address pool (address-pool.ts), in the part
// of the pool that gives its egress policy. Two `run`s racing for one subnet: the loser takes the next.
import { readFileSync } from 'node:fs'
import type Docker from 'dockerode'
import {
  addressPool,
  egressRange,
  freeSubnets,
  ipamConfig,
  overlaps,
  parseCidr,
  rangeFull,
  type Cidr,
  type Egress,
} from './address-pool.ts'

/** Every subnet the engine's networks hold, so a new one overlaps none. */
async function subnetsInUse(docker: Docker): Promise<Cidr[]> {
  const networks = await docker.listNetworks()
  return networks.flatMap((network) =>
    (network.IPAM?.Config ?? []).flatMap((config) => {
      try {
        return config.Subnet && config.Subnet.includes('.') ? [parseCidr(config.Subnet)] : []
      } catch {
        return []
      }
    }),
  )
}

/**
 * Subnets the host itself still routes: a bridge the engine left behind after removing its network
 * (seen when networks come and go by the dozen at once) keeps its address and route, down but in the
 * table, and a new network on that subnet would be unreachable from the host, so its box never
 * answers the login probe. Read from /proc/net/route, which lists routes of links that are down too.
 */
export function hostSubnets(routeTable = readRouteTable()): Cidr[] {
  const address = (hex: string) => {
    const n = parseInt(hex, 16)
    return ((n & 0xff) * 2 ** 24 + ((n >>> 8) & 0xff) * 2 ** 16 + ((n >>> 16) & 0xff) * 2 ** 8 + ((n >>> 24) & 0xff)) >>> 0
  }
  return routeTable
    .split('\n')
    .slice(1)
    .flatMap((line) => {
      const [, destination, , , , , , mask] = line.trim().split(/\s+/)
      if (!destination || !mask || !/^[0-9A-Fa-f]{8}$/.test(destination) || !/^[0-9A-Fa-f]{8}$/.test(mask)) return []
      const prefix = address(mask).toString(2).replace(/0/g, '').length
      return prefix ? [{ base: address(destination), prefix }] : []
    })
}

function readRouteTable(): string {
  try {
    return readFileSync('/proc/net/route', 'utf8')
  } catch {
    return ''
  }
}

// What the engine says when another `run` took the subnet first ("Pool overlaps with other one on
// this address space", or the gateway's "address already in use").
const OVERLAP = /overlaps|already in use/i

export async function createPooledNetwork(
  docker: Docker,
  options: Docker.NetworkCreateOptions,
  egress: Egress,
  env = process.env,
): Promise<Docker.Network> {
  const range = egressRange(addressPool(env), egress)
  // Only the host's own narrow subnets inside the range count: a LAN route wider than the range loses to a bridge's.
  const stale = hostSubnets().filter((subnet) => subnet.prefix >= range.prefix && overlaps(subnet, range))
  const used = [...(await subnetsInUse(docker)), ...stale]
  let tries = 0
  for (const subnet of freeSubnets(range, used)) {
    try {
      return await docker.createNetwork({ ...options, IPAM: ipamConfig(subnet) })
    } catch (error) {
      if (!OVERLAP.test((error as Error).message) || ++tries > 20) throw error
    }
  }
  throw rangeFull(range, egress)
}
