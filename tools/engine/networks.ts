// Makes an interview's network on a /28 of the project's address pool (address-pool.ts), in the part
// of the pool that gives its egress policy. Two `run`s racing for one subnet: the loser takes the next.
import { networkInterfaces } from 'node:os'
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
 * (seen when networks come and go by the dozen at once) keeps its address and route, and a new
 * network on that subnet would be unreachable from the host, so its box never answers the login probe.
 */
export function hostSubnets(interfaces = networkInterfaces()): Cidr[] {
  return Object.values(interfaces).flatMap((list) =>
    (list ?? []).flatMap((info) => {
      if (info.family !== 'IPv4' || !info.cidr) return []
      try {
        return [parseCidr(info.cidr)]
      } catch {
        return []
      }
    }),
  )
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
